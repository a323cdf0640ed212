"""The workspace index: where closed files of the workspace name profiles.

References, rename and workspace symbols need every credentials/config file
and script of the workspace folders, and the configured store files, not only
the open documents. The store files come from the store chain's own parse
(``store_occurrences``). The folders are walked in a background thread
(``credls.walk``: ``.gitignore`` files and the ``exclude`` setting apply), then
each closed file is read and parsed on a thread of its own (``read_file`` builds
only its own objects), one file at a time and only while no document waits for
its diagnostics: the scan never delays them. Entries are stored, and queried, on
the core's worker thread. The client sees ``$/progress`` when it supports
server-initiated progress.

An entry keeps only the file's profile occurrences (``credls.navigation``) and
the stamp it was read at; a query re-reads entries whose file changed since.

Files the walk does not pick by name but whose profiles the workspace uses —
the file a script's ``-ProfileLocation`` names, the ``config`` beside an indexed
credentials file (their store pairs, ``navigation.Scope``) — are read when a
query first needs them (``companions``) and kept like the others.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lsprotocol import types

from credls.document import DocumentKind

if TYPE_CHECKING:
    from credls.ini.parser import IniFile
    from credls.ini.semantics import FileKind
    from credls.navigation import Occurrence
    from credls.server.app import CredlsLanguageServer

log = logging.getLogger("credls.server")

INDEXED_KINDS = (DocumentKind.CREDENTIALS, DocumentKind.CONFIG, DocumentKind.POWERSHELL)
# Larger files are not indexed (the same limit as for open documents' analysis).
MAX_INDEXED_BYTES = 4 * 1024 * 1024
_REPORT_EVERY = 0.2  # seconds between $/progress reports
_IDLE_POLL = 0.05

Stamp = tuple[int, int]
_STORE_FILES: tuple[tuple[FileKind, DocumentKind], ...] = (
    ("credentials", DocumentKind.CREDENTIALS),
    ("config", DocumentKind.CONFIG),
)
_tokens = itertools.count(1)


@dataclass(frozen=True)
class IndexedFile:
    path: str
    kind: DocumentKind
    stamp: Stamp
    occurrences: tuple[Occurrence, ...]


def _stamp(path: str) -> Stamp | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def read_file(path: str, kind: DocumentKind) -> IndexedFile | None:
    """A file's profile occurrences; None when it cannot be read. Never raises."""
    from credls.source import decode, looks_binary

    stamp = _stamp(path)
    if stamp is None:
        return None
    if stamp[1] > MAX_INDEXED_BYTES:
        return IndexedFile(path, kind, stamp, ())
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    if looks_binary(data):
        return IndexedFile(path, kind, stamp, ())
    try:
        found = occurrences_in_text(decode(data).text, kind, path)
    except Exception as exc:  # a core bug must not stop the scan
        log.warning("indexing %s failed: %s", path, type(exc).__name__)
        found = ()
    return IndexedFile(path, kind, stamp, found)


def occurrences_in_text(text: str, kind: DocumentKind, path: str) -> tuple[Occurrence, ...]:
    """Profile occurrences of a document's text (an INI file or a script)."""
    from credls import navigation

    if kind in (DocumentKind.CREDENTIALS, DocumentKind.CONFIG):
        from credls.ini.parser import parse

        return tuple(navigation.ini_occurrences(parse(text), kind, path))
    if kind is DocumentKind.POWERSHELL and navigation.may_name_profiles(text):
        from credls.powershell.calls import find_calls
        from credls.powershell.parser import PowerShellDocument

        ps = PowerShellDocument(text)
        return tuple(navigation.script_occurrences(find_calls(ps), path, ps.lines))
    return ()


def _reread(path: str, kind: DocumentKind, old: IndexedFile | None) -> IndexedFile | None:
    """``old`` when the file has not changed since, else the file read again."""
    if old is not None and old.kind is kind and old.stamp == _stamp(path):
        return old
    return read_file(path, kind)


def _norm(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))


def _walk(folders: list[tuple[str, tuple[str, ...], str]]) -> list[str]:
    """Files under each folder (a background thread: filesystem only)."""
    from credls.walk import Walker

    out: list[str] = []
    for folder, exclude, base in folders:
        walker = Walker(exclude, base)
        problems: list[str] = []
        for display in walker.iter([folder], problems):
            out.append(os.path.normpath(os.path.join(walker.cwd, display)))
    return out


class WorkspaceIndex:
    """Profile occurrences of the workspace's files. ``files`` lives on the worker thread."""

    def __init__(self, server: CredlsLanguageServer) -> None:
        self.ls = server
        self.files: dict[str, IndexedFile] = {}
        # read_file only touches its own objects (a fresh parse per file), so it may
        # run on this thread while the core's worker analyses open documents.
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="credls-index")
        self._stores: dict[str, tuple[IniFile, tuple[Occurrence, ...]]] = {}
        self._task: asyncio.Task[None] | None = None
        self._done: asyncio.Event | None = None

    # --- scanning (event loop) -------------------------------------------------------

    @property
    def done(self) -> asyncio.Event:
        if self._done is None:
            self._done = asyncio.Event()
        return self._done

    def start(self) -> None:
        """(Re)scan the workspace folders in the background."""
        if self._task is not None:
            self._task.cancel()
        self.done.clear()
        self._task = asyncio.get_running_loop().create_task(self._scan())
        self._task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        if task is self._task:
            self.done.set()
        if not task.cancelled() and task.exception() is not None:
            log.error("workspace scan failed: %s", type(task.exception()).__name__)

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self.done.set()
        self._reader.shutdown(wait=False, cancel_futures=True)

    async def wait(self, timeout: float = 60.0) -> None:
        """Until the current scan is complete (or ``timeout`` seconds have passed)."""
        try:
            await asyncio.wait_for(self.done.wait(), timeout)
        except asyncio.TimeoutError:
            log.warning("the workspace scan is still running: answering with what is indexed")

    async def _scan(self) -> None:
        ls = self.ls
        roots, stores = await ls.run_core(self._roots)
        found = await asyncio.to_thread(_walk, roots)
        todo = await ls.run_core(self._select, found, stores)
        token = await self._begin(len(todo))
        loop = asyncio.get_running_loop()
        last = loop.time()
        try:
            for i, (path, kind) in enumerate(todo, 1):
                while ls.diagnostics.busy:  # open documents first, always
                    await asyncio.sleep(_IDLE_POLL)
                key = _norm(path)
                if ls.docs.by_path(path) is not None:
                    continue  # open: its buffer is what counts (read again when closed)
                old = self.files.get(key)
                # Reading runs beside the core's queue, never in it: a large file must
                # not hold up the next document's diagnostics.
                entry = await loop.run_in_executor(self._reader, _reread, path, kind, old)
                if entry is not old:
                    await ls.run_core(self._put, key, entry)
                if token is not None and loop.time() - last >= _REPORT_EVERY:
                    last = loop.time()
                    ls.work_done_progress.report(
                        token,
                        types.WorkDoneProgressReport(
                            message=f"{i}/{len(todo)} files",
                            percentage=int(100 * i / max(len(todo), 1)),
                        ),
                    )
        finally:
            if token is not None:
                ls.work_done_progress.end(
                    token, types.WorkDoneProgressEnd(message=f"{len(todo)} files indexed")
                )
        log.info("workspace index: %d files, %d with profile names", len(todo), self._named())

    async def _begin(self, total: int) -> str | None:
        if not self.ls.client.work_done_progress:
            return None
        token = f"credls-index-{next(_tokens)}"
        try:
            await asyncio.wait_for(self.ls.work_done_progress.create_async(token), 5.0)
        except Exception as exc:
            log.info("client refused a progress token: %s", exc)
            return None
        self.ls.work_done_progress.begin(
            token,
            types.WorkDoneProgressBegin(
                title="credls: indexing the workspace",
                message=f"{total} files",
                percentage=0,
                cancellable=False,
            ),
        )
        return token

    # --- worker thread ------------------------------------------------------------

    def _roots(self) -> tuple[list[tuple[str, tuple[str, ...], str]], dict[str, DocumentKind]]:
        roots = []
        stores: dict[str, DocumentKind] = {}
        for _uri, folder in self.ls.state.folders:
            ws = self.ls.state.workspace_for(folder)
            roots.append((folder, tuple(ws.settings.exclude), ws.root))
        for ws in self.ls.folder_workspaces():
            stores.update(ws.store_paths)
        return roots, stores

    def _select(
        self, found: list[str], stores: dict[str, DocumentKind]
    ) -> list[tuple[str, DocumentKind]]:
        """Files worth indexing, with their kinds; entries for vanished files dropped."""
        todo: dict[str, tuple[str, DocumentKind]] = {}
        for path in found:
            kind = self.ls.state.workspace_for(path).kind_of(path)
            if kind in INDEXED_KINDS:
                todo[_norm(path)] = (path, kind)
        for path in stores:
            # The configured stores are read by the store chain already: their
            # occurrences come from its parse (``store_occurrences``), not a second one.
            todo.pop(_norm(path), None)
        for key in list(self.files):
            if key not in todo:
                del self.files[key]
        return list(todo.values())

    def _index_one(self, path: str, kind: DocumentKind) -> None:
        key = _norm(path)
        old = self.files.get(key)
        self._put(key, _reread(path, kind, old))

    def _put(self, key: str, entry: IndexedFile | None) -> None:
        if entry is None:
            self.files.pop(key, None)
        else:
            self.files[key] = entry

    def _named(self) -> int:
        return sum(1 for f in self.files.values() if f.occurrences)

    def update(self, path: str) -> None:
        """Re-read one file (saved or closed in the editor)."""
        ws = self.ls.state.workspace_for(path)
        kind = ws.kind_of(path)
        key = _norm(path)
        if kind not in INDEXED_KINDS or key in ws.store_paths:
            self.files.pop(key, None)
            return
        if key not in self.files and self.ls.state.folder_of(path) is None:
            return  # not part of any workspace folder
        self._index_one(path, kind)

    def refresh(self) -> None:
        """Re-read entries whose file changed on disk since they were indexed."""
        for key, entry in list(self.files.items()):
            stamp = _stamp(entry.path)
            if stamp is None:
                del self.files[key]
            elif stamp != entry.stamp:
                self._index_one(entry.path, entry.kind)

    def store_occurrences(self, skip: Iterable[str] = ()) -> list[Occurrence]:
        """Profile occurrences of the configured credentials and config files, from the
        parse the store chain keeps (minus the files in ``skip``)."""
        from credls.navigation import ini_occurrences

        skipped = {_norm(p) for p in skip}
        out: list[Occurrence] = []
        done: set[str] = set()
        for ws in self.ls.folder_workspaces():
            chain = ws.chain
            shared = chain.shared if chain is not None else None
            if shared is None:
                continue
            for file_kind, kind in _STORE_FILES:
                path = shared.path_of(file_kind)
                key = _norm(path) if path else ""
                if not path or key in skipped or key in done:
                    continue
                done.add(key)
                ini = shared.ini(file_kind)
                if ini is None:
                    continue
                cached = self._stores.get(key)
                if cached is None or cached[0] is not ini:
                    cached = (ini, tuple(ini_occurrences(ini, kind, path)))
                    self._stores[key] = cached
                out.extend(cached[1])
        return out

    def companions(
        self, occurrences: Iterable[Occurrence], skip: Iterable[str] = ()
    ) -> list[IndexedFile]:
        """Entries for the files of the occurrences' store pairs that are not indexed
        yet (read now and kept), minus the files in ``skip`` and the configured stores.

        A ``-ProfileLocation`` file or a ``config`` beside a credentials file need not
        have a name the walk recognises, yet renaming its profiles must reach it.
        """
        from credls.navigation import ScopeKind

        stores: set[str] = set()
        for ws in self.ls.folder_workspaces():
            stores.update(ws.store_paths)
        wanted: dict[str, DocumentKind] = {}
        for occ in occurrences:
            scope = occ.scope
            # The configured files are paired by the settings, not by their folders.
            if scope.kind is not ScopeKind.FILES or _norm(occ.path) in stores:
                continue
            halves = zip(scope.pair, (DocumentKind.CREDENTIALS, DocumentKind.CONFIG), strict=True)
            for path, kind in halves:
                if path and os.path.isabs(path):
                    wanted.setdefault(path, kind)
        skipped = stores | {_norm(p) for p in skip}
        out: list[IndexedFile] = []
        for path, kind in wanted.items():
            key = _norm(path)
            if key in self.files or key in skipped:
                continue
            entry = read_file(path, kind)  # None: no such file
            if entry is not None:
                self.files[key] = entry
                out.append(entry)
        return out

    def entries(self, skip: Iterable[str] = ()) -> list[IndexedFile]:
        """Current entries (refreshed), minus the files in ``skip`` (open documents)."""
        self.refresh()
        skipped = {_norm(p) for p in skip}
        return [f for key, f in self.files.items() if key not in skipped]
