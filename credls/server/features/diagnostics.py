"""Diagnostics: debounced analysis per document, pushed or pulled.

Implements ``textDocument/publishDiagnostics`` (push), and ``textDocument/diagnostic``
plus ``workspace/diagnostic`` (pull) for clients that can pull *and* be asked to
re-pull (see ``ClientFeatures.pull_mode`` for why it is one or the other).

Debouncing is one asyncio task per document on the event loop: an edit cancels
the pending task and starts a new one. Results are cached per (document
version, settings/store generation); a stale result is never published.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from credls.server.app import guarded
from credls.server.convert import to_lsp_diagnostic
from credls.server.documents import MAX_ANALYSED_CHARS
from credls.server.memory import IdleCollector

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

    from credls.diagnostic import Diagnostic
    from credls.server.app import CredlsLanguageServer
    from credls.server.documents import OpenDocument, Snapshot
    from credls.text import LineIndex

log = logging.getLogger("credls.server")

_BINARY_PROBE = 8192
# Quiet time after the last publish before a script with syntax errors, parsed
# incrementally, is parsed whole (``OpenDocument.may_settle``).
SETTLE_S = 0.5


_SERIAL = itertools.count(1)


@dataclass(frozen=True)
class Result:
    version: int
    generation: int
    core: tuple[Diagnostic, ...]
    lsp: tuple[types.Diagnostic, ...]
    # One version can be analysed twice (parsed whole after incremental edits).
    serial: int = field(default_factory=lambda: next(_SERIAL))

    @property
    def result_id(self) -> str:
        return f"{self.generation}.{self.version}.{self.serial}"


def analyze(ls: CredlsLanguageServer, snap: Snapshot, generation: int) -> Result | None:
    """Worker thread: the snapshot's findings, or None when it is already stale."""
    if not snap.current or generation != ls.generation:
        return None
    from credls.document import Document, DocumentKind
    from credls.source import SourceText

    kind = ls.kind_of(snap)
    text = snap.text
    if "\x00" in text[:_BINARY_PROBE]:
        log.info("%s looks binary: not checked", snap.display_path)
        return Result(snap.version, generation, (), ())
    if snap.too_large:
        log.warning(
            "%s has %d characters (limit %d): not checked",
            snap.display_path,
            len(text),
            MAX_ANALYSED_CHARS,
        )
        return Result(snap.version, generation, (), ())
    if kind is DocumentKind.POWERSHELL:
        from credls.server.scripts import prepare

        if not prepare(snap):
            return None  # edits arrived since the snapshot: its own task follows
    ws = ls.workspace_for(snap)
    found = ws.analyze(Document(snap.display_path, SourceText(text), kind), snap.path)
    index = snap.index()
    c = ls.client
    context = (
        generation,
        c.encoding,
        c.related_information or c.pull_mode,
        c.code_description or c.pull_mode,
        c.diagnostic_tags or frozenset({1, 2}),
    )
    previous = snap.doc.lsp_diagnostics
    known = previous[1] if previous is not None and previous[0] == context else {}
    converted: dict[tuple[object, ...], types.Diagnostic] = {}
    lsp: list[types.Diagnostic] = []
    for d in found:
        key = _lsp_key(d, index, snap.display_path, ls.index_of)
        item = known.get(key)
        if item is None:
            item = to_lsp_diagnostic(
                d,
                index,
                c.encoding,
                ls.index_of,
                related_info=context[2],
                code_description=context[3],
                tags=context[4],
            )
        converted[key] = item
        lsp.append(item)
    snap.doc.lsp_diagnostics = (context, converted)
    return Result(snap.version, generation, tuple(found), tuple(lsp))


def _lsp_key(
    d: Diagnostic, index: LineIndex, path: str, index_of: Callable[[str], LineIndex | None]
) -> tuple[object, ...]:
    """What a finding's LSP form depends on: the finding, and the text of the lines its
    ranges are on (client columns count UTF-16 or UTF-8 units of the text before them).

    Findings of calls an edit did not touch come back equal, so typing in a large
    script converts only what changed (lsprotocol objects are slow to build).
    """
    rng = d.range
    lines: list[str] = [index.line_text(rng.start.line)]
    if rng.end.line != rng.start.line:
        lines.append(index.line_text(rng.end.line))
    for r in d.related:
        other = index if r.path == path else index_of(r.path)
        if other is not None:
            lines.append(other.line_text(r.range.start.line))
            lines.append(other.line_text(r.range.end.line))
    return (d.code, d.message, rng, d.severity, d.related, d.tags, tuple(lines))


def _restart(
    tasks: dict[str, asyncio.Task[None]], uri: str, work: Coroutine[Any, Any, None], what: str
) -> None:
    """Run ``work`` as the one task of ``uri`` in ``tasks`` (cancelling the one before)."""
    pending = tasks.pop(uri, None)
    if pending is not None:
        pending.cancel()
    task = asyncio.get_running_loop().create_task(work)
    tasks[uri] = task

    def done(t: asyncio.Task[None]) -> None:
        if tasks.get(uri) is t:
            del tasks[uri]
        if not t.cancelled() and t.exception() is not None:
            log.error("%s for %s failed: %s", what, uri, type(t.exception()).__name__)

    task.add_done_callback(done)


class DiagnosticsManager:
    def __init__(self, server: CredlsLanguageServer) -> None:
        self.ls = server
        self._results: dict[str, Result] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._refresh: asyncio.Task[None] | None = None
        self._settling: dict[str, asyncio.Task[None]] = {}
        self.collector = IdleCollector()
        self._watched_for: object = None

    # --- scheduling ------------------------------------------------------------------

    def schedule(self, uri: str, delay_ms: int | None = None) -> None:
        """(Re)start the debounce for ``uri``; push mode publishes when it fires."""
        if self.ls.client.pull_mode:
            return  # the client asks when it wants them
        delay = self.ls.options.debounce_ms if delay_ms is None else delay_ms
        _restart(self._tasks, uri, self._publish_later(uri, delay / 1000), "diagnostics")

    async def _publish_later(self, uri: str, delay: float) -> None:
        if delay > 0:
            await asyncio.sleep(delay)
        await self.ls.wait_ready()
        doc = self.ls.docs.get(uri)
        if doc is None:
            return
        result = await self.current(doc)
        if result is None or not doc.open or doc.version != result.version:
            return  # a newer edit has its own task
        if result.generation != self.ls.generation:
            self.schedule(uri, delay_ms=0)
            return
        self.ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri, version=result.version, diagnostics=list(result.lsp)
            )
        )

    async def current(self, doc: OpenDocument) -> Result | None:
        """Findings for the document's current version (cached, else computed now)."""
        generation = self.ls.generation
        cached = self._results.get(doc.uri)
        if cached is not None and cached.version == doc.version and cached.generation == generation:
            return cached
        snap = doc.snapshot()
        result = await self.ls.run_core(analyze, self.ls, snap, generation)
        self.collector.touch()
        if result is not None and doc.open:
            self._results[doc.uri] = result
            if doc.may_settle():
                self._settle_later(doc.uri, result.version)
            # Stores and siblings to watch change with the documents open (and their
            # kinds) and with settings: only then is the watch list worth a round trip.
            key = (self.ls.generation, frozenset((d.uri, d.kind) for d in self.ls.docs.all()))
            if key != self._watched_for:
                self._watched_for = key
                await self.ls.watcher.update(await self.ls.run_core(self.ls.watch_paths))
        return result

    def _settle_later(self, uri: str, version: int) -> None:
        _restart(self._settling, uri, self._settle(uri, version), "settling")

    async def _settle(self, uri: str, version: int) -> None:
        """After a pause, findings from a whole parse (see ``OpenDocument.may_settle``)."""
        await asyncio.sleep(SETTLE_S)
        doc = self.ls.docs.get(uri)
        if doc is None or not doc.open or doc.version != version or uri in self._tasks:
            return  # typing goes on: the next result settles later
        if not await self.ls.run_core(doc.settle_powershell):
            return
        log.debug("%s: parsed whole after incremental edits left syntax errors", uri)
        self._results.pop(uri, None)
        if self.ls.client.pull_mode:
            self._refresh = asyncio.get_running_loop().create_task(self._request_refresh())
        else:
            self.schedule(uri, delay_ms=0)

    @property
    def busy(self) -> bool:
        """Some document's findings are being computed or wait for their debounce."""
        return bool(self._tasks)

    def cached(self, uri: str) -> Result | None:
        return self._results.get(uri)

    def revalidate_all(self) -> None:
        """Settings or stores changed: recompute every open document's findings."""
        if self.ls.client.pull_mode:
            self._results.clear()
            self._refresh = asyncio.get_running_loop().create_task(self._request_refresh())
            return
        for doc in self.ls.docs.all():
            self.schedule(doc.uri, delay_ms=0)

    async def _request_refresh(self) -> None:
        try:
            await self.ls.workspace_diagnostic_refresh_async(None)
        except Exception as exc:
            log.warning("workspace/diagnostic/refresh failed: %s", exc)

    def forget(self, uri: str) -> None:
        """The document closed: stop its work and clear what was published."""
        for tasks in (self._tasks, self._settling):
            pending = tasks.pop(uri, None)
            if pending is not None:
                pending.cancel()
        self._results.pop(uri, None)
        if not self.ls.client.pull_mode:
            self.ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )

    def cancel_all(self) -> None:
        self.collector.cancel()
        for tasks in (self._tasks, self._settling):
            for task in list(tasks.values()):
                task.cancel()
            tasks.clear()


# --- pull ----------------------------------------------------------------------------


async def document_diagnostic(
    ls: CredlsLanguageServer, params: types.DocumentDiagnosticParams
) -> types.DocumentDiagnosticReport:
    """Handle ``textDocument/diagnostic``."""
    await ls.wait_ready()
    doc = ls.docs.get(params.text_document.uri)
    if doc is None:
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    result = await ls.diagnostics.current(doc)
    if result is None:
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    if params.previous_result_id == result.result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result.result_id)
    return types.RelatedFullDocumentDiagnosticReport(
        items=list(result.lsp), result_id=result.result_id
    )


async def workspace_diagnostic(
    ls: CredlsLanguageServer, params: types.WorkspaceDiagnosticParams
) -> types.WorkspaceDiagnosticReport:
    """Handle ``workspace/diagnostic``: every open document (a scan of closed ones comes later)."""
    await ls.wait_ready()
    previous = {p.uri: p.value for p in params.previous_result_ids}
    items: list[types.WorkspaceDocumentDiagnosticReport] = []
    for doc in ls.docs.all():
        result = await ls.diagnostics.current(doc)
        if result is None:
            continue
        if previous.get(doc.uri) == result.result_id:
            items.append(
                types.WorkspaceUnchangedDocumentDiagnosticReport(
                    uri=doc.uri, version=result.version, result_id=result.result_id
                )
            )
        else:
            items.append(
                types.WorkspaceFullDocumentDiagnosticReport(
                    uri=doc.uri,
                    version=result.version,
                    items=list(result.lsp),
                    result_id=result.result_id,
                )
            )
    return types.WorkspaceDiagnosticReport(items=items)


def register_pull(server: CredlsLanguageServer) -> None:
    """Called from ``initialize`` when the client pulls: advertise the provider."""
    server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(
            identifier="credls", inter_file_dependencies=True, workspace_diagnostics=True
        ),
    )(guarded(types.RelatedFullDocumentDiagnosticReport(items=[]))(document_diagnostic))
    server.feature(types.WORKSPACE_DIAGNOSTIC)(
        guarded(types.WorkspaceDiagnosticReport(items=[]))(workspace_diagnostic)
    )


def register(server: CredlsLanguageServer) -> None:
    server.diagnostics = DiagnosticsManager(server)
