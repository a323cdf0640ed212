"""Human output: ``path:line:column: CODE [severity] message`` and a summary line."""

from __future__ import annotations

from credls.report import Report

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_COLORS = {
    "error": "\x1b[31m",
    "warning": "\x1b[33m",
    "information": "\x1b[36m",
    "hint": "\x1b[2m",
}


def render(report: Report, *, color: bool = False) -> str:
    """One line per finding (1-based line and column in characters), then the summary."""
    lines: list[str] = []
    for f in report.findings:
        where = f"{report.path(f.path)}:{f.line + 1}:{f.character + 1}:"
        # Messages are one line by contract; a stray newline would break parsers.
        message = (
            " ".join(f.message.splitlines())
            if "\n" in f.message or "\r" in f.message
            else f.message
        )
        if color:
            c = _COLORS[f.severity]
            lines.append(f"{_BOLD}{where}{_RESET} {c}{f.code}{_RESET} [{f.severity}] {message}")
        else:
            lines.append(f"{where} {f.code} [{f.severity}] {message}")
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def summary(report: Report) -> str:
    """``N problems (E errors, W warnings, I information, H hints) in F files`` (interfaces.md)."""
    c = report.counts()
    return (
        f"{len(report.findings)} problems ({c['error']} errors, {c['warning']} warnings, "
        f"{c['information']} information, {c['hint']} hints) in {report.files} files"
    )
