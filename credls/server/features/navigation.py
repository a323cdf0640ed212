"""Navigation: definition, document symbols, folding ranges.

Implements ``textDocument/definition`` (``source_profile = x`` and ``sso_session = x``
to the section that defines x, in an INI file or the SDK store's JSON; a profile
name in a script to its section in the stores that call searches, else to the
script call that creates it), ``textDocument/documentSymbol`` (INI sections and
keys; PowerShell functions with the AWS calls inside them) and
``textDocument/foldingRange`` (INI sections). References, rename and workspace
symbols: ``references``.
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
    from credls.powershell.script import CallInfo
    from credls.server.app import CredlsLanguageServer
    from credls.server.documents import Snapshot
    from credls.text import Encoding


# --- definition ---------------------------------------------------------------------


def definition_at(
    ls: CredlsLanguageServer, snap: Snapshot, position: types.Position
) -> list[types.Location] | None:
    """Worker thread: where the referenced profile or sso-session is defined."""
    if snap.too_large:
        return None
    kind = ls.kind_of(snap)
    if kind is DocumentKind.POWERSHELL:
        return _script_definition(ls, snap, position)
    if kind not in INI_KINDS:
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


def _script_definition(
    ls: CredlsLanguageServer, snap: Snapshot, position: types.Position
) -> list[types.Location] | None:
    """A profile name in a script -> its section in the stores the call searches
    (an INI section or the SDK store's JSON entry), else the call that creates it."""
    from credls.server.features.script_hover import creation_before
    from credls.server.scripts import view_for

    view = view_for(ls, snap)
    if view is None:
        return None
    pos = from_lsp_position(snap.index(), position, ls.client.encoding)
    hit = view.occurrence_at(pos)
    if hit is None or hit[0].name is None:
        return None
    occ, info = hit
    name = occ.name
    assert name is not None
    chain = ls.workspace_for(snap).chain
    location = info.location.path if info.location is not None else None
    hits = chain.find(name, location) if chain is not None else []
    sources = list(hits[0].sections or (hits[0].source,)) if hits else []
    locations = [loc for s in sources if (loc := location_of(ls, s)) is not None]
    if locations:
        return locations
    maker = creation_before(view.model, name, info)
    if maker is None:
        return None
    for other, owner in zip(view.occurrences, view.owners, strict=True):
        if view.model.infos[owner] is maker and other.kind.value == "script-create":
            rng = to_lsp_range(snap.index(), other.range, ls.client.encoding)
            return [types.Location(uri=snap.uri, range=rng)]
    rng = to_lsp_range(snap.index(), maker.call.range, ls.client.encoding)
    return [types.Location(uri=snap.uri, range=rng)]


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
    """Functions, and the AWS calls of the script (inside the function they are in)."""
    from credls.server.scripts import view_for

    ps = snap.doc.powershell()
    index = ps.lines
    functions: list[tuple[Range, types.DocumentSymbol, list[types.DocumentSymbol]]] = []
    for fn in ps.index().functions:
        name_node = next((c for c in fn.children if c.type == "function_name"), None)
        if name_node is None:
            continue
        fn_range = ps.node_range(fn)
        children: list[types.DocumentSymbol] = []
        symbol = types.DocumentSymbol(
            name=ps.node_text(name_node),
            kind=types.SymbolKind.Function,
            range=to_lsp_range(index, fn_range, enc),
            selection_range=to_lsp_range(index, ps.node_range(name_node), enc),
            children=children,
        )
        functions.append((fn_range, symbol, children))
    out = [sym for _, sym, _ in functions]
    view = view_for(ls, snap) if ps.text == snap.text else None
    if view is None:
        return out
    for info in view.model.infos:
        call = info.call
        symbol = types.DocumentSymbol(
            name=call.written_name,
            detail=_call_detail(info),
            kind=types.SymbolKind.Method,
            range=to_lsp_range(index, call.range, enc),
            selection_range=to_lsp_range(index, call.name_range, enc),
        )
        owner = None
        for fn_range, _sym, kids in functions:
            if fn_range.start <= call.range.start and call.range.end <= fn_range.end:
                owner = kids  # the innermost: functions come in document order
        (owner if owner is not None else out).append(symbol)
    out.sort(key=lambda s: (s.range.start.line, s.range.start.character))
    return out


def _call_detail(info: CallInfo) -> str | None:
    from credls.navigation import PROFILE_PARAMETERS

    parts = []
    for b in info.call.parameters:
        if b.name in PROFILE_PARAMETERS or b.name == "StoreAs":
            shown = b.static_text
            parts.append(f"-{b.name} {shown if shown is not None else '(run time)'}")
    return " ".join(parts) or None


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
