"""Where profile names occur, how to rename them, and what a script's cursor is on.

Pure functions for the language server's navigation and script completion:

- ``ini_occurrences`` / ``script_occurrences``: every place a document names a
  profile — INI headers (definitions), ``source_profile`` values, and the
  ``-ProfileName`` / ``-SourceProfile`` / ``-StoreAs`` literals of AWS cmdlet
  calls (typed, positional, splatted or from ``$PSDefaultParameterValues``).
  A value known only at run time is an occurrence without a name.
- ``Scope`` / ``ScopeResolver``: the stores an occurrence's name is looked up
  or defined in, and which occurrences therefore name the same profile (two
  files defining ``[prod]`` are two profiles).
- ``name_problem`` / ``rename_edit``: a new profile name checked, and the edit
  that renames one occurrence (quotes and header prefixes kept).
- ``script_cursor``: what the text before the cursor says (parameter name being
  typed, the value of which parameter), read lexically so that it works on a
  half-typed line tree-sitter cannot parse yet.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from credls.diagnostic import TextEdit
from credls.document import DocumentKind
from credls.ini.parser import Header, IniFile
from credls.powershell.calls import BindingSource, CmdletCall
from credls.powershell.catalog import (
    CmdletSpec,
    MatchKind,
    ParameterSpec,
    lookup_command,
)
from credls.powershell.values import Dynamic, LiteralKind, Static
from credls.store.locations import sibling_config, sibling_credentials
from credls.text import LineIndex, Position, Range

# Parameters whose value names an existing profile (powershell.md §1, §2).
PROFILE_PARAMETERS = frozenset({"ProfileName", "SourceProfile"})
# -StoreAs names the profile these cmdlets write (§2.2; Set-AWSSamlEndpoint's is an endpoint).
_STORE_AS_CMDLETS = frozenset({"Set-AWSCredential", "Set-AWSSamlRoleProfile"})
# Cmdlets whose -ProfileName is the profile they write to ~/.aws/config (§2.2).
_CREATING_PROFILE_NAME = frozenset({"Initialize-AWSSSOConfiguration", "Invoke-AWSLogin"})
# Writers whose target is fixed whatever -ProfileLocation says: ~/.aws/config, or the
# SDK store for SAML role profiles (§2.2).
_USER_STORE_WRITERS = _CREATING_PROFILE_NAME | {"Set-AWSSamlRoleProfile"}


class ScopeKind(str, Enum):
    USER = "user"  # the configured user stores: no -ProfileLocation
    FILES = "files"  # one credentials/config pair: an INI file, or a -ProfileLocation
    UNKNOWN = "unknown"  # a -ProfileLocation known only at run time


_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")


def file_key(path: str) -> str:
    """``path`` normalised for comparison; an untitled buffer's URI stays as it is."""
    if not path or (_URI.match(path) and not os.path.isabs(path)):
        return path
    return os.path.normcase(os.path.abspath(path))


@dataclass(frozen=True)
class Scope:
    """The stores a profile name is looked up or defined in.

    FILES: ``file`` is the INI file itself or the ``-ProfileLocation`` file,
    ``pair`` the (credentials, config) files the SDK reads together — a
    ``config`` beside the credentials file (interfaces.md "Stores and
    environment"; powershell.md §4.2). Paths are absolute (``ScopeResolver``
    compares them by ``file_key``); a half that cannot exist (an untitled buffer
    has no sibling) is "".
    """

    kind: ScopeKind
    file: str = ""
    pair: tuple[str, str] = ("", "")
    reason: str | None = None

    @property
    def files(self) -> frozenset[str]:
        return frozenset(f for f in (self.file, *self.pair) if f)

    def describe(self) -> str:
        if self.kind is ScopeKind.USER:
            return "the configured stores"
        if self.kind is ScopeKind.FILES:
            return self.file
        return f"a -ProfileLocation known only at run time ({self.reason or 'a computed value'})"


USER_SCOPE = Scope(ScopeKind.USER)


def pair_scope(path: str, file_kind: DocumentKind) -> Scope:
    """The scope of an INI file: itself and its sibling (``config`` / ``credentials``)."""
    if _URI.match(path) and not os.path.isabs(path):
        return Scope(ScopeKind.FILES, path)  # an untitled buffer: no sibling on disk
    full = os.path.abspath(path)
    if file_kind is DocumentKind.CONFIG:
        return Scope(ScopeKind.FILES, full, (os.path.abspath(sibling_credentials(full)), full))
    return Scope(ScopeKind.FILES, full, (full, os.path.abspath(sibling_config(full))))


def location_scope(path: str) -> Scope:
    """The scope of a ``-ProfileLocation`` credentials file and its ``config`` sibling."""
    return pair_scope(path, DocumentKind.CREDENTIALS)


def unknown_scope(reason: str | None) -> Scope:
    return Scope(ScopeKind.UNKNOWN, reason=reason or "a computed value")


class OccurrenceKind(str, Enum):
    SECTION = "section"  # [name] / [profile name]: defines the profile
    SOURCE_PROFILE = "source-profile"  # source_profile = name
    SCRIPT_USE = "script-use"  # -ProfileName / -SourceProfile (any binding)
    SCRIPT_CREATE = "script-create"  # -StoreAs, Initialize-AWSSSOConfiguration -ProfileName


@dataclass(frozen=True)
class Occurrence:
    """One place a document names a profile.

    ``range`` covers the name as written (inside any quotes); ``literal`` the
    whole script literal with its quotes. ``exact`` is false when the written
    text differs from ``name`` (escapes). ``name`` is None for a run-time value
    (``reason`` says why); such an occurrence can be found but not renamed.
    ``style`` is the literal kind for scripts, ``header``/``bare-default``
    (``[default]`` in a config file) for headers, ``value`` for properties.
    ``scope`` is where the name is looked up or defined (``ScopeResolver``).
    """

    path: str
    kind: OccurrenceKind
    range: Range
    name: str | None
    style: str = ""
    literal: Range | None = None
    exact: bool = True
    reason: str | None = None
    cmdlet: str | None = None
    parameter: str | None = None
    scope: Scope = USER_SCOPE

    @property
    def is_definition(self) -> bool:
        return self.kind is OccurrenceKind.SECTION

    @property
    def in_script(self) -> bool:
        return self.kind in (OccurrenceKind.SCRIPT_USE, OccurrenceKind.SCRIPT_CREATE)


# --- INI files ---------------------------------------------------------------------


def section_profile(header: Header, file_kind: DocumentKind) -> str | None:
    """The profile a header defines, or None (sso-session, services, other sections).

    file-format.md §4: in a credentials file every header names a profile (its
    whole content); in a config file ``[profile NAME]`` and ``[default]`` do.
    """
    if file_kind is DocumentKind.CREDENTIALS:
        return header.inner or None
    if header.prefix == "profile":
        return header.name or None
    if not header.prefix and header.name == "default":
        return "default"
    return None


def ini_occurrences(ini: IniFile, file_kind: DocumentKind, path: str) -> list[Occurrence]:
    """Profile headers and ``source_profile`` values of a credentials or config file."""
    out: list[Occurrence] = []
    scope = pair_scope(path, file_kind)
    for section in ini.sections:
        h = section.header
        name = section_profile(h, file_kind)
        if name is not None:
            if file_kind is DocumentKind.CREDENTIALS:
                rng, style = h.inner_range, "header"
            elif h.prefix:
                rng, style = h.name_range, "header"
            else:
                rng, style = h.inner_range, "bare-default"
            out.append(Occurrence(path, OccurrenceKind.SECTION, rng, name, style, scope=scope))
        for prop in section.properties:
            if prop.key.lower() != "source_profile":
                continue
            value = prop.value
            if not value:
                continue
            start = prop.value_start
            rng = Range(Position(prop.line, start), Position(prop.line, start + len(value)))
            out.append(
                Occurrence(path, OccurrenceKind.SOURCE_PROFILE, rng, value, "value", scope=scope)
            )
    return out


# --- scripts -----------------------------------------------------------------------

_QUOTED = (LiteralKind.VERBATIM, LiteralKind.EXPANDABLE)
_HERE = (LiteralKind.VERBATIM_HERE, LiteralKind.EXPANDABLE_HERE)


def _inner(value: Static, lines: LineIndex) -> Range:
    """The characters of a literal between its quotes (the whole of a bare word)."""
    r = value.range
    one_line = r.start.line == r.end.line
    if value.kind in _QUOTED and one_line and r.end.character - r.start.character >= 2:
        return Range(
            Position(r.start.line, r.start.character + 1), Position(r.end.line, r.end.character - 1)
        )
    if value.kind in _HERE and r.end.line >= r.start.line + 2:
        # @'<newline> content <newline>'@ : the content lines only.
        last = r.end.line - 1
        return Range(Position(r.start.line + 1, 0), Position(last, len(lines.line_text(last))))
    return r


def _text_of(rng: Range, lines: LineIndex) -> str:
    return lines.text[lines.offset(rng.start) : lines.offset(rng.end)]


def _role(call: CmdletCall, parameter: str) -> OccurrenceKind | None:
    if parameter == "StoreAs":
        return OccurrenceKind.SCRIPT_CREATE if call.name in _STORE_AS_CMDLETS else None
    if parameter not in PROFILE_PARAMETERS:
        return None
    if parameter == "ProfileName" and call.name in _CREATING_PROFILE_NAME:
        return OccurrenceKind.SCRIPT_CREATE
    return OccurrenceKind.SCRIPT_USE


def script_dir_of(path: str) -> str:
    """The folder relative ``-ProfileLocation`` paths start from (as ``script_model``)."""
    return os.path.dirname(os.path.abspath(path)) if path and path != "-" else os.getcwd()


def call_scope(call: CmdletCall, script_dir: str) -> Scope:
    """Where a call looks its profile names up (or writes the profile it creates).

    powershell.md §4.2: with ``-ProfileLocation`` only that credentials file and
    its ``config`` sibling; without it the user's stores (SDK store, then the
    shared files). A location known only at run time is an unknown scope.
    """
    if call.name in _USER_STORE_WRITERS:
        return USER_SCOPE
    from credls.powershell.flow import location_binding, resolve_location

    b = location_binding(call)
    if b is None:
        return USER_SCOPE
    if b.missing_value:
        return unknown_scope("-ProfileLocation has no value")
    where = resolve_location(b, script_dir)
    if where.path is None:
        return unknown_scope(where.reason)
    return location_scope(where.path)


def script_occurrences(
    calls: Iterable[CmdletCall], path: str, lines: LineIndex
) -> list[Occurrence]:
    """Profile names the script's AWS calls pass, in document order, one per literal.

    A literal shared by several calls (a splatted hashtable, a variable, a
    ``$PSDefaultParameterValues`` entry) is listed once, for the first call, with
    that call's scope (``call_scope``; relative locations from ``path``'s folder).
    """
    out: list[Occurrence] = []
    seen: set[tuple[Position, Position]] = set()
    script_dir = script_dir_of(path)
    for call in calls:
        scope: Scope | None = None
        for b in call.parameters:
            role = _role(call, b.name)
            if role is None or b.missing_value:
                continue
            if b.source is BindingSource.DEFAULT_VALUES and b.conditional:
                continue
            value = b.value
            if scope is None:
                scope = call_scope(call, script_dir)
            if isinstance(value, Static) and value.is_string and not b.conditional:
                inner = _inner(value, lines)
                key = (inner.start, inner.end)
                if key in seen:
                    continue
                seen.add(key)
                written = _text_of(inner, lines)
                out.append(
                    Occurrence(
                        path,
                        role,
                        inner,
                        value.text,
                        value.kind.value,
                        literal=value.range,
                        exact=written == value.text,
                        cmdlet=call.name,
                        parameter=b.name,
                        scope=scope,
                    )
                )
                continue
            rng = b.value_range
            if rng is None:
                continue
            key = (rng.start, rng.end)
            if key in seen:
                continue
            seen.add(key)
            reason = (
                value.reason
                if isinstance(value, Dynamic)
                else "the value is set only on some paths"
                if b.conditional
                else "the value is not a string"
            )
            out.append(
                Occurrence(
                    path,
                    role,
                    rng,
                    None,
                    "dynamic",
                    literal=rng,
                    exact=False,
                    reason=reason,
                    cmdlet=call.name,
                    parameter=b.name,
                    scope=scope,
                )
            )
    out.sort(key=lambda o: (o.range.start, o.range.end))
    return out


# Every way a script can bind a profile name spells one of these (case-insensitive).
# The cmdlets whose positional or own parameters name profiles carry the words in
# their names; on service cmdlets the unique prefixes of -ProfileName start with
# "ProfileN" (ProfileLocation shares "Profile"), of -StoredCredentials with "Sto"
# (-ST is SessionToken) and of -AWSProfileName with "AW" (catalog.py, §5); a splat
# key is matched like a typed name, a $PSDefaultParameterValues key exactly.
_MAY_NAME = re.compile(
    r"profile|storedcredentials|storeas|awscredential|awsdefault|awssso|awslogin"
    r"|[-\u2013\u2014\u2015](?:sto|aw)|\b(?:sto|aw)\w*\s*=",
    re.I,
)


def may_name_profiles(text: str) -> bool:
    """False when a script certainly names no profile (skips parsing it)."""
    return _MAY_NAME.search(text) is not None


def occurrence_at(occurrences: Sequence[Occurrence], pos: Position) -> Occurrence | None:
    """The occurrence whose name (or literal) contains ``pos``; ends count as inside."""
    for occ in occurrences:
        rng = occ.literal or occ.range
        if rng.start <= pos <= rng.end or occ.range.start <= pos <= occ.range.end:
            return occ
    return None


# The identity of "the user's stores" (whatever files they are, if any).
USER_STORES = "<user stores>"
_Resolved = tuple[tuple[str, ...], frozenset[str]]  # (store identity, files it reads)


class ScopeResolver:
    """Which occurrences name the same profile, and in which files it lives.

    A name means the same profile in two places when both look it up in the
    same stores: the user's stores (``user_files``: the configured store files),
    or one credentials/config pair. An INI file that is a configured store file,
    or a ``-ProfileLocation`` naming one, counts as the user's stores. Two pairs
    still share a profile where a file both read defines it (a ``config`` read by
    two credentials files of one folder). A ``source_profile`` that its own pair
    does not define resolves in the configured stores (interfaces.md "Stores and
    environment"). An unknown scope matches only its own occurrence.
    """

    def __init__(self, user_files: Iterable[str], occurrences: Iterable[Occurrence]) -> None:
        self.user_files = frozenset(file_key(p) for p in user_files if p)
        self._defined = {
            (o.name, file_key(o.path))
            for o in occurrences
            if o.is_definition and o.name is not None
        }
        self._cache: dict[tuple[Scope, str | None], _Resolved | None] = {}

    def _defines(self, name: str, files: Iterable[str]) -> bool:
        return any((name, f) in self._defined for f in files)

    def _resolve(self, occ: Occurrence) -> _Resolved | None:
        scope = occ.scope
        fallback = occ.name if occ.kind is OccurrenceKind.SOURCE_PROFILE else None
        key = (scope, fallback)
        if key in self._cache:
            return self._cache[key]
        found: _Resolved | None
        user: _Resolved = ((USER_STORES,), self.user_files)
        files = frozenset(file_key(f) for f in scope.files)
        if scope.kind is ScopeKind.UNKNOWN:
            found = None
        elif scope.kind is ScopeKind.USER:
            found = user
        elif file_key(scope.file) in self.user_files:
            found = ((USER_STORES,), self.user_files | files)
        elif fallback is not None and not self._defines(fallback, files):
            found = user
        else:
            pair = tuple(file_key(f) for f in scope.pair if f)
            found = (pair or (file_key(scope.file),), files)
        self._cache[key] = found
        return found

    def files_of(self, occ: Occurrence) -> frozenset[str] | None:
        """The files a lookup of ``occ``'s name reads (None: unknown until run time)."""
        found = self._resolve(occ)
        return found[1] if found is not None else None

    def in_user_stores(self, occ: Occurrence) -> bool:
        """``occ`` names a profile of the user's stores (the SDK store included)."""
        found = self._resolve(occ)
        return found is not None and found[0] == (USER_STORES,)

    def same_profile(self, a: Occurrence, b: Occurrence) -> bool:
        """``a`` and ``b`` name the same profile of the same stores."""
        if a.name is None or a.name != b.name:
            return False
        ra, rb = self._resolve(a), self._resolve(b)
        if ra is None or rb is None:
            return a == b
        if ra[0] == rb[0]:
            return True
        return self._defines(a.name, ra[1] & rb[1])


def location_path(written: str, script_dir: str) -> str | None:
    """The file a static ``-ProfileLocation`` text names (``flow.resolve_location`` rules)."""
    from credls.powershell.calls import BoundParameter
    from credls.powershell.flow import resolve_location

    value = Static(written, Range.of(0, 0), LiteralKind.BARE)
    binding = BoundParameter(
        "ProfileLocation", "ProfileLocation", BindingSource.TYPED, None, value, None
    )
    return resolve_location(binding, script_dir).path


# --- rename ------------------------------------------------------------------------

_FORBIDDEN = re.compile(r"[\[\]#;\x00-\x1f\x7f]")
# A bare PowerShell argument that stays one string token: a leading digit could make
# it a number (``0``, ``1kb``, ``0x1``), so names starting with one are quoted.
_BARE_SAFE = re.compile(r"[A-Za-z_][A-Za-z0-9_.+/\\:%@-]*")
_SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a profile name in both INI files and scripts, or None."""
    if not name:
        return "the new name is empty"
    if name != name.strip():
        return "a profile name cannot start or end with white space"
    bad = _FORBIDDEN.search(name)
    if bad is not None:
        char = bad.group(0)
        shown = repr(char) if char.isprintable() else f"U+{ord(char):04X}"
        # file-format.md §3: brackets end a header; '#'/';' start comments in INI files.
        return f"a profile name cannot contain {shown}"
    return None


def quote_for_script(name: str, quote: str | None) -> str:
    """``name`` as text to put inside ``quote`` (None: a whole argument, quoted if needed)."""
    if quote is None:
        if _BARE_SAFE.fullmatch(name):
            return name
        return "'" + _escape_single(name) + "'"
    if quote in _SINGLE_QUOTES:
        return _escape_single(name)
    return _escape_double(name)


def _escape_single(text: str) -> str:
    # Inside '…' a quote (any of the typographic ones too) is written twice.
    return re.sub(f"([{_SINGLE_QUOTES}])", r"\1\1", text)


def _escape_double(text: str) -> str:
    return re.sub(r'([`"$\u201c\u201d\u201e])', r"`\1", text)


def rename_edit(occ: Occurrence, new_name: str) -> TextEdit | None:
    """The edit that makes ``occ`` name ``new_name``; None for a run-time value."""
    if occ.name is None:
        return None
    if not occ.in_script:
        if occ.style == "bare-default" and new_name != "default":
            # [default] in a config file: any other profile needs the prefix (§4).
            return TextEdit(occ.path, occ.range, f"profile {new_name}")
        return TextEdit(occ.path, occ.range, new_name)
    kind = occ.style
    if occ.exact and kind in (LiteralKind.VERBATIM.value, LiteralKind.VERBATIM_HERE.value):
        return TextEdit(occ.path, occ.range, _escape_single(new_name))
    if occ.exact and kind in (LiteralKind.EXPANDABLE.value, LiteralKind.EXPANDABLE_HERE.value):
        return TextEdit(occ.path, occ.range, _escape_double(new_name))
    if occ.exact and kind == LiteralKind.BARE.value and _BARE_SAFE.fullmatch(new_name):
        return TextEdit(occ.path, occ.range, new_name)
    # Escapes in the old literal, or a bare word that needs quotes now: rewrite it whole.
    whole = occ.literal or occ.range
    return TextEdit(occ.path, whole, "'" + _escape_single(new_name) + "'")


def rename_edits(occurrences: Iterable[Occurrence], new_name: str) -> list[TextEdit]:
    """Edits for every named occurrence (run-time values are left alone)."""
    return [e for occ in occurrences if (e := rename_edit(occ, new_name)) is not None]


# --- the cursor in a script ----------------------------------------------------------


class CursorKind(str, Enum):
    NONE = "none"
    PARAMETER_NAME = "parameter-name"  # -Pro|
    PARAMETER_VALUE = "parameter-value"  # -ProfileName '|, positional, splat key


@dataclass(frozen=True)
class ScriptCursor:
    """What the text before the cursor is part of.

    ``prefix`` is what is typed of the current token (unescaped, without its
    quote) and ``start`` where it begins: the dash of a parameter name, or the
    first character after an opening quote. ``quote`` is the open quote the
    cursor is inside, if any. ``command`` is the canonical cmdlet name (None in
    a hashtable whose key names the parameter). ``profile_location`` is the
    static ``-ProfileLocation`` text written before the cursor, if any.
    """

    kind: CursorKind
    start: Position
    prefix: str = ""
    quote: str | None = None
    command: str | None = None
    parameter: str | None = None
    profile_location: str | None = None
    bound: tuple[str, ...] = ()


_SQ = "'\u2018\u2019\u201a\u201b"
_DQ = '"\u201c\u201d\u201e'
_DASHES = "-\u2013\u2014\u2015"
_WORD_STOP = rf"\s;|(){{}}\[\],=`{_SQ}{_DQ}"
_TOKEN = re.compile(
    rf"""
    (?P<ws>(?:[ \t\f\v\xa0]|`\r\n|`[\r\n])+)
   |(?P<nl>\r\n|\r|\n)
   |(?P<comment>\#[^\r\n]*)
   |(?P<sq>[{_SQ}](?:[^{_SQ}]|[{_SQ}][{_SQ}])*(?P<sq_end>[{_SQ}]?))
   |(?P<dq>[{_DQ}](?:`.|[{_DQ}][{_DQ}]|[^{_DQ}`])*(?P<dq_end>[{_DQ}]?))
   |(?P<open>@\{{|@\(|\$\(|[({{\[])
   |(?P<close>[)}}\]])
   |(?P<sep>&&|\|\||[|;])
   |(?P<param>[{_DASHES}](?:[A-Za-z_?][^\s:;|(){{}}\[\],={_SQ}{_DQ}]*)?:?)
   |(?P<var>\$\{{[^}}]*\}}?|[$@][\w:?^$]*)
   |(?P<eq>[-+*/%]?=)
   |(?P<comma>,)
   |(?P<word>(?:`.|[^{_WORD_STOP}])+|`)
    """,
    re.X | re.S,
)


@dataclass
class _Tok:
    kind: str  # word, var, param, sq, dq, eq, comma, group
    text: str
    start: int
    end: int
    closed: bool = True  # strings: the closing quote is there
    inner: str | None = None  # group: the single string inside an index [..]


@dataclass
class _Frame:
    opener: str  # "" (top), "(", "{", "@{", "@(", "$(", "["
    start: int
    tokens: list[_Tok]


def _unquote(tok: _Tok) -> str:
    body = tok.text[1:]
    if tok.closed and body:
        body = body[:-1]
    if tok.kind == "sq":
        return re.sub(f"([{_SQ}])[{_SQ}]", r"\1", body)
    return re.sub(r"`(.)", r"\1", body, flags=re.S)


def _static(tok: _Tok) -> str | None:
    if tok.kind == "word":
        return tok.text
    if tok.kind in ("sq", "dq") and tok.closed and (tok.kind == "sq" or "$" not in tok.text):
        return _unquote(tok)
    return None


def _lex(text: str) -> tuple[_Frame, _Tok | None, bool]:
    """The innermost open frame at the end of ``text``, the token touching the end,
    and whether the end is inside a comment."""
    stack = [_Frame("", 0, [])]
    last: _Tok | None = None
    in_comment = False
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or ""
        if kind in ("sq_end", "dq_end"):
            kind = "sq" if kind == "sq_end" else "dq"
        start, end = m.start(), m.end()
        frame = stack[-1]
        last = None
        in_comment = False
        if kind == "ws":
            continue
        if kind == "comment":
            in_comment = end == len(text)
            continue
        if kind in ("nl", "sep"):
            frame.tokens = []
            continue
        if kind == "open":
            stack.append(_Frame(m.group(), end, []))
            continue
        if kind == "close":
            if len(stack) > 1:
                done = stack.pop()
                inner = None
                if done.opener == "[" and len(done.tokens) == 1:
                    inner = _static(done.tokens[0])
                group = _Tok("group", done.opener, done.start, end, True, inner)
                stack[-1].tokens.append(group)
            continue
        tok_text = m.group()
        closed = True
        if kind == "sq":
            closed = bool(m.group("sq_end"))
        elif kind == "dq":
            closed = bool(m.group("dq_end"))
        tok = _Tok(kind, tok_text, start, end, closed)
        frame.tokens.append(tok)
        last = tok
    return stack[-1], last, in_comment


_At = Callable[[int], Position]  # snippet offset -> document position

_HASH_LOOKBACK = 100


def _hashtable_start(lines: LineIndex, line: int, pos_offset: int) -> int | None:
    """Offset of the line holding an ``@{`` still open at the cursor (multi-line splats)."""
    for k in range(line - 1, max(-1, line - _HASH_LOOKBACK), -1):
        if "@{" not in lines.line_text(k):
            continue
        start = lines.line_start(k)
        frame, _, _ = _lex(lines.text[start:pos_offset])
        return start if frame.opener == "@{" else None
    return None


def _logical_start(lines: LineIndex, line: int) -> int:
    """Start of the first physical line of the statement line ``line`` continues."""
    first = line
    while first > 0:
        prev = lines.line_text(first - 1).rstrip(" \t")
        if not prev.endswith(("`", "|")):
            break
        first -= 1
    return lines.line_start(first)


def _service_spec() -> CmdletSpec:
    found = lookup_command("Get-STSCallerIdentity")
    assert found is not None
    return found.spec


def _profile_spec() -> CmdletSpec:
    found = lookup_command("Set-AWSCredential")
    assert found is not None
    return found.spec


def _match(spec: CmdletSpec, written: str) -> ParameterSpec | None:
    m = spec.match(written)
    if m.kind in (MatchKind.EXACT, MatchKind.PREFIX):
        return m.parameter
    return None


def _key_parameter(key: str) -> tuple[str | None, str | None]:
    """(command, parameter) a splat key or a ``$PSDefaultParameterValues`` key names."""
    command: str | None = None
    if ":" in key:
        pattern, _, written = key.rpartition(":")
        found = lookup_command(pattern.strip()) if "*" not in pattern else None
        specs = [found.spec] if found is not None else [_service_spec(), _profile_spec()]
        # §5: the parameter part of a default key matches exactly (name or alias).
        for spec in specs:
            p = spec.default_match(written.strip())
            if p is not None:
                return (found.spec.name if found is not None else None), p.name
        return None, None
    for spec in (_service_spec(), _profile_spec()):
        p = _match(spec, key.strip())
        if p is not None:
            return command, p.name
    return None, None


def _none(pos: Position) -> ScriptCursor:
    return ScriptCursor(CursorKind.NONE, pos)


def script_cursor(lines: LineIndex, pos: Position) -> ScriptCursor:
    """What the cursor at ``pos`` is typing, from the text before it (never raises)."""
    end = lines.offset(pos)
    pos = lines.position(end)
    start = _logical_start(lines, pos.line)
    hash_start = _hashtable_start(lines, pos.line, end)
    if hash_start is not None:
        start = min(start, hash_start)
    snippet = lines.text[start:end]
    frame, last, in_comment = _lex(snippet)
    if in_comment:
        return _none(pos)
    local = LineIndex(snippet)

    def at(offset: int) -> Position:
        p = local.position(offset)
        first = lines.position(start)
        if p.line == 0:
            return Position(first.line, first.character + p.character)
        return Position(first.line + p.line, p.character)

    tokens = frame.tokens
    partial = last if last is not None and tokens and tokens[-1] is last else None
    if partial is not None and partial.kind in ("sq", "dq") and partial.closed:
        partial = None  # right after a closing quote: nothing is being typed
    if partial is not None and partial.kind not in ("word", "param", "sq", "dq"):
        partial = None
    closed_tokens = tokens[:-1] if partial is not None else tokens
    if frame.opener == "@{":
        return _hash_value(closed_tokens, partial, pos, at)
    return _command(closed_tokens, partial, pos, at)


def _value_cursor(
    partial: _Tok | None,
    pos: Position,
    at: _At,
    command: str | None,
    parameter: str,
    location: str | None = None,
    bound: tuple[str, ...] = (),
) -> ScriptCursor:
    if partial is None:
        return ScriptCursor(
            CursorKind.PARAMETER_VALUE, pos, "", None, command, parameter, location, bound
        )
    if partial.kind in ("sq", "dq"):
        return ScriptCursor(
            CursorKind.PARAMETER_VALUE,
            at(partial.start + 1),
            _unquote(partial),
            partial.text[0],
            command,
            parameter,
            location,
            bound,
        )
    if partial.kind == "word":
        return ScriptCursor(
            CursorKind.PARAMETER_VALUE,
            at(partial.start),
            partial.text,
            None,
            command,
            parameter,
            location,
            bound,
        )
    return _none(pos)


def _hash_value(tokens: list[_Tok], partial: _Tok | None, pos: Position, at: _At) -> ScriptCursor:
    """``@{ ProfileName = '|' }``: the key names the parameter (matched like a typed name)."""
    if len(tokens) != 2 or tokens[1].kind != "eq" or tokens[1].text != "=":
        return _none(pos)
    key = _static(tokens[0])
    if key is None:
        return _none(pos)
    command, parameter = _key_parameter(key)
    if parameter is None:
        return _none(pos)
    return _value_cursor(partial, pos, at, command, parameter)


def _strip_assignment(tokens: list[_Tok]) -> tuple[list[_Tok], str | None]:
    """Tokens after ``$x =`` (and the index key of ``$PSDefaultParameterValues[k] =``)."""
    i = 0
    while i < len(tokens) and tokens[i].kind == "group" and tokens[i].text == "[":
        i += 1  # [string]$x = …
    if i < len(tokens) and tokens[i].kind == "var":
        j = i + 1
        key = None
        if j < len(tokens) and tokens[j].kind == "group" and tokens[j].text == "[":
            key = tokens[j].inner
            j += 1
        if j < len(tokens) and tokens[j].kind == "eq":
            return tokens[j + 1 :], key
    return tokens, None


def _command(tokens: list[_Tok], partial: _Tok | None, pos: Position, at: _At) -> ScriptCursor:
    tokens, index_key = _strip_assignment(tokens)
    if index_key is not None and not tokens:
        # $PSDefaultParameterValues['Get-*:ProfileName'] = '|'
        command, parameter = _key_parameter(index_key)
        if parameter is None:
            return _none(pos)
        return _value_cursor(partial, pos, at, command, parameter)
    while tokens and tokens[0].kind == "word" and tokens[0].text in ("&", "."):
        tokens = tokens[1:]
    if not tokens or tokens[0].kind != "word":
        return _none(pos)
    found = lookup_command(tokens[0].text)
    if found is None:
        return _none(pos)
    spec = found.spec
    named: list[str] = []
    positional = 0
    pending: ParameterSpec | None = None
    awaiting = False  # the previous parameter takes the next token as its value
    location: str | None = None
    previous: _Tok | None = None
    for tok in tokens[1:]:
        if tok.kind == "comma" or (previous is not None and previous.kind == "comma"):
            previous = tok
            continue  # an array argument goes on: still the same value
        previous = tok
        if awaiting:
            awaiting = False
            if pending is not None and pending.name == "ProfileLocation":
                location = _static(tok)
            pending = None
            continue
        if tok.kind == "param":
            written = tok.text[1:].rstrip(":")
            p = _match(spec, written)
            if p is not None:
                named.append(p.name)
            # calls.py binding rule (§5): a switch takes a value only after ':'.
            awaiting = tok.text.endswith(":") or p is None or not p.switch
            pending = p
            continue
        positional += 1
    bound = tuple(named)
    if partial is not None and partial.kind == "param":
        if partial.text.endswith(":"):
            p = _match(spec, partial.text[1:-1])
            if p is None:
                return _none(pos)
            return _value_cursor(None, pos, at, spec.name, p.name, location, bound)
        return ScriptCursor(
            CursorKind.PARAMETER_NAME,
            at(partial.start),
            partial.text[1:],
            None,
            spec.name,
            None,
            location,
            bound,
        )
    if awaiting:
        if pending is None:
            return _none(pos)
        return _value_cursor(partial, pos, at, spec.name, pending.name, location, bound)
    target = _positional(spec, named, positional)
    if target is None:
        return _none(pos)
    return _value_cursor(partial, pos, at, spec.name, target.name, location, bound)


def _positional(spec: CmdletSpec, named: Sequence[str], index: int) -> ParameterSpec | None:
    """The parameter the ``index``-th positional argument binds to (calls.py order)."""
    declared = [spec.parameter(n) for n in named]
    sets = (
        tuple(s for s in spec.parameter_sets if all(p is None or p.in_set(s) for p in declared))
        or spec.parameter_sets
    )
    taken = {n.lower() for n in named}
    candidates = sorted(
        (
            p
            for p in spec.parameters
            if p.position is not None
            and p.name.lower() not in taken
            and (not sets or any(p.in_set(s) for s in sets))
        ),
        key=lambda p: p.position if p.position is not None else 0,
    )
    return candidates[index] if index < len(candidates) else None


__all__ = [
    "PROFILE_PARAMETERS",
    "USER_SCOPE",
    "CursorKind",
    "Occurrence",
    "OccurrenceKind",
    "Scope",
    "ScopeKind",
    "ScopeResolver",
    "ScriptCursor",
    "call_scope",
    "file_key",
    "ini_occurrences",
    "location_path",
    "location_scope",
    "may_name_profiles",
    "name_problem",
    "occurrence_at",
    "pair_scope",
    "quote_for_script",
    "rename_edit",
    "rename_edits",
    "script_cursor",
    "script_dir_of",
    "script_occurrences",
    "section_profile",
    "unknown_scope",
]
