"""The SDK store reader (RegisteredAccounts.json): lookup, types, positions, problems."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credls.secret import Secret
from credls.store.sdk_store import SdkStore, parse_sdk_store

# Fake DPAPI blobs: upper-case hex as UserCrypto writes, never real secrets.
BLOB_AK = "01000000D08C9DDF0115D1118C7A00C04FC297EB0100000011111111AAAA"
BLOB_SK = "01000000D08C9DDF0115D1118C7A00C04FC297EB0100000022222222BBBB"
BLOB_TOKEN = "01000000D08C9DDF0115D1118C7A00C04FC297EB0100000033333333CCCC"
GUIDS = [f"0d7e3a2c-5f1b-4c55-9a7e-1b2c3d4e5f6{i}" for i in range(10)]


def store_text(*entries: dict[str, str]) -> str:
    return json.dumps({GUIDS[i]: e for i, e in enumerate(entries)}, indent=2)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "RegisteredAccounts.json"
    path.write_text(text, encoding="utf-8")
    return path


BASIC = {
    "DisplayName": "Deploy",
    "ProfileType": "AWS",
    "AWSAccessKey": BLOB_AK,
    "AWSSecretKey": BLOB_SK,
    "Region": "eu-west-1",
}


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (BASIC, "Basic"),
        (
            {
                "DisplayName": "s",
                "AWSAccessKey": BLOB_AK,
                "AWSSecretKey": BLOB_SK,
                "SessionToken": BLOB_TOKEN,
            },
            "Session",
        ),
        (
            {"DisplayName": "r", "RoleArn": "arn:aws:iam::1:role/x", "SourceProfile": "base"},
            "AssumeRole",
        ),
        (
            {
                "DisplayName": "r",
                "RoleArn": "arn:aws:iam::1:role/x",
                "SourceProfile": "base",
                "MfaSerial": BLOB_AK,
                "ExternalId": BLOB_SK,
            },
            "AssumeRoleExternalMFA",
        ),
        (
            {
                "DisplayName": "c",
                "RoleArn": "arn:aws:iam::1:role/x",
                "CredentialSource": "Ec2InstanceMetadata",
            },
            "AssumeRoleCredentialSource",
        ),
        (
            {"DisplayName": "w", "RoleArn": "arn:aws:iam::1:role/x", "WebIdentityTokenFile": "/t"},
            "AssumeRoleWithWebIdentity",
        ),
        (
            {
                "DisplayName": "saml",
                "EndpointName": "corp",
                "RoleArn": "arn:aws:iam::1:role/x",
                "UserIdentity": BLOB_AK,
            },
            "SAMLRoleUserIdentity",
        ),
        ({"DisplayName": "sso", "sso_session": "corp", "sso_account_id": "1"}, "SSO"),
        ({"DisplayName": "region-only", "Region": "us-east-1"}, None),
        ({"DisplayName": "half", "AWSAccessKey": BLOB_AK}, None),
        (
            {
                "DisplayName": "mixed",
                "AWSAccessKey": BLOB_AK,
                "AWSSecretKey": BLOB_SK,
                "RoleArn": "arn:aws:iam::1:role/x",
            },
            None,
        ),
    ],
)
def test_profile_type_detection(entry: dict[str, str], expected: str | None) -> None:
    data = parse_sdk_store(store_text(entry), "/s.json")
    assert data.problems == ()
    (profile,) = data.profiles
    assert profile.profile_type == expected
    assert profile.can_create_credentials is (expected is not None)
    assert profile.store == "sdk-store"


def test_lookup_is_case_insensitive_and_first_match_wins() -> None:
    first = {"DisplayName": "Default", "Region": "us-east-1"}
    second = {"DisplayName": "default", "AWSAccessKey": BLOB_AK, "AWSSecretKey": BLOB_SK}
    data = parse_sdk_store(store_text(first, second), "/s.json")
    hit = data.get("DEFAULT")
    assert hit is not None and hit.name == "Default" and hit.profile_type is None
    assert data.get("nope") is None


def test_encrypted_fields_stay_opaque_and_never_print() -> None:
    data = parse_sdk_store(store_text(BASIC), "/s.json")
    (profile,) = data.profiles
    for key in ("aws_access_key_id", "aws_secret_access_key"):
        assert isinstance(profile.properties[key].value, Secret)
    assert profile.masked_access_key_id is None  # encrypted: nothing to show
    assert profile.region == "eu-west-1"
    dumped = repr(data) + str(data.profiles) + repr(profile.properties)
    for blob in (BLOB_AK, BLOB_SK):
        assert blob not in dumped


def test_positions_point_at_display_name_and_keys() -> None:
    text = store_text(BASIC)
    data = parse_sdk_store(text, "/s.json")
    (entry,) = data.entries
    lines = text.splitlines()
    assert entry.name_range is not None
    line = lines[entry.name_range.start.line]
    assert line[entry.name_range.start.character : entry.name_range.end.character] == '"Deploy"'
    (profile,) = data.profiles
    assert profile.line == entry.name_range.start.line + 1
    region = profile.properties["region"].source.range
    assert lines[region.start.line][region.start.character : region.end.character] == '"Region"'
    key_line = lines[entry.key_range.start.line]
    assert GUIDS[0] in key_line[entry.key_range.start.character : entry.key_range.end.character]


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ('{\n  "a": {"DisplayName": "x",}\n}', 2, 28, "double quotes"),
        ('{\n  "a": {\n', 3, 1, "expected"),
        ("[1, 2]", 1, 1, "JSON object"),
        ('{"a": {"DisplayName": "x"}} trailing', 1, 29, "unexpected text"),
        ('{"a": {"DisplayName": "x\n"}}', 1, 25, "Invalid control character"),
        ('{"a" {"DisplayName": "x"}}', 1, 6, "':'"),
    ],
)
def test_invalid_json_is_an_empty_store_with_a_positioned_problem(
    text: str, line: int, column: int, fragment: str
) -> None:
    data = parse_sdk_store(text, "/s.json")
    assert data.profiles == () and data.entries == ()
    (problem,) = data.problems
    assert problem.position is not None
    assert (problem.position.line + 1, problem.position.character + 1) == (line, column)
    assert fragment in problem.message
    assert str(problem).startswith(f"/s.json:{line}:{column}: invalid JSON")


def test_wrong_shapes_are_problems_not_exceptions() -> None:
    text = json.dumps(
        {
            GUIDS[0]: "not an object",
            GUIDS[1]: {
                "DisplayName": "ok",
                "Region": 5,
                "AWSAccessKey": BLOB_AK,
                "AWSSecretKey": BLOB_SK,
            },
            GUIDS[2]: {"Region": "us-east-1"},
        }
    )
    data = parse_sdk_store(text, "/s.json")
    assert [p.name for p in data.profiles] == ["ok"]
    assert data.profiles[0].region is None
    messages = [p.message for p in data.problems]
    assert any("not a JSON object" in m for m in messages)
    assert any("'Region' is not a string" in m for m in messages)
    assert len(data.entries) == 3 and data.entries[2].hidden == "no DisplayName"


@pytest.mark.parametrize(
    ("key", "visible"),
    [
        ("0d7e3a2c-5f1b-4c55-9a7e-1b2c3d4e5f60", True),
        ("0D7E3A2C5F1B4C559A7E1B2C3D4E5F60", True),
        ("{0d7e3a2c-5f1b-4c55-9a7e-1b2c3d4e5f60}", True),
        ("(0d7e3a2c-5f1b-4c55-9a7e-1b2c3d4e5f60)", True),
        ("my-profile", False),
        ("0d7e3a2c-5f1b-4c55-9a7e-1b2c3d4e5f6", False),
        ("", False),
    ],
)
def test_unparsable_guid_key_hides_the_profile(key: str, visible: bool) -> None:
    data = parse_sdk_store(json.dumps({key: BASIC}), "/s.json")
    assert (data.get("deploy") is not None) is visible
    if not visible:
        assert any("not a GUID" in p.message for p in data.problems)


@pytest.mark.parametrize(
    ("key", "value", "visible"),
    [
        ("EndpointDiscoveryEnabled", "true", True),
        ("EndpointDiscoveryEnabled", "yes", False),
        ("MaxAttempts", "3", True),
        ("MaxAttempts", "0", False),
        ("RetryMode", "Adaptive", True),
        ("RetryMode", "fast", False),
        ("AccountNumber", "anything", True),
    ],
)
def test_invalid_reserved_setting_hides_the_profile(key: str, value: str, visible: bool) -> None:
    data = parse_sdk_store(store_text({**BASIC, key: value}), "/s.json")
    assert (data.get("Deploy") is not None) is visible


def test_empty_text_is_an_empty_store() -> None:
    data = parse_sdk_store("  \n", "/s.json")
    assert (data.profiles, data.problems) == ((), ())
    assert parse_sdk_store("{}", "/s.json").profiles == ()


def test_store_reads_file_and_rereads_on_change(tmp_path: Path) -> None:
    path = write(tmp_path, store_text(BASIC))
    store = SdkStore(str(path))
    assert [p.name for p in store.profiles()] == ["Deploy"]
    generation = store.generation
    assert store.get("deploy") is not None and store.generation == generation  # cached
    path.write_text(store_text(BASIC, {**BASIC, "DisplayName": "Second"}), encoding="utf-8")
    st_ = path.stat()
    os.utime(path, ns=(st_.st_atime_ns, st_.st_mtime_ns + 10_000_000))
    assert [p.name for p in store.profiles()] == ["Deploy", "Second"]
    path.unlink()
    assert store.profiles() == () and store.problems == ()


def test_missing_file_is_empty_without_problem(tmp_path: Path) -> None:
    store = SdkStore(str(tmp_path / "nope.json"))
    assert store.profiles() == () and store.problems == ()


@pytest.mark.parametrize(
    ("kind", "fragment"),
    [("directory", "is a directory"), ("binary", "binary"), ("undecodable", "not valid UTF-8")],
)
def test_unusable_file_is_empty_with_one_problem(tmp_path: Path, kind: str, fragment: str) -> None:
    path = tmp_path / "RegisteredAccounts.json"
    if kind == "directory":
        path.mkdir()
    elif kind == "binary":
        path.write_bytes(b"{\x00\x01\x02}")
    else:
        path.write_bytes(b'{"a": {"DisplayName": "\xff\xfe"}}')
    store = SdkStore(str(path))
    assert store.profiles() == ()
    (problem,) = store.problems
    assert fragment in problem.message and str(path) in str(problem)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path, store_text(BASIC))
    path.chmod(0)
    try:
        store = SdkStore(str(path))
        assert store.profiles() == ()
        assert "cannot be read" in store.problems[0].message
    finally:
        path.chmod(0o600)


def test_pinned_text_never_reads_disk(tmp_path: Path) -> None:
    path = write(tmp_path, store_text(BASIC))
    store = SdkStore(str(path), text=store_text({**BASIC, "DisplayName": "Buffer"}))
    assert [p.name for p in store.profiles()] == ["Buffer"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet='{}[]":,\\ \n\tabc0123-DisplayNme', max_size=80))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    data = parse_sdk_store(text, "/s.json")
    assert isinstance(data.problems, tuple)


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(
        st.text(max_size=10),
        st.one_of(
            st.dictionaries(st.text(max_size=12), st.one_of(st.text(max_size=8), st.integers())),
            st.integers(),
            st.text(max_size=5),
        ),
        max_size=4,
    )
)
def test_never_raises_on_arbitrary_json(value: dict[str, object]) -> None:
    data = parse_sdk_store(json.dumps(value), "/s.json")
    assert len(data.entries) == len(value)
