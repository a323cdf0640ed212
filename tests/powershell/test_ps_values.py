"""Static and dynamic values of parameter arguments (values.py)."""

from __future__ import annotations

import pytest
from ps_helpers import one

from credls.powershell.values import Dynamic, DynamicKind, LiteralKind, Static
from credls.text import Position, Range


def profile_value(src: str) -> Static | Dynamic:
    call = one(src)
    b = call.parameter("ProfileName")
    assert b is not None and b.value is not None
    return b.value


@pytest.mark.parametrize(
    ("arg", "text", "kind"),
    [
        ("'prod'", "prod", LiteralKind.VERBATIM),
        ("'it''s'", "it's", LiteralKind.VERBATIM),
        # Typographic quotes are quotes to PowerShell: doubled, they stand for the second.
        ("'\u2018\u2018'", "\u2018", LiteralKind.VERBATIM),
        ('"a\u201c\u201db"', "a\u201db", LiteralKind.EXPANDABLE),
        ("'a $x b'", "a $x b", LiteralKind.VERBATIM),
        ('"prod"', "prod", LiteralKind.EXPANDABLE),
        ('"a`tb"', "a\tb", LiteralKind.EXPANDABLE),
        ('"say ""hi"""', 'say "hi"', LiteralKind.EXPANDABLE),
        ('"cost `$5"', "cost $5", LiteralKind.EXPANDABLE),
        ("@'\nline $x\n'@", "line $x", LiteralKind.VERBATIM_HERE),
        ('@"\nplain\n"@', "plain", LiteralKind.EXPANDABLE_HERE),
        ("prod", "prod", LiteralKind.BARE),
        ("C:\\aws\\credentials", "C:\\aws\\credentials", LiteralKind.BARE),
        ("~/.aws/credentials", "~/.aws/credentials", LiteralKind.BARE),
        ("ünï", "ünï", LiteralKind.BARE),
        ("42", "42", LiteralKind.NUMBER),
        ("$true", "True", LiteralKind.BOOLEAN),
        ("$null", "", LiteralKind.NULL),
        ("('prod')", "prod", LiteralKind.VERBATIM),
    ],
)
def test_literals(arg: str, text: str, kind: LiteralKind) -> None:
    value = profile_value(f"Get-EC2Instance -ProfileName {arg}")
    assert isinstance(value, Static)
    assert (value.text, value.kind) == (text, kind)
    assert not value.from_param_default


@pytest.mark.parametrize(
    ("src", "kind"),
    [
        ("Get-EC2Instance -ProfileName $env:AWS_PROFILE", DynamicKind.ENVIRONMENT),
        ('Get-EC2Instance -ProfileName "p-$env:STAGE"', DynamicKind.INTERPOLATED),
        ('Get-EC2Instance -ProfileName "p-$($x)"', DynamicKind.INTERPOLATED),
        ('Get-EC2Instance -ProfileName @"\n$x\n"@', DynamicKind.INTERPOLATED),
        ("Get-EC2Instance -ProfileName p$x", DynamicKind.INTERPOLATED),
        ("Get-EC2Instance -ProfileName $(Get-Name)", DynamicKind.SUBEXPRESSION),
        ("Get-EC2Instance -ProfileName (Get-Name)", DynamicKind.COMMAND),
        ("Get-Names | % { Get-EC2Instance -ProfileName $_ }", DynamicKind.PIPELINE),
        ("Get-EC2Instance -ProfileName $cfg.Profile", DynamicKind.EXPRESSION),
        ("Get-EC2Instance -ProfileName $names[0]", DynamicKind.EXPRESSION),
        ("Get-EC2Instance -ProfileName ('a' + 'b')", DynamicKind.EXPRESSION),
        ("Get-EC2Instance -ProfileName $undefined", DynamicKind.VARIABLE),
        ("Get-EC2Instance -ProfileName $HOME", DynamicKind.AUTOMATIC),
        ("Get-EC2Instance -ProfileName $p\n$p = 'late'", DynamicKind.VARIABLE),
        (
            "$p = 'a'\nif ($c) { $p = 'b' }\nGet-EC2Instance -ProfileName $p",
            DynamicKind.CONDITIONAL,
        ),
        (
            "if ($c) { $p = 'b' } else { $p = 'c' }\nGet-EC2Instance -ProfileName $p",
            DynamicKind.CONDITIONAL,
        ),
        (
            "$p = 'a'\nforeach ($i in 1..2) { $p = \"x$i\" }\nGet-EC2Instance -ProfileName $p",
            DynamicKind.CONDITIONAL,
        ),
        (
            "$p = 'a'\nwhile ($t) { Get-EC2Instance -ProfileName $p; $p = 'b' }",
            DynamicKind.CONDITIONAL,
        ),
        ("foreach ($p in 'a','b') { Get-EC2Instance -ProfileName $p }", DynamicKind.CONDITIONAL),
        ("$p = 'a'\n$p += 'b'\nGet-EC2Instance -ProfileName $p", DynamicKind.EXPRESSION),
        ("$p = Read-Host\nGet-EC2Instance -ProfileName $p", DynamicKind.COMMAND),
        ("param($p)\nGet-EC2Instance -ProfileName $p", DynamicKind.PARAMETER),
        ("function f([string]$p) { Get-EC2Instance -ProfileName $p }", DynamicKind.PARAMETER),
        (
            "$p = 'a'\nfunction f { $p = 'b' }\nfunction g { $p = 'c' }\n"
            "function h { Get-EC2Instance -ProfileName $p }\n$p = 'd'",
            DynamicKind.VARIABLE,
        ),
        ("Get-EC2Instance -ProfileName {'a'}", DynamicKind.SCRIPTBLOCK),
        ("Get-EC2Instance -ProfileName 'a','b'", DynamicKind.ARRAY),
    ],
)
def test_dynamic_values(src: str, kind: DynamicKind) -> None:
    value = profile_value(src)
    assert isinstance(value, Dynamic), value
    assert value.kind is kind
    assert value.reason


def test_environment_variable_detail() -> None:
    value = profile_value("Get-EC2Instance -ProfileName $env:AWS_PROFILE")
    assert isinstance(value, Dynamic) and value.detail == "AWS_PROFILE"


def test_interpolated_string_keeps_template() -> None:
    value = profile_value(
        'Get-EC2Instance -ProfileLocation "$HOME\\.aws\\creds" -ProfileName "$HOME\\x"'
    )
    assert isinstance(value, Dynamic) and value.detail == "$HOME\\x"


@pytest.mark.parametrize(
    ("src", "text"),
    [
        ("$p = 'prod'\nGet-EC2Instance -ProfileName $p", "prod"),
        ("$P = 'prod'\nGet-EC2Instance -ProfileName $p", "prod"),
        ("$a = 'prod'\n$p = $a\nGet-EC2Instance -ProfileName $p", "prod"),
        ("$p = 'a'\n$p = 'b'\nGet-EC2Instance -ProfileName $p", "b"),
        ("[string]$p = 'prod'\nGet-EC2Instance -ProfileName $p", "prod"),
        ("$script:p = 'prod'\nGet-EC2Instance -ProfileName $p", "prod"),
        ("$p = 'prod'\nGet-EC2Instance -ProfileName $script:p", "prod"),
        ("if ($c) { $p = 'x'; Get-EC2Instance -ProfileName $p }", "x"),
        ("$p = 'prod'\n1..3 | ForEach-Object { Get-EC2Instance -ProfileName $p }", "prod"),
        ("$p = 'prod'\nfunction f { Get-EC2Instance -ProfileName $p }\nf", "prod"),
        ("function f { $p = 'in'; Get-EC2Instance -ProfileName $p }\n$p = 'out'", "in"),
        ("$p = 'a'\nif ($c) { $q = 'b' }\nGet-EC2Instance -ProfileName $p", "a"),
    ],
)
def test_constant_propagation(src: str, text: str) -> None:
    value = profile_value(src)
    assert isinstance(value, Static), value
    assert value.text == text


def test_variable_value_remembers_literal_range() -> None:
    src = "$key = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'\nGet-S3Bucket -SecretKey $key"
    call = one(src)
    b = call.parameter("SecretKey")
    assert b is not None and isinstance(b.value, Static)
    assert b.value.range == Range(Position(0, 7), Position(0, 49))  # the literal
    assert b.value_range == Range(Position(1, 24), Position(1, 28))  # the use
    assert b.value.variable == "key"


@pytest.mark.parametrize(
    ("src", "text"),
    [
        ("param([string]$Profile = 'dev')\nGet-EC2Instance -ProfileName $Profile", "dev"),
        ('param($Name = "dev")\nGet-EC2Instance -ProfileName $Name', "dev"),
        ("function f {\n  param($n = 'dev')\n  Get-EC2Instance -ProfileName $n\n}", "dev"),
        ("function f($n = 'dev') { Get-EC2Instance -ProfileName $n }", "dev"),
    ],
)
def test_param_default(src: str, text: str) -> None:
    value = profile_value(src)
    assert isinstance(value, Static)
    assert value.text == text and value.from_param_default


def test_profile_automatic_variable_is_shadowed_by_parameter() -> None:
    value = profile_value("param($Profile = 'dev')\nGet-EC2Instance -ProfileName $Profile")
    assert isinstance(value, Static)
    unset = profile_value("Get-EC2Instance -ProfileName $Profile")
    assert isinstance(unset, Dynamic) and unset.kind is DynamicKind.AUTOMATIC


SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD"


@pytest.mark.parametrize(
    "src",
    [
        f"Get-S3Bucket -SecretKey '{SECRET}' -SessionToken {TOKEN}",
        f"$s = '{SECRET}'\nGet-S3Bucket -SK $s -ST '{TOKEN}'",
        f"$p = @{{ SecretKey = '{SECRET}'; SessionToken = '{TOKEN}' }}\nGet-S3Bucket @p",
        f"$PSDefaultParameterValues['*:SecretKey'] = '{SECRET}'\n"
        f"$PSDefaultParameterValues['*:SessionToken'] = '{TOKEN}'\nGet-S3Bucket",
        f"Set-AWSCredential -AccessKey AKIAIOSFODNN7EXAMPLE -SecretKey {SECRET}"
        f" -SessionToken:{TOKEN} -StoreAs x",
    ],
)
def test_secrets_never_appear_in_reprs(src: str) -> None:
    call = one(src)
    secret = call.parameter("SecretKey")
    assert secret is not None and isinstance(secret.value, Static)
    assert secret.value.text == SECRET  # the value is available to rules ...
    for text in (repr(call), str(call), repr(call.parameters), repr(secret.value)):
        assert SECRET not in text  # ... but never printed
        assert TOKEN not in text
