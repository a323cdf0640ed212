"""credls.navigation: profile occurrences, rename edits, and the cursor in a script."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credls.diagnostic import TextEdit
from credls.document import DocumentKind
from credls.ini.parser import parse as parse_ini
from credls.navigation import (
    USER_SCOPE,
    CursorKind,
    Occurrence,
    OccurrenceKind,
    Scope,
    ScopeKind,
    ScopeResolver,
    file_key,
    ini_occurrences,
    location_path,
    may_name_profiles,
    name_problem,
    occurrence_at,
    pair_scope,
    quote_for_script,
    rename_edit,
    rename_edits,
    script_cursor,
    script_occurrences,
    section_profile,
)
from credls.powershell.calls import find_calls
from credls.powershell.parser import PowerShellDocument
from credls.text import LineIndex, Position, Range


def apply(text: str, edits: list[TextEdit]) -> str:
    index = LineIndex(text)
    for e in sorted(edits, key=lambda e: e.range.start, reverse=True):
        a, b = index.offset(e.range.start), index.offset(e.range.end)
        text = text[:a] + e.new_text + text[b:]
    return text


def script_occ(text: str, path: str = "s.ps1") -> list[Occurrence]:
    doc = PowerShellDocument(text)
    return script_occurrences(find_calls(doc), path, doc.lines)


def written(text: str, rng: Range) -> str:
    index = LineIndex(text)
    return text[index.offset(rng.start) : index.offset(rng.end)]


# --- INI ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "header", "expected"),
    [
        (DocumentKind.CREDENTIALS, "[dev]", "dev"),
        (DocumentKind.CREDENTIALS, "[profile dev]", "profile dev"),  # file-format.md §4
        (DocumentKind.CONFIG, "[profile dev]", "dev"),
        (DocumentKind.CONFIG, "[default]", "default"),
        (DocumentKind.CONFIG, "[profile default]", "default"),
        (DocumentKind.CONFIG, "[dev]", None),
        (DocumentKind.CONFIG, "[sso-session corp]", None),
        (DocumentKind.CONFIG, "[services s3]", None),
        (DocumentKind.CREDENTIALS, "[]", None),
    ],
)
def test_section_profile(kind: DocumentKind, header: str, expected: str | None) -> None:
    ini = parse_ini(header + "\n")
    assert section_profile(ini.sections[0].header, kind) == expected


CONFIG = """[default]
region = us-east-1
[profile dev]
source_profile = base ; a comment
[profile ops]
source_profile=dev
[sso-session corp]
sso_region = us-east-1
"""


def test_ini_occurrences() -> None:
    occs = ini_occurrences(parse_ini(CONFIG), DocumentKind.CONFIG, "/c/config")
    got = [(o.kind, o.name, o.style, written(CONFIG, o.range), o.range.start.line) for o in occs]
    assert got == [
        (OccurrenceKind.SECTION, "default", "bare-default", "default", 0),
        (OccurrenceKind.SECTION, "dev", "header", "dev", 2),
        (OccurrenceKind.SOURCE_PROFILE, "base", "value", "base", 3),
        (OccurrenceKind.SECTION, "ops", "header", "ops", 4),
        (OccurrenceKind.SOURCE_PROFILE, "dev", "value", "dev", 5),
    ]
    assert all(o.path == "/c/config" for o in occs)
    assert [o.is_definition for o in occs] == [True, True, False, True, False]


# --- scripts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        pytest.param("Get-S3Bucket -ProfileName dev\n", [("dev", "ProfileName", "dev")], id="bare"),
        pytest.param(
            "Get-S3Bucket -ProfileName 'dev'\n", [("dev", "ProfileName", "dev")], id="single"
        ),
        pytest.param(
            'Get-S3Bucket -ProfileName "dev"\n', [("dev", "ProfileName", "dev")], id="double"
        ),
        pytest.param(
            "Get-S3Bucket -ProfileName:'dev'\n", [("dev", "ProfileName", "dev")], id="colon"
        ),
        pytest.param("Get-S3Bucket -ProfileN dev\n", [("dev", "ProfileName", "dev")], id="prefix"),
        pytest.param(
            "Get-S3Bucket -StoredCredentials dev\n", [("dev", "ProfileName", "dev")], id="alias"
        ),
        pytest.param("Set-AWSCredential dev\n", [("dev", "ProfileName", "dev")], id="positional"),
        pytest.param(
            "Remove-AWSCredentialProfile 'dev'\n", [("dev", "ProfileName", "dev")], id="remove"
        ),
        pytest.param(
            "$p = @{ ProfileName = 'dev' }\nGet-S3Bucket @p\nGet-EC2Instance @p\n",
            [("dev", "ProfileName", "dev")],
            id="splat-once",
        ),
        pytest.param(
            "$PSDefaultParameterValues = @{ '*:ProfileName' = 'dev' }\nGet-S3Bucket\n",
            [("dev", "ProfileName", "dev")],
            id="default-values",
        ),
        pytest.param(
            "$n = 'dev'\nGet-S3Bucket -ProfileName $n\n",
            [("dev", "ProfileName", "dev")],
            id="through-variable",
        ),
        pytest.param(
            "Get-S3Bucket -ProfileName 'it''s'\n",
            [("it's", "ProfileName", "it''s")],
            id="escaped",
        ),
        pytest.param(
            "Set-AWSCredential -ProfileName base -StoreAs copy\n",
            [("base", "ProfileName", "base"), ("copy", "StoreAs", "copy")],
            id="copy",
        ),
        pytest.param(
            "Set-AWSCredential -RoleArn r -SourceProfile base -StoreAs role\n",
            [("base", "SourceProfile", "base"), ("role", "StoreAs", "role")],
            id="source-profile",
        ),
        pytest.param(
            "Set-AWSSamlEndpoint -Endpoint e -StoreAs endpoint\n", [], id="endpoint-not-profile"
        ),
        pytest.param(
            "Get-S3Bucket -ProfileName $env:P\n", [(None, "ProfileName", "$env:P")], id="dynamic"
        ),
        pytest.param("Write-Host -ProfileName dev\n", [], id="not-aws"),
    ],
)
def test_script_occurrences(script: str, expected: list[tuple[str | None, str, str]]) -> None:
    occs = script_occ(script)
    assert [(o.name, o.parameter, written(script, o.range)) for o in occs] == expected
    for o in occs:
        assert o.in_script and not o.is_definition
        if o.name is None:
            assert o.reason
        assert o.kind is (
            OccurrenceKind.SCRIPT_CREATE if o.parameter == "StoreAs" else OccurrenceKind.SCRIPT_USE
        )


def test_script_occurrence_literal_keeps_the_quotes() -> None:
    script = "Get-S3Bucket -ProfileName 'dev'\n"
    [occ] = script_occ(script)
    assert occ.literal is not None
    assert written(script, occ.literal) == "'dev'" and written(script, occ.range) == "dev"
    assert occurrence_at([occ], Position(0, 26)) is occ  # on the opening quote
    assert occurrence_at([occ], Position(0, 5)) is None


def test_sso_configuration_creates_its_profile() -> None:
    [occ] = script_occ("Initialize-AWSSSOConfiguration -ProfileName sso -SessionName s\n")
    assert occ.kind is OccurrenceKind.SCRIPT_CREATE and occ.name == "sso"


# --- rename ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("dev", None),
        ("team a", None),
        ("AWS PS Default", None),
        ("", "empty"),
        (" dev", "white space"),
        ("dev\t", "white space"),
        ("a]b", "cannot contain ']'"),
        ("a[b", "cannot contain '['"),
        ("a#b", "cannot contain '#'"),
        ("a;b", "cannot contain ';'"),
        ("a\nb", "U+000A"),
    ],
)
def test_name_problem(name: str, problem: str | None) -> None:
    found = name_problem(name)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


@pytest.mark.parametrize(
    ("script", "new", "expected"),
    [
        ("Get-S3Bucket -ProfileName dev\n", "prod", "Get-S3Bucket -ProfileName prod\n"),
        ("Get-S3Bucket -ProfileName dev\n", "team a", "Get-S3Bucket -ProfileName 'team a'\n"),
        ("Get-S3Bucket -ProfileName 'dev'\n", "it's", "Get-S3Bucket -ProfileName 'it''s'\n"),
        ('Get-S3Bucket -ProfileName "dev"\n', "a$b", 'Get-S3Bucket -ProfileName "a`$b"\n'),
        ("Get-S3Bucket -ProfileName 'it''s'\n", "x", "Get-S3Bucket -ProfileName 'x'\n"),
        ('Get-S3Bucket -ProfileName "d`ev"\n', "x", "Get-S3Bucket -ProfileName 'x'\n"),
        (
            "$p = @{ ProfileName = 'dev' }\nGet-S3Bucket @p\n",
            "prod",
            "$p = @{ ProfileName = 'prod' }\nGet-S3Bucket @p\n",
        ),
    ],
)
def test_rename_script_literal(script: str, new: str, expected: str) -> None:
    assert apply(script, rename_edits(script_occ(script), new)) == expected


@pytest.mark.parametrize(
    ("kind", "text", "new", "expected"),
    [
        (DocumentKind.CONFIG, "[default]\n", "prod", "[profile prod]\n"),
        (DocumentKind.CONFIG, "[profile dev]\n", "default", "[profile default]\n"),
        (DocumentKind.CONFIG, "[profile  dev ]\n", "x", "[profile  x ]\n"),
        (DocumentKind.CREDENTIALS, "[dev]\n", "team a", "[team a]\n"),
        (
            DocumentKind.CONFIG,
            "[p]\nsource_profile = dev # c\n",
            "x",
            "[p]\nsource_profile = x # c\n",
        ),
    ],
)
def test_rename_ini(kind: DocumentKind, text: str, new: str, expected: str) -> None:
    occs = [o for o in ini_occurrences(parse_ini(text), kind, "f") if o.name in ("dev", "default")]
    assert apply(text, rename_edits(occs, new)) == expected


def test_dynamic_occurrence_is_not_renamed() -> None:
    [occ] = script_occ("Get-S3Bucket -ProfileName $x\n")
    assert occ.name is None and rename_edit(occ, "y") is None


# A profile name: any printable text name_problem accepts (spaces, quotes, $, `, unicode).
names = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x85"
    ),
    min_size=1,
    max_size=12,
).filter(lambda n: name_problem(n) is None)

LITERALS = ["dev", "'dev'", '"dev"', "'d''ev'"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(new=names, literal=st.sampled_from(LITERALS))
def test_renamed_literal_parses_back_to_the_new_name(new: str, literal: str) -> None:
    """PowerShell reads the renamed literal as exactly the new name (quoting, escapes)."""
    script = f"Get-S3Bucket -ProfileName {literal} -Region x\n"
    after = apply(script, rename_edits(script_occ(script), new))
    [occ] = script_occ(after)
    assert occ.name == new
    assert "-Region x" in after  # the edit stays inside the literal


@settings(max_examples=150, deadline=None)
@given(new=names, quote=st.sampled_from([None, "'", '"']))
def test_quote_for_script_round_trip(new: str, quote: str | None) -> None:
    inner = quote_for_script(new, quote)
    literal = inner if quote is None else f"{quote}{inner}{quote}"
    [occ] = script_occ(f"Get-S3Bucket -ProfileName {literal}\n")
    assert occ.name == new


@settings(max_examples=100, deadline=None)
@given(new=names.filter(lambda n: "\r" not in n))
def test_renamed_header_reads_back(new: str) -> None:
    text = "[default]\nregion = x\n[profile dev]\nsource_profile = default\n"
    occs = [o for o in ini_occurrences(parse_ini(text), DocumentKind.CONFIG, "f")]
    after = apply(text, rename_edits([o for o in occs if o.name == "default"], new))
    again = ini_occurrences(parse_ini(after), DocumentKind.CONFIG, "f")
    assert [o.name for o in again] == [new, "dev", new]


# --- the cheap pre-check --------------------------------------------------------------------

_CMDLETS = [
    "Get-S3Bucket",
    "Set-AWSCredential",
    "Set-AWSCredentials",
    "New-AWSCredential",
    "Remove-AWSCredentialProfile",
    "Initialize-AWSDefaultConfiguration",
    "Initialize-AWSDefaults",
    "Get-AWSCredential",
    "Initialize-AWSSSOConfiguration",
    "Invoke-AWSSSOLogin",
    "Invoke-AWSLogin",
    "Set-AWSSamlRoleProfile",
    "AWS.Tools.Common\\Set-AWSCredential",
]
_WORDS = ["ProfileName", "StoredCredentials", "AWSProfileName", "SourceProfile", "StoreAs"]
# Bare parameter tokens with en/em dashes too (PowerShell accepts them).
_DASHES = ["-", "\u2013", "\u2014"]


@st.composite
def aws_lines(draw: st.DrawFn) -> str:
    cmdlet = draw(st.sampled_from(_CMDLETS))
    word = draw(st.sampled_from(_WORDS))
    written = word[: draw(st.integers(1, len(word)))]
    case = draw(st.sampled_from([str.lower, str.upper, str]))
    value = draw(st.sampled_from(["dev", "'x y'", "$v"]))
    form = draw(st.sampled_from(["named", "positional", "splat"]))
    if form == "positional":
        return f"{case(cmdlet)} {value}"
    if form == "splat":
        return f"$h = @{{ {case(written)} = {value} }}\n{case(cmdlet)} @h"
    dash = draw(st.sampled_from(_DASHES))
    return f"{case(cmdlet)} {dash}{case(written)} {value}"


@settings(max_examples=500, deadline=None)
@given(lines=st.lists(aws_lines(), min_size=1, max_size=3))
def test_pre_check_never_skips_a_script_that_names_a_profile(lines: list[str]) -> None:
    text = "\n".join(lines) + "\n"
    if script_occ(text):
        assert may_name_profiles(text)


def test_pre_check_skips_plain_scripts() -> None:
    assert not may_name_profiles("Get-ChildItem | Where-Object { $_.Length -gt 0 }\n")


# --- the cursor -------------------------------------------------------------------------------

# (text before the cursor, kind, command, parameter, prefix, quote)
CURSORS = [
    (
        "Get-EC2Instance -ProfileName ",
        "parameter-value",
        "Get-EC2Instance",
        "ProfileName",
        "",
        None,
    ),
    (
        "Get-EC2Instance -ProfileName '",
        "parameter-value",
        "Get-EC2Instance",
        "ProfileName",
        "",
        "'",
    ),
    (
        "Get-EC2Instance -ProfileName 'it''s",
        "parameter-value",
        "Get-EC2Instance",
        "ProfileName",
        "it's",
        "'",
    ),
    (
        'Get-EC2Instance -ProfileName "d`"e',
        "parameter-value",
        "Get-EC2Instance",
        "ProfileName",
        'd"e',
        '"',
    ),
    (
        "Get-EC2Instance -ProfileName:",
        "parameter-value",
        "Get-EC2Instance",
        "ProfileName",
        "",
        None,
    ),
    (
        "Get-EC2Instance -ProfileName:'d",
        "parameter-value",
        "Get-EC2Instance",
        "ProfileName",
        "d",
        "'",
    ),
    (
        "Get-EC2Instance -ProfileN de",
        "parameter-value",
        "Get-EC2Instance",
        "ProfileName",
        "de",
        None,
    ),
    (
        "Get-EC2Instance –AWSProfileName x",
        "parameter-value",
        "Get-EC2Instance",
        "ProfileName",
        "x",
        None,
    ),
    ("Get-EC2Instance -Prof x", "none", None, None, "", None),  # ambiguous (§5)
    ("Get-EC2Instance -", "parameter-name", "Get-EC2Instance", None, "", None),
    ("Get-EC2Instance -Pro", "parameter-name", "Get-EC2Instance", None, "Pro", None),
    ("Get-EC2Instance ", "none", None, None, "", None),
    ("Get-EC2Instance -Verbose ", "none", None, None, "", None),  # a switch takes no value
    ("Get-EC2Instance -Region us-east-1 ", "none", None, None, "", None),
    ("Set-AWSCredential ", "parameter-value", "Set-AWSCredential", "ProfileName", "", None),
    (
        "Set-AWSCredential -SourceProfile ",
        "parameter-value",
        "Set-AWSCredential",
        "SourceProfile",
        "",
        None,
    ),
    (
        "Remove-AWSCredentialProfile 'x",
        "parameter-value",
        "Remove-AWSCredentialProfile",
        "ProfileName",
        "x",
        "'",
    ),
    (
        "Initialize-AWSDefaultConfiguration ",
        "parameter-value",
        "Initialize-AWSDefaultConfiguration",
        "ProfileName",
        "",
        None,
    ),
    ("$p = @{ProfileName = '", "parameter-value", None, "ProfileName", "", "'"),
    ("$p = @{Region='x'; ProfileName = 'q", "parameter-value", None, "ProfileName", "q", "'"),
    ("$p = @{\n  Region = 'x'\n  ProfileName = ", "parameter-value", None, "ProfileName", "", None),
    ("$p = @{ Region = ", "parameter-value", None, "Region", "", None),
    (
        "$PSDefaultParameterValues['*:ProfileName'] = '",
        "parameter-value",
        None,
        "ProfileName",
        "",
        "'",
    ),
    (
        "$PSDefaultParameterValues = @{ 'Get-S3Bucket:ProfileName' = 'x",
        "parameter-value",
        "Get-S3Bucket",
        "ProfileName",
        "x",
        "'",
    ),
    (
        "$x = Get-S3Bucket -ProfileName d",
        "parameter-value",
        "Get-S3Bucket",
        "ProfileName",
        "d",
        None,
    ),
    (
        "Get-Date | Get-S3Bucket -ProfileName ",
        "parameter-value",
        "Get-S3Bucket",
        "ProfileName",
        "",
        None,
    ),
    (
        "foreach ($a in $b) { Get-S3Bucket -ProfileName ",
        "parameter-value",
        "Get-S3Bucket",
        "ProfileName",
        "",
        None,
    ),
    (
        "Get-S3Bucket -Region x `\n  -ProfileName ",
        "parameter-value",
        "Get-S3Bucket",
        "ProfileName",
        "",
        None,
    ),
    ("Get-S3Bucket -ProfileName dev # com", "none", None, None, "", None),
    ("Get-S3Bucket -ProfileName 'dev' ", "none", None, None, "", None),
    ("Write-Host -ProfileName ", "none", None, None, "", None),
    ("& Get-S3Bucket -ProfileName ", "parameter-value", "Get-S3Bucket", "ProfileName", "", None),
]


@pytest.mark.parametrize(("before", "kind", "command", "parameter", "prefix", "quote"), CURSORS)
def test_script_cursor(
    before: str,
    kind: str,
    command: str | None,
    parameter: str | None,
    prefix: str,
    quote: str | None,
) -> None:
    text = "Write-Host start\n" + before + "\nWrite-Host after\n"
    index = LineIndex(text)
    pos = index.position(len("Write-Host start\n") + len(before))
    cursor = script_cursor(index, pos)
    assert cursor.kind.value == kind
    if cursor.kind is CursorKind.NONE:
        return
    assert (cursor.command, cursor.parameter, cursor.prefix, cursor.quote) == (
        command,
        parameter,
        prefix,
        quote,
    )
    # ``start`` is where the typed token (after any quote) begins.
    typed = text[index.offset(cursor.start) : index.offset(pos)]
    if cursor.kind is CursorKind.PARAMETER_NAME:
        assert typed == "-" + prefix
    elif quote is None:
        assert typed == prefix
    else:
        assert typed.replace("''", "'").replace('`"', '"') == prefix


def test_script_cursor_profile_location(tmp_path: Path) -> None:
    text = "Get-S3Bucket -ProfileLocation ./team.credentials -ProfileName "
    index = LineIndex(text)
    cursor = script_cursor(index, index.position(len(text)))
    assert cursor.profile_location == "./team.credentials"
    assert cursor.bound == ("ProfileLocation", "ProfileName")
    assert location_path("./team.credentials", str(tmp_path)) == str(tmp_path / "team.credentials")
    assert location_path("~/x", str(tmp_path)) == os.path.join(os.path.expanduser("~"), "x")


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(
        alphabet=st.sampled_from(list("Get-S3Bucket -ProfileName'\"`@{}()[];|=:,$# \n\té😀–")),
        max_size=80,
    ),
    at=st.integers(0, 100),
)
def test_script_cursor_never_raises(text: str, at: int) -> None:
    index = LineIndex(text)
    pos = index.position(min(at, len(text)))
    cursor = script_cursor(index, pos)
    assert cursor.start <= pos or cursor.kind is CursorKind.NONE


# --- scopes: which store a name is looked up in -----------------------------------------


@pytest.mark.parametrize(
    ("rel", "kind", "pair"),
    [
        ("a/credentials", DocumentKind.CREDENTIALS, ("a/credentials", "a/config")),
        ("a/config", DocumentKind.CONFIG, ("a/credentials", "a/config")),
        ("a/team.credentials", DocumentKind.CREDENTIALS, ("a/team.credentials", "a/config")),
        ("a/.aws/config", DocumentKind.CONFIG, ("a/.aws/credentials", "a/.aws/config")),
    ],
)
def test_ini_scope_is_the_files_pair(
    tmp_path: Path, rel: str, kind: DocumentKind, pair: tuple[str, str]
) -> None:
    path = str(tmp_path / rel)
    occs = ini_occurrences(parse_ini("[profile x]\n[x]\nsource_profile = y\n"), kind, path)
    assert occs and {o.scope for o in occs} == {pair_scope(path, kind)}
    scope = occs[0].scope
    assert scope.kind is ScopeKind.FILES and scope.file == path
    assert scope.pair == (str(tmp_path / pair[0]), str(tmp_path / pair[1]))


def test_untitled_ini_scope_has_no_sibling() -> None:
    scope = pair_scope("untitled:Untitled-1", DocumentKind.CREDENTIALS)
    assert scope == Scope(ScopeKind.FILES, "untitled:Untitled-1")
    assert scope.files == frozenset({"untitled:Untitled-1"})


@pytest.mark.parametrize(
    ("script", "kind", "location"),
    [
        pytest.param("Get-S3Bucket -ProfileName prod\n", ScopeKind.USER, None, id="none"),
        pytest.param(
            "Get-S3Bucket -ProfileName prod -ProfileLocation ./other/credentials\n",
            ScopeKind.FILES,
            "{dir}/other/credentials",
            id="relative",
        ),
        pytest.param(
            "Get-S3Bucket -ProfileLocation 'other/../b/credentials' -ProfileName prod\n",
            ScopeKind.FILES,
            "{dir}/b/credentials",
            id="before-the-name",
        ),
        pytest.param(
            "Get-S3Bucket -ProfilesLocation {dir}/abs.ini -ProfileName prod\n",
            ScopeKind.FILES,
            "{dir}/abs.ini",
            id="alias-absolute",
        ),
        pytest.param(
            "Get-S3Bucket -ProfileName prod -ProfileLocation ~/team/credentials\n",
            ScopeKind.FILES,
            "{home}/team/credentials",
            id="home",
        ),
        pytest.param(
            'Get-S3Bucket -ProfileName prod -ProfileLocation "$PSScriptRoot/c/credentials"\n',
            ScopeKind.FILES,
            "{dir}/c/credentials",
            id="script-root",
        ),
        pytest.param(
            "$s = @{ ProfileName = 'prod'; ProfileLocation = './s/credentials' }\n"
            "Get-S3Bucket @s\n",
            ScopeKind.FILES,
            "{dir}/s/credentials",
            id="splat",
        ),
        pytest.param(
            "Get-S3Bucket -ProfileName prod -ProfileLocation $where\n",
            ScopeKind.UNKNOWN,
            None,
            id="dynamic",
        ),
        pytest.param(
            "Set-AWSCredential -ProfileName prod -StoreAs prod -ProfileLocation ./w/credentials\n",
            ScopeKind.FILES,
            "{dir}/w/credentials",
            id="store-as-in-the-location",  # powershell.md §2.2: copy within that store
        ),
        pytest.param(
            "Initialize-AWSSSOConfiguration -ProfileName prod -ProfileLocation ./x\n",
            ScopeKind.USER,
            None,
            id="sso-writes-user-config",  # §2.2: always ~/.aws/config
        ),
    ],
)
def test_script_scope(
    tmp_path: Path, isolated_home: Path, script: str, kind: ScopeKind, location: str | None
) -> None:
    folder = tmp_path / "deploy"
    script = script.replace("{dir}", str(folder))
    occs = script_occ(script, str(folder / "run.ps1"))
    assert next(o.name for o in occs if o.name is not None) == "prod"
    scopes = {o.scope for o in occs}
    assert len(scopes) == 1
    [scope] = scopes
    assert scope.kind is kind
    if location is not None:
        want = os.path.normpath(location.format(dir=folder, home=isolated_home))
        assert scope.file == want
        assert scope.pair == (want, os.path.join(os.path.dirname(want), "config"))
    if kind is ScopeKind.UNKNOWN:
        assert scope.reason and "prod" not in scope.reason
        assert "run time" in scope.describe()


def test_script_scope_matches_the_models_location(tmp_path: Path) -> None:
    """Definition/hover resolve -ProfileLocation through CallInfo.location: same file."""
    from credls.powershell.script import build_model
    from credls.rules.context import CheckContext
    from credls.settings import Settings

    text = (
        "Get-S3Bucket -ProfileName a -ProfileLocation ./x/credentials\n"
        "Get-S3Bucket -ProfileName b\n"
        "Get-S3Bucket -ProfileName c -ProfileLocation $env:LOC\n"
    )
    path = str(tmp_path / "s.ps1")
    doc = PowerShellDocument(text)
    model = build_model(path, doc, CheckContext(Settings(), None, False))
    occs = script_occurrences(model.calls, path, doc.lines)
    for occ, info in zip(occs, model.infos, strict=True):
        where = info.location
        if where is None:
            assert occ.scope == USER_SCOPE
        elif where.path is None:
            assert occ.scope.kind is ScopeKind.UNKNOWN
        else:
            assert occ.scope.file == where.path


def _ini(path: Path, text: str, kind: DocumentKind) -> list[Occurrence]:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return ini_occurrences(parse_ini(text), kind, str(path))


def _script(path: Path, text: str) -> list[Occurrence]:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return script_occ(text, str(path))


@pytest.fixture
def workspace(tmp_path: Path) -> dict[str, list[Occurrence]]:
    """Two unrelated pairs defining prod, the user's stores defining prod, and users."""
    cred, conf = DocumentKind.CREDENTIALS, DocumentKind.CONFIG
    return {
        "a": _ini(tmp_path / "a" / "credentials", "[prod]\n[base]\n", cred),
        "a-config": _ini(
            tmp_path / "a" / "config",
            "[profile prod]\nsource_profile = base\n[profile ops]\nsource_profile = shared\n",
            conf,
        ),
        "b": _ini(tmp_path / "b" / "prod.credentials", "[prod]\n", cred),
        "user": _ini(tmp_path / "stores" / "credentials", "[prod]\n[shared]\n", cred),
        "user-config": _ini(tmp_path / "stores" / "config", "[profile prod]\n", conf),
        "x": _script(
            tmp_path / "deploy" / "x.ps1",
            "Get-S3Bucket -ProfileName prod -ProfileLocation ../a/credentials\n",
        ),
        "x-b": _script(
            tmp_path / "deploy" / "xb.ps1",
            "Get-S3Bucket -ProfileName prod -ProfileLocation ../b/prod.credentials\n",
        ),
        "y": _script(tmp_path / "y.ps1", "Get-S3Bucket -ProfileName prod\n"),
        "y-user-file": _script(
            tmp_path / "z.ps1",
            "Get-S3Bucket -ProfileName prod -ProfileLocation stores/credentials\n",
        ),
        "dynamic": _script(
            tmp_path / "d.ps1", "Get-S3Bucket -ProfileName prod -ProfileLocation $loc\n"
        ),
    }


def _resolver(tmp_path: Path, everything: list[Occurrence]) -> ScopeResolver:
    stores = tmp_path / "stores"
    return ScopeResolver([str(stores / "credentials"), str(stores / "config")], everything)


def _first(occs: list[Occurrence], name: str = "prod") -> Occurrence:
    return next(o for o in occs if o.name == name)


@pytest.mark.parametrize(
    ("start", "group"),
    [
        ("a", {"a", "a-config", "x"}),
        ("a-config", {"a", "a-config", "x"}),
        ("x", {"a", "a-config", "x"}),
        ("b", {"b", "x-b"}),
        ("x-b", {"b", "x-b"}),
        ("user", {"user", "user-config", "y", "y-user-file"}),
        ("y", {"user", "user-config", "y", "y-user-file"}),
        ("y-user-file", {"user", "user-config", "y", "y-user-file"}),
        ("dynamic", {"dynamic"}),
    ],
)
def test_same_profile_only_within_its_stores(
    tmp_path: Path, workspace: dict[str, list[Occurrence]], start: str, group: set[str]
) -> None:
    everything = [o for occs in workspace.values() for o in occs]
    resolver = _resolver(tmp_path, everything)
    origin = _first(workspace[start])
    found = {
        key for key, occs in workspace.items() for o in occs if resolver.same_profile(origin, o)
    }
    assert found == group


def test_source_profile_resolves_in_its_pair_then_the_user_stores(
    tmp_path: Path, workspace: dict[str, list[Occurrence]]
) -> None:
    everything = [o for occs in workspace.values() for o in occs]
    resolver = _resolver(tmp_path, everything)
    base_def = _first(workspace["a"], "base")
    base_use = _first(workspace["a-config"], "base")
    shared_def = _first(workspace["user"], "shared")
    shared_use = _first(workspace["a-config"], "shared")
    # interfaces.md: within the pair, plus the configured stores.
    assert resolver.same_profile(base_use, base_def)
    assert resolver.same_profile(shared_use, shared_def)
    assert resolver.in_user_stores(shared_use) and not resolver.in_user_stores(base_use)


def test_files_of_and_user_stores(tmp_path: Path, workspace: dict[str, list[Occurrence]]) -> None:
    everything = [o for occs in workspace.values() for o in occs]
    resolver = _resolver(tmp_path, everything)
    a = _first(workspace["a"])
    assert resolver.files_of(a) == frozenset(
        {file_key(str(tmp_path / "a" / "credentials")), file_key(str(tmp_path / "a" / "config"))}
    )
    assert not resolver.in_user_stores(a)
    assert resolver.in_user_stores(_first(workspace["y"]))
    assert resolver.in_user_stores(_first(workspace["user-config"]))
    assert resolver.files_of(_first(workspace["dynamic"])) is None
    assert not resolver.in_user_stores(_first(workspace["dynamic"]))


@pytest.mark.parametrize(
    ("config", "linked"),
    [
        pytest.param("[profile prod]\nregion = x\n", True, id="config-defines-it"),
        pytest.param("[profile other]\n", False, id="config-does-not"),
    ],
)
def test_two_credentials_files_share_a_profile_only_through_their_config(
    tmp_path: Path, config: str, linked: bool
) -> None:
    """powershell.md §4.2: each -ProfileLocation file is read with the config beside it."""
    cred = DocumentKind.CREDENTIALS
    one = _ini(tmp_path / "d" / "one.credentials", "[prod]\n", cred)
    two = _ini(tmp_path / "d" / "two.credentials", "[prod]\n", cred)
    conf = _ini(tmp_path / "d" / "config", config, DocumentKind.CONFIG)
    resolver = ScopeResolver([], one + two + conf)
    assert resolver.same_profile(one[0], two[0]) is linked
    if linked:
        assert resolver.same_profile(one[0], conf[0]) and resolver.same_profile(conf[0], two[0])


def test_no_configured_stores_still_groups_the_user_scope(tmp_path: Path) -> None:
    y = _script(tmp_path / "y.ps1", "Get-S3Bucket -ProfileName prod\n")
    w = _script(tmp_path / "w.ps1", "Set-AWSCredential -AccessKey a -SecretKey b -StoreAs prod\n")
    pair = _ini(tmp_path / "p" / "credentials", "[prod]\n", DocumentKind.CREDENTIALS)
    resolver = ScopeResolver([], y + w + pair)
    assert resolver.same_profile(y[0], w[0])
    assert not resolver.same_profile(y[0], pair[0])
    assert resolver.files_of(y[0]) == frozenset()


_SCOPES = [
    USER_SCOPE,
    Scope(ScopeKind.UNKNOWN, reason="r"),
    pair_scope("/w/a/credentials", DocumentKind.CREDENTIALS),
    pair_scope("/w/a/config", DocumentKind.CONFIG),
    pair_scope("/w/a/x.credentials", DocumentKind.CREDENTIALS),
    pair_scope("/w/u/credentials", DocumentKind.CREDENTIALS),
    pair_scope("/w/u/other.credentials", DocumentKind.CREDENTIALS),
]
_occurrence = st.builds(
    lambda kind, name, scope, line: Occurrence(
        scope.file or "/w/s.ps1",
        kind,
        Range(Position(line, 0), Position(line, 1)),
        name,
        scope=scope,
    ),
    st.sampled_from(list(OccurrenceKind)),
    st.sampled_from(["prod", "dev", None]),
    st.sampled_from(_SCOPES),
    st.integers(0, 3),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_occurrence, max_size=12), st.booleans())
def test_same_profile_is_symmetric_and_needs_equal_names(
    occs: list[Occurrence], with_user: bool
) -> None:
    user = ["/w/u/credentials", "/w/u/config"] if with_user else []
    resolver = ScopeResolver(user, occs)
    for a in occs:
        assert resolver.same_profile(a, a) is (a.name is not None)
        for b in occs:
            same = resolver.same_profile(a, b)
            assert same == resolver.same_profile(b, a)
            if same:
                assert a.name == b.name
                assert (a.scope.kind is ScopeKind.UNKNOWN) <= (a == b)
