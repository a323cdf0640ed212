"""A script being typed never breaks the analysis and keeps the findings of the parts that parse."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from script_helpers import CORPUS, CORPUS_FILES, analyze_text, found, make_workspace, platform_of

from credls.text import LineIndex

TEXTS = {name: (CORPUS / name).read_text(encoding="utf-8") for name in CORPUS_FILES}
FRAGMENTS = ["'", '"', "{", "}", "(", ")", "@{", "-", "-Profile", "$", "`", "\n", "#", "<#", "@'"]


@st.composite
def edits(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(CORPUS_FILES))
    text = TEXTS[name]
    for _ in range(draw(st.integers(1, 3))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 12)))
        new = draw(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)))
        text = text[:start] + new + text[end:]
    return name, text


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=edits())
def test_random_edits_never_raise(
    case: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    name, text = case
    ws = make_workspace(tmp_path_factory.mktemp("fuzz"))
    diags = analyze_text(ws.root / name, text, ws.settings(platform_of(TEXTS[name])))
    index = LineIndex(text)
    for d in diags:
        assert 0 <= d.range.start.line < index.line_count
        assert d.range.start <= d.range.end
        assert d.message and "\n" not in d.message


TAILS = [
    "Get-S3Bucket -ProfileName 'half-typed",
    'Write-Host "unterminated',
    "if ($x) {",
    "Get-S3Bucket -ProfileName",
    "$h = @{ ProfileName = ",
    "function Half {",
]


@pytest.mark.parametrize("tail", TAILS)
@pytest.mark.parametrize("name", CORPUS_FILES)
def test_half_written_tail_keeps_earlier_findings(name: str, tail: str, tmp_path: Path) -> None:
    """Text typed at the end only ever removes findings of the code it breaks."""
    ws = make_workspace(tmp_path)
    text = TEXTS[name]
    settings_ = ws.settings(platform_of(text))
    before = found(analyze_text(ws.root / name, text, settings_))
    after = found(analyze_text(ws.root / name, text + tail + "\n", settings_))
    last = text.count("\n")
    assert after - before == {k: v for k, v in (after - before).items() if k[0] > last}, tail
    # Findings that survive never move; lost ones are at most the last statement's.
    lost = before - after
    assert all(line >= _last_statement_line(text) for line, _ in lost), (tail, lost)


def _last_statement_line(text: str) -> int:
    lines = text.rstrip("\n").split("\n")
    return len(lines)
