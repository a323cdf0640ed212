"""The script model: store flow, session, module version, resolution, cache; rule details."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from script_helpers import CORPUS_FILES, analyze_text, make_workspace, platform_of

from credls.diagnostic import Diagnostic, Related, Severity, Tag
from credls.document import Document, DocumentKind
from credls.powershell.flow import SessionKind
from credls.powershell.script import ScriptModel, script_model
from credls.resolver import StepStatus
from credls.rules.context import CheckContext
from credls.rules.registry import get
from credls.rules.scripts import edit_distance, merge_literal_findings, suggestions
from credls.settings import ModuleVersion, Platform
from credls.source import decode
from credls.store.chain import StoreChain
from credls.text import Range


def model(
    tmp_path: Path, source: str, platform: Platform = Platform.LINUX, **kw: object
) -> ScriptModel:
    ws = make_workspace(tmp_path)
    settings = ws.settings(platform)
    for k, v in kw.items():
        setattr(settings, k, v)
    doc = Document(str(ws.root / "m.ps1"), decode(source.encode()), DocumentKind.POWERSHELL)
    return script_model(doc, CheckContext(settings, StoreChain.from_settings(settings, env={})))


# --- store routing (powershell.md §2) ------------------------------------------------


@pytest.mark.parametrize(
    ("platform", "location", "store"),
    [
        (Platform.WINDOWS, "", "sdk-store"),
        (Platform.LINUX, "", "credentials-file"),
        (Platform.MACOS, "", "credentials-file"),
        (Platform.WINDOWS, " -ProfileLocation ./ci/credentials", "credentials-file"),
    ],
)
def test_store_as_routes_the_write(
    tmp_path: Path, platform: Platform, location: str, store: str
) -> None:
    src = f"Set-AWSCredential -AccessKey $a -SecretKey $b -StoreAs fresh{location}\nGet-S3Bucket\n"
    m = model(tmp_path, src, platform)
    loc = m.infos[0].location.path if m.infos[0].location else None
    after = m.infos[1].state.chain.lookup("fresh", loc)
    assert after is not None and after.store == store
    assert m.infos[0].state.chain.lookup("fresh", loc) is None


def test_stored_profile_copy_stays_in_the_source_store(tmp_path: Path) -> None:
    m = model(
        tmp_path,
        "Set-AWSCredential -ProfileName WinBuild -StoreAs Copy\nGet-S3Bucket\n",
        Platform.WINDOWS,
    )
    copied = m.infos[1].state.chain.lookup("Copy")
    assert copied is not None and copied.store == "sdk-store"


def test_initialize_default_configuration_on_windows_hides_the_file_default(tmp_path: Path) -> None:
    """§2.2 caveat + §3.1 quirk: the region-only SDK-store `default` shadows the file's."""
    src = (
        "Initialize-AWSDefaultConfiguration -ProfileName prod\nClear-AWSCredential\nGet-S3Bucket\n"
    )
    m = model(tmp_path, src, Platform.WINDOWS)
    assert m.infos[0].resolution is not None
    res = m.infos[2].resolution
    assert res is not None
    step = next(s for s in res.steps if s.id == "default-profile")
    assert step.status is StepStatus.NOT_FOUND
    assert step.store == "sdk-store"


def test_remove_then_use_and_exhaustive_if(tmp_path: Path) -> None:
    src = (
        "if ($a) { Remove-AWSCredentialProfile -ProfileName prod -Force }\n"
        "else { Remove-AWSCredentialProfile -ProfileName prod -Force }\n"
        "Get-S3Bucket -ProfileName prod\n"
    )
    m = model(tmp_path, src)
    assert "prod" in m.infos[-1].state.removed
    assert m.infos[-1].state.chain.lookup("prod") is None


def test_dynamic_store_as_makes_the_flow_unknown(tmp_path: Path) -> None:
    m = model(
        tmp_path, "Set-AWSCredential -ProfileName prod -StoreAs $n\nGet-S3Bucket -ProfileName x\n"
    )
    assert m.infos[0].state.unknown is None
    assert m.infos[1].state.unknown is not None


# --- session (powershell.md §2.2 session variables) -----------------------------------------


def test_session_profile_flows_to_later_calls(tmp_path: Path) -> None:
    m = model(
        tmp_path,
        "Get-S3Bucket\nSet-AWSCredential -ProfileName prod\nGet-S3Bucket\n"
        "Clear-AWSCredential\nGet-S3Bucket\n",
    )
    kinds = [i.state.session.kind for i in m.infos]
    assert kinds == [
        SessionKind.UNKNOWN,
        SessionKind.UNKNOWN,
        SessionKind.PROFILE,
        SessionKind.PROFILE,
        SessionKind.CLEARED,
    ]
    res = m.infos[2].resolution
    assert res is not None and res.winner is not None and res.winner.id == "session"


@pytest.mark.parametrize(
    ("scope", "outside"), [("", SessionKind.UNKNOWN), (" -Scope Global", SessionKind.UNKNOWN)]
)
def test_session_set_in_a_function_stays_there(
    tmp_path: Path, scope: str, outside: SessionKind
) -> None:
    src = (
        "Set-AWSCredential -ProfileName staging\nfunction F {\n"
        f"  Set-AWSCredential -ProfileName prod{scope}\n  Get-S3Bucket\n}}\nGet-S3Bucket\n"
    )
    m = model(tmp_path, src)
    inside, after = m.infos[2], m.infos[3]
    assert (
        inside.state.session.kind is SessionKind.PROFILE and inside.state.session.profile == "prod"
    )
    if scope:
        assert after.state.session.kind is outside
    else:
        assert after.state.session.profile == "staging"


# --- module version (powershell.md §0, interfaces.md) ---------------------------------------


@pytest.mark.parametrize(
    ("header", "setting", "want"),
    [
        (
            "#Requires -Modules @{ModuleName='AWS.Tools.Common'; ModuleVersion='5.0.0'}\n",
            ModuleVersion.V4,
            ModuleVersion.V5,
        ),
        (
            "#requires -modules @{ ModuleName = 'AWSPowerShell.NetCore'; "
            "RequiredVersion = '4.1.2' }\n",
            ModuleVersion.V5,
            ModuleVersion.V4,
        ),
        ("#Requires -Modules AWSPowerShell.NetCore\n", ModuleVersion.V5, ModuleVersion.V5),
        (
            "Import-Module AWS.Tools.Common -RequiredVersion 4.1.0\n",
            ModuleVersion.V5,
            ModuleVersion.V4,
        ),
        (
            "Import-Module -Name AWS.Tools.S3 -MinimumVersion 5.0.1\n",
            ModuleVersion.V4,
            ModuleVersion.V5,
        ),
        ("", ModuleVersion.V5, ModuleVersion.V5),
    ],
)
def test_module_version_per_call(
    tmp_path: Path, header: str, setting: ModuleVersion, want: ModuleVersion
) -> None:
    m = model(tmp_path, header + "Get-S3Bucket -ProfileName prod\n", powershell_version=setting)
    info = m.infos[-1]
    assert info.module.version is want
    assert info.resolution is not None and info.resolution.version is want


def test_import_module_applies_from_its_line_on(tmp_path: Path) -> None:
    src = "Get-S3Bucket\nImport-Module AWSPowerShell.NetCore -RequiredVersion 5.1.0\nGet-S3Bucket\n"
    m = model(tmp_path, src, powershell_version=ModuleVersion.V4)
    assert [i.module.version for i in m.infos] == [ModuleVersion.V4, ModuleVersion.V5]
    assert m.infos[1].module.source == "Import-Module"


def test_model_is_cached_per_text_and_context(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    settings = ws.settings()
    ctx = CheckContext(settings, StoreChain.from_settings(settings, env={}))
    doc = Document(str(ws.root / "c.ps1"), decode(b"Get-S3Bucket\n"), DocumentKind.POWERSHELL)
    first = script_model(doc, ctx)
    assert script_model(doc, ctx) is first
    changed = Document(
        doc.path, decode(b"Get-S3Bucket -ProfileName prod\n"), DocumentKind.POWERSHELL
    )
    assert script_model(changed, ctx) is not first
    assert script_model(changed, ctx).info_at(first.infos[0].call.range.start) is not None


# --- rule details -----------------------------------------------------------------------------


def corpus_diags(tmp_path: Path, name: str) -> list[Diagnostic]:
    ws = make_workspace(tmp_path)
    text = (ws.root / name).read_text(encoding="utf-8")
    return analyze_text(ws.root / name, text, ws.settings(platform_of(text)))


def at(diags: list[Diagnostic], line: int, code: str) -> Diagnostic:
    (d,) = [d for d in diags if d.range.start.line + 1 == line and d.code == code]
    return d


def test_case_rule_severity_depends_on_the_modelled_platform(tmp_path: Path) -> None:
    diags = corpus_diags(tmp_path, "22_windows_sdk_store.ps1")
    assert at(diags, 3, "CRED209").severity is Severity.WARNING
    assert at(diags, 7, "CRED209").severity is Severity.WARNING
    assert at(diags, 8, "CRED209").severity is Severity.ERROR  # Remove matches ordinally
    fix = at(diags, 3, "CRED209").fix
    assert fix is not None and fix.edits[0].new_text == "WinBuild"


def test_placeholders_are_information_and_examples_hints(tmp_path: Path) -> None:
    for d in corpus_diags(tmp_path / "a", "15_placeholders.ps1"):
        assert d.severity is Severity.INFORMATION
        assert "Placeholder" in d.message
    examples = corpus_diags(tmp_path / "b", "16_doc_example.ps1")
    assert {d.code for d in examples} == {"CRED306"}
    assert get("CRED306") is not None


def test_key_literal_in_variable_names_every_use(tmp_path: Path) -> None:
    diags = corpus_diags(tmp_path, "33_variables_feed_keys.ps1")
    d = at(diags, 2, "CRED302")
    assert "`$sk`" in d.message and "Get-S3Bucket" in d.message
    assert [r.range.start.line + 1 for r in d.related] == [3, 4]
    assert d.range == Range.of(1, 7, end=47)  # the value without its quotes


def test_ambiguous_parameter_lists_the_candidates(tmp_path: Path) -> None:
    d = at(corpus_diags(tmp_path, "17_ambiguous.ps1"), 1, "CRED404")
    assert d.message.endswith("Possible matches include: -ProfileName -ProfileLocation.")


def test_deprecated_findings_carry_the_tag(tmp_path: Path) -> None:
    diags = corpus_diags(tmp_path, "13_legacy_aliases.ps1")
    for d in diags:
        assert d.code in ("CRED401", "CRED402", "CRED403")
        if d.code != "CRED403":
            assert Tag.DEPRECATED in d.tags


def test_unresolved_profile_message_lists_where_it_looked(tmp_path: Path) -> None:
    d = at(corpus_diags(tmp_path, "01_deploy_web.ps1"), 9, "CRED201")
    assert "credentials-file" in d.message and "config-file" in d.message
    assert "did you mean 'prod'?" in d.message
    default = model(tmp_path / "m", "param($P = 'zz-top')\nGet-S3Bucket -ProfileName $P\n")
    assert default.infos[0].profile_name == "zz-top"


def test_profile_rules_quiet_without_a_store_chain(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    doc = Document(
        str(ws.root / "n.ps1"), decode(b"Get-S3Bucket -ProfileName nope\n"), DocumentKind.POWERSHELL
    )
    from credls.rules.cmdlets import check

    assert check(doc, CheckContext(ws.settings(), None)) == []


@pytest.mark.parametrize(
    ("a", "b", "d"),
    [("prod", "prodd", 1), ("stagign", "staging", 2), ("", "ab", 2), ("abc", "abc", 0)],
)
def test_edit_distance(a: str, b: str, d: int) -> None:
    assert edit_distance(a, b, 5) == d


def test_suggestions_skip_case_variants_and_far_names() -> None:
    assert suggestions("prodd", ["prod", "PRODD", "staging"]) == ["prod"]
    assert suggestions("dev", ["prod"]) == []


# --- literal merge ------------------------------------------------------------------------------


def _d(code: str, line: int, start: int, end: int, binding: bool = False) -> Diagnostic:
    return Diagnostic(
        code, "m", "s.ps1", Range.of(line, start, end=end), data={"binding": "1"} if binding else {}
    )


def test_merge_keeps_one_finding_per_literal() -> None:
    text = [
        _d("CRED301", 1, 10, 30),
        _d("CRED302", 2, 5, 45),
        _d("CRED301", 4, 0, 20),
        _d("CRED001", 1, 0, 3),
    ]
    binding = [
        _d("CRED301", 1, 10, 30, True),
        _d("CRED302", 2, 6, 44, True),
        _d("CRED405", 4, 0, 3),
    ]
    merged = merge_literal_findings(text, binding)
    assert sorted((d.code, d.range.start.line, bool(d.data)) for d in merged) == [
        ("CRED001", 1, False),
        ("CRED301", 1, True),
        ("CRED301", 4, False),
        ("CRED302", 2, True),
        ("CRED405", 4, False),
    ]


# --- secrets never leave ------------------------------------------------------------------------

_SECRETISH = re.compile(
    r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])|(?:AKIA|ASIA)[A-Z2-7]{16}|IQoJb3JpZ2lu"
)


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_no_secret_in_any_output(name: str, tmp_path: Path) -> None:
    for d in corpus_diags(tmp_path, name):
        shown = [d.message, repr(d), *(r.message for r in d.related), *(repr(r) for r in d.related)]
        if d.fix is not None:
            shown.append(d.fix.title)
        for s in shown:
            assert not _SECRETISH.search(s), s


def test_related_is_a_tuple_of_related() -> None:
    assert Related("p", Range.of(0, 0), "m").message == "m"


# --- registry -----------------------------------------------------------------------------------

_CMDLET_RULES = {
    "CRED401": ("deprecated-cmdlet", Severity.HINT),
    "CRED402": ("deprecated-parameter", Severity.HINT),
    "CRED403": ("overwrites-default-profile", Severity.WARNING),
    "CRED404": ("ambiguous-parameter", Severity.ERROR),
    "CRED405": ("partial-literal-credentials", Severity.WARNING),
    "CRED406": ("keys-override-profile", Severity.WARNING),
    "CRED407": ("missing-parameter-value", Severity.ERROR),
    "CRED408": ("duplicate-parameter", Severity.ERROR),
    "CRED409": ("session-credentials-scope", Severity.INFORMATION),
    "CRED410": ("aws-profile-ignored", Severity.INFORMATION),
}


@pytest.mark.parametrize("code", sorted(_CMDLET_RULES))
def test_cmdlet_rules_are_declared_as_the_catalog_says(code: str) -> None:
    r = get(code)
    assert r is not None
    assert (r.name, r.severity) == _CMDLET_RULES[code]
    assert r.example_language == "powershell" and r.bad and r.good and r.doc
    assert (Tag.DEPRECATED in r.tags) == (code in ("CRED401", "CRED402"))


@pytest.mark.parametrize(
    "line",
    [
        "Get-S3Bucket -ProfileName prod -StoredCredentials prod\n",
        "Get-S3Bucket -StoredCredentials prod -ProfileName prod\n",
    ],
)
def test_deprecated_alias_is_reported_when_the_parameter_is_also_given(
    line: str, tmp_path: Path
) -> None:
    """CRED408 for the pair, and CRED402 for the legacy spelling whichever comes first."""
    ws = make_workspace(tmp_path)
    diags = analyze_text(ws.root / "twice.ps1", line, ws.settings())
    codes = sorted(d.code for d in diags)
    assert codes == ["CRED402", "CRED408"]
    [legacy] = [d for d in diags if d.code == "CRED402"]
    assert line[legacy.range.start.character :].startswith("-StoredCredentials")
