"""Reading store files safely, and re-reading them only when they change.

A missing file is an empty store. A directory, an unreadable file, binary
content or bytes that do not decode are an empty store plus one recorded
problem. Nothing here raises on what is on disk.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from credls.source import decode, looks_binary
from credls.store.model import StoreProblem
from credls.text import LineIndex

T = TypeVar("T")

# Refuse to read absurdly large "store" files (a mistaken path to a disk image).
MAX_STORE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Stamp:
    """What changes when a file is rewritten; compared instead of the content."""

    mtime_ns: int
    ctime_ns: int
    size: int
    inode: int


def stamp_of(path: str) -> Stamp | None:
    """The file's stamp, or None when nothing is there."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return Stamp(st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


@dataclass(frozen=True)
class FileRead:
    """Decoded text of a store file (None when absent or unusable) and any problem.

    ``bom`` tells that the decoder removed a byte-order mark.
    """

    text: str | None
    problem: StoreProblem | None = None
    bom: bool = False


def read_store_file(path: str) -> FileRead:
    """Read and decode ``path``; never raises."""
    if os.path.isdir(path):
        return FileRead(None, StoreProblem(path, "is a directory, not a file"))
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_STORE_BYTES + 1)
    except FileNotFoundError:
        return FileRead(None)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return FileRead(None, StoreProblem(path, f"cannot be read: {reason}"))
    if len(data) > MAX_STORE_BYTES:
        return FileRead(None, StoreProblem(path, "is too large to be a credentials store"))
    return decode_store_bytes(path, data)


def decode_store_bytes(path: str, data: bytes) -> FileRead:
    """Decode store bytes: binary or undecodable content is refused with a problem."""
    if looks_binary(data):
        return FileRead(None, StoreProblem(path, "is a binary file, not a text store"))
    source = decode(data)
    if source.undecodable:
        where = LineIndex(source.text).position(source.undecodable[0])
        return FileRead(
            None,
            StoreProblem(path, f"is not valid {source.encoding.upper()} text", where),
        )
    return FileRead(source.text, None, bool(source.bom))


class CachedFile(Generic[T]):
    """A value built from one file, rebuilt when the file's stamp changes.

    ``build(read)`` turns what was read into the value.
    ``text`` given at construction pins the content (an unsaved editor
    buffer): the disk is then never read.
    """

    def __init__(
        self,
        path: str,
        build: Callable[[FileRead], T],
        text: str | None = None,
    ) -> None:
        self.path = path
        self._build = build
        self._pinned = text is not None
        self._stamp: Stamp | None = None
        self._value: T | None = None
        self._loaded = False
        self.generation = 0
        if text is not None:
            self._value = build(FileRead(text))
            self._loaded = True

    def get(self) -> T:
        """The value, re-reading the file first when it changed on disk."""
        if self._pinned:
            assert self._value is not None
            return self._value
        stamp = stamp_of(self.path)
        if not self._loaded or stamp != self._stamp:
            read = read_store_file(self.path) if stamp is not None else FileRead(None)
            self._value = self._build(read)
            self._stamp = stamp
            self._loaded = True
            self.generation += 1
        assert self._value is not None
        return self._value
