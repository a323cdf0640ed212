"""Conformance: the cross-SDK parser suite (consumer ``sdk``) and botocore's fixtures.

Data: tests/data/conformance (copied byte-for-byte; see NOTICE.md there).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from credls.ini.parser import parse
from credls.ini.semantics import ConsumerProfile, interpret, merge
from credls.source import decode

DATA = Path(__file__).parent.parent / "data" / "conformance"


def _suite_cases() -> list[Any]:
    tests = json.loads((DATA / "profile-parser-tests.json").read_text("utf-8"))["tests"]
    seen: dict[str, int] = {}
    params = []
    for case in tests:
        name = case["name"]
        seen[name] = seen.get(name, 0) + 1
        case_id = name if seen[name] == 1 else f"{name} #{seen[name]}"
        params.append(pytest.param(case, id=case_id))
    return params


def _values(table: dict[str, ConsumerProfile]) -> dict[str, dict[str, str]]:
    return {name: prof.values() for name, prof in table.items()}


def test_suite_has_65_cases() -> None:
    assert len(_suite_cases()) == 65


@pytest.mark.parametrize("case", _suite_cases())
def test_profile_parser_suite(case: dict[str, Any]) -> None:
    inp = case["input"]
    config = interpret(parse(inp.get("configFile", "")), "config", "sdk")
    creds = interpret(parse(inp.get("credentialsFile", "")), "credentials", "sdk")
    merged = merge(config, creds, "sdk")
    out = case["output"]
    if "errorContaining" in out:
        reasons = list(merged.rejected.values())
        assert reasons, "expected the file to be rejected"
        assert any(out["errorContaining"] in r for r in reasons), reasons
        return
    assert merged.rejected == {}
    assert _values(merged.profiles) == out["config"]["profiles"]
    assert _values(merged.sso_sessions) == out["config"].get("sso_sessions", {})


# --- botocore fixtures (expectations paraphrased in SOURCES.md) -----------------------


def _botocore(name: str, file_kind: str = "config") -> Any:
    source = decode((DATA / "botocore-cfg" / name).read_bytes())
    ini = parse(source.text, bom=bool(source.bom))
    return interpret(ini, file_kind, "botocore")  # type: ignore[arg-type]


def test_botocore_aws_config() -> None:
    view = _botocore("aws_config")
    assert view.rejected is None
    assert set(view.profiles) == {"default", "personal"}
    assert view.profiles["personal"].values()["aws_security_token"] == "fiebaz"


def test_botocore_aws_bad_profile() -> None:
    view = _botocore("aws_bad_profile")
    assert view.rejected is None
    assert set(view.profiles) == {"default", "my profile", "personal1"}
    reasons = " | ".join(i.reason for i in view.ignored)
    assert "shlex" in reasons


@pytest.mark.parametrize("name", ["aws_config_bad", "aws_config_badbytes", "aws_config_nested_bad"])
def test_botocore_rejected(name: str) -> None:
    view = _botocore(name)
    assert view.rejected is not None
    assert "botocore" in view.rejected


def test_botocore_nested() -> None:
    view = _botocore("aws_config_nested")
    assert view.rejected is None
    default = view.profiles["default"].properties
    assert default["s3"].value == "\nsignature_version = s3v4\naddressing_style = path"
    assert default["s3"].sub_properties == {"signature_version": "s3v4", "addressing_style": "path"}
    assert default["cloudwatch"].sub_properties == {"signature_version": "v4"}
    assert default["region"].value == "us-west-2"


def test_botocore_sso_session() -> None:
    view = _botocore("aws_sso_session_config")
    assert view.sso_sessions["sso"].values() == {
        "sso_start_url": "https://example.com",
        "sso_region": "us-east-1",
    }
    assert view.profiles["default"].values() == {"sso_session": "sso"}


def test_botocore_services() -> None:
    view = _botocore("aws_services_config")
    s3 = view.services["my-services"].properties["s3"]
    assert s3.sub_properties == {"endpoint_url": "https://localhost:5678/"}


@pytest.mark.parametrize(
    ("name", "profiles"),
    [
        ("aws_config_nocreds", {"default"}),
        ("foo_config", {"default", "foo"}),
        ("aws_config_other", {"default", "personal"}),
        ("aws_third_config", {"default", "third"}),
    ],
)
def test_botocore_simple_profiles(name: str, profiles: set[str]) -> None:
    view = _botocore(name)
    assert view.rejected is None
    assert set(view.profiles) == profiles


@pytest.mark.parametrize("name", ["aws_credentials", "boto_config", "boto_config_empty"])
def test_botocore_legacy_files(name: str) -> None:
    pytest.skip(f"{name} is a legacy non-shared-config file (old boto/AWS_CREDENTIAL_FILE format)")
