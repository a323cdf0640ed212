"""docs/rules.md is generated from the registry and must not drift from it."""

from __future__ import annotations

from pathlib import Path

from credls.report import rules_doc
from credls.rules.registry import all_rules

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_committed_rules_doc_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == rules_doc.render(), (
        "docs/rules.md is stale: run `python -m credls.report.rules_doc > docs/rules.md`"
    )


def test_every_rule_has_an_anchor_its_url_points_to() -> None:
    text = rules_doc.render()
    for r in all_rules():
        assert f"### {r.code} {r.name}" in text
        # GitHub's anchor for that heading is the lower-cased, hyphenated text.
        assert r.url.endswith(f"#{r.code.lower()}-{r.name}")
        assert r.doc and r.bad and r.good, r.code
