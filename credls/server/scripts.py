"""A script's analysis model on the server's incrementally parsed tree (worker thread).

The rules reach the model through ``credls.powershell.script.script_model``,
which caches one parse per (path, text). Before the server analyses an open
script it hands that cache the document's own ``PowerShellDocument`` — kept up
to date by incremental reparses (``documents.OpenDocument.powershell``) — so a
one-character edit reparses one statement instead of the whole file. Hover,
completion and navigation then read the same model the diagnostics came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from credls.navigation import Occurrence
    from credls.powershell.script import CallInfo, ScriptModel
    from credls.server.app import CredlsLanguageServer
    from credls.server.documents import OpenDocument, Snapshot
    from credls.text import Position


@dataclass(frozen=True)
class ScriptView:
    """One version's model plus the profile occurrences of its calls.

    ``owners[i]`` is the index in ``model.infos`` of the call that binds
    ``occurrences[i]``.
    """

    text: str
    generation: int
    model: ScriptModel
    occurrences: tuple[Occurrence, ...]
    owners: tuple[int, ...]

    def occurrence_at(self, pos: Position) -> tuple[Occurrence, CallInfo] | None:
        from credls.navigation import occurrence_at

        occ = occurrence_at(self.occurrences, pos)
        if occ is None:
            return None
        return occ, self.model.infos[self.owners[self.occurrences.index(occ)]]


def prepare(snap: Snapshot) -> bool:
    """Bring the document's tree to the snapshot's text and lend it to the core.

    False when the document has moved on (the snapshot is stale: skip it).
    """
    from credls.powershell.script import adopt

    ps = snap.doc.powershell()
    if ps.text != snap.text:
        return False
    adopt(snap.display_path, ps)
    return True


def _occurrences(model: ScriptModel, path: str) -> tuple[tuple[Occurrence, ...], tuple[int, ...]]:
    from credls.navigation import script_occurrences

    seen: set[object] = set()
    pairs: list[tuple[Occurrence, int]] = []
    lines = model.document.lines
    for i, info in enumerate(model.infos):
        for occ in script_occurrences([info.call], path, lines):
            key = (occ.range.start, occ.range.end)
            if key not in seen:
                seen.add(key)
                pairs.append((occ, i))
    pairs.sort(key=lambda p: (p[0].range.start, p[0].range.end))
    return tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)


def view_for(ls: CredlsLanguageServer, snap: Snapshot) -> ScriptView | None:
    """The model of this snapshot (cached on the document); None when stale."""
    doc: OpenDocument = snap.doc
    cached = doc.script_view
    if cached is not None and cached.text is snap.text and cached.generation == ls.generation:
        return cached
    from credls.document import Document, DocumentKind
    from credls.powershell.script import script_model
    from credls.source import SourceText

    if not prepare(snap):
        return None
    ws = ls.workspace_for(snap)
    document = Document(snap.display_path, SourceText(snap.text), DocumentKind.POWERSHELL)
    ctx = ws.context_for(document, snap.path)
    model = script_model(document, ctx)
    occurrences, owners = _occurrences(model, snap.path or snap.display_path)
    view = ScriptView(snap.text, ls.generation, model, occurrences, owners)
    doc.script_view = view
    return view


def last_view(snap: Snapshot) -> ScriptView | None:
    """The most recent model of the document, whatever its version (for completion)."""
    view: ScriptView | None = snap.doc.script_view
    return view
