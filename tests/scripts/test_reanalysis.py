"""Re-analysis after edits reuses unchanged calls' results, and only those.

The language server calls ``script.build_model(path, ps_doc, ctx, calls=...)``
and the rules after every edit of one ``PowerShellDocument``; results of calls
whose statement, variables, flow state and lines did not change are kept
(``credls.powershell.reuse``). Every test compares against the same edits
analysed with nothing kept, or against a fresh parse.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from script_helpers import make_workspace

from credls.diagnostic import Diagnostic
from credls.powershell import flow, reuse, script
from credls.powershell.calls import find_calls
from credls.powershell.parser import PowerShellDocument
from credls.powershell.segments import SegmentCache, analyse
from credls.rules import cmdlet_checks
from credls.rules.context import CheckContext
from credls.settings import Settings
from credls.store.chain import StoreChain
from credls.text import Position, Range

SCRIPT = (
    "param([string]$Profile = 'prod', $Region = 'eu-west-1')\n"
    "$PSDefaultParameterValues['Get-EC2*:ProfileName'] = 'ec2prof'\n"
    "$p = @{ ProfileName = 'staging'; Region = 'us-east-1' }\n"
    "$name = 'nope'\n"
    "Get-S3Bucket @p | Out-Null\n"
    "Get-S3Bucket -ProfileName $name\n"
    "function Deploy {\n"
    "  param($Name = 'ci')\n"
    "  if ($env:CI) { Set-AWSCredential -AccessKey AKIAIOSFODNN7EXAMPLE -SecretKey 's' }\n"
    "  Get-S3Bucket -ProfileName $Name -Prof x\n"
    "}\n"
    "Get-EC2Instance -Region $Region\n"
    "Set-AWSCredential -StoreAs made -AccessKey AKIAIOSFODNN7EXAMPLE -SecretKey abc\n"
    "Get-IAMUser -ProfileName made\n"
    "Remove-AWSCredentialProfile -ProfileName staging -Force\n"
    "Get-S3Bucket -ProfileName staging\n"
    "Set-AWSCredential -ProfileName $Profile -Scope Global\n"
    "Get-SQSQueue -ProfileName Prod\n"
)

SNIPPETS = [
    "\n",
    "x",
    "#",
    " ",
    "'",
    "{",
    "}",
    "$name = 'prod'\n",
    "Get-S3Bucket -ProfileName other\n",
    "Remove-AWSCredentialProfile -ProfileName prod -Force\n",
    "$PSDefaultParameterValues['*:ProfileName'] = 'staging'\n",
    "if ($a) {\n",
    "-Prof ",
]


def _digest(found: list[Diagnostic]) -> list[tuple[object, ...]]:
    return [
        (d.code, d.message, d.path, d.range, d.severity, d.related, d.fix, d.tags, d.data)
        for d in found
    ]


@pytest.fixture
def ctx(tmp_path: Path) -> CheckContext:
    ws = make_workspace(tmp_path)
    settings = ws.settings()
    return CheckContext(settings, StoreChain.from_settings(settings, env={}))


def _analyse(path: str, doc: PowerShellDocument, ctx: CheckContext) -> list[Diagnostic]:
    with script.analysis_scope(ctx):
        return cmdlet_checks.check_model(script.build_model(path, doc, ctx, find_calls(doc)))


def _nothing_kept(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Turn keeping off (returns the function that turns it back on)."""
    store_of = cmdlet_checks._store_of
    effects = flow._effects

    def off() -> None:
        monkeypatch.setattr(cmdlet_checks, "_store_of", lambda model: None)
        monkeypatch.setattr(
            flow, "_effects", lambda doc, calls, d: [flow.effect_of(c, d) for c in calls]
        )

    def on() -> None:
        monkeypatch.setattr(cmdlet_checks, "_store_of", store_of)
        monkeypatch.setattr(flow, "_effects", effects)

    off()
    return on


def _random_edit(rnd: random.Random, text: str) -> tuple[Position, Position, str]:
    lines = text.split("\n")
    line = rnd.randrange(len(lines))
    col = rnd.randrange(len(lines[line]) + 1)
    end = col + rnd.randrange(3) if rnd.random() < 0.3 else col
    return Position(line, col), Position(line, min(end, len(lines[line]))), rnd.choice(SNIPPETS)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10_000), steps=st.integers(1, 12))
def test_kept_results_equal_results_computed_again(
    seed: int, steps: int, ctx: CheckContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = str(tmp_path / "corpus" / "edited.ps1")
    rnd = random.Random(seed)
    kept = PowerShellDocument(SCRIPT)
    again = PowerShellDocument(SCRIPT)
    on = _nothing_kept(monkeypatch)
    _analyse(path, again, ctx)
    on()
    _analyse(path, kept, ctx)
    for _ in range(steps):
        start, end, new = _random_edit(rnd, kept.text)
        kept.apply_edit(start, end, new)
        again.apply_edit(start, end, new)
        got = _digest(_analyse(path, kept, ctx))
        _nothing_kept(monkeypatch)
        want = _digest(_analyse(path, again, ctx))
        on()
        assert got == want


def test_results_are_really_kept_and_moved(ctx: CheckContext, tmp_path: Path) -> None:
    path = str(tmp_path / "corpus" / "moved.ps1")
    doc = PowerShellDocument(SCRIPT)
    first = _analyse(path, doc, ctx)
    calls = []
    original = cmdlet_checks.call_findings

    def counting(model: script.ScriptModel, info: script.CallInfo) -> list[Diagnostic]:
        calls.append(info.call.name_range.start.line)
        return original(model, info)

    cmdlet_checks.call_findings = counting
    try:
        # Two new lines at the top: every call moves by two lines, none is redone
        # except those whose results name line 0 (the param() default).
        doc.apply_edit(Position(0, 0), Position(0, 0), "# one\n# two\n")
        moved = _analyse(path, doc, ctx)
    finally:
        cmdlet_checks.call_findings = original
    assert len(calls) < 4, calls
    fresh = _analyse(path, PowerShellDocument(doc.text), ctx)
    assert _digest(moved) == _digest(fresh)
    assert {d.range.start.line for d in moved} == {d.range.start.line + 2 for d in first}


def test_a_changed_variable_redoes_the_calls_that_read_it(
    ctx: CheckContext, tmp_path: Path
) -> None:
    path = str(tmp_path / "corpus" / "vars.ps1")
    doc = PowerShellDocument(SCRIPT)
    line = SCRIPT.split("\n").index("Get-S3Bucket -ProfileName $name")
    before = [d for d in _analyse(path, doc, ctx) if d.range.start.line == line]
    assert [d.code for d in before] == ["CRED201"]
    assign = SCRIPT.split("\n").index("$name = 'nope'")
    doc.apply_edit(Position(assign, 9), Position(assign, 13), "prod")
    after = [d for d in _analyse(path, doc, ctx) if d.range.start.line == line]
    assert after == []


def test_a_store_file_change_redoes_everything(ctx: CheckContext, tmp_path: Path) -> None:
    path = str(tmp_path / "corpus" / "stores.ps1")
    doc = PowerShellDocument(SCRIPT)
    codes = [d.code for d in _analyse(path, doc, ctx)]
    assert "CRED201" in codes
    creds = tmp_path / "stores" / "credentials"
    creds.write_text(
        creds.read_text(encoding="utf-8") + "\n[nope]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n",
        encoding="utf-8",
    )
    doc.apply_edit(Position(0, 0), Position(0, 0), " ")
    got = _analyse(path, doc, ctx)
    assert _digest(got) == _digest(_analyse(path, PowerShellDocument(doc.text), ctx))
    line = SCRIPT.split("\n").index("Get-S3Bucket -ProfileName $name")
    assert not [d for d in got if d.range.start.line == line]


# --- line_shift ------------------------------------------------------------------------


class _Edits:
    """The edit log part of a SegmentCache."""

    def __init__(self, edits: list[tuple[int, int, int, int]], start: int = 0) -> None:
        self.edits = edits
        self.edits_start = start


@pytest.mark.parametrize(
    ("edits", "lines", "want"),
    [
        ([], (3, 7), 0),
        ([(1, 10, 10, 10)], (3, 7), 0),  # after everything
        ([(1, 0, 0, 2)], (3, 7), 2),  # two lines inserted before
        ([(1, 0, 2, 0)], (3, 7), -2),  # two lines deleted before
        ([(1, 5, 5, 5)], (3, 7), 0),  # between, no line added
        ([(1, 5, 5, 6)], (3, 7), None),  # between, a line added
        ([(1, 3, 3, 3)], (3, 7), None),  # on a line of the result
        ([(1, 0, 0, 1), (2, 5, 5, 5)], (3, 7), 1),  # 3..7 became 4..8; line 5 is free
        ([(1, 0, 0, 1), (2, 4, 4, 4)], (3, 7), None),  # … but line 4 is the old 3
        ([(0, 0, 0, 9)], (3, 7), 0),  # an edit the result already saw
    ],
)
def test_line_shift(
    edits: list[tuple[int, int, int, int]], lines: tuple[int, ...], want: int | None
) -> None:
    assert reuse.line_shift(_Edits(edits), 0, lines) == want  # type: ignore[arg-type]


def test_line_shift_refuses_results_older_than_the_log() -> None:
    assert reuse.line_shift(_Edits([], start=5), 3, (1,)) is None  # type: ignore[arg-type]


def test_edit_log_records_lines() -> None:
    doc = PowerShellDocument("a\nb\nc\n")
    cache = analyse(doc)
    assert isinstance(cache, SegmentCache)
    doc.apply_edit(Position(1, 0), Position(2, 0), "x\ny\nz\n")
    assert cache.edits[-1] == (doc.version, 1, 2, 4)


def test_shift_diagnostic_moves_every_range() -> None:
    r = Range.of(2, 1, end=5)
    d = Diagnostic("CRED201", "m", "p", r)
    moved = reuse.shift_diagnostic(d, 3)
    assert moved.range == Range(Position(5, 1), Position(5, 5))
    assert reuse.shift_diagnostic(d, 0) is d


def test_settings_without_stores_keep_nothing_wrong(tmp_path: Path) -> None:
    ctx = CheckContext(Settings(), None)
    path = str(tmp_path / "plain.ps1")
    doc = PowerShellDocument(SCRIPT)
    _analyse(path, doc, ctx)
    doc.apply_edit(Position(3, 0), Position(3, 0), "#")
    got = _analyse(path, doc, ctx)
    assert _digest(got) == _digest(_analyse(path, PowerShellDocument(doc.text), ctx))


def test_adopted_document_is_analysed_incrementally(
    ctx: CheckContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``script.adopt`` (the editor's hook): ``script_model`` uses the lent tree."""
    from credls.document import Document, DocumentKind
    from credls.source import SourceText

    path = str(tmp_path / "corpus" / "adopted.ps1")
    doc = PowerShellDocument(SCRIPT)
    script.clear_cache()
    script.adopt(path, doc)
    model = script.script_model(Document(path, SourceText(doc.text), DocumentKind.POWERSHELL), ctx)
    assert model.document is doc
    doc.apply_edit(Position(3, 9), Position(3, 13), "prod")
    script.adopt(path, doc)
    parsed: list[str] = []
    real = PowerShellDocument.__init__

    def counting(self: PowerShellDocument, text: str) -> None:
        parsed.append(text)
        real(self, text)

    monkeypatch.setattr(PowerShellDocument, "__init__", counting)
    edited = script.script_model(Document(path, SourceText(doc.text), DocumentKind.POWERSHELL), ctx)
    assert edited.document is doc and parsed == []  # no fresh parse of the edited text
    with script.analysis_scope(ctx):
        got = _digest(cmdlet_checks.check_model(edited))
    monkeypatch.undo()
    assert got == _digest(_analyse(path, PowerShellDocument(doc.text), ctx))
    # Another text for the same path is parsed afresh, not analysed on the lent tree.
    other = script.script_model(
        Document(path, SourceText(doc.text + "\n# more\n"), DocumentKind.POWERSHELL), ctx
    )
    assert other.document is not doc
    script.clear_cache()
