"""Shared helpers for the PowerShell tests."""

from __future__ import annotations

from credls.powershell.calls import CmdletCall, find_calls
from credls.powershell.parser import PowerShellDocument


def calls(src: str) -> list[CmdletCall]:
    return find_calls(PowerShellDocument(src))


def one(src: str) -> CmdletCall:
    found = calls(src)
    assert len(found) == 1, [c.written_name for c in found]
    return found[0]


def summary(call: CmdletCall) -> tuple[object, ...]:
    """A comparable digest of a call (names, sources, values, ranges)."""
    return (
        call.name,
        call.range,
        call.in_error,
        tuple(
            (b.name, b.source.value, b.written, b.value_range, getattr(b.value, "text", None))
            for b in call.parameters
        ),
        tuple((a.written, a.candidates) for a in call.ambiguous),
        tuple(u.written for u in call.unknown),
    )
