"""Watching store files: the client's file watcher when it offers one, else mtime polling.

Implements ``workspace/didChangeWatchedFiles``. With a client that supports
dynamic registration the server registers one watcher per store file (a
relative pattern when the client understands them, else an absolute glob);
otherwise, or when the client refuses, it polls ``os.stat`` every 500 ms on the
event loop. Either way a change re-validates every open document.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from credls.server.convert import path_to_uri, uri_to_path

if TYPE_CHECKING:
    from credls.server.app import CredlsLanguageServer

log = logging.getLogger("credls.server")

POLL_SECONDS = 0.5
_REGISTRATION_ID = "credls-store-files"

Stamp = tuple[int, int, int] | None


def stamp(path: str) -> Stamp:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class StoreWatcher:
    def __init__(self, server: CredlsLanguageServer) -> None:
        self.ls = server
        self.paths: frozenset[str] = frozenset()
        self._stamps: dict[str, Stamp] = {}
        self._poller: asyncio.Task[None] | None = None
        self._registered = False
        self._dynamic_failed = False
        self._lock: asyncio.Lock | None = None

    @property
    def polling(self) -> bool:
        return self._poller is not None

    async def update(self, paths: set[str]) -> None:
        """Watch exactly ``paths`` from now on."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            wanted = frozenset(paths)
            if wanted == self.paths:
                return
            self.paths = wanted
            self._stamps = {p: stamp(p) for p in wanted}
            if self.ls.client.dynamic_watched_files and not self._dynamic_failed:
                if await self._register(wanted):
                    return
                self._dynamic_failed = True
            if self._poller is None and wanted:
                self._poller = asyncio.get_running_loop().create_task(self._poll())

    async def _register(self, paths: frozenset[str]) -> bool:
        if self._registered:
            try:
                await self.ls.client_unregister_capability_async(
                    types.UnregistrationParams(
                        unregisterations=[
                            types.Unregistration(
                                id=_REGISTRATION_ID,
                                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            )
                        ]
                    )
                )
            except Exception as exc:
                log.info("client refused unregistering the store watcher: %s", exc)
            self._registered = False
        watchers = [self._watcher(p) for p in sorted(paths)]
        try:
            await asyncio.wait_for(
                self.ls.client_register_capability_async(
                    types.RegistrationParams(
                        registrations=[
                            types.Registration(
                                id=_REGISTRATION_ID,
                                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                                register_options=types.DidChangeWatchedFilesRegistrationOptions(
                                    watchers=watchers
                                ),
                            )
                        ]
                    )
                ),
                2.0,
            )
        except Exception as exc:
            log.info("client refused the store watcher (%s): polling instead", exc)
            return False
        self._registered = True
        return True

    def _watcher(self, path: str) -> types.FileSystemWatcher:
        if self.ls.client.relative_patterns:
            folder = os.path.dirname(os.path.abspath(path))
            pattern: types.GlobPattern = types.RelativePattern(
                base_uri=path_to_uri(folder), pattern=os.path.basename(path)
            )
        else:
            pattern = Path(os.path.abspath(path)).as_posix()
        return types.FileSystemWatcher(glob_pattern=pattern)

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(POLL_SECONDS)
            changed = []
            for path in self.paths:
                now = stamp(path)
                if self._stamps.get(path, None) != now:
                    self._stamps[path] = now
                    changed.append(path)
            if changed:
                try:
                    await self.ls.stores_changed(changed)
                except Exception as exc:
                    log.error("re-validation after a store change failed: %s", exc)

    def stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            self._poller = None


async def did_change_watched_files(
    ls: CredlsLanguageServer, params: types.DidChangeWatchedFilesParams
) -> None:
    """Handle ``workspace/didChangeWatchedFiles``."""
    paths = [p for c in params.changes if (p := uri_to_path(c.uri)) is not None]
    if paths:
        for p in paths:
            if p in ls.watcher._stamps:
                ls.watcher._stamps[p] = stamp(p)
        await ls.stores_changed(paths)


def register(server: CredlsLanguageServer) -> None:
    server.watcher = StoreWatcher(server)
    server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)(did_change_watched_files)
