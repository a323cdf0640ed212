"""The findings model shared by every rule and both front ends.

Rules create ``Diagnostic`` values with a code and a range; the engine fills in
the severity (registry default, then settings) and drops unselected or
suppressed ones. Front ends only convert these values: the language server to
LSP types, ``report/`` to text, JSON, SARIF or GitHub annotations.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum

from credls.text import Range


class Severity(str, Enum):
    """Severity names follow LSP."""

    ERROR = "error"
    WARNING = "warning"
    INFORMATION = "information"
    HINT = "hint"

    @property
    def rank(self) -> int:
        """Higher is more severe (``error`` is 3)."""
        return _RANK[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Parse a severity name; also accepts ``info`` and ``warn``."""
        key = text.strip().lower()
        key = {"info": "information", "warn": "warning"}.get(key, key)
        return cls(key)


_RANK = {Severity.HINT: 0, Severity.INFORMATION: 1, Severity.WARNING: 2, Severity.ERROR: 3}


class Tag(str, Enum):
    """LSP diagnostic tags."""

    UNNECESSARY = "unnecessary"
    DEPRECATED = "deprecated"


@dataclass(frozen=True)
class Related:
    """A related location (``relatedInformation`` in LSP, ``related`` in JSON)."""

    path: str
    range: Range
    message: str


@dataclass(frozen=True)
class TextEdit:
    """Replace ``range`` of the document at ``path`` with ``new_text``."""

    path: str
    range: Range
    new_text: str


@dataclass(frozen=True)
class Fix:
    """A mechanical fix, offered as a quick fix.

    ``unattended``: ``check --fix`` may apply it without a person looking. False
    for a fix that changes what a script does (it does what the author meant,
    but someone should see it happen), e.g. ``Clear-AWSCredential`` rewritten to
    ``Remove-AWSCredentialProfile``, which deletes a stored profile.
    """

    title: str
    edits: tuple[TextEdit, ...]
    unattended: bool = True


@dataclass(frozen=True)
class Diagnostic:
    """One finding. ``range`` positions are 0-based, characters in code points.

    ``severity`` is ``None`` when the rule leaves it to the registry default;
    ``Engine`` always resolves it before a front end sees the diagnostic.
    """

    code: str
    message: str
    path: str
    range: Range
    severity: Severity | None = None
    related: tuple[Related, ...] = ()
    fix: Fix | None = None
    tags: tuple[Tag, ...] = ()
    data: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def with_severity(self, severity: Severity) -> Diagnostic:
        return replace(self, severity=severity)

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.range.start.line, self.range.start.character, self.code)
