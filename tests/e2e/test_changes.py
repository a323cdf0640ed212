"""Changes outside the document: settings and store files on disk.

The settings tests share a server per preset (each sets the whole ``credls``
section it needs); the store test gets its own server and stores.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from e2e_support import (
    CONFIG_SERVER,
    PRESETS,
    Stores,
    codes,
    install_recorder,
    open_doc,
    recorder,
)
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities


@pytest.fixture
def fresh_stores(tmp_path: Path) -> Stores:
    return Stores.create(tmp_path)


async def _start(
    request: pytest.FixtureRequest, lsp_client: LanguageClient, stores: Stores
) -> None:
    install_recorder(lsp_client)
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(request.param),
            initialization_options=stores.options(),
        )
    )
    lsp_client.preset = request.param  # type: ignore[attr-defined]


@pytest_lsp.fixture(scope="module", params=PRESETS, config=CONFIG_SERVER)
async def settings_client(
    request: pytest.FixtureRequest, lsp_client: LanguageClient, stores: Stores
) -> AsyncIterator[None]:
    await _start(request, lsp_client, stores)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(params=PRESETS, config=CONFIG_SERVER)
async def own_client(
    request: pytest.FixtureRequest, lsp_client: LanguageClient, fresh_stores: Stores
) -> AsyncIterator[None]:
    await _start(request, lsp_client, fresh_stores)
    yield
    await lsp_client.shutdown_session()


def _config_pull_supported(client: LanguageClient) -> bool:
    caps = client.capabilities
    return bool(caps and caps.workspace and caps.workspace.configuration)


@pytest.mark.asyncio(loop_scope="module")
async def test_settings_change_applies_without_restart(
    settings_client: LanguageClient, stores: Stores
) -> None:
    client = settings_client
    rec = recorder(client)
    uri = open_doc(client, stores.root / "p" / ".aws" / "config", "[default]\nregoin = x\n", "ini")
    assert codes((await rec.publish(uri)).diagnostics) == ["CRED109"]
    mark = rec.mark()
    settings = {"ignore": ["unknown-key"]}
    if _config_pull_supported(client):
        client.set_configuration({"credls": settings})
        payload = None
    else:  # Neovim 0.7 has no workspace/configuration: settings come with the notification
        payload = {"credls": settings}
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=payload))
    assert (await rec.publish(uri, after=mark)).diagnostics == []


@pytest.mark.asyncio(loop_scope="module")
async def test_bad_settings_are_shown_not_fatal(
    settings_client: LanguageClient, stores: Stores
) -> None:
    client = settings_client
    rec = recorder(client)
    settings = {"ignore": ["NOPE999"], "platfrom": "linux", "select": ["CRED1"]}
    if _config_pull_supported(client):
        client.set_configuration({"credls": settings})
        payload = None
    else:
        payload = {"credls": settings}
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=payload))
    uri = open_doc(
        client,
        stores.root / "q" / ".aws" / "config",
        "[default]\nregoin = x\nrole_arn = bad\n",
        "ini",
    )
    # select = CRED1 still applies; the bad entries are reported, not fatal.
    assert codes((await rec.publish(uri)).diagnostics) == ["CRED109", "CRED110"]
    await rec.wait(lambda: len(client.messages) >= 2)
    shown = " ".join(m.message for m in client.messages)
    assert "NOPE999" in shown and "platfrom" in shown


async def test_store_file_change_revalidates_open_documents(
    own_client: LanguageClient, fresh_stores: Stores
) -> None:
    client = own_client
    rec = recorder(client)
    text = "[profile app]\nrole_arn = arn:aws:iam::123456789012:role/app\nsource_profile = later\n"
    uri = open_doc(client, fresh_stores.root / "proj" / ".aws" / "config", text, "ini")
    assert "CRED207" in codes((await rec.publish(uri)).diagnostics)
    mark = rec.mark()
    loop = asyncio.get_running_loop()
    started = loop.time()
    with fresh_stores.credentials.open("a") as fh:
        fh.write("\n[later]\naws_access_key_id = AKIAQ7RWZ3XBNPLKQ2MA\n")
        fh.write("aws_secret_access_key = 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\n")
    if client.preset == "visual-studio-code":  # type: ignore[attr-defined]
        # The server asked the editor to watch the store files; play the editor's part.
        [reg] = [r for r in rec.registrations if r.method == "workspace/didChangeWatchedFiles"]
        options = reg.register_options
        watched = repr(options)
        assert str(fresh_stores.credentials) in watched and str(fresh_stores.config) in watched
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[
                    types.FileEvent(
                        uri=fresh_stores.credentials.as_uri(), type=types.FileChangeType.Changed
                    )
                ]
            )
        )
    else:
        assert not [r for r in rec.registrations if r.method == "workspace/didChangeWatchedFiles"]
    pub = await rec.publish(uri, after=mark, timeout=5)
    assert "CRED207" not in codes(pub.diagnostics)
    assert loop.time() - started < 1.5  # polling every 0.5 s: well within "1 s" plus slack
