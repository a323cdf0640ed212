"""A script with syntax errors, edited incrementally, ends up with ``credls check``'s findings.

tree-sitter's error recovery depends on the edit history: the same broken text
can parse one way after an edit and another way when parsed whole. The server
answers each edit from the incremental tree (fast) and, once the user pauses,
parses such a script whole and publishes again for the same version.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e_support import Stores, change, open_doc, recorder
from lsprotocol import types
from pytest_lsp import LanguageClient

from credls.powershell.parser import PowerShellDocument
from credls.text import Position

# Minimised from a random-edit run over a generated script (tree-sitter 0.26.1,
# tree-sitter-powershell 0.26.4): after inserting "@{" at EDIT the incremental tree
# and a whole parse of the same text recover from the errors differently, and only
# the incremental one gets a CRED201 for 'ci90'.
BEFORE = (
    "if ($env:CI) {\n"
    "  Set-AWSCredential -ProfileName ci90 -Scope Global\n"
    "}\n"
    "for ($j = 0; $j -lt 3; $j++) -; Start-Sleep -Seconds 1 }\n"
    '$x91 = "value $j"\n'
    "$bucket92 = 'bucket-92'\n"
    "Write-S3Object -BucketName $bucket92 -Key 'k/92' -File \"C:\\tmp\\f92.txt\""
    " -ProfileName $Profile `\n"
    'function Inv"oke-Step93 {\n'
    "  foreach ($it in $items) {"
)
EDIT = Position(5, 7)


def _after() -> str:
    doc = PowerShellDocument(BEFORE)
    doc.apply_edit(EDIT, EDIT, "@{")
    return doc.text


def _key(diags: list[types.Diagnostic]) -> list[tuple[object, ...]]:
    return sorted(
        (str(d.code), d.range.start.line, d.range.start.character, d.message) for d in diags
    )


def test_the_incremental_tree_can_differ_from_a_whole_parse() -> None:
    """Why the server settles (if this ever stops holding, settling is merely idle)."""
    incremental = PowerShellDocument(BEFORE)
    incremental.apply_edit(EDIT, EDIT, "@{")
    whole = PowerShellDocument(incremental.text)
    assert incremental.has_errors and whole.has_errors
    assert str(incremental.root) != str(whole.root)


@pytest.mark.asyncio(loop_scope="module")
async def test_findings_settle_to_those_of_a_whole_parse(
    client: LanguageClient, stores: Stores, workdir: Path
) -> None:
    rec = recorder(client)
    after = _after()
    # The same final text opened as a new document: parsed whole once.
    fresh_uri = open_doc(client, workdir / "settle-fresh.ps1", after, "powershell")
    want = _key((await rec.publish(fresh_uri)).diagnostics)

    uri = open_doc(client, workdir / "settle.ps1", BEFORE, "powershell")
    await rec.publish(uri, version=1)
    mark = rec.mark()
    change(
        client,
        uri,
        2,
        types.TextDocumentContentChangePartial(
            range=types.Range(
                start=types.Position(line=EDIT.line, character=EDIT.character),
                end=types.Position(line=EDIT.line, character=EDIT.character),
            ),
            text="@{",
        ),
    )

    def settled() -> bool:
        mine = [p for p in rec.published[mark:] if p.uri == uri and p.version == 2]
        return bool(mine) and _key(mine[-1].diagnostics) == want

    assert await rec.wait(settled)
    firsts = [p for p in rec.published[mark:] if p.uri == uri and p.version == 2]
    # The answer to the edit itself came from the incremental tree (a CRED201 on
    # the call only it sees), then the whole parse's.
    assert len(firsts) >= 2
    assert any(str(d.code) == "CRED201" for d in firsts[0].diagnostics)
