"""Completion in PowerShell scripts: profile names and AWS cmdlet parameter names.

``credls.navigation.script_cursor`` reads the text before the cursor (it works
on a half-typed line: ``Get-EC2Instance -ProfileName '``). Where a profile is
expected — ``-ProfileName`` and its aliases and prefixes, ``-ProfileName:``,
``-SourceProfile``, a splat or ``$PSDefaultParameterValues`` key, the
positional profile of ``Set-AWSCredential`` / ``Remove-AWSCredentialProfile`` /
``Initialize-AWSDefaultConfiguration`` — the items are the profiles of every
store that call searches (``-ProfileLocation`` respected), then the profiles the
script creates above the cursor (from the last flow analysis), then the
``known-profiles`` setting. After ``-`` on an AWS cmdlet the items are its
parameters and their aliases from the catalog. Details name the store and
location; no item carries a secret.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from lsprotocol import types

from credls.navigation import PROFILE_PARAMETERS, CursorKind, ScriptCursor, quote_for_script
from credls.server.convert import from_lsp_position, to_lsp_range
from credls.server.features.common import MAX_PROFILE_ITEMS
from credls.text import Range

if TYPE_CHECKING:
    from credls.server.app import CredlsLanguageServer
    from credls.server.documents import Snapshot
    from credls.text import Position

# One line each, for the parameters the credential search reads (powershell.md §1).
_PARAMETER_DOCS = {
    "ProfileName": "The profile to use, looked up in the stores of the search order.",
    "ProfileLocation": "A credentials file to search instead of the default stores.",
    "AccessKey": "Access key ID (with -SecretKey): literal credentials for this call.",
    "SecretKey": "Secret access key (with -AccessKey). Avoid literals in scripts.",
    "SessionToken": "Session token of temporary credentials (with the keys).",
    "Credential": "An AWSCredentials object, e.g. from Get-AWSCredential.",
    "Region": "The region to call.",
    "SourceProfile": "The profile whose credentials assume the role.",
    "StoreAs": "The name of the profile to write.",
}


def complete_script(
    ls: CredlsLanguageServer, snap: Snapshot, position: types.Position
) -> types.CompletionList | None:
    """Worker thread: completion items for a script at ``position``."""
    from credls.navigation import script_cursor

    index = snap.index()
    pos = from_lsp_position(index, position, ls.client.encoding)
    cursor = script_cursor(index, pos)
    if cursor.kind is CursorKind.PARAMETER_NAME and cursor.command:
        items = _parameter_items(ls, snap, cursor, pos)
    elif cursor.kind is CursorKind.PARAMETER_VALUE and cursor.parameter in PROFILE_PARAMETERS:
        items = _profile_items(ls, snap, cursor, pos)
        if len(items) > MAX_PROFILE_ITEMS:
            # Thousands of profiles: send those matching what is typed, and have the
            # client ask again as the prefix grows (is_incomplete).
            from credls.server.features.references import matches

            kept = [i for i in items if matches(cursor.prefix, i.label)]
            return types.CompletionList(is_incomplete=True, items=kept[:MAX_PROFILE_ITEMS])
    else:
        return None
    return types.CompletionList(is_incomplete=False, items=items)


def _edit_range(
    ls: CredlsLanguageServer, snap: Snapshot, start: Position, pos: Position
) -> types.Range:
    return to_lsp_range(snap.index(), Range(start, pos), ls.client.encoding)


def _parameter_items(
    ls: CredlsLanguageServer, snap: Snapshot, cursor: ScriptCursor, pos: Position
) -> list[types.CompletionItem]:
    from credls.powershell.catalog import lookup_command

    found = lookup_command(cursor.command or "")
    if found is None:
        return []
    spec = found.spec
    rng = _edit_range(ls, snap, cursor.start, pos)
    bound = {b.lower() for b in cursor.bound}
    deprecated_tag = int(types.CompletionItemTag.Deprecated) in ls.client.completion_tags
    items = []
    for p in spec.parameters:
        if p.name.lower() in bound:
            continue
        rank = "1" if p.common else "0"
        kind = "switch" if p.switch else "parameter"
        detail = f"{kind} of {spec.name}"
        if p.deprecated_by:
            detail += f" (use -{p.deprecated_by})"
        for written in p.names:
            is_alias = written != p.name
            old = written in p.deprecated_aliases or (not is_alias and p.deprecated_by)
            items.append(
                types.CompletionItem(
                    label=f"-{written}",
                    kind=types.CompletionItemKind.Property,
                    detail=f"alias of -{p.name}" if is_alias else detail,
                    documentation=_PARAMETER_DOCS.get(p.name),
                    sort_text=f"{rank}{'1' if is_alias else '0'}{written.lower()}",
                    filter_text=f"-{written}",
                    text_edit=types.TextEdit(range=rng, new_text=f"-{written}"),
                    tags=[types.CompletionItemTag.Deprecated] if old and deprecated_tag else None,
                )
            )
    return items


def _location(
    ls: CredlsLanguageServer, snap: Snapshot, cursor: ScriptCursor, pos: Position
) -> str | None:
    """The file ``-ProfileLocation`` names for this call, if it says one."""
    from credls.navigation import location_path
    from credls.server.scripts import last_view

    script_dir = os.path.dirname(snap.path) if snap.path else os.getcwd()
    if cursor.profile_location:
        return location_path(cursor.profile_location, script_dir)
    view = last_view(snap)
    if view is not None:
        info = view.model.info_at(pos)
        if info is not None and info.location is not None:
            return info.location.path
    return None


def _same(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def _profile_items(
    ls: CredlsLanguageServer, snap: Snapshot, cursor: ScriptCursor, pos: Position
) -> list[types.CompletionItem]:
    from credls.powershell.flow import EffectKind
    from credls.server.features.common import chain_for
    from credls.server.scripts import last_view, view_for

    _ws, chain = chain_for(ls, snap)
    rng = _edit_range(ls, snap, cursor.start, pos)
    location = _location(ls, snap, cursor, pos)
    items: list[types.CompletionItem] = []
    seen: set[str] = set()

    def add(name: str, detail: str, doc: str | None, rank: str) -> None:
        if name in seen:
            return
        seen.add(name)
        items.append(
            types.CompletionItem(
                label=name,
                kind=types.CompletionItemKind.Reference,
                detail=detail,
                documentation=doc,
                sort_text=f"{rank}{len(items):06d}",
                filter_text=name,
                text_edit=types.TextEdit(range=rng, new_text=quote_for_script(name, cursor.quote)),
            )
        )

    if chain is not None:
        for profile in chain.all_profiles(location):
            kind = profile.profile_type or "none (cannot create credentials)"
            add(
                profile.name,
                f"{profile.store} {profile.location}:{profile.line}",
                f"Profile type: {kind}",
                "0",
            )
    # Any recent version will do for what the script creates above the cursor: a
    # model per keystroke would cost more than the answer is worth.
    view = last_view(snap) or view_for(ls, snap)
    if view is not None:
        for info in view.model.infos:
            eff = info.effect
            if info.call.range.end > pos:
                break
            if (
                eff is None
                or eff.kind not in (EffectKind.CREATE, EffectKind.COPY)
                or not eff.name
                or eff.dynamic
                or not _same(eff.location.path if eff.location else None, location)
            ):
                continue
            line = info.call.range.start.line + 1
            made = f"created by this script: {info.call.written_name} on line {line}"
            add(eff.name, made, None, "1")
    if chain is not None:
        for name in chain.known_profiles:
            add(name, "known-profiles setting", None, "2")
    return items
