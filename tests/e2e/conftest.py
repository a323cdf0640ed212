"""Language-server clients for the end-to-end tests (pytest-lsp over stdio).

Every server gets an empty HOME and stores pointed at a temp folder with
``useUserStores: false``: no test can read the real ~/.aws.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from e2e_support import CONFIG_SERVER, PRESETS, Stores, install_recorder
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in item.nodeid.replace("\\", "/") or item.nodeid.startswith("e2e/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Stores:
    return Stores.create(tmp_path_factory.mktemp("e2e"))


@pytest.fixture(scope="module")
def workdir(stores: Stores) -> Path:
    path = stores.root / "work"
    path.mkdir(exist_ok=True)
    return path


@pytest_lsp.fixture(scope="module", params=PRESETS, config=CONFIG_SERVER)
async def client(
    request: pytest.FixtureRequest, lsp_client: LanguageClient, stores: Stores
) -> AsyncIterator[None]:
    """One server per client preset for a whole test module."""
    install_recorder(lsp_client)
    lsp_client.initialize_result = await lsp_client.initialize_session(  # type: ignore[attr-defined]
        types.InitializeParams(
            capabilities=client_capabilities(request.param),
            initialization_options=stores.options(),
            workspace_folders=[
                types.WorkspaceFolder(uri=stores.root.as_uri(), name="e2e"),
            ],
        )
    )
    lsp_client.preset = request.param  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()
