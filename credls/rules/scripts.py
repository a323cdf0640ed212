"""Script rules that need the flow model: profiles (CRED201-204, 209) and bound literals.

Profiles (rules.md CRED2xx; powershell.md §3.1 step 2, §4.2): a static
``-ProfileName`` (typed, positional, splatted or from
``$PSDefaultParameterValues``) is looked up in the stores the call searches,
as the flow left them before the call (``credls.powershell.flow``). Nothing is
reported for run-time values, calls inside ERROR regions, or once the flow is
unknown.

Literals (rules.md CRED301-303, 306): what only parameter binding can see —
any literal bound to ``-AccessKey``/``-SecretKey``/``-SessionToken`` (aliases,
prefixes, splat keys, defaults), also through variables and ``param()``
defaults — reported at the literal, with related information at each use.
``merge_literal_findings`` removes the text scanner's finding for a literal
this module reports (one finding per literal).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from credls.diagnostic import Diagnostic, Fix, Related, Severity, TextEdit
from credls.powershell.calls import BindingSource, BoundParameter, CmdletCall
from credls.powershell.catalog import CmdletKind
from credls.powershell.flow import given, static_text
from credls.powershell.script import CallInfo, ScriptModel, analysis_scope, script_model
from credls.powershell.values import LiteralKind, Static
from credls.rules.profiles import (
    PROFILE_LOCATION_NOT_FOUND,
    PROFILE_NAME_CASE,
    PROFILE_NOT_IN_LOCATION,
    PROFILE_REMOVED,
    UNRESOLVED_PROFILE,
)
from credls.rules.security import (
    EXAMPLE_KEY,
    LITERAL_ACCESS_KEY,
    LITERAL_SECRET_KEY,
    LITERAL_SESSION_TOKEN,
)
from credls.scan.values import ValueClass, classify, is_template
from credls.secret import mask_key_id
from credls.store.model import SDK_STORE, Profile
from credls.text import Position, Range

if TYPE_CHECKING:
    from credls.document import Document
    from credls.rules.context import CheckContext

LITERAL_CODES = frozenset(
    {LITERAL_ACCESS_KEY.code, LITERAL_SECRET_KEY.code, LITERAL_SESSION_TOKEN.code, EXAMPLE_KEY.code}
)

# Cmdlets whose -ProfileName must name an existing profile (rules.md CRED201).
# Get-AWSCredential returns nothing for an unknown name (used to test
# existence); the SSO/login cmdlets create the profile they name.
_LOOKUP_CMDLETS = frozenset(
    {
        "Set-AWSCredential",
        "New-AWSCredential",
        "Initialize-AWSDefaultConfiguration",
        "Remove-AWSCredentialProfile",
    }
)
_BARE_SAFE = re.compile(r"[A-Za-z0-9_.:/\\@+%=][A-Za-z0-9_.:/\\@+%=-]*")


# --- literal edits ------------------------------------------------------------------


def quote_like(value: Static, new: str) -> str | None:
    """``new`` written as a PowerShell literal of the same kind as ``value``."""
    kind = value.kind
    if kind is LiteralKind.VERBATIM:
        return "'" + new.replace("'", "''") + "'"
    if kind is LiteralKind.EXPANDABLE:
        escaped = new.replace("`", "``").replace('"', '`"').replace("$", "`$")
        return '"' + escaped + '"'
    if kind is LiteralKind.BARE:
        if _BARE_SAFE.fullmatch(new):
            return new
        return "'" + new.replace("'", "''") + "'"
    return None


def replace_literal(path: str, value: Static, new: str) -> TextEdit | None:
    """An edit that makes the literal ``value`` read ``new`` (None for here-strings)."""
    text = quote_like(value, new)
    if text is None:
        return None
    return TextEdit(path, value.range, text)


# --- profiles -----------------------------------------------------------------------


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, stopping early once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        best = i
        for j, cb in enumerate(b, 1):
            d = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            cur.append(d)
            best = min(best, d)
        if best > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def _distance(a: str, b: str) -> int:
    """Levenshtein distance, bit-parallel (Myers 1999, Hyyrö's formulation).

    One pass over ``b`` with integer bit operations instead of a table:
    ``suggestions`` compares every unknown profile name with every stored one.
    """
    m = len(a)
    if m == 0:
        return len(b)
    peq: dict[str, int] = {}
    for i, ch in enumerate(a):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    mask = (1 << m) - 1
    last = 1 << (m - 1)
    pv, mv, score = mask, 0, m
    for ch in b:
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = ((((eq & pv) + pv) & mask) ^ pv) | eq
        ph = mv | (~(xh | pv) & mask)
        mh = pv & xh
        if ph & last:
            score += 1
        elif mh & last:
            score -= 1
        ph = ((ph << 1) | 1) & mask
        mh = (mh << 1) & mask
        pv = mh | (~(xv | ph) & mask)
        mv = ph & xv
    return score


def suggestions(name: str, candidates: Iterable[str]) -> list[str]:
    """Close names, nearest first (case-insensitive equality is CRED209's business)."""
    limit = 1 if len(name) <= 4 else 2
    wanted = name.casefold()
    scored: dict[str, int] = {}
    for c in candidates:
        if not c or c.casefold() == wanted or c in scored:
            continue
        other = c.casefold()
        # Exact whenever it is within the limit (all that matters here).
        d = _distance(wanted, other) if abs(len(wanted) - len(other)) <= limit else limit + 1
        if d <= limit and d < len(name):
            scored[c] = d
    return sorted(scored, key=lambda c: (scored[c], c))


class _Memo:
    """Store queries of one rule pass, shared by the calls that see the same stores.

    Consecutive flow states share their store view until an effect changes it
    (``flow._Walker._view``), so most calls of a script ask the same questions.
    Keys hold object ids: every keyed object is alive for the whole pass.
    """

    __slots__ = ("table",)

    def __init__(self) -> None:
        self.table: dict[tuple[object, ...], object] = {}


def _where(info: CallInfo, location: str | None, memo: _Memo | None = None) -> str:
    key = ("where", id(info.state.chain), location)
    if memo is not None and key in memo.table:
        return memo.table[key]  # type: ignore[return-value]
    chain = info.state.chain
    places = [f"{kind} {path}" for kind, path in chain.searched_locations(location) if path]
    if chain.known_profiles:
        places.append("known-profiles")
    where = ", ".join(places) if places else "no store is configured"
    if memo is not None:
        memo.table[key] = where
    return where


def _subject(b: BoundParameter, name: str) -> str:
    v = b.value
    if isinstance(v, Static) and v.from_param_default and v.variable:
        return f"Profile '{name}' (parameter ${v.variable} with the default value)"
    return f"Profile '{name}'"


def _origin(path: str, b: BoundParameter) -> tuple[Related, ...]:
    """Where the name is written, when that is not where it is used."""
    v = b.value
    if isinstance(v, Static) and b.value_range is not None and v.range != b.value_range:
        return (Related(path, v.range, "the profile name is written here"),)
    return ()


def _at(b: BoundParameter, info: CallInfo) -> Range:
    return b.value_range or b.name_range or info.call.name_range


def _fix_to(path: str, b: BoundParameter, new: str, title: str) -> Fix | None:
    v = b.value
    if not isinstance(v, Static):
        return None
    edit = replace_literal(path, v, new)
    return Fix(title, (edit,)) if edit is not None else None


def _candidates(info: CallInfo, location: str | None, memo: _Memo | None = None) -> list[str]:
    key = ("candidates", id(info.state.chain), location, id(info.state.maybe_created))
    if memo is not None and key in memo.table:
        return memo.table[key]  # type: ignore[return-value]
    chain = info.state.chain
    names = [p.name for p in chain.all_profiles(location)]
    names.extend(chain.known_profiles)
    names.extend(sorted(info.state.maybe_created))
    out = list(dict.fromkeys(names))
    if memo is not None:
        memo.table[key] = out
    return out


def _hits(
    info: CallInfo, name: str, location: str | None, memo: _Memo | None = None
) -> list[Profile]:
    remove = info.call.name == "Remove-AWSCredentialProfile"
    key = ("hits", id(info.state.chain), name, location, remove)
    if memo is not None and key in memo.table:
        return memo.table[key]  # type: ignore[return-value]
    chain = info.state.chain
    if remove:
        # §2.2: existence is checked against listable profiles, case-sensitively.
        hits = [p for p in chain.list_profiles(location) if p.name == name]
        if name in chain.known_profiles:
            hits.append(Profile.known(name))
    else:
        hits = chain.find(name, location)
    if memo is not None:
        memo.table[key] = hits
    return hits


def _case_matches(
    info: CallInfo, name: str, location: str | None, memo: _Memo | None = None
) -> list[str]:
    key = ("case", id(info.state.chain), name, location, id(info.state.maybe_created))
    if memo is not None and key in memo.table:
        return memo.table[key]  # type: ignore[return-value]
    wanted = name.casefold()
    found = [p.name for p in info.state.chain.find_case_insensitive(name, location)]
    found.extend(n for n in sorted(info.state.maybe_created) if n.casefold() == wanted)
    out = [n for n in dict.fromkeys(found) if n != name]
    if memo is not None:
        memo.table[key] = out
    return out


def _suggestions(name: str, candidates: list[str], memo: _Memo | None) -> list[str]:
    if memo is None:
        return suggestions(name, candidates)
    key = ("suggest", name, id(candidates))  # candidates: a memoised list, kept alive
    found = memo.table.get(key)
    if found is None:
        found = memo.table[key] = suggestions(name, candidates)
    return found  # type: ignore[return-value]


def _location_finding(model: ScriptModel, info: CallInfo) -> Diagnostic | None:
    loc = info.location
    state = info.state
    if loc is None or loc.path is None or loc.exists or state.unknown is not None:
        return None
    if state.location_written(loc):
        return None
    call = info.call
    if call.name == "Initialize-AWSDefaultConfiguration" or (
        call.name == "Set-AWSCredential" and call.parameter("StoreAs") is not None
    ):
        return None  # this call writes (creates) the file
    if _keys_given(call):
        return None  # keys win and the file is never read (powershell.md §3.1 step 1)
    rng = loc.range or info.call.name_range
    return Diagnostic(
        PROFILE_LOCATION_NOT_FOUND.code,
        f"-ProfileLocation names a file that does not exist: {loc.path}",
        model.path,
        rng,
    )


def _keys_given(call: CmdletCall) -> bool:
    """-AccessKey and -SecretKey both bound with a value (the credential search's step 1)."""
    return given(call, "AccessKey") is not None and given(call, "SecretKey") is not None


def _profile_finding(
    model: ScriptModel, info: CallInfo, memo: _Memo | None = None
) -> Diagnostic | None:
    call = info.call
    b = info.profile
    state = info.state
    if b is None or b.missing_value or b.conditional or state.unknown is not None:
        return None
    if call.cmdlet.kind is not CmdletKind.SERVICE and call.name not in _LOOKUP_CMDLETS:
        return None
    name = static_text(b)
    if not name:
        return None
    loc = info.location
    if loc is not None and (loc.path is None or not (loc.exists or state.location_written(loc))):
        return None  # unknown file, or CRED202
    location = loc.path if loc is not None else None
    path = model.path
    hits = _hits(info, name, location, memo)
    if hits:
        first = hits[0]
        if (
            first.name != name
            and first.store == SDK_STORE
            and not any(h.name == name for h in hits[1:])
        ):
            rng = _at(b, info)
            return Diagnostic(
                PROFILE_NAME_CASE.code,
                f"{_subject(b, name)} is found on Windows only because the SDK store ignores "
                f"case; it is stored as '{first.name}', and the credentials files on Linux/macOS "
                "and other tools match names exactly",
                path,
                rng,
                Severity.WARNING,
                related=_origin(path, b),
                fix=_fix_to(path, b, first.name, f"Use the stored spelling '{first.name}'"),
            )
        return None
    if state.maybe_exists(name):
        return None
    # Where the finding goes: computed only now (most names resolve, no finding).
    rng = _at(b, info)
    removal = state.removed.get(name)
    if removal is not None:
        return Diagnostic(
            PROFILE_REMOVED.code,
            f"{_subject(b, name)} was removed by {removal.by} on line "
            f"{removal.range.start.line + 1}; {call.written_name} will not find it",
            path,
            rng,
            related=(
                Related(path, removal.range, f"profile '{name}' is removed here"),
                *_origin(path, b),
            ),
        )
    cased = _case_matches(info, name, location, memo)
    if cased:
        stored = cased[0]
        return Diagnostic(
            PROFILE_NAME_CASE.code,
            f"{_subject(b, name)} differs only in case from the stored profile '{stored}'; "
            f"profile names are case-sensitive where {call.written_name} looks "
            f"({_where(info, location, memo)})",
            path,
            rng,
            Severity.ERROR,
            related=_origin(path, b),
            fix=_fix_to(path, b, stored, f"Use the stored spelling '{stored}'"),
        )
    close = _suggestions(name, _candidates(info, location, memo), memo)
    hint = ""
    if close:
        hint = "; did you mean " + " or ".join(f"'{c}'" for c in close[:3]) + "?"
    fix = _fix_to(path, b, close[0], f"Use profile '{close[0]}'") if len(close) == 1 else None
    if loc is not None:
        return Diagnostic(
            PROFILE_NOT_IN_LOCATION.code,
            f"{_subject(b, name)} is not in {location}, the only file {call.written_name} "
            f"searches with -ProfileLocation{hint}",
            path,
            rng,
            related=_origin(path, b),
            fix=fix,
        )
    return Diagnostic(
        UNRESOLVED_PROFILE.code,
        f"{_subject(b, name)} is not found in any store {call.written_name} searches "
        f"({_where(info, location, memo)}){hint}",
        path,
        rng,
        related=_origin(path, b),
        fix=fix,
    )


class ProfileMemo(_Memo):
    """Store lookups shared by the profile checks of one rule pass."""


def profile_call_findings(
    model: ScriptModel, info: CallInfo, memo: _Memo | None = None
) -> list[Diagnostic]:
    """CRED201-204/209 of one call (before ``profile_findings`` drops repeats)."""
    if info.broken:
        return []
    out = []
    for d in (_location_finding(model, info), _profile_finding(model, info, memo)):
        if d is not None:
            out.append(d)
    return out


def unique_findings(found: Iterable[Diagnostic]) -> list[Diagnostic]:
    """One finding per (code, range), the first."""
    out: list[Diagnostic] = []
    seen: set[tuple[str, int, int, int, int]] = set()
    for d in found:
        # Plain ints: a Range's generated hash is three Python calls.
        r = d.range
        key = (d.code, r.start.line, r.start.character, r.end.line, r.end.character)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def profile_findings(model: ScriptModel) -> list[Diagnostic]:
    """CRED201-204 and CRED209 for every call of the script."""
    if not model.has_stores:
        return []
    memo = _Memo()
    return unique_findings(
        d for info in model.infos for d in profile_call_findings(model, info, memo)
    )


# --- literal keys bound to key parameters ---------------------------------------------

_KEY_PARAMETERS = {
    "AccessKey": (LITERAL_ACCESS_KEY.code, "access key ID"),
    "SecretKey": (LITERAL_SECRET_KEY.code, "secret access key"),
    "SessionToken": (LITERAL_SESSION_TOKEN.code, "session token"),
}
_AKID = re.compile(r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}")
_SAFE_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,30}")
_ADVICE = "use a profile or environment variables instead"


def _inner(model: ScriptModel, value: Static) -> Range:
    """The literal's characters without quotes (what the text scanner reports)."""
    r = value.range
    kind = value.kind
    if kind in (LiteralKind.VERBATIM, LiteralKind.EXPANDABLE) and r.start.line == r.end.line:
        return Range(
            Position(r.start.line, r.start.character + 1),
            Position(r.end.line, max(r.start.character + 1, r.end.character - 1)),
        )
    if kind in (LiteralKind.VERBATIM_HERE, LiteralKind.EXPANDABLE_HERE):
        lines = model.document.lines
        text = model.document.text
        start = lines.offset(r.start)
        end = lines.offset(r.end)
        nl = text.find("\n", start, end)
        last = text.rfind("\n", start, end)
        if nl >= 0 and last > nl:
            body_end = last - 1 if text[last - 1] == "\r" else last
            return Range(lines.position(nl + 1), lines.position(body_end))
    return r


def _variable(value: Static) -> str:
    v = value.variable
    if v and _SAFE_VARIABLE.fullmatch(v) and not _AKID.search(v):
        return f" in `${v}`"
    return ""


def _use(b: BoundParameter, info: CallInfo) -> Range:
    """Where a literal is used: the argument, or the call for a splat or a default."""
    if b.source in (BindingSource.SPLAT, BindingSource.DEFAULT_VALUES):
        return info.call.name_range
    return b.value_range or b.name_range or info.call.name_range


# One key parameter bound to a literal: (parameter, literal, where it is used, cmdlet as written).
LiteralUse = tuple[str, Static, Range, str]


def literal_uses(info: CallInfo) -> list[LiteralUse]:
    """The literals bound to key parameters of one call (``literal_findings`` groups them)."""
    if info.broken:
        return []  # the text scanner still reports key-shaped literals there
    out: list[LiteralUse] = []
    for b in info.call.parameters:
        if b.name not in _KEY_PARAMETERS or b.missing_value:
            continue
        v = b.value
        if not isinstance(v, Static) or not v.is_string or not v.text.strip():
            continue
        if is_template(v.text):
            continue
        out.append((b.name, v, _use(b, info), info.call.written_name))
    return out


def literal_diagnostics(model: ScriptModel, uses: Iterable[LiteralUse]) -> list[Diagnostic]:
    """CRED301-303/306 from the literal uses of every call, one per literal."""
    groups: dict[Range, list[LiteralUse]] = {}
    for use in uses:
        groups.setdefault(use[1].range, []).append(use)
    out: list[Diagnostic] = []
    path = model.path
    for group in groups.values():
        name, v, _, written_name = group[0]
        code, what = _KEY_PARAMETERS[name]
        value_class = classify(v.text)
        if name == "AccessKey" and _AKID.fullmatch(v.text):
            what = f"{what} {mask_key_id(v.text)}"
        via = _variable(v)
        how = f"{via} passed to `-{name}` of {written_name}"
        severity: Severity | None = None
        if value_class is ValueClass.EXAMPLE:
            code = EXAMPLE_KEY.code
            message = f"AWS documentation example {what}{how}"
        elif value_class is ValueClass.PLACEHOLDER:
            severity = Severity.INFORMATION
            message = (
                f"Placeholder {what}{how}: the script expects a real key to be pasted here; "
                f"{_ADVICE}"
            )
        else:
            message = f"Literal {what}{how}; {_ADVICE}"
        related = tuple(
            Related(path, used, f"passed to `-{uname}` of {uwritten}")
            for uname, _, used, uwritten in group
            if used != v.range
        )
        out.append(
            Diagnostic(
                code,
                message,
                path,
                _inner(model, v),
                severity,
                related=related,
                data={"binding": "1", "value": value_class.value},
            )
        )
    return out


def literal_findings(model: ScriptModel) -> list[Diagnostic]:
    """CRED301-303/306 for literals bound to key parameters, one per literal."""
    return literal_diagnostics(model, (u for info in model.infos for u in literal_uses(info)))


def _overlaps(a: Range, b: Range) -> bool:
    if a == b:
        return True
    return a.start < b.end and b.start < a.end


def merge_literal_findings(
    text_findings: Sequence[Diagnostic], binding_findings: Sequence[Diagnostic]
) -> list[Diagnostic]:
    """The text scanner's findings plus the script's, one finding per literal.

    A scanner finding (CRED301-303/306) whose range overlaps a binding-aware
    literal finding of the same file is dropped: the binding-aware one names
    the call. Everything else passes through unchanged.
    """
    by_line: dict[tuple[str, int], list[Range]] = {}
    for d in binding_findings:
        if d.code in LITERAL_CODES:
            for line in range(d.range.start.line, d.range.end.line + 1):
                by_line.setdefault((d.path, line), []).append(d.range)
    kept = [
        t
        for t in text_findings
        if t.code not in LITERAL_CODES
        or not any(_overlaps(t.range, r) for r in by_line.get((t.path, t.range.start.line), ()))
    ]
    return kept + list(binding_findings)


# --- entry points ---------------------------------------------------------------------


def check_model(model: ScriptModel) -> list[Diagnostic]:
    """Profile and bound-literal findings of a script model."""
    return profile_findings(model) + literal_findings(model)


def check(doc: Document, ctx: CheckContext) -> list[Diagnostic]:
    """CRED201-204/209 and binding-aware CRED301-303/306 for a PowerShell document."""
    with analysis_scope(ctx):
        return check_model(script_model(doc, ctx))


def check_script(doc: Document, ctx: CheckContext) -> list[Diagnostic]:
    """Every finding for a script: the text scanner's literals merged with
    ``credls.rules.cmdlets.check`` (one finding per literal)."""
    from credls.rules import cmdlets, security

    return merge_literal_findings(security.check(doc, ctx), cmdlets.check(doc, ctx))


__all__ = [
    "LITERAL_CODES",
    "LiteralUse",
    "ProfileMemo",
    "check",
    "check_model",
    "check_script",
    "edit_distance",
    "literal_diagnostics",
    "literal_findings",
    "literal_uses",
    "merge_literal_findings",
    "profile_call_findings",
    "profile_findings",
    "quote_like",
    "replace_literal",
    "suggestions",
    "unique_findings",
]
