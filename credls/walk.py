"""Which files ``credls check`` looks at.

Explicit file arguments are always checked (pre-commit passes file names).
Directories are walked recursively in a deterministic order (names sorted per
folder), honouring ``.gitignore`` files at every level — including those of the
enclosing repository above the walked folder and ``.git/info/exclude`` — plus the
``exclude`` patterns of the configuration (gitignore syntax, anchored at the
configuration file's folder). ``.git`` folders, non-regular files and symlink
loops are skipped. Binary content is skipped later, when the file is read.

Paths are produced relative to the working directory when under it (that is
what reports show), absolute otherwise, by string concatenation: no per-file
``relpath``/``abspath`` calls.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

SKIP_DIRS = frozenset({".git", ".hg", ".svn"})


@dataclass(frozen=True)
class _Spec:
    base: str  # absolute folder the patterns are relative to, with a trailing separator
    spec: GitIgnoreSpec


@dataclass
class WalkResult:
    files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _compile(lines: Sequence[str]) -> GitIgnoreSpec | None:
    from pathspec import GitIgnoreSpec

    patterns = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    if not patterns:
        return None
    return GitIgnoreSpec.from_lines(patterns)


def _read_ignore_file(path: str) -> GitIgnoreSpec | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return _compile(fh.read().splitlines())
    except OSError:
        return None


def _with_sep(path: str) -> str:
    return path if path.endswith(os.sep) else path + os.sep


def _git_root(start: str) -> str | None:
    here = start
    while True:
        if os.path.exists(os.path.join(here, ".git")):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def _ancestor_specs(root_abs: str) -> list[_Spec]:
    """Ignore files of the repository above ``root_abs`` (outermost first)."""
    git_root = _git_root(root_abs)
    if git_root is None:
        return []
    specs: list[_Spec] = []
    info = _read_ignore_file(os.path.join(git_root, ".git", "info", "exclude"))
    if info is not None:
        specs.append(_Spec(_with_sep(git_root), info))
    chain: list[str] = []
    here = os.path.dirname(root_abs) if root_abs != git_root else None
    while here is not None:
        chain.append(here)
        if here == git_root:
            break
        parent = os.path.dirname(here)
        here = parent if parent != here else None
    for folder in reversed(chain):
        spec = _read_ignore_file(os.path.join(folder, ".gitignore"))
        if spec is not None:
            specs.append(_Spec(_with_sep(folder), spec))
    return specs


def _ignored(abs_path: str, is_dir: bool, specs: Sequence[_Spec]) -> bool:
    """Git semantics: the deepest ignore file with a matching pattern decides."""
    for s in reversed(specs):
        if not abs_path.startswith(s.base):
            continue
        rel = abs_path[len(s.base) :]
        if os.sep != "/":
            rel = rel.replace(os.sep, "/")
        result = s.spec.check_file(rel + "/" if is_dir else rel)
        if result.include is not None:
            return result.include
    return False


class Walker:
    """Collects the files to check for a list of PATH arguments."""

    def __init__(self, exclude: Sequence[str] = (), exclude_base: str | None = None) -> None:
        self.cwd = os.getcwd()
        self._cwd_prefix = _with_sep(self.cwd)
        spec = _compile(list(exclude)) if exclude else None
        base = _with_sep(os.path.abspath(exclude_base or self.cwd))
        self._exclude = _Spec(base, spec) if spec is not None else None

    def display(self, abs_path: str) -> str:
        """Relative to the working directory when under it, else absolute."""
        if abs_path == self.cwd:
            return "."
        if abs_path.startswith(self._cwd_prefix):
            return abs_path[len(self._cwd_prefix) :]
        return abs_path

    def walk(self, paths: Sequence[str]) -> WalkResult:
        result = WalkResult()
        for item in self.iter(paths, result.problems):
            result.files.append(item)
        return result

    def iter(self, paths: Sequence[str], problems: list[str]) -> Iterator[str]:
        """Yield display paths; append one-line problems for bad arguments."""
        seen_files: set[str] = set()
        for arg in paths or ["."]:
            abs_path = os.path.normpath(os.path.join(self.cwd, arg))
            if os.path.isdir(abs_path):
                yield from self._walk_dir(abs_path, seen_files)
            elif os.path.isfile(abs_path):
                if abs_path not in seen_files:
                    seen_files.add(abs_path)
                    yield self.display(abs_path)
            elif os.path.lexists(abs_path) and not os.path.exists(abs_path):
                problems.append(f"credls: {arg}: broken symbolic link")
            elif os.path.exists(abs_path):
                problems.append(f"credls: {arg}: not a regular file or folder")
            else:
                problems.append(f"credls: {arg}: no such file or folder")

    def _walk_dir(self, root_abs: str, seen_files: set[str]) -> Iterator[str]:
        base_specs = _ancestor_specs(root_abs)
        exclude = self._exclude
        root_real = os.path.realpath(root_abs)
        linked: set[str] = set()
        # Depth-first with an explicit stack; each frame carries the ignore specs
        # in force for that folder (outermost first).
        stack: list[tuple[str, list[_Spec]]] = [(root_abs, base_specs)]
        while stack:
            folder, specs = stack.pop()
            try:
                with os.scandir(folder) as it:
                    entries = list(it)
            except OSError:
                continue
            if len(entries) > 1:
                entries.sort(key=_name)
            prefix = _with_sep(folder)
            for entry in entries:
                if entry.name == ".gitignore":
                    spec = _read_ignore_file(prefix + ".gitignore")
                    if spec is not None:
                        specs = [*specs, _Spec(prefix, spec)]
                    break
            subdirs: list[str] = []
            for entry in entries:
                name = entry.name
                full = prefix + name
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    continue
                if is_dir:
                    if name in SKIP_DIRS:
                        continue
                    if specs and _ignored(full, True, specs):
                        continue
                    if exclude is not None and _ignored(full, True, (exclude,)):
                        continue
                    if entry.is_symlink() and not self._follow(full, root_real, linked):
                        continue
                    subdirs.append(full)
                    continue
                try:
                    if not entry.is_file():
                        continue  # sockets, FIFOs, devices, broken links
                except OSError:
                    continue
                if specs and _ignored(full, False, specs):
                    continue
                if exclude is not None and _ignored(full, False, (exclude,)):
                    continue
                if full in seen_files:
                    continue
                seen_files.add(full)
                yield self.display(full)
            for sub in reversed(subdirs):
                stack.append((sub, specs))

    @staticmethod
    def _follow(link: str, root_real: str, linked: set[str]) -> bool:
        """Follow a symlinked folder once, unless it leads back into the walked tree."""
        target = os.path.realpath(link)
        if target == root_real or target.startswith(_with_sep(root_real)):
            return False  # a loop, or a second name for a folder walked anyway
        if root_real.startswith(_with_sep(target)) or target in linked:
            return False
        linked.add(target)
        return True


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def collect(
    paths: Sequence[str], exclude: Sequence[str] = (), exclude_base: str | None = None
) -> WalkResult:
    """Files to check for ``paths`` (``["."]`` when empty)."""
    return Walker(exclude, exclude_base).walk(paths)


__all__ = ["SKIP_DIRS", "WalkResult", "Walker", "collect"]
