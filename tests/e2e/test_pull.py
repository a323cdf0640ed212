"""Pull diagnostics, and the end of a session.

No preset of pytest-lsp both pulls and accepts ``workspace/diagnostic/refresh``;
the client here is Neovim 0.11's capabilities plus refresh support, which makes
the server choose the pull model (see ``ClientFeatures.pull_mode``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_lsp
from e2e_support import CONFIG_SERVER, Stores, install_recorder, open_doc, recorder
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

pytestmark = pytest.mark.asyncio(loop_scope="module")


def pull_capabilities() -> types.ClientCapabilities:
    caps = client_capabilities("neovim@v0.11.0")
    assert caps.workspace is not None and caps.text_document is not None
    assert caps.text_document.diagnostic is not None
    caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    return caps


@pytest_lsp.fixture(scope="module", config=CONFIG_SERVER)
async def puller(lsp_client: LanguageClient, stores: Stores) -> AsyncIterator[None]:
    install_recorder(lsp_client)
    lsp_client.initialize_result = await lsp_client.initialize_session(  # type: ignore[attr-defined]
        types.InitializeParams(
            capabilities=pull_capabilities(), initialization_options=stores.options()
        )
    )
    yield
    if lsp_client.capabilities is not None:
        await lsp_client.shutdown_session()


async def test_pull_model_is_advertised(puller: LanguageClient) -> None:
    caps = puller.initialize_result.capabilities  # type: ignore[attr-defined]
    assert isinstance(caps.diagnostic_provider, types.DiagnosticOptions)
    assert caps.diagnostic_provider.workspace_diagnostics
    assert caps.diagnostic_provider.inter_file_dependencies


async def test_document_and_workspace_pull(puller: LanguageClient, stores: Stores) -> None:
    client = puller
    text = "[default]\nregoin = x\n"
    uri = open_doc(client, stores.root / "pull" / ".aws" / "config", text, "confini")
    ident = types.TextDocumentIdentifier(uri=uri)
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=ident)
    )
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert [d.code for d in report.items] == ["CRED109"]
    assert report.items[0].range.start == types.Position(line=1, character=0)
    again = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=ident, previous_result_id=report.result_id)
    )
    assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport)
    workspace = await client.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=[])
    )
    [item] = [i for i in workspace.items if i.uri == uri]
    assert isinstance(item, types.WorkspaceFullDocumentDiagnosticReport)
    assert item.version == 1 and [d.code for d in item.items] == ["CRED109"]
    # A pull client is never pushed to: it would show every finding twice.
    assert recorder(client).published == []


async def test_store_change_asks_the_client_to_pull_again(
    puller: LanguageClient, stores: Stores
) -> None:
    client = puller
    rec = recorder(client)
    before = client.diagnostic_refresh_count
    with stores.config.open("a") as fh:
        fh.write("\n[profile added]\nregion = eu-west-1\n")
    await rec.wait(lambda: client.diagnostic_refresh_count > before, timeout=5)


async def test_a_broken_script_settles_and_the_client_is_asked_to_pull_again(
    puller: LanguageClient, stores: Stores
) -> None:
    """Pull mode of ``test_settle``: the whole parse's findings, under a new result id."""
    from test_settle import BEFORE, EDIT, _after

    client = puller
    rec = recorder(client)
    ident = types.TextDocumentIdentifier(
        uri=open_doc(client, stores.root / "pull" / "fresh.ps1", _after(), "powershell")
    )
    fresh = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=ident)
    )
    want = sorted((str(d.code), d.range.start.line) for d in fresh.items)
    uri = open_doc(client, stores.root / "pull" / "settle.ps1", BEFORE, "powershell")
    doc = types.TextDocumentIdentifier(uri=uri)
    await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(text_document=doc))
    at = types.Position(line=EDIT.line, character=EDIT.character)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=at, end=at), text="@{"
                )
            ],
        )
    )
    before = client.diagnostic_refresh_count
    edited = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=doc)
    )
    assert isinstance(edited, types.RelatedFullDocumentDiagnosticReport)
    assert "CRED201" in [str(d.code) for d in edited.items]  # the incremental tree's
    await rec.wait(lambda: client.diagnostic_refresh_count > before, timeout=5)
    settled = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=doc, previous_result_id=edited.result_id)
    )
    assert isinstance(settled, types.RelatedFullDocumentDiagnosticReport)
    assert settled.result_id != edited.result_id
    assert sorted((str(d.code), d.range.start.line) for d in settled.items) == want


async def test_request_during_shutdown_gets_an_error(puller: LanguageClient) -> None:
    client = puller
    await client.shutdown_async(None)
    with pytest.raises(Exception, match="shutting down"):
        await asyncio.wait_for(
            client.text_document_hover_async(
                types.HoverParams(
                    text_document=types.TextDocumentIdentifier(uri="file:///x.ps1"),
                    position=types.Position(line=0, character=0),
                )
            ),
            5,
        )
    client.exit(None)
    server = client._server
    assert server is not None
    assert await asyncio.wait_for(server.wait(), 5) == 0
    client.capabilities = None  # the session is over: the fixture must not shut it down again
