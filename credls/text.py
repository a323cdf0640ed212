"""Positions in text: a line index and conversions between code units.

The core speaks in ``Position(line, character)`` with 0-based lines and
``character`` counted in Unicode code points (Python ``str`` indices within the
line). Front ends convert: the language server to the negotiated LSP position
encoding (UTF-16 by default), the text report to 1-based columns in characters.

Line breaks are ``\\n``, ``\\r\\n`` and a lone ``\\r``, as the LSP specification
defines them.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from enum import Enum
from itertools import accumulate

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class Encoding(str, Enum):
    """A position encoding, named as LSP names them."""

    UTF8 = "utf-8"
    UTF16 = "utf-16"
    UTF32 = "utf-32"


@dataclass(frozen=True, order=True)
class Position:
    """0-based line and 0-based character (code point) within the line."""

    line: int
    character: int


@dataclass(frozen=True, order=True)
class Range:
    """Half-open range ``[start, end)``."""

    start: Position
    end: Position

    @staticmethod
    def of(line: int, start: int, end_line: int | None = None, end: int | None = None) -> Range:
        """Shorthand: ``Range.of(3, 4, end=9)`` is line 3, characters 4..9."""
        el = line if end_line is None else end_line
        ec = start if end is None else end
        return Range(Position(line, start), Position(el, ec))

    def contains(self, pos: Position) -> bool:
        return self.start <= pos <= self.end


def units(text: str, encoding: Encoding) -> int:
    """Length of ``text`` in code units of ``encoding``."""
    if encoding is Encoding.UTF32 or text.isascii():
        return len(text)
    if encoding is Encoding.UTF16:
        return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)
    return len(text.encode("utf-8", "surrogatepass"))


def line_starts(text: str) -> list[int]:
    """Offsets where each line of ``text`` starts (``\r\n``, ``\r`` and ``\n`` end lines)."""
    cr = text.count("\r")
    if cr and cr != text.count("\r\n"):
        return [0, *(m.end() for m in _LINE_BREAK.finditer(text))]
    # Only LF or CRLF breaks: a line starts after each "\n". Summing the line
    # lengths in C is three times faster than a Python loop over the matches.
    lengths = text.split("\n")
    lengths.pop()
    return [0, *accumulate(map(_PLUS_ONE, map(len, lengths)))]


_PLUS_ONE = (1).__add__


class LineIndex:
    """Maps string offsets to positions and back, for one text."""

    __slots__ = ("_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts = line_starts(text)

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_start(self, line: int) -> int:
        """Offset of the first character of ``line`` (clamped to the text)."""
        if line < 0:
            return 0
        if line >= len(self._starts):
            return len(self.text)
        return self._starts[line]

    def line_end(self, line: int) -> int:
        """Offset just past the last character of ``line``, before its line break."""
        if line + 1 < len(self._starts):
            end = self._starts[line + 1]
            if self.text.endswith("\r\n", 0, end):
                return end - 2
            return end - 1
        return len(self.text)

    def line_text(self, line: int) -> str:
        """The text of ``line`` without its line break."""
        if line < 0 or line >= len(self._starts):
            return ""
        return self.text[self._starts[line] : self.line_end(line)]

    def position(self, offset: int) -> Position:
        """Position of a string offset (clamped to the text)."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._starts, offset) - 1
        return Position(line, offset - self._starts[line])

    def range(self, start: int, end: int) -> Range:
        return Range(self.position(start), self.position(end))

    def offset(self, pos: Position) -> int:
        """String offset of a position; characters past the line end clamp to it."""
        if pos.line >= len(self._starts):
            return len(self.text)
        start = self.line_start(pos.line)
        return min(start + max(pos.character, 0), self.line_end(pos.line))

    # --- code-unit conversions (LSP) ---------------------------------------

    def to_units(self, pos: Position, encoding: Encoding) -> int:
        """``pos.character`` expressed in code units of ``encoding``."""
        if encoding is Encoding.UTF32:
            return pos.character
        line = self.line_text(pos.line)
        return units(line[: pos.character], encoding)

    def from_units(self, line: int, column: int, encoding: Encoding) -> Position:
        """Position of a column given in code units of ``encoding`` on ``line``.

        A column inside a multi-unit character or past the end of the line
        clamps to the nearest character boundary at or before it.
        """
        if line >= len(self._starts):
            last = len(self._starts) - 1
            return Position(last, len(self.line_text(last)))
        text = self.line_text(line)
        if encoding is Encoding.UTF32 or text.isascii():
            return Position(line, max(0, min(column, len(text))))
        seen = 0
        for i, ch in enumerate(text):
            width = (
                (2 if ord(ch) > 0xFFFF else 1)
                if encoding is Encoding.UTF16
                else len(ch.encode("utf-8", "surrogatepass"))
            )
            if seen + width > column:
                return Position(line, i)
            seen += width
        return Position(line, len(text))
