"""Secrets as opaque values, and masking of access key IDs.

Nothing that reaches a user (diagnostic, hover, log line, report, exception
message) may contain a secret key or a session token. Models hold them as
``Secret`` values whose ``str()`` and ``repr()`` never show the text.
"""

from __future__ import annotations

ELLIPSIS = "\u2026"


def mask_key_id(key_id: str) -> str:
    """``AKIAIOSFODNN7EXAMPLE`` -> ``AKIA…MPLE``; short values are masked whole."""
    key_id = key_id.strip()
    if len(key_id) < 12:
        return "*" * min(len(key_id), 8) if key_id else ""
    return f"{key_id[:4]}{ELLIPSIS}{key_id[-4:]}"


class Secret:
    """A secret value (secret key, session token, encrypted blob).

    ``reveal()`` is the only way to the text, and only the code that must
    compare or write the value calls it.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __len__(self) -> int:
        return len(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __str__(self) -> str:
        return "********" if self._value else ""

    def __repr__(self) -> str:
        return "Secret(********)"
