"""Completion in the shared config and credentials files.

Implements ``textDocument/completion``: section prefixes after ``[``, the keys
valid for the section and file kind (``credls.ini.keys``), values of enum,
boolean and region keys, and profile / sso-session names from the store chain
after ``source_profile =`` / ``sso_session =`` (detail: store and location; never
a value). Completion in PowerShell scripts: ``script_completion``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from credls.document import DocumentKind
from credls.server.app import guarded
from credls.server.convert import from_lsp_position, to_lsp_range
from credls.server.features.common import (
    INI_KINDS,
    MAX_PROFILE_ITEMS,
    chain_for,
    section_name,
)
from credls.text import Position, Range

if TYPE_CHECKING:
    from credls.ini.keys import KeySpec
    from credls.ini.parser import IniFile
    from credls.server.app import CredlsLanguageServer
    from credls.server.documents import Snapshot
    from credls.store.chain import StoreChain
    from credls.store.model import Profile

TRIGGERS = ["-", " ", "'", '"', "=", "[", ":"]

# Commercial, GovCloud and China regions (for `region` / `sso_region` values).
REGIONS = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1",
    "ap-east-2", "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2",
    "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7",
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ca-central-1", "ca-west-1",
    "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1",
    "eu-south-2", "eu-north-1", "il-central-1", "me-south-1", "me-central-1", "mx-central-1",
    "sa-east-1", "us-gov-east-1", "us-gov-west-1", "cn-north-1", "cn-northwest-1",
)  # fmt: skip

_HEADER_PREFIXES = ("profile ", "sso-session ", "services ")


def value_choices(spec: KeySpec) -> tuple[str, ...]:
    """The values a key accepts when they form a closed set."""
    from credls.ini import keys

    if spec.validator is keys.boolean:
        return ("true", "false")
    if spec.validator is keys.region:
        return REGIONS
    choices = getattr(spec, "choices", None)
    if choices:
        return tuple(choices)
    # keys.enum() keeps its choices in the validator's closure; KeySpec has no field for them.
    for cell in getattr(spec.validator, "__closure__", None) or ():
        value = cell.cell_contents
        if isinstance(value, tuple) and value and all(isinstance(v, str) for v in value):
            return value
    return ()


class _Items:
    def __init__(self, ls: CredlsLanguageServer, snap: Snapshot, replace: Range) -> None:
        self.items: list[types.CompletionItem] = []
        self.markdown = ls.client.markdown_completion_docs
        self.edit_range = to_lsp_range(snap.index(), replace, ls.client.encoding)

    def add(
        self,
        label: str,
        kind: types.CompletionItemKind,
        *,
        detail: str | None = None,
        doc: str | None = None,
        insert: str | None = None,
        sort: str = "0",
    ) -> None:
        documentation: types.MarkupContent | str | None = None
        if doc:
            documentation = (
                types.MarkupContent(kind=types.MarkupKind.Markdown, value=doc)
                if self.markdown
                else doc
            )
        self.items.append(
            types.CompletionItem(
                label=label,
                kind=kind,
                detail=detail,
                documentation=documentation,
                sort_text=f"{sort}{label}",
                filter_text=label,
                text_edit=types.TextEdit(range=self.edit_range, new_text=insert or label),
            )
        )


def complete(
    ls: CredlsLanguageServer, snap: Snapshot, position: types.Position
) -> types.CompletionList | None:
    """Worker thread: completion items at ``position``."""
    kind = ls.kind_of(snap)
    if snap.too_large:
        return None
    if kind is DocumentKind.POWERSHELL:
        from credls.server.features.script_completion import complete_script

        return complete_script(ls, snap, position)
    if kind not in INI_KINDS:
        return None
    ini = snap.ini()
    pos = from_lsp_position(snap.index(), position, ls.client.encoding)
    if pos.line >= ini.line_count:
        return None
    line = ini.texts[pos.line]
    before = line[: pos.character]
    stripped = before.lstrip(" \t")
    if stripped.startswith(("#", ";")):
        return None
    if stripped.startswith("[") and "]" not in stripped:
        return _headers(ls, snap, kind, pos, before)
    if "=" in before:
        return _values(ls, snap, ini, kind, pos, before)
    if before != stripped:
        return _sub_keys(ls, snap, ini, pos, before)
    return _keys(ls, snap, ini, kind, pos, before, line[pos.character :])


def _headers(
    ls: CredlsLanguageServer, snap: Snapshot, kind: DocumentKind, pos: Position, before: str
) -> types.CompletionList:
    start = before.index("[") + 1
    start += len(before[start:]) - len(before[start:].lstrip(" \t"))
    items = _Items(ls, snap, Range(Position(pos.line, start), pos))
    if kind is DocumentKind.CONFIG:
        for prefix in _HEADER_PREFIXES:
            items.add(prefix.strip(), types.CompletionItemKind.Keyword, insert=prefix)
    items.add("default", types.CompletionItemKind.Module)
    return types.CompletionList(is_incomplete=False, items=items.items)


def _section_kind(ini: IniFile, kind: DocumentKind, line: int) -> tuple[str, str] | None:
    section = ini.section_at(line)
    if section is None:
        return None
    named = section_name(section.header, kind)
    return named.kind, named.name


def _keys(
    ls: CredlsLanguageServer,
    snap: Snapshot,
    ini: IniFile,
    kind: DocumentKind,
    pos: Position,
    before: str,
    after: str,
) -> types.CompletionList | None:
    from credls.ini.keys import KNOWN_KEYS

    where = _section_kind(ini, kind, pos.line)
    if where is None or where[0] not in ("profile", "sso-session"):
        return None
    section = ini.section_at(pos.line)
    present = (
        {p.key.lower() for p in section.properties if p.line != pos.line} if section else set()
    )
    typical = "credentials" if kind is DocumentKind.CREDENTIALS else "config"
    items = _Items(ls, snap, Range(Position(pos.line, 0), pos))
    suffix = "" if "=" in after else " = "
    for spec in KNOWN_KEYS.values():
        if where[0] not in spec.sections or spec.name in present:
            continue
        sort = "0" if spec.file in (typical, "either") else "1"
        consumers = ", ".join(spec.consumers)
        items.add(
            spec.name,
            types.CompletionItemKind.Property,
            detail=f"{spec.file} file · {consumers}",
            doc=spec.doc,
            insert=spec.name + suffix,
            sort=sort,
        )
    return types.CompletionList(is_incomplete=False, items=items.items)


def _sub_keys(
    ls: CredlsLanguageServer, snap: Snapshot, ini: IniFile, pos: Position, before: str
) -> types.CompletionList | None:
    from credls.ini.keys import lookup

    section = ini.section_at(pos.line)
    if section is None:
        return None
    owners = [p for p in section.properties if p.line < pos.line]
    if not owners or owners[-1].value:
        return None
    spec = lookup(owners[-1].key)
    if spec is None or not spec.sub_keys:
        return None
    start = len(before) - len(before.lstrip(" \t"))
    items = _Items(ls, snap, Range(Position(pos.line, start), pos))
    for sub in spec.sub_keys:
        items.add(sub, types.CompletionItemKind.Property, insert=sub + " = ")
    return types.CompletionList(is_incomplete=False, items=items.items)


def _values(
    ls: CredlsLanguageServer,
    snap: Snapshot,
    ini: IniFile,
    kind: DocumentKind,
    pos: Position,
    before: str,
) -> types.CompletionList | None:
    from credls.ini.keys import lookup

    eq = before.index("=")
    key = before[:eq].strip(" \t").lower()
    start = eq + 1 + len(before[eq + 1 :]) - len(before[eq + 1 :].lstrip(" \t"))
    items = _Items(ls, snap, Range(Position(pos.line, start), pos))
    if key == "source_profile":
        _profile_names(ls, snap, ini, kind, pos, items)
        if len(items.items) > MAX_PROFILE_ITEMS:
            # Thousands of profiles: those matching what is typed; the client asks again.
            from credls.server.features.references import matches

            typed = before[start:]
            kept = [i for i in items.items if matches(typed, i.label)]
            return types.CompletionList(is_incomplete=True, items=kept[:MAX_PROFILE_ITEMS])
    elif key == "sso_session":
        _session_names(ls, snap, items)
    else:
        spec = lookup(key)
        if spec is None:
            return None
        for choice in value_choices(spec):
            items.add(choice, types.CompletionItemKind.EnumMember)
    return types.CompletionList(is_incomplete=False, items=items.items)


# A buffer being typed in is often invalid for PowerShell (which then rejects the
# whole file); Go skips bad lines, so its view still names what is there.
_CONSUMERS = ("powershell", "go", "botocore", "sdk")


def _store_profiles(chain: StoreChain) -> list[Profile]:
    from credls.store.shared_files import SharedFilesStore

    out: list[Profile] = []
    for store in chain.stores():
        if isinstance(store, SharedFilesStore):
            for consumer in _CONSUMERS:
                out.extend(store.view(consumer).profiles)
        else:
            out.extend(store.profiles())
    return out


def _profile_names(
    ls: CredlsLanguageServer,
    snap: Snapshot,
    ini: IniFile,
    kind: DocumentKind,
    pos: Position,
    items: _Items,
) -> None:
    _ws, chain = chain_for(ls, snap)
    if chain is None:
        return
    current = _section_kind(ini, kind, pos.line)
    seen: set[str] = set()
    if current is not None:
        seen.add(current[1])
    for profile in _store_profiles(chain):
        if profile.name in seen:
            continue
        seen.add(profile.name)
        where = f"{profile.store} {profile.location}:{profile.line}"
        items.add(
            profile.name,
            types.CompletionItemKind.Reference,
            detail=where,
            doc=f"Profile type: {profile.profile_type or 'none (cannot create credentials)'}",
        )
    for name in chain.known_profiles:
        if name not in seen:
            seen.add(name)
            items.add(name, types.CompletionItemKind.Reference, detail="known-profiles setting")


def _session_names(ls: CredlsLanguageServer, snap: Snapshot, items: _Items) -> None:
    _ws, chain = chain_for(ls, snap)
    if chain is None:
        return
    seen: set[str] = set()
    for store in (chain.pair, chain.shared):
        if store is None:
            continue
        for consumer in _CONSUMERS:
            for name, session in store.view(consumer).sso_sessions.items():
                if name in seen:
                    continue
                seen.add(name)
                items.add(
                    name,
                    types.CompletionItemKind.Module,
                    detail=f"sso-session {session.source.path}:{session.source.line}",
                )


async def completion(
    ls: CredlsLanguageServer, params: types.CompletionParams
) -> types.CompletionList | None:
    """Handle ``textDocument/completion``."""
    doc = ls.docs.get(params.text_document.uri)
    if doc is None:
        return None
    await ls.wait_ready()
    return await ls.run_core(complete, ls, doc.snapshot(), params.position)


def register(server: CredlsLanguageServer) -> None:
    server.feature(
        types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=TRIGGERS)
    )(guarded(None)(completion))
