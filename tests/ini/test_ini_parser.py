"""The lossless INI parser: line model, spans, problems, lookups, robustness."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credls.ini.parser import Comment, Continuation, Header, LineKind, ProblemKind, Property, parse
from credls.text import LineIndex, Position


def test_header_spans() -> None:
    ini = parse("[ profile\tdev ] # c\n")
    h = ini.sections[0].header
    assert (h.prefix, h.name, h.inner, h.raw_inner) == (
        "profile",
        "dev",
        "profile\tdev",
        " profile\tdev ",
    )
    assert h.padded and h.trailing_comment == 16 and h.trailing_text == -1
    assert (h.name_range.start.character, h.name_range.end.character) == (10, 13)
    assert ini.problems == []


def test_property_spans_and_comment() -> None:
    ini = parse("[a]\n  \nkey \t=  v ; c  \n")
    p = ini.sections[0].properties[0]
    assert (p.key, p.delimiter, p.raw_value, p.value, p.comment_text) == (
        "key",
        "=",
        "v ; c",
        "v",
        "; c",
    )
    assert (p.key_start, p.key_end, p.value_start, p.value_end, p.comment) == (0, 3, 8, 13, 10)


@pytest.mark.parametrize(
    ("text", "value", "comment"),
    [
        ("k = v#c", "v#c", -1),
        ("k = v ;", "v", 6),
        ("k = ; c", "", 4),
        ("k =;c", ";c", -1),
        ("k =", "", -1),
    ],
)
def test_inline_comment_needs_whitespace(text: str, value: str, comment: int) -> None:
    p = parse("[a]\n" + text).sections[0].properties[0]
    assert (p.value, p.comment) == (value, comment)


def test_continuations_and_subproperties() -> None:
    ini = parse("[a]\nk = v\n  more\n\n# c\n  again\ns3 =\n  x = 1\n  bad\n")
    k, s3 = ini.sections[0].properties
    assert [c.content for c in k.continuations] == ["more", "again"]
    assert all(not c.is_subproperty for c in k.continuations)
    assert [(c.sub_key, c.sub_value) for c in s3.continuations] == [("x", "1"), ("", "")]
    assert [p.kind for p in ini.problems] == [ProblemKind.SUBPROPERTY_NO_DELIMITER]
    assert ini.property_at(Position(7, 3)) is s3
    assert k.full_value_range.end == Position(5, 7)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("k = v", ProblemKind.BEFORE_FIRST_SECTION),
        ("[a", ProblemKind.MISSING_CLOSE_BRACKET),
        ("[a]x", ProblemKind.HEADER_TRAILING_TEXT),
        ("[ ]", ProblemKind.EMPTY_SECTION_NAME),
        ("[a]\nnope", ProblemKind.NO_DELIMITER),
        ("[a]\nk: v", ProblemKind.COLON_DELIMITER),
        ("[a]\n= v", ProblemKind.EMPTY_KEY),
        ("[a]\n  k = v", ProblemKind.ORPHAN_CONTINUATION),
        ("[a]\ns3 =\n  = v", ProblemKind.SUBPROPERTY_EMPTY_KEY),
    ],
)
def test_problems(text: str, kind: ProblemKind) -> None:
    assert kind in [p.kind for p in parse(text).problems]


def test_line_kinds_and_breaks() -> None:
    ini = parse("# c\r\n[a]\rk = v\n  cont\n  # ind\n\nbad\n")
    kinds = [ini.kind(i) for i in range(ini.line_count)]
    assert kinds == [
        LineKind.COMMENT, LineKind.HEADER, LineKind.PROPERTY, LineKind.CONTINUATION,
        LineKind.COMMENT, LineKind.BLANK, LineKind.INVALID, LineKind.BLANK,
    ]  # fmt: skip
    assert [ini.newline(i) for i in range(3)] == ["\r\n", "\r", "\n"]
    assert ini.lone_cr
    node = ini.nodes[4]
    assert isinstance(node, Comment) and node.indented


def test_bom_is_skipped_but_columns_stay_exact() -> None:
    ini = parse("\ufeff[default]\nk=v\n")
    assert ini.bom and ini.problems == []
    assert ini.sections[0].header.open == 1
    assert parse("[a]", bom=True).bom


def test_lookups() -> None:
    ini = parse("k=v\n[a]\nx=1\n[profile b]\ny=2\n")
    assert ini.section_at(0) is None
    assert ini.section_at(4) is ini.sections[1]
    assert ini.headers_named("profile b") == [ini.sections[1].header]
    assert [p.key for p in ini.properties()] == ["k", "x", "y"]
    assert ini.sections[1].get("Y")[0].value == "2"
    assert ini.header_at(3) is ini.sections[1].header


_CHARS = st.sampled_from(list("[]=:#; \t\r\nabcK-_\"'é😀\ufeff"))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(_CHARS, max_size=80))
def test_never_raises_and_is_lossless(text: str) -> None:
    ini = parse(text)
    index = LineIndex(text)
    assert ini.line_count == index.line_count
    rebuilt = "".join(ini.texts[i] + ini.newline(i) for i in range(ini.line_count))
    assert rebuilt == text
    for i in range(ini.line_count):
        assert ini.offsets[i] == index.line_start(i)
        node = ini.nodes[i]
        if isinstance(node, (Header, Property, Continuation, Comment)):
            assert node.line == i
    for p in ini.properties():
        line = ini.texts[p.line]
        assert line[p.key_start : p.key_end] == p.key
        assert line[p.value_start : p.value_end] == p.raw_value
        assert 0 <= p.key_start <= p.key_end <= p.delim < p.value_start <= p.value_end + 1
    for problem in ini.problems:
        assert 0 <= problem.start <= problem.end <= len(ini.texts[problem.line])
        assert "\n" not in problem.message
