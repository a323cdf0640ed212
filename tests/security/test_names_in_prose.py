"""A key name followed by prose in data is no value (seen: a cmdlet name in a JSON
help text, `Get-STSSessionToken: returns … here`, read as a placeholder token)."""

from __future__ import annotations

from pathlib import Path

import pytest

from credls.analysis import Workspace
from credls.settings import Settings, StoreSettings


def _codes(tmp_path: Path, name: str, text: str) -> list[str]:
    ws = Workspace(Settings(stores=StoreSettings(use_user_stores=False)), str(tmp_path))
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return [d.code for d in ws.analyze_file(str(path), path.read_bytes()) or []]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "help.json",
            '{"help": "Get-STSSessionToken: returns temporary credentials", '
            '"note": "see the wiki page linked here"}\n',
        ),
        ("notes.yml", "summary: 'SecretKey: rotate it, details [here]'\n"),
    ],
)
def test_prose_after_a_key_name_is_quiet(tmp_path: Path, name: str, text: str) -> None:
    assert _codes(tmp_path, name, text) == []


@pytest.mark.parametrize(
    ("name", "text", "code"),
    [
        ("app.env", "AWS_SECRET_ACCESS_KEY=your secret key goes here\n", "CRED302"),
        ("aws.ini", "[ci]\naws_session_token = paste the token here\n", "CRED303"),
    ],
)
def test_a_placeholder_phrase_is_still_one_value(
    tmp_path: Path, name: str, text: str, code: str
) -> None:
    assert _codes(tmp_path, name, text) == [code]
