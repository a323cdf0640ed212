"""Editing session against one server per client preset: sync, diagnostics, features."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from e2e_support import (
    ACCESS_KEY,
    ENCODING,
    SECRET_KEY,
    Stores,
    assert_no_secret,
    change,
    codes,
    find,
    hover_text,
    open_doc,
    pos_in,
    recorder,
)
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")


def enc(client: LanguageClient) -> str:
    return ENCODING[client.preset]  # type: ignore[attr-defined]


# --- lifecycle -----------------------------------------------------------------------


async def test_initialize_advertises_features(client: LanguageClient) -> None:
    caps = client.initialize_result.capabilities  # type: ignore[attr-defined]
    assert caps.position_encoding == enc(client)
    sync = caps.text_document_sync
    assert isinstance(sync, types.TextDocumentSyncOptions)
    assert sync.change == types.TextDocumentSyncKind.Incremental
    assert sync.open_close
    assert caps.completion_provider is not None
    assert set(caps.completion_provider.trigger_characters or []) == {
        "-",
        " ",
        "'",
        '"',
        "=",
        "[",
        ":",
    }
    assert caps.hover_provider and caps.definition_provider
    assert caps.document_symbol_provider and caps.folding_range_provider
    assert isinstance(caps.code_action_provider, types.CodeActionOptions)
    assert "source.fixAll.credls" in (caps.code_action_provider.code_action_kinds or [])
    # None of these presets can be asked to re-pull, so diagnostics are pushed.
    assert caps.diagnostic_provider is None


# --- diagnostics -----------------------------------------------------------------------

CONFIG_TEXT = """[default]
region = us-east-1
[default]
output = jé😀son
x = 1 # c
"""


async def test_diagnostics_after_open(client: LanguageClient, workdir: Path) -> None:
    rec = recorder(client)
    e = enc(client)
    path = workdir / "open" / ".aws" / "config"
    uri = open_doc(client, path, CONFIG_TEXT, "ini")
    pub = await rec.publish(uri)
    assert pub.version == 1
    by_code = {str(d.code): d for d in pub.diagnostics}
    assert set(by_code) == {"CRED101", "CRED104", "CRED109", "CRED110"}
    assert by_code["CRED110"].range == find(CONFIG_TEXT, "jé😀son", e)
    assert by_code["CRED104"].range == find(CONFIG_TEXT, "# c", e)
    assert by_code["CRED109"].severity == types.DiagnosticSeverity.Warning
    for d in pub.diagnostics:
        assert d.source == "credls"
    dup = by_code["CRED101"]
    assert dup.range == find(CONFIG_TEXT, "default", e, occurrence=1)
    [related] = dup.related_information or []
    assert related.location.uri == uri
    assert related.location.range == find(CONFIG_TEXT, "default", e)
    if client.preset == "visual-studio-code":  # type: ignore[attr-defined]
        assert dup.code_description is not None
        assert dup.code_description.href.endswith("cred101-duplicate-section")


async def test_incremental_edits_in_client_units(client: LanguageClient, workdir: Path) -> None:
    """Deleting "é😀" from "jé😀son" makes "json": only right if the columns are converted."""
    rec = recorder(client)
    e = enc(client)
    path = workdir / "edit" / ".aws" / "config"
    text = "[default]\noutput = jé😀son\n"
    uri = open_doc(client, path, text, "dosini")
    assert codes((await rec.publish(uri, version=1)).diagnostics) == ["CRED110"]
    rng = find(text, "é😀", e)
    change(client, uri, 2, types.TextDocumentContentChangePartial(range=rng, text=""))
    assert (await rec.publish(uri, version=2)).diagnostics == []
    # Two changes in one notification, applied in order: break the value, then a key.
    line1 = types.Position(line=1, character=0)
    change(
        client,
        uri,
        3,
        types.TextDocumentContentChangePartial(
            range=types.Range(
                start=types.Position(line=1, character=9), end=types.Position(line=1, character=13)
            ),
            text="yml",
        ),
        types.TextDocumentContentChangePartial(
            range=types.Range(start=line1, end=line1), text="z = 1\n"
        ),
    )
    pub = await rec.publish(uri, version=3)
    assert codes(pub.diagnostics) == ["CRED109", "CRED110"]
    by_code = {str(d.code): d for d in pub.diagnostics}
    assert by_code["CRED110"].range.start.line == 2
    change(client, uri, 4, types.TextDocumentContentChangeWholeDocument(text="[default]\n"))
    assert (await rec.publish(uri, version=4)).diagnostics == []


@pytest.mark.parametrize(
    ("name", "language_id"),
    [
        (".aws/credentials", ""),
        (".aws/credentials", "plaintext"),
        (".aws/credentials", "confini"),
        (".aws/config", "confini"),
        ("team.credentials", "ini"),
        ("anything.ini", "aws-credentials"),
    ],
)
async def test_ini_documents_recognised(
    client: LanguageClient, workdir: Path, name: str, language_id: str
) -> None:
    rec = recorder(client)
    path = workdir / "kinds" / language_id.replace("-", "_") / name
    uri = open_doc(client, path, "[default]\nregoin = us-east-1\n", language_id)
    pub = await rec.publish(uri)
    assert "CRED109" in codes(pub.diagnostics)


@pytest.mark.parametrize("language_id", ["powershell", "ps1"])
async def test_powershell_documents(
    client: LanguageClient, workdir: Path, language_id: str
) -> None:
    rec = recorder(client)
    e = enc(client)
    text = f"# é😀\nSet-AWSCredential -AccessKey '{ACCESS_KEY}' -SecretKey '{SECRET_KEY}'\n"
    uri = open_doc(client, workdir / f"deploy-{language_id}.ps1", text, language_id)
    pub = await rec.publish(uri)
    by_code = {str(d.code): d for d in pub.diagnostics}
    assert {"CRED301", "CRED302"} <= set(by_code)
    assert by_code["CRED301"].range == find(text, ACCESS_KEY, e)
    for d in pub.diagnostics:
        assert_no_secret(d.message)


async def test_non_ascii_columns_differ_by_encoding(client: LanguageClient, workdir: Path) -> None:
    rec = recorder(client)
    text = "[default]\né😀x = 1\n"
    uri = open_doc(client, workdir / "enc" / ".aws" / "credentials", text, "ini")
    [d] = [d for d in (await rec.publish(uri)).diagnostics if d.code == "CRED109"]
    expected = {"utf-16": 4, "utf-8": 7}[enc(client)]  # é=1/2, 😀=2/4, x=1/1
    assert (d.range.start.character, d.range.end.character) == (0, expected)


async def test_unused_suppression_is_tagged_and_fixable(
    client: LanguageClient, workdir: Path
) -> None:
    rec = recorder(client)
    text = "[default]\n# credls: ignore-next-line[CRED109]\nregion = us-east-1\n"
    uri = open_doc(client, workdir / "supp" / ".aws" / "config", text, "ini")
    [d] = (await rec.publish(uri)).diagnostics
    assert d.code == "CRED001"
    assert d.severity == types.DiagnosticSeverity.Hint
    assert list(d.tags or []) == [types.DiagnosticTag.Unnecessary]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=d.range,
            context=types.CodeActionContext(diagnostics=[d]),
        )
    )
    fixes = [a for a in actions or [] if isinstance(a, types.CodeAction) and a.is_preferred]
    [fix] = fixes
    assert fix.kind == types.CodeActionKind.QuickFix
    assert fix.edit is not None and fix.edit.changes is not None
    [edit] = fix.edit.changes[uri]
    assert edit.new_text == ""
    assert edit.range.start.line == 1


async def test_close_clears_diagnostics(client: LanguageClient, workdir: Path) -> None:
    rec = recorder(client)
    uri = open_doc(client, workdir / "close" / ".aws" / "config", "[default]\nxx = 1\n", "ini")
    assert (await rec.publish(uri, version=1)).diagnostics
    mark = rec.mark()
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert (await rec.publish(uri, after=mark)).diagnostics == []


# --- completion ---------------------------------------------------------------------------


async def _complete(
    client: LanguageClient, uri: str, pos: types.Position
) -> list[types.CompletionItem]:
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=pos)
    )
    if result is None:
        return []
    return list(result.items if isinstance(result, types.CompletionList) else result)


COMPLETION_LINES = [
    "[profile app]",
    "reg",
    "output = ",
    "retry_mode = st",
    "use_fips_endpoint = ",
    "source_profile = ",
    "sso_session = ",
    "# comment reg",
    "region = us-east-1",
    "[sso-session corp2]",
    "sso_region = us-east-1",
    "sso_",
]
COMPLETION_TEXT = "\n".join(COMPLETION_LINES) + "\n"


@pytest.mark.parametrize(
    ("line_text", "column", "expected", "absent"),
    [
        # keys already in the section (region, output, ...) are not offered again
        ("reg", 3, {"role_arn", "sso_start_url", "aws_access_key_id"}, {"region", "output"}),
        ("output = ", 9, {"json", "text", "table", "yaml", "yaml-stream"}, set()),
        ("retry_mode = st", 15, {"legacy", "standard", "adaptive"}, set()),
        ("use_fips_endpoint = ", 20, {"true", "false"}, set()),
        ("source_profile = ", 17, {"default", "base", "deploy"}, {"app"}),
        ("sso_session = ", 14, {"corp", "corp2"}, set()),
        ("sso_", 4, {"sso_start_url", "sso_registration_scopes"}, {"sso_region", "role_arn"}),
    ],
)
async def test_completion(
    client: LanguageClient,
    workdir: Path,
    line_text: str,
    column: int,
    expected: set[str],
    absent: set[str],
) -> None:
    path = workdir / "complete" / ".aws" / "config"
    uri = open_doc(client, path, COMPLETION_TEXT, "ini")
    line = COMPLETION_TEXT.splitlines().index(line_text)
    items = await _complete(client, uri, types.Position(line=line, character=column))
    labels = {i.label for i in items}
    assert expected <= labels
    assert not (absent & labels)
    for item in items:
        assert_no_secret(f"{item.label} {item.detail} {item.documentation}")
        assert isinstance(item.text_edit, types.TextEdit)
        assert item.text_edit.range.end == types.Position(line=line, character=column)


async def test_completion_profile_detail_names_the_store(
    client: LanguageClient, workdir: Path, stores: Stores
) -> None:
    uri = open_doc(client, workdir / "complete2" / ".aws" / "config", COMPLETION_TEXT, "ini")
    line = COMPLETION_TEXT.splitlines().index("source_profile = ")
    items = await _complete(client, uri, types.Position(line=line, character=17))
    base = next(i for i in items if i.label == "base")
    assert base.detail is not None
    assert "credentials-file" in base.detail and str(stores.credentials) in base.detail


async def test_no_completion_in_comments(client: LanguageClient, workdir: Path) -> None:
    uri = open_doc(client, workdir / "complete3" / ".aws" / "config", COMPLETION_TEXT, "ini")
    line = COMPLETION_TEXT.splitlines().index("# comment reg")
    assert await _complete(client, uri, types.Position(line=line, character=13)) == []


# --- hover ----------------------------------------------------------------------------------


async def test_hover_on_profile_header(client: LanguageClient, stores: Stores) -> None:
    e = enc(client)
    text = stores.credentials.read_text()
    uri = open_doc(client, stores.credentials, text, "ini", write=False)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=pos_in(text, "base]", e, 1),
        )
    )
    value = hover_text(hover)
    assert "Profile `base`" in value
    assert "Session" in value  # the profile type
    assert str(stores.credentials) in value and "line 5" in value
    assert "Search order" in value and str(stores.config) in value
    assert "AKIA…" in value
    assert "aws_session_token" in value and "********" in value
    assert_no_secret(value)
    assert hover is not None and hover.range == find(text, "base", e)


async def test_hover_on_key_and_rule_code(client: LanguageClient, workdir: Path) -> None:
    e = enc(client)
    text = "[default]\n# credls: ignore-next-line[CRED109]\nduration_seconds = 3600\nregoin = x\n"
    uri = open_doc(client, workdir / "hover" / ".aws" / "config", text, "ini")
    await recorder(client).publish(uri)
    key = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=pos_in(text, "duration_seconds", e, 3),
        )
    )
    assert "900-43200" in hover_text(key) and "botocore" in hover_text(key)
    rule = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=pos_in(text, "CRED109]", e, 2),
        )
    )
    assert "unknown-key" in hover_text(rule)
    finding = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=pos_in(text, "regoin", e, 1),
        )
    )
    assert "CRED109" in hover_text(finding)


# --- navigation -------------------------------------------------------------------------------


async def test_definition_of_source_profile_and_sso_session(
    client: LanguageClient, workdir: Path, stores: Stores
) -> None:
    e = enc(client)
    text = (
        "[profile local]\nregion = eu-west-1\n[profile x]\nsource_profile = local\n"
        "[profile y]\nsource_profile = base\nsso_session = corp\n"
    )
    uri = open_doc(client, workdir / "def" / ".aws" / "config", text, "ini")

    async def definition(needle: str) -> list[types.Location]:
        result = await client.text_document_definition_async(
            types.DefinitionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=pos_in(text, needle, e, 1),
            )
        )
        assert isinstance(result, list)
        return [loc for loc in result if isinstance(loc, types.Location)]

    [local] = await definition("local\n[profile y]")
    assert local.uri == uri and local.range == find(text, "profile local", e)
    base = await definition("base")
    assert [loc.uri for loc in base] == [stores.credentials.as_uri()]
    assert base[0].range.start.line == 4
    [corp] = await definition("corp")
    assert corp.uri == stores.config.as_uri() and corp.range.start.line == 7


async def test_document_symbols_and_folding(client: LanguageClient, workdir: Path) -> None:
    text = (
        f"[default]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET_KEY}\n"
        "\n[b]\nregion = us-east-1\n"
    )
    uri = open_doc(client, workdir / "sym" / ".aws" / "credentials", text, "ini")
    ident = types.TextDocumentIdentifier(uri=uri)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=ident)
    )
    assert symbols is not None
    top = [s for s in symbols if isinstance(s, types.DocumentSymbol)]
    assert [s.name for s in top] == ["default", "b"]
    assert [c.name for c in top[0].children or []] == ["aws_access_key_id", "aws_secret_access_key"]
    assert_no_secret(repr(symbols))
    folds = await client.text_document_folding_range_async(
        types.FoldingRangeParams(text_document=ident)
    )
    assert [(f.start_line, f.end_line) for f in folds or []] == [(0, 2), (4, 5)]


async def test_powershell_symbols_follow_incremental_edits(
    client: LanguageClient, workdir: Path
) -> None:
    text = "function Get-One { 1 }\n"
    uri = open_doc(client, workdir / "fn.ps1", text, "powershell")
    ident = types.TextDocumentIdentifier(uri=uri)

    async def names() -> list[str]:
        result = await client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=ident)
        )
        return [s.name for s in result or []]

    assert await names() == ["Get-One"]
    end = types.Position(line=1, character=0)
    change(
        client,
        uri,
        2,
        types.TextDocumentContentChangePartial(
            range=types.Range(start=end, end=end), text="function Get-Two { 2 }\n"
        ),
    )
    change(
        client,
        uri,
        3,
        types.TextDocumentContentChangePartial(
            range=types.Range(
                start=types.Position(line=0, character=13), end=types.Position(line=0, character=16)
            ),
            text="Uno",
        ),
    )
    assert await names() == ["Get-Uno", "Get-Two"]


# --- code actions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "language_id", "text", "code", "new_line"),
    [
        (
            "a.ps1",
            "powershell",
            f"Set-AWSCredential -AccessKey {ACCESS_KEY} -SecretKey $s\n",
            "CRED301",
            f"Set-AWSCredential -AccessKey {ACCESS_KEY} -SecretKey $s  # credls: ignore[CRED301]",
        ),
        (
            ".aws/config",
            "ini",
            "[default]\nregoin = x\n",
            "CRED109",
            "# credls: ignore-next-line[CRED109]",
        ),
    ],
)
async def test_ignore_rule_action(
    client: LanguageClient,
    workdir: Path,
    name: str,
    language_id: str,
    text: str,
    code: str,
    new_line: str,
) -> None:
    rec = recorder(client)
    uri = open_doc(client, workdir / "ignore" / name, text, language_id)
    pub = await rec.publish(uri, version=1)
    diag = next(d for d in pub.diagnostics if d.code == code)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diag.range,
            context=types.CodeActionContext(diagnostics=[diag]),
        )
    )
    [action] = [
        a
        for a in actions or []
        if isinstance(a, types.CodeAction) and a.title == f"Ignore {code} on this line"
    ]
    assert action.edit is not None and action.edit.changes is not None
    [edit] = action.edit.changes[uri]
    lines = text.split("\n")
    start, end = edit.range.start, edit.range.end
    assert start == end
    line = lines[start.line]
    lines[start.line] = line[: start.character] + edit.new_text + line[start.character :]
    new_text = "\n".join(lines)
    assert new_line in new_text.split("\n")
    change(client, uri, 2, types.TextDocumentContentChangeWholeDocument(text=new_text))
    after = await rec.publish(uri, version=2)
    assert code not in codes(after.diagnostics) and "CRED001" not in codes(after.diagnostics)


async def test_fix_all_source_action(client: LanguageClient, workdir: Path) -> None:
    """The fixes ``credls check --fix`` applies: not the suppression removals (CRED001,
    which depend on this machine's stores), not a fix that changes what a script does."""
    rec = recorder(client)
    text = (
        "Set-AWSCredentials -ProfileName default\n"
        "Get-AWSCredential -ListProfile\n"
        "Clear-AWSCredential -ProfileName default\n"
        "Get-S3Bucket  # credls: ignore[CRED201]\n"
    )
    uri = open_doc(client, workdir / "fixall" / "fix.ps1", text, "powershell")
    pub = await rec.publish(uri)
    assert codes(pub.diagnostics) == ["CRED001", "CRED401", "CRED401", "CRED402"]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)
            ),
            context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.Source]),
        )
    )
    [fix_all] = actions or []
    assert isinstance(fix_all, types.CodeAction) and fix_all.kind == "source.fixAll.credls"
    assert fix_all.edit is not None and fix_all.edit.changes is not None
    edits = sorted((e.range.start.line, e.new_text) for e in fix_all.edit.changes[uri])
    assert edits == [(0, "Set-AWSCredential"), (1, "ListProfileDetail")]


# --- robustness ---------------------------------------------------------------------------------


async def test_requests_for_unknown_documents_answer_empty(client: LanguageClient) -> None:
    ident = types.TextDocumentIdentifier(uri="file:///nowhere/not-open.ps1")
    pos = types.Position(line=3, character=4)
    assert (
        await client.text_document_hover_async(types.HoverParams(text_document=ident, position=pos))
        is None
    )
    assert (
        await client.text_document_completion_async(
            types.CompletionParams(text_document=ident, position=pos)
        )
        is None
    )
    assert (
        await client.text_document_definition_async(
            types.DefinitionParams(text_document=ident, position=pos)
        )
        is None
    )
    assert (
        await client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=ident)
        )
        == []
    )


async def test_positions_past_the_end_clamp(client: LanguageClient, workdir: Path) -> None:
    """A position past the end is read as the end of the last line (where "reg" is)."""
    rec = recorder(client)
    uri = open_doc(client, workdir / "clamp" / ".aws" / "config", "[default]\nreg", "ini")
    await rec.publish(uri)
    far = types.Position(line=99, character=500)
    ident = types.TextDocumentIdentifier(uri=uri)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=ident, position=far)
    )
    assert "CRED103" in hover_text(hover)
    items = await _complete(client, uri, far)
    assert "region" in {i.label for i in items}


async def test_binary_and_huge_documents(client: LanguageClient, workdir: Path) -> None:
    if client.preset != "visual-studio-code":  # type: ignore[attr-defined]
        pytest.skip("client-independent; one preset keeps the suite fast")
    rec = recorder(client)
    binary = open_doc(
        client, workdir / "blob" / ".aws" / "credentials", "[a]\x00\x01\x02" * 100, "ini"
    )
    assert (await rec.publish(binary)).diagnostics == []
    huge_text = ("[p]\nregion = us-east-1\n" * 2_700_000)[: 50 * 1024 * 1024]
    huge = open_doc(
        client, workdir / "huge" / ".aws" / "credentials", huge_text, "ini", write=False
    )
    assert (await rec.publish(huge, timeout=30)).diagnostics == []
    ident = types.TextDocumentIdentifier(uri=huge)
    pos = types.Position(line=1, character=2)
    hover = await asyncio.wait_for(
        client.text_document_hover_async(types.HoverParams(text_document=ident, position=pos)), 30
    )
    assert hover is None
    assert any("not checked" in m.message for m in client.log_messages)
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=ident))


async def test_malformed_request_gets_an_error(client: LanguageClient) -> None:
    """Params of the wrong shape: the server must answer with an error, not drop it."""
    import concurrent.futures

    future: concurrent.futures.Future[object] = concurrent.futures.Future()
    client.protocol._request_futures["malformed-1"] = future
    client.protocol._send_data(
        {
            "jsonrpc": "2.0",
            "id": "malformed-1",
            "method": types.TEXT_DOCUMENT_HOVER,
            "params": {"textDocument": 5},
        }
    )
    with pytest.raises(Exception, match="nvalid params"):
        await asyncio.wait_for(asyncio.wrap_future(future), 5)


async def test_logs_never_carry_secrets(client: LanguageClient) -> None:
    for message in client.log_messages:
        assert_no_secret(message.message)
