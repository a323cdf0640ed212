"""Open documents: text kept in sync with the client's incremental edits.

Edits arrive on the event loop; the core (analysis, parsers) runs on one worker
thread. A document therefore hands the worker immutable ``Snapshot`` values and
queues edits for its PowerShell syntax tree, which the worker applies in order
when it next needs the tree (incremental reparse, ``credls.powershell.parser``).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lsprotocol import types

from credls.document import DocumentKind
from credls.server.convert import from_lsp_range, uri_to_path
from credls.text import Encoding, LineIndex, Position

if TYPE_CHECKING:
    from credls.ini.parser import IniFile
    from credls.powershell.parser import PowerShellDocument
    from credls.server.scripts import ScriptView

# Larger documents are not analysed: the answer would come too late to help.
MAX_ANALYSED_CHARS = 16 * 1024 * 1024

# Past this many queued edits a never-used syntax tree is dropped, not replayed.
_MAX_QUEUED_EDITS = 2000


@dataclass(frozen=True)
class Snapshot:
    """One version of a document, safe to read from any thread."""

    uri: str
    version: int
    text: str
    language_id: str
    path: str | None  # the file on disk, None for untitled buffers
    doc: OpenDocument = field(compare=False, repr=False)

    @property
    def display_path(self) -> str:
        return self.path or self.uri

    def index(self) -> LineIndex:
        return self.doc.index_for(self.text)

    def ini(self) -> IniFile:
        return self.doc.ini_for(self.text)

    @property
    def too_large(self) -> bool:
        return len(self.text) > MAX_ANALYSED_CHARS

    @property
    def current(self) -> bool:
        """Still the document's latest version (and the document still open)."""
        return self.doc.open and self.doc.version == self.version


class OpenDocument:
    """A document the client has open."""

    def __init__(self, uri: str, language_id: str, version: int, text: str) -> None:
        self.uri = uri
        self.language_id = language_id or ""
        self.path = uri_to_path(uri)
        self.version = version
        self.text = text
        self.open = True
        self.kind: DocumentKind | None = None  # decided by the worker (needs settings)
        self._lock = threading.Lock()
        self._index: tuple[str, LineIndex] | None = None
        self._ini: tuple[str, IniFile] | None = None
        self._ps: PowerShellDocument | None = None
        self._ps_tracking = False  # edits are queued once a tree exists or is being built
        self._ps_edits: deque[tuple[Position, Position, str] | str] = deque()
        self._ps_fresh = False  # the tree came from one parse of the whole text
        self.script_view: ScriptView | None = None  # the last model built (worker thread)
        # The last findings' LSP forms, by what they depend on (features.diagnostics).
        self.lsp_diagnostics: tuple[object, dict[tuple[object, ...], types.Diagnostic]] | None = (
            None
        )

    # --- derived views (cached per text) ------------------------------------------

    def index_for(self, text: str) -> LineIndex:
        cached = self._index
        if cached is not None and cached[0] is text:
            return cached[1]
        index = LineIndex(text)
        self._index = (text, index)
        return index

    def index(self) -> LineIndex:
        return self.index_for(self.text)

    def ini_for(self, text: str) -> IniFile:
        cached = self._ini
        if cached is not None and cached[0] is text:
            return cached[1]
        from credls.ini.parser import parse

        ini = parse(text)
        self._ini = (text, ini)
        return ini

    def snapshot(self) -> Snapshot:
        return Snapshot(self.uri, self.version, self.text, self.language_id, self.path, self)

    # --- edits (event loop) ---------------------------------------------------------

    def apply_changes(
        self,
        version: int,
        changes: Sequence[types.TextDocumentContentChangeEvent],
        enc: Encoding,
    ) -> None:
        """Apply ``didChange`` content changes in order (ranges in client units)."""
        with self._lock:
            for change in changes:
                if isinstance(change, types.TextDocumentContentChangePartial):
                    index = self.index()
                    rng = from_lsp_range(index, change.range, enc)
                    start = index.offset(rng.start)
                    end = index.offset(rng.end)
                    self.text = self.text[:start] + change.text + self.text[end:]
                    self._queue_ps((rng.start, rng.end, change.text))
                else:
                    self.text = change.text
                    self._queue_ps(change.text)
            self.version = version

    def _queue_ps(self, edit: tuple[Position, Position, str] | str) -> None:
        if not self._ps_tracking:
            return  # no tree yet: it will be built from the text when first needed
        if len(self._ps_edits) >= _MAX_QUEUED_EDITS:
            # A tree nobody reads: replace the backlog by one whole-text reset.
            self._ps_edits.clear()
            edit = self.text
        self._ps_edits.append(edit)

    # --- PowerShell syntax tree (worker thread) ---------------------------------------

    def powershell(self) -> PowerShellDocument:
        """The script's syntax tree, brought up to date incrementally (worker thread)."""
        from credls.powershell.parser import PowerShellDocument

        with self._lock:
            ps = self._ps
            base = self.text if ps is None else None
            self._ps_tracking = True
            edits = list(self._ps_edits)
            self._ps_edits.clear()
        fresh = self._ps_fresh
        if base is not None:
            ps, fresh = PowerShellDocument(base), True
        assert ps is not None
        for edit in edits:
            if isinstance(edit, str):
                ps, fresh = PowerShellDocument(edit), True
            else:
                ps.apply_edit(*edit)
                fresh = False
        self._ps = ps
        self._ps_fresh = fresh
        return ps

    def may_settle(self) -> bool:
        """Whether ``settle_powershell`` would parse afresh now (a cheap guess, any thread).

        tree-sitter's error recovery depends on the edit history: after edits,
        a script with syntax errors can be parsed differently from the same text
        parsed whole (and so get other findings than ``credls check``). Once the
        user pauses, the server parses such a script whole.
        """
        ps = self._ps
        return ps is not None and not self._ps_fresh and ps.has_errors

    def settle_powershell(self) -> bool:
        """Worker thread: parse the script whole if ``may_settle``; True when it did.

        The new tree replaces the incremental one only if no edit arrived meanwhile.
        """
        from credls.powershell.parser import PowerShellDocument

        with self._lock:
            ps, text = self._ps, self.text
            if ps is None or self._ps_fresh or self._ps_edits or ps.text != text:
                return False
        if not ps.has_errors:
            return False
        whole = PowerShellDocument(text)
        with self._lock:
            if self._ps is not ps or self._ps_edits or self.text != text:
                return False
            self._ps = whole
            self._ps_fresh = True
            self.script_view = None  # built on the old tree
        return True


class DocumentStore:
    """Open documents by URI."""

    def __init__(self) -> None:
        self._docs: dict[str, OpenDocument] = {}
        self._paths: dict[str, OpenDocument] | None = None  # normalised path -> document

    def open(self, item: types.TextDocumentItem) -> OpenDocument:
        doc = OpenDocument(item.uri, item.language_id, item.version, item.text)
        old = self._docs.get(item.uri)
        if old is not None:
            old.open = False
        self._docs[item.uri] = doc
        self._paths = None
        return doc

    def get(self, uri: str) -> OpenDocument | None:
        return self._docs.get(uri)

    def close(self, uri: str) -> OpenDocument | None:
        doc = self._docs.pop(uri, None)
        if doc is not None:
            doc.open = False
        self._paths = None
        return doc

    def all(self) -> list[OpenDocument]:
        return list(self._docs.values())

    def by_path(self, path: str) -> OpenDocument | None:
        import os

        paths = self._paths
        if paths is None:
            # list() copies in one step: the worker thread may ask while the loop edits.
            paths = {
                os.path.normcase(os.path.abspath(d.path)): d
                for d in list(self._docs.values())
                if d.path is not None
            }
            self._paths = paths
        return paths.get(os.path.normcase(os.path.abspath(path)))
