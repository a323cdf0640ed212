"""PowerShell features end to end, per client preset: completion, hover, definition,
references, rename, workspace and document symbols, the workspace scan's progress,
and positions after non-ASCII text in each negotiated encoding.

One server per preset for the module, over a workspace written before it starts
(so the background scan sees the closed files): stores with an SDK store
(modelled platform: Windows, where it is searched first), a project with
scripts and INI files, and a git-ignored folder that must stay invisible.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from e2e_support import (
    ACCESS_KEY,
    CONFIG_SERVER,
    ENCODING,
    PRESETS,
    SECRET_KEY,
    SESSION_TOKEN,
    apply_lsp_edits,
    assert_no_secret,
    find,
    hover_text,
    install_recorder,
    open_doc,
    pos_in,
    units,
)
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient, client_capabilities

pytestmark = pytest.mark.asyncio(loop_scope="module")

BLOB = "01000000D08C9DDF0115D1118C7A00C04FC297EB01000000AAAA"

CREDENTIALS = f"""[default]
aws_access_key_id = {ACCESS_KEY}
aws_secret_access_key = {SECRET_KEY}

[base]
aws_access_key_id = {ACCESS_KEY}
aws_secret_access_key = {SECRET_KEY}
aws_session_token = {SESSION_TOKEN}

[dev]
aws_access_key_id = {ACCESS_KEY}
aws_secret_access_key = {SECRET_KEY}

[team a]
aws_access_key_id = {ACCESS_KEY}
aws_secret_access_key = {SECRET_KEY}

[dév😀]
aws_access_key_id = {ACCESS_KEY}
aws_secret_access_key = {SECRET_KEY}
"""

CONFIG = """[default]
region = us-east-1

[profile deploy]
role_arn = arn:aws:iam::123456789012:role/deploy
source_profile = dev
"""

TEAM = f"""[dev]
aws_access_key_id = {ACCESS_KEY}
aws_secret_access_key = {SECRET_KEY}

[teamonly]
aws_access_key_id = {ACCESS_KEY}
aws_secret_access_key = {SECRET_KEY}
"""

DEPLOY = """Set-AWSCredential -ProfileName "dev"
Get-S3Bucket -ProfileName dev
"""

SDK = json.dumps(
    {
        "0d7e3a2c-5f1b-4c55-9a7e-1b2c3d4e5f60": {
            "DisplayName": "sdkonly",
            "AWSAccessKey": BLOB,
            "AWSSecretKey": BLOB,
        }
    }
)

# The script the tests open (written to disk too; the edits never are).
SCRIPT = """#Requires -Modules @{ModuleName='AWS.Tools.Common'; ModuleVersion='4.1.0'}
$name = Read-Host
Set-AWSCredential -AccessKey AKIAIOSFODNN7EXAMPLE -SecretKey $s -StoreAs fromscript
function Get-Things {
    Get-S3Bucket -ProfileName 'dev'
}
Get-EC2Instance -ProfileName base
$splat = @{ ProfileName = 'dev'; Region = 'eu-west-1' }
Get-S3Bucket @splat
Get-S3Bucket -ProfileName $name
Get-S3Bucket -ProfileName sdkonly
Get-S3Bucket -ProfileName fromscript
Write-Host "é😀"; Get-S3Bucket -ProfileName 'team a'
"""


# Emacs 29 offers UTF-32 first: the one preset that exercises the third encoding.
UTF32_PRESET = "emacs@v29.1"
ENCODINGS = {**ENCODING, UTF32_PRESET: "utf-32"}


# Where SCRIPT passes a profile name known only at run time (`$name`, line 10).
DYNAMIC = "$name\nGet-S3Bucket -ProfileName sdkonly"


@dataclass(frozen=True)
class Project:
    root: Path
    credentials: Path
    config: Path
    sdk: Path
    team: Path
    deploy: Path
    ignored: Path
    script: Path

    def options(self) -> dict[str, Any]:
        return {
            "debounceMs": 0,
            "useUserStores": False,
            "platform": "windows",
            "knownProfiles": ["ci-runner"],
            "stores": {
                "credentialsFile": str(self.credentials),
                "configFile": str(self.config),
                "sdkStore": str(self.sdk),
            },
        }


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("scripts")
    (root / ".git").mkdir()
    (root / ".gitignore").write_text("ignored/\n")
    files = {
        "credentials": ("stores/credentials", CREDENTIALS),
        "config": ("stores/config", CONFIG),
        "sdk": ("stores/RegisteredAccounts.json", SDK),
        "team": ("project/team.credentials", TEAM),
        "deploy": ("project/deploy.ps1", DEPLOY),
        "ignored": ("ignored/skip.ps1", "Get-S3Bucket -ProfileName dev\n"),
        "script": ("project/main.ps1", SCRIPT),
    }
    paths: dict[str, Path] = {}
    for key, (rel, text) in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths[key] = path
    return Project(root, **paths)


async def _start(
    request: pytest.FixtureRequest, lsp_client: LanguageClient, project: Project
) -> None:
    install_recorder(lsp_client)
    lsp_client.initialize_result = await lsp_client.initialize_session(  # type: ignore[attr-defined]
        types.InitializeParams(
            capabilities=client_capabilities(request.param),
            initialization_options=project.options(),
            workspace_folders=[types.WorkspaceFolder(uri=project.root.as_uri(), name="p")],
        )
    )
    lsp_client.preset = request.param  # type: ignore[attr-defined]


@pytest_lsp.fixture(scope="module", params=PRESETS, config=CONFIG_SERVER)
async def nav(
    request: pytest.FixtureRequest, lsp_client: LanguageClient, project: Project
) -> AsyncIterator[None]:
    await _start(request, lsp_client, project)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(scope="module", params=[UTF32_PRESET], config=CONFIG_SERVER)
async def nav32(
    request: pytest.FixtureRequest, lsp_client: LanguageClient, project: Project
) -> AsyncIterator[None]:
    await _start(request, lsp_client, project)
    yield
    await lsp_client.shutdown_session()


def enc(client: LanguageClient) -> str:
    return ENCODINGS[client.preset]  # type: ignore[attr-defined]


def ident(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


def span(text: str, needle: str, part: str, enc_name: str) -> types.Range:
    """The range of ``part``, the start of the first ``needle`` in ``text``."""
    assert needle.startswith(part)
    start = find(text, needle, enc_name).start
    width = units(part, enc_name)
    return types.Range(
        start=start, end=types.Position(line=start.line, character=start.character + width)
    )


async def complete(
    client: LanguageClient, uri: str, pos: types.Position
) -> list[types.CompletionItem]:
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=ident(uri), position=pos)
    )
    if result is None:
        return []
    return list(result.items if isinstance(result, types.CompletionList) else result)


async def test_initialize_advertises_navigation(nav: LanguageClient) -> None:
    caps = nav.initialize_result.capabilities  # type: ignore[attr-defined]
    assert caps.references_provider
    assert isinstance(caps.rename_provider, types.RenameOptions)
    assert caps.rename_provider.prepare_provider is True
    assert caps.workspace_symbol_provider
    assert caps.definition_provider and caps.hover_provider


# --- completion ----------------------------------------------------------------------------

STORE_NAMES = {"default", "base", "dev", "team a", "deploy", "sdkonly"}

# (line typed, profile names expected; empty: no completion at all)
COMPLETION_LINES = [
    pytest.param("Get-EC2Instance -ProfileName ", STORE_NAMES, id="after-space"),
    pytest.param("Get-EC2Instance -ProfileName '", STORE_NAMES, id="open-quote"),
    pytest.param('Get-EC2Instance -ProfileName "de', STORE_NAMES, id="open-double-quote"),
    pytest.param("Get-EC2Instance -ProfileName:", STORE_NAMES, id="colon"),
    pytest.param("Get-EC2Instance -ProfileN ", STORE_NAMES, id="prefix"),
    pytest.param("Get-EC2Instance -StoredCredentials ", STORE_NAMES, id="alias"),
    pytest.param("Get-EC2Instance -AWSProfileName 'b", STORE_NAMES, id="alias-quoted"),
    pytest.param("$p = @{ Region = 'x'; ProfileName = '", STORE_NAMES, id="splat-key"),
    pytest.param("Remove-AWSCredentialProfile ", STORE_NAMES, id="remove-positional"),
    pytest.param("Initialize-AWSDefaultConfiguration ", STORE_NAMES, id="initialize-positional"),
    pytest.param("Set-AWSCredential ", STORE_NAMES, id="set-positional"),
    pytest.param("Set-AWSCredential -SourceProfile ", STORE_NAMES, id="source-profile"),
    pytest.param("Get-EC2Instance -Prof ", set(), id="ambiguous-prefix"),
    pytest.param("Get-EC2Instance ", set(), id="no-positional-profile"),
    pytest.param("Write-Host -ProfileName ", set(), id="not-aws"),
    pytest.param("Get-EC2Instance -ProfileName dev # ", set(), id="comment"),
]


async def _complete_line(
    client: LanguageClient, project: Project, typed: str, name: str
) -> tuple[str, list[types.CompletionItem], types.Position]:
    text = SCRIPT + typed
    uri = open_doc(client, project.script.with_name(name), text, "powershell", write=False)
    lines = text.split("\n")
    pos = types.Position(line=len(lines) - 1, character=0)
    e = enc(client)
    pos = types.Position(line=pos.line, character=units(lines[-1], e))
    items = await complete(client, uri, pos)
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=ident(uri)))
    return uri, items, pos


@pytest.mark.parametrize(("typed", "expected"), COMPLETION_LINES)
async def test_profile_completion_while_typing(
    nav: LanguageClient, project: Project, typed: str, expected: set[str]
) -> None:
    _uri, items, pos = await _complete_line(nav, project, typed, "typing.ps1")
    labels = {i.label for i in items if i.kind == types.CompletionItemKind.Reference}
    if not expected:
        assert labels == set()
        return
    assert expected <= labels
    # The script's own creation above the cursor, and the known-profiles setting.
    assert {"fromscript", "ci-runner"} <= labels
    for item in items:
        assert_no_secret(f"{item.label} {item.detail} {item.documentation}")
        assert isinstance(item.text_edit, types.TextEdit)
        assert item.text_edit.range.end == pos
    by_label = {i.label: i for i in items}
    dev = by_label["dev"]
    assert dev.detail is not None and str(project.credentials) in dev.detail
    assert "credentials-file" in dev.detail
    assert "created by this script" in (by_label["fromscript"].detail or "")
    assert "sdk-store" in (by_label["sdkonly"].detail or "")
    team = by_label["team a"]
    assert isinstance(team.text_edit, types.TextEdit)
    inside_quotes = typed.rstrip().endswith(("'", '"', "'b", '"de'))
    assert team.text_edit.new_text == ("team a" if inside_quotes else "'team a'")


async def test_profile_location_limits_the_stores(nav: LanguageClient, project: Project) -> None:
    typed = "Get-S3Bucket -ProfileLocation ./team.credentials -ProfileName "
    _uri, items, _pos = await _complete_line(nav, project, typed, "located.ps1")
    labels = {i.label for i in items}
    assert {"dev", "teamonly"} <= labels
    assert not {"base", "sdkonly", "deploy"} & labels
    teamonly = next(i for i in items if i.label == "teamonly")
    assert str(project.team) in (teamonly.detail or "")


async def test_parameter_name_completion(nav: LanguageClient, project: Project) -> None:
    _uri, items, pos = await _complete_line(nav, project, "Get-EC2Instance -Region x -Pro", "p.ps1")
    labels = {i.label for i in items}
    assert {"-ProfileName", "-ProfileLocation", "-StoredCredentials", "-AWSProfileName"} <= labels
    assert "-Region" not in labels  # already bound
    item = next(i for i in items if i.label == "-ProfileName")
    assert isinstance(item.text_edit, types.TextEdit)
    assert item.text_edit.range.end == pos
    assert item.text_edit.range.start.character == pos.character - len("-Pro")
    alias = next(i for i in items if i.label == "-StoredCredentials")
    assert alias.detail == "alias of -ProfileName"
    _uri, none, _pos = await _complete_line(nav, project, "Get-ChildItem -Pa", "q.ps1")
    assert none == []


# --- hover ---------------------------------------------------------------------------------


async def _hover(client: LanguageClient, uri: str, pos: types.Position) -> types.Hover | None:
    return await client.text_document_hover_async(
        types.HoverParams(text_document=ident(uri), position=pos)
    )


async def test_hover_on_profile_name(nav: LanguageClient, project: Project) -> None:
    e = enc(nav)
    uri = open_doc(nav, project.script, SCRIPT, "powershell", write=False)
    hover = await _hover(nav, uri, pos_in(SCRIPT, "base\n$splat", e, 2))
    value = hover_text(hover)
    assert "Profile `base`" in value and "Session" in value
    assert str(project.credentials) in value and "line 5" in value
    assert "Search order" in value and "← used" in value
    assert "1. sdk-store" in value  # Windows: the SDK store is searched first
    assert "AKIA…" in value and "aws_session_token" in value and "********" in value
    assert_no_secret(value)
    assert hover is not None and hover.range == span(SCRIPT, "base\n$splat", "base", e)


async def test_hover_on_script_created_and_dynamic_names(
    nav: LanguageClient, project: Project
) -> None:
    e = enc(nav)
    uri = open_doc(nav, project.script, SCRIPT, "powershell", write=False)
    created = hover_text(await _hover(nav, uri, pos_in(SCRIPT, "fromscript\n", e, 3)))
    assert "Created by this script" in created and "line 3" in created
    dynamic = hover_text(await _hover(nav, uri, pos_in(SCRIPT, DYNAMIC, e, 2)))
    assert "known only at run time" in dynamic


async def test_hover_on_cmdlet_shows_the_search(nav: LanguageClient, project: Project) -> None:
    e = enc(nav)
    uri = open_doc(nav, project.script, SCRIPT, "powershell", write=False)
    hover = await _hover(nav, uri, pos_in(SCRIPT, "Get-EC2Instance", e, 4))
    value = hover_text(hover)
    assert "Credential search" in value and "windows" in value
    assert "module v4 (#Requires AWS.Tools.Common 4.1.0 on line 1)" in value
    assert "-ProfileName base" in value and "✓ found" in value and "← wins" in value
    assert "? depends on the machine" not in value.split("← wins")[0]
    assert "Credentials from step 2" in value
    assert hover is not None and hover.range == find(SCRIPT, "Get-EC2Instance", e)
    assert_no_secret(value)
    fails = hover_text(
        await _hover(nav, uri, pos_in(SCRIPT, "Get-S3Bucket -ProfileName $name", e, 2))
    )
    assert "depends on the machine" in fails


# --- definition ----------------------------------------------------------------------------


async def _definition(
    client: LanguageClient, uri: str, pos: types.Position
) -> list[types.Location]:
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=ident(uri), position=pos)
    )
    if result is None:
        return []
    assert isinstance(result, list)
    return [loc for loc in result if isinstance(loc, types.Location)]


async def test_definition_from_a_script(nav: LanguageClient, project: Project) -> None:
    e = enc(nav)
    uri = open_doc(nav, project.script, SCRIPT, "powershell", write=False)
    [base] = await _definition(nav, uri, pos_in(SCRIPT, "base\n$splat", e, 1))
    assert base.uri == project.credentials.as_uri() and base.range.start.line == 4
    [sdk] = await _definition(nav, uri, pos_in(SCRIPT, "sdkonly\n", e, 1))
    assert sdk.uri == project.sdk.as_uri()
    [made] = await _definition(nav, uri, pos_in(SCRIPT, "fromscript\nWrite-Host", e, 1))
    assert made.uri == uri and made.range == find(SCRIPT, "fromscript", e)
    [itself] = await _definition(nav, uri, pos_in(SCRIPT, "fromscript", e, 1))
    assert itself == made
    assert await _definition(nav, uri, pos_in(SCRIPT, DYNAMIC, e, 1)) == []


# --- references ----------------------------------------------------------------------------


async def test_references_across_the_workspace(nav: LanguageClient, project: Project) -> None:
    e = enc(nav)
    uri = open_doc(nav, project.script, SCRIPT, "powershell", write=False)
    pos = pos_in(SCRIPT, "dev'\n}", e, 1)
    result = await nav.text_document_references_async(
        types.ReferenceParams(
            text_document=ident(uri),
            position=pos,
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    assert result is not None
    by_file: dict[str, list[types.Range]] = {}
    for loc in result:
        by_file.setdefault(loc.uri, []).append(loc.range)
    assert set(by_file) == {
        uri,
        project.deploy.as_uri(),
        project.credentials.as_uri(),
        project.config.as_uri(),
    }  # never the git-ignored folder; team.credentials' [dev] is another store's profile
    assert sorted(r.start.line for r in by_file[uri]) == [4, 7]
    assert (
        find(SCRIPT, "dev'; Region", e).start
        == sorted(by_file[uri], key=lambda r: r.start.line)[1].start
    )
    assert [r.start.line for r in by_file[project.deploy.as_uri()]] == [0, 1]
    assert [r.start.line for r in by_file[project.config.as_uri()]] == [5]
    without = await nav.text_document_references_async(
        types.ReferenceParams(
            text_document=ident(uri),
            position=pos,
            context=types.ReferenceContext(include_declaration=False),
        )
    )
    assert without is not None
    files = {loc.uri for loc in without}
    assert project.team.as_uri() not in files and project.credentials.as_uri() not in files


# --- rename ---------------------------------------------------------------------------------


async def _prepare(client: LanguageClient, uri: str, pos: types.Position) -> Any:
    return await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(text_document=ident(uri), position=pos)
    )


async def _rename(
    client: LanguageClient, uri: str, pos: types.Position, new: str
) -> types.WorkspaceEdit | None:
    return await client.text_document_rename_async(
        types.RenameParams(text_document=ident(uri), position=pos, new_name=new)
    )


def _apply(text: str, edits: list[types.TextEdit], enc_name: str) -> str:
    return apply_lsp_edits(text, edits, enc_name)


async def test_prepare_rename(nav: LanguageClient, project: Project) -> None:
    e = enc(nav)
    uri = open_doc(nav, project.script, SCRIPT, "powershell", write=False)
    ok = await _prepare(nav, uri, pos_in(SCRIPT, "dev'\n}", e, 1))
    assert isinstance(ok, types.PrepareRenamePlaceholder)
    assert ok.placeholder == "dev" and ok.range == span(SCRIPT, "dev'\n}", "dev", e)
    with pytest.raises(JsonRpcException, match="known only at run time"):
        await _prepare(nav, uri, pos_in(SCRIPT, DYNAMIC, e, 2))
    with pytest.raises(JsonRpcException, match="only the SDK store"):
        await _prepare(nav, uri, pos_in(SCRIPT, "sdkonly\n", e, 2))
    assert await _prepare(nav, uri, pos_in(SCRIPT, "Write-Host", e, 2)) is None


async def test_rename_across_files(nav: LanguageClient, project: Project) -> None:
    e = enc(nav)
    uri = open_doc(nav, project.script, SCRIPT, "powershell", write=False)
    edit = await _rename(nav, uri, pos_in(SCRIPT, "dev'; Region", e, 1), "dev 2")
    assert edit is not None and edit.changes is not None
    changes = edit.changes
    assert set(changes) == {
        uri,
        project.deploy.as_uri(),
        project.credentials.as_uri(),
        project.config.as_uri(),
    }
    script = _apply(SCRIPT, list(changes[uri]), e)
    assert "Get-S3Bucket -ProfileName 'dev 2'" in script
    assert "@{ ProfileName = 'dev 2'; Region" in script
    deploy = _apply(DEPLOY, list(changes[project.deploy.as_uri()]), e)
    assert deploy == "Set-AWSCredential -ProfileName \"dev 2\"\nGet-S3Bucket -ProfileName 'dev 2'\n"
    assert "[dev 2]\n" in _apply(CREDENTIALS, list(changes[project.credentials.as_uri()]), e)
    assert "source_profile = dev 2\n" in _apply(CONFIG, list(changes[project.config.as_uri()]), e)
    # Nothing was written: rename only proposes edits.
    assert project.deploy.read_text() == DEPLOY


@pytest.mark.parametrize(
    ("new_name", "message"),
    [
        pytest.param("base", "already defines", id="taken"),
        pytest.param("a]b", "cannot contain", id="bracket"),
        pytest.param(" x", "white space", id="space"),
    ],
)
async def test_rename_refusals(
    nav: LanguageClient, project: Project, new_name: str, message: str
) -> None:
    e = enc(nav)
    uri = open_doc(nav, project.script, SCRIPT, "powershell", write=False)
    with pytest.raises(JsonRpcException, match=message):
        await _rename(nav, uri, pos_in(SCRIPT, "dev'\n}", e, 1), new_name)


async def test_rename_from_an_ini_header(nav: LanguageClient, project: Project) -> None:
    e = enc(nav)
    uri = open_doc(nav, project.config, CONFIG, "ini", write=False)
    edit = await _rename(nav, uri, pos_in(CONFIG, "deploy]", e, 2), "release")
    assert edit is not None and edit.changes is not None
    assert list(edit.changes) == [uri]
    assert "[profile release]" in _apply(CONFIG, list(edit.changes[uri]), e)


# --- symbols and the scan ---------------------------------------------------------------------


async def test_workspace_symbols(nav: LanguageClient, project: Project) -> None:
    result = await nav.workspace_symbol_async(types.WorkspaceSymbolParams(query="dep"))
    assert result is not None
    names = {(s.name, s.location.uri) for s in result}
    assert ("deploy", project.config.as_uri()) in names
    everything = await nav.workspace_symbol_async(types.WorkspaceSymbolParams(query=""))
    assert everything is not None
    seen = {(s.name, s.location.uri) for s in everything}
    assert ("sdkonly", project.sdk.as_uri()) in seen
    assert ("teamonly", project.team.as_uri()) in seen
    assert ("team a", project.credentials.as_uri()) in seen
    assert all("ignored" not in s.location.uri for s in everything)
    assert_no_secret(repr(everything))


async def test_document_symbols_list_aws_calls(nav: LanguageClient, project: Project) -> None:
    uri = open_doc(nav, project.script, SCRIPT, "powershell", write=False)
    result = await nav.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=ident(uri))
    )
    assert result is not None
    top = [s for s in result if isinstance(s, types.DocumentSymbol)]
    names = [s.name for s in top]
    assert names[:3] == ["Set-AWSCredential", "Get-Things", "Get-EC2Instance"]
    fn = top[1]
    assert [c.name for c in fn.children or []] == ["Get-S3Bucket"]
    assert (fn.children or [])[0].detail == "-ProfileName dev"
    assert_no_secret(repr(result))


async def test_workspace_scan_reports_progress(nav: LanguageClient) -> None:
    reports = list(nav.progress_reports.values())
    assert reports, "no $/progress"
    kinds = [type(r).__name__ for r in reports[0]]
    assert kinds[0] == "WorkDoneProgressBegin" and kinds[-1] == "WorkDoneProgressEnd"


# --- positions after non-ASCII text ----------------------------------------------------------


async def test_non_ascii_positions(nav: LanguageClient, project: Project) -> None:
    await check_non_ascii(nav, project)


async def test_non_ascii_positions_utf32(nav32: LanguageClient, project: Project) -> None:
    assert nav32.initialize_result.capabilities.position_encoding == "utf-32"  # type: ignore[attr-defined]
    await check_non_ascii(nav32, project)


async def check_non_ascii(nav: LanguageClient, project: Project) -> None:
    """Hover, definition, prepareRename, references and completion ranges on a line with
    multi-unit characters before the profile name, in the client's encoding."""
    e = enc(nav)
    uri = open_doc(nav, project.script, SCRIPT, "powershell", write=False)
    needle = "team a'\n"
    name = find(SCRIPT, "team a", e)
    literal = find(SCRIPT, "'team a'", e)
    line = SCRIPT.split("\n")[literal.start.line]
    assert "é😀" in line  # the literal sits after multi-unit characters
    hover = await _hover(nav, uri, pos_in(SCRIPT, needle, e, 2))
    assert hover is not None and hover.range is not None
    assert hover.range.start == literal.start and hover.range.end == literal.end
    [definition] = await _definition(nav, uri, pos_in(SCRIPT, needle, e, 2))
    assert definition.uri == project.credentials.as_uri() and definition.range.start.line == 13
    prepared = await _prepare(nav, uri, pos_in(SCRIPT, needle, e, 2))
    assert isinstance(prepared, types.PrepareRenamePlaceholder)
    assert prepared.range == name
    refs = await nav.text_document_references_async(
        types.ReferenceParams(
            text_document=ident(uri),
            position=pos_in(SCRIPT, needle, e, 2),
            context=types.ReferenceContext(include_declaration=False),
        )
    )
    assert refs is not None and [r.range for r in refs if r.uri == uri] == [name]
    # Completion on the same line, after the emoji.
    typed_line = 'Write-Host "é😀"; Get-S3Bucket -ProfileName \''
    text = SCRIPT + typed_line
    uri2 = open_doc(nav, project.script.with_name("typed.ps1"), text, "powershell", write=False)
    pos = types.Position(line=text.count("\n"), character=units(typed_line, e))
    items = await complete(nav, uri2, pos)
    dev = next(i for i in items if i.label == "dev")
    assert isinstance(dev.text_edit, types.TextEdit)
    assert dev.text_edit.range.start == pos == dev.text_edit.range.end
    other = {"utf-8": "utf-16", "utf-16": "utf-8", "utf-32": "utf-16"}[e]
    assert units(typed_line, other) != pos.character  # the encodings really differ here
    nav.text_document_did_close(types.DidCloseTextDocumentParams(text_document=ident(uri2)))

    # A profile whose own name is non-ASCII: symbol, prepareRename and rename ranges.
    wide = find(CREDENTIALS, "dév😀", e)
    symbols = await nav.workspace_symbol_async(types.WorkspaceSymbolParams(query="dév"))
    assert symbols is not None
    [symbol] = [s for s in symbols if s.name == "dév😀"]
    assert symbol.location.uri == project.credentials.as_uri()
    assert symbol.location.range == wide
    cred_uri = open_doc(nav, project.credentials, CREDENTIALS, "ini", write=False)
    inside = pos_in(CREDENTIALS, "dév😀]", e, 3)
    prepared = await _prepare(nav, cred_uri, inside)
    assert isinstance(prepared, types.PrepareRenamePlaceholder)
    assert prepared.placeholder == "dév😀" and prepared.range == wide
    edit = await _rename(nav, cred_uri, inside, "ñ")
    assert edit is not None and edit.changes is not None
    assert [x.range for x in edit.changes[cred_uri]] == [wide]
    assert _apply(CREDENTIALS, list(edit.changes[cred_uri]), e).endswith(
        f"[ñ]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET_KEY}\n"
    )
    nav.text_document_did_close(types.DidCloseTextDocumentParams(text_document=ident(cred_uri)))
