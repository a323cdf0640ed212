"""GitHub Actions workflow commands: ``::error file=…,line=…,col=…,title=CODE::message``."""

from __future__ import annotations

from credls.report import Report

_COMMAND = {"error": "error", "warning": "warning", "information": "notice", "hint": "notice"}


def escape_data(text: str) -> str:
    """Message escaping of the workflow-command syntax."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Property escaping: also ``:`` and ``,``, which delimit properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, *, color: bool = False) -> str:
    lines: list[str] = []
    for f in report.findings:
        props = ",".join(
            (
                f"file={escape_property(report.path(f.path))}",
                f"line={f.line + 1}",
                f"col={f.character + 1}",
                f"endLine={f.end_line + 1}",
                f"endColumn={f.end_character + 1}",
                f"title={escape_property(f.code)}",
            )
        )
        lines.append(f"::{_COMMAND[f.severity]} {props}::{escape_data(f.message)}")
    return "".join(line + "\n" for line in lines)
