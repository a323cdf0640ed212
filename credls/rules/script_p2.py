"""CRED210 and CRED408-CRED410 over a script model (declared in ``credls.rules.cmdlets``).

``check_p2(model)`` computes the four rules for the whole script. They read
what the model already holds (bindings, per-call module version, statement
context); only CRED410 looks at statements that are not AWS calls, found by a
byte search for ``AWS_PROFILE`` and classified with the syntax tree around
each hit (a script rarely mentions it, so this costs next to nothing).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from credls.diagnostic import Diagnostic, Fix, Related, Severity, TextEdit
from credls.powershell import reuse
from credls.powershell.calls import BindingSource, BoundParameter, CmdletCall, DuplicateParameter
from credls.powershell.catalog import CmdletKind
from credls.powershell.flow import is_dynamic
from credls.powershell.values import Dynamic, Static, literal_value
from credls.rules.cmdlets import (
    AWS_PROFILE_IGNORED,
    DUPLICATE_PARAMETER,
    SESSION_CREDENTIALS_SCOPE,
    UNKNOWN_PROFILE_STORE,
)
from credls.settings import ModuleVersion, Platform
from credls.text import Range

if TYPE_CHECKING:
    from tree_sitter import Node

    from credls.powershell.parser import PowerShellDocument
    from credls.powershell.script import CallInfo, ScriptModel
    from credls.powershell.segments import SegmentCache

# --- the PowerShell engine the script asks for ------------------------------------------

_REQUIRES_VERSION = re.compile(
    r"^[ \t]*#requires\b[^\r\n]*?\s-version\s+['\"]?(\d+)(?:\.(\d+))?", re.I | re.M
)
_REQUIRES_DESKTOP = re.compile(
    r"^[ \t]*#requires\b[^\r\n]*?\s-psedition\s+['\"]?desktop\b", re.I | re.M
)


@dataclass(frozen=True)
class Engine:
    """What ``#Requires`` says about the PowerShell that runs the script."""

    version: tuple[int, int] | None  # #Requires -Version
    desktop: bool  # #Requires -PSEdition Desktop: Windows PowerShell 5.1

    @property
    def explicit_overrides_splat(self) -> bool:
        """PowerShell >= 7.1: an explicit parameter supersedes a splatted one (powershell.md §5)."""
        return not self.desktop and self.version is not None and self.version >= (7, 1)


def engine_of(text: str) -> Engine:
    m = _REQUIRES_VERSION.search(text)
    version = (int(m.group(1)), int(m.group(2) or 0)) if m else None
    return Engine(version, _REQUIRES_DESKTOP.search(text) is not None)


# --- shared helpers -----------------------------------------------------------------


def _splat_token(model: ScriptModel, call: CmdletCall, splat: str) -> Range | None:
    """Where ``@splat`` is written in the call (a splat key's own range is in the hashtable)."""
    rng = call.range
    lines = model.document.lines
    start = lines.offset(rng.start)
    text = model.document.text[start : lines.offset(rng.end)]
    m = re.search(r"(?<![\w@$])@" + re.escape(splat) + r"(?![\w:])", text, re.I)
    if m is None:
        return None
    return Range(lines.position(start + m.start()), lines.position(start + m.end()))


def _unique(found: Iterable[Diagnostic]) -> list[Diagnostic]:
    """One finding per (code, range): calls sharing a splat or a default report it once."""
    seen: set[tuple[str, Range]] = set()
    out: list[Diagnostic] = []
    for d in found:
        key = (d.code, d.range)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


# --- CRED408 duplicate-parameter ----------------------------------------------------------

_BOUND_TWICE = "\"Cannot bind parameter because parameter '{name}' is specified more than once\""


def _describe(b: BoundParameter) -> str:
    """An occurrence as the user wrote it (names only: values may be secrets)."""
    if b.source is BindingSource.SPLAT:
        return f"splat key '{b.written}' of @{b.splat}"
    if b.source is BindingSource.POSITIONAL:
        return "a positional argument"
    written = b.written or b.name
    if b.alias and b.exact:
        return f"its alias -{written}"
    if not b.exact:
        return f"-{written} (abbreviated)"
    return f"-{written}"


def _explicit(b: BoundParameter) -> bool:
    return b.source in (BindingSource.TYPED, BindingSource.POSITIONAL)


def duplicate_parameter(
    model: ScriptModel, call: CmdletCall, dup: DuplicateParameter, engine: Engine
) -> Diagnostic | None:
    first, second = dup.first, dup.second
    sources = {first.source, second.source}
    if BindingSource.DEFAULT_VALUES in sources:
        return None  # defaults apply only to parameters not bound otherwise (powershell.md §5)
    mixed = _explicit(first) != _explicit(second)  # one explicit, one splatted
    if mixed and engine.explicit_overrides_splat:
        return None  # #Requires -Version 7.1+: the explicit value wins, by design
    name = dup.name
    both = f"{_describe(first)} and {_describe(second)}"
    what = f"-{name} is given twice on {call.written_name} ({both})"
    error = _BOUND_TWICE.format(name=name)
    severity: Severity | None = None
    if mixed and engine.desktop:
        effect = f"Windows PowerShell 5.1 stops with {error}"
    elif mixed:
        effect = (
            f"Windows PowerShell 5.1 (and PowerShell before 7.1) stops with {error}; "
            "PowerShell 7.1 and later use the explicit value and ignore the splatted one"
        )
        severity = Severity.WARNING
    else:
        effect = f"PowerShell stops with {error}"
    conditional = (
        " (the splat key is set only on some paths)"
        if (first.conditional or second.conditional)
        else ""
    )
    path = model.path
    related: list[Related] = []
    same_table = (
        first.source is BindingSource.SPLAT
        and second.source is BindingSource.SPLAT
        and (first.splat or "").lower() == (second.splat or "").lower()
    )
    at: Range | None
    if second.source is BindingSource.SPLAT and not same_table:
        at = _splat_token(model, call, second.splat or "")
        if second.name_range is not None:
            related.append(Related(path, second.name_range, f"splat key '{second.written}'"))
    else:
        at = second.name_range or second.value_range
    if first.name_range is not None or first.value_range is not None:
        first_at = first.name_range or first.value_range
        assert first_at is not None
        related.insert(0, Related(path, first_at, f"first given here ({_describe(first)})"))
    return Diagnostic(
        DUPLICATE_PARAMETER.code,
        f"{what}: {effect}{conditional}",
        path,
        at or call.name_range,
        severity=severity,
        related=tuple(related),
    )


def duplicate_parameters(model: ScriptModel, call: CmdletCall, engine: Engine) -> list[Diagnostic]:
    out = []
    for dup in call.duplicates:
        d = duplicate_parameter(model, call, dup, engine)
        if d is not None:
            out.append(d)
    return out


# --- CRED409 session-credentials-scope ----------------------------------------------------


def session_credentials_scope(model: ScriptModel, call: CmdletCall) -> Diagnostic | None:
    """Set-AWSCredential setting session credentials in a function (powershell.md §2.2)."""
    if call.name != "Set-AWSCredential" or "function" not in call.context_kinds:
        return None
    if call.parameter("Scope") is not None or call.parameter("StoreAs") is not None:
        return None  # -StoreAs stores a profile and leaves the session alone
    if call.unresolved_splats:
        return None  # -Scope may be among the keys we cannot see
    fn = call.function or "the function"
    name = call.name_range
    insert = Range(name.end, name.end)
    return Diagnostic(
        SESSION_CREDENTIALS_SCOPE.code,
        f"{call.written_name} inside function {fn} without -Scope sets the session "
        f"credentials in the function's own scope: they vanish when {fn} returns, and calls "
        "after it fall back to other credential sources; pass -Scope Global (or Script) "
        "if the caller should use them",
        model.path,
        name,
        fix=Fix(
            "Add -Scope Global",
            (TextEdit(model.path, insert, " -Scope Global"),),
            unattended=False,  # the credentials then outlive the function: a behaviour change
        ),
    )


# --- CRED210 unknown-profile-store --------------------------------------------------------


def unknown_profile_store(model: ScriptModel, info: CallInfo) -> Diagnostic | None:
    """A -ProfileLocation known only at run time: a hint, never an error (rules.md CRED210)."""
    call = info.call
    b = call.parameter("ProfileLocation")
    if b is None or not is_dynamic(b):
        return None
    loc = info.location
    if loc is not None and loc.path is not None:
        return None  # "$HOME/…", "$PSScriptRoot/…": resolved after all
    v = b.value
    reason = (loc.reason if loc is not None else None) or (
        v.reason if isinstance(v, Dynamic) else "a run-time value"
    )
    path = model.path
    related: tuple[Related, ...] = ()
    at: Range | None
    if b.source is BindingSource.SPLAT:
        at = _splat_token(model, call, b.splat or "")
        if b.value_range is not None:
            related = (Related(path, b.value_range, "-ProfileLocation is set here"),)
    else:
        at = b.value_range or b.name_range
    subject = f"The store {call.written_name} uses"
    checked = "this call's profile"
    if b.source is BindingSource.DEFAULT_VALUES:
        # One finding for the entry (``_unique``), whichever calls it applies to.
        subject = (
            "The store of the calls this $PSDefaultParameterValues entry applies to "
            f"(first: {call.written_name})"
        )
        checked = "their profiles"
    return Diagnostic(
        UNKNOWN_PROFILE_STORE.code,
        f"{subject} is known only at run time (-ProfileLocation: {reason}); credls does not "
        f"check {checked} against any store",
        path,
        at or call.name_range,
        related=related,
    )


# --- CRED410 aws-profile-ignored ----------------------------------------------------------

_AWS_PROFILE = re.compile(rb"aws_profile", re.I)
_ENV_VARIABLE = re.compile(r"\$(?:env:aws_profile|\{env:aws_profile\})", re.I)
_ENV_PATH = re.compile(r"env:[\\/]?aws_profile", re.I)
_ITEM_SETTERS = frozenset({"set-item", "si", "new-item", "ni"})
_ITEM_REMOVERS = frozenset({"remove-item", "ri", "rm", "del", "erase", "rd", "rmdir"})
_ENVIRONMENT_TYPE = re.compile(r"\[\s*(?:system\.)?environment\s*\]", re.I)
_EMPTY_VALUE = re.compile(r"-value\s*:?\s*(?:\$null|''|\"\")(?:\s|$)", re.I)
# Cmdlets that run the credential search (powershell.md §3.1), besides service cmdlets.
_RESOLVING = frozenset(
    {"Set-AWSCredential", "New-AWSCredential", "Initialize-AWSDefaultConfiguration"}
)
_NAMING = frozenset({"ProfileName", "AccessKey", "SecretKey", "Credential"})
# Ancestors looked at around a hit (a literal sits ~12 levels deep, powershell.md §9).
_MAX_DEPTH = 24


@dataclass(frozen=True)
class ProfileSetter:
    """A statement that sets (or clears) AWS_PROFILE for the script's own process."""

    range: Range  # the variable, path or name as written
    start_byte: int  # the statement: a later write replaces this one from here on
    end_byte: int  # calls after this see the value
    spelled: str  # the variable name as written (case matters on Linux/macOS)
    clears: bool = False  # $null / '' / Remove-Item: no profile chosen


def _ancestors(node: Node) -> list[Node]:
    out: list[Node] = []
    n: Node | None = node
    while n is not None and len(out) < _MAX_DEPTH:
        out.append(n)
        n = n.parent
    return out


def _empty_value(doc: PowerShellDocument, node: Node | None) -> bool:
    """``$null``, ``''`` or ``""``: clears the variable rather than choosing a profile."""
    if node is None:
        return False
    value = literal_value(doc, node)
    return isinstance(value, Static) and value.text == ""


def _assignment_setter(doc: PowerShellDocument, chain: Sequence[Node]) -> ProfileSetter | None:
    var = next((n for n in chain if n.type == "variable"), None)
    if var is None or not _ENV_VARIABLE.fullmatch(doc.node_text(var)):
        return None
    lhs = next((n for n in chain if n.type == "left_assignment_expression"), None)
    if lhs is None or lhs.parent is None or lhs.parent.type != "assignment_expression":
        return None
    if doc.node_text(lhs).strip() != doc.node_text(var):
        return None  # $env:AWS_PROFILE.Member = …
    assign = lhs.parent
    kids = assign.named_children
    spelled = doc.node_text(var).strip("${}").partition(":")[2]
    return ProfileSetter(
        doc.node_range(var),
        assign.start_byte,
        assign.end_byte,
        spelled,
        clears=len(kids) > 2 and _empty_value(doc, kids[2]),
    )


def _item_setter(doc: PowerShellDocument, chain: Sequence[Node]) -> ProfileSetter | None:
    """``Set-Item``/``New-Item env:AWS_PROFILE …`` (``Remove-Item`` clears it)."""
    arg = next((n for n in chain if n.type in ("generic_token", "string_literal")), None)
    cmd = next((n for n in chain if n.type == "command"), None)
    if arg is None or cmd is None:
        return None
    value = literal_value(doc, arg)
    if not isinstance(value, Static) or not _ENV_PATH.fullmatch(value.text):
        return None
    name = cmd.child_by_field_name("command_name")
    if name is None:
        return None
    written = doc.node_text(name).rpartition("\\")[2].lower()
    removes = written in _ITEM_REMOVERS
    if written not in _ITEM_SETTERS and not removes:
        return None
    spelled = value.text.partition(":")[2].lstrip("\\/")
    clears = removes or _EMPTY_VALUE.search(doc.node_text(cmd)) is not None
    return ProfileSetter(doc.node_range(arg), cmd.start_byte, cmd.end_byte, spelled, clears)


def _method_setter(doc: PowerShellDocument, chain: Sequence[Node]) -> ProfileSetter | None:
    """``[Environment]::SetEnvironmentVariable('AWS_PROFILE', v[, 'Process'])``."""
    literal = next((n for n in chain if n.type == "string_literal"), None)
    call = next((n for n in chain if n.type == "invokation_expression"), None)
    if literal is None or call is None or call.named_child_count < 3:
        return None
    target, member, args = call.named_children[0], call.named_children[1], call.named_children[-1]
    if (
        target.type != "type_literal"
        or not _ENVIRONMENT_TYPE.fullmatch(doc.node_text(target))
        or doc.node_text(member).lower() != "setenvironmentvariable"
        or args.type != "argument_list"
    ):
        return None
    listed = args.named_children[0] if args.named_child_count else None
    values = [] if listed is None else listed.named_children
    first = values[0] if values else None
    if first is None or (first.start_byte, first.end_byte) != (
        literal.start_byte,
        literal.end_byte,
    ):
        return None  # AWS_PROFILE is not the variable's name here
    name = literal_value(doc, literal)
    if not isinstance(name, Static) or name.text.lower() != "aws_profile" or len(values) < 2:
        return None
    if len(values) > 2:
        target_text = doc.node_text(values[2]).strip("'\" \t").lower()
        if not target_text.endswith("process"):
            return None  # User/Machine: only processes started later see it
    return ProfileSetter(
        doc.node_range(literal),
        call.start_byte,
        call.end_byte,
        name.text,
        clears=_empty_value(doc, values[1]),
    )


def profile_setters(doc: PowerShellDocument) -> list[ProfileSetter]:
    """Statements that set or clear AWS_PROFILE in this process, in document order."""
    out: list[ProfileSetter] = []
    root = doc.root
    for m in _AWS_PROFILE.finditer(doc.source):
        leaf = root.descendant_for_byte_range(m.start(), m.end())
        if leaf is None:
            continue
        chain = _ancestors(leaf)
        if any(n.type in ("ERROR", "comment") or n.is_missing for n in chain):
            continue  # the user is typing, or it is only mentioned
        found = (
            _assignment_setter(doc, chain) or _item_setter(doc, chain) or _method_setter(doc, chain)
        )
        if found is not None and (not out or out[-1].range != found.range):
            out.append(found)
    return out


def _names_credentials(call: CmdletCall) -> bool:
    """The call passes its own credentials: AWS_PROFILE would not matter in v5 either."""
    if call._syntax is None:  # built by hand, not by find_calls
        bound = [call.parameter(n) for n in _NAMING]
        return any(b is not None and not b.conditional for b in bound)
    # The binding records: no BoundParameter built for the (many) calls checked here.
    return any(r.name in _NAMING and not r.conditional for r in call._parts()[1].bound)


def _searches_credentials(call: CmdletCall) -> bool:
    return call.cmdlet.kind is CmdletKind.SERVICE or call.name in _RESOLVING


def _ignored_finding(
    model: ScriptModel, setter: ProfileSetter, first: CallInfo, others: int
) -> Diagnostic:
    call = first.call
    line = call.name_range.start.line + 1
    more = f" (and {others} other call{'s' if others > 1 else ''} after it)" if others else ""
    case = ""
    if setter.spelled != "AWS_PROFILE" and model.platform is not Platform.WINDOWS:
        # powershell.md §5: environment variable names are case-sensitive there.
        case = (
            "; on Linux and macOS environment variable names are case-sensitive, so this "
            f"sets {setter.spelled}, not AWS_PROFILE"
        )
    module = first.module.describe()
    related = [Related(model.path, call.name_range, f"{call.written_name} runs on {module}")]
    if first.module.range is not None:
        related.append(Related(model.path, first.module.range, "the module version is chosen here"))
    return Diagnostic(
        AWS_PROFILE_IGNORED.code,
        "AWS_PROFILE is set here, but AWS Tools for PowerShell v4 never reads it: "
        f"{call.written_name} on line {line}{more} runs on {module} and falls back to the "
        "session, environment keys or the default profile; pass -ProfileName or call "
        f"Set-AWSCredential -ProfileName (v5 reads AWS_PROFILE){case}",
        model.path,
        setter.range,
        related=tuple(related),
    )


def aws_profile_ignored(model: ScriptModel) -> list[Diagnostic]:
    """AWS_PROFILE set before AWS calls that run on module v4 (powershell.md §3.1, §6 item 2).

    A setter counts for the calls after it up to the next write (or clearing)
    of the variable, in document order.
    """
    document = model.document
    if b"aws_profile" not in document.source.lower():  # (ten times faster than re.I)
        return []
    setters = profile_setters(document)
    if not any(not s.clears for s in setters):
        return []
    first_end = min(st.end_byte for st in setters if not st.clears)
    affected = [
        info
        for info in model.infos
        if info.call.start_byte >= first_end
        and not info.broken
        and info.module.version is ModuleVersion.V4
        and _searches_credentials(info.call)
        and not _names_credentials(info.call)
    ]
    starts = [info.call.start_byte for info in affected]  # document order
    out: list[Diagnostic] = []
    for i, setter in enumerate(setters):
        if setter.clears:
            continue
        lo = bisect.bisect_left(starts, setter.end_byte)
        hi = bisect.bisect_left(starts, setters[i + 1].start_byte) if i + 1 < len(setters) else None
        later = affected[lo:hi]  # the windows do not overlap: linear in all
        if later:
            out.append(_ignored_finding(model, setter, later[0], len(later) - 1))
    return out


# --- entry point ----------------------------------------------------------------------------


def _has_duplicates(call: CmdletCall) -> bool:
    """Whether a parameter is bound twice, without building the bound parameters.

    The language server re-checks every call after each edit and the other
    checks of an unchanged call are reused, so its ``BoundParameter`` objects
    are often never built: reading the binding records keeps a call that binds
    nothing twice (nearly all) at the cost of one attribute read.
    """
    if call._syntax is None:  # built by hand, not by find_calls
        return bool(call.duplicates)
    return bool(call._parts()[1].duplicates)


def _location_record(call: CmdletCall) -> object | None:
    """The binding record of -ProfileLocation (stable while the binding is), or None."""
    if call._syntax is None:
        return call.parameter("ProfileLocation")
    return next((r for r in call._parts()[1].bound if r.name == "ProfileLocation"), None)


class _StaticLocations:
    """Calls whose -ProfileLocation was found static, kept across the edits of a document.

    Telling needs the value, and evaluating it (a splat, a variable) is the
    one costly step of these rules; a call whose binding object and looked-up
    variables did not change keeps its verdict (``credls.powershell.reuse``).
    """

    __slots__ = ("entries",)

    def __init__(self) -> None:
        # id(binding record) -> (record, version checked, variables read)
        self.entries: dict[int, tuple[object, int, frozenset[str]]] = {}


def _static_locations(model: ScriptModel) -> tuple[_StaticLocations, SegmentCache] | None:
    cache = reuse.keeping_cache(model.document)
    if cache is None:
        return None  # checked once (credls check): nothing to keep
    kept = cache.kept.get("script_p2")
    if not isinstance(kept, _StaticLocations):
        kept = _StaticLocations()
        cache.kept["script_p2"] = kept
    return kept, cache


def check_p2(model: ScriptModel) -> list[Diagnostic]:
    """CRED210 and CRED408-CRED410 for every AWS call of the script."""
    engine: Engine | None = None
    memo = _static_locations(model)
    static: dict[int, tuple[object, int, frozenset[str]]] = {}
    version = model.document.version
    out: list[Diagnostic] = []
    for info in model.infos:
        if info.broken:
            continue
        call = info.call
        if _has_duplicates(call):
            if engine is None:
                engine = engine_of(model.document.text)
            out.extend(duplicate_parameters(model, call, engine))
        if call.name == "Set-AWSCredential":
            d = session_credentials_scope(model, call)
            if d is not None:
                out.append(d)
        record = _location_record(call)
        if record is None:
            continue
        if memo is not None:
            seen = memo[0].entries.get(id(record))
            if (
                seen is not None
                and seen[0] is record
                and reuse.deps_unchanged(memo[1], seen[1], seen[2])
            ):
                static[id(record)] = seen
                continue
        d = unknown_profile_store(model, info)
        if d is not None:
            out.append(d)
        elif memo is not None:
            deps = call.dependencies()
            if deps is not None:
                static[id(record)] = (record, version, deps)
    if memo is not None:
        memo[0].entries = static  # calls that are gone are forgotten
    out.extend(aws_profile_ignored(model))
    return _unique(out)


__all__ = [
    "Engine",
    "ProfileSetter",
    "aws_profile_ignored",
    "check_p2",
    "duplicate_parameters",
    "engine_of",
    "profile_setters",
    "session_credentials_scope",
    "unknown_profile_store",
]
