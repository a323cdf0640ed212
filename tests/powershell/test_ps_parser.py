"""Parsing, position mapping, incremental edits and error tolerance."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ps_helpers import calls, summary

from credls.powershell.calls import find_calls
from credls.powershell.parser import PowerShellDocument
from credls.source import decode
from credls.text import Position, Range

SCRIPTS = [
    (
        "param([string]$Profile = 'dev')\n"
        "$p = @{ ProfileName = 'prod'; Region = 'us-east-1' }\n"
        "$p.ProfileLocation = 'C:\\aws\\credentials'\n"
        "Get-S3Bucket @p | Out-Null\n"
        "Set-AWSCredential -ProfileName $Profile -Scope Global\n"
    ),
    (
        "function Deploy {\n"
        "  param($Name = 'ci')\n"
        "  if ($env:CI) { Set-AWSCredential -AccessKey AKIAIOSFODNN7EXAMPLE -SecretKey 's' }\n"
        "  foreach ($b in Get-S3Bucket -ProfileName $Name) {\n"
        '    Write-S3Object -BucketName $b.BucketName -File "C:\\f.txt" `\n'
        "      -ProfileName:$Name -Region eu-west-1\n"
        "  }\n"
        "}\n"
        "$PSDefaultParameterValues['*-EC2*:ProfileName'] = 'prod'\n"
        "Get-EC2Instance | Stop-EC2Instance -Force\n"
    ),
    (
        "# Skript für Übergabe – ünïcödé 😀\r\n"
        "$profil = 'pröd'\r\n"
        "Get-IAMUser -UserName 'jörg' -ProfileName $profil -Prof x\r\n"
        "Remove-AWSCredentialProfile -ProfileName old -Force\r\n"
    ),
]


def test_positions_count_code_points_after_non_ascii() -> None:
    src = "'é😀' ; Get-EC2Instance -ProfileName ü\n"
    call = calls(src)[0]
    start = src.index("Get-EC2Instance")
    assert call.name_range == Range(Position(0, start), Position(0, start + 15))
    b = call.parameter("ProfileName")
    assert b is not None
    assert b.name_range == Range(Position(0, src.index("-Profile")), Position(0, src.index(" ü")))
    assert b.value_range == Range(Position(0, src.index("ü")), Position(0, src.index("ü") + 1))


def test_positions_on_later_lines_after_non_ascii() -> None:
    src = "# ünïcödé 😀😀\n  Get-S3Bucket -ProfileName x # é\n"
    call = calls(src)[0]
    assert call.name_range == Range(Position(1, 2), Position(1, 14))


def test_crlf_and_bom_from_decode() -> None:
    raw = "\ufeff$x = 'a'\r\nGet-S3Bucket -ProfileName $x\r\n".encode("utf-8")
    source = decode(raw)
    call = calls(source.text)[0]
    assert call.name_range.start == Position(1, 0)
    b = call.parameter("ProfileName")
    assert b is not None and b.static_text == "a"


def test_utf16_file() -> None:
    raw = "\ufeffGet-S3Bucket -ProfileName 'ä'\r\n".encode("utf-16-le")
    call = calls(decode(raw).text)[0]
    b = call.parameter("ProfileName")
    assert b is not None and b.static_text == "ä"
    assert b.value_range == Range(Position(0, 26), Position(0, 29))


def test_lone_cr_line_breaks() -> None:
    src = "$x = 'é'\rGet-S3Bucket -ProfileName $x\r"
    call = calls(src)[0]
    assert call.name_range == Range(Position(1, 0), Position(1, 12))


def test_undecodable_bytes_do_not_break_parsing() -> None:
    source = decode(b"$x = '\xff\xfe'\nGet-S3Bucket -ProfileName $x\n")
    call = calls(source.text)[0]
    assert call.name_range.start == Position(1, 0)


def test_byte_offset_round_trip() -> None:
    doc = PowerShellDocument(SCRIPTS[2])
    for line in range(doc.lines.line_count):
        for ch in range(len(doc.lines.line_text(line)) + 1):
            pos = Position(line, ch)
            assert doc.position(doc.byte_offset(pos)) == pos


@pytest.mark.parametrize(
    "src",
    [
        "Get-EC2Instance -ProfileName ok\nGet-S3Bucket -ProfileName 'unterminated\n",
        "Get-EC2Instance -ProfileName ok\nGet-S3Bucket -Prof",
        "Get-EC2Instance -ProfileName ok\nfunction f {\n  Get-S3Bucket -ProfileName x\n",
        "Get-EC2Instance -ProfileName ok\nif ($x) {{ }\nGet-S3Bucket -ProfileName y\n",
        "Get-EC2Instance -ProfileName ok\n$p = @{ ProfileName = \nGet-S3Bucket @p\n",
        "Get-EC2Instance -ProfileName ok\n}}})) ]]\n",
        'Get-EC2Instance -ProfileName ok\n$x = "abc\n',
        "Get-EC2Instance -ProfileName ok\n@'\nno end",
    ],
)
def test_damaged_scripts_never_raise_and_keep_good_calls(src: str) -> None:
    doc = PowerShellDocument(src)
    found = find_calls(doc)
    good = [c for c in found if c.name == "Get-EC2Instance" and not c.in_error]
    assert good, [(c.name, c.in_error) for c in found]
    b = good[0].parameter("ProfileName")
    assert b is not None and b.static_text == "ok"


def test_unterminated_string_swallows_the_rest_without_raising() -> None:
    # PowerShell itself reads the following lines as string content.
    found = calls("Get-S3Bucket -ProfileName 'unterminated\nGet-EC2Instance -ProfileName ok\n")
    assert all(c.in_error for c in found)


def test_calls_touching_errors_are_marked() -> None:
    src = "Get-EC2Instance -ProfileName ok\nGet-S3Bucket -ProfileName 'x' )\n"
    found = calls(src)
    flags = {c.name: c.in_error for c in found}
    assert flags.get("Get-EC2Instance") is False
    assert PowerShellDocument(src).has_errors


EDITS = [
    (Position(0, 0), Position(0, 0), "# hi\n"),
    (Position(3, 0), Position(3, 12), "Get-EC2Instance"),
    (Position(1, 8), Position(1, 19), "Profile"),
    (Position(2, 0), Position(4, 0), ""),
    (Position(4, 5), Position(4, 5), " 'unterminated"),
    (Position(1, 0), Position(1, 0), "ünï 😀 "),
    (Position(99, 0), Position(99, 0), "Get-IAMUser -ProfileName z\n"),
]


@pytest.mark.parametrize(("start", "end", "new_text"), EDITS)
def test_incremental_edit_equals_full_parse(start: Position, end: Position, new_text: str) -> None:
    doc = PowerShellDocument(SCRIPTS[0])
    changed = doc.apply_edit(start, end, new_text)
    fresh = PowerShellDocument(doc.text)
    assert str(doc.tree.root_node) == str(fresh.tree.root_node)
    assert [summary(c) for c in find_calls(doc)] == [summary(c) for c in find_calls(fresh)]
    assert changed == doc.changed_ranges
    assert changed, "the edited span is always reported"
    s = doc.lines.offset(start) if start.line < 99 else len(SCRIPTS[0])
    inserted_at = doc.position(doc.byte_offset(doc.lines.position(s)))
    assert any(r.start <= inserted_at <= r.end for r in changed)


def test_edit_text_matches_string_splice() -> None:
    doc = PowerShellDocument("ab\ncd\n")
    doc.apply_edit(Position(0, 1), Position(1, 1), "XY")
    assert doc.text == "aXYd\n"
    assert doc.version == 1


def test_changed_ranges_cover_a_token_edit() -> None:
    doc = PowerShellDocument("Get-S3Bucket -ProfileName 'abc'\n")
    changed = doc.apply_edit(Position(0, 28), Position(0, 29), "X")
    assert any(r.start <= Position(0, 28) <= r.end for r in changed)


_ALPHABET = st.sampled_from(
    [*"abcXYZ-$@'\"`{}()[];|:=\n\r\t #ü😀", "-ProfileName ", "@{", "'@", "@'\n"]
)


@st.composite
def _edits(draw: st.DrawFn) -> tuple[str, list[tuple[int, int, str]]]:
    src = draw(st.sampled_from(SCRIPTS))
    ops = []
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(src)))
        length = draw(st.integers(0, 8))
        text = "".join(draw(st.lists(_ALPHABET, max_size=6)))
        ops.append((start, length, text))
    return src, ops


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_edits())
def test_random_edits_never_raise_and_match_full_parse(
    case: tuple[str, list[tuple[int, int, str]]],
) -> None:
    src, ops = case
    doc = PowerShellDocument(src)
    text = src
    for start, length, new in ops:
        start = min(start, len(text))
        end = min(start + length, len(text))
        a, b = doc.lines.position(start), doc.lines.position(end)
        exact = doc.lines.offset(a) == start and doc.lines.offset(b) == end
        doc.apply_edit(a, b, new)
        if exact:  # (inside a CRLF, positions snap to the line end)
            assert doc.text == text[:start] + new + text[end:]
        text = doc.text
        found = find_calls(doc)
        fresh = PowerShellDocument(doc.text)
        assert str(doc.tree.root_node) == str(fresh.tree.root_node)
        assert [summary(c) for c in found] == [summary(c) for c in find_calls(fresh)]


@settings(max_examples=80, deadline=None)
@given(st.lists(_ALPHABET, max_size=80).map("".join))
def test_arbitrary_text_never_raises(text: str) -> None:
    doc = PowerShellDocument(text)
    for call in find_calls(doc):
        assert call.range.start <= call.range.end
