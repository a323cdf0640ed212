"""Code actions: quick fixes, "ignore this rule on this line", fix all.

Implements ``textDocument/codeAction``. Quick fixes come from the core's
``Diagnostic.fix``; the server adds none of its own. Suppression comments follow
rules.md "Suppression": PowerShell gets a trailing ``# credls: ignore[CODE]``;
INI files a full-line ``# credls: ignore-next-line[CODE]`` above (a trailing
comment would change the value for some consumers). ``source.fixAll.credls``
applies every fix in the document whose edits do not overlap.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lsprotocol import types

from credls.document import DocumentKind
from credls.server.app import guarded
from credls.server.convert import from_lsp_range, path_to_uri, to_lsp_edits, to_lsp_range
from credls.server.features.common import INI_KINDS
from credls.text import LineIndex, Position, Range

if TYPE_CHECKING:
    from credls.diagnostic import Diagnostic, TextEdit
    from credls.server.app import CredlsLanguageServer
    from credls.server.documents import Snapshot
    from credls.server.features.diagnostics import Result

FIX_ALL = "source.fixAll.credls"
KINDS = [types.CodeActionKind.QuickFix, FIX_ALL]

_TRAILING = re.compile(r"#[ \t]*credls:[ \t]*ignore\[([^\]\r\n]*)\]")
_NEXT_LINE = re.compile(r"^[#;][ \t]*credls:[ \t]*ignore-next-line\[([^\]\r\n]*)\][ \t]*$")


def _wanted(kind: str, only: list[str] | None) -> bool:
    """LSP kinds are hierarchical: ``source`` asks for ``source.fixAll.credls`` too."""
    if not only:
        return True
    return any(kind == k or kind.startswith(k + ".") for k in only)


def _overlaps(a: Range, b: Range) -> bool:
    return a.start <= b.end and b.start <= a.end


def _ignore_edit(
    snap: Snapshot, index: LineIndex, kind: DocumentKind, d: Diagnostic
) -> tuple[str, Range] | None:
    """The text and range that suppress ``d`` (rules.md "Suppression")."""
    line = d.range.start.line
    text = index.line_text(line)
    if kind is DocumentKind.POWERSHELL:
        m = _TRAILING.search(text)
        if m is not None:
            at = Position(line, m.end(1))
            return (f", {d.code}" if m.group(1).strip() else d.code), Range(at, at)
        end = Position(line, len(text))
        return f"  # credls: ignore[{d.code}]", Range(end, end)
    if kind in INI_KINDS:
        above = index.line_text(line - 1) if line > 0 else ""
        m = _NEXT_LINE.match(above)
        if m is not None:
            at = Position(line - 1, m.end(1))
            return (f", {d.code}" if m.group(1).strip() else d.code), Range(at, at)
        newline = "\r\n" if "\r\n" in snap.text[:4096] else "\n"
        start = Position(line, 0)
        return f"# credls: ignore-next-line[{d.code}]{newline}", Range(start, start)
    return None  # plain text and JSON: no comment syntax known to be safe


def actions_for(
    ls: CredlsLanguageServer,
    snap: Snapshot,
    params: types.CodeActionParams,
    result: Result | None,
) -> list[types.CodeAction]:
    """Worker thread: the code actions for ``params.range``."""
    if (
        result is None
        or result.version != snap.version
        or snap.too_large
        or not ls.client.code_action_literals
    ):
        return []
    index = snap.index()
    enc = ls.client.encoding
    kind = ls.kind_of(snap)
    wanted = from_lsp_range(index, params.range, enc)
    only = [str(k) for k in params.context.only] if params.context.only else None
    out: list[types.CodeAction] = []
    quick = _wanted(types.CodeActionKind.QuickFix, only)
    ignored: set[tuple[str, int]] = set()  # one "ignore" per code and line
    for d, lsp in zip(result.core, result.lsp, strict=True):
        if not quick or not _overlaps(d.range, wanted):
            continue
        if d.fix is not None:
            out.append(
                types.CodeAction(
                    title=d.fix.title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[lsp],
                    is_preferred=True,
                    edit=types.WorkspaceEdit(
                        changes=_client_uris(snap, to_lsp_edits(d.fix.edits, ls.index_of, enc))
                    ),
                )
            )
        ignore = _ignore_edit(snap, index, kind, d)
        if ignore is not None and (d.code, d.range.start.line) not in ignored:
            ignored.add((d.code, d.range.start.line))
            new_text, rng = ignore
            edit = types.TextEdit(range=to_lsp_range(index, rng, enc), new_text=new_text)
            out.append(
                types.CodeAction(
                    title=f"Ignore {d.code} on this line",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[lsp],
                    edit=types.WorkspaceEdit(changes={snap.uri: [edit]}),
                )
            )
    if _wanted(FIX_ALL, only):
        fix_all = _fix_all(ls, snap, result)
        if fix_all is not None:
            out.append(fix_all)
    return out


def _client_uris(
    snap: Snapshot, changes: dict[str, list[types.TextEdit]]
) -> dict[str, list[types.TextEdit]]:
    """Edits of this document keyed by the client's own spelling of its URI."""
    if snap.path is None:
        return changes
    ours = path_to_uri(snap.path)
    if ours != snap.uri and ours in changes:
        changes = dict(changes)
        changes[snap.uri] = changes.pop(ours)
    return changes


def _fix_all(ls: CredlsLanguageServer, snap: Snapshot, result: Result) -> types.CodeAction | None:
    """The fixes ``credls check --fix`` would apply first (``credls.fix.choose_fixes``).

    Editors run ``source.fixAll`` on save, unattended: the same choice as the
    command line's (whole fixes, no overlap, none that changes what the script
    does, no suppression removal).
    """
    from credls.fix import CLI_SKIPPED_CODES, choose_fixes

    if snap.path is None:
        return None
    chosen: dict[tuple[object, str], TextEdit] = {}
    for d in choose_fixes(snap.text, result.core, snap.path, skip_codes=CLI_SKIPPED_CODES):
        assert d.fix is not None
        for e in d.fix.edits:
            chosen.setdefault((e.range, e.new_text), e)  # one literal, fixed for two findings
    if not chosen:
        return None
    edits = tuple(chosen.values())
    changes = _client_uris(snap, to_lsp_edits(edits, ls.index_of, ls.client.encoding))
    return types.CodeAction(
        title="Fix all credls problems", kind=FIX_ALL, edit=types.WorkspaceEdit(changes=changes)
    )


async def code_action(
    ls: CredlsLanguageServer, params: types.CodeActionParams
) -> list[types.CodeAction]:
    """Handle ``textDocument/codeAction``."""
    doc = ls.docs.get(params.text_document.uri)
    if doc is None:
        return []
    await ls.wait_ready()
    result = await ls.diagnostics.current(doc)
    return await ls.run_core(actions_for, ls, doc.snapshot(), params, result)


def register(server: CredlsLanguageServer) -> None:
    server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=KINDS)
    )(guarded([])(code_action))
