"""Encodings, line endings and quick fixes over the whole corpus."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from script_helpers import (
    CORPUS_FILES,
    analyze_bytes,
    analyze_text,
    digest,
    make_workspace,
    platform_of,
)

from credls.diagnostic import Diagnostic, TextEdit
from credls.powershell.parser import PowerShellDocument
from credls.text import LineIndex

ENCODINGS = {
    "utf-16-le-bom": lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
    "utf-16-be-bom": lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    "utf-8-crlf": lambda t: t.replace("\n", "\r\n").encode("utf-8"),
    "utf-16-le-bom-crlf": lambda t: (
        codecs.BOM_UTF16_LE + t.replace("\n", "\r\n").encode("utf-16-le")
    ),
}


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
@pytest.mark.parametrize("name", CORPUS_FILES)
def test_encoded_copies_give_the_same_findings(name: str, encoding: str, tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    original = ws.root / name
    text = original.read_text(encoding="utf-8")
    settings = ws.settings(platform_of(text))
    want = digest(analyze_text(original, text, settings))
    copy = original.with_name(f"{original.stem}.{encoding}.ps1")
    data = ENCODINGS[encoding](text)
    copy.write_bytes(data)
    got = digest(analyze_bytes(copy, data, settings))
    assert got == want


def apply_edits(text: str, edits: tuple[TextEdit, ...]) -> str:
    index = LineIndex(text)
    spans = sorted(
        ((index.offset(e.range.start), index.offset(e.range.end), e.new_text) for e in edits),
        reverse=True,
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def _fixable(name: str, tmp_path: Path) -> list[tuple[Path, str, Diagnostic]]:
    ws = make_workspace(tmp_path)
    path = ws.root / name
    text = path.read_text(encoding="utf-8")
    diags = analyze_text(path, text, ws.settings(platform_of(text)))
    return [(path, text, d) for d in diags if d.fix is not None]


FIXABLE_CODES = {"CRED201", "CRED209", "CRED401", "CRED402"}


def test_corpus_has_fixes_of_every_fixable_code(tmp_path: Path) -> None:
    codes = set()
    for i, name in enumerate(CORPUS_FILES):
        codes |= {d.code for _, _, d in _fixable(name, tmp_path / str(i))}
    assert codes >= FIXABLE_CODES


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_applying_a_fix_removes_its_finding(name: str, tmp_path: Path) -> None:
    for path, text, d in _fixable(name, tmp_path):
        assert d.fix is not None
        assert all(e.path == str(path) for e in d.fix.edits)
        fixed = apply_edits(text, d.fix.edits)
        assert fixed != text
        # Still valid PowerShell: no syntax error where there was none.
        assert PowerShellDocument(fixed).has_errors == PowerShellDocument(text).has_errors
        settings_text = fixed
        ws_settings = make_workspace(tmp_path / f"fix{d.range.start.line}{d.code}")
        again = analyze_text(
            ws_settings.root / name, settings_text, ws_settings.settings(platform_of(text))
        )
        line = d.range.start.line
        assert not [a for a in again if a.code == d.code and a.range.start.line == line], d.message


def test_cred201_fix_only_with_exactly_one_suggestion(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    path = ws.root / "x.ps1"
    settings = ws.settings()
    one = analyze_text(path, "Get-S3Bucket -ProfileName 'prodd'\n", settings)
    assert [d.code for d in one] == ["CRED201"]
    assert one[0].fix is not None
    assert one[0].fix.edits[0].new_text == "'prod'"
    none = analyze_text(path, "Get-S3Bucket -ProfileName zzzzzz\n", settings)
    assert [d.code for d in none] == ["CRED201"]
    assert none[0].fix is None
    assert "did you mean" not in none[0].message


@pytest.mark.parametrize(
    ("source", "new_text"),
    [
        ("Get-S3Bucket -ProfileName 'prodd'\n", "'prod'"),
        ('Get-S3Bucket -ProfileName "prodd"\n', '"prod"'),
        ("Get-S3Bucket -ProfileName prodd\n", "prod"),
        ("$p = 'prodd'\nGet-S3Bucket -ProfileName $p\n", "'prod'"),
        ("param($P = 'prodd')\nGet-S3Bucket -ProfileName $P\n", "'prod'"),
    ],
)
def test_fix_keeps_the_literal_kind(source: str, new_text: str, tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    diags = analyze_text(ws.root / "x.ps1", source, ws.settings())
    (d,) = [d for d in diags if d.code == "CRED201"]
    assert d.fix is not None
    assert [e.new_text for e in d.fix.edits] == [new_text]
