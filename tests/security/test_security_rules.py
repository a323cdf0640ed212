"""CRED3xx are declared with the codes, names and severities of rules.md."""

from __future__ import annotations

import pytest

from credls.diagnostic import Severity
from credls.rules import registry
from credls.rules import security as _security  # noqa: F401  (declares the rules)


@pytest.mark.parametrize(
    ("code", "name", "severity"),
    [
        ("CRED301", "literal-access-key", Severity.WARNING),
        ("CRED302", "literal-secret-key", Severity.WARNING),
        ("CRED303", "literal-session-token", Severity.WARNING),
        ("CRED304", "insecure-permissions", Severity.WARNING),
        ("CRED305", "long-term-keys", Severity.INFORMATION),
        ("CRED306", "example-key", Severity.HINT),
    ],
)
def test_declared(code: str, name: str, severity: Severity) -> None:
    rule = registry.get(code)
    assert rule is not None
    assert (rule.code, rule.name, rule.severity) == (code, name, severity)
    assert registry.get(name) is rule
    assert rule.doc and "\n\n" not in rule.doc  # one paragraph
    assert rule.bad and rule.good and rule.summary
