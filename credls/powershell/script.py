"""The analysis model of one script: document → calls → flow → per-call resolution.

``script_model(doc, ctx)`` parses the script (tree-sitter), finds the AWS calls
with their bound parameters, follows the script's store and session effects
(``credls.powershell.flow``) and resolves each call's credentials
(``credls.resolver.resolve_call``) with the module version in effect there
(powershell.md §0 "Rule for credls": ``#Requires -Modules``,
``Import-Module … -RequiredVersion``, else the ``powershell-version`` setting).

Models are cached per document text and store context, so the rules and the
language server (hover, completion) share one analysis per document version.
"""

from __future__ import annotations

import bisect
import os
import re
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from credls.document import Document
from credls.powershell.calls import BoundParameter, CmdletCall, find_calls
from credls.powershell.catalog import CmdletKind
from credls.powershell.flow import (
    HOME_STORES,
    Effect,
    FlowResult,
    FlowState,
    Location,
    is_dynamic,
    location_binding,
    profile_binding,
    resolve_location,
    run_flow,
    static_text,
)
from credls.powershell.parser import PowerShellDocument
from credls.powershell.segments import IMPORT, IMPORT_COMMANDS, analyse, gc_paused
from credls.powershell.values import Dynamic as DynamicValue
from credls.resolver import Dynamic, Resolution, resolve_call
from credls.rules.context import CheckContext
from credls.settings import ModuleVersion, Platform
from credls.store.chain import StoreChain
from credls.text import LineIndex, Position, Range

# Cmdlets that run the credential search themselves (powershell.md §3.1).
_RESOLVING = frozenset(
    {"Set-AWSCredential", "New-AWSCredential", "Initialize-AWSDefaultConfiguration"}
)

# --- module version -------------------------------------------------------------


@dataclass(frozen=True)
class ModuleInfo:
    """Which AWS Tools for PowerShell major version a call is modelled with, and why."""

    version: ModuleVersion
    source: str  # "settings" | "#Requires" | "Import-Module"
    range: Range | None = None
    module: str | None = None
    declared: str | None = None  # the version text as written

    def describe(self) -> str:
        if self.source == "settings":
            return f"module {self.version.value} (powershell-version setting)"
        what = f"{self.module} {self.declared}" if self.declared else (self.module or "")
        line = f" on line {self.range.start.line + 1}" if self.range else ""
        return f"module {self.version.value} ({self.source} {what}{line})".replace("  ", " ")


_REQUIRES = re.compile(r"^[ \t]*#requires\b([^\r\n]*)", re.I | re.M)
_AWS_MODULE = re.compile(r"\b(AWS\.Tools\.[A-Za-z0-9.]+|AWSPowerShell(?:\.NetCore)?)\b", re.I)
_HASHTABLE = re.compile(r"@\{([^}]*)\}")
_HASH_NAME = re.compile(r"ModuleName\s*=\s*['\"]?([A-Za-z0-9_.]+)", re.I)
_HASH_VERSION = re.compile(
    r"(RequiredVersion|ModuleVersion|MaximumVersion)\s*=\s*['\"]?(\d+(?:\.\d+)*)", re.I
)
_PARAM_VERSION = re.compile(
    r"-(RequiredVersion|MinimumVersion|MaximumVersion|Version)\s*:?\s*['\"]?(\d+(?:\.\d+)*)", re.I
)
_IMPORT_COMMANDS = IMPORT_COMMANDS


def _major(version: str) -> ModuleVersion:
    try:
        major = int(version.split(".", 1)[0])
    except ValueError:
        return ModuleVersion.V4
    return ModuleVersion.V5 if major >= 5 else ModuleVersion.V4


def _requires(text: str, lines: LineIndex) -> list[ModuleInfo]:
    """``#Requires -Modules`` lines naming an AWS module with a version."""
    out: list[ModuleInfo] = []
    for m in _REQUIRES.finditer(text):
        args = m.group(1)
        if "-modules" not in args.lower():
            continue
        rng = Range(lines.position(m.start()), lines.position(m.end(1)))
        for h in _HASHTABLE.finditer(args):
            name = _HASH_NAME.search(h.group(1))
            ver = _HASH_VERSION.search(h.group(1))
            if name and ver and _AWS_MODULE.fullmatch(name.group(1)):
                out.append(
                    ModuleInfo(_major(ver.group(2)), "#Requires", rng, name.group(1), ver.group(2))
                )
    return out


def _imports(doc: PowerShellDocument) -> list[ModuleInfo]:
    """``Import-Module <AWS module> -RequiredVersion x`` (and -FullyQualifiedName tables)."""
    out: list[ModuleInfo] = []
    for seg in analyse(doc).segments:
        if not seg.others:
            continue
        delta = seg.delta  # nodes keep the offsets of the version that captured them
        for kind, node in seg.others:
            if kind != IMPORT:
                continue
            text = doc.slice(node.start_byte + delta, node.end_byte + delta)
            module = _AWS_MODULE.search(text)
            if module is None:
                continue
            ver = _PARAM_VERSION.search(text) or _HASH_VERSION.search(text)
            if ver is None:
                continue
            out.append(
                ModuleInfo(
                    _major(ver.group(2)),
                    "Import-Module",
                    seg.range(node.start_byte, node.end_byte),
                    module.group(1),
                    ver.group(2),
                )
            )
    return out


# --- the model ----------------------------------------------------------------------


_LAZY: object = object()


class CallInfo:
    """One AWS call with everything the rules and the hover need.

    ``state`` is the flow state before the call; ``resolution`` the
    credential search of a cmdlet that runs one (service cmdlets,
    Set-/New-AWSCredential, Initialize-AWSDefaultConfiguration), else None.
    ``profile`` and ``location`` (the call's ``-ProfileName`` binding and
    ``-ProfileLocation`` file) are read from the binding on first use.
    """

    __slots__ = (
        "_location",
        "_profile",
        "_resolution",
        "call",
        "effect",
        "module",
        "platform",
        "script_dir",
        "state",
    )

    def __init__(
        self,
        call: CmdletCall,
        state: FlowState,
        effect: Effect | None,
        module: ModuleInfo,
        platform: Platform,
        profile: BoundParameter | object | None = _LAZY,
        location: Location | object | None = _LAZY,
        script_dir: str = "",
    ) -> None:
        self.call = call
        self.state = state
        self.effect = effect
        self.module = module
        self.platform = platform
        self.script_dir = script_dir
        self._profile = profile
        self._location = location
        self._resolution: object = _LAZY

    @property
    def profile(self) -> BoundParameter | None:
        if self._profile is _LAZY:
            self._profile = profile_binding(self.call)
        return self._profile  # type: ignore[return-value]

    @property
    def location(self) -> Location | None:
        if self._location is _LAZY:
            loc_b = location_binding(self.call)
            self._location = resolve_location(loc_b, self.script_dir) if loc_b is not None else None
        return self._location  # type: ignore[return-value]

    @property
    def resolution(self) -> Resolution | None:
        """Computed on first use (the hover needs it, the rules do not)."""
        if self._resolution is _LAZY:
            self._resolution = _resolve(
                self.call, self.state, self.module, self.platform, self.profile, self.location
            )
        return self._resolution  # type: ignore[return-value]

    @property
    def profile_name(self) -> str | None:
        return static_text(self.profile)

    @property
    def broken(self) -> bool:
        """The call touches a syntax error (the user is typing): rules stay quiet."""
        return self.state.context == "error"

    def __repr__(self) -> str:
        return f"CallInfo({self.call!r}, context={self.state.context!r})"


@dataclass
class ScriptModel:
    """Everything credls knows about one script, for one store context."""

    path: str
    script_dir: str
    document: PowerShellDocument
    calls: tuple[CmdletCall, ...]
    modules: tuple[ModuleInfo, ...]  # #Requires and Import-Module declarations
    flow: FlowResult
    infos: tuple[CallInfo, ...]
    platform: Platform
    has_stores: bool  # False: no store chain (profile rules stay quiet)

    def info_at(self, pos: Position) -> CallInfo | None:
        """The innermost call whose range contains ``pos``."""
        best: CallInfo | None = None
        for info in self.infos:
            r = info.call.range
            if r.start <= pos <= r.end and (best is None or best.call.range.start <= r.start):
                best = info
        return best


class _ModuleLookup:
    """The module version in effect at a call: the last ``Import-Module`` before it,
    else the first versioned ``#Requires`` (script-wide), else the setting."""

    def __init__(self, default: ModuleInfo, modules: Sequence[ModuleInfo]) -> None:
        requires = [m for m in modules if m.source == "#Requires"]
        self.default = requires[0] if requires else default
        self.imports = [m for m in modules if m.source == "Import-Module" and m.range]
        self.ends = [m.range.end for m in self.imports if m.range is not None]

    def at(self, call: CmdletCall) -> ModuleInfo:
        if not self.ends:
            return self.default  # (no call range to compute)
        i = bisect.bisect_right(self.ends, call.range.start)
        return self.imports[i - 1] if i else self.default


def _bound(call: CmdletCall, name: str) -> bool:
    b = call.parameter(name)
    return b is not None and not b.missing_value and not b.conditional


def _resolve(
    call: CmdletCall,
    state: FlowState,
    module: ModuleInfo,
    platform: Platform,
    profile: BoundParameter | None,
    location: Location | None,
) -> Resolution | None:
    if call.cmdlet.kind is not CmdletKind.SERVICE and call.name not in _RESOLVING:
        return None
    name: str | Dynamic | None = None
    if profile is not None and not profile.missing_value:
        text = static_text(profile)
        if text is not None:
            name = text
        elif is_dynamic(profile):
            v = profile.value
            name = Dynamic(v.reason if isinstance(v, DynamicValue) else "a run-time value")
    loc = location.path if location is not None else None
    return resolve_call(
        state.chain,
        platform,
        module.version,
        access_key=_bound(call, "AccessKey"),
        secret_key=_bound(call, "SecretKey"),
        session_token=_bound(call, "SessionToken"),
        profile_name=name,
        profile_location=loc,
        credential=_bound(call, "Credential") or call.pipeline_input,
        session_profile=state.session.for_resolver(),
    )


def build_model(
    path: str,
    document: PowerShellDocument,
    ctx: CheckContext,
    calls: Sequence[CmdletCall] | None = None,
) -> ScriptModel:
    """The model of a parsed script (use ``script_model`` for the cached one)."""
    with analysis_scope(ctx):
        return _build_model(path, document, ctx, calls)


def _build_model(
    path: str,
    document: PowerShellDocument,
    ctx: CheckContext,
    calls: Sequence[CmdletCall] | None,
) -> ScriptModel:
    settings = ctx.settings
    platform = ctx.chain.platform if ctx.chain is not None else settings.platform
    base = ctx.chain or StoreChain(platform, known_profiles=settings.known_profiles)
    script_dir = os.path.dirname(os.path.abspath(path)) if path and path != "-" else os.getcwd()
    found = tuple(find_calls(document) if calls is None else calls)
    modules = tuple(
        sorted(
            _requires(document.text, document.lines) + _imports(document),
            key=lambda m: m.range.start if m.range else Position(0, 0),
        )
    )
    lookup = _ModuleLookup(ModuleInfo(settings.powershell_version, "settings"), modules)
    flow = run_flow(document, found, base.overlay(), script_dir)
    infos: list[CallInfo] = []
    for call, state, effect in zip(found, flow.states, flow.effects, strict=True):
        module = lookup.at(call)
        infos.append(CallInfo(call, state, effect, module, platform, script_dir=script_dir))
    return ScriptModel(
        path,
        script_dir,
        document,
        found,
        modules,
        flow,
        tuple(infos),
        platform,
        ctx.chain is not None,
    )


@contextmanager
def analysis_scope(ctx: CheckContext) -> Iterator[None]:
    """One analysis: the collector held and each store file read at most once.

    An analysis builds tens of thousands of small objects that all survive it
    (the collector would rescan them again and again) and makes thousands of
    store lookups (each would re-``stat`` the store files to notice changes).
    """
    token = HOME_STORES.set(ctx.settings.stores.use_user_stores)
    try:
        with gc_paused():
            if ctx.chain is None:
                yield
            else:
                with ctx.chain.snapshot():
                    yield
    finally:
        HOME_STORES.reset(token)


# --- cache --------------------------------------------------------------------------

_MAX_CACHED = 32


@dataclass
class _Entry:
    text: str
    document: PowerShellDocument
    calls: tuple[CmdletCall, ...]
    models: dict[tuple[object, ...], tuple[StoreChain | None, ScriptModel]]


_CACHE: OrderedDict[str, _Entry] = OrderedDict()


def _context_key(ctx: CheckContext) -> tuple[object, ...]:
    s = ctx.settings
    return (
        id(ctx.chain),
        s.platform,
        s.powershell_version,
        tuple(s.known_profiles),
        s.stores.use_user_stores,  # flow.HOME_STORES
    )


def script_model(doc: Document, ctx: CheckContext) -> ScriptModel:
    """The model of a PowerShell document, cached per (path, text, store context)."""
    text = doc.text
    entry = _CACHE.get(doc.path)
    if entry is None or entry.text != text:
        document = PowerShellDocument(text)
        document.keep_results = False  # never edited: a new text is a new document
        entry = _Entry(text, document, tuple(find_calls(document)), {})
        _CACHE[doc.path] = entry
        while len(_CACHE) > _MAX_CACHED:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(doc.path)
    key = _context_key(ctx)
    cached = entry.models.get(key)
    if cached is not None and cached[0] is ctx.chain:
        return cached[1]
    model = build_model(doc.path, entry.document, ctx, entry.calls)
    entry.models.clear()  # one store context per document is the common case
    entry.models[key] = (ctx.chain, model)
    return model


def adopt(path: str, document: PowerShellDocument) -> None:
    """Make ``script_model`` analyse ``path`` on ``document`` while its text is current.

    For an editor: its document is reparsed incrementally after each edit, so
    the next analysis reuses the tree and the results of unchanged statements
    instead of parsing the whole text again. A later ``script_model`` call for
    ``path`` with a different text parses that text afresh.
    """
    text = document.text
    entry = _CACHE.get(path)
    if entry is None or entry.document is not document or entry.text != text:
        entry = _Entry(text, document, tuple(find_calls(document)), {})
        _CACHE[path] = entry
    _CACHE.move_to_end(path)
    while len(_CACHE) > _MAX_CACHED:
        _CACHE.popitem(last=False)


def clear_cache() -> None:
    _CACHE.clear()


def forget(path: str) -> None:
    """Drop the cached model of ``path`` (a file checked once, as by ``credls check``).

    Kept models stay alive for the collector to scan again and again.
    """
    _CACHE.pop(path, None)


__all__ = [
    "CallInfo",
    "ModuleInfo",
    "ScriptModel",
    "adopt",
    "analysis_scope",
    "build_model",
    "clear_cache",
    "forget",
    "script_model",
]
