"""Per-statement caches across edits: results equal a fresh analysis, reuse is real."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credls.powershell.calls import CmdletCall, find_calls
from credls.powershell.parser import PowerShellDocument
from credls.powershell.values import STALE, Dynamic, Static, Value
from credls.text import Position

SCRIPT = (
    "param([string]$Profile = 'dev', $Region = 'eu-west-1')\n"
    "$PSDefaultParameterValues['Get-EC2*:ProfileName'] = 'ec2prof'\n"
    "$p = @{ ProfileName = 'prod'; Region = 'us-east-1' }\n"
    "$p.ProfileLocation = 'C:\\aws\\credentials'\n"
    "$arr = @('one', 'two')\n"
    "# ünïcödé comment 😀\n"
    "Get-S3Bucket @p | Out-Null\n"
    "function Deploy {\n"
    "  param($Name = 'ci')\n"
    "  if ($env:CI) { Set-AWSCredential -AccessKey AKIAIOSFODNN7EXAMPLE -SecretKey 's' }\n"
    "  foreach ($b in Get-S3Bucket -ProfileName $Name) {\n"
    '    Write-S3Object -BucketName $b.BucketName -File "C:\\f.txt" -Prof x\n'
    "  }\n"
    "}\n"
    "Get-EC2Instance -Region $Region\n"
    "Remove-AWSCredentialProfile @arr\n"
    "Set-AWSCredential -ProfileName $Profile -Scope Global\n"
)


def _value(v: Value | None) -> object:
    if isinstance(v, Static):
        return ("S", v.text, v.range, v.kind, v.from_param_default, v.variable)
    if isinstance(v, Dynamic):
        return ("D", v.kind, v.reason, v.range, v.detail)
    return v


def full(call: CmdletCall) -> tuple[object, ...]:
    """Every observable field of a call, values and ranges included."""
    return (
        call.name,
        call.written_name,
        call.name_range,
        call.range,
        call.start_byte,
        call.end_byte,
        call.in_error,
        call.pipeline_input,
        call.function,
        call.parameter_sets,
        call.binding_complete,
        tuple(
            (
                b.name,
                b.written,
                b.source,
                b.name_range,
                _value(b.value),
                b.value_range,
                b.exact,
                b.alias,
                b.colon,
                b.missing_value,
                b.conditional,
                b.splat,
            )
            for b in call.parameters
        ),
        tuple((a.written, a.candidates, a.name_range, _value(a.value)) for a in call.ambiguous),
        tuple((u.written, u.name_range, _value(u.value)) for u in call.unknown),
        tuple((d.name, d.first.source, d.second.source) for d in call.duplicates),
        tuple((_value(a.value), a.range, a.splat) for a in call.arguments),
        tuple((u.variable, u.range, u.reason) for u in call.unresolved_splats),
        tuple((c.kind, c.range, c.name) for c in call.context),
    )


def _fresh(doc: PowerShellDocument) -> list[tuple[object, ...]]:
    """Analysis from scratch of the same text and the same tree.

    In ERROR regions tree-sitter's incremental parse may place a node one
    byte off a fresh parse of the text; the caches must match a fresh
    analysis of the tree the document has. Without errors, both parses agree.
    """
    again = PowerShellDocument(doc.text)
    expected = [full(c) for c in find_calls(again)]
    if not doc.has_errors:
        return expected
    again = PowerShellDocument(doc.text)
    again.tree = doc.tree
    return [full(c) for c in find_calls(again)]


EDITS = [
    # (line, start char, end char, new text)
    (2, 24, 28, "other"),  # the splatted hashtable's value
    (2, 8, 19, "ProfileLocation"),  # a splatted key
    (3, 0, 0, "#"),  # comment out a key write
    (1, 0, 0, "# "),  # comment out the default value
    (0, 27, 30, "qa"),  # a param default read by a later call
    (5, 0, 0, "$extra = 1\n"),  # a new statement: later statements move down
    (11, 4, 4, "Get-IAMUser -ProfileName z\n    "),  # a call inside a function
    (16, 0, 17, ""),  # delete a call
    (4, 9, 9, "'zero', "),  # the array splat gets one more item
]


@pytest.mark.parametrize(("line", "start", "end", "new"), EDITS)
def test_edit_equals_fresh_analysis(line: int, start: int, end: int, new: str) -> None:
    doc = PowerShellDocument(SCRIPT)
    assert [full(c) for c in find_calls(doc)] == _fresh(doc)
    doc.apply_edit(Position(line, start), Position(line, end), new)
    assert [full(c) for c in find_calls(doc)] == _fresh(doc)


def test_sequence_of_edits_without_analysis_in_between() -> None:
    doc = PowerShellDocument(SCRIPT)
    find_calls(doc)
    for line, start, end, new in EDITS[:5]:
        doc.apply_edit(Position(line, start), Position(line, end), new)
    assert [full(c) for c in find_calls(doc)] == _fresh(doc)


def test_unchanged_statements_keep_syntax_and_binding() -> None:
    doc = PowerShellDocument(SCRIPT)
    before = find_calls(doc)
    for c in before:
        c.parameters  # noqa: B018 - binds every call
    syntax = {c.start_byte: (c._syntax, c._syntax.binding) for c in before if c._syntax}
    # An edit in a comment line: statements after it move but do not change.
    doc.apply_edit(Position(5, 2), Position(5, 2), "xyz ")
    after = find_calls(doc)
    for c in after:
        c.parameters  # noqa: B018
    reused = 0
    for c in after:
        old = syntax.get(c.start_byte - (4 if c.start_byte > 200 else 0))
        if old is not None and old[0] is c._syntax:
            reused += 1
            assert c._syntax is not None and c._syntax.binding is old[1]
    assert reused == len(after)
    assert [full(c) for c in after] == _fresh(doc)


def test_binding_follows_a_changed_splat_in_another_statement() -> None:
    doc = PowerShellDocument(SCRIPT)
    call = next(c for c in find_calls(doc) if c.name == "Get-S3Bucket")
    assert call.parameter("ProfileName") is not None
    doc.apply_edit(Position(2, 8), Position(2, 19), "Nothing")
    call = next(c for c in find_calls(doc) if c.name == "Get-S3Bucket")
    assert call.parameter("ProfileName") is None
    assert [u.written for u in call.unknown] == ["Nothing"]


def test_value_read_after_a_later_edit_is_refused() -> None:
    doc = PowerShellDocument(SCRIPT)
    call = next(c for c in find_calls(doc) if c.name == "Set-AWSCredential" and c.function is None)
    b = call.parameter("ProfileName")
    assert b is not None
    doc.apply_edit(Position(0, 27), Position(0, 30), "qa")
    value = b.value
    assert isinstance(value, Dynamic) and value.reason == STALE


def test_secret_never_in_repr() -> None:
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz"
    doc = PowerShellDocument(
        f"Get-S3Bucket -AccessKey AKIAABCDEFGHIJKLMNOP -SecretKey '{secret}'\n"
    )
    call = find_calls(doc)[0]
    b = call.parameter("SecretKey")
    assert b is not None and b.static_text == secret
    for text in (repr(call), repr(b), repr(call.parameters), str(b)):
        assert secret not in text


_ALPHABET = st.sampled_from(
    [*"abc-$@'\"`{}()[];|:=\n #ü😀", "-ProfileName ", "@{", "@p", "$p", "Get-S3Bucket ", "'x'"]
)


@st.composite
def _edits(draw: st.DrawFn) -> tuple[str, list[tuple[int, int, str]]]:
    ops = []
    for _ in range(draw(st.integers(1, 5))):
        start = draw(st.integers(0, len(SCRIPT)))
        length = draw(st.integers(0, 12))
        text = "".join(draw(st.lists(_ALPHABET, max_size=5)))
        ops.append((start, length, text))
    return SCRIPT, ops


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_edits())
def test_random_edits_give_the_fresh_analysis(case: tuple[str, list[tuple[int, int, str]]]) -> None:
    src, ops = case
    doc = PowerShellDocument(src)
    find_calls(doc)
    for start, length, new in ops:
        start = min(start, len(doc.text))
        end = min(start + length, len(doc.text))
        doc.apply_edit(doc.lines.position(start), doc.lines.position(end), new)
        assert [full(c) for c in find_calls(doc)] == _fresh(doc)


def test_many_edits_on_a_generated_script() -> None:
    rnd = random.Random(7)
    lines = []
    for i in range(120):
        k = i % 4
        if k == 0:
            lines.append(f"$s{i} = @{{ ProfileName = 'p{i}' }}")
        elif k == 1:
            lines.append(f"Get-S3Bucket @s{i - 1} -Region r{i}")
        elif k == 2:
            lines.append(f"$PSDefaultParameterValues['*-EC2*:Region'] = 'x{i}'")
        else:
            lines.append(f"Get-EC2Instance -ProfileName $Profile{i}")
    doc = PowerShellDocument("\n".join(lines) + "\n")
    find_calls(doc)
    for _ in range(25):
        line = rnd.randrange(len(lines))
        text = doc.lines.line_text(line)
        col = rnd.randrange(len(text) + 1)
        doc.apply_edit(Position(line, col), Position(line, col), rnd.choice(["#", "x", "'", " "]))
        assert [full(c) for c in find_calls(doc)] == _fresh(doc)
