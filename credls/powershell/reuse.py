"""Keeping per-call results of one document across its edits.

The language server re-analyses a script after every edit. A call's findings
depend on its own statement (unchanged while ``segments`` keeps its syntax
object), on the variables its binding and values looked up (``CmdletCall.
dependencies``), on the flow state before it (``FlowState.fingerprint``) and on
where things are written. This module answers the two questions that are
about the edits since a result was computed: did a variable it read change
(``deps_unchanged``), and did its positions stay put or only move by whole
lines (``line_shift``; ``shift_*`` then move the result).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from credls.diagnostic import Diagnostic, Fix, Related, TextEdit
from credls.text import Position, Range

if TYPE_CHECKING:
    from credls.powershell.parser import PowerShellDocument
    from credls.powershell.segments import SegmentCache

_T = TypeVar("_T")
# Sorts after every (version, line, line, line) edit record of one version.
_LAST = float("inf")


def keeping_cache(document: PowerShellDocument) -> SegmentCache | None:
    """The document's statement cache, when results may be kept for its next version.

    None for a document analysed once (``credls check``) or whose cache has not
    caught up with its latest edit.
    """
    from credls.powershell.segments import SegmentCache

    cache = document.listener
    if (
        not document.keep_results
        or not isinstance(cache, SegmentCache)
        or cache.version != document.version
    ):
        return None
    return cache


def deps_unchanged(cache: SegmentCache, since: int, deps: frozenset[str]) -> bool:
    """No variable in ``deps`` was written differently after version ``since``."""
    if since == cache.version:
        return True
    if since < cache.history_start:
        return False  # older than the kept history
    # Newest first: a result is usually checked again one or two versions later,
    # so only the last few entries of the (up to 64) kept ones matter.
    for version, changed in reversed(cache.history):
        if version <= since:
            break
        if changed is None or not deps.isdisjoint(changed):
            return False
    return True


def line_shift(cache: SegmentCache, since: int, lines: tuple[int, ...]) -> int | None:
    """How many lines a result computed at ``since`` on ``lines`` (sorted) moved.

    None when an edit after ``since`` touched one of those lines, moved some of
    them and not the others, or the edit history no longer reaches back that
    far. An edit after a line leaves it in place; one before it moves it by
    whole lines, characters unchanged.
    """
    if since < cache.edits_start:
        return None
    if not lines:
        return 0
    shift = 0
    lo, hi = lines[0], lines[-1]
    edits = cache.edits
    # Edits are in version order: start at the first one after ``since``.
    for _, first, old_last, new_last in edits[bisect_right(edits, (since, _LAST)) :]:
        a, b = lo + shift, hi + shift
        if b < first:
            continue  # everything before the edit
        if a > old_last:
            shift += new_last - old_last  # everything after it
            continue
        # Lines on both sides (or inside): fine only if none is inside and
        # the edit added or removed no line.
        if new_last != old_last:
            return None
        for line in lines:
            if first <= line + shift <= old_last:
                return None
    return shift


def lines_of(ranges: Iterable[Range | None]) -> tuple[int, ...]:
    """The distinct lines where some ranges start or end, sorted."""
    found: set[int] = set()
    for r in ranges:
        if r is not None:
            found.add(r.start.line)
            found.add(r.end.line)
    return tuple(sorted(found))


def diagnostic_ranges(d: Diagnostic) -> list[Range]:
    out = [d.range]
    out.extend(r.range for r in d.related)
    if d.fix is not None:
        out.extend(e.range for e in d.fix.edits)
    return out


def shift_range(r: Range, n: int) -> Range:
    return Range(
        Position(r.start.line + n, r.start.character), Position(r.end.line + n, r.end.character)
    )


def shift_diagnostic(d: Diagnostic, n: int) -> Diagnostic:
    """``d`` moved down ``n`` lines.

    A message naming a line (CRED203 "removed … on line N") comes from a flow
    state whose fingerprint holds that position: such a result is not reused
    once the line moves.
    """
    if n == 0:
        return d
    fix = d.fix
    if fix is not None:
        fix = Fix(
            fix.title,
            tuple(TextEdit(e.path, shift_range(e.range, n), e.new_text) for e in fix.edits),
        )
    related = tuple(Related(r.path, shift_range(r.range, n), r.message) for r in d.related)
    return Diagnostic(
        d.code, d.message, d.path, shift_range(d.range, n), d.severity, related, fix, d.tags, d.data
    )


def shift_ranged(value: _T, n: int) -> _T:
    """A frozen dataclass with a ``range`` field, moved down ``n`` lines."""
    if n == 0:
        return value
    return replace(value, range=shift_range(value.range, n))  # type: ignore[type-var,attr-defined]


__all__ = [
    "deps_unchanged",
    "diagnostic_ranges",
    "line_shift",
    "lines_of",
    "shift_diagnostic",
    "shift_range",
    "shift_ranged",
]
