"""How ``credls check --jobs N`` splits the walk into worker tasks (credls.cli._chunks)."""

from __future__ import annotations

from credls.cli import FIRST_CHUNK, MAX_CHUNK, SCRIPT_WEIGHT, _chunks


def _work(chunk: list[str], weight: int) -> int:
    return sum(weight if p.endswith(".ps1") else 1 for p in chunk)


def test_every_path_once_in_order() -> None:
    paths = [f"f{i}.{'ps1' if i % 3 else 'txt'}" for i in range(5000)]
    chunks = list(_chunks(iter(paths), SCRIPT_WEIGHT))
    assert [p for c in chunks for p in c] == paths
    assert all(chunks)


def test_plain_files_grow_to_the_maximum() -> None:
    sizes = [len(c) for c in _chunks(iter(f"f{i}.txt" for i in range(3000)), SCRIPT_WEIGHT)]
    assert sizes[0] == FIRST_CHUNK
    assert max(sizes) == MAX_CHUNK
    assert sizes == sorted(sizes[:-1]) + sizes[-1:]  # grows, then a remainder


def test_analysed_scripts_make_small_tasks() -> None:
    # 2,000 AWS scripts: no task may hold more than MAX_CHUNK / SCRIPT_WEIGHT of them,
    # or the last one keeps a single worker busy long after the other is done.
    chunks = list(_chunks(iter(f"s{i}.ps1" for i in range(2000)), SCRIPT_WEIGHT))
    assert max(len(c) for c in chunks) == MAX_CHUNK // SCRIPT_WEIGHT
    assert all(_work(c, SCRIPT_WEIGHT) <= MAX_CHUNK for c in chunks)
    assert len(chunks) >= 2000 // (MAX_CHUNK // SCRIPT_WEIGHT)


def test_scripts_are_cheap_when_only_the_literal_scan_runs() -> None:
    # --select CRED3: scripts take the fast path, weight 1.
    sizes = [len(c) for c in _chunks(iter(f"s{i}.ps1" for i in range(3000)), 1)]
    assert max(sizes) == MAX_CHUNK


def test_empty_walk_gives_no_task() -> None:
    assert list(_chunks(iter(()), SCRIPT_WEIGHT)) == []


def test_workspace_says_when_scripts_get_the_parser() -> None:
    from credls.analysis import Workspace
    from credls.settings import Settings

    assert Workspace(Settings()).needs_script_parser()
    assert not Workspace(Settings(select=("CRED3",))).needs_script_parser()
    assert Workspace(Settings(select=("CRED3", "CRED201"))).needs_script_parser()
