"""Cmdlet catalog: recognising AWS cmdlets, matching parameter names (powershell.md §1, §2, §5)."""

from __future__ import annotations

import pytest

from credls.powershell.catalog import (
    CREDENTIAL_CMDLETS,
    CmdletKind,
    MatchKind,
    lookup_command,
    service_prefix,
)


@pytest.mark.parametrize(
    ("written", "canonical", "legacy", "module"),
    [
        ("Get-EC2Instance", "Get-EC2Instance", False, None),
        ("get-ec2instance", "Get-EC2Instance", False, None),
        ("Get-S3Bucket", "Get-S3Bucket", False, None),
        ("Write-S3Object", "Write-S3Object", False, None),
        ("Use-STSRole", "Use-STSRole", False, None),
        ("Get-SECSecretValue", "Get-SECSecretValue", False, None),
        ("Get-LMFunctionList", "Get-LMFunctionList", False, None),
        ("Get-CWLLogGroup", "Get-CWLLogGroup", False, None),
        ("Get-ELB2LoadBalancer", "Get-ELB2LoadBalancer", False, None),
        ("Get-R53HostedZoneList", "Get-R53HostedZoneList", False, None),
        ("Set-AWSCredential", "Set-AWSCredential", False, None),
        ("Remove-AWSCredentialProfile", "Remove-AWSCredentialProfile", False, None),
        ("Set-AWSCredentials", "Set-AWSCredential", True, None),
        ("Initialize-AWSDefaults", "Initialize-AWSDefaultConfiguration", True, None),
        ("Clear-AWSDefaults", "Clear-AWSDefaultConfiguration", True, None),
        ("Assume-STSRole", "Use-STSRole", True, None),
        ("AWS.Tools.Common\\Set-AWSCredential", "Set-AWSCredential", False, "AWS.Tools.Common"),
        ("AWSPowerShell\\Get-EC2Instance", "Get-EC2Instance", False, "AWSPowerShell"),
        ("AWSPowerShell.NetCore\\Get-S3Bucket", "Get-S3Bucket", False, "AWSPowerShell.NetCore"),
    ],
)
def test_aws_cmdlets_are_recognised(
    written: str, canonical: str, legacy: bool, module: str | None
) -> None:
    found = lookup_command(written)
    assert found is not None
    assert found.canonical == canonical
    assert found.legacy_alias is legacy
    assert found.module == module


@pytest.mark.parametrize(
    "written",
    [
        "Get-Item",
        "Get-Process",
        "Get-Date",
        "ForEach-Object",
        "Import-CSV",
        "Export-Csv",
        "Get-SMBShare",
        "Get-WMIObject",
        "Get-DSCResource",
        "Get-ChildItem",
        "Invoke-WebRequest",
        "Get-AWSRegion",
        "MyModule\\Get-EC2Instance",
        ".\\Get-EC2Instance",
        "Get-",
        "-EC2Instance",
        "3Bucket",
    ],
)
def test_other_commands_are_not_aws(written: str) -> None:
    assert lookup_command(written) is None


@pytest.mark.parametrize(
    ("noun", "prefix"),
    [
        ("EC2Instance", "EC2"),
        ("ec2instance", "EC2"),
        ("S3Object", "S3"),
        ("IAMUser", "IAM"),
        ("Process", None),
        ("Item", None),
        ("SQSQueue", "SQS"),
        ("Date", None),
    ],
)
def test_service_prefix(noun: str, prefix: str | None) -> None:
    assert service_prefix(noun) == prefix


SERVICE = "Get-EC2Instance"


@pytest.mark.parametrize(
    ("cmdlet", "written", "kind", "expected"),
    [
        # §1: ambiguous on every service cmdlet
        (SERVICE, "Profile", MatchKind.AMBIGUOUS, ("ProfileName", "ProfileLocation")),
        (SERVICE, "Prof", MatchKind.AMBIGUOUS, ("ProfileName", "ProfileLocation")),
        (SERVICE, "AWSProfile", MatchKind.AMBIGUOUS, ("ProfileName", "ProfileLocation")),
        (SERVICE, "A", MatchKind.AMBIGUOUS, ("AccessKey", "ProfileName", "ProfileLocation")),
        (SERVICE, "S", MatchKind.AMBIGUOUS, ("Select", "SecretKey", "SessionToken", "ProfileName")),
        (SERVICE, "Se", MatchKind.AMBIGUOUS, ("Select", "SecretKey", "SessionToken")),
        (SERVICE, "Pro", MatchKind.AMBIGUOUS, ("ProfileName", "ProfileLocation", "ProgressAction")),
        (SERVICE, "W", MatchKind.AMBIGUOUS, ("WarningAction", "WarningVariable")),
        # exact aliases win even though other names share the prefix
        (SERVICE, "AK", MatchKind.EXACT, ("AccessKey",)),
        (SERVICE, "sk", MatchKind.EXACT, ("SecretKey",)),
        (SERVICE, "ST", MatchKind.EXACT, ("SessionToken",)),
        (SERVICE, "SecretAccessKey", MatchKind.EXACT, ("SecretKey",)),
        (SERVICE, "StoredCredentials", MatchKind.EXACT, ("ProfileName",)),
        (SERVICE, "AWSProfileName", MatchKind.EXACT, ("ProfileName",)),
        (SERVICE, "profilename", MatchKind.EXACT, ("ProfileName",)),
        (SERVICE, "RegionToCall", MatchKind.EXACT, ("Region",)),
        # unique prefixes
        (SERVICE, "ProfileN", MatchKind.PREFIX, ("ProfileName",)),
        (SERVICE, "ProfileL", MatchKind.PREFIX, ("ProfileLocation",)),
        (SERVICE, "AccessK", MatchKind.PREFIX, ("AccessKey",)),
        (SERVICE, "SecretK", MatchKind.PREFIX, ("SecretKey",)),
        (SERVICE, "SessionT", MatchKind.PREFIX, ("SessionToken",)),
        (SERVICE, "Cred", MatchKind.PREFIX, ("Credential",)),
        (SERVICE, "Reg", MatchKind.PREFIX, ("Region",)),
        (SERVICE, "V", MatchKind.PREFIX, ("Verbose",)),
        # declared parameter beats common ones (§5)
        ("Use-STSRole", "D", MatchKind.PREFIX, ("DurationInSeconds",)),
        ("Use-STSRole", "Sel", MatchKind.PREFIX, ("Select",)),
        ("Use-STSRole", "R", MatchKind.AMBIGUOUS, ("RoleArn", "RoleSessionName", "Region")),
        ("Use-STSRole", "Ser", MatchKind.PREFIX, ("SerialNumber",)),
        ("Set-AWSCredential", "Store", MatchKind.AMBIGUOUS, ("StoreAs", "ProfileName")),
        ("Set-AWSCredential", "StoreA", MatchKind.PREFIX, ("StoreAs",)),
        ("Get-AWSCredential", "ListProfile", MatchKind.EXACT, ("ListProfile",)),
        ("Get-AWSCredential", "ListProfileD", MatchKind.PREFIX, ("ListProfileDetail",)),
        (SERVICE, "Profiles", MatchKind.PREFIX, ("ProfileLocation",)),
        (SERVICE, "Key", MatchKind.NONE, ()),
        (SERVICE, "AWSRegion", MatchKind.NONE, ()),
    ],
)
def test_parameter_matching(
    cmdlet: str, written: str, kind: MatchKind, expected: tuple[str, ...]
) -> None:
    spec = lookup_command(cmdlet)
    assert spec is not None
    m = spec.spec.match(written)
    assert m.kind is kind
    if kind is MatchKind.AMBIGUOUS:
        assert set(m.candidates) == set(expected)
        assert len(m.candidates) == len(expected)
    elif kind is not MatchKind.NONE:
        assert m.parameter is not None
        assert m.parameter.name == expected[0]


def test_common_parameters_on_service_cmdlets_are_named_only() -> None:
    spec = lookup_command("Get-S3Bucket")
    assert spec is not None and spec.spec.kind is CmdletKind.SERVICE
    for name in ("AccessKey", "SecretKey", "SessionToken", "ProfileName", "ProfileLocation"):
        p = spec.spec.parameter(name)
        assert p is not None and p.position is None and p.sets is None


@pytest.mark.parametrize("name", sorted(CREDENTIAL_CMDLETS))
def test_no_name_or_alias_is_declared_twice(name: str) -> None:
    spec = CREDENTIAL_CMDLETS[name]
    seen: set[str] = set()
    for p in spec.parameters:
        for n in p.names:
            assert n.lower() not in seen, (spec.name, n)
            seen.add(n.lower())


def test_known_service_cmdlet_has_complete_parameter_list() -> None:
    sts = lookup_command("Use-STSRole")
    ec2 = lookup_command("Get-EC2Instance")
    assert sts is not None and sts.spec.complete
    assert ec2 is not None and not ec2.spec.complete
    assert sts.spec.supports_should_process
    assert sts.spec.parameter("WhatIf") is not None
    assert ec2.spec.parameter("WhatIf") is None
