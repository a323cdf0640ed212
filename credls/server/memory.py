"""The collector in a long-running server: full collections when the user pauses.

Python's cyclic collector scans every live object in a full (generation 2)
collection. The server keeps large live structures (syntax trees, models,
caches), so a full collection triggered while typing in a large script costs
50-75 ms, landing on a keystroke's diagnostics. The server therefore freezes
what start-up built (modules, the cmdlet catalog: never garbage), lets only
young-generation collections run on their own, and runs the full collection
itself once the documents have been quiet for ``IDLE_S`` seconds.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time

log = logging.getLogger("credls.server")

# Quiet time after the last analysis before a full collection.
IDLE_S = 2.0
# Generation-1 collections before an automatic full one: in effect never.
_NO_AUTOMATIC_FULL = 1_000_000


def tune_for_server() -> None:
    """Freeze start-up objects and leave full collections to ``IdleCollector``."""
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, _NO_AUTOMATIC_FULL)


class IdleCollector:
    """Runs ``gc.collect()`` once no analysis has happened for ``IDLE_S`` seconds."""

    def __init__(self, idle_s: float = IDLE_S) -> None:
        self.idle_s = idle_s
        self.collections = 0
        self._task: asyncio.Task[None] | None = None

    def touch(self) -> None:
        """An analysis just ran: (re)start the quiet-time countdown (event loop)."""
        if self._task is not None:
            self._task.cancel()
        self._task = asyncio.get_running_loop().create_task(self._collect_later())

    async def _collect_later(self) -> None:
        await asyncio.sleep(self.idle_s)
        started = time.perf_counter()
        freed = gc.collect()
        self.collections += 1
        log.debug(
            "idle collection: %d objects freed in %.1f ms",
            freed,
            (time.perf_counter() - started) * 1000,
        )

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
