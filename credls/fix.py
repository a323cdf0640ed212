"""Applying the safe fixes of ``Diagnostic.fix`` to a file (``credls check --fix``).

Two layers. ``choose_fixes`` and ``apply_fixes`` are pure: they pick whole
fixes whose edits do not overlap one already chosen (the rest wait for the next
pass) and splice them into the text. ``fix_file`` runs passes of analyse, apply,
re-analyse until no fix is left, then writes the file back once, atomically, in
its own encoding, BOM and line endings, or refuses with one line saying why.

A fix making exactly the change of a fix already chosen counts as fixed with
it. Overlap (half-open offsets): two edits conflict when their interiors intersect,
when they start at the same offset (two insertions at one point, or an
insertion where a replacement starts: their order would be a guess), or when an
insertion falls strictly inside a replacement. Edits that only touch
(``[2,5)`` and ``[5,8)``, or ``[2,5)`` and an insertion at 5) are independent.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from credls.diagnostic import Diagnostic, TextEdit
from credls.source import SourceText, decode
from credls.text import LineIndex, Position

# Enough for fixes deferred by overlap to land; a cap, not a goal.
MAX_PASSES = 10

# Fixes ``check --fix`` leaves to the user. CRED001 (unused suppression) depends
# on the stores of the machine it runs on: a suppression that is unused where
# the profile exists is needed in CI where it does not, so removing it
# unattended would break the other run. Editors still offer it as a quick fix.
CLI_SKIPPED_CODES = frozenset({"CRED001"})

_LINE_BREAK = re.compile(r"\r\n|\r|\n")

# A span is (start offset, end offset, new text) in the text being fixed.
_Span = tuple[int, int, str]


def dominant_newline(text: str) -> str:
    """The most common line ending of ``text`` (``\\n`` when it has none; ties go CRLF, LF, CR)."""
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    if crlf == lf == cr == 0:
        return "\n"
    best = max(crlf, lf, cr)
    return "\r\n" if crlf == best else "\n" if lf == best else "\r"


def _same_path(a: str, b: str) -> bool:
    return a == b or os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def _offset(index: LineIndex, pos: Position) -> int | None:
    """Offset of ``pos``, or ``None`` when it lies outside the text (no clamping guess)."""
    if pos.line < 0 or pos.character < 0 or pos.line >= index.line_count:
        return None
    start = index.line_start(pos.line)
    if start + pos.character > index.line_end(pos.line):
        return None
    return start + pos.character


def _spans(
    index: LineIndex, edits: Sequence[TextEdit], path: str, newline: str
) -> list[_Span] | None:
    """The fix's edits as sorted spans; ``None`` if it cannot be applied here.

    Refused: an edit of another file, a position outside the text, edits of
    the fix conflicting with each other, or a fix that changes nothing.
    """
    out: list[_Span] = []
    changes = False
    for e in edits:
        if not _same_path(e.path, path):
            return None
        start, end = _offset(index, e.range.start), _offset(index, e.range.end)
        if start is None or end is None or end < start:
            return None
        new = e.new_text
        if "\n" in new or "\r" in new:
            new = _LINE_BREAK.sub(newline, new)  # the file's own line endings
        changes = changes or index.text[start:end] != new
        out.append((start, end, new))
    if not changes:
        return None
    out.sort(key=lambda s: (s[0], s[1]))
    for (s1, e1, _), (s2, _, _) in itertools.pairwise(out):
        if s1 == s2 or s2 < e1:
            return None
    return out


class _Chosen:
    """Chosen spans, sorted by start: starts distinct, interiors disjoint, so ends ascend."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.spans: list[_Span] = []

    def conflicts(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, start)
        if i < len(self.starts) and (self.starts[i] == start or self.starts[i] < end):
            return True  # same start, or the next span begins inside this one
        return i > 0 and start < self.spans[i - 1][1]  # inside the previous one

    def add(self, span: _Span) -> None:
        i = bisect.bisect_left(self.starts, span[0])
        self.starts.insert(i, span[0])
        self.spans.insert(i, span)


def _choose(
    text: str,
    diagnostics: Iterable[Diagnostic],
    path: str,
    skip_codes: frozenset[str],
) -> tuple[list[Diagnostic], _Chosen]:
    index = LineIndex(text)
    newline = dominant_newline(text)
    chosen = _Chosen()
    fixed: list[Diagnostic] = []
    same: set[tuple[_Span, ...]] = set()
    for d in diagnostics:
        if d.fix is None or not d.fix.edits or not d.fix.unattended or d.code in skip_codes:
            continue
        spans = _spans(index, d.fix.edits, path, newline)
        if spans is None:
            continue
        key = tuple(spans)
        if key in same:
            # The very change of a chosen fix (e.g. two calls naming one
            # variable's literal): fixed by it.
            fixed.append(d)
            continue
        if any(chosen.conflicts(s, e) for s, e, _ in spans):
            continue
        for span in spans:
            chosen.add(span)
        same.add(key)
        fixed.append(d)
    return fixed, chosen


def choose_fixes(
    text: str,
    diagnostics: Iterable[Diagnostic],
    path: str,
    *,
    skip_codes: frozenset[str] = frozenset(),
) -> list[Diagnostic]:
    """The diagnostics, in order, whose whole fix applies to ``path`` without overlapping
    an earlier chosen one (what a "fix all" applies in one go)."""
    return _choose(text, diagnostics, path, skip_codes)[0]


def apply_fixes(
    text: str,
    diagnostics: Iterable[Diagnostic],
    path: str,
    *,
    skip_codes: frozenset[str] = frozenset(),
) -> tuple[str, list[Diagnostic]]:
    """``text`` with the fixes of ``choose_fixes`` applied, and the diagnostics fixed.

    New text containing line breaks is written with the text's dominant newline.
    """
    fixed, chosen = _choose(text, diagnostics, path, skip_codes)
    if not fixed:
        return text, []
    parts: list[str] = []
    at = 0
    for start, end, new in chosen.spans:  # one join: linear in the text
        parts.append(text[at:start])
        parts.append(new)
        at = end
    parts.append(text[at:])
    return "".join(parts), fixed


# --- files ----------------------------------------------------------------------------


class FixRefused(Exception):
    """The file is left as it is; the message says why (no secrets: paths and reasons only)."""


@dataclass
class FileFix:
    """What ``fix_file`` did: the findings of the file as it now is on disk."""

    diagnostics: list[Diagnostic]
    fixed: list[Diagnostic] = field(default_factory=list)
    written: bool = False
    refused: str | None = None


def fix_file(
    path: str,
    data: bytes,
    before: os.stat_result,
    diagnostics: list[Diagnostic],
    analyze: Callable[[bytes], list[Diagnostic] | None],
    *,
    skip_codes: frozenset[str] = CLI_SKIPPED_CODES,
    max_passes: int = MAX_PASSES,
) -> FileFix:
    """Fix ``path`` in place; ``data`` and ``before`` are its bytes and ``os.stat`` as read.

    ``diagnostics`` are those of ``data``; ``analyze`` re-analyses new content
    (``None``: the analysis cannot be trusted, e.g. a rule failed). The file is
    written only when its bytes change, and never when it cannot be written back
    as it was read, when it is not a regular file with one link, when it
    changed on disk meanwhile, or when its fixes cycle or do not settle.
    """
    if not _has_fix(diagnostics, skip_codes):  # the common case, before any decoding
        return FileFix(diagnostics)
    source = decode(data)
    text, remaining = source.text, diagnostics
    fixed: list[Diagnostic] = []
    seen = {text}
    try:
        for done in range(max_passes + 1):
            new_text, applied = apply_fixes(text, remaining, path, skip_codes=skip_codes)
            if not applied:
                break
            if done == 0:
                _check_writable(source, data, before)
            elif done == max_passes:
                raise FixRefused(f"its fixes did not settle after {max_passes} passes")
            if new_text in seen:
                # E.g. two calls of one variable wanting different names.
                codes = ", ".join(sorted({d.code for d in applied}))
                raise FixRefused(f"its fixes undo each other ({codes}); fix it by hand")
            seen.add(new_text)
            found = analyze(_encode(source, new_text))
            if found is None:
                raise FixRefused("its analysis failed; not writing unchecked changes")
            text, remaining = new_text, found
            fixed += applied
        if not fixed:
            return FileFix(diagnostics)
        write_atomically(path, _encode(source, text), data, before)
    except FixRefused as exc:
        return FileFix(diagnostics, refused=str(exc))
    return FileFix(remaining, fixed, written=True)


def _has_fix(diagnostics: Iterable[Diagnostic], skip_codes: frozenset[str]) -> bool:
    return any(
        d.fix is not None and d.fix.unattended and d.code not in skip_codes for d in diagnostics
    )


def _check_writable(source: SourceText, data: bytes, before: os.stat_result) -> None:
    """Refuse unless writing the file back can keep every byte outside the edits."""
    if not stat.S_ISREG(before.st_mode):
        raise FixRefused("not a regular file")
    if before.st_nlink > 1:
        raise FixRefused(f"it has {before.st_nlink} hard links; replacing it would split them")
    if source.undecodable:
        line = LineIndex(source.text).position(source.undecodable[0]).line + 1
        raise FixRefused(f"bytes that are not valid {source.encoding.upper()} on line {line}")
    if _encode(source, source.text) != data:
        raise FixRefused(f"its {source.encoding.upper()} does not read back byte for byte")


def _encode(source: SourceText, text: str) -> bytes:
    try:
        return SourceText(text, source.encoding, source.bom).encode()
    except UnicodeEncodeError:
        raise FixRefused(f"the fixed text cannot be written as {source.encoding}") from None


def _identity(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def write_atomically(path: str, data: bytes, expected: bytes, before: os.stat_result) -> None:
    """Replace the file at ``path`` (a symbolic link's target) with ``data``.

    A temporary file in the same folder gets the file's permission bits (and
    owner, where that can be set), is synced, and replaces the file with
    ``os.replace`` — unless the file no longer holds ``expected`` or its
    identity and mtime differ from ``before``: then ``FixRefused``.
    """
    target = os.path.realpath(path)
    folder, name = os.path.split(target)
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".credls-fix", dir=folder)
    except OSError as exc:
        raise FixRefused(f"cannot create a temporary file beside it: {exc.strerror}") from None
    try:
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(temp, stat.S_IMODE(before.st_mode))
            _keep_owner(temp, before)
        except OSError as exc:
            raise FixRefused(f"cannot write a temporary file beside it: {exc.strerror}") from None
        try:
            now = os.stat(target)
            with open(target, "rb") as fh:
                current = fh.read(len(expected) + 1)
        except OSError:
            current, now = b"", None
        if now is None or _identity(now) != _identity(before) or current != expected:
            raise FixRefused("it changed on disk while it was being fixed")
        try:
            os.replace(temp, target)
        except OSError as exc:
            raise FixRefused(f"cannot replace it: {exc.strerror}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _sync_folder(folder)


def _keep_owner(temp: str, before: os.stat_result) -> None:
    chown = getattr(os, "chown", None)
    if chown is None:  # Windows: the new file inherits the folder's ACL
        return
    mine = os.stat(temp)
    if (mine.st_uid, mine.st_gid) != (before.st_uid, before.st_gid):
        try:
            chown(temp, before.st_uid, before.st_gid)
        except OSError:
            raise FixRefused("cannot keep its owner and group") from None


def _sync_folder(folder: str) -> None:
    """Make the rename durable (POSIX); best effort."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


__all__ = [
    "CLI_SKIPPED_CODES",
    "MAX_PASSES",
    "FileFix",
    "FixRefused",
    "apply_fixes",
    "choose_fixes",
    "dominant_newline",
    "fix_file",
    "write_atomically",
]
