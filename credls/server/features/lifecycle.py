"""Lifecycle, document sync and settings.

Implements ``initialize``, ``initialized``, ``shutdown``, ``textDocument/didOpen``,
``didChange``, ``didSave``, ``didClose``, ``workspace/didChangeConfiguration`` and
``workspace/didChangeWorkspaceFolders``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from credls.server.client import ClientFeatures
from credls.server.configuration import SECTION, settings_section, split_init_options
from credls.server.convert import uri_to_path
from credls.server.logs import ClientLogHandler, attach_client_handler

if TYPE_CHECKING:
    from credls.server.app import CredlsLanguageServer

log = logging.getLogger("credls.server")

_CONFIG_TIMEOUT = 2.0


def initialize(ls: CredlsLanguageServer, params: types.InitializeParams) -> None:
    """Handle ``initialize``: read capabilities and options, pick the diagnostics model."""
    ls.loop = asyncio.get_running_loop()
    ls.client = ClientFeatures.from_capabilities(params.capabilities)
    options, settings, problems = split_init_options(params.initialization_options)
    ls.options = options
    ls.state.init_settings = settings
    for problem in problems:
        ls._settings_problem(problem)
    folders = [(f.uri, uri_to_path(f.uri)) for f in params.workspace_folders or []]
    if not folders:
        root = params.root_uri or None
        if root is None and params.root_path:
            from credls.server.convert import path_to_uri

            root = path_to_uri(params.root_path)
        if root is not None:
            folders = [(root, uri_to_path(root))]
    ls.state.folders = [(uri, path) for uri, path in folders if path is not None]

    handler = ClientLogHandler(_send_log(ls))
    handler.loop = ls.loop
    attach_client_handler(handler)

    if ls.client.pull_mode:
        from credls.server.features.diagnostics import register_pull

        register_pull(ls)
    log.info(
        "initialized: encoding %s, diagnostics by %s",
        ls.client.encoding.value,
        "pull" if ls.client.pull_mode else "push",
    )


def _send_log(ls: CredlsLanguageServer) -> Any:
    def send(kind: int, message: str) -> None:
        # A failed send means the client went away: there is nobody left to tell.
        with contextlib.suppress(Exception):
            ls.window_log_message(
                types.LogMessageParams(type=types.MessageType(kind), message=message)
            )

    return send


async def initialized(ls: CredlsLanguageServer, params: types.InitializedParams) -> None:
    """Handle ``initialized``: pull settings, register for changes, start watching stores."""
    try:
        await pull_configuration(ls)
        if ls.client.dynamic_configuration:
            await _register(
                ls,
                types.Registration(
                    id="credls-configuration",
                    method=types.WORKSPACE_DID_CHANGE_CONFIGURATION,
                    register_options=types.DidChangeConfigurationRegistrationOptions(
                        section=SECTION
                    ),
                ),
            )
    finally:
        ls.ready.set()
    await ls.settings_changed()


async def _register(ls: CredlsLanguageServer, registration: types.Registration) -> bool:
    try:
        await asyncio.wait_for(
            ls.client_register_capability_async(
                types.RegistrationParams(registrations=[registration])
            ),
            _CONFIG_TIMEOUT,
        )
        return True
    except Exception as exc:
        log.info("client refused registration of %s: %s", registration.method, exc)
        return False


async def pull_configuration(ls: CredlsLanguageServer) -> None:
    """Ask the client for section ``credls``, globally and per workspace folder."""
    if not ls.client.configuration:
        return
    scopes = ["", *(uri for uri, _ in ls.state.folders)]
    items = [types.ConfigurationItem(scope_uri=scope or None, section=SECTION) for scope in scopes]
    try:
        result = await asyncio.wait_for(
            ls.workspace_configuration_async(types.ConfigurationParams(items=items)),
            _CONFIG_TIMEOUT,
        )
    except Exception as exc:
        log.warning("workspace/configuration failed: %s", exc)
        return
    settings: dict[str, dict[str, Any]] = {}
    for scope, value in zip(scopes, result or [], strict=False):
        if isinstance(value, dict):
            settings[scope] = value
        elif value is not None:
            ls._settings_problem(f"settings must be an object, not {type(value).__name__}")
    ls.state.client_settings = settings


async def did_change_configuration(
    ls: CredlsLanguageServer, params: types.DidChangeConfigurationParams
) -> None:
    """Handle ``workspace/didChangeConfiguration``: re-read settings, re-validate."""
    # Hold back diagnostics until the new settings apply: no flash of stale findings.
    ls.ready.clear()
    try:
        if ls.client.configuration:
            await pull_configuration(ls)
        else:
            # Clients without workspace/configuration (Neovim 0.7) send the settings here.
            ls.state.client_settings = {"": settings_section(params.settings)}
        await ls.settings_changed()
    finally:
        ls.ready.set()


async def did_change_folders(
    ls: CredlsLanguageServer, params: types.DidChangeWorkspaceFoldersParams
) -> None:
    """Handle ``workspace/didChangeWorkspaceFolders``."""
    ls.ready.clear()
    try:
        await _change_folders(ls, params)
    finally:
        ls.ready.set()


async def _change_folders(
    ls: CredlsLanguageServer, params: types.DidChangeWorkspaceFoldersParams
) -> None:
    removed = {f.uri for f in params.event.removed}
    folders = [(uri, path) for uri, path in ls.state.folders if uri not in removed]
    for f in params.event.added:
        path = uri_to_path(f.uri)
        if path is not None:
            folders.append((f.uri, path))
    ls.state.folders = folders
    await pull_configuration(ls)
    await ls.settings_changed()


def did_open(ls: CredlsLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    """Handle ``textDocument/didOpen``: keep the text, validate now."""
    ls.docs.open(params.text_document)
    ls.diagnostics.schedule(params.text_document.uri, delay_ms=0)


def did_change(ls: CredlsLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    """Handle ``textDocument/didChange``: apply the edits, validate after the debounce."""
    doc = ls.docs.get(params.text_document.uri)
    if doc is None:
        log.warning("didChange for a document that is not open: %s", params.text_document.uri)
        return
    doc.apply_changes(params.text_document.version, params.content_changes, ls.client.encoding)
    ls.diagnostics.schedule(doc.uri)


async def did_save(ls: CredlsLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    """Handle ``textDocument/didSave``: a saved store file changes other documents' findings."""
    doc = ls.docs.get(params.text_document.uri)
    if doc is None or doc.path is None:
        return
    from credls.document import DocumentKind

    if doc.kind in (DocumentKind.CREDENTIALS, DocumentKind.CONFIG, DocumentKind.SDK_STORE):
        await ls.stores_changed([doc.path])
    await ls.run_core(ls.index.update, doc.path)


async def did_close(ls: CredlsLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    """Handle ``textDocument/didClose``: forget the text, clear its findings, and index
    the file as it is on disk (unsaved changes are gone)."""
    doc = ls.docs.close(params.text_document.uri)
    ls.diagnostics.forget(params.text_document.uri)
    if doc is not None and doc.path is not None:
        await ls.run_core(ls.index.update, doc.path)


def shutdown(ls: CredlsLanguageServer, params: None) -> None:
    """Handle ``shutdown``: stop background work."""
    ls.diagnostics.cancel_all()
    ls.watcher.stop()
    ls.index.stop()


def register(server: CredlsLanguageServer) -> None:
    server.feature(types.INITIALIZE)(initialize)
    server.feature(types.INITIALIZED)(initialized)
    server.feature(types.SHUTDOWN)(shutdown)
    server.feature(types.TEXT_DOCUMENT_DID_OPEN)(did_open)
    server.feature(types.TEXT_DOCUMENT_DID_CHANGE)(did_change)
    server.feature(types.TEXT_DOCUMENT_DID_SAVE)(did_save)
    server.feature(types.TEXT_DOCUMENT_DID_CLOSE)(did_close)
    server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(did_change_configuration)
    server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)(did_change_folders)
