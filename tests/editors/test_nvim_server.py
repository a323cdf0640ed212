"""Headless Neovim against the real server: `python -m credls serve` started by the
editors/nvim client (setup() on every version, lsp/credls.lua on 0.11+), one script and
one credentials file opened, and the diagnostics Neovim shows checked: codes, source and
positions (Neovim turns the server's UTF-16 columns into byte columns, so a non-ASCII
character before a finding shows whether the two agree).

Uses the harness of editors/nvim/tests/diagnostics.lua through `run_harness`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from test_nvim import NVIM_MODES, NVIMS, run_harness

pytestmark = pytest.mark.skipif(not NVIMS, reason="nvim is not installed (apt-get install neovim)")

SERVER = [sys.executable, "-m", "credls", "serve"]

# Fake key material shaped like the real thing (never a real credential).
KEY_ID = "AKIAQ7RWZ3XBNPLKQ2MV"
SECRET = "Zr8fTq2LmW9xVb4NcK7pHs3Dg6Jy1Ue5Ao0IiQwE"

STORE = f"[dev]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"

SCRIPT = "Write-Host 'café'; Get-S3Bucket -ProfileName nosuch\nGet-S3Bucket -ProfileName dev\n"

CREDENTIALS = (
    f"[default]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"
    "[default]\nregoin = us-east-1\n"
)


def settings(store: Path) -> dict[str, Any]:
    return {
        "useUserStores": False,
        "platform": "linux",
        "stores": {"credentialsFile": str(store), "configFile": str(store.with_name("config"))},
    }


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "stores" / "credentials"
    path.parent.mkdir()
    path.write_text(STORE, encoding="utf-8")
    return path


def byte_col(line: str, needle: str) -> int:
    return len(line[: line.index(needle)].encode("utf-8"))


@pytest.mark.parametrize(("nvim", "mode"), NVIM_MODES)
def test_script_diagnostics_from_the_real_server(
    tmp_path: Path, store: Path, nvim: Any, mode: str
) -> None:
    path = tmp_path / "project" / "deploy.ps1"
    path.parent.mkdir()
    path.write_text(SCRIPT, encoding="utf-8")
    code, out = run_harness(nvim, path, server_cmd=SERVER, mode=mode, settings=settings(store))
    assert code == 0, out
    assert out["filetype"] == "ps1" and out["attached"] == 1
    [finding] = out["diagnostics"]  # `dev` exists in the configured store: no finding there
    assert finding["source"] == "credls"
    assert finding["code"] == "CRED201"
    assert "nosuch" in finding["message"]
    line = SCRIPT.splitlines()[0]
    assert (finding["lnum"], finding["col"]) == (0, byte_col(line, "nosuch"))
    assert finding["end_col"] == byte_col(line, "nosuch") + len("nosuch")


@pytest.mark.parametrize(("nvim", "mode"), NVIM_MODES)
def test_credentials_diagnostics_from_the_real_server(
    tmp_path: Path, store: Path, nvim: Any, mode: str
) -> None:
    path = tmp_path / "project" / "team.credentials"
    path.parent.mkdir()
    path.write_text(CREDENTIALS, encoding="utf-8")
    code, out = run_harness(
        nvim, path, server_cmd=SERVER, mode=mode, settings=settings(store), minimum=2
    )
    assert code == 0, out
    assert out["filetype"] == "confini" and out["attached"] == 1
    by_code = {d["code"]: d for d in out["diagnostics"]}
    assert {"CRED101", "CRED109"} <= set(by_code)
    assert all(d["source"] == "credls" for d in out["diagnostics"])
    assert (by_code["CRED109"]["lnum"], by_code["CRED109"]["col"]) == (4, 0)
    for d in out["diagnostics"]:
        assert SECRET not in d["message"] and KEY_ID not in d["message"]
