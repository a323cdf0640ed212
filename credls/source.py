"""Decoding files into text and back, without losing a byte.

Windows PowerShell writes UTF-16 LE with a BOM by default; users also have
UTF-8 with a BOM, CRLF line endings, and the odd stray Latin-1 byte. Every
analysis works on ``SourceText.text``; ``--fix`` writes back with ``encode``,
keeping encoding, BOM and line endings.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True)
class SourceText:
    """Decoded text plus what is needed to write it back byte-for-byte.

    ``undecodable`` holds string offsets of bytes that are not valid in the
    detected encoding; they are kept as lone surrogates (``surrogateescape``)
    so that ``encode()`` restores them.
    """

    text: str
    encoding: str = "utf-8"
    bom: bytes = b""
    undecodable: tuple[int, ...] = field(default=())

    @property
    def newline(self) -> str:
        """The first line ending used, ``\\n`` when there is none."""
        i = self.text.find("\n")
        j = self.text.find("\r")
        if j != -1 and (i == -1 or j < i):
            return "\r\n" if self.text.startswith("\r\n", j) else "\r"
        return "\n"

    def encode(self, text: str | None = None) -> bytes:
        body = self.text if text is None else text
        errors = "surrogateescape" if self.encoding == "utf-8" else "strict"
        return self.bom + body.encode(self.encoding, errors)


def looks_binary(data: bytes) -> bool:
    """True for content that is not text: a NUL byte early on, unless a UTF-16/32 BOM."""
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return False
    return b"\x00" in data[:8192]


def decode(data: bytes) -> SourceText:
    """Decode bytes by BOM (UTF-8/16/32), else as UTF-8; never raises."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                return SourceText(body.decode(encoding), encoding, bom)
            except UnicodeDecodeError:
                text = body.decode(encoding, "replace")
                bad = tuple(i for i, ch in enumerate(text) if ch == "\ufffd")
                # Cannot round-trip a broken UTF-16 file: fall back to a
                # lossy view but remember where the damage is.
                return SourceText(text, encoding, bom, bad)
    try:
        return SourceText(data.decode("utf-8"))
    except UnicodeDecodeError:
        text = data.decode("utf-8", "surrogateescape")
        bad = tuple(i for i, ch in enumerate(text) if "\udc80" <= ch <= "\udcff")
        return SourceText(text, "utf-8", b"", bad)
