"""Parameter binding on AWS cmdlet calls (powershell.md §5)."""

from __future__ import annotations

import pytest
from ps_helpers import calls, one

from credls.powershell.calls import BindingSource
from credls.powershell.values import Dynamic, Static
from credls.text import Position, Range


def bound(src: str) -> dict[str, tuple[str, str | None]]:
    """canonical name -> (source, static text) of the single call in ``src``."""
    call = one(src)
    return {
        b.name: (b.source.value, b.value.text if isinstance(b.value, Static) else None)
        for b in call.parameters
    }


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("Get-EC2Instance -ProfileName prod", {"ProfileName": ("typed", "prod")}),
        ("get-ec2instance -profilename prod", {"ProfileName": ("typed", "prod")}),
        ("Get-EC2Instance -PROFILENAME 'prod'", {"ProfileName": ("typed", "prod")}),
        ("Get-EC2Instance -ProfileName:prod", {"ProfileName": ("typed", "prod")}),
        ("Get-EC2Instance -ProfileName:'prod'", {"ProfileName": ("typed", "prod")}),
        ("Get-EC2Instance -StoredCredentials prod", {"ProfileName": ("typed", "prod")}),
        ("Get-EC2Instance -AWSProfileName prod", {"ProfileName": ("typed", "prod")}),
        ("Get-EC2Instance -ProfileN prod", {"ProfileName": ("typed", "prod")}),
        (
            "Get-EC2Instance -AK AKIAIOSFODNN7EXAMPLE",
            {"AccessKey": ("typed", "AKIAIOSFODNN7EXAMPLE")},
        ),
        ("Get-EC2Instance -SK secret", {"SecretKey": ("typed", "secret")}),
        ("Get-EC2Instance -ST token", {"SessionToken": ("typed", "token")}),
        ("Get-EC2Instance -SecretAccessKey s", {"SecretKey": ("typed", "s")}),
        ("Get-EC2Instance -RegionToCall eu-west-1", {"Region": ("typed", "eu-west-1")}),
        (
            "Get-EC2Instance -ProfileLocation C:\\aws\\creds -Region us-east-1",
            {"ProfileLocation": ("typed", "C:\\aws\\creds"), "Region": ("typed", "us-east-1")},
        ),
        ("Get-EC2Instance `\n  -ProfileName `\n  prod", {"ProfileName": ("typed", "prod")}),
        ("$x | Get-EC2Instance -ProfileName p", {"ProfileName": ("typed", "p")}),
        (
            "Get-EC2Instance -Verbose -ProfileName p",
            {"Verbose": ("typed", None), "ProfileName": ("typed", "p")},
        ),
        (
            "Get-EC2Instance -Verbose:$false -ProfileName p",
            {"Verbose": ("typed", "False"), "ProfileName": ("typed", "p")},
        ),
        # positional binding where the parameter set allows it (§2.1, §2.2)
        ("Set-AWSCredential myProfile", {"ProfileName": ("positional", "myProfile")}),
        ("Set-AWSCredential 'my profile'", {"ProfileName": ("positional", "my profile")}),
        ("Remove-AWSCredentialProfile x", {"ProfileName": ("positional", "x")}),
        (
            "Remove-AWSCredentialProfile x C:\\c",
            {"ProfileName": ("positional", "x"), "ProfileLocation": ("positional", "C:\\c")},
        ),
        ("Get-AWSCredential p1", {"ProfileName": ("positional", "p1")}),
        ("Initialize-AWSDefaultConfiguration dev", {"ProfileName": ("positional", "dev")}),
        ("Invoke-AWSSSOLogin sso-dev", {"ProfileName": ("positional", "sso-dev")}),
        ("Set-DefaultAWSRegion eu-west-1", {"Region": ("positional", "eu-west-1")}),
        (
            "Set-AWSCredential -AccessKey a -SecretKey b C:\\creds",
            {
                "AccessKey": ("typed", "a"),
                "SecretKey": ("typed", "b"),
                "ProfileLocation": ("positional", "C:\\creds"),
            },
        ),
        (
            "Use-STSRole arn:aws:iam::123456789012:role/r sess",
            {
                "RoleArn": ("positional", "arn:aws:iam::123456789012:role/r"),
                "RoleSessionName": ("positional", "sess"),
            },
        ),
        ("Get-EC2Instance i-123", {}),  # service-specific positional: not bound here
    ],
)
def test_binding(src: str, expected: dict[str, tuple[str, str | None]]) -> None:
    assert bound(src) == expected


@pytest.mark.parametrize(
    ("src", "written", "candidates"),
    [
        ("Get-EC2Instance -Profile x", "Profile", {"ProfileName", "ProfileLocation"}),
        ("Get-EC2Instance -Prof x", "Prof", {"ProfileName", "ProfileLocation"}),
        ("Get-EC2Instance -AWSProfile x", "AWSProfile", {"ProfileName", "ProfileLocation"}),
        ("Get-EC2Instance -A x", "A", {"AccessKey", "ProfileName", "ProfileLocation"}),
        ("Get-EC2Instance -S x", "S", {"SecretKey", "SessionToken", "ProfileName", "Select"}),
        ("Get-S3Bucket -profile:x", "profile", {"ProfileName", "ProfileLocation"}),
        (
            "Use-STSRole -S x",
            "S",
            {
                "SerialNumber",
                "SourceIdentity",
                "Select",
                "SecretKey",
                "SessionToken",
                "ProfileName",
            },
        ),
    ],
)
def test_ambiguous_parameters(src: str, written: str, candidates: set[str]) -> None:
    call = one(src)
    assert [a.written for a in call.ambiguous] == [written]
    assert set(call.ambiguous[0].candidates) == candidates
    assert call.parameter("ProfileName") is None
    # the value went with the ambiguous name, not to a positional parameter
    assert not call.arguments
    value = call.ambiguous[0].value
    assert isinstance(value, Static) and value.text == "x"


def test_ambiguous_name_range_points_at_the_parameter() -> None:
    call = one("Get-EC2Instance -Prof x")
    assert call.ambiguous[0].name_range == Range(Position(0, 16), Position(0, 21))


@pytest.mark.parametrize(
    "src",
    [
        "Get-EC2Instance -ProfileName",
        "Get-EC2Instance -ProfileName -Region eu-west-1",
        "Get-EC2Instance -ProfileName:",
        "Get-EC2Instance -ProfileName # comment\n",
        "Get-EC2Instance -ProfileName\nprod",
    ],
)
def test_missing_value(src: str) -> None:
    call = calls(src)[0]
    b = call.parameter("ProfileName")
    assert b is not None and b.missing_value and b.value is None
    assert call.missing_values == (b,)


def test_switch_does_not_take_the_next_argument() -> None:
    call = one("Remove-AWSCredentialProfile -Force myProfile")
    force = call.parameter("Force")
    assert force is not None and force.value is None and not force.missing_value
    profile = call.parameter("ProfileName")
    assert profile is not None and profile.source is BindingSource.POSITIONAL


@pytest.mark.parametrize(
    ("src", "name", "sources"),
    [
        ("Get-EC2Instance -ProfileName a -StoredCredentials b", "ProfileName", ("typed", "typed")),
        ("Get-EC2Instance -AK a -AccessKey b", "AccessKey", ("typed", "typed")),
        (
            "$p = @{ProfileName='a'}\nGet-EC2Instance @p -ProfileName b",
            "ProfileName",
            ("splat", "typed"),
        ),
    ],
)
def test_duplicate_parameter(src: str, name: str, sources: tuple[str, str]) -> None:
    call = one(src)
    assert len(call.duplicates) == 1
    dup = call.duplicates[0]
    assert dup.name == name
    assert (dup.first.source.value, dup.second.source.value) == sources


def test_typed_parameter_overrides_splatted_one() -> None:
    call = one("$p = @{ProfileName='a'}\nGet-EC2Instance @p -ProfileName b")
    b = call.parameter("ProfileName")
    assert b is not None and b.source is BindingSource.TYPED and b.static_text == "b"


# --- splatting -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        (
            "$p = @{ ProfileName = 'x'; Region = 'us-east-1' }\nGet-S3Bucket @p",
            {"ProfileName": ("splat", "x"), "Region": ("splat", "us-east-1")},
        ),
        ("$p = @{ 'ProfileName' = \"x\" }\nGet-S3Bucket @p", {"ProfileName": ("splat", "x")}),
        ("$p = @{ profilename = 'x' }\nGet-S3Bucket @p", {"ProfileName": ("splat", "x")}),
        ("$p = @{ StoredCredentials = 'x' }\nGet-S3Bucket @p", {"ProfileName": ("splat", "x")}),
        ("$p = @{ ProfileN = 'x' }\nGet-S3Bucket @p", {"ProfileName": ("splat", "x")}),
        ("$p = [ordered]@{ ProfileName = 'x' }\nGet-S3Bucket @p", {"ProfileName": ("splat", "x")}),
        ("$p = @{}\n$p.ProfileName = 'x'\nGet-S3Bucket @p", {"ProfileName": ("splat", "x")}),
        ("$p = @{}\n$p['ProfileName'] = 'x'\nGet-S3Bucket @p", {"ProfileName": ("splat", "x")}),
        ("$p = @{}\n$p.Add('ProfileName', 'x')\nGet-S3Bucket @p", {"ProfileName": ("splat", "x")}),
        ("$p = @{ProfileName='x'}\n$p.Remove('ProfileName')\nGet-S3Bucket @p", {}),
        (
            "$p = @{ProfileName='x'}\n$p.ProfileName = 'y'\nGet-S3Bucket @p",
            {"ProfileName": ("splat", "y")},
        ),
        (
            "$a = @{ProfileName='x'}\n$b = @{Region='eu-west-1'}\nGet-S3Bucket @a @b",
            {"ProfileName": ("splat", "x"), "Region": ("splat", "eu-west-1")},
        ),
        (
            "$p = @{ProfileName='x'}\n$p = @{Region='r'}\nGet-S3Bucket @p",
            {"Region": ("splat", "r")},
        ),
        # key added after the call does not count
        ("$p = @{}\nGet-S3Bucket @p\n$p.ProfileName = 'x'", {}),
        # an array splat passes positional arguments only
        ("$a = 'myProfile'\nSet-AWSCredential @a", {"ProfileName": ("positional", "myProfile")}),
        ("$a = '-ProfileName', 'x'\nGet-EC2Instance @a", {}),
    ],
)
def test_splatting(src: str, expected: dict[str, tuple[str, str | None]]) -> None:
    assert bound(src) == expected


def test_splat_key_range_and_variable() -> None:
    call = one("$p = @{ ProfileName = 'x' }\nGet-S3Bucket @p")
    b = call.parameter("ProfileName")
    assert b is not None
    assert b.splat == "p"
    assert b.name_range == Range(Position(0, 8), Position(0, 19))
    assert b.value_range == Range(Position(0, 22), Position(0, 25))


def test_conditional_splat_key_is_flagged() -> None:
    call = one("$p = @{}\nif ($c) { $p.ProfileName = 'x' }\nGet-S3Bucket @p")
    b = call.parameter("ProfileName")
    assert b is not None and b.conditional


def test_ambiguous_splat_key() -> None:
    call = one("$p = @{ Profile = 'x' }\nGet-S3Bucket @p")
    assert call.ambiguous[0].source is BindingSource.SPLAT
    assert set(call.ambiguous[0].candidates) == {"ProfileName", "ProfileLocation"}


@pytest.mark.parametrize(
    "src",
    [
        "function f { Get-S3Bucket @PSBoundParameters }",
        "Get-S3Bucket @args",
        "$p = Get-Params\nGet-S3Bucket @p",
        "Get-S3Bucket @notset",
        "if ($c) { $p = @{ProfileName='x'} }\nGet-S3Bucket @p",
    ],
)
def test_unresolved_splat_makes_binding_incomplete(src: str) -> None:
    call = one(src)
    assert len(call.unresolved_splats) == 1
    assert not call.binding_complete
    assert call.parameter("ProfileName") is None


# --- $PSDefaultParameterValues ------------------------------------------------------


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("$PSDefaultParameterValues['*-EC2*:ProfileName'] = 'x'\nGet-EC2Instance", "x"),
        ('$PSDefaultParameterValues["Get-EC2Instance:ProfileName"] = "x"\nGet-EC2Instance', "x"),
        ("$PSDefaultParameterValues['*:ProfileName'] = 'x'\nSet-AWSCredential", "x"),
        ("$PSDefaultParameterValues['Get-S3Object:AWSProfileName'] = 'x'\nGet-S3Object", "x"),
        ("$PSDefaultParameterValues['get-ec2instance:profilename'] = 'x'\nGet-EC2Instance", "x"),
        ("$PSDefaultParameterValues = @{ '*:ProfileName' = 'x' }\nGet-EC2Instance", "x"),
        ("$PSDefaultParameterValues.Add('*:ProfileName', 'x')\nGet-EC2Instance", "x"),
        ("$PSDefaultParameterValues['*:Profile*Name'] = 'x'\nGet-EC2Instance", "x"),
        (
            "$PSDefaultParameterValues['Set-AWSCredentials:ProfileName'] = 'x'\nSet-AWSCredentials",
            "x",
        ),
        # no prefix abbreviation in the parameter part
        ("$PSDefaultParameterValues['*:ProfileN'] = 'x'\nGet-EC2Instance", None),
        # command part does not match
        ("$PSDefaultParameterValues['*-S3*:ProfileName'] = 'x'\nGet-EC2Instance", None),
        # set after the call
        ("Get-EC2Instance\n$PSDefaultParameterValues['*:ProfileName'] = 'x'", None),
        # explicit binding wins
        ("$PSDefaultParameterValues['*:ProfileName'] = 'x'\nGet-EC2Instance -ProfileName y", "y"),
        # two keys, different values: neither applies
        (
            "$PSDefaultParameterValues['*:ProfileName'] = 'x'\n"
            "$PSDefaultParameterValues['Get-*:ProfileName'] = 'y'\nGet-EC2Instance",
            None,
        ),
        # Disabled turns the feature off
        (
            "$PSDefaultParameterValues['*:ProfileName'] = 'x'\n"
            "$PSDefaultParameterValues['Disabled'] = $true\nGet-EC2Instance",
            None,
        ),
        (
            "$PSDefaultParameterValues['*:ProfileName'] = 'x'\n"
            "$PSDefaultParameterValues.Clear()\nGet-EC2Instance",
            None,
        ),
        (
            "$PSDefaultParameterValues['*:ProfileName'] = 'x'\n"
            "$PSDefaultParameterValues.Remove('*:ProfileName')\nGet-EC2Instance",
            None,
        ),
        # a wildcard matching several parameters is ignored
        ("$PSDefaultParameterValues['*:Profile*'] = 'x'\nGet-EC2Instance", None),
        # set in another function: not in effect
        ("function a { $PSDefaultParameterValues['*:ProfileName'] = 'x' }\nGet-EC2Instance", None),
    ],
)
def test_default_parameter_values(src: str, expected: str | None) -> None:
    call = calls(src)[0]
    b = call.parameter("ProfileName")
    if expected is None:
        assert b is None
        return
    assert b is not None
    assert b.static_text == expected


def test_default_value_binding_source_and_key() -> None:
    call = one("$PSDefaultParameterValues['*-EC2*:ProfileName'] = 'x'\nGet-EC2Instance")
    b = call.parameter("ProfileName")
    assert b is not None
    assert b.source is BindingSource.DEFAULT_VALUES
    assert b.written == "*-EC2*:ProfileName"
    assert b.name_range == Range(Position(0, 26), Position(0, 46))


def test_default_value_scriptblock_is_dynamic() -> None:
    call = one("$PSDefaultParameterValues['*:ProfileName'] = { 'x' }\nGet-EC2Instance")
    b = call.parameter("ProfileName")
    assert b is not None and isinstance(b.value, Dynamic)


# --- names, invocation, context -------------------------------------------------------


@pytest.mark.parametrize(
    ("src", "canonical", "written", "op", "module", "legacy"),
    [
        (
            "& 'Get-EC2Instance' -ProfileName p",
            "Get-EC2Instance",
            "Get-EC2Instance",
            "&",
            None,
            False,
        ),
        (
            '& "Get-EC2Instance" -ProfileName p',
            "Get-EC2Instance",
            "Get-EC2Instance",
            "&",
            None,
            False,
        ),
        (". Get-S3Bucket -ProfileName p", "Get-S3Bucket", "Get-S3Bucket", ".", None, False),
        (
            "AWS.Tools.Common\\Set-AWSCredential -ProfileName p",
            "Set-AWSCredential",
            "AWS.Tools.Common\\Set-AWSCredential",
            None,
            "AWS.Tools.Common",
            False,
        ),
        (
            "Set-AWSCredentials -ProfileName p",
            "Set-AWSCredential",
            "Set-AWSCredentials",
            None,
            None,
            True,
        ),
        ("Assume-STSRole -ProfileName p", "Use-STSRole", "Assume-STSRole", None, None, True),
    ],
)
def test_command_names(
    src: str, canonical: str, written: str, op: str | None, module: str | None, legacy: bool
) -> None:
    call = one(src)
    assert call.name == canonical
    assert call.written_name == written
    assert call.invocation_operator == op
    assert call.module == module
    assert call.legacy_alias is legacy
    assert call.parameter("ProfileName") is not None


def test_dynamic_command_name_is_ignored() -> None:
    assert calls("& $cmd -ProfileName p") == []
    assert calls('& "Get-$n" -ProfileName p') == []


def test_other_commands_are_ignored() -> None:
    assert (
        calls("Get-Item x; Get-Process -Name p | Sort-Object; Write-Host -Object 'Get-EC2Instance'")
        == []
    )


def test_context_of_nested_calls() -> None:
    src = (
        "function Deploy {\n"
        "  if ($a) { Get-EC2Instance -ProfileName a }\n"
        "  else { foreach ($x in 1..3) { Get-S3Bucket -ProfileName b } }\n"
        "}\n"
        "1..2 | ForEach-Object { Get-IAMUser -ProfileName c }\n"
        "try { Get-SQSQueue } catch { Get-SNSTopic }\n"
        "while ($true) { Get-KMSKey }\n"
        "Get-STSCallerIdentity\n"
    )
    got = [
        (c.name, tuple(ctx.kind for ctx in c.context), c.function, c.pipeline_input)
        for c in calls(src)
    ]
    assert got == [
        ("Get-EC2Instance", ("function", "if"), "Deploy", False),
        ("Get-S3Bucket", ("function", "else", "foreach"), "Deploy", False),
        ("Get-IAMUser", ("scriptblock",), None, False),
        ("Get-SQSQueue", ("try",), None, False),
        ("Get-SNSTopic", ("catch",), None, False),
        ("Get-KMSKey", ("while",), None, False),
        ("Get-STSCallerIdentity", (), None, False),
    ]


def test_pipeline_input() -> None:
    got = [
        (c.name, c.pipeline_input)
        for c in calls("Get-EC2Instance | Stop-EC2Instance\n$x | Get-S3Bucket")
    ]
    assert got == [("Get-EC2Instance", False), ("Stop-EC2Instance", True), ("Get-S3Bucket", True)]


def test_calls_are_in_document_order_and_ranges_are_right() -> None:
    src = "$x = Get-EC2Instance -ProfileName a\nWrite-Host (Get-S3Bucket -ProfileName b)\n"
    found = calls(src)
    assert [c.name for c in found] == ["Get-EC2Instance", "Get-S3Bucket"]
    assert found[0].range == Range(Position(0, 5), Position(0, 35))
    assert found[0].name_range == Range(Position(0, 5), Position(0, 20))
    assert found[1].range.start == Position(1, 12)


def test_stop_parsing_token_ends_binding() -> None:
    call = one("Get-EC2Instance -ProfileName a --% -Region x")
    assert call.parameter("Region") is None


def test_unknown_parameter_is_recorded_with_its_value() -> None:
    call = one("Get-EC2Instance -InstanceId i-123 -ProfileName p")
    assert [u.written for u in call.unknown] == ["InstanceId"]
    assert call.parameter("ProfileName") is not None


def test_parameter_sets_after_binding() -> None:
    assert one("Set-AWSCredential -AccessKey a -SecretKey b").parameter_sets == ("BasicOrSession",)
    assert one("Set-AWSCredential -ProfileName p -StoreAs q").parameter_sets == ("StoredProfile",)
    assert one("Get-AWSCredential -ListProfileDetail").parameter_sets == ("ListDetail",)
