"""What each consumer makes of a parsed shared ``config`` / ``credentials`` file.

``interpret(ini, file_kind, consumer)`` replays one tool's reading rules over the
parsed lines (file-format.md §1-§7) and returns a ``ConsumerView``: the profiles,
sso-sessions and services sections that tool sees, with each value exactly as it
sees it and where it came from, the sections it drops, or the reason it rejects
the whole file. ``merge`` combines config and credentials per §8.

Consumers (``credls.settings.CONSUMERS``): ``powershell`` = .NET SDK (N),
``botocore`` = AWS CLI v1 / boto3 (P), ``sdk`` = Rust/Java and the cross-SDK
suite (R/J), ``go`` = Go SDK v2 (G).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from credls.ini.parser import IniFile
from credls.text import Position, Range

FileKind = Literal["credentials", "config"]
CONSUMER_LABELS = {
    "powershell": "PowerShell/.NET",
    "botocore": "botocore (AWS CLI v1, boto3)",
    "sdk": "Rust/Java SDKs",
    "go": "Go SDK v2",
}

# file-format.md §4: R/J profile-name and property-name identifier set.
_IDENTIFIER = re.compile(r"[A-Za-z0-9_\-/.%@:+]+")
_SPACE_TAB = " \t"


@dataclass(frozen=True)
class Location:
    """Where a property value was defined."""

    file_kind: str
    line: int
    key_range: Range
    value_range: Range


@dataclass
class ResolvedProperty:
    """A property as one consumer sees it; ``locations[-1]`` is the effective definition.

    ``sub_properties`` is the consumer's reading of an indented block under an
    empty value (``s3 =``), ``None`` when the value is not a block.
    """

    key: str
    value: str
    locations: list[Location]
    sub_properties: dict[str, str] | None = None

    @property
    def location(self) -> Location:
        return self.locations[-1]

    @property
    def file_kind(self) -> str:
        return self.locations[-1].file_kind

    @property
    def line(self) -> int:
        return self.locations[-1].line


@dataclass(frozen=True)
class SectionRef:
    """A section header that defines (part of) a profile."""

    file_kind: str
    line: int
    range: Range
    name_range: Range


@dataclass
class ConsumerProfile:
    """A profile, sso-session or services section as one consumer sees it."""

    name: str
    properties: dict[str, ResolvedProperty] = field(default_factory=dict)
    sections: list[SectionRef] = field(default_factory=list)

    def values(self) -> dict[str, str]:
        return {k: p.value for k, p in self.properties.items()}


class Ignored(NamedTuple):
    """A section the consumer drops, and why."""

    section: SectionRef
    reason: str


@dataclass
class ConsumerView:
    """One consumer's reading of one file. ``rejected``: the whole file is unusable."""

    consumer: str
    file_kind: str
    rejected: str | None = None
    rejected_line: int | None = None
    profiles: dict[str, ConsumerProfile] = field(default_factory=dict)
    sso_sessions: dict[str, ConsumerProfile] = field(default_factory=dict)
    services: dict[str, ConsumerProfile] = field(default_factory=dict)
    ignored: list[Ignored] = field(default_factory=list)


@dataclass
class MergedView:
    """Config and credentials combined for one consumer (§8)."""

    consumer: str
    profiles: dict[str, ConsumerProfile] = field(default_factory=dict)
    sso_sessions: dict[str, ConsumerProfile] = field(default_factory=dict)
    services: dict[str, ConsumerProfile] = field(default_factory=dict)
    rejected: dict[str, str] = field(default_factory=dict)
    ignored: list[Ignored] = field(default_factory=list)


def interpret(ini: IniFile, file_kind: FileKind, consumer: str) -> ConsumerView:
    """What ``consumer`` makes of ``ini`` read as a ``file_kind`` file. Never raises."""
    reader = _READERS.get(consumer)
    if reader is None:
        raise ValueError(f"unknown consumer {consumer!r}; expected one of {sorted(_READERS)}")
    return reader(ini, file_kind)


# --- shared helpers ----------------------------------------------------------


class _Lines:
    """Logical lines for one consumer, with positions mapped back to physical lines.

    The Rust and Go parsers split on LF only, so a lone CR stays inside a line
    (§1); everyone else uses the parser's physical lines.
    """

    def __init__(self, ini: IniFile, lf_only: bool, keep_cr: bool = False) -> None:
        self.ini = ini
        self.physical = not (lf_only and ini.lone_cr)
        if self.physical:
            self.texts = list(ini.texts)
            self.offsets = ini.offsets
            if keep_cr:  # Go keeps the CR of a CRLF (strings.Split on "\n")
                for i in range(len(self.texts) - 1):
                    if ini.newline(i) == "\r\n":
                        self.texts[i] += "\r"
        else:
            parts = ini.text.split("\n")
            offsets = []
            at = 0
            for p in parts:
                offsets.append(at)
                at += len(p) + 1
            if not keep_cr:
                parts = [p[:-1] if p.endswith("\r") else p for p in parts]
            self.texts = parts
            self.offsets = offsets
        if ini.bom and not ini.text.startswith("\ufeff") and self.texts:
            self.texts[0] = "\ufeff" + self.texts[0]
            self.shift0 = 1
        else:
            self.shift0 = 0

    def pos(self, line: int, col: int) -> Position:
        if line == 0:
            col -= self.shift0
        if self.physical:
            return Position(line, max(col, 0))
        return self.ini.position(self.offsets[line] + max(col, 0))

    def rng(self, line: int, start: int, end: int) -> Range:
        return Range(self.pos(line, start), self.pos(line, end))

    def rng2(self, line: int, start: int, end_line: int, end: int) -> Range:
        return Range(self.pos(line, start), self.pos(end_line, end))


class _Builder:
    """Collects sections and properties into a ConsumerView."""

    def __init__(self, consumer: str, file_kind: str) -> None:
        self.view = ConsumerView(consumer, file_kind)

    def reject(self, reason: str, line: int | None = None) -> ConsumerView:
        v = ConsumerView(self.view.consumer, self.view.file_kind, reason, line)
        return v

    def ignore(self, ref: SectionRef, reason: str) -> None:
        self.view.ignored.append(Ignored(ref, reason))

    def entry(
        self, table: dict[str, ConsumerProfile], name: str, ref: SectionRef
    ) -> ConsumerProfile:
        prof = table.get(name)
        if prof is None:
            prof = table[name] = ConsumerProfile(name)
        prof.sections.append(ref)
        return prof


def _put(
    prof: ConsumerProfile,
    key: str,
    value: str,
    loc: Location,
    sub: dict[str, str] | None = None,
) -> None:
    old = prof.properties.get(key)
    locations = [*old.locations, loc] if old is not None else [loc]
    prof.properties[key] = ResolvedProperty(key, value, locations, sub)


def _cut_at(s: str, chars: str, need_ws: bool) -> str:
    """Cut ``s`` at the first comment character (preceded by space/TAB when ``need_ws``)."""
    best = len(s)
    for ch in chars:
        i = s.find(ch)
        while i != -1:
            if not need_ws or (i > 0 and s[i - 1] in _SPACE_TAB):
                best = min(best, i)
                break
            i = s.find(ch, i + 1)
    return s[:best]


def _lead(s: str, chars: str = _SPACE_TAB) -> int:
    return len(s) - len(s.lstrip(chars))


# --- sdk: Rust / Java (the spec) -----------------------------------------------


@dataclass
class _RProp:
    key: str
    value: str
    line: int
    key_start: int
    key_end: int
    value_start: int
    end_line: int
    end_col: int
    block: bool = False


@dataclass
class _RSection:
    inner: str
    line: int
    open: int
    end: int
    props: list[_RProp]


def _read_sdk(ini: IniFile, file_kind: FileKind) -> ConsumerView:
    b = _Builder("sdk", file_kind)
    lines = _Lines(ini, lf_only=True)
    if ini.undecodable:
        # R: "config file did not contain utf-8 encoded data" -> treated as empty (§1)
        return b.reject("the file is not valid UTF-8: the Rust SDK ignores it", None)
    sections: list[_RSection] = []
    cur: _RProp | None = None
    for i, s in enumerate(lines.texts):
        if not s.strip(_SPACE_TAB) or s[0] in "#;":
            continue
        if s[0] == "[":
            # R prepare_line: comments need no whitespace on header lines (§3)
            t = _cut_at(s, "#;", need_ws=False).rstrip(_SPACE_TAB)
            if not t.endswith("]"):
                return b.reject(f"Profile definition must end with ']' (line {i + 1})", i)
            sections.append(_RSection(t[1:-1].strip(_SPACE_TAB), i, 0, len(t), []))
            cur = None
            continue
        if s[0] in _SPACE_TAB:
            if not sections:
                return b.reject(f"Expected a profile definition (line {i + 1})", i)
            if cur is None:
                return b.reject(
                    f"Expected a property definition, found continuation (line {i + 1})", i
                )
            t = s.strip(_SPACE_TAB)
            if cur.block:  # sub-property block under an empty value (§6)
                eq = t.find("=")
                if eq < 0:
                    return b.reject(
                        f"Expected an '=' sign defining a sub-property (line {i + 1})", i
                    )
                if not t[:eq].strip(_SPACE_TAB):
                    return b.reject(f"Sub-property did not have a name (line {i + 1})", i)
            cur.value += "\n" + t
            cur.end_line = i
            cur.end_col = len(s.rstrip(_SPACE_TAB))
            continue
        if not sections:
            return b.reject(f"Expected a profile definition (line {i + 1})", i)
        t = _cut_at(s, "#;", need_ws=True).rstrip(_SPACE_TAB)
        eq = t.find("=")
        if eq < 0:
            return b.reject(f"Expected an '=' sign defining a property (line {i + 1})", i)
        key = t[:eq].strip(_SPACE_TAB)
        if not key:
            return b.reject(f"Property did not have a name (line {i + 1})", i)
        value = t[eq + 1 :].strip(_SPACE_TAB)
        vstart = eq + 1 + _lead(t[eq + 1 :])
        cur = _RProp(key, value, i, 0, len(t[:eq].rstrip(_SPACE_TAB)), vstart, i, len(t))
        cur.block = value == ""
        sections[-1].props.append(cur)
    return _normalize_spec(b, lines, sections, file_kind)


def _normalize_spec(
    b: _Builder, lines: _Lines, sections: list[_RSection], file_kind: FileKind
) -> ConsumerView:
    view = b.view
    has_prefixed_default = file_kind == "config" and any(
        _split_ws(s.inner) == ("profile", "default") for s in sections
    )
    for sec in sections:
        ref = SectionRef(
            file_kind,
            sec.line,
            lines.rng(sec.line, sec.open, sec.end),
            lines.rng(sec.line, sec.open + 1, sec.end - 1),
        )
        prefix, name = _split_ws(sec.inner)
        table: dict[str, ConsumerProfile] | None = None
        if file_kind == "config":
            if prefix is None:
                if name == "default":
                    if has_prefixed_default:
                        b.ignore(ref, "[default] is ignored because [profile default] exists")
                        continue
                    table = view.profiles
                else:
                    b.ignore(ref, f"[{name}] has no 'profile ' prefix: not a profile")
                    continue
            elif prefix == "profile":
                table = view.profiles
            elif prefix == "sso-session":
                table = view.sso_sessions
            elif prefix == "services":
                table = view.services
            else:
                b.ignore(ref, f"unknown section type '{prefix}'")
                continue
        else:
            if prefix is not None:
                reason = (
                    "credential profiles must not begin with 'profile '"
                    if prefix == "profile"
                    else f"'{sec.inner}' is not a valid profile name"
                )
                b.ignore(ref, reason)
                continue
            table = view.profiles
        if not _IDENTIFIER.fullmatch(name):
            b.ignore(ref, f"'{name}' is not a valid profile name")
            continue
        prof = b.entry(table, name, ref)
        for p in sec.props:
            if not _IDENTIFIER.fullmatch(p.key):
                continue  # R/J drop invalid property names with a warning (§5)
            loc = Location(
                file_kind,
                p.line,
                lines.rng(p.line, p.key_start, p.key_end),
                lines.rng2(p.line, p.value_start, p.end_line, p.end_col),
            )
            sub = _split_block(p.value) if p.value.startswith("\n") else None
            _put(prof, p.key.lower(), p.value, loc, sub)
    return view


def _split_block(value: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in value.split("\n"):
        if "=" in line:
            k, v = line.split("=", 1)
            out[k.strip(_SPACE_TAB).lower()] = v.strip(_SPACE_TAB)
    return out


def _split_ws(inner: str) -> tuple[str | None, str]:
    """``profile foo`` -> (``profile``, ``foo``); ``default`` -> (None, ``default``)."""
    m = re.search(r"[ \t]+", inner)
    if m is None:
        return None, inner
    return inner[: m.start()], inner[m.end() :]


# --- botocore (configparser + configloader) -----------------------------------

# configparser's default OPTCRE for delimiters '=' and ':' (§5)
_P_OPTION = re.compile(r"(?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$")
_P_NONSPACE = re.compile(r"\S")


@dataclass
class _POption:
    key: str
    parts: list[str]
    line: int
    key_start: int
    key_end: int
    value_start: int
    end_line: int
    end_col: int


@dataclass
class _PSection:
    name: str
    line: int
    open: int
    close: int
    options: dict[str, _POption]


def _read_botocore(ini: IniFile, file_kind: FileKind) -> ConsumerView:
    """configparser.RawConfigParser(strict) + botocore.configloader, replayed (§2-§7)."""
    b = _Builder("botocore", file_kind)
    lines = _Lines(ini, lf_only=False)
    if ini.undecodable:
        return b.reject("botocore cannot decode the file (not valid UTF-8): ConfigParseError")
    sections: dict[str, _PSection] = {}
    defaults = _PSection("DEFAULT", -1, 0, 0, {})
    cursect: _PSection | None = None
    opt: _POption | None = None
    indent_level = 0
    added: set[tuple[str, str]] = set()
    error: tuple[str, int] | None = None
    for i, line in enumerate(lines.texts):
        stripped = line.strip()
        if stripped.startswith(("#", ";")):
            continue  # full-line comment, even indented; does not end a value
        if not stripped:
            if cursect is not None and opt is not None:
                opt.parts.append("")
            continue
        first = _P_NONSPACE.search(line)
        indent = first.start() if first else 0
        if cursect is not None and opt is not None and indent > indent_level:
            opt.parts.append(stripped)
            opt.end_line = i
            opt.end_col = indent + len(stripped)
            continue
        indent_level = indent
        close = stripped.rfind("]")
        if stripped.startswith("[") and close >= 2:
            name = stripped[1:close]
            if name in sections:
                return b.reject(
                    f"botocore rejects the file: section '{name}' already exists "
                    f"(DuplicateSectionError, line {i + 1})",
                    i,
                )
            if name == "DEFAULT":
                cursect = defaults
            else:
                cursect = sections[name] = _PSection(name, i, indent, indent + close, {})
            opt = None
            continue
        if cursect is None:
            return b.reject(
                f"botocore rejects the file: no section header before line {i + 1} "
                "(MissingSectionHeaderError)",
                i,
            )
        mo = _P_OPTION.match(stripped)
        if mo is None:
            if error is None:
                error = (f"line {i + 1} is not 'key = value' (ParsingError)", i)
            continue
        raw_key = mo.group("option")
        if not raw_key and error is None:
            error = (f"property on line {i + 1} has no name (ParsingError)", i)
        key = raw_key.rstrip().lower()
        if (cursect.name, key) in added:
            return b.reject(
                f"botocore rejects the file: key '{key}' appears twice in section "
                f"'{cursect.name}' (DuplicateOptionError, line {i + 1})",
                i,
            )
        added.add((cursect.name, key))
        vstart = indent + mo.start("value")
        opt = _POption(
            key,
            [mo.group("value").strip()],
            i,
            indent,
            indent + len(raw_key.rstrip()),
            vstart,
            i,
            indent + len(stripped),
        )
        cursect.options[key] = opt
    if error is not None:
        return b.reject("botocore rejects the file: " + error[0], error[1])

    # botocore.configloader.raw_config_parse: every section, DEFAULT inherited
    parsed: list[tuple[_PSection, dict[str, tuple[str, dict[str, str] | None, _POption]]]] = []
    for sec in sections.values():
        values: dict[str, tuple[str, dict[str, str] | None, _POption]] = {}
        merged = dict(sec.options)
        for k, o in defaults.options.items():
            merged.setdefault(k, o)
        for k, o in merged.items():
            value = "\n".join(o.parts).rstrip()
            sub: dict[str, str] | None = None
            if value.startswith("\n"):
                sub = _p_nested(value)
                if sub is None:
                    return b.reject(
                        f"botocore rejects the file: a line in the indented block of '{k}' "
                        f"has no '=' (ConfigParseError, line {o.line + 1})",
                        o.line,
                    )
            values[k] = (value, sub, o)
        parsed.append((sec, values))

    view = b.view
    for sec, values in parsed:
        ref = SectionRef(
            file_kind,
            sec.line,
            lines.rng(sec.line, sec.open, sec.close + 1),
            lines.rng(sec.line, sec.open + 1, sec.close),
        )
        if file_kind == "credentials":
            table = view.profiles
            pname: str | None = sec.name
        else:
            key = sec.name
            pname = None
            if key.startswith("profile"):
                table, pname = view.profiles, _p_section_name(key)
            elif key.startswith("sso-session"):
                table, pname = view.sso_sessions, _p_section_name(key)
            elif key.startswith("services"):
                table, pname = view.services, _p_section_name(key)
            elif key == "default":
                table, pname = view.profiles, "default"
            else:
                b.ignore(ref, f"[{key}] is not a profile for botocore (no 'profile ' prefix)")
                continue
            if pname is None:
                b.ignore(ref, f"botocore cannot split [{key}] into a type and one name (shlex)")
                continue
            old = table.get(pname)
            if old is not None:
                # build_profile_map: a later section replaces the earlier one entirely
                for r in old.sections:
                    b.ignore(r, f"replaced by the later section [{key}] on line {sec.line + 1}")
                del table[pname]
        if pname is None:
            continue
        prof = b.entry(table, pname, ref)
        for k, (value, sub, o) in values.items():
            loc = Location(
                file_kind,
                o.line,
                lines.rng(o.line, o.key_start, o.key_end),
                lines.rng2(o.line, o.value_start, o.end_line, o.end_col),
            )
            _put(prof, k, value, loc, sub)
    return view


def _p_nested(value: str) -> dict[str, str] | None:
    """botocore.configloader._parse_nested; None where it raises ValueError."""
    out: dict[str, str] = {}
    for line in value.splitlines():
        line = line.strip()
        if not line:
            continue
        if "=" not in line:
            return None
        k, v = line.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def _p_section_name(key: str) -> str | None:
    """botocore.configloader._parse_section: shlex into exactly two tokens."""
    try:
        parts = shlex.split(key)
    except ValueError:
        return None
    return parts[1] if len(parts) == 2 else None


# --- powershell: .NET IniFile / ProfileIniFile ------------------------------------


def _read_powershell(ini: IniFile, file_kind: FileKind) -> ConsumerView:
    b = _Builder("powershell", file_kind)
    lines = _Lines(ini, lf_only=False)
    texts = list(lines.texts)
    if texts and texts[0].startswith("\ufeff"):
        texts[0] = texts[0][1:]  # File.ReadAllText drops the BOM
        shift = 1
    else:
        shift = 0
    n = len(texts)
    kinds: list[str] = []  # "p" property, "s" section, "sp" both, "c" comment/blank
    for i, s in enumerate(texts):
        t = s.strip()
        if not t or t[0] in "#;":
            kinds.append("c")
            continue
        is_prop = "=" in t
        is_sec = t.startswith("[") and t.endswith("]")
        if is_prop and is_sec:
            kinds.append("sp")
        elif is_prop:
            kinds.append("p")
        elif is_sec:
            kinds.append("s")
        else:
            # IniFile.Validate: InvalidDataException at load (§2); the line text is
            # not repeated here because it may hold a secret.
            return b.reject(
                f"PowerShell/.NET rejects the whole file: line {i + 1} does not contain "
                "a section, property or comment",
                i,
            )

    def col(i: int, c: int) -> Position:
        return lines.pos(i, c + (shift if i == 0 else 0))

    seen_sections: dict[str, int] = {}
    section_lines: list[tuple[int, str]] = []
    for i, k in enumerate(kinds):
        if k in ("s", "sp"):
            t = texts[i].strip()
            name = t[1:-1].strip()
            section_lines.append((i, name))

    def read(i: int, name: str) -> tuple[list[tuple[str, str, Location]], str | None]:
        props: list[tuple[str, str, Location]] = []
        keys: set[str] = set()
        j = i + 1
        while j < n:
            k = kinds[j]
            if k in ("p", "sp"):
                s = texts[j]
                lead = len(s) - len(s.lstrip())
                eq = s.index("=")
                key = s[lead:eq].strip()
                rest = s[eq + 1 :]
                vstart = eq + 1 + len(rest) - len(rest.lstrip())
                value = rest.strip()
                if key.lower() in keys:
                    return [], (
                        f"PowerShell/.NET skips [{name}]: key '{key}' appears twice (line {j + 1})"
                    )
                keys.add(key.lower())
                loc = Location(
                    file_kind,
                    j,
                    Range(col(j, lead), col(j, lead + len(key))),
                    Range(col(j, vstart), col(j, vstart + len(value))),
                )
                props.append((key.lower(), value, loc))
            elif k == "s":
                break
            j += 1
        return props, None

    view = b.view
    exact = {name for _, name in section_lines}
    prefixed_default = file_kind == "config" and "default" in exact
    for i, name in section_lines:
        t = texts[i]
        lead = len(t) - len(t.lstrip())
        end = len(t.rstrip())
        ref = SectionRef(file_kind, i, Range(col(i, lead), col(i, end)), _name_rng(col, i, t))
        if name in seen_sections:
            b.ignore(
                ref,
                f"PowerShell/.NET reads only the first [{name}] (line {seen_sections[name] + 1})",
            )
            continue
        seen_sections[name] = i
        m = re.match(r"(profile|sso-session)[ \t]+(.+)$", name, re.DOTALL)
        table: dict[str, ConsumerProfile]
        if file_kind == "config":
            if name == "default":
                table, pname = view.profiles, "default"
            elif m and m.group(1) == "profile":
                pname = m.group(2)
                if pname == "default" and prefixed_default:
                    b.ignore(ref, "PowerShell/.NET uses [default], not [profile default]")
                    continue
                table = view.profiles
            elif m:
                table, pname = view.sso_sessions, m.group(2)
            else:
                b.ignore(ref, f"[{name}] is not a profile for PowerShell/.NET")
                continue
        else:
            if m and m.group(1) == "profile":
                pname = m.group(2)
                if pname in exact:
                    b.ignore(ref, f"PowerShell/.NET uses [{pname}], not [{name}]")
                    continue
            else:
                pname = name
            table = view.profiles if not (m and m.group(1) == "sso-session") else view.sso_sessions
            if m and m.group(1) == "sso-session":
                pname = m.group(2)
        if pname in table:
            b.ignore(ref, f"PowerShell/.NET reads only the first section for '{pname}'")
            continue
        props, problem = read(i, name)
        if problem is not None:
            b.ignore(ref, problem)
            continue
        prof = b.entry(table, pname, ref)
        for key, value, loc in props:
            _put(prof, key, value, loc)
    return view


def _name_rng(col: Callable[[int, int], Position], i: int, t: str) -> Range:
    a = t.find("[")
    z = t.rfind("]")
    inner = t[a + 1 : z]
    s = a + 1 + len(inner) - len(inner.lstrip())
    e = a + 1 + len(inner.rstrip())
    return Range(col(i, s), col(i, max(s, e)))


# --- go: aws-sdk-go-v2 internal/ini (newest) ---------------------------------------


def _go_unquote(v: str) -> str:
    if len(v) > 2 and v[0] == v[-1] and v[0] in "\"'":
        return v[1:-1]
    return v


def _go_split(s: str) -> tuple[str, str, int, int] | None:
    """splitProperty: the first of '=' / ':'; returns key, value, delimiter and value columns."""
    eq = s.find("=")
    colon = s.find(":")
    d = colon if eq == -1 or (colon != -1 and colon < eq) else eq
    if d < 0:
        return None
    rest = s[d + 1 :]
    return s[:d].strip(), rest.strip(), d, d + 1 + len(rest) - len(rest.lstrip())


@dataclass
class _GValue:
    value: str
    sub: dict[str, str] | None
    loc: Location


def _read_go(ini: IniFile, file_kind: FileKind) -> ConsumerView:
    b = _Builder("go", file_kind)
    lines = _Lines(ini, lf_only=True, keep_cr=True)
    container: dict[str, tuple[list[SectionRef], dict[str, _GValue]]] = {}
    order: list[str] = []
    cur_section = ""
    cur_key = ""
    for i, line in enumerate(lines.texts):
        if not line.strip() or line.lstrip(_SPACE_TAB).startswith(("#", ";")):
            continue
        t = _cut_at(line, "#;", need_ws=False).strip()
        if t.startswith("[") and t.endswith("]"):
            inner = t[1:-1].strip()
            prefix, pname = _split_ws(inner)
            name = f"{prefix} {pname}" if prefix else pname
            a = line.find("[")
            ref = SectionRef(
                file_kind,
                i,
                lines.rng(i, a, a + len(t)),
                lines.rng(i, a + 1, a + len(t) - 1),
            )
            if name not in container:
                container[name] = ([], {})
                order.append(name)
            container[name][0].append(ref)
            cur_section, cur_key = name, ""
            continue
        indented = line[0] in _SPACE_TAB
        if not indented:
            body = _cut_at(line, "#;", need_ws=True).rstrip(_SPACE_TAB)
            sp = _go_split(body)
            if sp is None:
                continue  # newest G ignores unrecognised lines (§2)
            if not cur_section:
                continue
            key, value, d, vstart = sp
            k0 = _lead(body)
            loc = Location(
                file_kind,
                i,
                lines.rng(i, k0, k0 + len(body[k0:d].rstrip())),
                lines.rng(i, vstart, vstart + len(value)),
            )
            cur_key = key.lower()
            container[cur_section][1][cur_key] = _GValue(_go_unquote(value), None, loc)
            continue
        if not cur_key:
            continue
        stripped = line.lstrip(_SPACE_TAB)
        gv = container[cur_section][1][cur_key]
        sp = _go_split(stripped)
        if sp is not None:
            if gv.sub is None and gv.value == "":
                gv.sub = {sp[0].lower(): _go_unquote(sp[1])}
            continue
        if gv.value != "" and gv.sub is None:
            gv.value = f"{gv.value}\n{stripped}"
    view = b.view
    prefixed_default = "profile default" in container
    for name in order:
        refs, values = container[name]
        prefix, pname = _split_ws(name)
        table: dict[str, ConsumerProfile]
        if file_kind == "config":
            if prefix is None and pname == "default":
                if prefixed_default:
                    for r in refs:
                        b.ignore(r, "[default] is ignored because [profile default] exists")
                    continue
                table = view.profiles
            elif prefix == "profile":
                table = view.profiles
            elif prefix == "sso-session":
                table = view.sso_sessions
            elif prefix == "services":
                table = view.services
            else:
                for r in refs:
                    b.ignore(r, f"[{name}] is not a profile for the Go SDK")
                continue
        else:
            if prefix == "profile":
                for r in refs:
                    b.ignore(r, "the Go SDK ignores [profile ...] in the credentials file")
                continue
            table, pname = view.profiles, name
        prof = table.get(pname) or ConsumerProfile(pname)
        table[pname] = prof
        prof.sections.extend(refs)
        for key, gv in values.items():
            _put(prof, key, gv.value, gv.loc, gv.sub)
    return view


_READERS: dict[str, Callable[[IniFile, FileKind], ConsumerView]] = {
    "sdk": _read_sdk,
    "botocore": _read_botocore,
    "powershell": _read_powershell,
    "go": _read_go,
}


# --- merging config + credentials (§8) -----------------------------------------

# G mergeSections: keys copied from credentials when the profile is in both files.
GO_MERGE_KEYS = frozenset(
    {
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "role_arn",
        "source_profile",
        "credential_source",
        "external_id",
        "mfa_serial",
        "role_session_name",
        "region",
        "endpoint_discovery_enabled",
        "credential_process",
        "web_identity_token_file",
        "s3_use_arn_region",
        "s3_disable_multiregion_access_points",
        "ec2_metadata_service_endpoint",
        "ec2_metadata_service_endpoint_mode",
        "ec2_metadata_v1_disabled",
        "use_dualstack_endpoint",
        "use_fips_endpoint",
        "defaults_mode",
        "retry_mode",
        "ca_bundle",
        "duration_seconds",
        "max_attempts",
        "sso_session",
        "sso_account_id",
        "sso_region",
        "sso_role_name",
        "sso_start_url",
        "auth_scheme_preference",
    }
)


def merge(
    config: ConsumerView | None, credentials: ConsumerView | None, consumer: str
) -> MergedView:
    """Config first, credentials on top (credentials wins per property; Go: §8's key list)."""
    out = MergedView(consumer)
    for view in (config, credentials):
        if view is None:
            continue
        if view.rejected is not None:
            out.rejected[view.file_kind] = view.rejected
            continue
        out.ignored.extend(view.ignored)
        for src, dst in (
            (view.profiles, out.profiles),
            (view.sso_sessions, out.sso_sessions),
            (view.services, out.services),
        ):
            for name, prof in src.items():
                _merge_profile(dst, name, prof, consumer, view.file_kind)
    return out


def _merge_profile(
    dst: dict[str, ConsumerProfile],
    name: str,
    prof: ConsumerProfile,
    consumer: str,
    file_kind: str,
) -> None:
    have = dst.get(name)
    if have is None:
        dst[name] = ConsumerProfile(name, dict(prof.properties), list(prof.sections))
        return
    have.sections.extend(prof.sections)
    for key, prop in prof.properties.items():
        if consumer == "go" and file_kind == "credentials" and key not in GO_MERGE_KEYS:
            continue
        old = have.properties.get(key)
        if old is None:
            have.properties[key] = prop
        else:
            have.properties[key] = ResolvedProperty(
                key, prop.value, [*old.locations, *prop.locations], prop.sub_properties
            )
