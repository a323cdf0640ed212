"""Lossless, position-exact parser for the AWS shared ``config`` / ``credentials`` files.

``parse(text)`` models every physical line (blank, comment, header, property,
continuation, invalid) with column spans, and records syntax problems instead
of raising. It takes no consumer's side: what botocore, PowerShell, the Rust/Java
SDKs or Go make of the file is ``credls.ini.semantics``' job. Where the tools
disagree on how to classify a line, the parser follows the majority and keeps
the facts the minority needs (see ``Continuation`` and ``Comment``).

Line breaks are LF, CRLF and a lone CR (as LSP and botocore count lines); the
Rust and Go parsers do not break on a lone CR (file-format.md §1), so
``IniFile.newline(i)`` tells which break ended each line. Columns are code
point indices within the line.

Speed: one pass over the lines; spans of properties are computed on access,
and the cyclic garbage collector is paused while the (acyclic) nodes are built.
"""

from __future__ import annotations

import bisect
import gc
import re
from collections.abc import Iterator
from enum import Enum
from itertools import accumulate

from credls.text import Position, Range

_BREAKS = re.compile(r"(\r\n|\r|\n)")
# file-format.md §3: an inline comment starts at `#`/`;` preceded by space/TAB (R/J/G).
_INLINE_COMMENT = re.compile(r"[ \t][#;]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_WS = " \t"
_WS_RUN = re.compile(r"[ \t]+")


class LineKind(str, Enum):
    BLANK = "blank"
    COMMENT = "comment"
    HEADER = "header"
    PROPERTY = "property"
    CONTINUATION = "continuation"
    INVALID = "invalid"


class ProblemKind(str, Enum):
    """Syntax problems; each one fails the whole file for the Rust/Java SDKs (§2)."""

    BEFORE_FIRST_SECTION = "before-first-section"
    MISSING_CLOSE_BRACKET = "missing-close-bracket"
    HEADER_TRAILING_TEXT = "header-trailing-text"
    EMPTY_SECTION_NAME = "empty-section-name"
    NO_DELIMITER = "no-delimiter"
    COLON_DELIMITER = "colon-delimiter"
    EMPTY_KEY = "empty-key"
    ORPHAN_CONTINUATION = "orphan-continuation"
    SUBPROPERTY_NO_DELIMITER = "subproperty-no-delimiter"
    SUBPROPERTY_EMPTY_KEY = "subproperty-empty-key"


_MESSAGES = {
    ProblemKind.BEFORE_FIRST_SECTION: "property before any section header",
    ProblemKind.MISSING_CLOSE_BRACKET: "section header has no closing ']'",
    ProblemKind.HEADER_TRAILING_TEXT: "unexpected text after the section header's ']'",
    ProblemKind.EMPTY_SECTION_NAME: "section header has an empty name",
    ProblemKind.NO_DELIMITER: "line is not a section header, property or comment (no '=')",
    ProblemKind.COLON_DELIMITER: "':' used instead of '=' between key and value",
    ProblemKind.EMPTY_KEY: "property has no name before '='",
    ProblemKind.ORPHAN_CONTINUATION: "indented line with no property to continue",
    ProblemKind.SUBPROPERTY_NO_DELIMITER: "sub-property line has no '='",
    ProblemKind.SUBPROPERTY_EMPTY_KEY: "sub-property has no name before '='",
}


def _rng(line: int, start: int, end: int) -> Range:
    return Range(Position(line, start), Position(line, end))


class Problem:
    """A syntax problem on one line: ``kind``, column span and a one-line message."""

    __slots__ = ("end", "kind", "line", "message", "start")

    def __init__(self, kind: ProblemKind, line: int, start: int, end: int) -> None:
        self.kind = kind
        self.line = line
        self.start = start
        self.end = max(end, start)
        self.message = _MESSAGES[kind]

    @property
    def range(self) -> Range:
        return _rng(self.line, self.start, self.end)

    def __repr__(self) -> str:
        return f"Problem({self.kind.value}, line={self.line}, {self.start}..{self.end})"


class Comment:
    """A full-line comment; ``col`` is the column of ``#``/``;``.

    An indented comment is a comment for botocore, Go and PowerShell but a
    continuation line (or an error) for the Rust/Java SDKs (§3, D4).
    """

    __slots__ = ("col", "line", "text")

    def __init__(self, line: int, col: int, text: str) -> None:
        self.line = line
        self.col = col
        self.text = text

    @property
    def indented(self) -> bool:
        return self.col > 0

    @property
    def range(self) -> Range:
        return _rng(self.line, self.col, len(self.text.rstrip(_WS)))


class Header:
    """``[prefix name]`` plus whatever follows the first ``]``.

    Columns: ``open`` is ``[``, ``close`` the first ``]`` (-1 when missing),
    ``inner_start``/``inner_end`` the bracket content trimmed of space/TAB,
    ``prefix_*``/``name_*`` its split at the first space/TAB run (without a
    prefix ``prefix_start == prefix_end``). ``trailing_comment`` is the column
    of a ``#``/``;`` after the ``]``, ``trailing_text`` of any other text there
    (-1 when none). ``end`` is the end of the line trimmed of space/TAB.
    """

    __slots__ = (
        "close",
        "end",
        "inner_end",
        "inner_start",
        "line",
        "name_start",
        "open",
        "prefix_end",
        "text",
        "trailing_comment",
        "trailing_text",
    )

    def __init__(self, line: int, text: str, open_col: int) -> None:
        self.line = line
        self.text = text
        self.open = open_col
        self.end = len(text.rstrip(_WS))
        self.close = text.find("]", open_col + 1)
        stop = self.close if self.close >= 0 else self.end
        inner = text[open_col + 1 : stop]
        lstripped = inner.lstrip(_WS)
        self.inner_start = stop - len(lstripped)
        self.inner_end = self.inner_start + len(lstripped.rstrip(_WS))
        m = _WS_RUN.search(text, self.inner_start, self.inner_end)
        if m is None:
            self.prefix_end = self.name_start = self.inner_start
        else:
            self.prefix_end, self.name_start = m.start(), m.end()
        self.trailing_comment = -1
        self.trailing_text = -1
        if self.close >= 0:
            rest = text[self.close + 1 : self.end].lstrip(_WS)
            if rest:
                at = self.end - len(rest)
                if rest[0] in "#;":
                    self.trailing_comment = at
                else:
                    self.trailing_text = at

    @property
    def prefix_start(self) -> int:
        return self.inner_start

    @property
    def name_end(self) -> int:
        return self.inner_end

    @property
    def prefix(self) -> str:
        """``profile`` in ``[profile dev]``; empty when there is no prefix."""
        return self.text[self.inner_start : self.prefix_end]

    @property
    def name(self) -> str:
        """``dev`` in ``[profile dev]``, ``default`` in ``[default]``."""
        return self.text[self.name_start : self.inner_end]

    @property
    def inner(self) -> str:
        """Bracket content trimmed of space/TAB, e.g. ``profile dev``."""
        return self.text[self.inner_start : self.inner_end]

    @property
    def raw_inner(self) -> str:
        """Bracket content up to the first ``]``, untrimmed."""
        stop = self.close if self.close >= 0 else self.end
        return self.text[self.open + 1 : stop]

    @property
    def padded(self) -> bool:
        """Space/TAB just inside the brackets (D11)."""
        stop = self.close if self.close >= 0 else self.end
        return self.inner_start > self.open + 1 or (self.close >= 0 and self.inner_end < stop)

    @property
    def range(self) -> Range:
        return _rng(self.line, self.open, self.end)

    @property
    def name_range(self) -> Range:
        return _rng(self.line, self.name_start, self.inner_end)

    @property
    def prefix_range(self) -> Range:
        return _rng(self.line, self.inner_start, self.prefix_end)

    @property
    def inner_range(self) -> Range:
        return _rng(self.line, self.inner_start, self.inner_end)

    @property
    def bracket_range(self) -> Range:
        """``[`` through the closing ``]`` (or the line end when it is missing)."""
        return _rng(self.line, self.open, self.close + 1 if self.close >= 0 else self.end)

    def __repr__(self) -> str:
        return f"Header(line={self.line}, {self.raw_inner!r})"


class Property:
    """``key = value`` on one line, plus its continuation lines.

    ``value_start``..``value_end`` is the value trimmed of space/TAB with any
    inline comment kept (what botocore and PowerShell read, ``raw_value``);
    ``comment`` is the column of the inline comment as the Rust/Java/Go SDKs
    strip it (-1 when none); ``value`` is the value without it.
    """

    __slots__ = ("_cont", "delim", "indent", "line", "section", "text")

    def __init__(self, line: int, text: str, indent: int, delim: int) -> None:
        self.line = line
        self.text = text
        self.indent = indent
        self.delim = delim
        self.section: Section | None = None
        self._cont: list[Continuation] | None = None

    @property
    def continuations(self) -> list[Continuation]:
        return self._cont if self._cont is not None else []

    def _add(self, cont: Continuation) -> None:
        if self._cont is None:
            self._cont = [cont]
        else:
            self._cont.append(cont)

    @property
    def key_start(self) -> int:
        return self.indent

    @property
    def key_end(self) -> int:
        return self.indent + len(self.text[self.indent : self.delim].rstrip(_WS))

    @property
    def key(self) -> str:
        return self.text[self.indent : self.key_end]

    @property
    def delimiter(self) -> str:
        return self.text[self.delim]

    @property
    def value_end(self) -> int:
        return max(len(self.text.rstrip(_WS)), self.delim + 1)

    @property
    def value_start(self) -> int:
        rest = self.text[self.delim + 1 :]
        return min(self.delim + 1 + len(rest) - len(rest.lstrip(_WS)), self.value_end)

    @property
    def comment(self) -> int:
        s = self.text
        if "#" not in s and ";" not in s:
            return -1
        m = _INLINE_COMMENT.search(s, self.delim, self.value_end)
        return -1 if m is None else m.start() + 1

    @property
    def raw_value(self) -> str:
        """Trimmed value with any inline comment: what botocore and PowerShell read."""
        return self.text[self.value_start : self.value_end]

    @property
    def value(self) -> str:
        """Trimmed value without inline comment: what the Rust/Java/Go SDKs read."""
        c = self.comment
        if c < 0:
            return self.raw_value
        return self.text[self.value_start : c].rstrip(_WS)

    @property
    def comment_text(self) -> str:
        c = self.comment
        return "" if c < 0 else self.text[c : self.value_end]

    @property
    def last_line(self) -> int:
        return self._cont[-1].line if self._cont else self.line

    @property
    def key_range(self) -> Range:
        return _rng(self.line, self.indent, self.key_end)

    @property
    def delimiter_range(self) -> Range:
        return _rng(self.line, self.delim, self.delim + 1)

    @property
    def value_range(self) -> Range:
        """The value on the property line, comment included (empty range after ``=``)."""
        return _rng(self.line, self.value_start, self.value_end)

    @property
    def full_value_range(self) -> Range:
        """From the value start through the last continuation line."""
        if not self._cont:
            return self.value_range
        last = self._cont[-1]
        return Range(Position(self.line, self.value_start), Position(last.line, last.end))

    @property
    def comment_range(self) -> Range | None:
        c = self.comment
        return None if c < 0 else _rng(self.line, c, self.value_end)

    @property
    def range(self) -> Range:
        """Key through the end of the value, continuation lines included."""
        return Range(Position(self.line, self.indent), self.full_value_range.end)

    def __repr__(self) -> str:
        return f"Property(line={self.line}, key={self.key!r})"


class Continuation:
    """An indented line continuing ``owner``'s value (§6).

    When the owner's value is empty the line is a sub-property; ``sub_delim`` is
    the column of its ``=`` (-1 when there is none).
    """

    __slots__ = ("end", "line", "owner", "start", "sub_delim", "text")

    def __init__(self, line: int, text: str, start: int, owner: Property) -> None:
        self.line = line
        self.text = text
        self.start = start
        self.end = len(text.rstrip(_WS))
        self.owner = owner
        self.sub_delim = -1

    @property
    def is_subproperty(self) -> bool:
        return self.owner.value == ""

    @property
    def looks_like_header(self) -> bool:
        """``  [x]``: a header for Go and PowerShell, a continuation elsewhere (D16)."""
        return self.text.startswith("[", self.start)

    @property
    def content(self) -> str:
        return self.text[self.start : self.end]

    @property
    def sub_key(self) -> str:
        if self.sub_delim < 0:
            return ""
        return self.text[self.start : self.sub_delim].rstrip(_WS)

    @property
    def sub_value(self) -> str:
        if self.sub_delim < 0:
            return ""
        return self.text[self.sub_delim + 1 : self.end].strip(_WS)

    @property
    def range(self) -> Range:
        return _rng(self.line, self.start, self.end)

    @property
    def sub_key_range(self) -> Range:
        end = self.start + len(self.sub_key) if self.sub_delim >= 0 else self.end
        return _rng(self.line, self.start, end)

    def __repr__(self) -> str:
        return f"Continuation(line={self.line}, {self.content!r})"


class Section:
    """A header and the properties under it, up to the next header."""

    __slots__ = ("end_line", "header", "properties")

    def __init__(self, header: Header) -> None:
        self.header = header
        self.properties: list[Property] = []
        self.end_line = header.line  # last line belonging to the section (inclusive)

    @property
    def line(self) -> int:
        return self.header.line

    def get(self, key: str) -> list[Property]:
        """Properties whose key equals ``key`` case-insensitively, in file order."""
        k = key.lower()
        return [p for p in self.properties if p.key.lower() == k]

    def __repr__(self) -> str:
        return f"Section({self.header.raw_inner!r}, {len(self.properties)} properties)"


Node = Header | Property | Continuation | Comment


class Line:
    """A view of one physical line (built on demand by ``IniFile.line``)."""

    __slots__ = ("index", "kind", "newline", "node", "offset", "text")

    def __init__(
        self, index: int, offset: int, text: str, newline: str, kind: LineKind, node: Node | None
    ) -> None:
        self.index = index
        self.offset = offset
        self.text = text
        self.newline = newline
        self.kind = kind
        self.node = node

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip(_WS))


class IniFile:
    """The parsed file.

    ``texts[i]``/``offsets[i]``: text (without break) and string offset of line
    ``i``; ``nodes[i]``: its node, ``None`` for blank lines and (with a problem
    recorded) invalid ones. ``orphans`` are properties before the first header.
    """

    __slots__ = (
        "bom",
        "nodes",
        "offsets",
        "orphans",
        "problems",
        "sections",
        "text",
        "texts",
        "undecodable",
    )

    def __init__(
        self,
        text: str,
        texts: list[str],
        offsets: list[int],
        nodes: list[Node | None],
        sections: list[Section],
        orphans: list[Property],
        problems: list[Problem],
        bom: bool,
    ) -> None:
        self.text = text
        self.texts = texts
        self.offsets = offsets
        self.nodes = nodes
        self.sections = sections
        self.orphans = orphans
        self.problems = problems
        self.bom = bom
        self.undecodable: tuple[int, ...] = (
            () if text.isascii() else tuple(m.start() for m in _SURROGATE.finditer(text))
        )

    # --- lines ---------------------------------------------------------------

    @property
    def line_count(self) -> int:
        return len(self.texts)

    def newline(self, i: int) -> str:
        """The break that ends line ``i`` (``""`` for the last line)."""
        if i + 1 >= len(self.offsets):
            return ""
        return self.text[self.offsets[i] + len(self.texts[i]) : self.offsets[i + 1]]

    @property
    def lone_cr(self) -> bool:
        """A lone CR somewhere: a line break here, but not for Rust or Go (§1)."""
        return "\r" in self.text and self.text.count("\r") != self.text.count("\r\n")

    def kind(self, i: int) -> LineKind:
        node = self.nodes[i]
        if node is None:
            return LineKind.BLANK if not self.texts[i].strip(_WS) else LineKind.INVALID
        return _KIND[type(node)]

    def line(self, i: int) -> Line:
        return Line(i, self.offsets[i], self.texts[i], self.newline(i), self.kind(i), self.nodes[i])

    @property
    def lines(self) -> list[Line]:
        return [self.line(i) for i in range(len(self.texts))]

    # --- lookups -------------------------------------------------------------

    def section_at(self, line: int) -> Section | None:
        """The section whose header is at or above ``line`` (None before the first header)."""
        i = bisect.bisect_right(self.sections, line, key=_section_line) - 1
        return self.sections[i] if i >= 0 else None

    def property_at(self, pos: Position) -> Property | None:
        """The property whose line (or continuation line) holds ``pos``."""
        if not 0 <= pos.line < len(self.nodes):
            return None
        node = self.nodes[pos.line]
        if isinstance(node, Property):
            return node
        if isinstance(node, Continuation):
            return node.owner
        return None

    def header_at(self, line: int) -> Header | None:
        node = self.nodes[line] if 0 <= line < len(self.nodes) else None
        return node if isinstance(node, Header) else None

    def headers_named(self, inner: str) -> list[Header]:
        """Headers whose trimmed bracket content is ``inner`` (e.g. ``profile dev``)."""
        return [s.header for s in self.sections if s.header.inner == inner]

    def properties(self) -> Iterator[Property]:
        yield from self.orphans
        for section in self.sections:
            yield from section.properties

    def offset(self, pos: Position) -> int:
        i = max(0, min(pos.line, len(self.texts) - 1))
        return self.offsets[i] + max(0, min(pos.character, len(self.texts[i])))

    def position(self, offset: int) -> Position:
        i = max(0, bisect.bisect_right(self.offsets, offset) - 1)
        return Position(i, min(offset - self.offsets[i], len(self.texts[i])))


def _section_line(s: Section) -> int:
    return s.header.line


_KIND: dict[type, LineKind] = {
    Header: LineKind.HEADER,
    Property: LineKind.PROPERTY,
    Continuation: LineKind.CONTINUATION,
    Comment: LineKind.COMMENT,
}


def split_lines(text: str) -> tuple[list[str], list[int]]:
    """Line texts (without breaks) and their start offsets; LF, CRLF and lone CR break."""
    if "\r" not in text:
        texts = text.split("\n")
        step = 1
    elif text.count("\r") == text.count("\r\n") == text.count("\n"):
        texts = text.split("\r\n")
        step = 2
    else:
        pieces = _BREAKS.split(text)
        return pieces[0::2], list(accumulate(map(len, pieces), initial=0))[0::2]
    offsets = list(accumulate(map(step.__add__, map(len, texts)), initial=0))
    offsets.pop()
    return texts, offsets


def parse(text: str, *, bom: bool = False) -> IniFile:
    """Parse decoded text; never raises.

    ``bom`` tells that the decoder removed a byte-order mark. A U+FEFF still at
    the start of ``text`` is recognised too (and skipped when classifying).
    """
    enabled = gc.isenabled()
    gc.disable()  # many small acyclic objects: the collector only costs time here
    try:
        return _parse(text, bom)
    finally:
        if enabled:
            gc.enable()


def _parse(text: str, bom: bool) -> IniFile:
    texts, offsets = split_lines(text)
    nodes: list[Node | None] = [None] * len(texts)
    problems: list[Problem] = []
    sections: list[Section] = []
    orphans: list[Property] = []
    section: Section | None = None
    current: Property | None = None  # the property indented lines continue
    add = problems.append
    ws = _WS
    lead = text.startswith("\ufeff")
    bom = bom or lead

    for idx, s in enumerate(texts):
        if not s:
            continue
        c = s[0]
        col = 0
        indented = False
        if lead and idx == 0:
            stripped = s[1:].lstrip(ws)
            if not stripped:
                continue
            col = len(s) - len(stripped)
            c = stripped[0]
            indented = col > 1
        elif c == " " or c == "\t":
            stripped = s.lstrip(ws)
            if not stripped:
                continue  # blank: continuation state survives blank lines (§6)
            col = len(s) - len(stripped)
            c = stripped[0]
            indented = True
        if c == "#" or c == ";":
            nodes[idx] = Comment(idx, col, s)
            continue
        if indented and current is not None:
            cont = Continuation(idx, s, col, current)
            if current.value == "":
                eq = s.find("=", col)
                cont.sub_delim = eq
                if eq < 0:
                    add(Problem(ProblemKind.SUBPROPERTY_NO_DELIMITER, idx, col, cont.end))
                elif not s[col:eq].strip(ws):
                    add(Problem(ProblemKind.SUBPROPERTY_EMPTY_KEY, idx, col, eq + 1))
            current._add(cont)
            nodes[idx] = cont
            continue
        if c == "[":
            header = Header(idx, s, col)
            nodes[idx] = header
            if header.close < 0:
                add(Problem(ProblemKind.MISSING_CLOSE_BRACKET, idx, col, header.end))
            else:
                if header.inner_start == header.inner_end:
                    add(Problem(ProblemKind.EMPTY_SECTION_NAME, idx, col, header.close + 1))
                if header.trailing_text >= 0:
                    add(
                        Problem(
                            ProblemKind.HEADER_TRAILING_TEXT, idx, header.trailing_text, header.end
                        )
                    )
            if section is not None:
                section.end_line = idx - 1
            section = Section(header)
            sections.append(section)
            current = None
            continue
        d = s.find("=", col)
        if d < 0:
            d = s.find(":", col)
            if d < 0:
                add(Problem(ProblemKind.NO_DELIMITER, idx, col, len(s.rstrip(ws))))
                current = None
                continue
            add(Problem(ProblemKind.COLON_DELIMITER, idx, d, d + 1))
        prop = Property(idx, s, col, d)
        if d == col or not s[col:d].strip(ws):
            add(Problem(ProblemKind.EMPTY_KEY, idx, col, d + 1))
        if indented:
            add(Problem(ProblemKind.ORPHAN_CONTINUATION, idx, col, prop.value_end))
        nodes[idx] = prop
        current = prop
        if section is None:
            add(Problem(ProblemKind.BEFORE_FIRST_SECTION, idx, col, prop.value_end))
            orphans.append(prop)
        else:
            prop.section = section
            section.properties.append(prop)
    if section is not None:
        section.end_line = len(texts) - 1
    return IniFile(text, texts, offsets, nodes, sections, orphans, problems, bom)
