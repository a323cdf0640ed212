"""Where a text's comments and documentation prose are, for the few offsets that ask.

rules.md (CRED3xx) reports a placeholder key at information severity because the
file expects a real key pasted into it. A placeholder in a comment
(``# Usage: Set-AWSCredential -AccessKey AKIAXXXXXXXXXXXXXXXX …``) or in
documentation prose ("Replace ``AKIA…`` with your key") is no value any tool
reads, so the scanner keeps those quiet; real keys there are still reported.

Nothing here is a parser: comments are found on the line of the offset (plus
PowerShell ``<# … #>`` blocks), prose is Markdown or plain text outside fenced
code blocks. Where the answer is unclear the text counts as code, so a
placeholder is reported rather than hidden.
"""

from __future__ import annotations

import bisect
import re
from enum import Enum

__all__ = ["DOCS_SUFFIXES", "Regions", "Syntax", "is_docs_path"]


class Syntax(Enum):
    """How a text's comments and prose are written."""

    POWERSHELL = "powershell"  # `#` to the end of the line, `<# … #>` blocks
    DOCS = "docs"  # Markdown or plain text: prose, except fenced code blocks
    OTHER = "other"  # INI, .env, YAML, JSON, shell…: `#` comments, `;` and `//` lines


# Markdown and plain-text documentation, by file name suffix.
DOCS_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".mdx", ".txt", ".text")


def is_docs_path(path: str) -> bool:
    """A Markdown or plain-text document, by its name."""
    return path.lower().endswith(DOCS_SUFFIXES)


_LINE_WINDOW = 4096
_BLOCK_COMMENT = re.compile(r"<#.*?(?:#>|\Z)", re.S)
# A fence opens or closes a code block: three or more backticks or tildes. Any
# indentation and block quote markers are accepted (fences inside list items and
# quotes), so that doubtful text counts as code.
_FENCE = re.compile(r"^[ \t>]*(`{3,}|~{3,})(.*)$", re.M)
# Where a PowerShell `#` starts a comment: at the start of a token.
_PS_TOKEN_START = frozenset(" \t;{(")
_OTHER_TOKEN_START = frozenset(" \t")


class Regions:
    """Comments and prose of one text; each part is computed on first use."""

    def __init__(self, text: str, syntax: Syntax) -> None:
        self._text = text
        self._syntax = syntax
        self._blocks: list[tuple[int, int]] | None = None
        self._fences: list[tuple[int, int]] | None = None

    def is_quiet(self, pos: int) -> bool:
        """``pos`` is in a comment or in documentation prose."""
        if self._syntax is Syntax.DOCS and not self._in_spans(pos, self._code_blocks()):
            return True
        return self.is_comment(pos)

    def is_comment(self, pos: int) -> bool:
        """``pos`` is inside a comment (inside a fenced block, for documentation)."""
        if self._syntax is Syntax.POWERSHELL and self._in_spans(pos, self._block_comments()):
            return True
        return self._line_comment(pos)

    def in_quotes(self, pos: int) -> bool:
        """``pos`` follows an unclosed quote on its line: inside a string's text."""
        text = self._text
        start = text.rfind("\n", max(0, pos - _LINE_WINDOW), pos) + 1
        prefix = text[start:pos]
        return prefix.count('"') % 2 == 1 or prefix.count("'") % 2 == 1

    def _block_comments(self) -> list[tuple[int, int]]:
        if self._blocks is None:
            text = self._text
            self._blocks = [m.span() for m in _BLOCK_COMMENT.finditer(text)] if "<#" in text else []
        return self._blocks

    def _line_comment(self, pos: int) -> bool:
        text = self._text
        start = text.rfind("\n", max(0, pos - _LINE_WINDOW), pos) + 1
        prefix = text[start:pos]
        body = prefix.lstrip()
        powershell = self._syntax is Syntax.POWERSHELL
        if body.startswith("#") and not (powershell and body.startswith("#>")):
            return True
        # file-format.md §3: `;` and `#` open full-line comments in INI files.
        if not powershell and body.startswith((";", "//")):
            return True
        starts = _PS_TOKEN_START if powershell else _OTHER_TOKEN_START
        i = prefix.find("#")
        while i >= 0:
            # At the start of a token, outside quotes on this line (an even number
            # of each quote before it), and not the end of a `<# … #>` block.
            if (
                (i == 0 or prefix[i - 1] in starts)
                and prefix.count("'", 0, i) % 2 == 0
                and prefix.count('"', 0, i) % 2 == 0
                and not (powershell and self._in_spans(start + i, self._block_comments()))
            ):
                return True
            i = prefix.find("#", i + 1)
        return False

    def _code_blocks(self) -> list[tuple[int, int]]:
        """Spans of fenced code blocks (CommonMark: closed by a bare fence of the same
        character, at least as long; an unclosed block runs to the end)."""
        if self._fences is not None:
            return self._fences
        spans: list[tuple[int, int]] = []
        text = self._text
        opened: tuple[str, int, int] | None = None  # fence character, length, body start
        if "``" in text or "~~" in text:
            for m in _FENCE.finditer(text):
                run = m.group(1)
                if opened is None:
                    opened = (run[0], len(run), m.end() + 1)
                elif run[0] == opened[0] and len(run) >= opened[1] and not m.group(2).strip():
                    spans.append((opened[2], m.start()))
                    opened = None
        if opened is not None:
            spans.append((opened[2], len(text)))
        self._fences = spans
        return spans

    @staticmethod
    def _in_spans(pos: int, spans: list[tuple[int, int]]) -> bool:
        k = bisect.bisect_right(spans, (pos, 1 << 62)) - 1
        return k >= 0 and spans[k][0] <= pos < spans[k][1]
