"""Arguments that start with a variable and go on as a path (`-ProfileLocation
$HOME\\.aws\\credentials`, `-File $PSScriptRoot\\app.zip`): PowerShell reads one
expandable word; tree-sitter-powershell 0.26 makes an ERROR of it (often of the whole
call) unless the parser sees a bare word there (``parser._variable_paths``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credls.powershell.calls import find_calls
from credls.powershell.parser import PowerShellDocument, _for_tree_sitter
from credls.powershell.values import Dynamic, DynamicKind
from credls.text import Position

PATHS = [
    "Get-S3Bucket -ProfileName p -ProfileLocation $HOME\\.aws\\credentials",
    "Write-S3Object -BucketName b -File $PSScriptRoot\\app.zip -ProfileName p",
    "Get-S3Bucket -ProfileLocation $env:USERPROFILE\\.aws\\credentials -ProfileName p",
    "Get-S3Bucket -ProfileLocation $HOME/.aws/credentials -ProfileName p | Out-Null",
    "Get-S3Object -BucketName $bucket$suffix -ProfileName p",
]

UNTOUCHED = [
    "$x = $a/2",
    "'{0}' -f $HOME\\x",
    "$p = $a -join $HOME\\x",
    'Get-S3Bucket -ProfileLocation "$HOME\\.aws\\credentials" -ProfileName p',
    "Get-S3Bucket -ProfileName $name",
    "Get-S3Bucket -ProfileName $cfg.Name",
    "Get-S3Bucket -ProfileLocation $HOME\\(x) -ProfileName p",
]


@pytest.mark.parametrize("line", PATHS)
def test_the_call_parses_and_the_value_is_an_expandable_word(line: str) -> None:
    doc = PowerShellDocument(line + "\n")
    assert not doc.root.has_error
    (call,) = find_calls(doc)
    assert call.parameter("ProfileName") is not None
    words = line.split()
    b = call.parameter("ProfileLocation")
    if b is None:  # -File: not a parameter credls knows, but the call binds around it
        assert "-ProfileLocation" not in words
        return
    v = b.value
    assert isinstance(v, Dynamic) and v.kind is DynamicKind.INTERPOLATED
    assert v.detail == words[words.index("-ProfileLocation") + 1]  # the real text


@pytest.mark.parametrize("line", UNTOUCHED)
def test_other_variables_reach_the_parser_unchanged(line: str) -> None:
    source = (line + "\n").encode()
    assert _for_tree_sitter(source) == source


PIECES = st.sampled_from(
    [
        " -ProfileLocation ",
        " -f ",
        " ",
        "$HOME",
        "\\.aws",
        "\\credentials",
        "$a",
        "/2",
        "'",
        "x",
        "$b",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(PIECES, min_size=2, max_size=8), st.integers(0, 80), st.sampled_from(["", " ", "$"])
)
def test_edits_match_a_fresh_parse(pieces: list[str], at: int, new: str) -> None:
    text = "Get-S3Bucket" + "".join(pieces) + "\nGet-S3Bucket -ProfileName p\n"
    doc = PowerShellDocument(text)
    first = len(text.split("\n")[0])
    at = min(at, first)
    end = min(at + (1 if new == "" else 0), first)
    doc.apply_edit(Position(0, at), Position(0, end), new)
    assert str(doc.root) == str(PowerShellDocument(doc.text).root)


def _check(tmp_path: Path, *args: str) -> str:
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True, exist_ok=True)
    env = {"HOME": str(home), "USERPROFILE": str(home), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-m", "credls", "check", "--format", "text", "--exit-zero", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


SCRIPT = "Get-S3Bucket -ProfileName prod -ProfileLocation $HOME\\.aws\\team\n"


def test_a_home_location_is_checked_against_the_home_folder(tmp_path: Path) -> None:
    (tmp_path / "s.ps1").write_text(SCRIPT, encoding="utf-8")
    out = _check(tmp_path, "s.ps1")
    assert "CRED202" in out and "team" in out  # ~/.aws/team does not exist
    (tmp_path / "home" / ".aws" / "team").write_text("[dev]\n", encoding="utf-8")
    assert "CRED203" in _check(tmp_path, "s.ps1")  # no [prod] in it


def test_without_user_stores_a_missing_home_location_is_unknown(tmp_path: Path) -> None:
    # A CI runner without the file says nothing of the machine the script runs on.
    (tmp_path / "s.ps1").write_text(SCRIPT, encoding="utf-8")
    out = _check(tmp_path, "--no-user-stores", "s.ps1")
    assert "CRED210" in out and "--no-user-stores" in out
    assert "CRED202" not in out
    # One that is there is the file the script names: searched (CRED203).
    (tmp_path / "home" / ".aws" / "team").write_text("[dev]\n", encoding="utf-8")
    assert "CRED203" in _check(tmp_path, "--no-user-stores", "s.ps1")
