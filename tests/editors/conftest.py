"""Fixtures for the editor-client tests: npm present, and a single `npm ci` per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from editor_tools import ORIGINAL_ENV, VSCODE_DIR, explain, run


@pytest.fixture(scope="session")
def npm() -> str:
    found = shutil.which("npm", path=ORIGINAL_ENV.get("PATH"))
    if found is None:
        pytest.skip("npm is not installed (needs Node.js 20+ and npm)")
    return found


@pytest.fixture(scope="session")
def node_modules(npm: str) -> Path:
    """`npm ci` in editors/vscode, once per session."""
    result = run([npm, "ci", "--no-audit", "--prefer-offline"], VSCODE_DIR, timeout=600)
    assert result.returncode == 0, explain(result)
    return VSCODE_DIR / "node_modules"
