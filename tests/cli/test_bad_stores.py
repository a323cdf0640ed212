"""Broken stores are bad input: one clear line (path, line, what is wrong), never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def credls(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "credls", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_profiles_names_each_unreadable_store(tmp_path: Path) -> None:
    (tmp_path / "RegisteredAccounts.json").write_text('{"a": ', encoding="utf-8")
    (tmp_path / "creds").write_text("[default\nfoo\n", encoding="utf-8")
    out = credls(
        "profiles",
        "--platform",
        "windows",
        "--sdk-store",
        "RegisteredAccounts.json",
        "--credentials-file",
        "creds",
        cwd=tmp_path,
    )
    assert out.returncode == 0
    lines = out.stderr.splitlines()
    assert (
        f"credls: {tmp_path / 'RegisteredAccounts.json'}:1:7: invalid JSON: Expecting value"
        in lines
    )
    assert any(line.startswith(f"credls: {tmp_path / 'creds'}:1:1: ") for line in lines)
    assert "Traceback" not in out.stderr


def test_check_reports_broken_sdk_store_json(tmp_path: Path) -> None:
    (tmp_path / "RegisteredAccounts.json").write_text('{\n  "x": [', encoding="utf-8")
    out = credls("check", "--format", "json", "RegisteredAccounts.json", cwd=tmp_path)
    assert out.returncode == 1, out.stderr
    codes = {
        (d["code"], d["range"]["start"]["line"]) for d in json.loads(out.stdout)["diagnostics"]
    }
    assert ("CRED103", 2) in codes
