"""Sample keys and a template renderer that knows where every planted value lands.

Keys are random, well-formed and made up for these tests (generated once with
``random.Random(7)``); none is a real credential. A template names values as
``{AK}``, ``{SK}``… (other braces stay as written); ``render`` substitutes them
and records each occurrence's 0-based line and code-point columns, so expected
ranges never depend on the code under test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from credls.diagnostic import Diagnostic, Severity
from credls.rules import registry

AK = "AKIAKEUCRLBQBNCCN2DH"
ASIA = "ASIAU6SM7B3JEDJ2FSUL"
SK = "SP/0syQbDkhdXipz3fCJ403rAw49jlooFLqaAxK8"
# Ends in "/": secretlint's trailing \b loses these (reference/secret-scanners.md §1).
SK_SLASH = "JednRBuLDtYSpKH4Us+hAWjFcQWK4uSMLD18EQd/"
ST = (
    "IQoJb3JpZ2luX2VjSGNRd5X3ZzzgOdenkvdajgxb3Njqwxh2/DEfgvq1kb8HjIbH+3SqxkXIXvoZ/2Z0Vo"
    "HwbbrqS9C7/9xoomnN51EPZfQ6YWElYvZ+zz8Ukij5Zj0+QwJia+PH"
)
EX_AK = "AKIAIOSFODNN7EXAMPLE"
EX_AK2 = "AKIAI44QH8DHBEXAMPLE"
EX_AK21 = "AKIA0123456787EXAMPLE"
EX_SK = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
PH_AK = "AKIAXXXXXXXXXXXXXXXX"
PH_AK_SEQ = "AKIA1234567890ABCDEF"
PH_SK = "x" * 40
PH_SK_WORDS = "YOUR_SECRET_ACCESS_KEY_GOES_HERE_XXXXXXX"
HEX40 = "3f786850e387550fdab836ed7e6dc881de23001b"
B64_40 = "k3Jd8+Qx0aZ/mT1vR7pL2wYhN5cE9uFgS4bVo6Ki"

VALUES = {
    "AK": AK,
    "ASIA": ASIA,
    "SK": SK,
    "SK_SLASH": SK_SLASH,
    "ST": ST,
    "EX_AK": EX_AK,
    "EX_AK2": EX_AK2,
    "EX_AK21": EX_AK21,
    "EX_SK": EX_SK,
    "PH_AK": PH_AK,
    "PH_AK_SEQ": PH_AK_SEQ,
    "PH_SK": PH_SK,
    "PH_SK_WORDS": PH_SK_WORDS,
    "HEX40": HEX40,
    "B64_40": B64_40,
}
SECRETS = (SK, SK_SLASH, ST, B64_40)

_TOKEN = re.compile(r"\{(" + "|".join(sorted(VALUES, key=len, reverse=True)) + r")\}")
_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Planted:
    name: str
    line: int
    start: int
    end: int


def render(template: str, newline: str = "\n") -> tuple[str, list[Planted]]:
    """Substitute ``{NAME}`` tokens; return the text and where each value went."""
    template = template.replace("\n", newline)
    out: list[str] = []
    planted: list[Planted] = []
    line, col, last = 0, 0, 0

    def advance(chunk: str) -> None:
        nonlocal line, col
        parts = _BREAK.split(chunk)
        if len(parts) > 1:
            line += len(parts) - 1
            col = len(parts[-1])
        else:
            col += len(chunk)

    for m in _TOKEN.finditer(template):
        literal = template[last : m.start()]
        out.append(literal)
        advance(literal)
        value = VALUES[m.group(1)]
        planted.append(Planted(m.group(1), line, col, col + len(value)))
        out.append(value)
        advance(value)
        last = m.end()
    out.append(template[last:])
    return "".join(out), planted


def severity(d: Diagnostic) -> Severity:
    """The severity a user sees: the rule's proposal, else the registry default."""
    if d.severity is not None:
        return d.severity
    rule = registry.get(d.code)
    assert rule is not None
    return rule.severity


def summary(diags: list[Diagnostic]) -> list[tuple[str, int, int, int, str]]:
    """``(code, line, start, end, severity)`` sorted by position; one-line ranges only."""
    rows = []
    for d in diags:
        assert d.range.start.line == d.range.end.line, d
        rows.append(
            (
                d.code,
                d.range.start.line,
                d.range.start.character,
                d.range.end.character,
                severity(d).value,
            )
        )
    return sorted(rows, key=lambda r: (r[1], r[2], r[0]))
