"""Report formats: exact text and JSON shapes, SARIF against the schema, GitHub escaping."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credls.diagnostic import Diagnostic, Related, Severity
from credls.report import Report, formatter
from credls.report.github import escape_data, escape_property
from credls.report.text import summary
from credls.rules.registry import all_rules
from credls.text import Range

SCHEMA = json.loads(
    (Path(__file__).parent.parent / "data" / "sarif-schema-2.1.0.json").read_text("utf-8")
)
CWD = os.path.abspath("/work/project")


def d(
    path: str,
    line: int,
    col: int,
    end: int,
    sev: Severity,
    message: str = "unused suppression: no finding on this line",
    related: tuple[Related, ...] = (),
    end_line: int | None = None,
) -> Diagnostic:
    return Diagnostic(
        "CRED001",
        message,
        path,
        Range.of(line, col, end_line=end_line, end=end),
        severity=sev,
        related=related,
    )


SAMPLE = [
    d("a/x.ps1", 0, 8, 30, Severity.ERROR),
    d(
        os.path.join(CWD, "b", "é y.ps1"),
        4,
        2,
        3,
        Severity.WARNING,
        "multi\nline, with: 100% odd\rchars",
        related=(Related("/elsewhere/.aws/config", Range.of(1, 0, end=9), "first here"),),
    ),
    d("c.txt", 9, 0, 4, Severity.INFORMATION, end_line=10),
    d("/outside/z.txt", 2, 0, 1, Severity.HINT),
]


def report(diags: list[Diagnostic] | None = None, files: int = 7) -> Report:
    return Report.of(SAMPLE if diags is None else diags, files, CWD)


def test_text_exact() -> None:
    out = formatter("text")(report())
    assert out.splitlines() == [
        "/outside/z.txt:3:1: CRED001 [hint] unused suppression: no finding on this line",
        "a/x.ps1:1:9: CRED001 [error] unused suppression: no finding on this line",
        "b/é y.ps1:5:3: CRED001 [warning] multi line, with: 100% odd chars",
        "c.txt:10:1: CRED001 [information] unused suppression: no finding on this line",
        "4 problems (1 errors, 1 warnings, 1 information, 1 hints) in 7 files",
    ]


def test_text_colour_only_when_asked() -> None:
    plain = formatter("text")(report())
    coloured = formatter("text")(report(), color=True)
    assert "\x1b[" not in plain and "\x1b[31m" in coloured
    assert (
        summary(report([]))
        == "0 problems (0 errors, 0 warnings, 0 information, 0 hints) in 7 files"
    )


def test_json_exact_shape() -> None:
    doc = json.loads(formatter("json")(report()))
    assert set(doc) == {"version", "tool", "diagnostics", "summary"}
    assert doc["version"] == 1 and doc["tool"] == {"name": "credls", "version": "0.1.0"}
    assert doc["summary"] == {"files": 7, "error": 1, "warning": 1, "information": 1, "hint": 1}
    _, first, second, third = doc["diagnostics"]
    assert first == {
        "path": "a/x.ps1",
        "code": "CRED001",
        "name": "unused-suppression",
        "severity": "error",
        "message": "unused suppression: no finding on this line",
        "range": {"start": {"line": 1, "column": 9}, "end": {"line": 1, "column": 31}},
        "related": [],
    }
    assert second["path"] == "b/é y.ps1"
    assert second["related"] == [
        {
            "path": "/elsewhere/.aws/config",
            "range": {"start": {"line": 2, "column": 1}, "end": {"line": 2, "column": 10}},
            "message": "first here",
        }
    ]
    assert third["range"]["end"] == {"line": 11, "column": 5}


def sarif(rep: Report) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(formatter("sarif")(rep))
    return doc


@pytest.mark.parametrize("diags", [SAMPLE, []], ids=["findings", "clean"])
def test_sarif_is_valid(diags: list[Diagnostic]) -> None:
    jsonschema.validate(sarif(report(diags)), SCHEMA)


def test_sarif_content() -> None:
    doc = sarif(report())
    assert doc["version"] == "2.1.0" and doc["$schema"]
    (run,) = doc["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "credls"
    ids = [r["id"] for r in driver["rules"]]
    assert ids == [r.code for r in all_rules()]
    for rule in driver["rules"]:
        # GitHub requires these non-empty (anchors.md §6.3).
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"] and rule["helpUri"]
        assert rule["name"] and rule["defaultConfiguration"]["level"] in (
            "error",
            "warning",
            "note",
        )
    assert run["columnKind"] == "unicodeCodePoints"
    levels = [r["level"] for r in run["results"]]
    assert levels == ["note", "error", "warning", "note"]
    first = run["results"][1]
    assert first["ruleId"] == "CRED001" and driver["rules"][first["ruleIndex"]]["id"] == "CRED001"
    loc = first["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "a/x.ps1", "uriBaseId": "%SRCROOT%"}
    assert loc["region"] == {"startLine": 1, "startColumn": 9, "endLine": 1, "endColumn": 31}
    second = run["results"][2]
    assert (
        second["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "b/%C3%A9%20y.ps1"
    )
    assert second["relatedLocations"][0]["message"]["text"] == "first here"
    outside = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert outside == {"uri": "file:///outside/z.txt"}
    prints = [r["partialFingerprints"]["primaryLocationLineHash"] for r in run["results"]]
    assert all(p.count(":") == 1 for p in prints)
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")


def test_sarif_fingerprints_stable_and_distinct() -> None:
    same = [d("a.ps1", 1, 0, 1, Severity.WARNING), d("a.ps1", 5, 0, 1, Severity.WARNING)]
    moved = [d("a.ps1", 3, 0, 1, Severity.WARNING), d("a.ps1", 9, 0, 1, Severity.WARNING)]
    fp = [r["partialFingerprints"] for r in sarif(report(same))["runs"][0]["results"]]
    fp_moved = [r["partialFingerprints"] for r in sarif(report(moved))["runs"][0]["results"]]
    assert fp == fp_moved  # lines moved, same alerts
    assert fp[0] != fp[1]  # two identical findings stay two alerts


def test_github_format() -> None:
    all_lines = formatter("github")(report()).splitlines()
    assert all_lines[0].startswith("::notice file=/outside/z.txt,")
    lines = all_lines[1:]
    assert lines[0] == (
        "::error file=a/x.ps1,line=1,col=9,endLine=1,endColumn=31,title=CRED001::"
        "unused suppression: no finding on this line"
    )
    assert lines[1].startswith("::warning file=b/é y.ps1,line=5,")
    assert lines[1].endswith("::multi%0Aline, with: 100%25 odd%0Dchars")
    assert lines[2].startswith("::notice ")


@pytest.mark.parametrize(
    ("text", "data", "prop"),
    [
        ("a,b:c", "a,b:c", "a%2Cb%3Ac"),
        ("100%", "100%25", "100%25"),
        ("x\r\ny", "x%0D%0Ay", "x%0D%0Ay"),
        ("%2C", "%252C", "%252C"),
    ],
)
def test_github_escaping(text: str, data: str, prop: str) -> None:
    assert escape_data(text) == data
    assert escape_property(text) == prop


def test_unknown_format() -> None:
    with pytest.raises(ValueError):
        formatter("xml")


@settings(max_examples=200, deadline=None)
@given(
    path=st.text(min_size=1, max_size=20),
    message=st.text(max_size=40),
    related=st.text(max_size=20),
)
def test_json_round_trips_any_text(path: str, message: str, related: str) -> None:
    diag = Diagnostic(
        "CRED001",
        message,
        path,
        Range.of(0, 0, end=1),
        severity=Severity.HINT,
        related=(Related(path, Range.of(2, 3, end=4), related),),
    )
    doc = json.loads(formatter("json")(Report.of([diag], 1, CWD)))
    (got,) = doc["diagnostics"]
    assert got["message"] == message and got["related"][0]["message"] == related
    assert got["path"] == got["related"][0]["path"]


def test_paths_under_the_working_directory_are_relative_in_messages(tmp_path: Path) -> None:
    store = tmp_path / "aws" / "credentials"
    d = Diagnostic(
        "CRED203",
        f"Profile 'prod' is not in {store}, the only file searched",
        str(tmp_path / "run.ps1"),
        Range.of(0, 0, end=3),
        Severity.ERROR,
        related=(Related(str(store), Range.of(1, 0, end=4), f"searched {store}"),),
    )
    report = Report.of([d], 1, str(tmp_path))
    (f,) = report.findings
    assert (
        f.message
        == f"Profile 'prod' is not in {os.path.join('aws', 'credentials')}, the only file searched"
    )
    assert f.related[0][5] == f"searched {os.path.join('aws', 'credentials')}"
    elsewhere = Report.of([d], 1, str(tmp_path / "sub"))
    assert str(store) in elsewhere.findings[0].message
