"""What kind of document a path or LSP languageId is, and the decoded document itself."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum

from credls.source import SourceText
from credls.text import LineIndex


class DocumentKind(str, Enum):
    POWERSHELL = "powershell"
    CREDENTIALS = "credentials"
    CONFIG = "config"
    SDK_STORE = "sdk-store"
    TEXT = "text"


POWERSHELL_SUFFIXES = (".ps1", ".psm1", ".psd1")

_INI_LANGUAGE_IDS = {"aws-credentials", "aws-config", "ini", "dosini", "confini"}


def kind_of_path(path: str, store_paths: dict[str, DocumentKind] | None = None) -> DocumentKind:
    """Kind by path: configured store paths first, then names and extensions."""
    if store_paths:
        known = store_paths.get(os.path.normcase(os.path.abspath(path)))
        if known is not None:
            return known
    lower = path.lower()
    if lower.endswith(POWERSHELL_SUFFIXES):
        return DocumentKind.POWERSHELL
    base = os.path.basename(path)
    parent = os.path.basename(os.path.dirname(os.path.abspath(path)))
    if parent == ".aws" and base == "credentials":
        return DocumentKind.CREDENTIALS
    if parent == ".aws" and base == "config":
        return DocumentKind.CONFIG
    if base.lower().endswith(".credentials"):
        return DocumentKind.CREDENTIALS
    if base == "RegisteredAccounts.json":
        return DocumentKind.SDK_STORE
    return DocumentKind.TEXT


def kind_of(path: str, language_id: str | None = None) -> DocumentKind:
    """Kind by LSP languageId when it is decisive, else by path."""
    lid = (language_id or "").lower()
    if lid in ("powershell", "ps1"):
        return DocumentKind.POWERSHELL
    if lid == "aws-config":
        return DocumentKind.CONFIG
    if lid in _INI_LANGUAGE_IDS:
        by_path = kind_of_path(path)
        if by_path is DocumentKind.CONFIG or os.path.basename(path) == "config":
            return DocumentKind.CONFIG
        return DocumentKind.CREDENTIALS
    return kind_of_path(path)


@dataclass
class Document:
    """A decoded document ready for analysis. ``path`` is what reports show."""

    path: str
    source: SourceText
    kind: DocumentKind

    @property
    def text(self) -> str:
        return self.source.text

    def lines(self) -> LineIndex:
        return LineIndex(self.source.text)
