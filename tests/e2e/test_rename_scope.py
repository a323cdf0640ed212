"""References and rename follow the store a profile name resolves to (issue 4), per
client preset.

The workspace holds three unrelated profiles all called ``prod``: one in
``fixtures/a/credentials`` (with its ``config`` sibling; neither name is picked up
by the scan, a script's ``-ProfileLocation`` leads to them), one in
``other/team.credentials`` and one in the configured user stores (outside the
workspace, set through ``initializationOptions``). Scripts use each; one passes a
``-ProfileLocation`` known only at run time. From every side, references list and
rename edits only the occurrences of that same profile.
"""

from __future__ import annotations

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
    apply_lsp_edits,
    assert_no_secret,
    find,
    install_recorder,
    open_doc,
    pos_in,
)
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient, client_capabilities

pytestmark = pytest.mark.asyncio(loop_scope="module")

KEYS = f"aws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET_KEY}\n"

# Side A: reached only through x.ps1's -ProfileLocation (and the pair rule for its config).
A_CREDENTIALS = f"[prod]\n{KEYS}"
A_CONFIG = "[profile prod]\nregion = eu-west-1\n"
X_SCRIPT = "Get-S3Bucket -ProfileName prod -ProfileLocation ../fixtures/a/credentials\n"

# Side T: a *.credentials file the scan indexes by name; its source_profile stays inside.
TEAM = (
    f"[prod]\n{KEYS}\n"
    "[child]\nrole_arn = arn:aws:iam::123456789012:role/c\nsource_profile = prod\n\n"
    f"[staging]\n{KEYS}"
)
T_SCRIPT = (
    "$s = @{ ProfileName = 'prod'\n"
    '        ProfileLocation = "$PSScriptRoot/../other/team.credentials" }\n'
    "Get-S3Bucket @s\n"
)

# Side U: the configured user stores, outside the workspace folder.
USER_CREDENTIALS = f"[prod]\n{KEYS}"
USER_CONFIG = "[profile prod]\nregion = us-east-1\n\n[profile ops]\nsource_profile = prod\n"
Y_SCRIPT = "Get-S3Bucket -ProfileName prod\nSet-AWSCredential -ProfileName 'prod'\n"

DYN_SCRIPT = "$where = Read-Host\nGet-S3Bucket -ProfileName prod -ProfileLocation $where\n"


@dataclass(frozen=True)
class Layout:
    root: Path
    user_credentials: Path
    user_config: Path
    a_credentials: Path
    a_config: Path
    x_script: Path
    team: Path
    t_script: Path
    y_script: Path
    dyn_script: Path

    def text(self, key: str) -> str:
        return TEXTS[key]

    def path(self, key: str) -> Path:
        found: Path = getattr(self, key)
        return found

    def options(self) -> dict[str, Any]:
        return {
            "debounceMs": 0,
            "useUserStores": False,
            "platform": "linux",
            "stores": {
                "credentialsFile": str(self.user_credentials),
                "configFile": str(self.user_config),
            },
        }


TEXTS = {
    "user_credentials": USER_CREDENTIALS,
    "user_config": USER_CONFIG,
    "a_credentials": A_CREDENTIALS,
    "a_config": A_CONFIG,
    "x_script": X_SCRIPT,
    "team": TEAM,
    "t_script": T_SCRIPT,
    "y_script": Y_SCRIPT,
    "dyn_script": DYN_SCRIPT,
}
RELATIVE = {
    "user_credentials": "home/stores/credentials",
    "user_config": "home/stores/config",
    "a_credentials": "ws/fixtures/a/credentials",
    "a_config": "ws/fixtures/a/config",
    "x_script": "ws/deploy/x.ps1",
    "team": "ws/other/team.credentials",
    "t_script": "ws/deploy/t.ps1",
    "y_script": "ws/y.ps1",
    "dyn_script": "ws/dyn.ps1",
}
LANGUAGE = {"ps1": "powershell", "credentials": "ini", "config": "ini"}

# Every `prod` of each side: (file key, the text just after the name's start, delta).
SIDE_A = {("a_credentials", "prod]"), ("a_config", "prod]"), ("x_script", "prod -Profile")}
SIDE_T = {("team", "prod]"), ("team", "prod\n\n[staging"), ("t_script", "prod'")}
SIDE_U = {
    ("user_credentials", "prod]"),
    ("user_config", "prod]"),
    ("user_config", "prod\n"),
    ("y_script", "prod\nSet"),
    ("y_script", "prod'"),
}
SIDE_DYN = {("dyn_script", "prod -Profile")}


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> Layout:
    base = tmp_path_factory.mktemp("scope")
    (base / "ws" / ".git").mkdir(parents=True)
    paths: dict[str, Path] = {}
    for key, rel in RELATIVE.items():
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(TEXTS[key], encoding="utf-8")
        paths[key] = path
    return Layout(base / "ws", **paths)


@pytest_lsp.fixture(scope="module", params=PRESETS, config=CONFIG_SERVER)  # type: ignore[untyped-decorator]
async def scoped(
    request: pytest.FixtureRequest, lsp_client: LanguageClient, layout: Layout
) -> AsyncIterator[None]:
    install_recorder(lsp_client)
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(request.param),
            initialization_options=layout.options(),
            workspace_folders=[types.WorkspaceFolder(uri=layout.root.as_uri(), name="ws")],
        )
    )
    lsp_client.preset = request.param  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


def enc(client: LanguageClient) -> str:
    return ENCODING[client.preset]  # type: ignore[attr-defined]


def _open(client: LanguageClient, layout: Layout, key: str) -> str:
    path = layout.path(key)
    language = LANGUAGE[path.name.rpartition(".")[2]]
    return open_doc(client, path, layout.text(key), language, write=False)


def _expected(layout: Layout, side: set[tuple[str, str]], e: str) -> set[tuple[str, int, int]]:
    out = set()
    for key, needle in side:
        rng = find(layout.text(key), needle, e)
        out.add((layout.path(key).as_uri(), rng.start.line, rng.start.character))
    return out


async def _references(
    client: LanguageClient, uri: str, pos: types.Position, declarations: bool = True
) -> set[tuple[str, int, int]]:
    result = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=pos,
            context=types.ReferenceContext(include_declaration=declarations),
        )
    )
    assert result is not None
    assert_no_secret(repr(result))
    for loc in result:  # every range covers exactly the name (ASCII: the same in every encoding)
        assert loc.range.end.character - loc.range.start.character == len("prod")
    return {(loc.uri, loc.range.start.line, loc.range.start.character) for loc in result}


async def _rename(
    client: LanguageClient, uri: str, pos: types.Position, new: str
) -> types.WorkspaceEdit | None:
    return await client.text_document_rename_async(
        types.RenameParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=pos, new_name=new
        )
    )


def _apply(text: str, edits: list[types.TextEdit], enc_name: str) -> str:
    return apply_lsp_edits(text, edits, enc_name)


SIDES = {"a": SIDE_A, "team": SIDE_T, "user": SIDE_U}
# (where the cursor is, which side it names)
STARTS = [
    pytest.param("x_script", "prod -Profile", "a", id="a-from-script"),
    pytest.param("a_credentials", "prod]", "a", id="a-from-credentials"),
    pytest.param("a_config", "prod]", "a", id="a-from-config-sibling"),
    pytest.param("t_script", "prod'", "team", id="team-from-splat"),
    pytest.param("team", "prod]", "team", id="team-from-header"),
    pytest.param("team", "prod\n\n[staging", "team", id="team-from-source-profile"),
    pytest.param("y_script", "prod\nSet", "user", id="user-from-script"),
    pytest.param("user_credentials", "prod]", "user", id="user-from-store-file"),
    pytest.param("user_config", "prod\n", "user", id="user-from-source-profile"),
]


@pytest.mark.parametrize(("key", "needle", "side"), STARTS)
async def test_references_stay_with_their_store(
    scoped: LanguageClient, layout: Layout, key: str, needle: str, side: str
) -> None:
    e = enc(scoped)
    uri = _open(scoped, layout, key)
    found = await _references(scoped, uri, pos_in(layout.text(key), needle, e, 1))
    assert found == _expected(layout, SIDES[side], e)


@pytest.mark.parametrize(("key", "needle", "side"), STARTS)
async def test_rename_stays_with_its_store(
    scoped: LanguageClient, layout: Layout, key: str, needle: str, side: str
) -> None:
    e = enc(scoped)
    uri = _open(scoped, layout, key)
    edit = await _rename(scoped, uri, pos_in(layout.text(key), needle, e, 2), "release")
    assert edit is not None and edit.changes is not None
    touched = {k for k, _ in SIDES[side]}
    assert set(edit.changes) == {layout.path(k).as_uri() for k in touched}
    for k in touched:
        before = layout.text(k)
        after = _apply(before, list(edit.changes[layout.path(k).as_uri()]), e)
        # Every `prod` of that file was this profile: none is left, nothing else moved.
        assert "prod" not in after
        assert after == before.replace("prod", "release")
    # Only proposed: nothing on disk changed.
    assert all(layout.path(k).read_text(encoding="utf-8") == TEXTS[k] for k in TEXTS)


async def test_references_without_declarations(scoped: LanguageClient, layout: Layout) -> None:
    e = enc(scoped)
    uri = _open(scoped, layout, "x_script")
    found = await _references(
        scoped, uri, pos_in(X_SCRIPT, "prod -Profile", e, 1), declarations=False
    )
    assert found == _expected(layout, {("x_script", "prod -Profile")}, e)


async def test_a_known_store_leaves_out_run_time_locations(
    scoped: LanguageClient, layout: Layout
) -> None:
    e = enc(scoped)
    uri = _open(scoped, layout, "y_script")
    mark = len(scoped.log_messages)
    found = await _references(scoped, uri, pos_in(Y_SCRIPT, "prod\nSet", e, 1))
    assert _expected(layout, SIDE_DYN, e).isdisjoint(found)
    logged = [m.message for m in scoped.log_messages[mark:]]
    assert any("left out 1 use" in m and "dyn.ps1" in m for m in logged), logged


async def test_run_time_location_lists_every_candidate_and_refuses_rename(
    scoped: LanguageClient, layout: Layout
) -> None:
    e = enc(scoped)
    uri = _open(scoped, layout, "dyn_script")
    pos = pos_in(DYN_SCRIPT, "prod -Profile", e, 1)
    found = await _references(scoped, uri, pos)
    assert found == _expected(layout, SIDE_A | SIDE_T | SIDE_U | SIDE_DYN, e)
    for request in (
        scoped.text_document_prepare_rename_async(
            types.PrepareRenameParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=pos
            )
        ),
        _rename(scoped, uri, pos, "release"),
    ):
        with pytest.raises(JsonRpcException, match=r"-ProfileLocation is known only at run time"):
            await request


async def test_prepare_rename_on_a_located_use(scoped: LanguageClient, layout: Layout) -> None:
    e = enc(scoped)
    uri = _open(scoped, layout, "t_script")
    ok = await scoped.text_document_prepare_rename_async(
        types.PrepareRenameParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=pos_in(T_SCRIPT, "prod'", e, 1),
        )
    )
    assert isinstance(ok, types.PrepareRenamePlaceholder) and ok.placeholder == "prod"
    start = find(T_SCRIPT, "prod'", e).start
    assert ok.range.start == start


@pytest.mark.parametrize(
    ("key", "needle", "refused"),
    [
        # `staging` exists only beside team's prod: a clash there, a free name elsewhere.
        pytest.param("team", "prod]", True, id="same-store"),
        pytest.param("x_script", "prod -Profile", False, id="other-store"),
        pytest.param("y_script", "prod\nSet", False, id="user-store"),
    ],
)
async def test_name_clash_is_checked_in_the_renamed_store(
    scoped: LanguageClient, layout: Layout, key: str, needle: str, refused: bool
) -> None:
    e = enc(scoped)
    uri = _open(scoped, layout, key)
    pos = pos_in(layout.text(key), needle, e, 1)
    if refused:
        with pytest.raises(JsonRpcException, match="already defines a profile"):
            await _rename(scoped, uri, pos, "staging")
    else:
        edit = await _rename(scoped, uri, pos, "staging")
        assert edit is not None and edit.changes
        assert layout.team.as_uri() not in edit.changes
