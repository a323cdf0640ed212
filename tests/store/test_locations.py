"""Store locations: options > environment > defaults, per modelled platform."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from credls.settings import Platform, StoreSettings
from credls.store.locations import (
    default_sdk_store,
    expand_user,
    home_dir,
    resolve_locations,
    sibling_config,
    sibling_credentials,
)

DATA = Path(__file__).parent.parent / "data" / "conformance" / "file-location-tests.json"
CASES: list[dict[str, Any]] = json.loads(DATA.read_text(encoding="utf-8"))["tests"]


@pytest.mark.parametrize("case", CASES, ids=[f"{i:02d}-{c['name']}" for i, c in enumerate(CASES)])
def test_conformance_file_locations(case: dict[str, Any]) -> None:
    platform = Platform(case["platform"])
    where = resolve_locations(StoreSettings(), case["environment"], platform)
    assert where.credentials_file is not None and where.config_file is not None
    assert where.credentials_file.path == case["credentialsLocation"]
    assert where.config_file.path == case["configLocation"]


@pytest.mark.parametrize(
    ("env", "platform", "expected"),
    [
        ({"HOME": "/h", "USERPROFILE": "/u"}, Platform.LINUX, "/h"),
        ({"USERPROFILE": "/u"}, Platform.LINUX, "/u"),
        ({"HOMEDRIVE": "C:", "HOMEPATH": "\\u"}, Platform.LINUX, None),
        ({"HOMEDRIVE": "C:", "HOMEPATH": "\\u"}, Platform.WINDOWS, "C:\\u"),
        ({"HOMEDRIVE": "C:"}, Platform.WINDOWS, None),
        ({"HOME": ""}, Platform.MACOS, None),
        ({}, Platform.WINDOWS, None),
    ],
)
def test_home_dir(env: dict[str, str], platform: Platform, expected: str | None) -> None:
    assert home_dir(env, platform) == expected


@pytest.mark.parametrize(
    ("path", "platform", "expected"),
    [
        ("~/x/credentials", Platform.LINUX, "/home/u/x/credentials"),
        ("~", Platform.LINUX, "/home/u"),
        ("~other/x", Platform.LINUX, "~other/x"),
        ("/abs/x", Platform.LINUX, "/abs/x"),
        ("~\\x\\credentials", Platform.WINDOWS, "/home/u/x\\credentials"),
        ("~\\x", Platform.LINUX, "~\\x"),
    ],
)
def test_expand_user(path: str, platform: Platform, expected: str) -> None:
    assert expand_user(path, {"HOME": "/home/u"}, platform) == expected


def test_options_beat_environment_beat_defaults() -> None:
    env = {
        "HOME": "/home/u",
        "AWS_SHARED_CREDENTIALS_FILE": "/env/credentials",
        "AWS_CONFIG_FILE": "/env/config",
        "CREDLS_SDK_STORE": "/env/RegisteredAccounts.json",
    }
    from_env = resolve_locations(StoreSettings(), env, Platform.LINUX)
    assert from_env.credentials_file is not None and from_env.config_file is not None
    assert (from_env.credentials_file.path, from_env.credentials_file.origin) == (
        "/env/credentials",
        "env",
    )
    assert from_env.config_file.path == "/env/config"
    assert from_env.sdk_store is not None and from_env.sdk_store.path.startswith("/env/")

    opts = StoreSettings(
        credentials_file="~/opt/credentials", config_file="/opt/config", sdk_store="/opt/sdk.json"
    )
    from_opts = resolve_locations(opts, env, Platform.LINUX)
    assert from_opts.credentials_file is not None and from_opts.config_file is not None
    assert from_opts.credentials_file.path == "/home/u/opt/credentials"
    assert from_opts.credentials_file.origin == "option"
    assert from_opts.config_file.path == "/opt/config"
    assert from_opts.sdk_store is not None and from_opts.sdk_store.path == "/opt/sdk.json"


def test_sdk_store_default_only_on_windows() -> None:
    env = {"HOME": "/home/u", "LOCALAPPDATA": "C:\\Users\\u\\AppData\\Local"}
    assert resolve_locations(StoreSettings(), env, Platform.LINUX).sdk_store is None
    assert resolve_locations(StoreSettings(), env, Platform.MACOS).sdk_store is None
    win = resolve_locations(StoreSettings(), env, Platform.WINDOWS).sdk_store
    assert win is not None
    assert win.path == "C:\\Users\\u\\AppData\\Local\\AWSToolkit\\RegisteredAccounts.json"
    assert default_sdk_store({"USERPROFILE": "C:\\Users\\u"}, Platform.WINDOWS) == (
        "C:\\Users\\u\\AppData\\Local\\AWSToolkit\\RegisteredAccounts.json"
    )
    assert default_sdk_store({}, Platform.WINDOWS) is None


def test_no_user_stores_ignores_defaults_and_environment_but_keeps_options() -> None:
    env = {
        "HOME": "/home/u",
        "LOCALAPPDATA": "C:\\L",
        "AWS_SHARED_CREDENTIALS_FILE": "/env/credentials",
        "AWS_CONFIG_FILE": "/env/config",
        "CREDLS_SDK_STORE": "/env/sdk.json",
    }
    none = resolve_locations(StoreSettings(use_user_stores=False), env, Platform.WINDOWS)
    assert (none.credentials_file, none.config_file, none.sdk_store) == (None, None, None)
    only = resolve_locations(
        StoreSettings(credentials_file="/repo/credentials", use_user_stores=False),
        env,
        Platform.WINDOWS,
    )
    assert only.credentials_file is not None
    assert only.credentials_file.path == "/repo/credentials"
    assert only.config_file is None and only.sdk_store is None


def test_no_home_means_no_default_files() -> None:
    where = resolve_locations(StoreSettings(), {}, Platform.LINUX)
    assert (where.credentials_file, where.config_file, where.sdk_store) == (None, None, None)


@pytest.mark.parametrize(
    ("path", "config", "credentials"),
    [
        ("/a/b/credentials", "/a/b/config", "/a/b/credentials"),
        ("C:\\a\\credentials", "C:\\a\\config", "C:\\a\\credentials"),
        ("credentials", "config", "credentials"),
    ],
)
def test_siblings(path: str, config: str, credentials: str) -> None:
    assert sibling_config(path) == config
    assert sibling_credentials(path) == credentials


def test_windows_modelled_on_a_posix_host_keeps_usable_paths() -> None:
    where = resolve_locations(StoreSettings(), {"HOME": "/home/u"}, Platform.WINDOWS)
    assert where.credentials_file is not None and where.sdk_store is not None
    assert where.credentials_file.path == "/home/u/.aws/credentials"
    assert where.sdk_store.path == "/home/u/AppData/Local/AWSToolkit/RegisteredAccounts.json"
