"""Output formats for ``credls check``: text, json, sarif, github.

Every formatter takes the same ``Report`` (sorted findings plus the number of
files checked) and returns the whole output as one string, so that the CLI
writes it once. A ``Finding`` is a flat tuple — what worker processes send back
and what sorts by path, then position, then code with plain tuple comparison.
Positions are 0-based here and become 1-based in the output; ends stay exclusive.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from credls.diagnostic import Diagnostic, Severity

SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFORMATION, Severity.HINT)

# (path, line, character, end_line, end_character, message), 0-based.
RelatedTuple = tuple[str, int, int, int, int, str]


class Finding(NamedTuple):
    """A resolved diagnostic, flattened. Field order is the report order."""

    path: str
    line: int
    character: int
    code: str
    end_line: int
    end_character: int
    severity: str  # a Severity value
    message: str
    related: tuple[RelatedTuple, ...] = ()

    @classmethod
    def of(cls, d: Diagnostic) -> Finding:
        r = d.range
        related = tuple(
            (x.path, x.range.start.line, x.range.start.character, x.range.end.line,
             x.range.end.character, x.message)
            for x in d.related
        )  # fmt: skip
        sev = (d.severity or Severity.WARNING).value
        return cls(d.path, r.start.line, r.start.character, d.code, r.end.line,
                   r.end.character, sev, d.message, related)  # fmt: skip


@dataclass(frozen=True)
class Report:
    findings: Sequence[Finding]
    files: int
    cwd: str = ""
    _shown: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, diagnostics: Iterable[Diagnostic], files: int, cwd: str = "") -> Report:
        """A report of diagnostics, sorted by the path as shown, then position."""
        where = cwd or os.getcwd()
        findings = [relative_messages(Finding.of(d), where) for d in diagnostics]
        findings.sort(key=lambda f: (display_path(f.path, where), *f[1:]))
        return cls(findings, files, cwd)

    def counts(self) -> dict[str, int]:
        """Findings per severity value, in ``SEVERITY_ORDER``."""
        counts = {s.value: 0 for s in SEVERITY_ORDER}
        for f in self.findings:
            counts[f.severity] += 1
        return counts

    def path(self, path: str) -> str:
        """``path`` relative to the working directory when it is under it (cached)."""
        shown = self._shown.get(path)
        if shown is None:
            shown = self._shown[path] = display_path(path, self.cwd or os.getcwd())
        return shown


def relative_messages(f: Finding, cwd: str) -> Finding:
    """Paths under the working directory shown relative in messages too.

    Rules name store files by absolute path; a report reads better (and SARIF
    fingerprints stay the same on every machine) with the paths as the user
    typed them.
    """
    prefix = cwd if cwd.endswith(os.sep) else cwd + os.sep
    if prefix not in f.message and not any(prefix in r[5] for r in f.related):
        return f
    related = tuple((*r[:5], r[5].replace(prefix, "")) for r in f.related)
    return f._replace(message=f.message.replace(prefix, ""), related=related)


def display_path(path: str, cwd: str) -> str:
    if not os.path.isabs(path):
        return path
    prefix = cwd if cwd.endswith(os.sep) else cwd + os.sep
    if path.startswith(prefix):
        return path[len(prefix) :]
    return path


def formatter(name: str) -> Callable[..., str]:
    """The render function of a format (imported lazily: check start-up stays small)."""
    if name == "text":
        from credls.report.text import render as text_render

        return text_render
    if name == "json":
        from credls.report.json import render as json_render

        return json_render
    if name == "sarif":
        from credls.report.sarif import render as sarif_render

        return sarif_render
    if name == "github":
        from credls.report.github import render as github_render

        return github_render
    raise ValueError(f"unknown format {name!r}")


FORMATS = ("text", "json", "sarif", "github")

__all__ = ["FORMATS", "SEVERITY_ORDER", "Finding", "Report", "display_path", "formatter"]
