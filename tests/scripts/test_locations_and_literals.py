"""-ProfileLocation expansion (CRED202) and literal keys reaching key parameters (CRED301-303)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from script_helpers import analyze_text, make_workspace

from credls.powershell.calls import find_calls
from credls.powershell.flow import resolve_location
from credls.powershell.parser import PowerShellDocument


@pytest.mark.parametrize(
    ("written", "relative_to_home"),
    [
        ("~/.aws/ci-credentials", True),
        ('"$HOME/.aws/ci-credentials"', True),
        ('"$env:USERPROFILE/.aws/ci-credentials"', True),
        ("./ci-credentials", False),
        ('"$PSScriptRoot/ci-credentials"', False),
    ],
)
def test_location_prefixes_expand(written: str, relative_to_home: bool, tmp_path: Path) -> None:
    (call,) = find_calls(PowerShellDocument(f"Get-S3Bucket -ProfileLocation {written}\n"))
    b = call.parameter("ProfileLocation")
    assert b is not None
    loc = resolve_location(b, str(tmp_path))
    base = os.path.expanduser("~") if relative_to_home else str(tmp_path)
    want = os.path.join(base, ".aws/ci-credentials" if relative_to_home else "ci-credentials")
    assert loc.path == os.path.normpath(want)


@pytest.mark.parametrize(
    "written", ['"$HOME/$sub/credentials"', "(Join-Path $HOME creds)", "$env:CREDS_FILE"]
)
def test_dynamic_locations_are_not_checked(written: str, tmp_path: Path) -> None:
    """No profile finding on a run-time location; only CRED210 says it is unknown."""
    ws = make_workspace(tmp_path)
    src = f"Get-S3Bucket -ProfileName nope -ProfileLocation {written}\n"
    assert [d.code for d in analyze_text(ws.root / "d.ps1", src, ws.settings())] == ["CRED210"]


def test_existing_home_location_is_searched(tmp_path: Path, isolated_home: Path) -> None:
    ws = make_workspace(tmp_path)
    (isolated_home / "team").mkdir()
    (isolated_home / "team" / "credentials").write_text(
        "[team]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
    )
    src = (
        "Get-S3Bucket -ProfileName team -ProfileLocation ~/team/credentials\n"
        "Get-S3Bucket -ProfileName teams -ProfileLocation ~/team/credentials\n"
    )
    diags = analyze_text(ws.root / "h.ps1", src, ws.settings())
    assert [(d.range.start.line, d.code) for d in diags] == [(1, "CRED203")]
    assert "did you mean 'team'?" in diags[0].message


@pytest.mark.parametrize(
    ("source", "line", "code"),
    [
        (
            "param([string]$Key = 'abcdefgh')\nGet-S3Bucket -AccessKey $Key -SecretKey $env:S\n",
            0,
            "CRED301",
        ),
        (
            "$PSDefaultParameterValues['*:SecretKey'] = 'short-secret'\n"
            "Get-S3Bucket -AccessKey $env:A\n",
            0,
            "CRED302",
        ),
        (
            "$t = 'temporary-token-value'\n"
            "Get-S3Bucket -AccessKey $env:A -SecretKey $env:S -ST $t\n",
            0,
            "CRED303",
        ),
        ("$s = @{ SK = 'plain-secret-text' }\nGet-S3Bucket -AccessKey $env:A @s\n", 0, "CRED302"),
    ],
)
def test_literal_reaching_a_key_parameter(
    source: str, line: int, code: str, tmp_path: Path
) -> None:
    ws = make_workspace(tmp_path)
    diags = [d for d in analyze_text(ws.root / "k.ps1", source, ws.settings()) if d.code == code]
    assert len(diags) == 1
    d = diags[0]
    assert d.range.start.line == line
    assert d.related and d.related[0].range.start.line == 1
    assert "Get-S3Bucket" in d.message


def test_remote_script_blocks_and_cli_profiles(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    src = (
        "Invoke-Command -ComputerName web1 -ScriptBlock {\n"
        "    Get-S3Bucket -ProfileName on-the-server }\n"
        "aws configure set aws_access_key_id $id --profile from-cli\n"
        "Get-S3Bucket -ProfileName from-cli\n"
        "1..3 | ForEach-Object { Get-S3Bucket -ProfileName not-anywhere }\n"
    )
    diags = analyze_text(ws.root / "r.ps1", src, ws.settings())
    assert [(d.range.start.line, d.code) for d in diags] == [(4, "CRED201")]
