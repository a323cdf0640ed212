"""The headless fast path: raw bytes in, diagnostics out (encodings, BOMs, binaries)."""

from __future__ import annotations

import codecs

import pytest
from security_samples import AK, SK, ST, render, summary

from credls.document import DocumentKind, kind_of_path
from credls.rules import security
from credls.rules.security import scan_file_bytes
from credls.scan import may_hold_credentials

TEMPLATE = "# ré-sumé 🔑\nSet-AWSCredential `\n  -AccessKey {AK} `\n  -SecretKey '{SK}'\n"


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-32-le", codecs.BOM_UTF32_LE),
        ("utf-32-be", codecs.BOM_UTF32_BE),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf32le-bom", "utf32be-bom"],
)
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_encodings(encoding: str, bom: bytes, newline: str) -> None:
    text, planted = render(TEMPLATE, newline)
    data = bom + text.encode(encoding)
    got = summary(scan_file_bytes("scripts/run.ps1", data))
    assert got == [
        ("CRED301", planted[0].line, planted[0].start, planted[0].end, "warning"),
        ("CRED302", planted[1].line, planted[1].start, planted[1].end, "warning"),
    ]


def test_path_is_what_reports_show() -> None:
    diags = scan_file_bytes("deploy/x.ps1", f"-AccessKey {AK}".encode())
    assert [d.path for d in diags] == ["deploy/x.ps1"]


def test_binary_files_are_skipped() -> None:
    data = b"\x00\x01PNG" + f"-AccessKey {AK}".encode() + b"\x00"
    assert scan_file_bytes("img.png", data) == []


def test_undecodable_bytes_do_not_stop_the_scan() -> None:
    data = b"caf\xe9\naws_secret_access_key = " + SK.encode() + b"\n"
    (d,) = scan_file_bytes("notes.txt", data)
    assert (d.code, d.range.start.line, d.range.start.character) == ("CRED302", 1, 24)


@pytest.mark.parametrize(
    ("kind", "user_store", "expected"),
    [
        (DocumentKind.CREDENTIALS, True, 0),
        (DocumentKind.CREDENTIALS, False, 3),
        (DocumentKind.CONFIG, True, 0),
        (DocumentKind.TEXT, True, 3),
        (DocumentKind.POWERSHELL, True, 3),
    ],
)
def test_user_stores_are_not_scanned(kind: DocumentKind, user_store: bool, expected: int) -> None:
    data = f"[a]\naws_access_key_id={AK}\naws_secret_access_key={SK}\naws_session_token={ST}\n"
    diags = scan_file_bytes("creds", data.encode(), kind, is_user_store=user_store)
    assert len(diags) == expected


def test_kind_comes_from_the_path() -> None:
    # PowerShell code: any literal value of -AccessKey counts; in other text it must look
    # like a key.
    data = b"Set-AWSCredential -AccessKey notakey -StoreAs p\n"
    assert [d.code for d in scan_file_bytes("a/run.ps1", data)] == ["CRED301"]
    assert scan_file_bytes("a/README.md", data) == []


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b'{"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "sha1": "3f786850e387550fdab836ed"}\n',
        b"2021-01-01T00:00:00Z,0f8fad5b-d9cb-469f-a165-70867728950e,3f786850e3875,12\n",
        b"k3Jd8+Qx0aZ/mT1vR7pL2wYhN5cE9uFgS4bVo6Kik3Jd8+Qx0aZ/mT1vR7pL2wYhN5cE9uFgS4bV\n",
        b"Get-S3Object -BucketName b -ProfileName dev -Region us-east-1 -StoreAs x\n",
        b"Use-STSRole -RoleArn arn -RoleSessionName deploy -ProfileName ci\n",
    ],
)
def test_prefilter_rejects_files_without_candidates(data: bytes) -> None:
    assert not may_hold_credentials(data)


@pytest.mark.parametrize(
    "data",
    [
        AK.encode(),
        b"secret",
        b"SECRET",
        b"access_key",
        b"Access-Key",
        b"-SK x",
        b"-st:x",
        b"-AccessK `",
        b"-SessionT\t",
        b"aws_session_token",
        b"x-amz-security-token",
        b"@{ SK = 'x' }",
        b"$p = @{st='x'}",
        b"-AK:x",
        b"-SecretAccessK x",
        ST.encode(),
    ],
)
def test_prefilter_keeps_files_with_an_anchor(data: bytes) -> None:
    assert may_hold_credentials(data)


@pytest.mark.parametrize(
    "path",
    [
        "a/run.ps1",
        "a/Mod.PSM1",
        "a/data.psd1",
        "a/notes.md",
        "a/.aws/credentials",
        "a/.aws/config",
        "a/b/config",
        "a/credentials",
        "a/prod.credentials",
        "a/RegisteredAccounts.json",
        "credentials",
        "x.ini",
    ],
)
def test_kind_of_path_shortcut_agrees(path: str) -> None:
    """scan_file_bytes resolves the path only for names that can be a store."""
    assert security._kind_of(path) is kind_of_path(path)


@pytest.mark.parametrize(
    ("path", "data", "expected"),
    [
        # The same bytes: a committed credentials file is scanned, a user's is not.
        ("repo/.aws/credentials", f"[a]\naws_access_key_id={AK}\n", ["CRED301"]),
        ("x/Deploy.PS1", b"-SecretKey notakey".decode(), ["CRED302"]),
    ],
)
def test_kind_by_name(path: str, data: str, expected: list[str]) -> None:
    assert [d.code for d in scan_file_bytes(path, data.encode())] == expected
