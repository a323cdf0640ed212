"""Small helpers shared by the editor features (worker thread).

What a section header names, the store chain a document sees, markdown that
never carries a secret, and locations of profiles in store files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lsprotocol import types

from credls.document import DocumentKind
from credls.server.convert import path_to_uri, range_in_file
from credls.server.logs import redact
from credls.text import Position

if TYPE_CHECKING:
    from credls.analysis import Workspace
    from credls.ini.parser import Header
    from credls.server.app import CredlsLanguageServer
    from credls.server.documents import Snapshot
    from credls.store.chain import StoreChain
    from credls.store.model import ProfileSource, Property

INI_KINDS = (DocumentKind.CREDENTIALS, DocumentKind.CONFIG)
SECRET_WORDS = ("secret", "token", "password", "passwd")
MASK = "********"
# Past this many profiles a completion list holds those matching what is typed and is
# marked incomplete (the client asks again as the prefix grows).
MAX_PROFILE_ITEMS = 1000


@dataclass(frozen=True)
class SectionName:
    """What a header declares: ``kind`` is profile, sso-session, services or other."""

    kind: str
    name: str


def section_name(header: Header, file_kind: DocumentKind) -> SectionName:
    """``[profile dev]`` in a config file is profile ``dev``; in a credentials file every
    header names a profile (file-format.md §4)."""
    if file_kind is DocumentKind.CREDENTIALS:
        return SectionName("profile", header.inner)
    prefix = header.prefix
    if not prefix:
        if header.name == "default":
            return SectionName("profile", "default")
        return SectionName("other", header.inner)
    if prefix in ("profile", "sso-session", "services"):
        return SectionName(prefix, header.name)
    return SectionName("other", header.inner)


def chain_for(ls: CredlsLanguageServer, snap: Snapshot) -> tuple[Workspace, StoreChain | None]:
    """The workspace and the store chain the document resolves names against."""
    from credls.document import Document
    from credls.source import SourceText

    ws = ls.workspace_for(snap)
    kind = ls.kind_of(snap)
    doc = Document(snap.display_path, SourceText(snap.text), kind)
    return ws, ws.context_for(doc, snap.path).chain


def safe_value(key: str, value: str) -> str:
    """A property value fit for display: secret-looking keys and values masked."""
    from credls.secret import mask_key_id

    low = key.lower()
    if any(word in low for word in SECRET_WORDS):
        return MASK if value else ""
    if low == "aws_access_key_id":
        return mask_key_id(value)
    return redact(value)


def display_property(prop: Property) -> str:
    return safe_value(prop.key, prop.text()) if prop.text() else str(prop.value)


def code(text: str) -> str:
    """Inline markdown code that survives backticks in ``text``."""
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


_MD_SPECIAL = re.compile(r"([\\*_\[\]<>|])")


def md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def location_of(ls: CredlsLanguageServer, source: ProfileSource) -> types.Location | None:
    """An LSP location for a store definition (None for run-time-only profiles)."""
    if not source.path:
        return None
    rng = range_in_file(source.range, source.path, ls.index_of, ls.client.encoding)
    return types.Location(uri=path_to_uri(source.path), range=rng)


def in_range(pos: Position, start: int, end: int) -> bool:
    return start <= pos.character <= end
