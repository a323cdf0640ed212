"""The credential search order (v4 as coded, v5 as documented) and the JSON shapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from credls.resolver import (
    NO_CREDENTIALS,
    Dynamic,
    StepStatus,
    explain_json,
    profiles_json,
    resolve_call,
    resolve_profile,
)
from credls.settings import ModuleVersion, Platform
from credls.store.chain import StoreChain
from credls.store.sdk_store import SdkStore
from credls.store.shared_files import SharedFilesStore

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETzz"
TOKEN = "FwoGZXIvYXdzEXAMPLETOKENzzzzzzzzzzzzzzzzzzzzQQ"
KEY_ID = "AKIAI44QH8DHBEXAMPLE"
BLOB = "01000000D08C9DDF0115D1118C7A00C04FC297EB0100000099999999DDDD"
V4, V5 = ModuleVersion.V4, ModuleVersion.V5
F, NF, SK, DEP = (
    StepStatus.FOUND,
    StepStatus.NOT_FOUND,
    StepStatus.SKIPPED,
    StepStatus.DEPENDS_ON_ENVIRONMENT,
)


def make_chain(
    tmp_path: Path,
    credentials: str = "",
    config: str = "",
    sdk: list[dict[str, str]] | None = None,
    platform: Platform = Platform.LINUX,
    known: tuple[str, ...] = (),
) -> StoreChain:
    cred, conf, store = tmp_path / "credentials", tmp_path / "config", tmp_path / "sdk.json"
    cred.write_text(credentials, encoding="utf-8")
    conf.write_text(config, encoding="utf-8")
    entries = {f"0d7e3a2c-5f1b-4c55-9a7e-1b2c3d4e5f6{i}": e for i, e in enumerate(sdk or [])}
    store.write_text(json.dumps(entries), encoding="utf-8")
    return StoreChain(
        platform,
        sdk_store=SdkStore(str(store)),
        shared=SharedFilesStore(str(cred), str(conf)),
        known_profiles=known,
    )


BASIC = f"aws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"
FILES = (
    f"[default]\n{BASIC}\n[prod]\n{BASIC}aws_session_token = {TOKEN}\n\n[broken]\nrole_arn = x\n"
)
SDK_DEFAULT_REGION_ONLY = {"DisplayName": "Default", "Region": "us-east-1"}


def statuses(res: Any) -> list[tuple[str, StepStatus]]:
    return [(s.id, s.status) for s in res.steps]


V4_IDS = [
    "literal-keys",
    "profile-name",
    "credential-object",
    "session",
    "environment",
    "default-profile",
    "legacy-default-profile",
    "container-or-instance",
]


@pytest.mark.parametrize(
    ("kwargs", "expected", "winner", "error"),
    [
        pytest.param(
            {"access_key": True, "secret_key": True, "profile_name": "missing"},
            [F, SK, SK, SK, SK, SK, SK, SK],
            "literal-keys",
            None,
            id="keys-win-over-profile-name",
        ),
        pytest.param(
            {"access_key": True, "profile_name": "prod"},
            [NF, F, SK, SK, SK, SK, SK, SK],
            "profile-name",
            None,
            id="partial-keys-ignored",
        ),
        pytest.param(
            {"profile_name": "missing", "credential": True},
            [SK, NF, SK, SK, SK, SK, SK, SK],
            None,
            NO_CREDENTIALS,
            id="profile-not-found-stops",
        ),
        pytest.param(
            {"profile_name": "broken"},
            [SK, F, SK, SK, SK, SK, SK, SK],
            "profile-name",
            "Credential profile [broken] is not valid.  Please ensure the profile contains "
            "a valid combination of properties.",
            id="invalid-profile-throws",
        ),
        pytest.param(
            {"profile_name": Dynamic("$name")},
            [SK, DEP, SK, DEP, DEP, F, SK, SK],
            "default-profile",
            None,
            id="dynamic-profile-name",
        ),
        pytest.param(
            {"credential": True, "profile_name": None},
            [SK, SK, F, SK, SK, SK, SK, SK],
            "credential-object",
            None,
            id="credential-object",
        ),
        pytest.param(
            {"session_profile": "prod"},
            [SK, SK, SK, F, SK, SK, SK, SK],
            "session",
            None,
            id="session-set",
        ),
        pytest.param(
            {"session_profile": False, "env": {"AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_KEY": "x"}},
            [SK, SK, SK, NF, F, SK, SK, SK],
            "environment",
            None,
            id="environment-legacy-secret-name",
        ),
        pytest.param(
            {"session_profile": False, "env": {"AWS_ACCESS_KEY_ID": KEY_ID}},
            [SK, SK, SK, NF, NF, F, SK, SK],
            "default-profile",
            None,
            id="environment-partial",
        ),
    ],
)
def test_v4_steps(
    tmp_path: Path,
    kwargs: dict[str, Any],
    expected: list[StepStatus],
    winner: str | None,
    error: str | None,
) -> None:
    chain = make_chain(tmp_path, FILES)
    res = resolve_call(chain, Platform.LINUX, V4, **kwargs)
    assert [s.id for s in res.steps] == V4_IDS
    assert [s.status for s in res.steps] == expected
    assert (res.winner.id if res.winner else None) == winner
    assert res.error == error


def test_v4_winner_carries_store_location_and_line(tmp_path: Path) -> None:
    chain = make_chain(tmp_path, FILES)
    res = resolve_call(chain, Platform.LINUX, V4, profile_name="prod", session_profile=False)
    assert res.winner is not None
    assert (res.winner.store, res.winner.location, res.winner.line) == (
        "credentials-file",
        str(tmp_path / "credentials"),
        5,
    )
    assert res.certain


def test_v4_shadowing_quirk_region_only_sdk_default_hides_file_default(tmp_path: Path) -> None:
    chain = make_chain(tmp_path, FILES, sdk=[SDK_DEFAULT_REGION_ONLY], platform=Platform.WINDOWS)
    res = resolve_call(chain, Platform.WINDOWS, V4, session_profile=False, env={})
    step = res.steps[V4_IDS.index("default-profile")]
    assert step.status is NF and step.store == "sdk-store"
    assert step.note is not None and "hides the usable one" in step.note
    assert res.steps[-1].status is DEP and res.winner is None and res.error is None
    # The same stores modelled on Linux: no SDK store, the file's default wins.
    res_linux = resolve_call(chain, Platform.LINUX, V4, session_profile=False, env={})
    assert res_linux.winner is not None and res_linux.winner.id == "default-profile"
    assert res_linux.certain


def test_v4_legacy_default_and_container(tmp_path: Path) -> None:
    chain = make_chain(tmp_path, f"[AWS PS Default]\n{BASIC}")
    res = resolve_call(chain, Platform.LINUX, V4, session_profile=False, env={})
    assert res.winner is not None and res.winner.id == "legacy-default-profile"
    empty = make_chain(tmp_path)
    env = {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/creds"}
    res = resolve_call(empty, Platform.LINUX, V4, session_profile=False, env=env)
    assert res.winner is not None and res.winner.id == "container-or-instance"


def test_profile_location_without_name_still_lets_session_and_env_win(tmp_path: Path) -> None:
    chain = make_chain(tmp_path, FILES)
    res = resolve_call(
        chain,
        Platform.LINUX,
        V4,
        profile_location=str(tmp_path / "credentials"),
        session_profile=True,
    )
    assert res.winner is not None and res.winner.id == "session"


def test_known_profile_resolves(tmp_path: Path) -> None:
    chain = make_chain(tmp_path, known=("ci",))
    res = resolve_call(chain, Platform.LINUX, V4, profile_name="ci")
    assert res.winner is not None and res.winner.store == "known-profiles" and res.error is None


V5_IDS = [
    "literal-keys",
    "credential-object",
    "profile-name",
    "session",
    "environment",
    "aws-profile",
    "default-profile",
    "legacy-default-profile",
    "container-or-instance",
]


@pytest.mark.parametrize(
    ("kwargs", "winner", "error"),
    [
        pytest.param(
            {"credential": True, "profile_name": "prod"},
            "credential-object",
            None,
            id="credential-before-profile",
        ),
        pytest.param(
            {"session_profile": False, "env": {"AWS_PROFILE": "prod"}},
            "aws-profile",
            None,
            id="aws-profile-read",
        ),
        pytest.param(
            {"session_profile": False, "env": {"AWS_PROFILE": "nope"}},
            None,
            NO_CREDENTIALS,
            id="aws-profile-missing-stops",
        ),
        pytest.param({"session_profile": False, "env": {}}, "default-profile", None, id="default"),
    ],
)
def test_v5_order(
    tmp_path: Path, kwargs: dict[str, Any], winner: str | None, error: str | None
) -> None:
    chain = make_chain(tmp_path, FILES)
    res = resolve_call(chain, Platform.LINUX, V5, **kwargs)
    assert [s.id for s in res.steps] == V5_IDS
    assert (res.winner.id if res.winner else None) == winner
    assert res.error == error


def test_v4_ignores_aws_profile(tmp_path: Path) -> None:
    chain = make_chain(tmp_path, FILES)
    res = resolve_call(
        chain, Platform.LINUX, V4, session_profile=False, env={"AWS_PROFILE": "nope"}
    )
    assert res.winner is not None and res.winner.id == "default-profile"


def test_resolve_profile_steps_winner_shadowed_and_provenance(tmp_path: Path) -> None:
    chain = make_chain(
        tmp_path,
        f"[prod]\n{BASIC}",
        "[profile prod]\nregion = eu-west-1\noutput = json\n",
        sdk=[{"DisplayName": "PROD", "AWSAccessKey": BLOB, "AWSSecretKey": BLOB}],
        platform=Platform.WINDOWS,
    )
    res = resolve_profile(chain, "prod")
    assert [(s.store, s.found, s.line) for s in res.steps] == [
        ("sdk-store", True, 1),
        ("credentials-file", True, 1),
        ("config-file", True, 1),
    ]
    assert res.winner is not None and res.winner.store == "sdk-store"
    assert [p.store for p in res.shadowed] == ["credentials-file"]
    on_linux = resolve_profile(
        make_chain(tmp_path, f"[prod]\n{BASIC}", "[profile prod]\nregion = eu-west-1\n"), "prod"
    )
    assert [(p.key, p.source.store, p.source.line) for p in on_linux.properties] == [
        ("aws_access_key_id", "credentials-file", 2),
        ("aws_secret_access_key", "credentials-file", 3),
        ("region", "config-file", 2),
    ]


def test_explain_json_shape(tmp_path: Path) -> None:
    chain = make_chain(tmp_path, f"[prod]\n{BASIC}", "[profile prod]\nregion = eu-west-1\n")
    out = explain_json(chain, "prod", powershell_version=V5)
    assert set(out) == {
        "profile",
        "platform",
        "powershell_version",
        "steps",
        "resolved",
        "properties",
    }
    assert out["platform"] == "linux" and out["powershell_version"] == "v5"
    assert out["resolved"] == {
        "store": "credentials-file",
        "location": str(tmp_path / "credentials"),
        "line": 1,
    }
    assert all(set(s) == {"store", "location", "found", "line"} for s in out["steps"])
    values = {p["key"]: p["value"] for p in out["properties"]}
    assert values == {
        "aws_access_key_id": "AKIA…MPLE",
        "aws_secret_access_key": "********",
        "region": "eu-west-1",
    }
    assert all(set(p["from"]) == {"path", "line"} for p in out["properties"])
    missing = explain_json(chain, "nope")
    assert missing["resolved"] is None and missing["properties"] == []
    assert [s["found"] for s in missing["steps"]] == [False, False]


def test_profiles_json_shape_and_order(tmp_path: Path) -> None:
    chain = make_chain(
        tmp_path,
        FILES,
        "[profile cfg]\ncredential_process = /bin/x\nregion = us-east-2\n",
        sdk=[
            {
                "DisplayName": "store",
                "AWSAccessKey": BLOB,
                "AWSSecretKey": BLOB,
                "Region": "eu-north-1",
            },
            SDK_DEFAULT_REGION_ONLY,
        ],
        platform=Platform.WINDOWS,
    )
    rows = profiles_json(chain)
    assert [(r["name"], r["store"], r["type"]) for r in rows] == [
        ("store", "sdk-store", "Basic"),
        ("default", "credentials-file", "Basic"),
        ("prod", "credentials-file", "Session"),
        ("cfg", "config-file", "CredentialProcess"),
    ]
    assert all(
        set(r) == {"name", "store", "location", "line", "type", "region", "access_key_id"}
        for r in rows
    )
    assert rows[0]["access_key_id"] is None and rows[0]["region"] == "eu-north-1"
    assert rows[1]["access_key_id"] == "AKIA…MPLE" and rows[3]["line"] == 1


def test_nothing_reveals_a_secret(tmp_path: Path) -> None:
    chain = make_chain(
        tmp_path,
        FILES,
        sdk=[{"DisplayName": "x", "AWSAccessKey": BLOB, "AWSSecretKey": BLOB}],
        platform=Platform.WINDOWS,
    )
    blobs = [
        json.dumps(profiles_json(chain), ensure_ascii=False),
        json.dumps(
            [explain_json(chain, n) for n in ("default", "prod", "x", "broken")], ensure_ascii=False
        ),
        repr(
            [
                resolve_call(chain, Platform.WINDOWS, v, profile_name=n)
                for v in (V4, V5)
                for n in ("prod", "x", "broken", "nope")
            ]
        ),
        repr(resolve_profile(chain, "prod")),
    ]
    for text in blobs:
        for secret in (SECRET, TOKEN, KEY_ID, BLOB):
            assert secret not in text


def test_explain_json_models_another_platform(tmp_path: Path) -> None:
    chain = make_chain(
        tmp_path,
        f"[prod]\n{BASIC}",
        sdk=[{"DisplayName": "prod", "AWSAccessKey": BLOB, "AWSSecretKey": BLOB}],
        platform=Platform.LINUX,
    )
    assert explain_json(chain, "prod")["resolved"]["store"] == "credentials-file"
    on_windows = explain_json(chain, "prod", platform=Platform.WINDOWS)
    assert on_windows["platform"] == "windows"
    assert on_windows["resolved"]["store"] == "sdk-store"
    assert chain.platform is Platform.LINUX  # the chain itself is unchanged
