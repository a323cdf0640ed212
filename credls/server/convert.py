"""Conversions between the core's model and LSP types; no analysis happens here.

The core counts characters in code points (``credls.text``); the client counts
them in the negotiated position encoding (UTF-16 unless the client offered
UTF-8 or UTF-32). Every position crosses this module on its way in or out.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types

from credls.diagnostic import Diagnostic, Severity, Tag, TextEdit
from credls.text import Encoding, LineIndex, Position, Range

IndexOf = Callable[[str], LineIndex | None]
"""The line index of a file by path (an open buffer or the file on disk), if any."""

SOURCE = "credls"

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFORMATION: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}
_TAG = {
    Tag.UNNECESSARY: types.DiagnosticTag.Unnecessary,
    Tag.DEPRECATED: types.DiagnosticTag.Deprecated,
}


def encoding_of(kind: str | types.PositionEncodingKind) -> Encoding:
    """The core's ``Encoding`` for an LSP position encoding name (UTF-16 if unknown)."""
    value = kind.value if isinstance(kind, types.PositionEncodingKind) else str(kind)
    try:
        return Encoding(value)
    except ValueError:
        return Encoding.UTF16


# --- URIs ------------------------------------------------------------------------


def uri_to_path(uri: str) -> str | None:
    """The filesystem path of a ``file:`` URI; ``None`` for other schemes or junk."""
    try:
        parsed = urlparse(uri)
    except ValueError:
        return None
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if os.name == "nt":  # pragma: no cover - Windows drive letters: /C:/x -> C:/x
        if len(path) >= 3 and path[0] == "/" and path[2] == ":":
            path = path[1:]
        if parsed.netloc:
            path = f"//{parsed.netloc}{path}"
    return os.path.normpath(path) if path else None


def path_to_uri(path: str) -> str:
    return Path(os.path.abspath(path)).as_uri()


# --- positions and ranges ----------------------------------------------------------


def to_lsp_position(index: LineIndex, pos: Position, enc: Encoding) -> types.Position:
    return types.Position(line=pos.line, character=index.to_units(pos, enc))


def to_lsp_range(index: LineIndex, rng: Range, enc: Encoding) -> types.Range:
    return types.Range(
        start=to_lsp_position(index, rng.start, enc), end=to_lsp_position(index, rng.end, enc)
    )


def from_lsp_position(index: LineIndex, pos: types.Position, enc: Encoding) -> Position:
    """A client position as code points; out-of-range lines and columns clamp."""
    line = max(pos.line, 0)
    return index.from_units(line, max(pos.character, 0), enc)


def from_lsp_range(index: LineIndex, rng: types.Range, enc: Encoding) -> Range:
    start = from_lsp_position(index, rng.start, enc)
    end = from_lsp_position(index, rng.end, enc)
    return Range(start, end) if start <= end else Range(end, start)


def range_in_file(rng: Range, path: str, index_of: IndexOf, enc: Encoding) -> types.Range:
    """``rng`` in ``path``'s client units; code points when the file cannot be read."""
    index = index_of(path) if enc is not Encoding.UTF32 else None
    if index is None:
        return types.Range(
            start=types.Position(line=rng.start.line, character=rng.start.character),
            end=types.Position(line=rng.end.line, character=rng.end.character),
        )
    return to_lsp_range(index, rng, enc)


# --- diagnostics -------------------------------------------------------------------


def severity(sev: Severity | None) -> types.DiagnosticSeverity:
    return _SEVERITY.get(sev or Severity.WARNING, types.DiagnosticSeverity.Warning)


def to_lsp_diagnostic(
    d: Diagnostic,
    index: LineIndex,
    enc: Encoding,
    index_of: IndexOf,
    *,
    related_info: bool = True,
    code_description: bool = True,
    tags: frozenset[int] = frozenset({1, 2}),
) -> types.Diagnostic:
    """One core finding as an LSP diagnostic (code link, related locations, tags)."""
    from credls.rules.registry import get

    rule = get(d.code)
    related = None
    if related_info and d.related:
        related = [
            types.DiagnosticRelatedInformation(
                location=types.Location(
                    uri=path_to_uri(r.path), range=range_in_file(r.range, r.path, index_of, enc)
                ),
                message=r.message,
            )
            for r in d.related
            if r.path
        ]
    lsp_tags = [_TAG[t] for t in d.tags if _TAG[t].value in tags] or None
    return types.Diagnostic(
        range=to_lsp_range(index, d.range, enc),
        message=d.message,
        severity=severity(d.severity),
        code=d.code,
        code_description=(
            types.CodeDescription(href=rule.url) if rule is not None and code_description else None
        ),
        source=SOURCE,
        related_information=related or None,
        tags=lsp_tags,
    )


def to_lsp_edits(
    edits: tuple[TextEdit, ...], index_of: IndexOf, enc: Encoding
) -> dict[str, list[types.TextEdit]]:
    """Core text edits grouped by document URI."""
    out: dict[str, list[types.TextEdit]] = {}
    for e in edits:
        rng = range_in_file(e.range, e.path, index_of, enc)
        out.setdefault(path_to_uri(e.path), []).append(
            types.TextEdit(range=rng, new_text=e.new_text)
        )
    return out
