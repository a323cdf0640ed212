"""CRED210 and CRED408-CRED410 (credls.rules.script_p2) through the real script analysis.

Scripts mark their expected findings like the corpus does (``# expect: CODE``),
and every finding of a script is compared, not only the P2 ones.
"""

from __future__ import annotations

import codecs
import random
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from script_helpers import (
    CORPUS,
    Workspace,
    analyze_bytes,
    analyze_text,
    digest,
    expected,
    found,
    make_workspace,
    platform_of,
)

from credls import analysis
from credls.diagnostic import Diagnostic, Severity, TextEdit
from credls.powershell.parser import PowerShellDocument
from credls.powershell.script import build_model
from credls.powershell.segments import analyse
from credls.rules import cmdlet_checks, script_p2
from credls.rules.context import CheckContext
from credls.rules.registry import get
from credls.settings import ModuleVersion, Platform
from credls.store.chain import StoreChain
from credls.text import LineIndex, Position

P2 = ("CRED210", "CRED408", "CRED409", "CRED410")
P2_CORPUS = sorted(p.name for p in (CORPUS / "p2").glob("*.ps1"))


@pytest.fixture(autouse=True)
def wired(monkeypatch: pytest.MonkeyPatch) -> None:
    """``check_p2`` runs inside ``check_model`` (a no-op once the lead has wired it in)."""
    if "check_p2" not in cmdlet_checks.check_model.__code__.co_names:
        original = cmdlet_checks.check_model
        monkeypatch.setattr(
            cmdlet_checks,
            "check_model",
            lambda model: original(model) + script_p2.check_p2(model),
        )


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return make_workspace(tmp_path)


def run(
    ws: Workspace,
    text: str,
    platform: Platform = Platform.LINUX,
    version: ModuleVersion = ModuleVersion.V4,
) -> list[Diagnostic]:
    settings = replace(ws.settings(platform), powershell_version=version)
    return analyze_text(ws.root / "case.ps1", text, settings)


def show(diags: list[Diagnostic]) -> str:
    return "\n".join(
        f"{d.range.start.line + 1}: {d.code} {d.message}"
        for d in sorted(diags, key=lambda d: d.sort_key)
    )


def only(diags: list[Diagnostic], code: str) -> Diagnostic:
    hits = [d for d in diags if d.code == code]
    assert len(hits) == 1, show(diags)
    return hits[0]


# --- the rules are declared as rules.md says ------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name", "severity"),
    [
        ("CRED210", "unknown-profile-store", Severity.INFORMATION),
        ("CRED408", "duplicate-parameter", Severity.ERROR),
        ("CRED409", "session-credentials-scope", Severity.INFORMATION),
        ("CRED410", "aws-profile-ignored", Severity.INFORMATION),
    ],
)
def test_declared_as_the_catalog_says(code: str, name: str, severity: Severity) -> None:
    r = get(code)
    assert r is not None
    assert (r.name, r.severity, r.example_language) == (name, severity, "powershell")
    assert get(name) is r
    assert "not reported yet" not in (r.summary + r.doc).lower()
    assert r.bad != r.good and "\n\n" not in r.doc


@pytest.mark.parametrize("code", P2)
def test_bad_example_fires_and_good_example_is_clean(code: str, ws: Workspace) -> None:
    r = get(code)
    assert r is not None
    assert code in {d.code for d in run(ws, r.bad)}, show(run(ws, r.bad))
    assert code not in {d.code for d in run(ws, r.good)}, show(run(ws, r.good))


# --- table: each rule fires where it should and is silent on the correct variants ------------

CASES: dict[str, str] = {
    # CRED408
    "408-name-and-alias": (
        "Get-S3Bucket -ProfileName prod -AWSProfileName prod  # expect: CRED408\n"
    ),
    "408-name-twice": "Get-S3Bucket -Region eu-west-1 -Region us-east-1  # expect: CRED408\n",
    "408-abbreviation": "Get-S3Bucket -ProfileN prod -ProfileName prod  # expect: CRED408\n",
    "408-splat-then-typed": (
        "$p = @{ ProfileName = 'prod' }\nGet-S3Bucket @p -ProfileName prod  # expect: CRED408\n"
    ),
    "408-typed-then-splat": (
        "$p = @{ ProfileName = 'prod' }\nGet-S3Bucket -ProfileName prod @p  # expect: CRED408\n"
    ),
    "408-two-splats": (
        "$a = @{ ProfileName = 'prod' }\n"
        "$b = @{ StoredCredentials = 'prod' }  # expect: CRED402\n"
        "Get-S3Bucket @a @b  # expect: CRED408\n"
    ),
    "408-one-table": (
        "$p = @{\n    ProfileName = 'prod'\n    AWSProfileName = 'prod'  # expect: CRED408\n}\n"
        "Get-S3Bucket @p\nGet-EC2Instance @p\n"
    ),
    "408-on-some-paths": (
        "$p = @{ ProfileName = 'prod' }\n"
        "if ($env:CI) { $p.AWSProfileName = 'ci' }  # expect: CRED408\nGet-S3Bucket @p\n"
    ),
    "408-clean-splat-and-other-parameter": (
        "$p = @{ ProfileName = 'prod' }\nGet-S3Bucket @p -Region eu-west-1\n"
    ),
    "408-clean-default-values": (
        "$PSDefaultParameterValues['*:ProfileName'] = 'prod'\nGet-S3Bucket -ProfileName staging\n"
    ),
    "408-clean-7.1-override": (
        "#Requires -Version 7.1\n$p = @{ ProfileName = 'prod' }\n"
        "Get-S3Bucket @p -ProfileName staging\n"
    ),
    "408-two-splats-on-7.4": (
        "#Requires -Version 7.4\n$a = @{ ProfileName = 'prod' }\n$b = @{ ProfileName = 'prod' }\n"
        "Get-S3Bucket @a @b  # expect: CRED408\n"
    ),
    "408-clean-unresolved-splat": (
        "function Get-Wrapped {\n    param($ProfileName)\n"
        "    Get-S3Bucket @PSBoundParameters -Region eu-west-1\n}\n"
    ),
    # CRED409
    "409-function": (
        "function Use-Prod {\n    Set-AWSCredential -ProfileName prod  # expect: CRED409\n}\n"
    ),
    "409-legacy-alias": (
        "function Use-Prod {\n"
        "    Set-AWSCredentials -ProfileName prod  # expect: CRED401, CRED409\n}\n"
    ),
    "409-in-a-branch": (
        "function Use-Prod {\n    param([switch]$Now)\n"
        "    if ($Now) { Set-AWSCredential -ProfileName prod }  # expect: CRED409\n}\n"
    ),
    "409-keys": (
        "function Use-Keys {\n    param($Ak, $Sk)\n"
        "    Set-AWSCredential -AccessKey $Ak -SecretKey $Sk  # expect: CRED409\n}\n"
    ),
    "409-clean-scope-global": (
        "function Use-Prod {\n    Set-AWSCredential -ProfileName prod -Scope Global\n}\n"
    ),
    "409-clean-scope-local": (
        "function Use-Prod {\n    Set-AWSCredential -ProfileName prod -Scope Local\n}\n"
    ),
    "409-clean-scope-default-value": (
        "$PSDefaultParameterValues['Set-AWSCredential:Scope'] = 'Global'\n"
        "function Use-Prod {\n    Set-AWSCredential -ProfileName prod\n}\n"
    ),
    "409-clean-store-as": (
        "function Save-Prod {\n    Set-AWSCredential -ProfileName prod -StoreAs copy\n}\n"
    ),
    "409-clean-top-level": "Set-AWSCredential -ProfileName prod\nGet-S3Bucket\n",
    "409-clean-script-block": "$use = { Set-AWSCredential -ProfileName prod }\n& $use\n",
    "409-clean-other-cmdlet": "function Show-Prod {\n    Get-S3Bucket -ProfileName prod\n}\n",
    # CRED410
    "410-assignment": "$env:AWS_PROFILE = 'prod'  # expect: CRED410\nGet-S3Bucket\n",
    "410-braced-lower-case": "${env:aws_profile} = 'prod'  # expect: CRED410\nGet-S3Bucket\n",
    "410-set-item": "Set-Item -Path env:AWS_PROFILE -Value prod  # expect: CRED410\nGet-S3Bucket\n",
    "410-new-item-alias": "ni Env:\\AWS_PROFILE -Value prod  # expect: CRED410\nGet-S3Bucket\n",
    "410-set-environment-variable": (
        "[System.Environment]::SetEnvironmentVariable('AWS_PROFILE', 'prod', 'Process')"
        "  # expect: CRED410\nGet-S3Bucket\n"
    ),
    "410-in-a-function-before-calls": (
        "function Use-Prod { $env:AWS_PROFILE = 'prod' }  # expect: CRED410\n"
        "Use-Prod\nGet-S3Bucket\n"
    ),
    "410-import-v4": (
        "Import-Module AWS.Tools.S3 -RequiredVersion 4.1.500\n"
        "$env:AWS_PROFILE = 'prod'  # expect: CRED410\nGet-S3Bucket\n"
    ),
    "410-clean-no-later-call": "Get-S3Bucket\n$env:AWS_PROFILE = 'prod'\n",
    "410-clean-later-calls-name-credentials": (
        "$env:AWS_PROFILE = 'prod'\nGet-S3Bucket -ProfileName prod\n"
        "Get-S3Bucket -AccessKey $env:K -SecretKey $env:S\n"
    ),
    "410-clean-requires-v5": (
        "#Requires -Modules @{ ModuleName = 'AWS.Tools.Common'; RequiredVersion = '5.0.0' }\n"
        "$env:AWS_PROFILE = 'prod'\nGet-S3Bucket\n"
    ),
    "410-clean-import-v5": (
        "$env:AWS_PROFILE = 'prod'\nImport-Module AWS.Tools.Common -RequiredVersion 5.1.0\n"
        "Get-S3Bucket\n"
    ),
    "410-clean-cleared": "$env:AWS_PROFILE = ''\nGet-S3Bucket\n",
    "410-clean-removed-before-call": (
        "$env:AWS_PROFILE = 'prod'\nRemove-Item env:AWS_PROFILE\nGet-S3Bucket\n"
    ),
    "410-clean-user-target": (
        "[Environment]::SetEnvironmentVariable('AWS_PROFILE', 'prod', 'User')\nGet-S3Bucket\n"
    ),
    "410-clean-read-only": (
        'Write-Host "profile: $env:AWS_PROFILE"\nGet-S3Bucket -ProfileName $env:AWS_PROFILE\n'
    ),
    "410-clean-comment": "# $env:AWS_PROFILE = 'prod'\nGet-S3Bucket\n",
    "410-clean-other-variable": "$env:AWS_PROFILE_NAME = 'prod'\nGet-S3Bucket\n",
    # CRED210
    "210-environment": (
        "Get-S3Bucket -ProfileName ci -ProfileLocation $env:CREDS  # expect: CRED210\n"
    ),
    "210-parameter": (
        "param($Creds)\nGet-S3Bucket -ProfileName ci -ProfileLocation $Creds  # expect: CRED210\n"
    ),
    "210-some-paths": (
        "if ($env:CI) { $c = './ci/credentials' }\n"
        "Get-S3Bucket -ProfileName ci -ProfileLocation $c  # expect: CRED210\n"
    ),
    "210-command-output": (
        "Get-S3Bucket -ProfileLocation (Get-Item ./ci/credentials)  # expect: CRED210\n"
    ),
    "210-splat": (
        "$p = @{ ProfileName = 'ci'; ProfileLocation = $env:CREDS }\n"
        "Get-S3Bucket @p  # expect: CRED210\nGet-EC2Instance @p  # expect: CRED210\n"
    ),
    "210-default-values": (
        "$PSDefaultParameterValues['*:ProfileLocation'] = $env:CREDS  # expect: CRED210\n"
        "Get-S3Bucket -ProfileName ci\nGet-EC2Instance -ProfileName ci\n"
    ),
    "210-alias": "Get-S3Bucket -AWSProfilesLocation $env:CREDS  # expect: CRED210\n",
    "210-clean-literal": "Get-S3Bucket -ProfileName ci -ProfileLocation ./ci/credentials\n",
    "210-clean-script-root": (
        'Get-S3Bucket -ProfileName ci -ProfileLocation "$PSScriptRoot/ci/credentials"\n'
    ),
    "210-clean-variable-with-literal": (
        "$c = './ci/credentials'\nGet-S3Bucket -ProfileName ci -ProfileLocation $c\n"
    ),
    "210-clean-no-location": "Get-S3Bucket -ProfileName prod\n",
    "210-clean-missing-value": "Get-S3Bucket -ProfileLocation  # expect: CRED407\n",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_table(case: str, ws: Workspace) -> None:
    text = CASES[case]
    diags = run(ws, text)
    assert found(diags) == expected(text), show(diags)


def test_table_has_clean_variants_for_every_rule() -> None:
    for code in P2:
        prefix = code[-3:]
        assert any(k.startswith(f"{prefix}-clean") for k in CASES), code
        assert any(k.startswith(prefix) and "clean" not in k for k in CASES), code


# --- CRED408 details ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "severity", "says"),
    [
        ("", Severity.WARNING, "PowerShell 7.1 and later use the explicit value"),
        ("#Requires -Version 5.1\n", Severity.WARNING, "Windows PowerShell 5.1"),
        ("#Requires -PSEdition Desktop\n", None, "Windows PowerShell 5.1 stops"),
        ("#Requires -Version 7.0\n", Severity.WARNING, "before 7.1"),
    ],
)
def test_explicit_and_splatted(
    header: str, severity: Severity | None, says: str, ws: Workspace
) -> None:
    text = f"{header}$p = @{{ ProfileName = 'prod' }}\nGet-S3Bucket @p -ProfileName staging\n"
    d = only(run(ws, text), "CRED408")
    assert d.severity is severity
    assert says in d.message
    assert "specified more than once" in d.message


def test_duplicate_ranges_and_related(ws: Workspace) -> None:
    text = "$p = @{ ProfileName = 'prod' }\nGet-S3Bucket -AWSProfileName staging @p\n"
    d = only(run(ws, text), "CRED408")
    index = LineIndex(text)
    assert text[index.offset(d.range.start) : index.offset(d.range.end)] == "@p"
    spans = [text[index.offset(r.range.start) : index.offset(r.range.end)] for r in d.related]
    assert spans == ["-AWSProfileName", "ProfileName"]
    assert "its alias -AWSProfileName" in d.message and "splat key 'ProfileName' of @p" in d.message

    typed = "Get-S3Bucket -ProfileName prod -AWSProfileName staging\n"
    d = only(run(ws, typed), "CRED408")
    assert d.severity is None  # the registry default: error
    assert (d.range.start.character, d.related[0].range.start.character) == (31, 13)


def test_two_calls_sharing_one_bad_table_report_once(ws: Workspace) -> None:
    text = "$p = @{ ProfileName = 'prod'; AWSProfileName = 'x' }\nGet-S3Bucket @p\nGet-EC2Vpc @p\n"
    d = only(run(ws, text), "CRED408")
    assert d.range.start.line == 0


# --- CRED409 details ------------------------------------------------------------------------


def test_scope_fix_adds_scope_global_and_clears_the_finding(ws: Workspace) -> None:
    text = "function Use-Prod {\n    Set-AWSCredential -ProfileName prod\n    Get-S3Bucket\n}\n"
    d = only(run(ws, text), "CRED409")
    assert "Use-Prod" in d.message and "-Scope Global" in d.message
    assert d.fix is not None and not d.fix.unattended  # changes what the script does
    fixed = apply(text, d.fix.edits)
    assert "Set-AWSCredential -Scope Global -ProfileName prod" in fixed
    assert not PowerShellDocument(fixed).has_errors
    assert not [x for x in run(ws, fixed) if x.code == "CRED409"]


def apply(text: str, edits: tuple[TextEdit, ...]) -> str:
    index = LineIndex(text)
    for e in sorted(edits, key=lambda e: index.offset(e.range.start), reverse=True):
        text = text[: index.offset(e.range.start)] + e.new_text + text[index.offset(e.range.end) :]
    return text


# --- CRED410 details ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("platform", "version", "fires"),
    [
        (Platform.LINUX, ModuleVersion.V4, True),
        (Platform.WINDOWS, ModuleVersion.V4, True),
        (Platform.LINUX, ModuleVersion.V5, False),
        (Platform.WINDOWS, ModuleVersion.V5, False),
    ],
)
def test_aws_profile_follows_the_version_setting(
    platform: Platform, version: ModuleVersion, fires: bool, ws: Workspace
) -> None:
    text = "$env:AWS_PROFILE = 'prod'\nGet-S3Bucket\nGet-EC2Instance\n"
    codes = [d.code for d in run(ws, text, platform, version)]
    assert codes.count("CRED410") == (1 if fires else 0)


def test_aws_profile_message_names_the_call_and_the_module(ws: Workspace) -> None:
    text = (
        "#Requires -Modules @{ ModuleName = 'AWS.Tools.Common'; ModuleVersion = '4.1.0' }\n"
        "$env:AWS_PROFILE = 'prod'\nGet-S3Bucket\nGet-EC2Instance\nGet-EC2Vpc\n"
    )
    d = only(run(ws, text), "CRED410")
    assert "Get-S3Bucket on line 3 (and 2 other calls after it)" in d.message
    assert "#Requires AWS.Tools.Common 4.1.0 on line 1" in d.message
    assert [r.range.start.line for r in d.related] == [2, 0]
    assert (d.range.start.line, d.range.start.character, d.range.end.character) == (1, 0, 16)


@pytest.mark.parametrize(
    ("platform", "noted"),
    [(Platform.LINUX, True), (Platform.MACOS, True), (Platform.WINDOWS, False)],
)
def test_lower_case_name_is_noted_where_names_are_case_sensitive(
    platform: Platform, noted: bool, ws: Workspace
) -> None:
    d = only(run(ws, "$env:aws_profile = 'prod'\nGet-S3Bucket\n", platform), "CRED410")
    assert ("case-sensitive" in d.message) is noted


def test_a_later_write_takes_over(ws: Workspace) -> None:
    text = (
        "$env:AWS_PROFILE = 'a'\nImport-Module AWS.Tools.Common -RequiredVersion 5.0.0\n"
        "Get-S3Bucket\nImport-Module AWS.Tools.Common -RequiredVersion 4.1.0\n"
        "$env:AWS_PROFILE = 'b'  # expect: CRED410\nGet-S3Bucket\n"
    )
    diags = run(ws, text)
    assert found(diags) == expected(text), show(diags)


# --- CRED210 details ------------------------------------------------------------------------


def test_unknown_store_is_at_the_value_with_the_reason(ws: Workspace) -> None:
    text = "param($Creds)\nGet-S3Bucket -ProfileName nosuch -ProfileLocation $Creds\n"
    diags = run(ws, text)
    d = only(diags, "CRED210")
    assert d.severity is None  # the registry default: information, never an error
    assert "parameter $Creds has no default value" in d.message
    assert (d.range.start.line, d.range.start.character, d.range.end.character) == (1, 50, 56)
    assert "CRED201" not in {x.code for x in diags}  # the profile is not guessed at


def test_unknown_store_through_a_splat_points_at_the_call(ws: Workspace) -> None:
    text = "$p = @{ ProfileLocation = $env:CREDS }\nGet-S3Bucket @p\n"
    d = only(run(ws, text), "CRED210")
    assert (d.range.start.line, d.range.start.character) == (1, 13)
    assert [r.range.start.line for r in d.related] == [0]


# --- the P2 corpus --------------------------------------------------------------------------


@pytest.mark.parametrize("name", P2_CORPUS)
def test_p2_corpus_findings_exact(name: str, ws: Workspace) -> None:
    path = ws.root / "p2" / name
    text = path.read_text(encoding="utf-8")
    diags = analyze_text(path, text, ws.settings(platform_of(text)))
    assert found(diags) == expected(text), show(diags)


def test_p2_corpus_exercises_every_rule() -> None:
    codes: set[str] = set()
    for name in P2_CORPUS:
        codes |= {code for _, code in expected((CORPUS / "p2" / name).read_text(encoding="utf-8"))}
    assert codes >= set(P2)
    assert len(P2_CORPUS) >= 3


ENCODINGS = {
    "utf-16-le-bom": lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
    "utf-16-be-bom-crlf": lambda t: (
        codecs.BOM_UTF16_BE + t.replace("\n", "\r\n").encode("utf-16-be")
    ),
    "utf-8-bom-crlf": lambda t: codecs.BOM_UTF8 + t.replace("\n", "\r\n").encode("utf-8"),
}


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
@pytest.mark.parametrize("name", P2_CORPUS)
def test_encoded_copies_give_the_same_findings(name: str, encoding: str, ws: Workspace) -> None:
    original = ws.root / "p2" / name
    text = original.read_text(encoding="utf-8")
    settings_ = ws.settings(platform_of(text))
    want = [x for x in digest(analyze_text(original, text, settings_)) if x[0] != "CRED108"]
    copy = original.with_name(f"{original.stem}.{encoding}.ps1")
    data = ENCODINGS[encoding](text)
    copy.write_bytes(data)
    got = [x for x in digest(analyze_bytes(copy, data, settings_)) if x[0] != "CRED108"]
    assert got == want
    marked = {code for _, code in expected(text)} & set(P2)
    assert {x[0] for x in got} & set(P2) == marked


# --- selection by name, through the Workspace that `check` and the server use ---------------

MIXED = (
    "$env:AWS_PROFILE = 'prod'\n"
    "function Use-Prod { Set-AWSCredential -ProfileName prod }\n"
    "Get-S3Bucket -ProfileName prod -AWSProfileName prod\n"
    "Get-S3Bucket -ProfileLocation $env:CREDS\n"
)
NAMES = {
    "CRED210": "unknown-profile-store",
    "CRED408": "duplicate-parameter",
    "CRED409": "session-credentials-scope",
    "CRED410": "aws-profile-ignored",
}


def workspace_findings(ws: Workspace, **changes: list[str]) -> set[str]:
    settings_ = replace(ws.settings(), **changes)  # type: ignore[arg-type]
    path = ws.root / "mixed.ps1"
    path.write_text(MIXED, encoding="utf-8")
    w = analysis.Workspace(settings_, root=str(ws.root))
    diags = w.analyze_bytes(MIXED.encode("utf-8"), str(path), fs_path=str(path))
    assert diags is not None and not w.errors
    return {d.code for d in diags}


def test_mixed_script_fires_each_rule(ws: Workspace) -> None:
    assert workspace_findings(ws) >= set(P2)


@pytest.mark.parametrize("code", P2)
def test_select_by_name(code: str, ws: Workspace) -> None:
    assert workspace_findings(ws, select=[NAMES[code]]) == {code}


@pytest.mark.parametrize("code", P2)
def test_ignore_by_name(code: str, ws: Workspace) -> None:
    got = workspace_findings(ws, ignore=[NAMES[code]])
    assert code not in got and got >= set(P2) - {code}


@pytest.mark.parametrize("code", P2)
def test_suppression_comment_by_name(code: str, ws: Workspace) -> None:
    lines = MIXED.splitlines()
    line = {"CRED410": 0, "CRED409": 1, "CRED408": 2, "CRED210": 3}[code]
    lines[line] += f"  # credls: ignore[{NAMES[code]}]"
    text = "\n".join(lines) + "\n"
    path = ws.root / "suppressed.ps1"
    w = analysis.Workspace(ws.settings(), root=str(ws.root))
    diags = w.analyze_bytes(text.encode("utf-8"), str(path), fs_path=str(path))
    assert diags is not None
    codes = {d.code for d in diags}
    assert code not in codes and codes >= set(P2) - {code}


# --- secrets never reach a message; input never breaks the rules -----------------------------

SECRET = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+",
    min_size=40,
    max_size=40,
)


def _messages(diags: list[Diagnostic]) -> Iterator[str]:
    for d in diags:
        yield d.message
        yield repr(d)
        yield from (r.message for r in d.related)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=SECRET, second=SECRET, token=SECRET)
def test_duplicated_secrets_are_never_shown(
    first: str, second: str, token: str, ws: Workspace
) -> None:
    text = (
        f"Get-S3Bucket -AccessKey $env:AK -SecretKey '{first}' -SK '{second}'\n"
        f"$p = @{{ SessionToken = '{token}' }}\nGet-S3Bucket @p -ST '{token[::-1]}'\n"
        f"$env:AWS_PROFILE = '{first}'\nGet-S3Bucket\n"
    )
    diags = run(ws, text)
    assert sum(d.code == "CRED408" for d in diags) == 2, show(diags)
    assert any(d.code == "CRED410" for d in diags)
    for message in _messages(diags):
        for secret in (first, second, token, token[::-1]):
            assert secret not in message


TOKENS = st.sampled_from(
    [
        "Set-AWSCredential",
        "Get-S3Bucket",
        "-ProfileName",
        "-AWSProfileName",
        "-ProfileLocation",
        "-Scope",
        "Global",
        "prod",
        "@p",
        "$p = @{ ProfileName = 'x' }",
        "$env:AWS_PROFILE",
        "=",
        "'v'",
        "$null",
        "function F {",
        "}",
        "{",
        "(",
        ")",
        "[Environment]::SetEnvironmentVariable(",
        "'AWS_PROFILE',",
        "Set-Item",
        "env:AWS_PROFILE",
        "\n",
        " ",
        "#",
        '"',
        "'",
        "`",
        "$env:X",
        "#Requires -Version 7.1\n",
        "Import-Module AWS.Tools.Common -RequiredVersion 4.0.0\n",
    ]
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(parts=st.lists(TOKENS, max_size=30))
def test_any_token_soup_is_handled(parts: list[str], ws: Workspace) -> None:
    text = " ".join(parts)
    settings_ = ws.settings()
    document = PowerShellDocument(text)
    model = build_model(str(ws.root / "soup.ps1"), document, CheckContext(settings_, None))
    for d in script_p2.check_p2(model):
        assert d.code in P2
        assert d.range.start <= d.range.end
        assert 0 <= d.range.start.line <= text.count("\n")


# --- re-analysis after edits (the language server) keeps only what is still true -------------

EDITED = (
    "param($Creds)\n"
    "$c = '../ci/credentials'\n"
    "$p = @{ ProfileName = 'ci'; ProfileLocation = $c }\n"
    "Get-S3Bucket -ProfileName ci -ProfileLocation $c\n"
    "Get-S3Bucket @p\n"
    "Get-S3Bucket -ProfileName ci -ProfileLocation $Creds\n"
    "function Use-Ci { Set-AWSCredential -ProfileName ci }\n"
    "$env:AWS_PROFILE = 'ci'\n"
    "Get-S3Bucket -ProfileName ci -AWSProfileName ci\n"
    "Get-EC2Instance\n"
)
EDIT_SNIPPETS = [
    "\n",
    "x",
    "#",
    " ",
    "'",
    "{",
    "}",
    "$env:X",
    "$c = $env:CREDS\n",
    "-Scope Global ",
    "$p.ProfileLocation = $Creds\n",
    "#Requires -Version 7.1\n",
    "$env:AWS_PROFILE = ''\n",
]


def p2_of(path: str, doc: PowerShellDocument, ctx: CheckContext) -> list[Diagnostic]:
    """check_p2 alone, on ``doc`` as it is now (kept verdicts are used when valid)."""
    found = script_p2.check_p2(build_model(path, doc, ctx))
    return sorted(found, key=lambda d: (d.sort_key, d.message))


@pytest.fixture
def ctx(ws: Workspace) -> CheckContext:
    settings_ = ws.settings()
    return CheckContext(settings_, StoreChain.from_settings(settings_, env={}))


def test_a_location_variable_turning_dynamic_is_seen(ws: Workspace, ctx: CheckContext) -> None:
    path = str(ws.root / "edited.ps1")
    doc = PowerShellDocument(EDITED)
    before = [d for d in p2_of(path, doc, ctx) if d.code == "CRED210"]
    assert [d.range.start.line for d in before] == [5]
    kept = analyse(doc).kept["script_p2"]
    assert len(kept.entries) == 2  # type: ignore[attr-defined]  # the two static locations
    doc.apply_edit(Position(1, 5), Position(1, 24), "$env:CREDS")
    after = [d for d in p2_of(path, doc, ctx) if d.code == "CRED210"]
    assert [d.range.start.line for d in after] == [3, 4, 5]
    fresh = p2_of(path, PowerShellDocument(doc.text), ctx)
    assert after == [d for d in fresh if d.code == "CRED210"]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10_000), steps=st.integers(1, 10))
def test_kept_verdicts_equal_a_fresh_analysis(
    seed: int, steps: int, ws: Workspace, ctx: CheckContext
) -> None:
    path = str(ws.root / "edited.ps1")
    rnd = random.Random(seed)
    doc = PowerShellDocument(EDITED)
    p2_of(path, doc, ctx)
    for _ in range(steps):
        lines = doc.text.split("\n")
        line = rnd.randrange(len(lines))
        col = rnd.randrange(len(lines[line]) + 1)
        end = min(col + rnd.randrange(4), len(lines[line])) if rnd.random() < 0.4 else col
        doc.apply_edit(Position(line, col), Position(line, end), rnd.choice(EDIT_SNIPPETS))
        assert p2_of(path, doc, ctx) == p2_of(path, PowerShellDocument(doc.text), ctx), doc.text
