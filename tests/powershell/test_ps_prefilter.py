"""The byte-level prefilter never skips a script that has an AWS call or a key."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ps_helpers import calls

from credls.powershell.catalog import (
    _OTHER_CMDLETS,
    CREDENTIAL_CMDLETS,
    LEGACY_ALIASES,
    SERVICE_PREFIXES,
)
from credls.powershell.prefilter import may_need_analysis

NAMED = sorted(
    {s.name for s in CREDENTIAL_CMDLETS.values()}
    | {s.name for s in _OTHER_CMDLETS.values()}
    | set(LEGACY_ALIASES)
)


def _spellings(name: str) -> list[str]:
    return [
        f"{name} -ProfileName x\n",
        f"{name.lower()} x\n",
        f"{name.upper()} x\n",
        f"AWS.Tools.Common\\{name} -ProfileName x\n",
        f"& '{name}' -ProfileName x\n",
        f"$r = ({name})\n",
    ]


@pytest.mark.parametrize("name", NAMED)
def test_every_catalog_name_and_alias_passes(name: str) -> None:
    for src in _spellings(name):
        assert calls(src), src  # the analyser does see a call here
        assert may_need_analysis(src.encode()), src


def _service_cmdlet(prefix: str) -> str:
    # service_prefix: an upper-case letter after the prefix, any letter after a digit.
    rest = "instance" if prefix[-1].isdigit() else "Thing"
    return f"Get-{prefix}{rest}"


@pytest.mark.parametrize("prefix", sorted(SERVICE_PREFIXES))
def test_every_service_prefix_passes(prefix: str) -> None:
    name = _service_cmdlet(prefix)
    for src in (f"{name} -Region x\n", f"{name.lower()[:4]}{name[4:]}\n", f"x | & {name}\n"):
        found = calls(src)
        if found:  # a few prefixes collide with longer ones or non-AWS nouns
            assert may_need_analysis(src.encode()), src
    assert may_need_analysis(f"{name} -Region x\n".encode())


@pytest.mark.parametrize(
    "src",
    [
        "Get-ChildItem -Path . -Recurse | Where-Object { $_.Length -gt 10 }\n",
        "Write-Output 'done'; Write-Host \"ok\"\n",
        "Set-StrictMode -Version Latest\nGet-Process | Sort-Object CPU\n",
        "function Get-Report { param($Root) Measure-Object -Property Length -Sum }\n",
        "$h = @{ Name = 'svc'; Path = 'C:\\temp\\x.txt' }\nCopy-Item @h -Force\n",
        "Import-Csv .\\a.csv | Export-Csv .\\b.csv -NoTypeInformation\n",
        "",
    ],
)
def test_plain_scripts_are_skipped(src: str) -> None:
    assert not calls(src)
    assert not may_need_analysis(src.encode())


@pytest.mark.parametrize(
    "src",
    [
        "$key = 'AKIAIOSFODNN7EXAMPLE'\n",
        "$secret_access_key = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'\n",
        "$env:AWS_PROFILE = 'dev'\n",
        "Import-Module AWSPowerShell.NetCore\n",
        "Connect-Thing -SecretKey abc\n",
    ],
)
def test_keys_and_aws_mentions_pass(src: str) -> None:
    assert may_need_analysis(src.encode())


def test_utf16_is_never_skipped() -> None:
    data = "\ufeffWrite-Output 'x'\r\n".encode("utf-16-le")
    assert may_need_analysis(data)


_FRAGMENTS = st.sampled_from(
    [
        *"abcXYZ-$@'\"`{}()|:;=\n #ü\\&.",
        "Get-",
        "get-",
        "Set-AWSCredential",
        "EC2",
        "ec2",
        "S3",
        "Instance",
        "Bucket",
        "STS",
        "Role",
        "Assume-",
        "-AssumeRole",
        "AWS.Tools.",
        "Write-",
        "Output",
        "Ünit",
        "IAM",
        "User",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_FRAGMENTS, max_size=30).map("".join))
def test_never_skips_what_the_analyser_finds(src: str) -> None:
    if calls(src):
        assert may_need_analysis(src.encode("utf-8", "surrogatepass"))
