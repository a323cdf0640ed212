"""Machine output; the exact shape is a contract (interfaces.md, ``json``).

Written with string templates around the C string encoder: a run over a large
tree has tens of thousands of findings, and building a dict per finding for
``json.dumps`` costs several times more. ``document()`` gives the same data as
Python objects.
"""

from __future__ import annotations

import json
from typing import Any

from credls import __version__
from credls.report import Finding, RelatedTuple, Report

_str = json.encoder.encode_basestring_ascii


def rule_names() -> dict[str, str]:
    from credls.rules.registry import all_rules

    return {r.code: r.name for r in all_rules()}


def _range(line: int, col: int, end_line: int, end_col: int) -> str:
    return (
        f'{{"start": {{"line": {line + 1}, "column": {col + 1}}}, '
        f'"end": {{"line": {end_line + 1}, "column": {end_col + 1}}}}}'
    )


def _related(r: RelatedTuple, report: Report) -> str:
    path, line, col, end_line, end_col, message = r
    return (
        f'{{"path": {_str(report.path(path))}, "range": {_range(line, col, end_line, end_col)}, '
        f'"message": {_str(message)}}}'
    )


def _finding(f: Finding, report: Report, names: dict[str, str]) -> str:
    related = ", ".join(_related(r, report) for r in f.related)
    return (
        f'{{"path": {_str(report.path(f.path))}, "code": {_str(f.code)}, '
        f'"name": {_str(names.get(f.code, ""))}, "severity": "{f.severity}", '
        f'"message": {_str(f.message)}, '
        f'"range": {_range(f.line, f.character, f.end_line, f.end_character)}, '
        f'"related": [{related}]}}'
    )


def render(report: Report, *, color: bool = False) -> str:
    names = rule_names()
    counts = report.counts()
    body = ", ".join(_finding(f, report, names) for f in report.findings)
    summary = ", ".join(f'"{k}": {v}' for k, v in counts.items())
    tool = f'{{"name": "credls", "version": {_str(__version__)}}}'
    return (
        f'{{"version": 1, "tool": {tool}, "diagnostics": [{body}], '
        f'"summary": {{"files": {report.files}, {summary}}}}}\n'
    )


def document(report: Report) -> dict[str, Any]:
    """The report as Python data (the parsed form of ``render``)."""
    data: dict[str, Any] = json.loads(render(report))
    return data
