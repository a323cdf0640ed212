"""Findings an edit did not touch keep their LSP form, but never stale client columns.

The server reuses the LSP form of a finding that comes back equal after an
edit (``features.diagnostics._lsp_key``); the form also depends on the text
before the finding on its line, because client columns count UTF-16 or UTF-8
units. Replacing an ASCII character with an astral one keeps every code-point
position and moves every later client column on that line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e_support import ENCODING, change, find, open_doc, recorder
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_columns_follow_a_wider_character_on_the_same_line(
    client: LanguageClient, workdir: Path
) -> None:
    enc = ENCODING[client.preset]  # type: ignore[attr-defined]
    rec = recorder(client)
    before = "$note = 'x'; Get-S3Bucket -ProfileName 'nosuch'\nGet-S3Bucket -ProfileName 'nope'\n"
    uri = open_doc(client, workdir / "widen" / "w.ps1", before, "powershell")
    first = await rec.publish(uri, version=1)
    assert [d.range for d in first.diagnostics if d.range.start.line == 0] == [
        find(before, "'nosuch'", enc)
    ]
    after = before.replace("'x'", "'\U0001f600'")
    x = find(before, "x", enc)
    change(client, uri, 2, types.TextDocumentContentChangePartial(range=x, text="\U0001f600"))
    second = await rec.publish(uri, version=2)
    by_line = {d.range.start.line: d.range for d in second.diagnostics}
    assert by_line[0] == find(after, "'nosuch'", enc)
    assert by_line[0] != find(before, "'nosuch'", enc)  # the column did move
    assert by_line[1] == find(after, "'nope'", enc)  # the other line's form is reused
