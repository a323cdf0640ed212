"""Helpers for the end-to-end tests: server command, isolated env, recording client."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

PRESETS = ["visual-studio-code", "neovim@v0.7.0", "neovim@v0.11.0"]
ENCODING = {"visual-studio-code": "utf-16", "neovim@v0.7.0": "utf-16", "neovim@v0.11.0": "utf-8"}
TIMEOUT = 10.0

# Fake credentials: shaped like real ones, used only to prove they never leak.
ACCESS_KEY = "AKIAQ7RWZ3XBNPLKQ2MV"
SECRET_KEY = "Zr8fTq2LmW9xVb4NcK7pHs3Dg6Jy1Ue5Ao0IiQwE"
SESSION_TOKEN = "FwoGZXIvYXdzEJr" + "T8nQ2v" * 20

CREDENTIALS = f"""[default]
aws_access_key_id = {ACCESS_KEY}
aws_secret_access_key = {SECRET_KEY}

[base]
aws_access_key_id = {ACCESS_KEY}
aws_secret_access_key = {SECRET_KEY}
aws_session_token = {SESSION_TOKEN}
"""

CONFIG = """[default]
region = us-east-1

[profile deploy]
role_arn = arn:aws:iam::123456789012:role/deploy
source_profile = base

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
"""


def _isolated_home() -> str:
    home = tempfile.mkdtemp(prefix="credls-e2e-home-")
    import atexit

    atexit.register(shutil.rmtree, home, True)
    return home


def server_env() -> dict[str, str]:
    """The test process's environment minus AWS_*/CREDLS_*, with an empty home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CREDLS_"))}
    home = _isolated_home()
    env.update(HOME=home, USERPROFILE=home, LOCALAPPDATA=os.path.join(home, "AppData", "Local"))
    return env


CONFIG_SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "credls", "serve"], server_env=server_env()
)


@dataclass
class Stores:
    """A credentials/config pair in a temp folder, used as the configured stores."""

    root: Path
    credentials: Path
    config: Path

    @classmethod
    def create(cls, root: Path) -> Stores:
        aws = root / "stores"
        aws.mkdir(parents=True, exist_ok=True)
        cred, conf = aws / "credentials", aws / "config"
        cred.write_text(CREDENTIALS)
        conf.write_text(CONFIG)
        return cls(root, cred, conf)

    def options(self, **extra: Any) -> dict[str, Any]:
        return {
            "debounceMs": 0,
            "useUserStores": False,
            "stores": {"credentialsFile": str(self.credentials), "configFile": str(self.config)},
            "platform": "linux",
            **extra,
        }


@dataclass
class Published:
    uri: str
    version: int | None
    diagnostics: list[types.Diagnostic]


@dataclass
class Recorder:
    """Everything the server pushed, in order, plus an event to wait on."""

    published: list[Published] = field(default_factory=list)
    registrations: list[types.Registration] = field(default_factory=list)
    event: asyncio.Event = field(default_factory=asyncio.Event)

    def poke(self) -> None:
        self.event.set()

    async def wait(self, check: Callable[[], Any], timeout: float = TIMEOUT) -> Any:
        """Wait until ``check()`` returns something truthy (re-checked on every message)."""

        async def loop() -> Any:
            while True:
                self.event.clear()
                found = check()
                if found:
                    return found
                await self.event.wait()

        return await asyncio.wait_for(loop(), timeout)

    async def publish(
        self, uri: str, *, after: int = 0, version: int | None = None, timeout: float = TIMEOUT
    ) -> Published:
        """The first publish for ``uri`` (at ``version``, if given) past index ``after``."""

        def check() -> Published | None:
            for p in self.published[after:]:
                if p.uri == uri and (version is None or p.version == version):
                    return p
            return None

        found: Published = await self.wait(check, timeout)
        return found

    def mark(self) -> int:
        return len(self.published)


def install_recorder(client: LanguageClient) -> Recorder:
    rec = Recorder()
    features = client.protocol.fm.features
    original = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def on_publish(params: types.PublishDiagnosticsParams) -> None:
        original(params)
        rec.published.append(Published(params.uri, params.version, list(params.diagnostics)))
        rec.poke()

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = on_publish
    original_refresh = features[types.WORKSPACE_DIAGNOSTIC_REFRESH]

    def on_refresh(params: None) -> None:
        original_refresh(params)
        rec.poke()

    features[types.WORKSPACE_DIAGNOSTIC_REFRESH] = on_refresh

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        rec.registrations.extend(params.registrations)
        rec.poke()

    @client.feature(types.CLIENT_UNREGISTER_CAPABILITY)
    def unregister(params: types.UnregistrationParams) -> None:
        gone = {u.id for u in params.unregisterations}
        rec.registrations[:] = [r for r in rec.registrations if r.id not in gone]

    client.credls = rec  # type: ignore[attr-defined]
    return rec


def recorder(client: LanguageClient) -> Recorder:
    rec: Recorder = client.credls  # type: ignore[attr-defined]
    return rec


# --- text and positions -----------------------------------------------------------------


def units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-16":
        return len(text.encode("utf-16-le")) // 2
    return len(text)


def find(text: str, needle: str, encoding: str, occurrence: int = 0) -> types.Range:
    """The LSP range of the ``occurrence``-th ``needle`` in ``text``."""
    offset = -1
    for _ in range(occurrence + 1):
        offset = text.index(needle, offset + 1)
    line = text.count("\n", 0, offset)
    line_start = text.rfind("\n", 0, offset) + 1
    start = units(text[line_start:offset], encoding)
    end = start + units(needle, encoding)
    return types.Range(
        start=types.Position(line=line, character=start),
        end=types.Position(line=line, character=end),
    )


def pos_in(text: str, needle: str, encoding: str, delta: int = 0) -> types.Position:
    """A position inside ``needle`` (``delta`` characters after its start)."""
    rng = find(text, needle, encoding)
    prefix = needle[:delta]
    return types.Position(
        line=rng.start.line, character=rng.start.character + units(prefix, encoding)
    )


def open_doc(
    client: LanguageClient, path: Path, text: str, language_id: str = "ini", write: bool = True
) -> str:
    if write:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id=language_id, version=1, text=text
            )
        )
    )
    return uri


def change(
    client: LanguageClient,
    uri: str,
    version: int,
    *changes: types.TextDocumentContentChangeEvent,
) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=list(changes),
        )
    )


def codes(diags: list[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in diags)


def hover_text(hover: types.Hover | None) -> str:
    if hover is None:
        return ""
    contents = hover.contents
    if isinstance(contents, types.MarkupContent):
        return contents.value
    return str(contents)


def assert_no_secret(text: str) -> None:
    for secret in (SECRET_KEY, SESSION_TOKEN, ACCESS_KEY, SESSION_TOKEN[:40]):
        assert secret not in text, "a secret reached the client"


def apply_lsp_edits(text: str, edits: list[types.TextEdit], encoding: str) -> str:
    """``text`` with LSP ``edits`` applied (positions in ``encoding`` units)."""
    lines = text.split("\n")

    def offset(p: types.Position) -> int:
        line = lines[p.line]
        col = 0
        while col < len(line) and units(line[:col], encoding) < p.character:
            col += 1
        return sum(len(x) + 1 for x in lines[: p.line]) + col

    for edit in sorted(
        edits, key=lambda x: (x.range.start.line, x.range.start.character), reverse=True
    ):
        a, b = offset(edit.range.start), offset(edit.range.end)
        text = text[:a] + edit.new_text + text[b:]
    return text
