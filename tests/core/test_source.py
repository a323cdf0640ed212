"""Decoding files: BOMs, UTF-16, invalid UTF-8, and writing back byte-for-byte."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credls.source import decode, looks_binary

TEXT = "Set-AWSCredential -ProfileName 'prod' # é\r\nGet-S3Bucket\r\n"


@pytest.mark.parametrize(
    ("data", "encoding", "bom"),
    [
        (TEXT.encode("utf-8"), "utf-8", b""),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8", codecs.BOM_UTF8),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le", codecs.BOM_UTF16_LE),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be", codecs.BOM_UTF16_BE),
    ],
    ids=["utf8", "utf8-bom", "utf16le", "utf16be"],
)
def test_decode_by_bom_and_round_trip(data: bytes, encoding: str, bom: bytes) -> None:
    src = decode(data)
    assert src.text == TEXT
    assert (src.encoding, src.bom) == (encoding, bom)
    assert src.newline == "\r\n"
    assert src.encode() == data
    assert not looks_binary(data)


def test_invalid_utf8_is_kept_and_located() -> None:
    data = b"[default]\nregion = caf\xe9\n"
    src = decode(data)
    assert src.undecodable == (data.index(b"\xe9"),)
    assert src.encode() == data


def test_binary_detection() -> None:
    assert looks_binary(b"\x7fELF\x00\x00\x01")
    assert not looks_binary(b"plain text")


def test_lone_cr_newline() -> None:
    assert decode(b"a\rb").newline == "\r"
    assert decode(b"ab").newline == "\n"


@given(st.binary(max_size=200))
def test_decode_never_raises_and_utf8_round_trips(data: bytes) -> None:
    src = decode(data)
    if src.encoding == "utf-8" and not src.bom:
        assert src.encode() == data
