"""CRED401-CRED407 over a script model (declared in ``credls.rules.cmdlets``).

Kept apart from the declarations so that listing the rules (``credls rules``,
SARIF, every ``check`` start-up) does not load tree-sitter.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from credls.diagnostic import Diagnostic, Fix, Tag, TextEdit
from credls.powershell import reuse
from credls.powershell.calls import BindingSource, BoundParameter, CmdletCall
from credls.powershell.catalog import CmdletKind, lookup_command
from credls.powershell.flow import HOME_STORES, Location, given, static_text
from credls.powershell.script import CallInfo, ScriptModel
from credls.powershell.values import Static
from credls.rules import script_p2, scripts
from credls.rules.cmdlets import (
    AMBIGUOUS_PARAMETER,
    DEPRECATED_CMDLET,
    DEPRECATED_PARAMETER,
    KEYS_OVERRIDE_PROFILE,
    MISSING_PARAMETER_VALUE,
    OVERWRITES_DEFAULT_PROFILE,
    PARTIAL_LITERAL_CREDENTIALS,
)
from credls.text import Position, Range

if TYPE_CHECKING:
    from credls.powershell.segments import SegmentCache
    from credls.store.chain import ProfileStore, StoreChain

_VALUE_PARAMETERS = frozenset(
    {
        "AccessKey",
        "SecretKey",
        "SessionToken",
        "ProfileName",
        "ProfileLocation",
        "Credential",
        "NetworkCredential",
        "StoreAs",
        "RoleArn",
        "SourceProfile",
        "Region",
    }
)
_DEPRECATED_NAMES = {"storedcredentials": "ProfileName"}


# --- helpers --------------------------------------------------------------------------


def _shift(p: Position, n: int) -> Position:
    return Position(p.line, p.character + n)


def _rename_call(model: ScriptModel, call: CmdletCall, canonical: str) -> TextEdit:
    new = f"{call.module}\\{canonical}" if call.module else canonical
    return TextEdit(model.path, call.name_range, new)


def _parameter_rename(model: ScriptModel, b: BoundParameter, new: str) -> TextEdit | None:
    """Rename a typed parameter, a splat key or the parameter part of a default key."""
    rng = b.name_range
    if rng is None or rng.start.line != rng.end.line:
        return None
    lines = model.document.lines
    span = model.document.text[lines.offset(rng.start) : lines.offset(rng.end)]
    written = _written_parameter(b)
    if b.source is BindingSource.TYPED:
        idx = 1 if span.startswith("-") else -1
    elif b.source is BindingSource.SPLAT:
        idx = span.lower().find(written.lower())
    elif b.source is BindingSource.DEFAULT_VALUES:
        colon = span.rfind(":")
        idx = span.lower().find(written.lower(), colon + 1) if colon >= 0 else -1
    else:
        idx = -1
    if idx < 0 or not written:
        return None
    at = Range(_shift(rng.start, idx), _shift(rng.start, idx + len(written)))
    return TextEdit(model.path, at, new)


def _written_parameter(b: BoundParameter) -> str:
    if b.source is BindingSource.DEFAULT_VALUES:
        return b.written.partition(":")[2].strip()
    return b.written


# --- CRED401 ------------------------------------------------------------------------------

_REMOVE = lookup_command("Remove-AWSCredentialProfile")


def _clear_used_as_remove(call: CmdletCall) -> bool:
    if call.name != "Clear-AWSCredential" or _REMOVE is None:
        return False
    if call.arguments:
        return True
    for u in call.unknown:
        m = _REMOVE.spec.match(u.written)
        if m.parameter is not None and m.parameter.name == "ProfileName":
            return True
    return False


def deprecated_cmdlet(model: ScriptModel, call: CmdletCall) -> Diagnostic | None:
    path = model.path
    if _clear_used_as_remove(call):
        safe = call.parameter("Scope") is None
        fix = (
            Fix(
                "Use Remove-AWSCredentialProfile",
                (_rename_call(model, call, "Remove-AWSCredentialProfile"),),
                unattended=False,  # the script will start deleting a profile
            )
            if safe
            else None
        )
        return Diagnostic(
            DEPRECATED_CMDLET.code,
            f"{call.written_name} does not delete a stored profile: it only clears the shell's "
            "session credentials; use Remove-AWSCredentialProfile to delete a profile",
            path,
            call.name_range,
            tags=(Tag.DEPRECATED,),
            fix=fix,
        )
    if call.legacy_alias and call.alias:
        canonical = call.cmdlet.name
        return Diagnostic(
            DEPRECATED_CMDLET.code,
            f"{call.alias} is a legacy alias of {canonical}; use {canonical}",
            path,
            call.name_range,
            tags=(Tag.DEPRECATED,),
            fix=Fix(f"Use {canonical}", (_rename_call(model, call, canonical),)),
        )
    return None


# --- CRED402 ------------------------------------------------------------------------------


def deprecated_parameters(model: ScriptModel, call: CmdletCall) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    # A parameter given twice (CRED408) keeps its first binding in ``parameters``;
    # the second spelling can be the deprecated one.
    bindings = [*call.parameters, *(d.second for d in call.duplicates)]
    for b in bindings:
        if b.source is BindingSource.POSITIONAL:
            continue
        spec = call.cmdlet.parameter(b.name)
        if spec is None or not (spec.deprecated_by or spec.deprecated_aliases):
            continue  # most parameters: nothing deprecated to look for
        written = _written_parameter(b).lower()
        new: str | None = None
        if spec.deprecated_by:
            new = spec.deprecated_by
        elif spec.deprecated_aliases and any(
            a.lower().startswith(written) for a in spec.deprecated_aliases
        ):
            others = [n for n in spec.names if n not in spec.deprecated_aliases]
            if not any(n.lower().startswith(written) for n in others):
                new = spec.name
        if new is None:
            continue
        edit = _parameter_rename(model, b, new)
        out.append(
            Diagnostic(
                DEPRECATED_PARAMETER.code,
                f"-{_written_parameter(b)} is deprecated; use -{new}",
                model.path,
                b.name_range or b.value_range or call.name_range,
                tags=(Tag.DEPRECATED,),
                fix=Fix(f"Use -{new}", (edit,)) if edit is not None else None,
            )
        )
    return out


# --- CRED403 ------------------------------------------------------------------------------


def overwrites_default(model: ScriptModel, call: CmdletCall) -> Diagnostic | None:
    if call.name == "Initialize-AWSDefaultConfiguration":
        source = static_text(call.parameter("ProfileName"))
        if source:
            what = f"copies profile '{source}' over the `default` profile"
        else:
            what = "writes the credentials it finds (or prompts for) into the `default` profile"
        return Diagnostic(
            OVERWRITES_DEFAULT_PROFILE.code,
            f"{call.written_name} {what}, replacing what every tool that falls back to "
            "`default` uses; use Set-AWSCredential -ProfileName for this session only",
            model.path,
            call.name_range,
        )
    if call.name == "Set-AWSCredential":
        b = call.parameter("StoreAs")
        target = static_text(b)
        if b is not None and target is not None and target.casefold() == "default":
            return Diagnostic(
                OVERWRITES_DEFAULT_PROFILE.code,
                f"{call.written_name} -StoreAs {target} replaces the keys of the `default` "
                "profile that every tool falls back to",
                model.path,
                b.value_range or call.name_range,
            )
    return None


# --- CRED404 ------------------------------------------------------------------------------


def ambiguous_parameters(model: ScriptModel, call: CmdletCall) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for a in call.ambiguous:
        matches = " ".join(f"-{c}" for c in a.candidates)
        what = "splat key" if a.source is BindingSource.SPLAT else "parameter name"
        written = a.written if a.source is BindingSource.SPLAT else f"-{a.written}"
        out.append(
            Diagnostic(
                AMBIGUOUS_PARAMETER.code,
                f"The {what} '{written}' is ambiguous for {call.cmdlet.name}: PowerShell refuses "
                f"to run the call. Possible matches include: {matches}.",
                model.path,
                a.name_range or a.value_range or call.name_range,
            )
        )
    return out


# --- CRED405 / CRED406 --------------------------------------------------------------------


def _has_sets(call: CmdletCall) -> bool:
    return bool(call.cmdlet.parameter_sets) and call.cmdlet.kind is CmdletKind.CREDENTIALS


def partial_keys(model: ScriptModel, call: CmdletCall) -> Diagnostic | None:
    if call.unresolved_splats or call.cmdlet.parameter("AccessKey") is None:
        return None
    ak = given(call, "AccessKey")
    sk = given(call, "SecretKey")
    st = given(call, "SessionToken")
    if ak is not None and sk is not None:
        return None
    if ak is None and sk is None and st is None:
        return None
    present = ak or sk or st
    assert present is not None
    if ak is None and sk is None:
        missing = "-AccessKey and -SecretKey"
    else:
        missing = "-SecretKey" if ak is not None else "-AccessKey"
    if _has_sets(call):
        effect = (
            f"{missing} is mandatory alongside it: PowerShell prompts for it, which stops an "
            "unattended run"
        )
    else:
        effect = (
            "the keys are silently ignored and the call uses the next credential source "
            "(profile, session, environment, default)"
        )
    return Diagnostic(
        PARTIAL_LITERAL_CREDENTIALS.code,
        f"-{present.name} without {missing} on {call.written_name}: {effect}",
        model.path,
        present.name_range or present.value_range or call.name_range,
    )


def keys_override_profile(model: ScriptModel, call: CmdletCall) -> Diagnostic | None:
    ak = given(call, "AccessKey")
    sk = given(call, "SecretKey")
    profile = given(call, "ProfileName")
    if ak is None or sk is None or profile is None:
        return None
    if profile.source is BindingSource.DEFAULT_VALUES:
        return None  # defaults apply only to parameters not bound otherwise (§5)
    sets = _has_sets(call)
    if not sets and not (isinstance(ak.value, Static) and isinstance(sk.value, Static)):
        return None  # keys in variables may be empty at run time: the profile is used then
    if sets:
        message = (
            f"-AccessKey/-SecretKey and -ProfileName belong to different parameter sets of "
            f"{call.cmdlet.name}: PowerShell cannot resolve the call; pass one or the other"
        )
    else:
        message = (
            f"-AccessKey/-SecretKey win over -ProfileName on {call.written_name}: the profile "
            "is ignored; pass one or the other"
        )
    return Diagnostic(
        KEYS_OVERRIDE_PROFILE.code,
        message,
        model.path,
        profile.name_range or profile.value_range or call.name_range,
    )


# --- CRED407 ------------------------------------------------------------------------------


def missing_values(model: ScriptModel, call: CmdletCall) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for b in call.parameters:
        if not b.missing_value or b.name not in _VALUE_PARAMETERS:
            continue
        out.append(
            Diagnostic(
                MISSING_PARAMETER_VALUE.code,
                f'-{b.written or b.name} has no value: PowerShell stops with "Missing an '
                f"argument for parameter '{b.name}'\"",
                model.path,
                b.name_range or call.name_range,
            )
        )
    return out


# --- entry points -------------------------------------------------------------------------


def call_findings(model: ScriptModel, info: CallInfo) -> list[Diagnostic]:
    """CRED401-407 of one call."""
    if info.broken:
        return []
    call = info.call
    out = [
        d
        for d in (
            deprecated_cmdlet(model, call),
            overwrites_default(model, call),
            partial_keys(model, call),
            keys_override_profile(model, call),
        )
        if d is not None
    ]
    out.extend(deprecated_parameters(model, call))
    out.extend(ambiguous_parameters(model, call))
    out.extend(missing_values(model, call))
    return out


def cmdlet_findings(model: ScriptModel) -> list[Diagnostic]:
    """CRED401-407 for every AWS call of the script."""
    return [d for info in model.infos for d in call_findings(model, info)]


# --- one call's results, kept across edits ------------------------------------------------


class _Kept:
    """What one call contributed, and what it depended on (``credls.powershell.reuse``)."""

    __slots__ = (
        "binding",
        "cmdlet",
        "deps",
        "fingerprint",
        "lines",
        "locations",
        "profile",
        "syntax",
        "uses",
        "version",
    )

    def __init__(
        self,
        syntax: object,
        binding: object,
        version: int,
        deps: frozenset[str],
        fingerprint: object,
        cmdlet: list[Diagnostic],
        profile: list[Diagnostic],
        uses: list[scripts.LiteralUse],
        locations: tuple[tuple[str, bool], ...],
        lines: tuple[int, ...],
    ) -> None:
        self.syntax = syntax
        self.binding = binding
        self.version = version
        self.deps = deps
        self.fingerprint = fingerprint
        self.cmdlet = cmdlet
        self.profile = profile
        self.uses = uses
        self.locations = locations
        self.lines = lines  # every line a position of the result is on

    def moved(self, n: int) -> tuple[list[Diagnostic], list[Diagnostic], list[scripts.LiteralUse]]:
        if n == 0:
            return self.cmdlet, self.profile, self.uses
        return (
            [reuse.shift_diagnostic(d, n) for d in self.cmdlet],
            [reuse.shift_diagnostic(d, n) for d in self.profile],
            [
                (name, reuse.shift_ranged(v, n), reuse.shift_range(used, n), written)
                for name, v, used, written in self.uses
            ],
        )


class _Store:
    """Kept results of one document's calls, valid for one store context."""

    __slots__ = ("context", "entries", "stores")

    def __init__(self, context: tuple[object, ...]) -> None:
        self.context = context
        self.entries: dict[int, _Kept] = {}
        # (store, its profiles as read): any re-read file invalidates everything.
        self.stores: list[tuple[object, object]] = []

    def stores_unchanged(self) -> bool:
        return all(store.profiles() is seen for store, seen in self.stores)  # type: ignore[attr-defined]


def _context_key(model: ScriptModel) -> tuple[object, ...]:
    final = model.flow.final
    base = getattr(final, "_base_chain", final)
    return (
        model.path,
        model.script_dir,
        model.has_stores,
        model.platform,
        os.path.expanduser("~"),  # -ProfileLocation ~/… (flow.resolve_location)
        HOME_STORES.get(),
        id(base),
        base.known_profiles,
    )


def _store_of(model: ScriptModel) -> _Store | None:
    """The kept results for this model's document and context (None: do not keep)."""
    listener = reuse.keeping_cache(model.document)
    if listener is None:
        return None
    key = _context_key(model)
    store = listener.kept.get("cmdlet_checks")
    if not isinstance(store, _Store) or store.context != key or not store.stores_unchanged():
        store = _Store(key)
        listener.kept["cmdlet_checks"] = store
    return store


def _reused(
    store: _Store, info: CallInfo, cache: SegmentCache
) -> tuple[list[Diagnostic], list[Diagnostic], list[scripts.LiteralUse]] | None:
    syntax = info.call._syntax
    if syntax is None:
        return None
    kept = store.entries.get(id(syntax))
    if kept is None or kept.syntax is not syntax:
        return None
    if info.state.fingerprint is None or kept.fingerprint != info.state.fingerprint:
        return None
    if kept.binding is not info.call._parts()[1]:
        return None
    if not reuse.deps_unchanged(cache, kept.version, kept.deps):
        return None
    if any(os.path.isfile(path) is not exists for path, exists in kept.locations):
        return None
    n = reuse.line_shift(cache, kept.version, kept.lines)
    if n is None:
        return None
    return kept.moved(n)


def _keep(
    store: _Store,
    info: CallInfo,
    version: int,
    cmdlet: list[Diagnostic],
    profile: list[Diagnostic],
    uses: list[scripts.LiteralUse],
) -> _Kept | None:
    call = info.call
    syntax = call._syntax
    deps = call.dependencies()
    if syntax is None or deps is None or info.state.fingerprint is None:
        return None
    loc = info._location  # only when the checks read it
    locations: tuple[tuple[str, bool], ...] = ()
    if isinstance(loc, Location) and loc.path is not None:
        locations = ((loc.path, loc.exists),)
    ranges: list[Range | None] = [call.range]
    for d in (*cmdlet, *profile):
        ranges.extend(reuse.diagnostic_ranges(d))
    for _, v, used, _ in uses:
        ranges.extend((v.range, used))
    return _Kept(
        syntax,
        call._parts()[1],
        version,
        deps,
        info.state.fingerprint,
        cmdlet,
        profile,
        uses,
        locations,
        reuse.lines_of(ranges),
    )


def check_model(model: ScriptModel) -> list[Diagnostic]:
    """Every script finding except the text scanner's: CRED2xx, CRED4xx, bound literals.

    Results of a call whose statement, variables, flow state and position did
    not change since the last analysis of the same document are reused (the
    language server re-analyses after every edit).
    """
    store = _store_of(model)
    cache = model.document.listener
    version = model.document.version
    memo = scripts.ProfileMemo()
    has_stores = model.has_stores
    cmdlet: list[Diagnostic] = []
    profile: list[Diagnostic] = []
    uses: list[scripts.LiteralUse] = []
    entries: dict[int, _Kept] = {}
    for info in model.infos:
        found = _reused(store, info, cache) if store is not None else None  # type: ignore[arg-type]
        if found is None:
            found = (
                call_findings(model, info),
                scripts.profile_call_findings(model, info, memo) if has_stores else [],
                scripts.literal_uses(info),
            )
            kept = None if store is None else _keep(store, info, version, *found)
        else:
            kept = store.entries.get(id(info.call._syntax))  # type: ignore[union-attr]
            if kept is not None:
                if found[0] is kept.cmdlet:
                    kept.version = version  # checked up to this version
                else:
                    kept = _moved(kept, found, info, version)
        if kept is not None:
            entries[id(kept.syntax)] = kept
        cmdlet.extend(found[0])
        profile.extend(found[1])
        uses.extend(found[2])
    if store is not None:
        store.entries = entries  # calls that are gone are forgotten
        final = model.flow.final
        base = getattr(final, "_base_chain", final)
        store.stores = [(s, s.profiles()) for s in _all_stores(base)]
    out = cmdlet
    if has_stores:
        out = out + scripts.unique_findings(profile)
    return out + scripts.literal_diagnostics(model, uses) + script_p2.check_p2(model)


def _moved(
    kept: _Kept,
    found: tuple[list[Diagnostic], list[Diagnostic], list[scripts.LiteralUse]],
    info: CallInfo,
    version: int,
) -> _Kept:
    """The entry of a result that moved by whole lines, valid from ``version`` on."""
    ranges: list[Range | None] = [info.call.range]
    for d in (*found[0], *found[1]):
        ranges.extend(reuse.diagnostic_ranges(d))
    for _, v, used, _ in found[2]:
        ranges.extend((v.range, used))
    return _Kept(
        kept.syntax,
        kept.binding,
        version,
        kept.deps,
        kept.fingerprint,
        found[0],
        found[1],
        found[2],
        kept.locations,
        reuse.lines_of(ranges),
    )


def _all_stores(chain: StoreChain) -> list[ProfileStore]:
    stores: list[ProfileStore | None] = [
        chain.sdk_store,
        chain.pair,
        chain.shared,
        *chain._located.values(),
    ]
    return [s for s in stores if s is not None]


__all__ = ["call_findings", "check_model", "cmdlet_findings"]
