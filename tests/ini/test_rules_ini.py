# ruff: noqa: E501  (table rows: one case per line reads better than wrapped dicts)
"""CRED101-CRED110: snippet -> expected (code, line, start column, end column)."""

from __future__ import annotations

from pathlib import Path

import pytest

from credls.document import Document, DocumentKind
from credls.ini.parser import parse
from credls.rules import ini as rules
from credls.rules.context import CheckContext
from credls.settings import Settings
from credls.source import decode

CREDS, CONF = DocumentKind.CREDENTIALS, DocumentKind.CONFIG
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"  # 40-char documentation secret


def _run(tmp_path: Path, data: bytes, kind: DocumentKind, consumers: list[str] | None = None):
    name = "credentials" if kind is CREDS else "config"
    path = tmp_path / ".aws" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    source = decode(path.read_bytes())
    doc = Document(str(path), source, kind)
    settings = Settings() if consumers is None else Settings(consumers=consumers)
    return rules.check(doc, parse(source.text, bom=bool(source.bom)), CheckContext(settings))


def _found(diags) -> set[tuple[str, int, int, int]]:
    return {
        (d.code, d.range.start.line, d.range.start.character, d.range.end.character) for d in diags
    }


CASES = [
    # (id, kind, text, expected subset, codes that must be absent)
    ("101-dup-section", CONF, "[profile a]\nk=1\n[profile a]\n", {("CRED101", 2, 9, 10)}, ()),
    ("101-none", CONF, "[profile a]\n[profile b]\n", set(), ("CRED101",)),
    ("102-dup-key-case", CREDS, "[a]\nregion = x\nRegion = y\n", {("CRED102", 2, 0, 6)}, ()),
    ("102-none", CREDS, "[a]\nregion = us-east-1\n[b]\nregion = us-east-1\n", set(), ("CRED102",)),
    ("103-colon", CREDS, "[a]\nregion: us-east-1\n", {("CRED103", 1, 6, 7)}, ()),
    ("103-no-delimiter", CREDS, "[a]\njunk line\n", {("CRED103", 1, 0, 9)}, ()),
    ("103-no-bracket", CREDS, "[a\n", {("CRED103", 0, 0, 2)}, ()),
    ("103-header-junk", CONF, "[profile a]junk\n", {("CRED103", 0, 11, 15)}, ()),
    ("103-empty-key", CREDS, "[a]\n= v\n", {("CRED103", 1, 0, 1)}, ()),
    ("103-before-header", CREDS, "k = v\n[a]\n", {("CRED103", 0, 0, 5)}, ()),
    ("103-orphan-cont", CREDS, "[a]\n  k = v\n", {("CRED103", 1, 2, 7)}, ()),
    ("103-sub-no-eq", CONF, "[default]\ns3 =\n  bad\n", {("CRED103", 2, 2, 5)}, ()),
    ("103-none", CONF, "[default]\ns3 =\n  a = b\n", set(), ("CRED103",)),
    ("104-value", CONF, "[default]\nregion = us-east-1 # prod\n", {("CRED104", 1, 19, 25)}, ()),
    ("104-header", CONF, "[default] ; main\n", {("CRED104", 0, 10, 16)}, ()),
    ("104-adjacent-is-value", CONF, "[default]\nregion = a#b\n", set(), ("CRED104",)),
    ("105-profile-in-creds", CREDS, "[profile a]\n", {("CRED105", 0, 1, 10)}, ()),
    ("105-bare-in-config", CONF, "[dev]\n", {("CRED105", 0, 1, 4)}, ()),
    ("105-sso-in-creds", CREDS, "[sso-session s]\n", {("CRED105", 0, 1, 12)}, ()),
    ("105-typo-prefix", CONF, "[sso-sesion s]\n", {("CRED105", 0, 1, 11)}, ()),
    ("105-default-ok", CONF, "[default]\n[profile a]\n[sso-session s]\n", set(), ("CRED105",)),
    ("106-conflict", CONF, "[default]\n[profile default]\n", {("CRED106", 0, 1, 8)}, ()),
    ("106-none", CONF, "[default]\n[profile b]\n", set(), ("CRED106",)),
    ("107-quoted", CONF, '[profile "a b"]\n', {("CRED107", 0, 9, 14)}, ()),
    ("107-padded", CONF, "[ profile a ]\n", {("CRED107", 0, 2, 11)}, ()),
    ("107-chars", CONF, "[profile a!b]\n", {("CRED107", 0, 9, 12)}, ()),
    ("107-profiles", CONF, "[profiles a]\n", {("CRED107", 0, 1, 9)}, ()),
    ("107-ok", CONF, "[profile a.b@c:d+e/f%g_h-i]\n", set(), ("CRED107",)),
    ("109-typo", CREDS, "[a]\naws_secret_acess_key = x\n", {("CRED109", 1, 0, 20)}, ()),
    ("109-upper", CREDS, "[a]\nAWS_ACCESS_KEY_ID = AKIAIOSFODNN7EXAMPLE\n", {("CRED109", 1, 0, 17)}, ()),
    ("109-services-skip", CONF, "[services x]\ns3 =\n  endpoint_url = http://a\n", set(), ("CRED109",)),
    ("110-region", CONF, "[default]\nregion = us-weast\n", {("CRED110", 1, 9, 17)}, ()),
    ("110-output", CONF, "[default]\noutput = jsn\n", {("CRED110", 1, 9, 12)}, ()),
    ("110-duration", CONF, "[default]\nduration_seconds = 60\n", {("CRED110", 1, 19, 21)}, ()),
    ("110-bool", CONF, "[default]\nuse_fips_endpoint = yes\n", {("CRED110", 1, 20, 23)}, ()),
    ("110-key-id", CREDS, "[a]\naws_access_key_id = AKIA123\n", {("CRED110", 1, 20, 27)}, ()),
    ("110-ok", CONF, "[default]\nregion = us-gov-west-1\noutput = json\nretry_mode = Standard\n", set(), ("CRED110",)),
    # code points: the emoji before the finding counts as one character
    ("unicode-before", CONF, "[profile 😀]\nregion = x # 😀 c\n", {("CRED104", 1, 11, 16), ("CRED107", 0, 9, 10)}, ()),
    ("crlf", CONF, "[default]\r\nregion = us-east-1 # c\r\n", {("CRED104", 1, 19, 22)}, ()),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "text", "expected", "absent"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rule_table(tmp_path: Path, kind: DocumentKind, text: str, expected: set, absent: tuple) -> None:  # fmt: skip
    diags = _run(tmp_path, text.encode("utf-8"), kind)
    found = _found(diags)
    assert expected <= found, found
    for code in absent:
        assert not any(d.code == code for d in diags), [d.message for d in diags]
    for d in diags:
        assert "\n" not in d.message


def test_duplicate_section_has_related_first_header(tmp_path: Path) -> None:
    [d] = [d for d in _run(tmp_path, b"[a]\n\n[a]\n", CREDS) if d.code == "CRED101"]
    assert d.related[0].range.start.line == 0
    assert "botocore" in d.message and "PowerShell" in d.message


def test_consumer_setting_limits_messages(tmp_path: Path) -> None:
    only_go = _run(tmp_path, b"[a]\nk = 1\nk = 2\n[a]\n", CREDS, consumers=["go"])
    assert not [d for d in only_go if d.code in ("CRED101", "CRED102")]
    only_ps = _run(tmp_path, b"[a]\nk = 1\nk = 2\n", CREDS, consumers=["powershell"])
    [d] = [d for d in only_ps if d.code == "CRED102"]
    assert "PowerShell" in d.message and "botocore" not in d.message


def test_bom(tmp_path: Path) -> None:
    diags = _run(tmp_path, b"\xef\xbb\xbf[default]\nregion = us-east-1\n", CONF)
    assert ("CRED108", 0, 0, 0) in _found(diags)
    assert not [d for d in _run(tmp_path, b"[default]\n", CONF) if d.code == "CRED108"]


def test_undecodable_bytes_are_syntax_errors(tmp_path: Path) -> None:
    diags = _run(tmp_path, b"[default]\nregion = us\xff-east-1\n", CONF)
    assert ("CRED103", 1, 11, 12) in _found(diags)


def test_no_secret_in_any_message(tmp_path: Path) -> None:
    text = (
        f"[a]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE # c\n"
        f"aws_secret_access_key = {SECRET} # c\naws_secret_access_key = {SECRET}\n"
        f"aws_session_token = {SECRET}x ; t\n[a]\nAWS_SECRET_ACCESS_KEY={SECRET}\n"
        f"aws_secret_acces_key = {SECRET}\naws_access_key_id = AKIA{SECRET[:10]}\n"
    )
    diags = _run(tmp_path, text.encode(), CREDS)
    assert {d.code for d in diags} >= {"CRED101", "CRED102", "CRED104", "CRED109", "CRED110"}
    for d in diags:
        blob = d.message + " ".join(r.message for r in d.related)
        assert SECRET not in blob and SECRET[:20] not in blob
        assert "AKIAIOSFODNN7EXAMPLE" not in blob


def test_non_ini_documents_are_skipped(tmp_path: Path) -> None:
    doc = Document(str(tmp_path / "x.ps1"), decode(b"[a]\njunk\n"), DocumentKind.POWERSHELL)
    assert rules.check(doc, parse("[a]\njunk\n"), CheckContext(Settings())) == []
