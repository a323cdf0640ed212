"""Navigation: definition, document symbols, folding ranges.

Implements ``textDocument/definition`` (``source_profile = x`` and ``sso_session = x``
to the section that defines x, in an INI file or the SDK store's JSON),
``textDocument/documentSymbol`` (INI sections and keys; PowerShell functions) and
``textDocument/foldingRange`` (INI sections).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from credls.document import DocumentKind
from credls.server.app import guarded
from credls.server.convert import from_lsp_position, to_lsp_range
from credls.server.features.common import (
    INI_KINDS,
    chain_for,
    location_of,
    safe_value,
    section_name,
)
from credls.text import LineIndex, Position, Range

if TYPE_CHECKING:
    from credls.ini.parser import IniFile, Section
    from credls.server.app import CredlsLanguageServer
    from credls.server.documents import Snapshot
    from credls.text import Encoding


# --- definition ---------------------------------------------------------------------


def definition_at(
    ls: CredlsLanguageServer, snap: Snapshot, position: types.Position
) -> list[types.Location] | None:
    """Worker thread: where the referenced profile or sso-session is defined."""
    if ls.kind_of(snap) not in INI_KINDS or snap.too_large:
        return None
    ini = snap.ini()
    pos = from_lsp_position(snap.index(), position, ls.client.encoding)
    prop = ini.property_at(pos)
    if prop is None or prop.line != pos.line or pos.character < prop.value_start:
        return None
    key, name = prop.key.lower(), prop.value
    if not name or key not in ("source_profile", "sso_session"):
        return None
    _ws, chain = chain_for(ls, snap)
    if chain is None:
        return None
    sources = []
    if key == "source_profile":
        hits = chain.find(name)
        if hits:
            sources = list(hits[0].sections or (hits[0].source,))
    else:
        for store in (chain.pair, chain.shared):
            session = store.view().sso_sessions.get(name) if store is not None else None
            if session is not None:
                sources = [session.source]
                break
    locations = [loc for s in sources if (loc := location_of(ls, s)) is not None]
    return locations or None


async def definition(
    ls: CredlsLanguageServer, params: types.DefinitionParams
) -> list[types.Location] | None:
    """Handle ``textDocument/definition``."""
    doc = ls.docs.get(params.text_document.uri)
    if doc is None:
        return None
    await ls.wait_ready()
    return await ls.run_core(definition_at, ls, doc.snapshot(), params.position)


# --- symbols ------------------------------------------------------------------------


def _section_end(ini: IniFile, section: Section) -> int:
    """Last non-blank line of the section (so folds do not swallow the gap)."""
    end = section.end_line
    while end > section.line and not ini.texts[end].strip():
        end -= 1
    return end


def _ini_symbols(
    ini: IniFile, kind: DocumentKind, index: LineIndex, enc: Encoding
) -> list[types.DocumentSymbol]:
    out: list[types.DocumentSymbol] = []

    def prop_symbol(p: object) -> types.DocumentSymbol:
        from credls.ini.parser import Property

        assert isinstance(p, Property)
        name = p.key or "(empty key)"
        return types.DocumentSymbol(
            name=name,
            detail=safe_value(p.key, p.value) or None,
            kind=types.SymbolKind.Property,
            range=to_lsp_range(index, p.range, enc),
            selection_range=to_lsp_range(index, p.key_range, enc),
        )

    out.extend(prop_symbol(p) for p in ini.orphans)
    for section in ini.sections:
        h = section.header
        end = _section_end(ini, section)
        full = Range(Position(h.line, h.open), Position(end, len(ini.texts[end])))
        named = section_name(h, kind)
        symbol_kind = (
            types.SymbolKind.Module if named.kind == "profile" else types.SymbolKind.Namespace
        )
        selection = h.name_range if h.name else h.range
        out.append(
            types.DocumentSymbol(
                name=h.inner or "(empty)",
                detail=named.kind,
                kind=symbol_kind,
                range=to_lsp_range(index, full, enc),
                selection_range=to_lsp_range(index, selection, enc),
                children=[prop_symbol(p) for p in section.properties],
            )
        )
    return out


def _powershell_symbols(
    ls: CredlsLanguageServer, snap: Snapshot, enc: Encoding
) -> list[types.DocumentSymbol]:
    ps = snap.doc.powershell()
    index = ps.lines
    out = []
    for fn in ps.index().functions:
        name_node = next((c for c in fn.children if c.type == "function_name"), None)
        if name_node is None:
            continue
        out.append(
            types.DocumentSymbol(
                name=ps.node_text(name_node),
                kind=types.SymbolKind.Function,
                range=to_lsp_range(index, ps.node_range(fn), enc),
                selection_range=to_lsp_range(index, ps.node_range(name_node), enc),
            )
        )
    return out


def _flatten(
    symbols: list[types.DocumentSymbol], uri: str, container: str | None = None
) -> list[types.SymbolInformation]:
    out = []
    for s in symbols:
        out.append(
            types.SymbolInformation(
                name=s.name,
                kind=s.kind,
                location=types.Location(uri=uri, range=s.range),
                container_name=container,
            )
        )
        out.extend(_flatten(list(s.children or []), uri, s.name))
    return out


def symbols_of(
    ls: CredlsLanguageServer, snap: Snapshot
) -> list[types.DocumentSymbol] | list[types.SymbolInformation]:
    """Worker thread: the outline of the document."""
    kind = ls.kind_of(snap)
    enc = ls.client.encoding
    if snap.too_large:
        return []
    if kind in INI_KINDS:
        symbols = _ini_symbols(snap.ini(), kind, snap.index(), enc)
    elif kind is DocumentKind.POWERSHELL:
        symbols = _powershell_symbols(ls, snap, enc)
    else:
        return []
    if ls.client.hierarchical_symbols:
        return symbols
    return _flatten(symbols, snap.uri)


async def document_symbol(
    ls: CredlsLanguageServer, params: types.DocumentSymbolParams
) -> list[types.DocumentSymbol] | list[types.SymbolInformation]:
    """Handle ``textDocument/documentSymbol``."""
    doc = ls.docs.get(params.text_document.uri)
    if doc is None:
        return []
    return await ls.run_core(symbols_of, ls, doc.snapshot())


# --- folding ------------------------------------------------------------------------


def folds_of(ls: CredlsLanguageServer, snap: Snapshot) -> list[types.FoldingRange]:
    """Worker thread: one fold per INI section (whole lines: no characters needed)."""
    if ls.kind_of(snap) not in INI_KINDS or snap.too_large:
        return []
    ini = snap.ini()
    out = []
    for section in ini.sections:
        end = _section_end(ini, section)
        if end > section.line:
            out.append(
                types.FoldingRange(
                    start_line=section.line, end_line=end, kind=types.FoldingRangeKind.Region
                )
            )
    return out


async def folding_range(
    ls: CredlsLanguageServer, params: types.FoldingRangeParams
) -> list[types.FoldingRange]:
    """Handle ``textDocument/foldingRange``."""
    doc = ls.docs.get(params.text_document.uri)
    if doc is None:
        return []
    return await ls.run_core(folds_of, ls, doc.snapshot())


def register(server: CredlsLanguageServer) -> None:
    server.feature(types.TEXT_DOCUMENT_DEFINITION)(guarded(None)(definition))
    server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)(guarded([])(document_symbol))
    server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)(guarded([])(folding_range))
