# ruff: noqa: E501  (table rows: one case per line reads better than wrapped tuples)
"""CRED305 long-term-keys: AKIA keys in the user's own credentials and config files.

Real files in temp dirs, configured as the user's stores, through ``Workspace``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credls.analysis import Workspace
from credls.diagnostic import Diagnostic, Severity
from credls.document import Document, DocumentKind
from credls.rules.registry import get
from credls.rules.security import long_term_key_diagnostics
from credls.scan.values import ValueClass, classify
from credls.settings import Settings, StoreSettings
from credls.source import decode

# Fake keys in the shape of real ones (never real credentials).
AK = "AKIAKEUCRLBQBNCCN2DH"
AK2 = "AKIAW4XZ7RMP2NQK6TLJ"
TEMP = "ASIAT6NQ2XKR5MWP7ZLV"
SECRET = "Zq8Rk2Vn6Tb0Yw4Ls9Hd3Jf7Gm1Pc5Xa2Ne8Ui4K"
TOKEN = "FwoGZXIvYXdzEJr9Kq3Lm8Np2Rt6Vx0Bz4Dg7Hj1Wc5Yf9Ke3Uq8So2Ta6Mb0=="

Found = tuple[str, int, int, int]


def _stores(tmp_path: Path) -> tuple[Path, Path, Settings]:
    aws = tmp_path / "home" / ".aws"
    aws.mkdir(parents=True, exist_ok=True)
    creds, config = aws / "credentials", aws / "config"
    settings = Settings(
        stores=StoreSettings(
            credentials_file=str(creds), config_file=str(config), use_user_stores=False
        )
    )
    return creds, config, settings


def _analyze(path: Path, text: str, settings: Settings) -> list[Diagnostic]:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    ws = Workspace(settings, str(path.parent))
    doc = Document(str(path), decode(path.read_bytes()), ws.kind_of(str(path)))
    return ws.analyze(doc, str(path))


def _found(diags: list[Diagnostic]) -> set[Found]:
    return {
        (d.code, d.range.start.line, d.range.start.character, d.range.end.character)
        for d in diags
        if d.code == "CRED305"
    }


CASES = [
    # (id, file, text, expected CRED305 findings)
    ("credentials", "credentials", f"[default]\naws_access_key_id = {AK}\naws_secret_access_key = {SECRET}\n", {("CRED305", 1, 20, 40)}),
    ("two-profiles", "credentials", f"[a]\naws_access_key_id = {AK}\n[b]\naws_access_key_id={AK2}\n", {("CRED305", 1, 20, 40), ("CRED305", 3, 18, 38)}),
    ("one-per-profile", "credentials", f"[dev]\naws_access_key_id = {AK}\n\n[dev]\naws_access_key_id = {AK2}\n", {("CRED305", 1, 20, 40)}),
    ("upper-case-key", "credentials", f"[a]\nAWS_ACCESS_KEY_ID = {AK}\n", {("CRED305", 1, 20, 40)}),
    ("inline-comment", "credentials", f"[a]\naws_access_key_id = {AK} # ci user\n", {("CRED305", 1, 20, 40)}),
    ("quoted", "credentials", f'[a]\naws_access_key_id = "{AK}"\n', {("CRED305", 1, 20, 42)}),
    ("config-profile", "config", f"[profile dev]\naws_access_key_id = {AK}\n", {("CRED305", 1, 20, 40)}),
    ("config-default", "config", f"[default]\naws_access_key_id = {AK}\n", {("CRED305", 1, 20, 40)}),
    ("config-default-twice", "config", f"[default]\naws_access_key_id = {AK}\n[profile default]\naws_access_key_id = {AK2}\n", {("CRED305", 1, 20, 40)}),
    ("unicode-before", "credentials", f"[é😀]\naws_access_key_id =\t{AK}\n", {("CRED305", 1, 20, 40)}),
    ("crlf", "credentials", f"[a]\r\naws_access_key_id = {AK}\r\n", {("CRED305", 1, 20, 40)}),
    # silent
    ("temporary-key", "credentials", f"[a]\naws_access_key_id = {TEMP}\naws_secret_access_key = {SECRET}\naws_session_token = {TOKEN}\n", set()),
    ("example-key", "credentials", "[a]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n", set()),
    ("placeholder", "credentials", "[a]\naws_access_key_id = AKIAXXXXXXXXXXXXXXXX\n", set()),
    ("sso-profile", "config", "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n", set()),
    ("key-in-other-key", "credentials", f"[a]\nnote = {AK}\n", set()),
    ("config-sso-session-section", "config", f"[sso-session s]\naws_access_key_id = {AK}\n", set()),
    ("config-bare-section", "config", f"[dev]\naws_access_key_id = {AK}\n", set()),
    ("no-close-bracket", "credentials", f"[a\naws_access_key_id = {AK}\n", set()),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_long_term_keys_in_user_store(
    tmp_path: Path, name: str, text: str, expected: set[Found]
) -> None:
    creds, config, settings = _stores(tmp_path)
    path = creds if name == "credentials" else config
    diags = _analyze(path, text, settings)
    assert _found(diags) == expected
    # The user's own store: literal-key rules stay silent, keys belong here.
    assert not {d.code for d in diags} & {"CRED301", "CRED302", "CRED303"}
    for d in diags:
        if d.code == "CRED305":
            assert d.severity is Severity.INFORMATION
            assert AK not in d.message and AK2 not in d.message and SECRET not in d.message
            assert "AKIA…" in d.message and "IAM Identity Center" in d.message


def test_message_names_the_section_and_the_masked_key(tmp_path: Path) -> None:
    creds, _, settings = _stores(tmp_path)
    (d,) = [
        d
        for d in _analyze(creds, f"[build]\naws_access_key_id = {AK}\n", settings)
        if d.code == "CRED305"
    ]
    assert d.message.startswith("[build] holds a long-term IAM user access key AKIA…N2DH:")


def test_not_reported_outside_the_user_store(tmp_path: Path) -> None:
    _, _, settings = _stores(tmp_path)
    repo = tmp_path / "repo"
    repo.mkdir()
    text = f"[ci]\naws_access_key_id = {AK}\naws_secret_access_key = {SECRET}\n"
    for path in (repo / "team.credentials", repo / ".aws" / "credentials"):
        path.parent.mkdir(exist_ok=True)
        diags = _analyze(path, text, settings)
        codes = [d.code for d in diags]
        assert "CRED305" not in codes
        assert "CRED301" in codes and "CRED302" in codes  # a committed file: CRED301 instead


def test_headless_walk_reports_it(tmp_path: Path) -> None:
    creds, _, settings = _stores(tmp_path)
    creds.write_text(
        f"[a]\naws_access_key_id = {AK}\naws_secret_access_key = {SECRET}\n", encoding="utf-8"
    )
    creds.chmod(0o600)
    found = Workspace(settings, str(tmp_path)).analyze_file(str(creds), creds.read_bytes())
    assert found is not None
    assert [d.code for d in found] == ["CRED305"]


@pytest.mark.parametrize(
    ("select", "ignore", "expected"),
    [([], ["CRED305"], []), ([], ["long-term-keys"], []), (["CRED1", "CRED305"], [], ["CRED305"])],
    ids=["ignore-code", "ignore-name", "select"],
)
def test_selection(
    tmp_path: Path, select: list[str], ignore: list[str], expected: list[str]
) -> None:
    creds, _, settings = _stores(tmp_path)
    settings.select, settings.ignore = select, ignore
    text = f"[a]\naws_access_key_id = {AK}\naws_secret_access_key = {SECRET}\n"
    diags = _analyze(creds, text, settings)
    assert [d.code for d in diags] == expected


def test_sdk_store_is_not_checked() -> None:
    # The SDK store keeps keys encrypted; CRED305 reads only the shared INI files.
    assert (
        long_term_key_diagnostics(
            "RegisteredAccounts.json", f'{{"AWSAccessKey": "{AK}"}}', DocumentKind.SDK_STORE
        )
        == []
    )


def test_rule_is_documented_as_reported() -> None:
    rule = get("CRED305")
    assert rule is not None
    assert "not yet" not in rule.summary.lower() and "not reported yet" not in rule.doc.lower()
    assert "AKIA" in rule.bad and "sso_session" in rule.good


_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.text(alphabet=_BASE32, min_size=16, max_size=16),
    name=st.sampled_from(["a", "dev", "prod-eu"]),
)
def test_key_id_is_always_masked(tmp_path: Path, body: str, name: str) -> None:
    key_id = "AKIA" + body
    text = f"[{name}]\naws_access_key_id = {key_id}\naws_secret_access_key = {SECRET}\n"
    diags = long_term_key_diagnostics("credentials", text, DocumentKind.CREDENTIALS)
    if classify(key_id) is not ValueClass.KEY:
        assert diags == []
        return
    (d,) = diags
    assert key_id not in d.message and SECRET not in d.message
    assert f"AKIA…{key_id[-4:]}" in d.message
    assert d.range.start.character == len("aws_access_key_id = ")


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet="[]=# \n\tAKIASaksprofile\"'", max_size=80))
def test_never_raises(text: str) -> None:
    for kind in (DocumentKind.CREDENTIALS, DocumentKind.CONFIG):
        for d in long_term_key_diagnostics("f", text, kind):
            assert d.code == "CRED305"


@pytest.mark.parametrize("select", [["CRED3"], ["CRED305"], ["long-term-keys", "CRED301"]])
def test_headless_walk_with_only_literal_key_rules(tmp_path: Path, select: list[str]) -> None:
    """``check --select CRED3`` skips parsing INI files; the user's store still gets CRED305."""
    creds, _, settings = _stores(tmp_path)
    settings.select = select
    creds.write_text(
        f"[a]\naws_access_key_id = {AK}\naws_secret_access_key = {SECRET}\n", encoding="utf-8"
    )
    creds.chmod(0o600)
    found = Workspace(settings, str(tmp_path)).analyze_file(str(creds), creds.read_bytes())
    assert found is not None
    assert [(d.code, d.range.start.line) for d in found] == [("CRED305", 1)]
    assert SECRET not in found[0].message and AK not in found[0].message
