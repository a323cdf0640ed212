"""The credls language server: state, lifecycle and the one worker thread for the core.

The event loop reads and writes the protocol; every call into the core (settings,
stores, parsers, rules) runs in order on one worker thread, so the core needs no
locking and a slow analysis never stops the server from answering. Features live
in ``credls.server.features``; each module's ``register(server)`` attaches its
handlers. Heavy modules (rules, tree-sitter) are imported on first use, not at
start-up.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer

from credls import __version__
from credls.server.client import ClientFeatures
from credls.server.configuration import ServerOptions, SettingsState
from credls.server.documents import DocumentStore, Snapshot
from credls.server.index import WorkspaceIndex
from credls.server.logs import redact
from credls.server.protocol import CredlsProtocol

if TYPE_CHECKING:
    from credls.analysis import Workspace
    from credls.document import DocumentKind
    from credls.server.features.diagnostics import DiagnosticsManager
    from credls.server.features.watch import StoreWatcher
    from credls.text import LineIndex

log = logging.getLogger("credls.server")

T = TypeVar("T")

NAME = "credls"


class CredlsLanguageServer(LanguageServer):
    """pygls server plus credls state; handlers receive it as ``ls``."""

    def __init__(self) -> None:
        super().__init__(
            NAME,
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=CredlsProtocol,
        )
        self.docs = DocumentStore()
        self.client = ClientFeatures()
        self.options = ServerOptions()
        self.state = SettingsState(on_error=self._core_error, on_problem=self._settings_problem)
        self.generation = 0  # bumped whenever settings or store files change
        self._core = ThreadPoolExecutor(max_workers=1, thread_name_prefix="credls-core")
        self._ready: asyncio.Event | None = None
        self.loop: asyncio.AbstractEventLoop | None = None  # set at initialize
        self._shown_problems: set[str] = set()
        self._file_indexes: dict[str, tuple[tuple[int, int], LineIndex | None]] = {}
        self.diagnostics: DiagnosticsManager
        self.watcher: StoreWatcher
        self.index = WorkspaceIndex(self)

    # --- the worker thread ---------------------------------------------------------

    async def run_core(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` on the core's worker thread, in submission order."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._core, functools.partial(fn, *args))

    @property
    def ready(self) -> asyncio.Event:
        """Set once the initial client configuration has been read."""
        if self._ready is None:
            self._ready = asyncio.Event()
        return self._ready

    async def wait_ready(self) -> None:
        # A client that never sends `initialized` still gets answers.
        try:
            await asyncio.wait_for(self.ready.wait(), 2.0)
        except asyncio.TimeoutError:
            self.ready.set()

    # --- helpers for the worker ----------------------------------------------------

    def workspace_for(self, snap: Snapshot) -> Workspace:
        return self.state.workspace_for(snap.path)

    def folder_workspaces(self) -> list[Workspace]:
        """One workspace per folder (or the one for loose files when there is no folder).

        Other workspaces may exist for files opened outside every folder; whole-workspace
        features (symbols, the index) stay with these, so each store is read once.
        """
        if not self.state.folders:
            return [self.state.workspace_for(None)]
        return [self.state.workspace_for(folder) for _uri, folder in self.state.folders]

    def kind_of(self, snap: Snapshot) -> DocumentKind:
        """Configured store paths first, then languageId, then the path."""
        from credls.document import kind_of

        ws = self.workspace_for(snap)
        if snap.path is not None:
            known = ws.store_paths.get(os.path.normcase(os.path.abspath(snap.path)))
            if known is not None:
                snap.doc.kind = known
                return known
        kind = kind_of(snap.path or snap.uri, snap.language_id)
        snap.doc.kind = kind
        return kind

    def index_of(self, path: str) -> LineIndex | None:
        """Line index of ``path``: the open buffer, else the file on disk (cached by mtime)."""
        doc = self.docs.by_path(path)
        if doc is not None:
            return doc.index()
        try:
            st = os.stat(path)
        except OSError:
            return None
        stamp = (st.st_mtime_ns, st.st_size)
        cached = self._file_indexes.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        from credls.source import decode, looks_binary
        from credls.text import LineIndex

        index: LineIndex | None = None
        try:
            with open(path, "rb") as fh:
                data = fh.read()
            if not looks_binary(data):
                index = LineIndex(decode(data).text)
        except OSError:
            index = None
        self._file_indexes[path] = (stamp, index)
        return index

    def watch_paths(self) -> set[str]:
        """Store files, their siblings for open INI documents, and config files in use."""
        from credls.document import DocumentKind
        from credls.store.locations import sibling_config, sibling_credentials

        self.folder_workspaces()  # built now, so that their stores are watched
        paths: set[str] = set()
        for ws in self.state.workspaces():
            paths.update(ws.store_paths)
        paths.update(self.state.config_paths())
        for doc in self.docs.all():
            if doc.path is None:
                continue
            if doc.kind is DocumentKind.CREDENTIALS:
                paths.add(sibling_config(doc.path))
            elif doc.kind is DocumentKind.CONFIG:
                paths.add(sibling_credentials(doc.path))
        return {os.path.normpath(p) for p in paths}

    # --- events --------------------------------------------------------------------

    async def stores_changed(self, paths: list[str]) -> None:
        """Store or config files changed on disk: re-validate every open document."""
        config_changed = await self.run_core(self._apply_store_change, paths)
        log.info("store files changed: %s", ", ".join(paths))
        if config_changed:
            await self.watcher.update(await self.run_core(self.watch_paths))
        self.diagnostics.revalidate_all()

    def _apply_store_change(self, paths: list[str]) -> bool:
        self._file_indexes.clear()
        norm = {os.path.normcase(os.path.abspath(p)) for p in paths}
        configs = {os.path.normcase(os.path.abspath(p)) for p in self.state.config_paths()}
        self.generation += 1
        if norm & configs:
            self.state.reset()
            return True
        self.state.invalidate_stores()
        return False

    async def settings_changed(self) -> None:
        """Rebuild every workspace from the current options and re-validate."""

        def rebuild() -> set[str]:
            self.state.reset()
            self.generation += 1
            return self.watch_paths()

        paths = await self.run_core(rebuild)
        await self.watcher.update(paths)
        self.diagnostics.revalidate_all()
        self.index.start()  # folders or exclusions may have changed

    # --- errors and messages ---------------------------------------------------------

    def _core_error(self, line: str) -> None:
        log.error("%s", line)

    def _settings_problem(self, text: str) -> None:
        if text in self._shown_problems:
            return
        self._shown_problems.add(text)
        message = f"credls settings: {redact(text)}"
        loop = self.loop
        if loop is not None:
            loop.call_soon_threadsafe(self._show_warning, message)

    def _show_warning(self, message: str) -> None:
        self.window_show_message(
            types.ShowMessageParams(type=types.MessageType.Warning, message=message)
        )

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log instead of pygls' default pop-up in the editor."""
        if isinstance(error, RequestRefused):
            log.info("refused: %s", redact(error.message))
            return
        log.error("internal error (%s): %s", getattr(source, "__name__", source), error)

    def shutdown(self) -> None:
        self.index.stop()
        self._core.shutdown(wait=False, cancel_futures=True)
        super().shutdown()  # type: ignore[no-untyped-call]


Handler = Callable[..., Awaitable[Any]]


class RequestRefused(JsonRpcException):
    """A request the server declines on purpose (LSP ``RequestFailed``): the client
    shows the message, e.g. why a rename cannot be done here."""

    CODE = -32803


def guarded(default: Any) -> Callable[[Handler], Handler]:
    """Make a request handler total: on an internal error, log it and answer ``default``."""

    def wrap(fn: Handler) -> Handler:
        @functools.wraps(fn)
        async def handler(ls: CredlsLanguageServer, params: Any) -> Any:
            try:
                return await fn(ls, params)
            except (asyncio.CancelledError, RequestRefused):
                raise
            except Exception as exc:
                log.error(
                    "%s failed: %s: %s", fn.__name__, type(exc).__name__, redact(str(exc))[:300]
                )
                log.debug("traceback", exc_info=True)
                return default

        return handler

    return wrap


def _not_a_refusal(record: logging.LogRecord) -> bool:
    exc = record.exc_info[1] if record.exc_info else None
    return not isinstance(exc, RequestRefused)


def create_server() -> CredlsLanguageServer:
    """A server with every feature registered."""
    from credls.server.features import (
        actions,
        completion,
        diagnostics,
        hover,
        lifecycle,
        navigation,
        references,
        watch,
    )

    # A refused request is an answer, not a failure: no traceback on stderr for it.
    logging.getLogger("pygls.protocol.json_rpc").addFilter(_not_a_refusal)
    server = CredlsLanguageServer()
    features = (lifecycle, diagnostics, watch, completion, hover, navigation, references, actions)
    for module in features:
        module.register(server)
    return server
