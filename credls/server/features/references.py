"""Profiles across the workspace: references, rename, workspace symbols.

Implements ``textDocument/references``, ``textDocument/prepareRename``,
``textDocument/rename`` and ``workspace/symbol``. The occurrences come from
``credls.navigation``: open documents as they are in the editor, closed files
from the workspace index (``credls.server.index``; requests wait for its scan).

Both work on profiles, not bare names: an occurrence counts when it names the
same profile of the same stores as the one under the cursor
(``navigation.ScopeResolver``). Two unrelated credentials files that both define
``[prod]`` hold two profiles; a script call without ``-ProfileLocation`` means the
configured stores' one, a call with a static ``-ProfileLocation`` that file's
(and its ``config`` sibling's). A ``-ProfileLocation`` known only at run time
could mean any: references from such a call list every occurrence of the name,
references elsewhere leave such calls out, and the log says so either way.

Rename changes every INI header defining the profile (``[name]``,
``[profile name]``), every ``source_profile = name`` and every static script
literal naming it (quotes kept), in those stores only. It is refused, with the
reason, on a name computed at run time, on a call whose ``-ProfileLocation`` is
computed at run time, for a profile that only the SDK store defines (its JSON is
not rewritten), for a new name that is not a valid profile name, and when the
stores already have a profile of the new name.
"""

from __future__ import annotations

import logging
import os
import re
from typing import TYPE_CHECKING

from lsprotocol import types

from credls.document import DocumentKind
from credls.server.app import RequestRefused, guarded
from credls.server.convert import from_lsp_position, path_to_uri, range_in_file
from credls.server.features.common import INI_KINDS, location_of

if TYPE_CHECKING:
    from credls.navigation import Occurrence, ScopeResolver
    from credls.server.app import CredlsLanguageServer
    from credls.server.documents import Snapshot
    from credls.text import Range

log = logging.getLogger("credls.server")

# workspace/symbol answers at most this many symbols (a query narrows them down).
MAX_SYMBOLS = 5000
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


# --- occurrences (worker thread) ------------------------------------------------------


def occurrences_in(ls: CredlsLanguageServer, snap: Snapshot) -> list[Occurrence]:
    """The profile occurrences of an open document at this version."""
    from credls.navigation import ini_occurrences, may_name_profiles
    from credls.server.scripts import view_for

    if snap.too_large:
        return []
    kind = ls.kind_of(snap)
    if kind in INI_KINDS:
        return ini_occurrences(snap.ini(), kind, snap.display_path)
    if kind is DocumentKind.POWERSHELL and may_name_profiles(snap.text):
        view = view_for(ls, snap)
        return list(view.occurrences) if view is not None else []
    return []


def occurrence_at(
    ls: CredlsLanguageServer, snap: Snapshot, position: types.Position
) -> Occurrence | None:
    from credls import navigation

    pos = from_lsp_position(snap.index(), position, ls.client.encoding)
    return navigation.occurrence_at(occurrences_in(ls, snap), pos)


def workspace_occurrences(ls: CredlsLanguageServer) -> list[Occurrence]:
    """Open documents as edited, every other indexed file, the store files, and the files
    whose profiles those name through a ``-ProfileLocation`` or a store pair."""
    out: list[Occurrence] = []
    open_paths: list[str] = []
    for doc in ls.docs.all():
        snap = doc.snapshot()
        out.extend(occurrences_in(ls, snap))
        if snap.path is not None:
            open_paths.append(snap.path)
    for entry in ls.index.entries(skip=open_paths):
        out.extend(entry.occurrences)
    out.extend(ls.index.store_occurrences(skip=open_paths))
    # The files those names are looked up in, when the scan did not pick them by name.
    for entry in ls.index.companions(out, skip=open_paths):
        out.extend(entry.occurrences)
    return out


def resolver_for(ls: CredlsLanguageServer, occurrences: list[Occurrence]) -> ScopeResolver:
    """Scopes resolved against the configured stores of the workspace folders."""
    from credls.navigation import ScopeResolver

    user: set[str] = set()
    for ws in ls.folder_workspaces():
        user.update(ws.store_paths)
    return ScopeResolver(user, occurrences)


def same_profile(
    occ: Occurrence, everywhere: list[Occurrence], resolver: ScopeResolver
) -> list[Occurrence]:
    """Occurrences naming the profile ``occ`` names (``occ`` included).

    ``occ`` with an unknown scope could name any profile of its name: all of them.
    """
    from credls.navigation import ScopeKind

    if occ.scope.kind is ScopeKind.UNKNOWN:
        log.info(
            "profile '%s' at %s line %d: %s; every '%s' in the workspace is listed",
            occ.name,
            occ.path,
            occ.range.start.line + 1,
            occ.scope.describe(),
            occ.name,
        )
        return [o for o in everywhere if o.name == occ.name]
    found = [o for o in everywhere if resolver.same_profile(occ, o)]
    unsure = [
        o
        for o in everywhere
        if o.name == occ.name and o.scope.kind is ScopeKind.UNKNOWN and o != occ
    ]
    if unsure:
        log.info(
            "profile '%s': left out %d use(s) whose -ProfileLocation is known only at "
            "run time (first: %s line %d)",
            occ.name,
            len(unsure),
            unsure[0].path,
            unsure[0].range.start.line + 1,
        )
    return found


def _uri(path: str) -> str:
    # Untitled buffers keep their URI as their display path.
    if _SCHEME.match(path) and not os.path.isabs(path):
        return path
    return path_to_uri(path)


def _range(ls: CredlsLanguageServer, path: str, rng: Range) -> types.Range:
    if _SCHEME.match(path) and not os.path.isabs(path):
        doc = ls.docs.get(path)
        if doc is not None:
            from credls.server.convert import to_lsp_range

            return to_lsp_range(doc.index(), rng, ls.client.encoding)
    return range_in_file(rng, path, ls.index_of, ls.client.encoding)


def _location(ls: CredlsLanguageServer, occ: Occurrence) -> types.Location:
    return types.Location(uri=_uri(occ.path), range=_range(ls, occ.path, occ.range))


# --- references ------------------------------------------------------------------------


def references_at(
    ls: CredlsLanguageServer, snap: Snapshot, params: types.ReferenceParams
) -> list[types.Location] | None:
    """Worker thread: every place in the workspace naming the profile at the cursor."""
    occ = occurrence_at(ls, snap, params.position)
    if occ is None or occ.name is None:
        return None
    declarations = params.context.include_declaration
    everywhere = workspace_occurrences(ls)
    found = same_profile(occ, everywhere, resolver_for(ls, everywhere))
    return [_location(ls, o) for o in found if declarations or not o.is_definition]


async def references(
    ls: CredlsLanguageServer, params: types.ReferenceParams
) -> list[types.Location] | None:
    """Handle ``textDocument/references``."""
    doc = ls.docs.get(params.text_document.uri)
    if doc is None:
        return None
    await ls.wait_ready()
    await ls.index.wait()
    return await ls.run_core(references_at, ls, doc.snapshot(), params)


# --- rename ----------------------------------------------------------------------------


def _renamable(
    ls: CredlsLanguageServer,
    snap: Snapshot,
    occ: Occurrence,
    everywhere: list[Occurrence],
    resolver: ScopeResolver,
) -> str:
    """The name to rename, or a refusal (RequestRefused) saying why not."""
    from credls.navigation import ScopeKind

    if occ.name is None:
        raise RequestRefused(
            "Cannot rename here: the profile name is known only at run time "
            f"({occ.reason or 'a computed value'}), so credls cannot tell which profile it names."
        )
    name = occ.name
    if occ.scope.kind is ScopeKind.UNKNOWN:
        raise RequestRefused(
            f"Cannot rename '{name}' here: the call's -ProfileLocation is known only at run "
            f"time ({occ.scope.reason or 'a computed value'}), so credls cannot tell which "
            f"store's '{name}' it names. Rename it where the profile is defined."
        )
    chain = ls.workspace_for(snap).chain
    sdk = chain.sdk_store if chain is not None else None
    if sdk is not None and resolver.in_user_stores(occ) and sdk.get(name) is not None:
        defined = any(o.is_definition and resolver.same_profile(occ, o) for o in everywhere)
        if not defined:
            raise RequestRefused(
                f"Cannot rename profile '{name}': only the SDK store ({sdk.path}) defines it, "
                "and credls does not rewrite that file. Copy it with Set-AWSCredential "
                "-ProfileName <old> -StoreAs <new>, then remove the old one."
            )
    return name


def prepare_rename_at(
    ls: CredlsLanguageServer, snap: Snapshot, position: types.Position
) -> types.PrepareRenamePlaceholder | None:
    """Worker thread: the name under the cursor, or a refusal."""
    occ = occurrence_at(ls, snap, position)
    if occ is None:
        return None
    everywhere = workspace_occurrences(ls)
    name = _renamable(ls, snap, occ, everywhere, resolver_for(ls, everywhere))
    return types.PrepareRenamePlaceholder(
        range=_range(ls, snap.display_path, occ.range), placeholder=name
    )


def rename_at(
    ls: CredlsLanguageServer, snap: Snapshot, position: types.Position, new_name: str
) -> types.WorkspaceEdit | None:
    """Worker thread: the workspace edit renaming the profile at the cursor."""
    from credls.navigation import file_key, name_problem, rename_edits

    occ = occurrence_at(ls, snap, position)
    if occ is None:
        return None
    everywhere = workspace_occurrences(ls)
    resolver = resolver_for(ls, everywhere)
    name = _renamable(ls, snap, occ, everywhere, resolver)
    problem = name_problem(new_name)
    if problem is not None:
        raise RequestRefused(f"Cannot rename to {new_name!r}: {problem}.")
    if new_name == name:
        return types.WorkspaceEdit(changes={})
    # The new name collides where the renamed profile lives: in the files its lookup reads.
    files = resolver.files_of(occ) or frozenset()
    taken = next(
        (
            o
            for o in everywhere
            if o.name == new_name and o.is_definition and file_key(o.path) in files
        ),
        None,
    )
    if taken is not None:
        raise RequestRefused(
            f"Cannot rename to '{new_name}': {taken.path} line {taken.range.start.line + 1} "
            "already defines a profile of that name."
        )
    chain = ls.workspace_for(snap).chain
    sdk = chain.sdk_store if chain is not None else None
    if sdk is not None and resolver.in_user_stores(occ) and sdk.get(new_name):
        raise RequestRefused(
            f"Cannot rename to '{new_name}': the SDK store already has a profile of that name."
        )
    changes: dict[str, list[types.TextEdit]] = {}
    for edit in rename_edits(same_profile(occ, everywhere, resolver), new_name):
        changes.setdefault(_uri(edit.path), []).append(
            types.TextEdit(range=_range(ls, edit.path, edit.range), new_text=edit.new_text)
        )
    return types.WorkspaceEdit(changes=changes)


async def prepare_rename(
    ls: CredlsLanguageServer, params: types.PrepareRenameParams
) -> types.PrepareRenamePlaceholder | None:
    """Handle ``textDocument/prepareRename``."""
    doc = ls.docs.get(params.text_document.uri)
    if doc is None:
        return None
    await ls.wait_ready()
    await ls.index.wait()
    return await ls.run_core(prepare_rename_at, ls, doc.snapshot(), params.position)


async def rename(
    ls: CredlsLanguageServer, params: types.RenameParams
) -> types.WorkspaceEdit | None:
    """Handle ``textDocument/rename``."""
    doc = ls.docs.get(params.text_document.uri)
    if doc is None:
        return None
    await ls.wait_ready()
    await ls.index.wait()
    return await ls.run_core(rename_at, ls, doc.snapshot(), params.position, params.new_name)


# --- workspace symbols -------------------------------------------------------------------


def matches(query: str, name: str) -> bool:
    """Case-insensitive subsequence match (what editors' symbol pickers expect)."""
    if not query:
        return True
    it = iter(name.casefold())
    return all(ch in it for ch in query.casefold())


def workspace_symbols(ls: CredlsLanguageServer, query: str) -> list[types.SymbolInformation]:
    """Worker thread: profiles of every store and workspace INI file matching ``query``."""
    out: list[types.SymbolInformation] = []
    seen: set[tuple[str, int]] = set()
    visited: set[str] = set()
    for ws in ls.folder_workspaces():
        chain = ws.chain
        if chain is None:
            continue
        stores = list(chain.stores())
        if chain.sdk_store is not None and chain.sdk_store not in stores:
            stores.append(chain.sdk_store)
        for store in stores:
            if store.key in visited:
                continue
            visited.add(store.key)
            for profile in store.profiles():
                if len(out) >= MAX_SYMBOLS:
                    return out
                source = profile.source
                key = (os.path.normcase(source.path), source.range.start.line)
                if key in seen or not matches(query, profile.name):
                    continue
                seen.add(key)
                location = location_of(ls, source)
                if location is None:
                    continue
                out.append(
                    types.SymbolInformation(
                        name=profile.name,
                        kind=types.SymbolKind.Module,
                        location=location,
                        container_name=f"{profile.store} {os.path.basename(source.path)}",
                    )
                )
    for occ in workspace_occurrences(ls):
        if not occ.is_definition or occ.name is None or len(out) >= MAX_SYMBOLS:
            continue
        key = (os.path.normcase(occ.path), occ.range.start.line)
        if key in seen or not matches(query, occ.name):
            continue
        seen.add(key)
        out.append(
            types.SymbolInformation(
                name=occ.name,
                kind=types.SymbolKind.Module,
                location=_location(ls, occ),
                container_name=os.path.basename(occ.path),
            )
        )
    return out


async def workspace_symbol(
    ls: CredlsLanguageServer, params: types.WorkspaceSymbolParams
) -> list[types.SymbolInformation]:
    """Handle ``workspace/symbol``."""
    await ls.wait_ready()
    await ls.index.wait()
    return await ls.run_core(workspace_symbols, ls, params.query)


def register(server: CredlsLanguageServer) -> None:
    server.feature(types.TEXT_DOCUMENT_REFERENCES)(guarded(None)(references))
    server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)(guarded(None)(prepare_rename))
    server.feature(types.TEXT_DOCUMENT_RENAME)(guarded(None)(rename))
    server.feature(types.WORKSPACE_SYMBOL)(guarded([])(workspace_symbol))
