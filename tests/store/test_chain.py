"""StoreChain: search order per platform, case rules, listing, pairs, overlays."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from credls.settings import Platform, Settings, StoreSettings
from credls.store.chain import StoreChain
from credls.store.sdk_store import SdkStore
from credls.store.shared_files import SharedFilesStore

BLOB = "01000000D08C9DDF0115D1118C7A00C04FC297EB01000000AAAA"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETzz"


def keys(key_id: str = "AKIAIOSFODNN7EXAMPLE") -> str:
    return f"aws_access_key_id = {key_id}\naws_secret_access_key = {SECRET}\n"


def sdk_json(*profiles: dict[str, str]) -> str:
    return json.dumps(
        {f"0d7e3a2c-5f1b-4c55-9a7e-1b2c3d4e5f6{i}": p for i, p in enumerate(profiles)}
    )


SDK_BASIC = {"DisplayName": "Shared", "AWSAccessKey": BLOB, "AWSSecretKey": BLOB}
SDK_REGION_ONLY = {"DisplayName": "default", "Region": "us-east-1"}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    aws = tmp_path / ".aws"
    aws.mkdir()
    (aws / "credentials").write_text(
        "[shared]\n" + keys() + "\n[default]\n" + keys() + "\n[only-file]\n" + keys(),
        encoding="utf-8",
    )
    (aws / "config").write_text("[profile region-only]\nregion = eu-west-1\n", encoding="utf-8")
    sdk = tmp_path / "RegisteredAccounts.json"
    sdk.write_text(sdk_json(SDK_BASIC, SDK_REGION_ONLY), encoding="utf-8")
    return {"credentials": aws / "credentials", "config": aws / "config", "sdk": sdk}


def chain_for(
    files: dict[str, Path], platform: Platform, known: tuple[str, ...] = ()
) -> StoreChain:
    return StoreChain(
        platform,
        sdk_store=SdkStore(str(files["sdk"])),
        shared=SharedFilesStore(str(files["credentials"]), str(files["config"])),
        known_profiles=known,
    )


@pytest.mark.parametrize(
    ("platform", "name", "stores"),
    [
        (Platform.WINDOWS, "shared", ["sdk-store", "credentials-file"]),
        (Platform.LINUX, "shared", ["credentials-file"]),
        (Platform.MACOS, "shared", ["credentials-file"]),
        (Platform.WINDOWS, "SHARED", ["sdk-store"]),  # SDK store ignores case, files do not
        (Platform.LINUX, "SHARED", []),
        (Platform.WINDOWS, "default", ["sdk-store", "credentials-file"]),
        (Platform.WINDOWS, "only-file", ["credentials-file"]),
        (Platform.WINDOWS, "region-only", ["config-file"]),
        (Platform.WINDOWS, "nowhere", []),
    ],
)
def test_find_in_search_order(
    files: dict[str, Path], platform: Platform, name: str, stores: list[str]
) -> None:
    chain = chain_for(files, platform)
    hits = chain.find(name)
    assert [h.store for h in hits] == stores
    assert chain.lookup(name) is (hits[0] if hits else None) or chain.lookup(name) == hits[0]


def test_list_profiles_sdk_first_only_usable_with_duplicates(files: dict[str, Path]) -> None:
    win = chain_for(files, Platform.WINDOWS)
    assert [(p.name, p.store) for p in win.list_profiles()] == [
        ("Shared", "sdk-store"),
        ("shared", "credentials-file"),
        ("default", "credentials-file"),
        ("only-file", "credentials-file"),
    ]
    linux = chain_for(files, Platform.LINUX)
    assert [p.name for p in linux.list_profiles()] == ["shared", "default", "only-file"]
    assert "region-only" in [p.name for p in linux.all_profiles()]


def test_known_profiles_count_as_existing(files: dict[str, Path]) -> None:
    chain = chain_for(files, Platform.LINUX, known=("ci-deploy",))
    (hit,) = chain.find("ci-deploy")
    assert hit.store == "known-profiles" and hit.can_create_credentials
    assert chain.exists("ci-deploy") and not chain.exists("CI-deploy")
    assert [p.name for p in chain.find_case_insensitive("CI-DEPLOY")] == ["ci-deploy"]
    assert "ci-deploy" not in [p.name for p in chain.list_profiles()]


def test_find_case_insensitive(files: dict[str, Path]) -> None:
    chain = chain_for(files, Platform.WINDOWS)
    assert [(p.name, p.store) for p in chain.find_case_insensitive("ONLY-FILE")] == [
        ("only-file", "credentials-file")
    ]
    assert [p.store for p in chain.find_case_insensitive("shared")] == [
        "sdk-store",
        "credentials-file",
    ]


def test_profile_location_searches_only_that_file_and_its_config(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    other = tmp_path / "ci"
    other.mkdir()
    (other / "credentials").write_text("[ci]\n" + keys(), encoding="utf-8")
    (other / "config").write_text("[profile ci-role]\ncredential_process = x\n", encoding="utf-8")
    chain = chain_for(files, Platform.WINDOWS)
    loc = str(other / "credentials")
    assert [h.store for h in chain.find("ci", loc)] == ["credentials-file"]
    assert [h.store for h in chain.find("ci-role", loc)] == ["config-file"]
    assert chain.find("shared", loc) == []  # no SDK store, no default files
    assert chain.searched_locations(loc) == [
        ("credentials-file", loc),
        ("config-file", str(other / "config")),
    ]


def test_aws_config_file_overrides_the_sibling_for_a_location(tmp_path: Path) -> None:
    (tmp_path / "credentials").write_text("[a]\n" + keys(), encoding="utf-8")
    (tmp_path / "elsewhere").write_text("[profile b]\ncredential_process = x\n", encoding="utf-8")
    chain = StoreChain(Platform.LINUX, config_override=str(tmp_path / "elsewhere"))
    assert chain.exists("b", str(tmp_path / "credentials"))


def test_from_settings_uses_environment_and_platform(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    env = {
        "HOME": str(tmp_path),
        "CREDLS_SDK_STORE": str(files["sdk"]),
    }
    win = StoreChain.from_settings(Settings(platform=Platform.WINDOWS), env)
    assert [h.store for h in win.find("shared")] == ["sdk-store", "credentials-file"]
    linux = StoreChain.from_settings(Settings(platform=Platform.LINUX), env)
    assert [h.store for h in linux.find("shared")] == ["credentials-file"]
    isolated = StoreChain.from_settings(
        Settings(platform=Platform.WINDOWS, stores=StoreSettings(use_user_stores=False)), env
    )
    assert isolated.find("shared") == []


def test_from_settings_reads_the_process_environment_by_default(
    isolated_home: Path, files: dict[str, Path]
) -> None:
    (isolated_home / ".aws").mkdir()
    (isolated_home / ".aws" / "credentials").write_text("[home]\n" + keys(), encoding="utf-8")
    chain = StoreChain.from_settings(Settings(platform=Platform.LINUX))
    assert chain.exists("home")


def test_with_pair_checked_file_and_configured_stores(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    checked = repo / "deploy.credentials"
    checked.write_text("[repo-only]\n" + keys(), encoding="utf-8")
    chain = chain_for(files, Platform.LINUX).with_pair(str(checked), None)
    assert [h.store for h in chain.find("repo-only")] == ["credentials-file"]
    assert chain.exists("shared")  # configured stores still searched
    assert [loc for _, loc in chain.searched_locations()] == [
        str(checked),
        str(files["credentials"]),
        str(files["config"]),
    ]


def test_with_pair_of_the_configured_file_replaces_it_and_keeps_its_config(
    files: dict[str, Path],
) -> None:
    base = chain_for(files, Platform.LINUX)
    chain = base.with_pair(str(files["credentials"]), credentials_text="[edited]\n" + keys())
    assert chain.exists("edited") and not chain.exists("shared")  # the buffer, not the disk
    assert chain.exists("region-only")  # the configured config file completes the pair
    assert len(chain.stores()) == 1


def test_rereads_a_changed_store(files: dict[str, Path]) -> None:
    chain = chain_for(files, Platform.WINDOWS)
    assert not chain.exists("new")
    files["sdk"].write_text(
        sdk_json(SDK_BASIC, {**SDK_BASIC, "DisplayName": "new"}), encoding="utf-8"
    )
    st_ = files["sdk"].stat()
    os.utime(files["sdk"], ns=(st_.st_atime_ns, st_.st_mtime_ns + 10_000_000))
    chain.refresh()
    assert [h.store for h in chain.find("NEW")] == ["sdk-store"]


def test_problems_are_collected(tmp_path: Path) -> None:
    (tmp_path / "credentials").mkdir()
    (tmp_path / "sdk.json").write_text("{broken", encoding="utf-8")
    chain = StoreChain(
        Platform.WINDOWS,
        sdk_store=SdkStore(str(tmp_path / "sdk.json")),
        shared=SharedFilesStore(str(tmp_path / "credentials"), None),
    )
    messages = [str(p) for p in chain.problems]
    assert len(messages) == 2
    assert any("invalid JSON" in m for m in messages)
    assert any("is a directory" in m for m in messages)


# --- overlay ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("platform", "store"),
    [(Platform.WINDOWS, "sdk-store"), (Platform.LINUX, "credentials-file")],
)
def test_overlay_register_routes_like_powershell_and_never_writes(
    files: dict[str, Path], platform: Platform, store: str
) -> None:
    before = {k: p.read_bytes() for k, p in files.items()}
    chain = chain_for(files, platform)
    view = chain.overlay()
    created = view.register(
        "temp", {"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key": SECRET}
    )
    assert created.profile_type == "Basic" and created.store == store
    assert [h.store for h in view.find("temp")] == [store]
    assert "temp" in [p.name for p in view.list_profiles()]
    assert not chain.exists("temp")  # the base chain is untouched
    assert {k: p.read_bytes() for k, p in files.items()} == before
    assert SECRET not in repr(created)


def test_overlay_register_with_location_and_merge_keeps_other_keys(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    loc = str(tmp_path / "ci-credentials")
    view = chain_for(files, Platform.WINDOWS).overlay()
    view.register("ci", {"region": "eu-west-1"}, profile_location=loc)
    merged = view.register(
        "ci",
        {"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key": SECRET},
        profile_location=loc,
    )
    assert merged.region == "eu-west-1" and merged.profile_type == "Basic"
    assert view.find("ci") == []  # not in the default stores
    assert [h.store for h in view.find("ci", loc)] == ["credentials-file"]
    assert not os.path.exists(loc)


def test_overlay_unregister_removes_first_hit_only(files: dict[str, Path]) -> None:
    view = chain_for(files, Platform.WINDOWS).overlay()
    removed = view.unregister("shared")
    assert removed is not None and removed.store == "sdk-store"
    assert [h.store for h in view.find("shared")] == ["credentials-file"]
    assert view.unregister("shared") is not None
    assert view.find("shared") == [] and view.unregister("shared") is None
    assert "Shared" not in [p.name for p in view.list_profiles()]


def test_overlay_copy_within_the_store_that_has_the_source(files: dict[str, Path]) -> None:
    view = chain_for(files, Platform.LINUX).overlay()
    copied = view.copy("only-file", "default")
    assert copied is not None and copied.store == "credentials-file"
    (hit,) = view.find("default")
    assert hit.name == "default" and hit.profile_type == "Basic"
    assert view.copy("nowhere", "x") is None


def test_nested_overlays_are_isolated(files: dict[str, Path]) -> None:
    parent = chain_for(files, Platform.LINUX).overlay()
    parent.register("a", {"credential_process": "x"})
    child = parent.overlay()
    child.unregister("a")
    child.register("b", {"credential_process": "x"})
    assert parent.exists("a") and not parent.exists("b")
    assert not child.exists("a") and child.exists("b")


@pytest.mark.parametrize(
    ("platform", "shared"),
    [
        (Platform.LINUX, False),  # --no-user-stores, or no home directory
        (Platform.WINDOWS, False),
        (Platform.WINDOWS, True),  # a credentials file, but no SDK store yet
    ],
)
def test_overlay_finds_what_it_creates_in_a_store_that_does_not_exist(
    files: dict[str, Path], platform: Platform, shared: bool
) -> None:
    # PowerShell creates the missing store on the first write; a later lookup in the
    # same script finds the profile there (found by running credls on public scripts:
    # `Set-AWSCredential … -StoreAs build` then `-ProfileName build` was CRED201 in CI).
    chain = StoreChain(
        platform,
        shared=SharedFilesStore(str(files["credentials"]), str(files["config"]))
        if shared
        else None,
    )
    view = chain.overlay()
    view.register(
        "build", {"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key": SECRET}
    )
    assert [h.name for h in view.find("build")] == ["build"]
    assert "build" in [p.name for p in view.list_profiles()]
    assert view.unregister("build") is not None and view.find("build") == []
    assert chain.find("build") == []  # the base chain is untouched
    if shared:
        assert [h.name for h in view.find("only-file")] == ["only-file"]
