"""SARIF 2.1.0 for GitHub code scanning (anchors.md §6.3).

One run; every registered rule in ``tool.driver.rules`` with the properties
GitHub requires (``help`` included); results with ``ruleId``/``ruleIndex``,
``level``, a physical location relative to ``%SRCROOT%`` (the working directory)
and ``partialFingerprints``. Columns count code points (``columnKind``), so
they match the text output; ``endColumn`` is exclusive as SARIF defines it.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from credls import __version__
from credls.diagnostic import Severity
from credls.report import Finding, Report
from credls.rules.registry import DOCS_URL, Rule, all_rules

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = DOCS_URL.split("/blob/")[0]

LEVEL = {"error": "error", "warning": "warning", "information": "note", "hint": "note"}

# GitHub ranks security alerts by this score ("0.1"–"10.0").
_SECURITY_SEVERITY = {
    Severity.ERROR: "7.0",
    Severity.WARNING: "5.0",
    Severity.INFORMATION: "3.0",
    Severity.HINT: "1.0",
}


def _fence(text: str, language: str) -> str:
    return f"```{language}\n{text.rstrip()}\n```"


def rule_descriptor(r: Rule) -> dict[str, Any]:
    text = f"{r.doc}\n\nBad:\n{r.bad.rstrip()}\n\nGood:\n{r.good.rstrip()}"
    markdown = (
        f"**{r.code} {r.name}**\n\n{r.doc}\n\nBad:\n\n{_fence(r.bad, r.example_language)}"
        f"\n\nGood:\n\n{_fence(r.good, r.example_language)}"
    )
    security = r.code.startswith("CRED3")
    props: dict[str, Any] = {"tags": ["security"] if security else ["correctness"]}
    props["precision"] = "high"
    if security:
        props["security-severity"] = _SECURITY_SEVERITY[r.severity]
    return {
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": r.doc},
        "help": {"text": text, "markdown": markdown},
        "helpUri": r.url,
        "defaultConfiguration": {"level": LEVEL[r.severity.value]},
        "properties": props,
    }


def _artifact(path: str, report: Report) -> dict[str, str]:
    shown = report.path(path)
    if os.path.isabs(shown):
        return {"uri": Path(shown).as_uri()}
    # surrogateescape: a file name that is not UTF-8 keeps its original bytes.
    uri = quote(shown.replace(os.sep, "/"), errors="surrogateescape")
    return {"uri": uri, "uriBaseId": "%SRCROOT%"}


def _location(
    path: str, line: int, col: int, end_line: int, end_col: int, report: Report
) -> dict[str, Any]:
    region = {
        "startLine": line + 1,
        "startColumn": col + 1,
        "endLine": end_line + 1,
        "endColumn": end_col + 1,
    }
    return {"physicalLocation": {"artifactLocation": _artifact(path, report), "region": region}}


def _fingerprint(f: Finding, seen: dict[tuple[str, str, str], int]) -> str:
    # Stable when lines move: rule, file and message (which never holds a
    # secret), plus an occurrence counter for identical findings in one file.
    key = (f.path, f.code, f.message)
    seen[key] = seen.get(key, 0) + 1
    digest = hashlib.sha256(f"{f.code}\0{f.message}".encode()).hexdigest()[:16]
    return f"{digest}:{seen[key]}"


def _result(
    f: Finding, report: Report, index: dict[str, int], seen: dict[tuple[str, str, str], int]
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": f.code,
        "level": LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [_location(f.path, f.line, f.character, f.end_line, f.end_character, report)],
        "partialFingerprints": {"primaryLocationLineHash": _fingerprint(f, seen)},
    }
    if f.code in index:
        result["ruleIndex"] = index[f.code]
    if f.related:
        result["relatedLocations"] = [
            {"id": i, **_location(*rel[:5], report), "message": {"text": rel[5]}}
            for i, rel in enumerate(f.related, start=1)
        ]
    return result


def document(report: Report) -> dict[str, Any]:
    rules = all_rules()
    index = {r.code: i for i, r in enumerate(rules)}
    seen: dict[tuple[str, str, str], int] = {}
    results = [_result(f, report, index, seen) for f in report.findings]
    root = Path(report.cwd or os.getcwd()).as_uri()
    driver = {
        "name": "credls",
        "version": __version__,
        "semanticVersion": __version__,
        "informationUri": INFORMATION_URI,
        "rules": [rule_descriptor(r) for r in rules],
    }
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "originalUriBaseIds": {"%SRCROOT%": {"uri": root.rstrip("/") + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def render(report: Report, *, color: bool = False) -> str:
    return json.dumps(document(report), indent=2) + "\n"
