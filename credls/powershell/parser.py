"""tree-sitter-powershell wrapper: one parsed document, incremental edits, position mapping.

tree-sitter works in UTF-8 bytes and (row, byte column) points; credls speaks
``Position(line, character)`` in code points (``credls.text``). This module is
the only place that converts between the two. Node shapes are described in
powershell.md §9.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate
from typing import Protocol

import tree_sitter_powershell
from tree_sitter import Language, Node, Parser, Point, Query, QueryCursor, Tree

from credls.text import LineIndex, Position, Range

LANGUAGE = Language(tree_sitter_powershell.language())

_LONE_CR = re.compile(rb"\r(?!\n)")


# tree-sitter-powershell (0.26.4) has no rule for a list of bare words, the
# commonest array argument there is (`Select-Object Name, Id`, `-InstanceId i-1, i-2`):
# the comma and the blank after it turn the rest of the file into one ERROR node,
# and every call after it is lost. Written `Name ,Id` it parses, as two arguments
# (``calls`` joins them again: the second one follows a separator that is a comma
# in the real text). So the parser, and only the parser, sees the comma moved past
# the blanks after it: same length, every offset valid, the text itself untouched.
# Only after a bare word (not a variable, string, number or bracket) that starts
# after a blank or at a line start, and only before an ordinary token on that line.
_COMMA_BLANKS = re.compile(rb",([ \t]{1,64})(?=[^\s#`<,])")
_BARE_WORD = re.compile(rb"[^\s'\"()\[\]{}@$;|&,`#<>=0-9\x80-\xff][^\s'\"()\[\]{}@$;|&,`]{0,200}")
# It has no rule either for an argument that starts with a variable and goes on as a
# path or with another variable (`-ProfileLocation $HOME\.aws\credentials`, `-File
# $PSScriptRoot\app.zip`, `-Key $prefix$name`):
# PowerShell reads it as one expandable word, the grammar makes an ERROR of it and
# often of the whole call. The parser sees `_` for that `$`: a bare word, which is
# what it is (``values.bare_word`` reads the real text: a word with a variable).
# Only right after a parameter name (not an operator such as `-f` or `-join`).
_VARIABLE_PATH = re.compile(rb"\$(?:env:)?(?:[A-Za-z_][A-Za-z0-9_]*|[$?^])[\\/$]")
_PARAMETER_BEFORE = re.compile(rb"(?:^|[ \t])(-[A-Za-z][A-Za-z0-9_-]*)[ \t]+\Z")
_WORD = re.compile(rb"[^\s'\"()\[\]{}`|;,]{1,180}(?=[\s)}|;]|\Z)")
_OPERATORS = frozenset(
    b"-" + c + op
    for c in (b"", b"i", b"c")
    for op in (
        b"eq ne gt ge lt le like notlike match notmatch replace contains notcontains in notin "
        b"split join is isnot as and or xor not band bor bxor bnot shl shr f"
    ).split()
)
# How far a change of the text can change the parser's bytes (the patterns' reach).
_PATCH_REACH = 270


def _for_tree_sitter(source: bytes) -> bytes:
    """The bytes tree-sitter parses: same length as ``source``, every offset valid.

    tree-sitter-powershell ends lines at "\n" only; PowerShell and credls also at a
    lone "\r". And bare-word lists get their commas moved (``_COMMA_BLANKS``).
    """
    if b"\r" in source:
        source = _LONE_CR.sub(b"\n", source)
    if b", " in source or b",\t" in source:
        source = _move_commas(source)
    if b"$" in source:
        source = _variable_paths(source)
    return source


def _variable_paths(source: bytes) -> bytes:
    out: bytearray | None = None
    for m in _VARIABLE_PATH.finditer(source):
        at = m.start()
        line = source.rfind(b"\n", max(0, at - 80), at) + 1
        before = _PARAMETER_BEFORE.search(source, max(line, at - 80), at)
        if before is None or before.group(1).lower() in _OPERATORS:
            continue
        if _WORD.match(source, at) is None:
            continue  # quotes, brackets, a pipe inside: not one plain word
        if out is None:
            out = bytearray(source)
        out[at] = 95  # "_"
    return source if out is None else bytes(out)


def _move_commas(source: bytes) -> bytes:
    out: bytearray | None = None
    for m in _COMMA_BLANKS.finditer(source):
        comma = m.start()
        lo = max(0, comma - 202)
        word = 1 + max(source.rfind(b, lo, comma) for b in (b" ", b"\t", b"\n", b"\r"))
        if word == 0 and lo > 0:
            continue  # a longer token: no bare word
        if not _BARE_WORD.fullmatch(source, word, comma):
            continue
        if out is None:
            out = bytearray(source)
        # Blanks as spaces: the grammar takes no tab before a comma either.
        end = m.end()
        out[comma : end - 1] = b" " * (end - 1 - comma)
        out[end - 1] = 44  # ","
    return source if out is None else bytes(out)


# One query, one traversal in C (powershell.md §9: a Python walk over the
# ~70,000 nodes of a 5,000-line script is too slow). Every analysis pass of a
# document shares these captures.
_INDEX_QUERY = """
(command) @command
(assignment_expression) @assignment
(invokation_expression (variable) (member_name) (argument_list)) @method_call
(function_statement) @function
(script_block_expression) @script_block
(parameter_list) @param_list
(foreach_statement (variable) @loop_var)
(pipeline_chain "|" . (command) @piped)
(if_statement (statement_block) @if_block)
(elseif_clause) @branch
(else_clause) @branch
(switch_clause) @branch
(try_statement (statement_block) @try_block)
(catch_clause) @branch
(trap_statement) @branch
(foreach_statement) @loop
(for_statement) @loop
(while_statement) @loop
(do_statement) @loop
(ERROR) @error
"""


_QUERY = Query(LANGUAGE, _INDEX_QUERY)


@dataclass(frozen=True)
class SyntaxIndex:
    """Nodes of interest, by capture name, each list in document order."""

    commands: tuple[Node, ...]
    assignments: tuple[Node, ...]
    method_calls: tuple[Node, ...]
    functions: tuple[Node, ...]
    script_blocks: tuple[Node, ...]
    param_lists: tuple[Node, ...]
    loop_vars: tuple[Node, ...]
    branches: tuple[Node, ...]
    if_blocks: tuple[Node, ...]
    try_blocks: tuple[Node, ...]
    piped: frozenset[int]  # start bytes of commands that receive pipeline input
    loops: tuple[Node, ...]
    errors: tuple[Node, ...]


def _sorted(nodes: Iterable[Node]) -> tuple[Node, ...]:
    return tuple(sorted(nodes, key=lambda n: (n.start_byte, -n.end_byte)))


def _point(data: bytes, offset: int) -> Point:
    """tree-sitter point of a byte offset: rows end at ``\\n`` only."""
    row = data.count(b"\n", 0, offset)
    col = offset - (data.rfind(b"\n", 0, offset) + 1)
    point: Point = Point(row, col)
    return point


class Coords:
    """Byte offset <-> ``Position`` mapping for one version of a text (immutable).

    Only lines holding non-ASCII text need a code-point count; an all-ASCII
    text maps bytes to characters one to one.
    """

    __slots__ = ("_ascii", "_byte_starts_list", "lines", "source")

    def __init__(self, lines: LineIndex, source: bytes) -> None:
        self.lines = lines
        self.source = source
        self._ascii = len(source) == len(lines.text)
        self._byte_starts_list: list[int] | None = None

    @property
    def _byte_starts(self) -> list[int]:
        # Built on first need: after an edit most positions are not asked for.
        starts = self._byte_starts_list
        if starts is None:
            # Line breaks are ASCII, so the byte-level breaks are the text's breaks.
            source = self.source
            cr = source.count(b"\r")
            if cr and cr != source.count(b"\r\n"):
                starts = [0, *(m.end() for m in _LINE_BREAK_BYTES.finditer(source))]
            else:  # as text.line_starts: line lengths summed in C
                lengths = source.split(b"\n")
                lengths.pop()
                starts = [0, *accumulate(map(_PLUS_ONE, map(len, lengths)))]
            self._byte_starts_list = starts
        return starts

    def position(self, byte_offset: int) -> Position:
        """Position (code points) of a UTF-8 byte offset in ``source``."""
        if self._ascii:
            return self.lines.position(byte_offset)
        source = self.source
        byte_offset = max(0, min(byte_offset, len(source)))
        starts = self._byte_starts
        line = bisect.bisect_right(starts, byte_offset) - 1
        start = starts[line]
        col = byte_offset - start
        if col and not source[start:byte_offset].isascii():
            # Code points = bytes that are not UTF-8 continuation bytes (0x80-0xBF);
            # never raises, even on an offset inside a character.
            col = len(source[start:byte_offset].translate(None, _CONTINUATION))
        return Position(line, col)

    def range(self, start_byte: int, end_byte: int) -> Range:
        return Range(self.position(start_byte), self.position(end_byte))

    def byte_of_offset(self, offset: int) -> int:
        """UTF-8 byte offset of a string offset."""
        if self._ascii:
            return offset
        lines = self.lines
        pos = lines.position(offset)
        line_start = lines.line_start(pos.line)
        chunk = lines.text[line_start:offset]
        width = len(chunk) if chunk.isascii() else len(chunk.encode("utf-8", "surrogatepass"))
        return self._byte_starts[pos.line] + width


_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")
_PLUS_ONE = (1).__add__
_CONTINUATION = bytes(range(0x80, 0xC0))


class EditListener(Protocol):
    """Told about every edit, in the byte offsets of the text before it."""

    def on_edit(
        self,
        start_byte: int,
        old_end_byte: int,
        new_end_byte: int,
        changed: tuple[tuple[int, int], ...],
        lines: tuple[int, int, int] = (0, -1, -1),
    ) -> None:
        """``lines``: first edited line, last line before and after the edit."""
        ...


class PowerShellDocument:
    """A PowerShell script parsed with tree-sitter; edits reparse incrementally.

    ``text`` is the decoded text (``credls.source.decode`` handles BOMs,
    UTF-16 and CRLF). Never raises on any text: tree-sitter always yields a
    tree, with ERROR/MISSING nodes where the script is broken.
    """

    def __init__(self, text: str) -> None:
        self._parser = Parser(LANGUAGE)
        self.version = 0
        self.changed_ranges: tuple[Range, ...] = ()
        self.changed_byte_ranges: tuple[tuple[int, int], ...] = ()
        # Per-statement analysis caches (credls.powershell.segments) follow edits.
        self.listener: EditListener | None = None
        # Whether analyses keep per-call results for the next version: False
        # for a document that is analysed once and never edited (``credls check``).
        self.keep_results = True
        self._set_text(text)
        self.tree: Tree = self._parser.parse(self._ts_source)

    # --- text and offsets ------------------------------------------------------

    def _set_text(self, text: str) -> None:
        self.text = text
        # surrogatepass keeps lone surrogates (undecodable input bytes, see
        # credls.source) as 3-byte sequences so offsets stay consistent.
        self.source = text.encode("utf-8", "surrogatepass")
        self._ts_source = _for_tree_sitter(self.source)
        self.lines = LineIndex(text)
        self.coords = Coords(self.lines, self.source)
        self._index: SyntaxIndex | None = None

    def position(self, byte_offset: int) -> Position:
        """Position (code points) of a UTF-8 byte offset in ``source``."""
        return self.coords.position(byte_offset)

    def byte_offset(self, pos: Position) -> int:
        """UTF-8 byte offset of a position (clamped like ``LineIndex.offset``)."""
        return self.coords.byte_of_offset(self.lines.offset(pos))

    def _byte_of_offset(self, offset: int) -> int:
        return self.coords.byte_of_offset(offset)

    def range(self, start_byte: int, end_byte: int) -> Range:
        return self.coords.range(start_byte, end_byte)

    def node_range(self, node: Node) -> Range:
        coords = self.coords
        return Range(coords.position(node.start_byte), coords.position(node.end_byte))

    def node_text(self, node: Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "surrogatepass")

    def slice(self, start_byte: int, end_byte: int) -> str:
        return self.source[start_byte:end_byte].decode("utf-8", "surrogatepass")

    # --- tree ------------------------------------------------------------------

    @property
    def root(self) -> Node:
        return self.tree.root_node

    @property
    def has_errors(self) -> bool:
        return self.tree.root_node.has_error

    def index(self) -> SyntaxIndex:
        """Captures of the shared query, computed once per tree version."""
        if self._index is None:
            caps = QueryCursor(_QUERY).captures(self.tree.root_node)

            def get(name: str) -> tuple[Node, ...]:
                return _sorted(caps.get(name, ()))

            self._index = SyntaxIndex(
                commands=get("command"),
                assignments=get("assignment"),
                method_calls=get("method_call"),
                functions=get("function"),
                script_blocks=get("script_block"),
                param_lists=get("param_list"),
                loop_vars=get("loop_var"),
                branches=get("branch"),
                if_blocks=get("if_block"),
                try_blocks=get("try_block"),
                piped=frozenset(n.start_byte for n in caps.get("piped", ())),
                loops=get("loop"),
                errors=get("error"),
            )
        return self._index

    # --- edits -----------------------------------------------------------------

    def apply_edit(self, start: Position, end: Position, new_text: str) -> tuple[Range, ...]:
        """Replace ``[start, end)`` with ``new_text`` and reparse incrementally.

        Returns (and keeps in ``changed_ranges``) the ranges of the new text
        whose syntax may differ from before: tree-sitter's changed ranges plus
        the edited span itself (a change inside one token is not a structural
        change for tree-sitter, but its text did change).
        """
        if end < start:
            start, end = end, start
        start_off = self.lines.offset(start)
        end_off = self.lines.offset(end)
        start_b = self._byte_of_offset(start_off)
        end_b = self._byte_of_offset(end_off)
        segment = new_text.encode("utf-8", "surrogatepass")
        old_ts = self._ts_source
        new_end_b = start_b + len(segment)
        if start_b > 0 and old_ts[start_b - 1 : start_b] in (b"\r", b"\n"):
            # A CR just before the edit may turn from lone to CRLF or back, which
            # changes its tree-sitter byte: include it in the edited span.
            start_b -= 1

        old_tree = self.tree
        old_lines = self.lines
        first_line = old_lines.position(start_off).line
        old_last_line = old_lines.position(end_off).line
        self._set_text(self.text[:start_off] + new_text + self.text[end_off:])
        new_last_line = self.lines.position(start_off + len(new_text)).line
        # The parser's bytes may also differ just outside the edit (a comma moved
        # or not, ``_for_tree_sitter``): tell tree-sitter about those bytes too.
        start_b, end_b, new_end_b = _widen(old_ts, self._ts_source, start_b, end_b, new_end_b)
        old_tree.edit(
            start_byte=start_b,
            old_end_byte=end_b,
            new_end_byte=new_end_b,
            start_point=_point(old_ts, start_b),
            old_end_point=_point(old_ts, end_b),
            new_end_point=_point(self._ts_source, new_end_b),
        )
        self.tree = self._parser.parse(self._ts_source, old_tree)
        self.version += 1

        spans = [(r.start_byte, r.end_byte) for r in old_tree.changed_ranges(self.tree)]
        spans.append((start_b, new_end_b))
        merged = _merge(spans)
        self.changed_byte_ranges = tuple(merged)
        self.changed_ranges = tuple(self.range(s, e) for s, e in merged)
        if self.listener is not None:
            self.listener.on_edit(
                start_b,
                end_b,
                new_end_b,
                self.changed_byte_ranges,
                (first_line, old_last_line, new_last_line),
            )
        return self.changed_ranges


def _widen(old: bytes, new: bytes, start: int, end: int, new_end: int) -> tuple[int, int, int]:
    """The edit ``[start, end)`` -> ``[start, new_end)`` grown to cover every byte near
    it where the parser's old and new bytes differ (the text outside it is equal)."""
    lo = max(0, start - _PATCH_REACH)
    if old[lo:start] != new[lo:start]:
        start = next(i for i in range(lo, start) if old[i] != new[i])
    tail = min(len(old) - end, len(new) - new_end, _PATCH_REACH)
    if old[end : end + tail] != new[new_end : new_end + tail]:
        k = next(k for k in range(tail, 0, -1) if old[end + k - 1] != new[new_end + k - 1])
        end += k
        new_end += k
    return start, end, new_end


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans.sort()
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def parse(text: str) -> PowerShellDocument:
    """Parse a script; shorthand for ``PowerShellDocument(text)``."""
    return PowerShellDocument(text)
