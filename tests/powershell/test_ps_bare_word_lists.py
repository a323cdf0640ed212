"""Bare-word lists (`Select-Object Name, Id`): tree-sitter-powershell 0.26 has no rule
for them, and without the workaround in ``parser._for_tree_sitter`` the rest of the
file after one of them is a single ERROR node (every later call lost)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tree_sitter import Parser

from credls.powershell.calls import find_calls
from credls.powershell.parser import LANGUAGE, PowerShellDocument, _for_tree_sitter
from credls.text import Position

AFTER = "\nGet-S3Bucket -ProfileName prod\n"

LISTS = [
    "Get-S3Bucket | Select-Object BucketName, CreationDate",
    "Format-Table Name, Length -AutoSize",
    "Get-EC2Instance -InstanceId i-1, i-2 -Region us-east-1",
    "Remove-Variable -Name a, b",
    "Invoke-Command -ComputerName srv1,   srv2 -ScriptBlock { hostname }",
    "Get-ChildItem -Include *.ps1,\t*.psm1 -Recurse",
    'Write-Host "x $(Get-Date a, b) y"',
    "Set-X -Tags env:prod, team:core, owner:me",
]

# Arrays the grammar parses already: the parser must see them unchanged.
UNTOUCHED = [
    "$x = 1, 2, 3",
    "$y = @(1, 2)",
    "Write-Host $a, $b",
    "Write-Host 'a', 'b'",
    "Get-X -Port 80, 443",
    "param([string]$a, [int]$b)",
    "[Math]::Max(1, 2)",
    "foreach ($i in 1, 2) { $i }",
    "Write-Host a ,b",
]


def _raw_tree(text: str) -> str:
    return str(Parser(LANGUAGE).parse(text.encode()).root_node)


@pytest.mark.parametrize("line", LISTS)
def test_a_bare_word_list_no_longer_breaks_the_rest_of_the_file(line: str) -> None:
    text = line + AFTER
    doc = PowerShellDocument(text)
    assert not doc.root.has_error
    assert [c.written_name for c in find_calls(doc)][-1] == "Get-S3Bucket"
    assert find_calls(doc)[-1].parameter("ProfileName") is not None


def test_the_grammar_still_needs_the_workaround() -> None:
    if "ERROR" not in _raw_tree(LISTS[0] + AFTER):
        pytest.skip("tree-sitter-powershell parses bare-word lists now: drop the workaround")
    assert "ERROR" in _raw_tree(LISTS[0] + AFTER)


@pytest.mark.parametrize("line", UNTOUCHED)
def test_other_commas_reach_the_parser_unchanged(line: str) -> None:
    source = (line + AFTER).encode()
    assert _for_tree_sitter(source) == source


@pytest.mark.parametrize("line", LISTS)
def test_the_parser_bytes_keep_every_offset_and_the_text_is_untouched(line: str) -> None:
    source = (line + AFTER).encode()
    patched = _for_tree_sitter(source)
    assert len(patched) == len(source) and patched != source
    # Only the comma moved (and blanks after it became spaces): nothing else differs.
    assert patched.replace(b",", b"").replace(b"\t", b" ") == source.replace(b",", b"").replace(
        b"\t", b" "
    )
    doc = PowerShellDocument(line + AFTER)
    assert doc.text == line + AFTER and doc.source == source


def test_the_rest_of_a_list_is_not_a_positional_argument() -> None:
    doc = PowerShellDocument("Get-EC2Instance -InstanceId i-1, i-2, i-3 -ProfileName prod\n")
    (call,) = find_calls(doc)
    assert call.arguments == ()
    b = call.parameter("ProfileName")
    assert b is not None and b.value is not None and getattr(b.value, "text", None) == "prod"


def _typing_steps(text: str) -> list[tuple[int, str]]:
    return [(i, ch) for i, ch in enumerate(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Get-S3Bucket | Select-Object Name, Id\nGet-S3Bucket -ProfileName prod\n",
        "Format-Table A,  B, C\n$x = 1, 2\n",
    ],
)
def test_typing_a_list_char_by_char_parses_like_the_whole_text(text: str) -> None:
    # Each keystroke can move a comma the parser sees (before the edit point):
    # the incremental tree must equal a fresh parse after every one.
    doc = PowerShellDocument("")
    for i, (_, ch) in enumerate(_typing_steps(text)):
        line = text[:i].count("\n")
        col = i - (text.rfind("\n", 0, i) + 1)
        doc.apply_edit(Position(line, col), Position(line, col), ch)
        assert str(doc.root) == str(PowerShellDocument(doc.text).root), repr(doc.text)


WORDS = st.sampled_from(["Name", "Id", "i-1", "a.b", "x:y", "$v", "'q'", "7", "-P", "@{a=1}"])
SEPS = st.sampled_from([", ", ",", " ,", ",  ", ",\t", " "])


@st.composite
def _lists(draw: st.DrawFn) -> str:
    words = draw(st.lists(WORDS, min_size=2, max_size=5))
    seps = [draw(SEPS) for _ in words[1:]]
    body = words[0] + "".join(s + w for s, w in zip(seps, words[1:], strict=True))
    return "Select-Object " + body + AFTER


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_lists(), st.integers(min_value=0, max_value=60), st.sampled_from(["", " ", ",", "x"]))
def test_edits_near_lists_match_a_fresh_parse(text: str, at: int, new: str) -> None:
    doc = PowerShellDocument(text)
    at = min(at, len(text.split("\n")[0]))
    end = min(at + (1 if new == "" else 0), len(text.split("\n")[0]))
    doc.apply_edit(Position(0, at), Position(0, end), new)
    assert str(doc.root) == str(PowerShellDocument(doc.text).root)
