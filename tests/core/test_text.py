"""Line index and code-unit conversions (LSP positions are UTF-16 by default)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credls.text import Encoding, LineIndex, Position, Range, units


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("", [""]),
        ("a", ["a"]),
        ("a\nb", ["a", "b"]),
        ("a\r\nb\r\n", ["a", "b", ""]),
        ("a\rb", ["a", "b"]),
        ("a\r\n\rb\n", ["a", "", "b", ""]),
    ],
)
def test_lines_split_on_lf_crlf_and_lone_cr(text: str, lines: list[str]) -> None:
    idx = LineIndex(text)
    assert [idx.line_text(i) for i in range(idx.line_count)] == lines


def test_offset_position_round_trip_with_crlf() -> None:
    text = "[default]\r\nregion = eu\r\n"
    idx = LineIndex(text)
    off = text.index("eu")
    assert idx.position(off) == Position(1, 9)
    assert idx.offset(Position(1, 9)) == off
    # A character past the end of a line clamps before the line break.
    assert idx.offset(Position(0, 99)) == text.index("\r")


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [(Encoding.UTF16, 4), (Encoding.UTF8, 7), (Encoding.UTF32, 3)],
)
def test_units_of_astral_and_latin_characters(encoding: Encoding, expected: int) -> None:
    # "é" is 1 UTF-16 unit / 2 UTF-8 bytes; "😂" is 2 UTF-16 units / 4 UTF-8 bytes.
    assert units("é😂x", encoding) == expected


def test_to_and_from_units_on_a_non_ascii_line() -> None:
    idx = LineIndex("# é😂\n$x = 'AKIA'")
    pos = Position(0, 4)  # just after the emoji
    assert idx.to_units(pos, Encoding.UTF16) == 5
    assert idx.to_units(pos, Encoding.UTF8) == 8
    assert idx.from_units(0, 5, Encoding.UTF16) == pos
    assert idx.from_units(0, 8, Encoding.UTF8) == pos
    # Inside the surrogate pair: clamp to the start of the character.
    assert idx.from_units(0, 4, Encoding.UTF16) == Position(0, 3)
    # Past the end of the line: clamp to the end.
    assert idx.from_units(0, 99, Encoding.UTF16) == Position(0, 4)
    # Past the last line: end of the text.
    assert idx.from_units(9, 0, Encoding.UTF16) == Position(1, 11)


def test_range_helpers() -> None:
    r = Range.of(2, 4, end=9)
    assert r.start == Position(2, 4) and r.end == Position(2, 9)
    assert r.contains(Position(2, 9)) and not r.contains(Position(3, 0))


@given(
    st.lists(st.sampled_from(["a", "é", "😂", "\n", "\r", "\r\n", " "]), max_size=40).map("".join)
)
def test_every_offset_round_trips(text: str) -> None:
    idx = LineIndex(text)
    for off in range(len(text) + 1):
        pos = idx.position(off)
        # Offsets between \r and \n of a CRLF are not positions of their own.
        if off > 0 and text[off - 1 : off + 1] == "\r\n":
            continue
        assert idx.offset(pos) == off
        for enc in Encoding:
            assert idx.from_units(pos.line, idx.to_units(pos, enc), enc) == pos


@given(st.text(alphabet="ab\r\n\u00e9", max_size=40))
def test_line_starts_match_every_line_break_style(text: str) -> None:
    import re

    from credls.text import line_starts

    want = [0, *(m.end() for m in re.finditer(r"\r\n|\r|\n", text))]
    assert line_starts(text) == want


@given(st.text(alphabet="ab\r\n\u00e9", max_size=40))
def test_byte_positions_match_character_positions(text: str) -> None:
    from credls.powershell.parser import Coords

    index = LineIndex(text)
    source = text.encode("utf-8")
    coords = Coords(index, source)
    for offset in range(len(text) + 1):
        byte = len(text[:offset].encode("utf-8"))
        assert coords.position(byte) == index.position(offset)
