"""The ``check`` walk: .gitignore semantics compared with real git, exclude, order."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credls.walk import Walker, collect

GIT = shutil.which("git")


def tree(root: Path, files: list[str]) -> None:
    for rel in files:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text("x\n", encoding="utf-8")


def walked(root: Path, *args: str, exclude: tuple[str, ...] = ()) -> list[str]:
    cwd = os.getcwd()
    os.chdir(root)
    try:
        return sorted(Walker(exclude, str(root)).walk(list(args) or ["."]).files)
    finally:
        os.chdir(cwd)


def git_listed(root: Path) -> list[str]:
    assert GIT is not None
    out = subprocess.run(
        [GIT, "ls-files", "--others", "--exclude-standard", "-z"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return sorted(p.replace("/", os.sep) for p in out.split("\0") if p)


def git_init(root: Path) -> None:
    assert GIT is not None
    subprocess.run([GIT, "init", "-q", str(root)], check=True)


FILES = [
    "a.ps1",
    "b.log",
    "keep.log",
    "build/out.ps1",
    "src/build/gen.ps1",
    "src/app.ps1",
    "src/deep/x.tmp",
    "src/deep/y.ps1",
    "docs/readme.md",
    "docs/sub/notes.txt",
]

# (id, {folder: .gitignore text})
GITIGNORES = [
    ("none", {}),
    ("dir-only", {"": "build/\n"}),
    ("anchored", {"": "/build\n"}),
    ("glob-and-negation", {"": "*.log\n!keep.log\n"}),
    ("nested-override", {"": "*.tmp\n", "src/deep": "!x.tmp\n"}),
    ("nested-anchored", {"src": "/build/\n"}),
    ("double-star", {"": "docs/**/notes.txt\n"}),
    ("ignored-dir-cannot-be-reincluded", {"": "src/\n!src/app.ps1\n"}),
    ("comments-and-blank", {"": "# comment\n\n*.md\n"}),
    ("trailing-star", {"": "docs/*\n!docs/sub/\n"}),
]


@pytest.mark.skipif(GIT is None, reason="git is not installed")
@pytest.mark.parametrize("ignores", [pytest.param(g, id=i) for i, g in GITIGNORES])
def test_gitignore_matches_git(tmp_path: Path, ignores: dict[str, str]) -> None:
    git_init(tmp_path)
    tree(tmp_path, FILES)
    for folder, text in ignores.items():
        (tmp_path / folder / ".gitignore").write_text(text, encoding="utf-8")
    assert walked(tmp_path) == git_listed(tmp_path)


_DIRS = st.lists(st.sampled_from(["a", "b", "c"]), max_size=3)
_FILES = st.sampled_from(["x.ps1", "d.log", "e.tmp", "a.txt"])
_PATTERNS = st.sampled_from(
    [
        "a", "a/", "/a", "b", "*.log", "!d.log", "*.tmp", "!*.tmp", "**/x.ps1", "a/**",
        "b/*", "!b/", "!b/x.ps1", "c/**/e.tmp", "a.txt", "/*.ps1", "*/x.ps1",
    ]
)  # fmt: skip


@pytest.mark.skipif(GIT is None, reason="git is not installed")
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    files=st.lists(st.tuples(_DIRS, _FILES), min_size=1, max_size=10),
    root_patterns=st.lists(_PATTERNS, max_size=4),
    sub_patterns=st.lists(_PATTERNS, max_size=3),
)
def test_gitignore_matches_git_property(
    tmp_path_factory: pytest.TempPathFactory,
    files: list[tuple[list[str], str]],
    root_patterns: list[str],
    sub_patterns: list[str],
) -> None:
    root = tmp_path_factory.mktemp("walk")
    git_init(root)
    tree(root, ["/".join([*dirs, name]) for dirs, name in files])
    (root / ".gitignore").write_text("\n".join(root_patterns) + "\n", encoding="utf-8")
    first_dir = next((dirs for dirs, _ in files if dirs), None)
    if first_dir:
        (root / first_dir[0] / ".gitignore").write_text(
            "\n".join(sub_patterns) + "\n", encoding="utf-8"
        )
    assert walked(root) == git_listed(root)


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_repository_ignores_apply_when_walking_a_subfolder(tmp_path: Path) -> None:
    git_init(tmp_path)
    tree(tmp_path, ["src/a.ps1", "src/a.log", "src/info.bak"])
    (tmp_path / ".gitignore").write_text("*.log\n", encoding="utf-8")
    (tmp_path / ".git" / "info" / "exclude").write_text("*.bak\n", encoding="utf-8")
    assert walked(tmp_path, "src") == [os.path.join("src", "a.ps1")]
    assert walked(tmp_path / "src") == ["a.ps1"]


def test_exclude_patterns(tmp_path: Path) -> None:
    tree(tmp_path, ["vendor/x.ps1", "src/vendor/y.ps1", "src/z.ps1", "gen.ps1"])
    assert walked(tmp_path, exclude=("/vendor/", "gen.*")) == [
        os.path.join("src", "vendor", "y.ps1"),
        os.path.join("src", "z.ps1"),
    ]
    # Explicit files are checked even when excluded.
    assert walked(tmp_path, "gen.ps1", exclude=("gen.*",)) == ["gen.ps1"]


def test_order_is_deterministic_and_duplicates_dropped(tmp_path: Path) -> None:
    tree(tmp_path, ["b/2.ps1", "b/1.ps1", "a.ps1", "c/x.ps1"])
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = collect(["b", ".", "a.ps1", "b/1.ps1"])
    finally:
        os.chdir(cwd)
    assert result.files == [
        os.path.join("b", "1.ps1"),
        os.path.join("b", "2.ps1"),
        "a.ps1",
        os.path.join("c", "x.ps1"),
    ]
    assert result.problems == []


def test_paths_outside_cwd_are_absolute(tmp_path: Path) -> None:
    tree(tmp_path, ["proj/a.ps1", "other/b.ps1"])
    cwd = os.getcwd()
    os.chdir(tmp_path / "proj")
    try:
        files = collect([str(tmp_path / "other"), "../proj"]).files
    finally:
        os.chdir(cwd)
    assert files == [str(tmp_path / "other" / "b.ps1"), "a.ps1"]
