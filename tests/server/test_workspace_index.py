"""The server's workspace index and script model hand-over, driven in-process
(a real server object, real files, no client): what gets indexed, that stale
entries are re-read, that the scan yields to diagnostics, and that the rules
analyse the server's incrementally parsed tree."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import client_capabilities

from credls.document import DocumentKind
from credls.navigation import OccurrenceKind
from credls.server.app import CredlsLanguageServer, create_server
from credls.server.client import ClientFeatures
from credls.server.features.references import matches
from credls.server.index import read_file

CREDENTIALS = "[dev]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n\n[other]\nregion = x\n"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / ".git").mkdir(parents=True)
    (root / ".gitignore").write_text("build/\n")
    files = {
        "scripts/run.ps1": "Get-S3Bucket -ProfileName dev\n",
        "scripts/plain.ps1": "Get-ChildItem\n",
        "team.credentials": "[dev]\nregion = x\n",
        "build/out.ps1": "Get-S3Bucket -ProfileName dev\n",
        "notes.txt": "ProfileName dev\n",
        "stores/credentials": CREDENTIALS,
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def server_for(root: Path) -> CredlsLanguageServer:
    ls = create_server()
    ls.state.init_settings = {
        "useUserStores": False,
        "platform": "linux",
        "stores": {"credentialsFile": str(root / "stores" / "credentials")},
    }
    ls.state.folders = [(root.as_uri(), str(root))]
    return ls


@pytest.mark.parametrize(
    ("name", "text", "kind", "names"),
    [
        (
            "a.ps1",
            "Set-AWSCredential -ProfileName a -StoreAs b\n",
            DocumentKind.POWERSHELL,
            ["a", "b"],
        ),
        ("b.ps1", "Write-Host hi\n", DocumentKind.POWERSHELL, []),
        (
            "c.credentials",
            "[x]\n[y]\nsource_profile = x\n",
            DocumentKind.CREDENTIALS,
            ["x", "y", "x"],
        ),
        ("d.ps1", "\x00\x01binary", DocumentKind.POWERSHELL, []),
    ],
)
def test_read_file(
    tmp_path: Path, name: str, text: str, kind: DocumentKind, names: list[str]
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    entry = read_file(str(path), kind)
    assert entry is not None and entry.kind is kind
    assert [o.name for o in entry.occurrences] == names
    assert read_file(str(tmp_path / "missing.ps1"), kind) is None


async def test_scan_indexes_the_workspace(workspace: Path) -> None:
    ls = server_for(workspace)
    ls.index.start()
    await asyncio.wait_for(ls.index.done.wait(), 30)
    indexed = {os.path.relpath(f.path, workspace): f for f in ls.index.files.values()}
    # Git-ignored folders, plain text and the configured store file are not indexed
    # (the store's occurrences come from the store chain's own parse).
    assert set(indexed) == {"scripts/run.ps1", "scripts/plain.ps1", "team.credentials"}
    assert [o.name for o in indexed["scripts/run.ps1"].occurrences] == ["dev"]
    assert indexed["scripts/plain.ps1"].occurrences == ()
    stores = await ls.run_core(ls.index.store_occurrences)
    assert [(o.name, o.kind) for o in stores] == [
        ("dev", OccurrenceKind.SECTION),
        ("other", OccurrenceKind.SECTION),
    ]

    # A changed file is re-read on the next query; a deleted one disappears.
    run = workspace / "scripts" / "run.ps1"
    run.write_text("Get-S3Bucket -ProfileName prod -Region x\n", encoding="utf-8")
    (workspace / "team.credentials").unlink()
    entries = await ls.run_core(ls.index.entries)
    names = {os.path.relpath(e.path, workspace): [o.name for o in e.occurrences] for e in entries}
    assert names == {"scripts/run.ps1": ["prod"], "scripts/plain.ps1": []}
    ls.index.stop()


async def test_scan_waits_while_documents_wait_for_diagnostics(workspace: Path) -> None:
    ls = server_for(workspace)
    pending: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    ls.diagnostics._tasks["file:///busy"] = pending  # type: ignore[assignment]
    assert ls.diagnostics.busy
    ls.index.start()
    await asyncio.sleep(0.5)
    assert ls.index.files == {}  # nothing read while a document waits
    del ls.diagnostics._tasks["file:///busy"]
    await asyncio.wait_for(ls.index.done.wait(), 30)
    assert len(ls.index.files) == 3
    ls.index.stop()


def test_rules_analyse_the_servers_tree(workspace: Path) -> None:
    """After an incremental edit the core's model is built on the document's own tree."""
    from credls.server.features.diagnostics import analyze
    from credls.server.scripts import view_for

    ls = server_for(workspace)
    path = workspace / "scripts" / "run.ps1"
    text = path.read_text()
    doc = ls.docs.open(
        types.TextDocumentItem(uri=path.as_uri(), language_id="powershell", version=1, text=text)
    )
    first = analyze(ls, doc.snapshot(), ls.generation)
    assert first is not None and [d.code for d in first.core] == []
    at = types.Position(line=0, character=len("Get-S3Bucket -ProfileName dev"))
    doc.apply_changes(
        2,
        [types.TextDocumentContentChangePartial(range=types.Range(start=at, end=at), text="x")],
        ls.client.encoding,
    )
    result = analyze(ls, doc.snapshot(), ls.generation)
    assert result is not None and [d.code for d in result.core] == ["CRED201"]  # devx: no such
    view = view_for(ls, doc.snapshot())
    assert view is not None
    assert view.model.document is doc.powershell()
    assert [o.name for o in view.occurrences] == ["devx"]


@pytest.mark.parametrize(
    ("query", "name", "hit"),
    [
        ("", "anything", True),
        ("dev", "dev", True),
        ("DV", "deploy-dev", True),
        ("dpl", "deploy", True),
        ("xyz", "deploy", False),
        ("ved", "dev", False),
    ],
)
def test_symbol_query_matching(query: str, name: str, hit: bool) -> None:
    assert matches(query, name) is hit


@pytest.mark.parametrize(
    ("preset", "progress", "tags"),
    [
        ("visual-studio-code", True, frozenset({1})),
        ("neovim@v0.7.0", True, frozenset()),
        ("neovim@v0.11.0", True, frozenset({1})),
    ],
)
def test_client_features_for_navigation(preset: str, progress: bool, tags: frozenset[int]) -> None:
    features = ClientFeatures.from_capabilities(client_capabilities(preset))
    assert features.work_done_progress is progress
    assert features.completion_tags == tags
