"""Rules about credls itself: suppression comments (CRED0xx)."""

from __future__ import annotations

from credls.diagnostic import Severity, Tag
from credls.rules.registry import rule

UNUSED_SUPPRESSION = rule(
    "CRED001",
    "unused-suppression",
    Severity.HINT,
    "A `credls: ignore` comment suppresses nothing.",
    "A suppression comment (`# credls: ignore[...]`, `ignore-next-line[...]` or "
    "`ignore-file[...]`) that no longer matches any finding, names a rule that does not "
    "exist, or uses a form the file type does not honour (a trailing comment in an INI "
    "file would change the value for some consumers) is reported so that suppressions "
    "do not rot and hide future problems. Remove it, or fix the rule list.",
    bad="# credls: ignore-next-line[CRED109]\n[default]\nregion = us-east-1\n",
    good="[default]\nregion = us-east-1\n",
    tags=(Tag.UNNECESSARY,),
)
