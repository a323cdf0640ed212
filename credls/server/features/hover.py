"""Hover: profiles, keys, rule codes, and (``script_hover``) AWS calls in scripts.

Implements ``textDocument/hover``. On an INI header's profile name (or a
``source_profile`` value): which store and line supply it, the search order,
shadowed copies, every property with the file and line it comes from, the
profile type and the masked access key ID. On a key: its documentation and the
consumers that honour it. On a finding or a ``credls: ignore[CODE]`` comment:
the rule's documentation. No secret is ever shown (values pass ``safe_value``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lsprotocol import types

from credls.document import DocumentKind
from credls.server.app import guarded
from credls.server.convert import from_lsp_position, to_lsp_range
from credls.server.features.common import (
    INI_KINDS,
    chain_for,
    code,
    display_property,
    md_escape,
    section_name,
)
from credls.text import Position, Range

if TYPE_CHECKING:
    from credls.ini.parser import IniFile
    from credls.rules.registry import Rule
    from credls.server.app import CredlsLanguageServer
    from credls.server.documents import Snapshot
    from credls.server.features.diagnostics import Result
    from credls.settings import Settings
    from credls.store.chain import StoreChain

_DIRECTIVE_CODES = re.compile(r"credls:[ \t]*ignore(?:-next-line|-file)?\[([^\]\r\n]*)\]")
_TOKEN = re.compile(r"[^,\s]+")


def rule_doc(rule: Rule) -> str:
    return (
        f"**{rule.code}** {code(rule.name)} · {rule.severity.value}\n\n"
        f"{rule.summary}\n\n{rule.doc}\n\n[Documentation]({rule.url})"
    )


def _suppression_code(line: str, pos: Position) -> tuple[str, Range] | None:
    for m in _DIRECTIVE_CODES.finditer(line):
        for t in _TOKEN.finditer(m.group(1)):
            start, end = m.start(1) + t.start(), m.start(1) + t.end()
            if start <= pos.character <= end:
                return t.group(0), Range(Position(pos.line, start), Position(pos.line, end))
    return None


def profile_markdown(ls: CredlsLanguageServer, snap: Snapshot, name: str) -> str | None:
    """The profile hover of an INI document (its own file pair plus the stores)."""
    ws, chain = chain_for(ls, snap)
    if chain is None:
        return None
    return profile_report(ws.settings, chain, name)


def profile_report(
    settings: Settings,
    chain: StoreChain,
    name: str,
    location: str | None = None,
    created: str | None = None,
) -> str:
    """Markdown: which store and line supply ``name``, the search order with the winning
    step marked, shadowed copies, every property with its file and line, the profile
    type and the masked access key ID. ``created`` describes a script call that makes
    the profile when no store has it yet. Values pass ``display_property``: no secrets.
    """
    from credls.resolver import resolve_profile

    res = resolve_profile(chain, name, location)
    out = [f"**Profile {code(name)}**"]
    winner = res.winner
    if winner is None:
        out.append(f"\n{created}" if created else "\nNot found in any store searched.")
    else:
        out[0] += f" · {winner.profile_type or 'no usable credential type'}"
        if winner.location:
            out.append(f"\nSupplied by {winner.store} {code(winner.location)} line {winner.line}")
        else:
            out.append(f"\nSupplied by {winner.store} (declared, exists at run time)")
        if winner.masked_access_key_id:
            out.append(f"\nAccess key ID: {code(winner.masked_access_key_id)}")
    where = f" in {code(location)}" if location else ""
    out.append(
        f"\n**Search order**{where} ({chain.platform.value}, AWS Tools for PowerShell "
        f"{settings.powershell_version.value}):\n"
    )
    won = False
    for i, step in enumerate(res.steps, 1):
        place = code(step.location) if step.location else ""
        if step.found:
            found = f"line {step.line} ✓" if step.line else "✓"
            if (
                not won
                and winner is not None
                and (step.store, step.location or "") == (winner.store, winner.location or "")
            ):
                found += " **← used**"
                won = True
        else:
            found = "–"
        out.append(f"{i}. {step.store} {place} {found}")
    if res.shadowed:
        out.append("\n**Shadowed copies:**\n")
        out.extend(
            f"- {p.store} {code(p.location)} line {p.line}" if p.location else f"- {p.store}"
            for p in res.shadowed
        )
    props = res.properties
    if props:
        out.append("\n| key | value | from |\n|---|---|---|")
        for prop in props:
            value = code(display_property(prop)).replace("|", "\\|")
            source = f"{prop.source.store} line {prop.source.line}"
            out.append(f"| {code(prop.key)} | {value} | {source} |")
    return "\n".join(out)


def _key_markdown(key: str) -> str | None:
    from credls.ini.keys import lookup

    spec = lookup(key)
    if spec is None:
        return None
    sections = " and ".join(f"[{s}]" for s in spec.sections)
    return (
        f"**{code(spec.name)}** · {spec.file} file · {md_escape(sections)} sections\n\n"
        f"{spec.doc}\n\nHonoured by: {', '.join(spec.consumers)}"
    )


def _ini_hover(
    ls: CredlsLanguageServer, snap: Snapshot, ini: IniFile, pos: Position
) -> tuple[str, Range] | None:
    kind = ls.kind_of(snap)
    header = ini.header_at(pos.line)
    if header is not None:
        named = section_name(header, kind)
        if named.kind == "profile" and named.name:
            text = profile_markdown(ls, snap, named.name)
            return (text, header.name_range) if text else None
        return None
    prop = ini.property_at(pos)
    if prop is None or prop.line != pos.line:
        return None
    if prop.key_start <= pos.character <= prop.key_end:
        text = _key_markdown(prop.key)
        return (text, prop.key_range) if text else None
    if prop.key.lower() == "source_profile" and prop.value_start <= pos.character:
        text = profile_markdown(ls, snap, prop.value)
        return (text, prop.value_range) if text else None
    return None


def hover_at(
    ls: CredlsLanguageServer, snap: Snapshot, position: types.Position, result: Result | None
) -> types.Hover | None:
    """Worker thread: the hover at ``position``."""
    from credls.rules.registry import get

    if snap.too_large:
        return None
    index = snap.index()
    pos = from_lsp_position(index, position, ls.client.encoding)
    parts: list[str] = []
    rng: Range | None = None
    directive = _suppression_code(index.line_text(pos.line), pos)
    if directive is not None:
        rule = get(directive[0])
        if rule is not None:
            parts.append(rule_doc(rule))
            rng = directive[1]
    else:
        kind = ls.kind_of(snap)
        found = None
        if kind in INI_KINDS:
            found = _ini_hover(ls, snap, snap.ini(), pos)
        elif kind is DocumentKind.POWERSHELL:
            from credls.server.features.script_hover import script_hover

            found = script_hover(ls, snap, pos)
        if found is not None:
            parts.append(found[0])
            rng = found[1]
    if result is not None and result.version == snap.version:
        for d in result.core:
            if d.range.start <= pos <= d.range.end:
                rule = get(d.code)
                if rule is not None and all(rule.code not in p for p in parts):
                    parts.append(rule_doc(rule))
    if not parts:
        return None
    text = "\n\n---\n\n".join(parts)
    contents = types.MarkupContent(
        kind=types.MarkupKind.Markdown if ls.client.markdown_hover else types.MarkupKind.PlainText,
        value=text,
    )
    lsp_range = to_lsp_range(index, rng, ls.client.encoding) if rng is not None else None
    return types.Hover(contents=contents, range=lsp_range)


async def hover(ls: CredlsLanguageServer, params: types.HoverParams) -> types.Hover | None:
    """Handle ``textDocument/hover``."""
    doc = ls.docs.get(params.text_document.uri)
    if doc is None:
        return None
    await ls.wait_ready()
    result = ls.diagnostics.cached(doc.uri)
    return await ls.run_core(hover_at, ls, doc.snapshot(), params.position, result)


def register(server: CredlsLanguageServer) -> None:
    server.feature(types.TEXT_DOCUMENT_HOVER)(guarded(None)(hover))
