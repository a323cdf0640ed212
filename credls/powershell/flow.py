"""Store and session effects of a script, followed in order (powershell.md §2, §4.2).

``run_flow`` walks the AWS calls of a script in document order and applies
each call's effect on a copy-on-write overlay of the ``StoreChain``:

* ``Set-AWSCredential … -StoreAs X`` registers X where the platform routes a
  write (SDK store on Windows without ``-ProfileLocation``, else the
  credentials file or the ``-ProfileLocation`` file); with ``-ProfileName P``
  it copies P inside the store where P lives (§2.2);
* ``Remove-AWSCredentialProfile`` removes from the first store that has it;
* ``Initialize-AWSDefaultConfiguration`` overwrites ``default``;
* ``Set-AWSCredential`` without ``-StoreAs`` / ``Clear-AWSCredential`` set or
  clear the session credentials (function scope unless ``-Scope Global``/``Script``).

Control flow is followed conservatively, so that rules never report a false
positive: an effect inside a branch, a loop, a function or a script block is
"maybe" — a creation there counts (it suppresses "not found" for later uses),
a removal does not, except a removal found in every alternative of an
``if``/``else`` at the top level of the script. A Set/Remove with a name that
is not static makes the flow unknown for everything after it.

The result is one ``FlowState`` per call: the stores and session *before*
that call runs.
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import TYPE_CHECKING

from tree_sitter import Node, Query, QueryCursor

from credls.powershell.calls import BindingSource, BoundParameter, CmdletCall
from credls.powershell.parser import LANGUAGE
from credls.powershell.reuse import (
    deps_unchanged,
    keeping_cache,
    line_shift,
    lines_of,
    shift_range,
)
from credls.powershell.segments import (
    AWS_CLI,
    FILE_WRITERS,
    REMOTE,
    REMOTE_COMMANDS,
    WRITER,
    analyse,
)
from credls.powershell.values import Dynamic, DynamicKind, Static, Value
from credls.store.chain import LEGACY_DEFAULT, OverlayChain
from credls.text import Range

if TYPE_CHECKING:
    from credls.powershell.parser import PowerShellDocument

DEFAULT_PROFILE = "default"

BRANCH_KINDS = frozenset({"if", "elseif", "else", "switch", "catch", "trap", "try"})
LOOP_KINDS = frozenset({"foreach", "for", "while", "do"})
DEFERRED_KINDS = frozenset({"function", "scriptblock"})

# Commands whose script blocks run in another process or on another machine
# (their stores are not ours): profile findings inside them are not reported.
# Commands that may write a credentials file behind the analysis' back.
# Both are found per statement by ``credls.powershell.segments``.
_REMOTE_COMMANDS = REMOTE_COMMANDS
_FILE_WRITERS = FILE_WRITERS
_CREDENTIAL_FILE_HINT = re.compile(r"credentials|\.aws\b|RegisteredAccounts", re.I)
_AWS_CONFIGURE = re.compile(r"^aws(?:\.exe)?\s+configure\b", re.I)
_AWS_CONFIGURE_PROFILE = re.compile(r"--profile[\s=]+['\"]?([A-Za-z0-9_.@:+/%-]+)", re.I)

_FLOW_QUERY = Query(
    LANGUAGE,
    """
(if_statement) @if
(command) @command
""",
)


# --- values -----------------------------------------------------------------


def static_text(b: BoundParameter | None) -> str | None:
    """The static string value of a binding that applies on every path, else None."""
    if b is None or b.conditional or b.missing_value:
        return None
    v = b.value
    if isinstance(v, Static) and v.is_string:
        return v.text
    return None


def is_dynamic(b: BoundParameter | None) -> bool:
    """A binding whose value is known only at run time (or only on some paths)."""
    if b is None or b.missing_value:
        return False
    return b.conditional or isinstance(b.value, Dynamic)


# --- -ProfileLocation -----------------------------------------------------------

_HOME_PREFIX = re.compile(
    r"^(?:\$HOME|\$\{HOME\}|\$env:HOME|\$\{env:HOME\}|\$env:USERPROFILE|\$\{env:USERPROFILE\})"
    r"(?=[\\/]|$)",
    re.I,
)
_SCRIPT_ROOT_PREFIX = re.compile(r"^(?:\$PSScriptRoot|\$\{PSScriptRoot\})(?=[\\/]|$)", re.I)
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


@dataclass(frozen=True)
class Location:
    """A ``-ProfileLocation`` value: where it is written and the file it names.

    ``path`` is absolute, or None when it cannot be known statically
    (``reason`` says why).
    """

    written: str
    path: str | None
    range: Range | None
    reason: str | None = None

    @property
    def key(self) -> str | None:
        return os.path.normcase(self.path) if self.path else None

    @property
    def exists(self) -> bool:
        return self.path is not None and os.path.isfile(self.path)


def _home() -> str:
    return os.path.expanduser("~")


# Whether the user's home folder is this machine's (its files are the user's): not
# with --no-user-stores (CI, tests). Set for one analysis by ``script.analysis_scope``.
HOME_STORES: ContextVar[bool] = ContextVar("credls_home_stores", default=True)
_NOT_READ = "a file in the home folder, absent here and not read with --no-user-stores"


def _in_home(path: str) -> bool:
    home = os.path.normcase(os.path.normpath(_home()))
    return os.path.normcase(path) == home or os.path.normcase(path).startswith(home + os.sep)


def resolve_location(b: BoundParameter, script_dir: str) -> Location:
    """The file a ``-ProfileLocation`` binding names (rules.md CRED202).

    Relative paths resolve against the script's folder; ``~``, ``$HOME``,
    ``$env:HOME``/``$env:USERPROFILE`` and ``$PSScriptRoot`` prefixes expand.
    """
    v: Value | None = b.value
    rng = b.value_range
    if b.conditional or v is None:
        return Location("", None, rng, "the value is set only on some paths")
    if isinstance(v, Static):
        text = v.text
        if text.startswith("~") and (len(text) == 1 or text[1] in "\\/"):
            text = _home() + text[1:]
    else:
        if v.kind not in (DynamicKind.INTERPOLATED,) or not v.detail:
            return Location("", None, rng, v.reason)
        template = v.detail
        m = _HOME_PREFIX.match(template) or _SCRIPT_ROOT_PREFIX.match(template)
        if m is None or "$" in template[m.end() :] or "`" in template:
            return Location(template, None, rng, v.reason)
        base = _home() if _HOME_PREFIX.match(template) else script_dir
        text = base + template[m.end() :]
    written = v.text if isinstance(v, Static) else (v.detail or "")
    if not text.strip():
        return Location(written, None, rng, "an empty path")
    if os.sep == "/":
        if _DRIVE.match(text):
            return Location(written, None, rng, "a Windows drive path")
        text = text.replace("\\", "/")
    path = os.path.normpath(text if os.path.isabs(text) else os.path.join(script_dir, text))
    if not HOME_STORES.get() and _in_home(path) and not os.path.isfile(path):
        # A CI runner without ~/.aws/credentials says nothing of the machine the
        # script runs on: unknown (like the user's own stores in this run), not missing.
        return Location(written, None, rng, _NOT_READ)
    return Location(written, path, rng)


# --- session credentials -----------------------------------------------------------


class SessionKind(str, Enum):
    UNKNOWN = "unknown"  # depends on the shell that runs the script
    CLEARED = "cleared"  # Clear-AWSCredential / Clear-AWSDefaultConfiguration
    PROFILE = "profile"  # Set-AWSCredential -ProfileName <static>
    SET = "set"  # keys, a credential object, or a run-time profile name


@dataclass(frozen=True)
class Session:
    """``$StoredAWSCredentials`` as a call sees it (powershell.md §2.2)."""

    kind: SessionKind = SessionKind.UNKNOWN
    profile: str | None = None
    range: Range | None = None  # the call that set it

    def for_resolver(self) -> str | bool | None:
        """``session_profile`` of ``resolver.resolve_call``."""
        if self.kind is SessionKind.PROFILE:
            return self.profile
        if self.kind is SessionKind.SET:
            return True
        if self.kind is SessionKind.CLEARED:
            return False
        return None


UNKNOWN_SESSION = Session()


# --- effects -----------------------------------------------------------------------


class EffectKind(str, Enum):
    CREATE = "create"  # register (keys, role, object, SSO, login)
    COPY = "copy"  # copy source -> name in the source's store
    REMOVE = "remove"
    SESSION = "session"
    CLEAR_SESSION = "clear-session"
    CLEAR_DEFAULTS = "clear-defaults"  # Clear-AWSDefaultConfiguration


@dataclass(frozen=True)
class Effect:
    """What one call does to the stores or the session."""

    kind: EffectKind
    name: str | None = None  # static target name
    dynamic: bool = False  # the target name (or location) is not static
    source: str | None = None  # COPY: the profile copied
    location: Location | None = None
    values: Mapping[str, str] = field(default_factory=dict)
    session: Session = UNKNOWN_SESSION
    global_scope: bool = False  # -Scope Global/Script
    touches_store: bool = True
    # The name is a param() default: a caller may pass another, so the effect is
    # only "maybe" (it still counts as a creation).
    from_default: bool = False


_PLACEHOLDER = "<set by the script>"


def given(call: CmdletCall, name: str) -> BoundParameter | None:
    """The binding of parameter ``name`` when it certainly has a value (not written
    without one, not set on some paths only)."""
    b = call.parameter(name)
    if b is None or b.missing_value or b.conditional:
        return None
    return b


def _has(call: CmdletCall, name: str) -> bool:
    b = call.parameter(name)
    return b is not None and not b.conditional


def _key_values(call: CmdletCall) -> dict[str, str]:
    """INI properties a register would write; run-time values become placeholders."""
    out: dict[str, str] = {}
    for param, key in (
        ("AccessKey", "aws_access_key_id"),
        ("SecretKey", "aws_secret_access_key"),
        ("SessionToken", "aws_session_token"),
        ("RoleArn", "role_arn"),
        ("SourceProfile", "source_profile"),
        ("ExternalID", "external_id"),
        ("MfaSerial", "mfa_serial"),
    ):
        b = call.parameter(param)
        if b is None or b.missing_value:
            continue
        out[key] = static_text(b) or _PLACEHOLDER
    if not out:
        # A credentials object (or the ambient chain): only basic/session keys can be saved.
        out = {"aws_access_key_id": _PLACEHOLDER, "aws_secret_access_key": _PLACEHOLDER}
    region = static_text(call.parameter("Region"))
    if region:
        out["region"] = region
    return out


def _scope_global(call: CmdletCall) -> bool:
    scope = static_text(call.parameter("Scope"))
    return scope is not None and scope.lower() in ("global", "script")


def _from_default(*bindings: BoundParameter | None) -> bool:
    return any(
        b is not None and isinstance(b.value, Static) and b.value.from_param_default
        for b in bindings
    )


def effect_of(call: CmdletCall, script_dir: str) -> Effect | None:
    """The store/session effect of one call, or None (powershell.md §2.2)."""
    eff = _effect_of(call, script_dir)
    if eff is not None and _from_default(
        call.parameter("StoreAs"), call.parameter("ProfileName"), call.parameter("ProfileLocation")
    ):
        return replace(eff, from_default=True)
    return eff


_EFFECT_CMDLETS = frozenset(
    {
        "Set-AWSCredential",
        "Initialize-AWSDefaultConfiguration",
        "Remove-AWSCredentialProfile",
        "Clear-AWSCredential",
        "Clear-AWSDefaultConfiguration",
        "Initialize-AWSSSOConfiguration",
        "Invoke-AWSLogin",
        "Set-AWSSamlRoleProfile",
    }
)


def location_binding(call: CmdletCall) -> BoundParameter | None:
    """The call's -ProfileLocation, unless it is ``$null`` or ``''``: an empty location
    is the default store chain (powershell.md §4.2), as if none were given."""
    b = given(call, "ProfileLocation")
    if b is not None and isinstance(b.value, Static) and not b.value.text:
        return None
    return call.parameter("ProfileLocation")


def _effect_of(call: CmdletCall, script_dir: str) -> Effect | None:
    name = call.name
    if name not in _EFFECT_CMDLETS:
        return None  # (and no binding read: most calls are service calls)
    loc_b = location_binding(call)
    location = resolve_location(loc_b, script_dir) if loc_b is not None else None
    loc_dynamic = location is not None and location.path is None
    if name == "Set-AWSCredential":
        store_as = call.parameter("StoreAs")
        profile = call.parameter("ProfileName")
        if store_as is None:
            p = static_text(profile)
            if p is not None and p:
                session = Session(SessionKind.PROFILE, p, call.range)
            else:
                session = Session(SessionKind.SET, None, call.range)
            return Effect(
                EffectKind.SESSION,
                session=session,
                global_scope=_scope_global(call),
                touches_store=False,
            )
        target = static_text(store_as)
        dynamic = target is None or not target or loc_dynamic
        if profile is not None and not profile.missing_value:
            src = static_text(profile)
            return Effect(
                EffectKind.COPY,
                target,
                dynamic=dynamic or src is None,
                source=src,
                location=location,
            )
        return Effect(
            EffectKind.CREATE, target, dynamic=dynamic, location=location, values=_key_values(call)
        )
    if name == "Initialize-AWSDefaultConfiguration":
        profile = call.parameter("ProfileName")
        src = static_text(profile)
        if profile is not None and not profile.missing_value:
            return Effect(
                EffectKind.COPY,
                DEFAULT_PROFILE,
                dynamic=src is None or loc_dynamic,
                source=src,
                location=location,
                session=Session(SessionKind.PROFILE, DEFAULT_PROFILE, call.range),
                global_scope=_scope_global(call),
            )
        return Effect(
            EffectKind.CREATE,
            DEFAULT_PROFILE,
            dynamic=loc_dynamic,
            location=location,
            values=_key_values(call),
            session=Session(SessionKind.PROFILE, DEFAULT_PROFILE, call.range),
            global_scope=_scope_global(call),
        )
    if name == "Remove-AWSCredentialProfile":
        target = static_text(call.parameter("ProfileName"))
        return Effect(
            EffectKind.REMOVE, target, dynamic=target is None or loc_dynamic, location=location
        )
    if name == "Clear-AWSCredential":
        return Effect(
            EffectKind.CLEAR_SESSION,
            session=Session(SessionKind.CLEARED, None, call.range),
            global_scope=_scope_global(call),
            touches_store=False,
        )
    if name == "Clear-AWSDefaultConfiguration":
        skip_store = _has(call, "SkipProfileStore")
        skip_shell = _has(call, "SkipShell")
        return Effect(
            EffectKind.CLEAR_DEFAULTS,
            dynamic=loc_dynamic and not skip_store,
            location=location,
            session=Session(SessionKind.CLEARED, None, call.range)
            if not skip_shell
            else UNKNOWN_SESSION,
            global_scope=_scope_global(call),
            touches_store=not skip_store,
        )
    if name in ("Initialize-AWSSSOConfiguration", "Invoke-AWSLogin"):
        # Both write a `[profile X]` to ~/.aws/config (§2.2): X exists afterwards.
        b = call.parameter("ProfileName")
        target = static_text(b)
        if b is None:
            target = DEFAULT_PROFILE if name == "Invoke-AWSLogin" else None
        if target is None and b is None:
            return None
        return Effect(
            EffectKind.CREATE,
            target,
            dynamic=target is None,
            values={"sso_session": _PLACEHOLDER}
            if name == "Initialize-AWSSSOConfiguration"
            else {"credential_process": _PLACEHOLDER},
        )
    if name == "Set-AWSSamlRoleProfile":
        b = call.parameter("StoreAs")
        if b is None:
            return Effect(EffectKind.CREATE, None, dynamic=True)  # -StoreAllRoles: unknown names
        target = static_text(b)
        return Effect(EffectKind.CREATE, target, dynamic=target is None, values={})
    return None


# --- effects kept across edits (the language server re-analyses after each) ------


class _KeptEffect:
    __slots__ = ("binding", "deps", "effect", "lines", "syntax", "version")

    def __init__(
        self,
        syntax: object,
        binding: object,
        version: int,
        deps: frozenset[str],
        lines: tuple[int, ...],
        effect: Effect | None,
    ) -> None:
        self.syntax = syntax
        self.binding = binding
        self.version = version
        self.deps = deps
        self.lines = lines
        self.effect = effect


class _KeptEffects:
    __slots__ = ("context", "entries")

    def __init__(self, context: tuple[str, str, bool]) -> None:
        self.context = context
        self.entries: dict[int, _KeptEffect] = {}


def _moved_effect(eff: Effect, n: int) -> Effect:
    if n == 0:
        return eff
    session = eff.session
    if session.range is not None:
        session = replace(session, range=shift_range(session.range, n))
    location = eff.location
    if location is not None and location.range is not None:
        location = replace(location, range=shift_range(location.range, n))
    return replace(eff, session=session, location=location)


def _effects(
    doc: PowerShellDocument, calls: Sequence[CmdletCall], script_dir: str
) -> list[Effect | None]:
    """``effect_of`` of every call; an unchanged call's effect is kept from the
    last analysis of the document (same statement, binding, variables, lines)."""
    cache = keeping_cache(doc)
    if cache is None:
        return [effect_of(c, script_dir) for c in calls]
    context = (script_dir, _home(), HOME_STORES.get())
    kept = cache.kept.get("flow")
    if not isinstance(kept, _KeptEffects) or kept.context != context:
        kept = _KeptEffects(context)
        cache.kept["flow"] = kept
    version = doc.version
    entries: dict[int, _KeptEffect] = {}
    out: list[Effect | None] = []
    for call in calls:
        syntax = call._syntax
        if call.name not in _EFFECT_CMDLETS or syntax is None:
            out.append(effect_of(call, script_dir))
            continue
        old = kept.entries.get(id(syntax))
        eff: Effect | None
        if (
            old is not None
            and old.syntax is syntax
            and old.binding is call._parts()[1]
            and deps_unchanged(cache, old.version, old.deps)
            and (n := line_shift(cache, old.version, old.lines)) is not None
        ):
            eff = old.effect if old.effect is None else _moved_effect(old.effect, n)
            if n:
                old = _KeptEffect(
                    syntax, old.binding, version, old.deps, tuple(x + n for x in old.lines), eff
                )
            else:
                old.version = version
        else:
            eff = effect_of(call, script_dir)
            deps = call.dependencies()
            ranges: list[Range | None] = [call.range]
            if eff is not None:
                ranges.append(eff.session.range)
                ranges.append(eff.location.range if eff.location is not None else None)
            old = (
                _KeptEffect(syntax, call._parts()[1], version, deps, lines_of(ranges), eff)
                if deps is not None
                else None
            )
        if old is not None:
            entries[id(syntax)] = old
        out.append(eff)
    kept.entries = entries
    return out


# --- flow state -------------------------------------------------------------------


@dataclass(frozen=True)
class Removal:
    """A definite removal: which call removed the name, and from where."""

    name: str
    range: Range
    location: str | None
    by: str  # the cmdlet as written


@dataclass(frozen=True)
class FlowState:
    """The stores and session a call sees before it runs.

    ``chain`` applies every creation seen so far (even maybe ones) and the
    definite removals. ``maybe_created`` holds names a creation on some path
    (or later in an enclosing loop, or anywhere for code in a function) may
    have made; ``removed`` the definite removals still in effect; ``unknown``
    says why the stores cannot be followed any more (then no profile finding).
    """

    chain: OverlayChain
    maybe_created: frozenset[str]
    removed: Mapping[str, Removal]
    unknown: str | None
    session: Session
    written_locations: frozenset[str]
    context: str  # straight | branch | loop | deferred | remote | error
    # What the profile rules read of this state, comparable across analyses of
    # one document: the store edits so far (by content), maybe/removed/written,
    # whether the stores are still followed, the context (see ``reuse``).
    fingerprint: object = field(default=None, compare=False, repr=False)

    def maybe_exists(self, name: str) -> bool:
        return name in self.maybe_created

    def location_written(self, loc: Location) -> bool:
        return loc.key is not None and loc.key in self.written_locations


@dataclass(frozen=True)
class FlowResult:
    states: tuple[FlowState, ...]  # aligned with the calls
    effects: tuple[Effect | None, ...]
    final: OverlayChain
    file_writers: tuple[Range, ...]  # other commands that may write credential files


def _context_kind(call: CmdletCall, remote: Sequence[Range]) -> str:
    kinds = call.context_kinds
    if call.in_error:
        return "error"
    kind = _KIND_OF.get(kinds)
    if kind is None:
        kind = _KIND_OF[kinds] = _kind_of(kinds)
    if remote and kind != "error":
        rng = call.range
        if any(r.start <= rng.start and rng.end <= r.end for r in remote):
            return "remote"
    return kind


def _kind_of(kinds: tuple[str, ...]) -> str:
    if "error" in kinds:
        return "error"
    if any(k in DEFERRED_KINDS for k in kinds):
        return "deferred"
    if any(k in LOOP_KINDS for k in kinds):
        return "loop"
    if any(k in BRANCH_KINDS for k in kinds):
        return "branch"
    return "straight"


# The kind of a call's context, by the kinds of the statements around it: scripts
# repeat a few nestings (top level, one if, a function, a loop in a function…).
_KIND_OF: dict[tuple[str, ...], str] = {}


# A statement around a call, as a key: its byte span for calls found by
# ``find_calls`` (no range to compute), else its range.
_Key = tuple[int, int] | Range


def _innermost(call: CmdletCall, kinds: frozenset[str] | str, outer: bool = False) -> _Key | None:
    """Key of the innermost (or ``outer``-most) enclosing statement of one of ``kinds``."""
    syntax = call._syntax
    if syntax is not None:
        chain = [c for c in syntax.chain if c.kind != "program"]
        found = [c for c, k in zip(chain, call.context_kinds, strict=True) if k in kinds]
        if not found:
            return None
        c = found[0] if outer else found[-1]
        return (c.start, c.end)
    matches = [c for c in call.context if c.kind in kinds]
    if not matches:
        return None
    return (matches[0] if outer else matches[-1]).range


def _function_key(call: CmdletCall) -> _Key | None:
    if "function" not in call.context_kinds:
        return None
    return _innermost(call, "function")


def _outer_loop(call: CmdletCall) -> _Key | None:
    """The outermost loop around a call, unless a function or script block is
    further out (it runs whenever it is called)."""
    kinds = call.context_kinds
    for k in kinds:
        if k in LOOP_KINDS:
            return _innermost(call, LOOP_KINDS, outer=True)
        if k in DEFERRED_KINDS:
            return None
    return None


def _straight_in_function(call: CmdletCall) -> bool:
    """No branch, loop or nested block between a call and its innermost function."""
    kinds = call.context_kinds
    last = len(kinds) - 1 - kinds[::-1].index("function")
    return not any(
        k in BRANCH_KINDS or k in LOOP_KINDS or k in DEFERRED_KINDS for k in kinds[last + 1 :]
    )


@dataclass
class _IfStatement:
    range: Range
    alternatives: list[Range]
    exhaustive: bool
    removals: dict[int, set[tuple[str, str | None]]] = field(default_factory=dict)
    calls: dict[tuple[str, str | None], CmdletCall] = field(default_factory=dict)


def _if_statements(doc: PowerShellDocument) -> list[_IfStatement]:
    out: list[_IfStatement] = []
    caps = QueryCursor(_FLOW_QUERY).captures(doc.root)
    for node in caps.get("if", ()):
        alts: list[Range] = []
        exhaustive = False
        for ch in node.children:
            if ch.type == "statement_block" and not alts:
                alts.append(doc.node_range(ch))
            elif ch.type == "elseif_clauses":
                alts.extend(doc.node_range(c) for c in ch.named_children)
            elif ch.type == "else_clause":
                alts.append(doc.node_range(ch))
                exhaustive = True
        if node.has_error:
            exhaustive = False
        out.append(_IfStatement(doc.node_range(node), alts, exhaustive))
    out.sort(key=lambda s: s.range.start)
    return out


def _other_commands(doc: PowerShellDocument) -> tuple[list[Range], list[Range], set[str]]:
    """Script blocks of remote-running commands, credential-file writers, `aws configure`."""
    remote: list[Range] = []
    writers: list[Range] = []
    configured: set[str] = set()
    for seg in analyse(doc).segments:
        if not seg.others:
            continue
        delta = seg.delta  # nodes keep the offsets of the version that captured them
        for kind, node in seg.others:
            if kind == REMOTE:
                remote.append(seg.range(node.start_byte, node.end_byte))
                continue
            if kind != WRITER and kind != AWS_CLI:
                continue
            text = doc.slice(node.start_byte + delta, node.end_byte + delta)
            if kind == AWS_CLI:
                if _AWS_CONFIGURE.search(text):
                    m = _AWS_CONFIGURE_PROFILE.search(text)
                    configured.add(m.group(1) if m else DEFAULT_PROFILE)
                continue
            if _CREDENTIAL_FILE_HINT.search(text):
                writers.append(seg.range(node.start_byte, node.end_byte))
    return remote, writers, configured


# Statements whose missing closer (a MISSING node inside) makes their content unreliable.
_BLOCKS = frozenset(
    {
        "function_statement",
        "script_block_expression",
        "statement_block",
        "if_statement",
        "foreach_statement",
        "for_statement",
        "while_statement",
        "do_statement",
        "switch_statement",
        "try_statement",
        "hash_literal_expression",
        "ERROR",
    }
)


def _unclosed(block: Node) -> bool:
    """The block's own closer is missing (tree-sitter inserted it): where its content
    ends is a guess. An error deeper inside (one broken statement) is not this:
    the block's other statements parse and are analysed (powershell.md §9)."""
    return block.type == "ERROR" or any(c.is_missing for c in block.children)


def broken_calls(doc: PowerShellDocument, calls: Sequence[CmdletCall]) -> list[bool]:
    """Calls that touch a syntax error: inside or overlapping an ERROR node, followed
    by one on their last line, or inside a block with a MISSING closer (powershell.md
    §9: never report profile findings from inside an ERROR subtree)."""
    # ERROR nodes, per statement (``segments``), in (start, -end) order.
    errors = [
        (c.start, c.end)
        for seg in analyse(doc).segments
        for c in seg.containers
        if c.kind == "error"
    ]
    starts = [s for s, _ in errors]
    reach: list[int] = []  # furthest end byte of the errors up to each index
    for _, e in errors:
        reach.append(max(e, reach[-1] if reach else 0))
    out: list[bool] = []
    for call in calls:
        if call.in_error:
            out.append(True)
            continue
        i = bisect.bisect_left(starts, call.end_byte)
        bad = i > 0 and reach[i - 1] > call.start_byte
        if not bad and i < len(errors):
            bad = doc.position(errors[i][0]).line == call.range.end.line
        if not bad and doc.has_errors:
            node = doc.root.descendant_for_byte_range(call.start_byte, call.end_byte)
            while node is not None and node.type != "program":
                if node.has_error and node.type in _BLOCKS and _unclosed(node):
                    bad = True
                    break
                node = node.parent
        out.append(bad)
    return out


class _Walker:
    def __init__(
        self,
        doc: PowerShellDocument,
        calls: Sequence[CmdletCall],
        base: OverlayChain,
        script_dir: str,
    ) -> None:
        self.doc = doc
        self.calls = calls
        self.chain = base
        self.script_dir = script_dir
        self.remote, self.writers, configured = _other_commands(doc)
        broken = broken_calls(doc, calls)
        self.kinds = [
            "error" if bad else _context_kind(c, self.remote)
            for c, bad in zip(calls, broken, strict=True)
        ]
        self.effects = _effects(doc, calls, script_dir)
        self.maybe: set[str] = set(configured)
        self.removed: dict[str, Removal] = {}
        # Bumped by every change of chain/maybe/removed/written (see ``_view``);
        # session changes do not count (states read the session as it is).
        self.version = 0
        self._view_version = -1
        self._shared: (
            tuple[
                OverlayChain,
                frozenset[str],
                dict[str, Removal],
                frozenset[str],
                tuple[object, ...],
            ]
            | None
        ) = None
        # The store edits applied so far, by content (``FlowState.fingerprint``).
        self.ops: list[tuple[object, ...]] = []
        self.unknown: str | None = None
        self.written: set[str] = set()
        self.top_session = UNKNOWN_SESSION
        self.function_sessions: dict[_Key, Session] = {}
        # Top-level if statements, read when a removal inside one needs them.
        self.ifs: list[_IfStatement] | None = None
        # Names created anywhere (code in functions may run after any of them)
        # and inside each loop (a later iteration sees an earlier one's work).
        self.created_anywhere: set[str] = set(configured)
        self.dynamic_anywhere: str | None = None
        self.loop_created: dict[_Key, set[str]] = {}
        self.loop_dynamic: dict[_Key, str] = {}
        for call, eff in zip(calls, self.effects, strict=True):
            if eff is None or not eff.touches_store or eff.kind is EffectKind.SESSION:
                continue
            loop = _outer_loop(call)
            if eff.dynamic:
                reason = (
                    f"{call.written_name} on line {call.range.start.line + 1} "
                    "changes a profile known only at run time"
                )
                self.dynamic_anywhere = self.dynamic_anywhere or reason
                if loop is not None:
                    self.loop_dynamic.setdefault(loop, reason)
            if eff.kind in (EffectKind.CREATE, EffectKind.COPY) and eff.name:
                self.created_anywhere.add(eff.name)
                if loop is not None:
                    self.loop_created.setdefault(loop, set()).add(eff.name)

    # -- per call ------------------------------------------------------------

    def _alternative(self, call: CmdletCall) -> tuple[_IfStatement, int] | None:
        """The top-level if statement and alternative a call sits directly in."""
        ctx = call.context
        if len(ctx) != 1 or ctx[0].kind not in ("if", "elseif", "else"):
            return None
        if self.ifs is None:
            # If statements ended before this call had no removals to apply.
            self.ifs = _if_statements(self.doc)
        for st in self.ifs:
            for i, alt in enumerate(st.alternatives):
                if alt == ctx[0].range:
                    return st, i
        return None

    def _session_for(self, call: CmdletCall, kind: str) -> Session:
        fn = _function_key(call)
        if fn is not None:
            return self.function_sessions.get(fn, UNKNOWN_SESSION)
        if kind in ("remote",):
            return UNKNOWN_SESSION
        return self.top_session

    def _view(
        self,
    ) -> tuple[
        OverlayChain, frozenset[str], dict[str, Removal], frozenset[str], tuple[object, ...]
    ]:
        """Copies of the stores and sets as they are now, shared by consecutive
        calls while no effect changes them (states are only read)."""
        version = self.version
        shared = self._shared
        if shared is None or self._view_version != version:
            shared = self._shared = (
                self.chain.overlay(),
                frozenset(self.maybe),
                dict(self.removed),
                frozenset(self.written),
                (tuple(self.ops), tuple(sorted(self.removed.items()))),
            )
            self._view_version = version
        return shared

    def state_for(self, i: int) -> FlowState:
        call = self.calls[i]
        kind = self.kinds[i]
        chain, maybe, removed, written, stores_key = self._view()
        unknown = self.unknown
        grown: set[str] | None = None
        if kind == "deferred":
            grown = set(maybe) | self.created_anywhere
            unknown = unknown or self.dynamic_anywhere
        loop = _outer_loop(call)
        if loop is not None:
            grown = (grown if grown is not None else set(maybe)) | self.loop_created.get(
                loop, set()
            )
            unknown = unknown or self.loop_dynamic.get(loop)
        if grown is not None:
            maybe = frozenset(grown)
        if kind == "remote":
            unknown = unknown or "the call runs in another session"
            removed = {}
        elif removed:
            removed = dict(removed)
        for writer in self.writers:
            if writer.start < call.range.start:
                unknown = unknown or (
                    f"a command on line {writer.start.line + 1} may write a credentials file"
                )
                break
        return FlowState(
            chain,
            maybe,
            removed,
            unknown,
            self._session_for(call, kind),
            written,
            kind,
            (kind, unknown is None, maybe, written, stores_key if kind != "remote" else None),
        )

    def apply(self, i: int) -> None:
        call = self.calls[i]
        eff = self.effects[i]
        if eff is None:
            return
        kind = self.kinds[i]
        definite = kind == "straight" and not eff.from_default
        if kind == "error":
            # A call being typed: a creation still counts, anything else is unknown.
            if eff.kind in (EffectKind.CREATE, EffectKind.COPY) and eff.name and not eff.dynamic:
                self.version += 1
                self.maybe.add(eff.name)
            elif eff.touches_store and eff.kind is not EffectKind.REMOVE:
                self.unknown = self.unknown or (f"line {call.range.start.line + 1} does not parse")
            return
        self._apply_session(call, eff, kind)
        if not eff.touches_store or kind == "remote":
            return
        if eff.dynamic:
            self.unknown = self.unknown or (
                f"{call.written_name} on line {call.range.start.line + 1} "
                "changes a profile known only at run time"
            )
            return
        loc = eff.location.path if eff.location is not None else None
        if eff.kind in (EffectKind.CREATE, EffectKind.COPY) and eff.name:
            self._create(eff, loc)
            if eff.location is not None and eff.location.key:
                self.written.add(eff.location.key)
            self.removed.pop(eff.name, None)
            if not definite:
                self.maybe.add(eff.name)
            return
        if eff.kind is EffectKind.REMOVE and eff.name:
            alt = self._alternative(call)
            if definite:
                self._remove(eff.name, loc, call)
            elif alt is not None:
                st, idx = alt
                st.removals.setdefault(idx, set()).add((eff.name, loc))
                st.calls.setdefault((eff.name, loc), call)
            return
        if eff.kind is EffectKind.CLEAR_DEFAULTS and definite:
            for name in (DEFAULT_PROFILE, LEGACY_DEFAULT):
                if self.chain.lookup(name, loc) is not None:
                    self._remove(name, loc, call)

    def _create(self, eff: Effect, loc: str | None) -> None:
        assert eff.name is not None
        self.version += 1  # (also covers what ``apply`` changes after it)
        self.ops.append(
            ("create", eff.kind.value, eff.name, loc, eff.source, tuple(sorted(eff.values.items())))
        )
        if eff.kind is EffectKind.COPY and eff.source is not None:
            copied = self.chain.copy(eff.source, eff.name, loc)
            if copied is None:
                self.chain.register(
                    eff.name,
                    {"aws_access_key_id": _PLACEHOLDER, "aws_secret_access_key": _PLACEHOLDER},
                    loc,
                )
            if eff.name == DEFAULT_PROFILE:
                # Initialize-AWSDefaultConfiguration then writes the region with empty
                # options through the routing rule (§2.2 caveat on Windows).
                self.chain.register(DEFAULT_PROFILE, {}, loc)
            return
        self.chain.register(eff.name, dict(eff.values), loc)

    def _remove(self, name: str, loc: str | None, call: CmdletCall) -> None:
        self.version += 1
        self.ops.append(("remove", name, loc))
        if self.chain.unregister(name, loc) is not None or self.chain.lookup(name, loc) is None:
            self.removed[name] = Removal(name, call.range, loc, call.written_name)
        self.maybe.discard(name)

    def _apply_session(self, call: CmdletCall, eff: Effect, kind: str) -> None:
        if eff.kind not in (
            EffectKind.SESSION,
            EffectKind.CLEAR_SESSION,
            EffectKind.CLEAR_DEFAULTS,
            EffectKind.COPY,
            EffectKind.CREATE,
        ):
            return
        if eff.kind in (EffectKind.COPY, EffectKind.CREATE) and call.name not in (
            "Initialize-AWSDefaultConfiguration",
        ):
            return
        if eff.session.kind is SessionKind.UNKNOWN and eff.kind is EffectKind.CLEAR_DEFAULTS:
            return
        fn = _function_key(call)
        if fn is not None:
            straight_in_fn = _straight_in_function(call)
            self.function_sessions[fn] = eff.session if straight_in_fn else UNKNOWN_SESSION
            if eff.global_scope:
                self.top_session = UNKNOWN_SESSION
            return
        if kind == "straight" or (kind == "deferred" and not eff.global_scope):
            if kind == "straight":
                self.top_session = eff.session
            return
        self.top_session = UNKNOWN_SESSION

    def flush_ifs(self, before: Range | None) -> None:
        """Apply removals made on every path of top-level if statements that ended."""
        ifs = self.ifs
        while ifs and (before is None or ifs[0].range.end <= before.start):
            st = ifs.pop(0)
            if not st.exhaustive or len(st.removals) != len(st.alternatives):
                continue
            common = set.intersection(*st.removals.values())
            for name, loc in sorted(common, key=lambda t: (t[0], t[1] or "")):
                self._remove(name, loc, st.calls[(name, loc)])

    def run(self) -> FlowResult:
        states: list[FlowState] = []
        for i, call in enumerate(self.calls):
            if self.ifs:
                self.flush_ifs(call.range)
            states.append(self.state_for(i))
            self.apply(i)
        self.flush_ifs(None)
        return FlowResult(tuple(states), tuple(self.effects), self.chain, tuple(self.writers))


def run_flow(
    doc: PowerShellDocument,
    calls: Sequence[CmdletCall],
    chain: OverlayChain,
    script_dir: str,
) -> FlowResult:
    """Follow the script's calls over ``chain`` (an overlay; it is edited in place)."""
    return _Walker(doc, calls, chain, script_dir).run()


def profile_binding(call: CmdletCall) -> BoundParameter | None:
    """The ``-ProfileName`` binding a call uses, if any (any source but positional leftovers)."""
    b = call.parameter("ProfileName")
    if b is None:
        return None
    if b.source is BindingSource.DEFAULT_VALUES and b.conditional:
        return None
    return b


__all__ = [
    "DEFAULT_PROFILE",
    "Effect",
    "EffectKind",
    "FlowResult",
    "FlowState",
    "Location",
    "Removal",
    "Session",
    "SessionKind",
    "effect_of",
    "given",
    "is_dynamic",
    "location_binding",
    "profile_binding",
    "resolve_location",
    "run_flow",
    "static_text",
]
