"""The credentials + config pair as one store: merging, provenance, problems, re-reading."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credls.secret import Secret
from credls.store.shared_files import SharedFilesStore

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETzz"
TOKEN = "FwoGZXIvYXdzEXAMPLETOKENzzzzzzzzzzzzzzzzzzzz"

CREDENTIALS = f"""\
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = {SECRET}
region = us-west-2

[temp]
aws_access_key_id = ASIAIOSFODNN7EXAMPLE
aws_secret_access_key = {SECRET}
aws_session_token = {TOKEN}
"""

CONFIG = """\
[default]
region = eu-west-1
output = json

[profile dev]
role_arn = arn:aws:iam::123456789012:role/dev
source_profile = default

[profile settings-only]
region = ap-south-1

[sso-session corp]
sso_region = us-east-1
sso_start_url = https://example.awsapps.com/start
"""


def pair(
    tmp_path: Path, credentials: str | None = CREDENTIALS, config: str | None = CONFIG
) -> tuple[SharedFilesStore, Path, Path]:
    aws = tmp_path / ".aws"
    aws.mkdir(exist_ok=True)
    cred, conf = aws / "credentials", aws / "config"
    if credentials is not None:
        cred.write_text(credentials, encoding="utf-8")
    if config is not None:
        conf.write_text(config, encoding="utf-8")
    return SharedFilesStore(str(cred), str(conf)), cred, conf


def touch(path: Path) -> None:
    st_ = path.stat()
    os.utime(path, ns=(st_.st_atime_ns, st_.st_mtime_ns + 10_000_000))


def test_merged_profiles_with_per_property_provenance(tmp_path: Path) -> None:
    store, cred, conf = pair(tmp_path)
    default = store.get("default")
    assert default is not None
    assert (default.store, default.location, default.line) == ("credentials-file", str(cred), 1)
    # credentials wins per property (file-format.md §8); config fills the rest
    assert default.region == "us-west-2"
    assert default.properties["region"].source.path == str(cred)
    assert default.get("output") == "json"
    assert default.properties["output"].source.path == str(conf)
    assert default.properties["output"].source.line == 3
    assert [s.store for s in default.sections] == ["credentials-file", "config-file"]
    assert default.profile_type == "Basic"
    assert default.masked_access_key_id == "AKIA…MPLE"

    dev = store.get("dev")
    assert dev is not None and dev.store == "config-file" and dev.line == 5
    assert dev.profile_type == "AssumeRole"
    temp = store.get("temp")
    assert temp is not None and temp.profile_type == "Session"


def test_listing_order_credentials_first_then_config_only(tmp_path: Path) -> None:
    store, _, _ = pair(tmp_path)
    assert [p.name for p in store.profiles()] == ["default", "temp", "dev", "settings-only"]
    settings_only = store.get("settings-only")
    assert settings_only is not None and not settings_only.can_create_credentials


def test_names_are_case_sensitive(tmp_path: Path) -> None:
    store, _, _ = pair(tmp_path)
    assert store.get("Default") is None and store.get("DEV") is None


def test_profile_prefix_in_credentials_is_a_powershell_fallback(tmp_path: Path) -> None:
    store, _, _ = pair(
        tmp_path,
        f"[profile ci]\naws_access_key_id=AKIAIOSFODNN7EXAMPLE\naws_secret_access_key={SECRET}\n",
        "",
    )
    assert store.get("ci") is not None  # .NET falls back to [profile NAME] (§4)
    assert store.view("sdk").by_name.get("ci") is None  # the spec SDKs ignore it


def test_sso_sessions(tmp_path: Path) -> None:
    store, _, conf = pair(tmp_path)
    session = store.sso_session("corp")
    assert session is not None and session.source.path == str(conf) and session.source.line == 12
    assert store.sso_session("nope") is None


def test_secrets_are_opaque(tmp_path: Path) -> None:
    store, _, _ = pair(tmp_path)
    temp = store.get("temp")
    assert temp is not None
    assert isinstance(temp.properties["aws_secret_access_key"].value, Secret)
    assert isinstance(temp.properties["aws_session_token"].value, Secret)
    dumped = repr(store.profiles()) + str(store.view()) + repr(store.problems)
    assert SECRET not in dumped and TOKEN not in dumped
    assert "ASIAIOSFODNN7EXAMPLE" not in "".join(p.display_value for p in temp.properties.values())


@pytest.mark.parametrize(
    ("credentials", "config"), [(None, None), (None, CONFIG), (CREDENTIALS, None)]
)
def test_missing_files_are_empty_without_problems(
    tmp_path: Path, credentials: str | None, config: str | None
) -> None:
    store, _, _ = pair(tmp_path, credentials, config)
    assert store.problems == ()
    names = {p.name for p in store.profiles()}
    assert ("temp" in names) is (credentials is not None)
    assert ("dev" in names) is (config is not None)


def test_directory_named_credentials_is_an_empty_store_with_a_problem(tmp_path: Path) -> None:
    (tmp_path / ".aws" / "credentials").mkdir(parents=True)
    (tmp_path / ".aws" / "config").write_text(CONFIG, encoding="utf-8")
    store = SharedFilesStore(
        str(tmp_path / ".aws" / "credentials"), str(tmp_path / ".aws" / "config")
    )
    (problem,) = store.problems
    assert "is a directory" in str(problem) and str(tmp_path / ".aws" / "credentials") in str(
        problem
    )
    assert store.get("dev") is not None  # the config half still works


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"[default]\nregion = \xff\xfe-bad\n", "not valid UTF-8"),
        (b"[default]\x00\x00\x01binary", "binary"),
    ],
)
def test_unusable_content_is_an_empty_store_with_one_line_problem(
    tmp_path: Path, data: bytes, fragment: str
) -> None:
    store, cred, _ = pair(tmp_path, None, None)
    cred.write_bytes(data)
    assert store.profiles() == ()
    (problem,) = store.problems
    assert fragment in problem.message and "\n" not in str(problem)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file_is_a_problem(tmp_path: Path) -> None:
    store, cred, _ = pair(tmp_path, CREDENTIALS, None)
    cred.chmod(0)
    try:
        assert store.get("default") is None
        assert "cannot be read" in store.problems[0].message
    finally:
        cred.chmod(0o600)


def test_file_powershell_rejects_is_a_store_problem(tmp_path: Path) -> None:
    store, cred, _ = pair(tmp_path, "[default]\nthis line is junk\n", None)
    assert store.get("default") is None
    (problem,) = store.problems
    assert problem.path == str(cred) and problem.position is not None
    assert problem.position.line == 1
    assert store.view("go").by_name.get("default") is not None  # Go ignores the line


def test_bom_is_dropped_for_powershell(tmp_path: Path) -> None:
    store, cred, _ = pair(tmp_path, None, None)
    cred.write_bytes(
        b"\xef\xbb\xbf[default]\naws_access_key_id=AKIAIOSFODNN7EXAMPLE\n"
        + f"aws_secret_access_key={SECRET}\n".encode()
    )
    default = store.get("default")
    assert default is not None and default.profile_type == "Basic"


def test_rereads_only_when_a_file_changes(tmp_path: Path) -> None:
    store, cred, conf = pair(tmp_path)
    first = store.view()
    assert store.view() is first  # nothing changed: cached
    conf.write_text(
        CONFIG + "\n[profile added]\ncredential_process = /bin/true\n", encoding="utf-8"
    )
    touch(conf)
    assert store.get("added") is not None and store.view() is not first
    cred.unlink()
    assert store.get("temp") is None and store.get("added") is not None


def test_pinned_text_overrides_disk(tmp_path: Path) -> None:
    _, cred, conf = pair(tmp_path)
    store = SharedFilesStore(str(cred), str(conf), credentials_text="[buffer]\nregion = x\n")
    assert store.get("buffer") is not None and store.get("temp") is None
    assert store.get("dev") is not None  # config still read from disk


def test_locations_and_key(tmp_path: Path) -> None:
    store, cred, conf = pair(tmp_path)
    assert store.locations() == [("credentials-file", str(cred)), ("config-file", str(conf))]
    assert store.path == str(cred)
    assert SharedFilesStore(None, str(conf)).locations() == [("config-file", str(conf))]


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="[]=#; \t\nprofiledfaultxyz_-\r:", max_size=120))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    store = SharedFilesStore("/c/credentials", "/c/config", credentials_text=text, config_text=text)
    for consumer in ("powershell", "botocore", "sdk", "go"):
        view = store.view(consumer)
        assert all(p.name in view.by_name for p in view.profiles)
