"""``credls: ignore`` comments: which findings they hide, and CRED001 for the unused ones.

Forms (rules.md, "Suppression"):

- PowerShell and other text files: a trailing ``# credls: ignore[CODES]`` hides findings
  that start on its line; a full-line ``# credls: ignore-next-line[CODES]`` hides the next
  line's; ``# credls: ignore-file[CODES]`` anywhere hides the whole file's.
- INI files: only the full-line ``ignore-next-line`` and ``ignore-file`` forms, because a
  trailing comment would itself change the value for some consumers.

CODES are codes or names, comma-separated; no brackets means every rule. Stacked
``ignore-next-line`` comments all apply to the first line below them that is not
itself such a comment.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from credls.diagnostic import Diagnostic, Fix, Tag, TextEdit
from credls.document import DocumentKind
from credls.text import LineIndex, Position, Range

CODE = "CRED001"

_DIRECTIVE = re.compile(
    r"(?P<marker><!--|//|/\*|--|#|;|\*|'|%)[ \t]*"
    r"(?P<body>credls:[ \t]*(?P<form>ignore-file|ignore-next-line|ignore)(?![\w-])"
    r"(?:\[(?P<codes>[^\]\r\n]*)\])?)"
)

# Comment markers honoured per document kind; TEXT covers the common languages.
_MARKERS: dict[DocumentKind, frozenset[str]] = {
    DocumentKind.POWERSHELL: frozenset({"#"}),
    DocumentKind.CREDENTIALS: frozenset({"#", ";"}),
    DocumentKind.CONFIG: frozenset({"#", ";"}),
    DocumentKind.TEXT: frozenset({"<!--", "//", "/*", "--", "#", ";", "*", "'", "%"}),
}
_INI = (DocumentKind.CREDENTIALS, DocumentKind.CONFIG)


@dataclass
class Directive:
    """One suppression comment. Lines and characters are 0-based."""

    form: str  # "ignore" | "ignore-next-line" | "ignore-file"
    line: int
    marker_start: int  # character where the comment marker starts
    start: int  # the directive text ``credls: …]``
    end: int
    full_line: bool
    tokens: tuple[str, ...] | None  # as written; None = every rule
    codes: tuple[str | None, ...]  # resolved per token; None = names no rule
    target: int | None = None  # line it applies to; None = whole file
    problem: str | None = None  # why the form is not honoured here
    used: set[str] = field(default_factory=set)

    def covers(self, code: str) -> bool:
        return self.tokens is None or code in self.codes

    @property
    def range(self) -> Range:
        return Range(Position(self.line, self.start), Position(self.line, self.end))


def _resolve(token: str) -> str | None:
    from credls.rules import registry

    found = registry.get(token)
    return found.code if found else None


def parse_directives(text: str, kind: DocumentKind) -> list[Directive]:
    """Every suppression directive in ``text`` (cheap when there is none)."""
    markers = _MARKERS.get(kind)
    if markers is None or "credls:" not in text:
        return []
    index = LineIndex(text)
    found: list[Directive] = []
    for m in _DIRECTIVE.finditer(text):
        marker = m.group("marker")
        if marker not in markers:
            continue
        pos = index.position(m.start())
        line_start = m.start() - pos.character
        prefix = text[line_start : m.start()]
        full_line = not prefix.strip()
        raw = m.group("codes")
        tokens = None if raw is None else tuple(t.strip() for t in raw.split(",") if t.strip())
        codes = tuple(_resolve(t) for t in tokens) if tokens is not None else ()
        body = m.start("body") - line_start
        d = Directive(
            form=m.group("form"),
            line=pos.line,
            marker_start=pos.character,
            start=body,
            end=body + len(m.group("body")),
            full_line=full_line,
            tokens=tokens,
            codes=codes,
        )
        if kind in _INI and not full_line:
            d.problem = (
                "trailing suppression comments are not honoured in INI files (the comment "
                "would become part of the value for some consumers); put "
                "`# credls: ignore-next-line[...]` on its own line above"
            )
        elif kind in _INI and d.form == "ignore":
            d.problem = (
                "`ignore` applies to its own line; in INI files use `ignore-next-line` on "
                "the line above, or `ignore-file`"
            )
        elif d.form == "ignore-next-line" and not full_line:
            d.problem = "`ignore-next-line` must be on a line of its own"
        found.append(d)
    _assign_targets(found, index.line_count)
    return found


def _assign_targets(directives: list[Directive], line_count: int) -> None:
    stacked = {d.line for d in directives if d.full_line and d.form == "ignore-next-line"}
    for d in directives:
        if d.problem is not None or d.form == "ignore-file":
            continue
        if d.form == "ignore":
            d.target = d.line
            continue
        target = d.line + 1
        while target in stacked:
            target += 1
        d.target = target if target < line_count else None
        if d.target is None:
            d.problem = "`ignore-next-line` has no line below it"


def apply_suppressions(
    diagnostics: Iterable[Diagnostic],
    text: str,
    kind: DocumentKind,
    path: str,
    enabled: Callable[[str], bool] = lambda code: True,
) -> list[Diagnostic]:
    """Drop suppressed findings; add a CRED001 finding for each unused directive.

    ``enabled`` tells whether a rule ran at all: a directive naming only rules that
    were not selected cannot be judged and is not reported.
    """
    diagnostics = list(diagnostics)
    directives = parse_directives(text, kind)
    if not directives:
        return diagnostics
    by_line: dict[int, list[Directive]] = {}
    whole_file: list[Directive] = []
    for d in directives:
        if d.problem is not None:
            continue
        if d.target is None:
            whole_file.append(d)
        else:
            by_line.setdefault(d.target, []).append(d)

    kept: list[Diagnostic] = []
    for diag in diagnostics:
        if not _suppressed(diag, by_line, whole_file):
            kept.append(diag)

    if enabled(CODE):
        # Only a directive that names CRED001 hides CRED001: a bare `ignore` must
        # not hide the report that it is itself unused.
        explicit = {
            line: [d for d in ds if d.tokens is not None and CODE in d.codes]
            for line, ds in by_line.items()
        }
        explicit_file = [d for d in whole_file if d.tokens is not None and CODE in d.codes]
        index = LineIndex(text)
        for d in directives:
            unused = _unused_diagnostic(d, path, index, enabled)
            if unused is not None and not _suppressed(unused, explicit, explicit_file):
                kept.append(unused)
    return kept


def _suppressed(
    diag: Diagnostic, by_line: dict[int, list[Directive]], whole_file: Sequence[Directive]
) -> bool:
    hit = False
    for d in (*by_line.get(diag.range.start.line, ()), *whole_file):
        if d.covers(diag.code):
            d.used.add(diag.code)
            hit = True
    return hit


def _unused_diagnostic(
    d: Directive, path: str, index: LineIndex, enabled: Callable[[str], bool]
) -> Diagnostic | None:
    where = {
        "ignore": "on this line",
        "ignore-next-line": "on the next line",
        "ignore-file": "in this file",
    }[d.form]
    if d.problem is None and d.tokens is not None and CODE in d.codes:
        return None  # it exists to silence CRED001 itself
    problems: list[str] = []
    keep_tokens: list[str] = []
    if d.problem is not None:
        problems.append(d.problem)
    elif d.tokens is None:
        if not d.used:
            problems.append(f"unused suppression: no finding {where}")
    else:
        unknown = [t for t, c in zip(d.tokens, d.codes, strict=True) if c is None]
        unused = [
            t
            for t, c in zip(d.tokens, d.codes, strict=True)
            if c is not None and c not in d.used and enabled(c)
        ]
        keep_tokens = [
            t for t, c in zip(d.tokens, d.codes, strict=True) if c is not None and t not in unused
        ]
        if not d.tokens:
            problems.append("empty rule list: this suppression hides nothing")
        for t in unknown:
            problems.append(f"unknown rule {t!r} in suppression")
        if unused:
            codes = ", ".join(unused)
            problems.append(f"unused suppression: no {codes} finding {where}")
    if not problems:
        return None
    if d.problem is None and keep_tokens:
        body = f"credls: {d.form}[{', '.join(keep_tokens)}]"
        edit = TextEdit(path, d.range, body)
        fix = Fix("Remove unused rules from the suppression", (edit,))
    else:
        fix = Fix("Remove the suppression comment", (_removal(d, path, index),))
    return Diagnostic(
        code=CODE,
        message="; ".join(problems),
        path=path,
        range=d.range,
        fix=fix,
        tags=(Tag.UNNECESSARY,),
    )


def _removal(d: Directive, path: str, index: LineIndex) -> TextEdit:
    if d.full_line:
        if d.line + 1 < index.line_count:
            rng = Range(Position(d.line, 0), Position(d.line + 1, 0))
        else:
            rng = Range(Position(d.line, 0), Position(d.line, len(index.line_text(d.line))))
        return TextEdit(path, rng, "")
    line_text = index.line_text(d.line)
    code_end = len(line_text[: d.marker_start].rstrip())
    rng = Range(Position(d.line, code_end), Position(d.line, len(line_text)))
    return TextEdit(path, rng, "")


__all__ = ["CODE", "Directive", "apply_suppressions", "parse_directives"]
