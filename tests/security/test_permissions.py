"""CRED304: a credentials file or SDK store that group or others can read or write."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from credls.document import Document, DocumentKind
from credls.rules.context import CheckContext
from credls.rules.security import check, check_permissions
from credls.settings import Settings
from credls.source import SourceText

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX mode bits")


def _store(tmp_path: Path, mode: int, name: str = "credentials") -> Path:
    aws = tmp_path / ".aws"
    aws.mkdir(exist_ok=True)
    path = aws / name
    path.write_text("[default]\nregion = eu-west-1\n")
    path.chmod(mode)
    return path


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        (0o644, ("readable", "group and others", "0644")),
        (0o640, ("readable", "by group ", "0640")),
        (0o604, ("readable", "by others", "0604")),
        (0o660, ("readable and writable", "by group ", "0660")),
        (0o602, ("writable", "by others", "0602")),
        (0o666, ("readable and writable", "group and others", "0666")),
    ],
)
def test_loose_modes_are_reported(tmp_path: Path, mode: int, words: tuple[str, ...]) -> None:
    path = _store(tmp_path, mode)
    (d,) = check_permissions(str(path), DocumentKind.CREDENTIALS, line_length=9)
    assert d.code == "CRED304"
    assert (d.range.start.line, d.range.start.character, d.range.end.character) == (0, 0, 9)
    for w in words:
        assert w in d.message
    assert f"chmod 600 {path}" in d.message


@pytest.mark.parametrize("mode", [0o600, 0o400, 0o700])
def test_owner_only_modes_are_fine(tmp_path: Path, mode: int) -> None:
    path = _store(tmp_path, mode)
    assert check_permissions(str(path), DocumentKind.CREDENTIALS) == []


def test_sdk_store_is_checked_config_is_not(tmp_path: Path) -> None:
    store = _store(tmp_path, 0o644, "RegisteredAccounts.json")
    config = _store(tmp_path, 0o644, "config")
    (d,) = check_permissions(str(store), DocumentKind.SDK_STORE)
    assert "SDK credential store" in d.message
    assert check_permissions(str(config), DocumentKind.CONFIG) == []
    assert check_permissions(str(store), DocumentKind.TEXT) == []


def test_missing_file_gives_nothing(tmp_path: Path) -> None:
    assert check_permissions(str(tmp_path / "nope"), DocumentKind.CREDENTIALS) == []


def test_report_path_is_shown(tmp_path: Path) -> None:
    path = _store(tmp_path, 0o644)
    (d,) = check_permissions(str(path), DocumentKind.CREDENTIALS, report_path="~/.aws/credentials")
    assert d.path == "~/.aws/credentials"
    assert "chmod 600 ~/.aws/credentials" in d.message


@pytest.mark.parametrize(("mode", "expected"), [(0o644, ["CRED304"]), (0o600, [])])
def test_check_reports_the_user_store(tmp_path: Path, mode: int, expected: list[str]) -> None:
    path = _store(tmp_path, mode)
    doc = Document(str(path), SourceText(path.read_text()), DocumentKind.CREDENTIALS)
    diags = check(doc, CheckContext(Settings(), None, is_user_store=True))
    assert [d.code for d in diags] == expected
    if expected:
        assert diags[0].range.end.character == len("[default]")
