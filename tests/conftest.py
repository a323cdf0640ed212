"""Test isolation: no test ever reads or writes the real ~/.aws or SDK store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

_ISOLATED_PREFIXES = ("AWS_", "CREDLS_")
_HOME_VARS = ("HOME", "USERPROFILE", "HOMEDRIVE", "HOMEPATH", "LOCALAPPDATA", "APPDATA")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point HOME (and its Windows equivalents) at an empty temp dir; drop AWS_*/CREDLS_*."""
    home = tmp_path_factory.mktemp("home")
    saved = dict(os.environ)
    for name in list(os.environ):
        if name.startswith(_ISOLATED_PREFIXES):
            del os.environ[name]
    for name in _HOME_VARS:
        os.environ.pop(name, None)
    os.environ["HOME"] = str(home)
    os.environ["USERPROFILE"] = str(home)
    os.environ["LOCALAPPDATA"] = str(home / "AppData" / "Local")
    try:
        yield home
    finally:
        os.environ.clear()
        os.environ.update(saved)
