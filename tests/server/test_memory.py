"""The server's collector policy: no automatic full collection, one when idle."""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys

import pytest

from credls.server.memory import IdleCollector


def test_tuning_leaves_full_collections_to_the_server() -> None:
    code = (
        "import gc\n"
        "from credls.server.memory import tune_for_server\n"
        "before = gc.get_threshold()\n"
        "tune_for_server()\n"
        "after = gc.get_threshold()\n"
        "assert after[:2] == before[:2] and after[2] >= 1_000_000, (before, after)\n"
        "assert gc.get_freeze_count() > 0 and gc.isenabled()\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


@pytest.mark.asyncio
async def test_idle_collector_collects_once_after_quiet_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append(1) or 0)
    collector = IdleCollector(idle_s=0.05)
    for _ in range(5):  # typing: each analysis restarts the countdown
        collector.touch()
        await asyncio.sleep(0.01)
    assert calls == []
    await asyncio.sleep(0.15)
    assert calls == [1] and collector.collections == 1
    collector.touch()
    collector.cancel()  # shutdown: nothing left to run
    await asyncio.sleep(0.1)
    assert calls == [1]
