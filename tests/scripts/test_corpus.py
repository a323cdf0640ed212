"""The script corpus: every expected finding per line, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
from script_helpers import (
    CORPUS_FILES,
    analyze_text,
    expected,
    found,
    make_workspace,
    platform_of,
)


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS_FILES) >= 30


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_findings_exact(name: str, tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    path = ws.root / name
    text = path.read_text(encoding="utf-8")
    diags = analyze_text(path, text, ws.settings(platform_of(text)))
    got = found(diags)
    want = expected(text)
    detail = "\n".join(
        f"{d.range.start.line + 1}: {d.code} {d.message}"
        for d in sorted(diags, key=lambda d: d.sort_key)
    )
    assert got == want, detail
