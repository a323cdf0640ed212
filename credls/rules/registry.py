"""The rule registry: every rule's stable code, name, severity and documentation.

Rule modules declare their rules with ``rule(...)`` at import time; the
registry is complete once ``load_all()`` has imported them. ``credls rules``,
SARIF's ``tool.driver.rules`` and the hover on a diagnostic code all read it.

``RuleSelection`` applies ``select`` / ``ignore`` / ``[severity]`` settings
(codes, code prefixes or rule names, as ``rules.md`` defines them).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from credls.diagnostic import Severity, Tag

DOCS_URL = "https://github.com/credls/credls/blob/main/docs/rules.md"

_MODULES = (
    "credls.rules.meta",
    "credls.rules.ini",
    "credls.rules.profiles",
    "credls.rules.security",
    "credls.rules.cmdlets",
)


@dataclass(frozen=True)
class Rule:
    """A rule's metadata. ``doc`` is one paragraph; ``bad``/``good`` are examples."""

    code: str
    name: str
    severity: Severity
    summary: str
    doc: str
    bad: str
    good: str
    tags: tuple[Tag, ...] = ()
    example_language: str = "ini"

    @property
    def url(self) -> str:
        return f"{DOCS_URL}#{self.code.lower()}-{self.name}"


_RULES: dict[str, Rule] = {}
_BY_NAME: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    doc: str,
    bad: str,
    good: str,
    tags: tuple[Tag, ...] = (),
    example_language: str = "ini",
) -> Rule:
    """Declare a rule. Codes and names are unique; redeclaring one is a bug."""
    r = Rule(code, name, severity, summary, doc.strip(), bad, good, tags, example_language)
    if code in _RULES or name in _BY_NAME:
        raise ValueError(f"rule {code} {name} declared twice")
    _RULES[code] = r
    _BY_NAME[name] = r
    return r


def load_all() -> None:
    """Import every rule module so that the registry is complete."""
    for module in _MODULES:
        importlib.import_module(module)


def all_rules() -> list[Rule]:
    load_all()
    return sorted(_RULES.values(), key=lambda r: r.code)


def get(code_or_name: str) -> Rule | None:
    load_all()
    key = code_or_name.strip()
    return _RULES.get(key.upper()) or _BY_NAME.get(key.lower())


class SelectionError(ValueError):
    """A select/ignore/severity entry names no rule."""


def _expand(token: str) -> set[str]:
    """Codes matched by a code, a code prefix (``CRED3``) or a rule name."""
    load_all()
    t = token.strip()
    if not t:
        return set()
    by_name = _BY_NAME.get(t.lower())
    if by_name is not None:
        return {by_name.code}
    up = t.upper()
    if up == "ALL":
        return set(_RULES)
    codes = {c for c in _RULES if c.startswith(up)}
    if not codes:
        raise SelectionError(f"{token!r} matches no rule code or name")
    return codes


class RuleSelection:
    """Which rules run and at what severity.

    ``select`` empty means every rule. ``ignore`` wins over ``select``.
    """

    def __init__(
        self,
        select: Iterable[str] = (),
        ignore: Iterable[str] = (),
        severity: Mapping[str, str] | None = None,
    ) -> None:
        load_all()
        selected: set[str] = set()
        for token in select:
            selected |= _expand(token)
        if not list(select):
            selected = set(_RULES)
        for token in ignore:
            selected -= _expand(token)
        self.enabled: frozenset[str] = frozenset(selected)
        overrides: dict[str, Severity] = {}
        for token, level in (severity or {}).items():
            try:
                sev = Severity.parse(level)
            except ValueError as exc:
                raise SelectionError(
                    f"severity of {token!r} must be error, warning, information or hint, "
                    f"not {level!r}"
                ) from exc
            for code in _expand(token):
                overrides[code] = sev
        self.overrides: Mapping[str, Severity] = overrides

    def is_enabled(self, code: str) -> bool:
        return code in self.enabled

    def severity_of(self, code: str, proposed: Severity | None = None) -> Severity:
        """Severity for a finding: settings override, else what the rule proposed, else default."""
        if code in self.overrides:
            return self.overrides[code]
        if proposed is not None:
            return proposed
        r = _RULES.get(code)
        return r.severity if r else Severity.WARNING
