"""File-format rules for the shared credentials and config files (CRED101-CRED112).

Every compatibility message names the consumers that break and how, limited to
the consumers selected in the settings (rules.md). Ranges point at the token:
header name, key, value or comment. No message ever contains a secret value.
"""

from __future__ import annotations

import difflib
import re

from credls.diagnostic import Diagnostic, Fix, Related, Severity, TextEdit
from credls.document import Document, DocumentKind
from credls.ini import keys
from credls.ini.parser import Comment, Continuation, Header, IniFile, ProblemKind, Property, Section
from credls.rules.context import CheckContext
from credls.rules.registry import rule
from credls.text import Position, Range

DUPLICATE_SECTION = rule(
    "CRED101",
    "duplicate-section",
    Severity.WARNING,
    "A section header appears twice in one file.",
    "The tools disagree about a repeated section (file-format.md §7, D5): botocore (AWS CLI "
    "v1, boto3) rejects the whole file with DuplicateSectionError, PowerShell/.NET reads only "
    "the first section and ignores the rest, and the Rust/Java/Go SDKs merge both with later "
    "keys winning. Keep one section per profile.",
    bad="[profile dev]\nregion = us-east-1\n\n[profile dev]\noutput = json\n",
    good="[profile dev]\nregion = us-east-1\noutput = json\n",
)
DUPLICATE_KEY = rule(
    "CRED102",
    "duplicate-key",
    Severity.WARNING,
    "A key appears twice in one section.",
    "A key repeated in a section, compared case-insensitively (D6), makes botocore reject the "
    "whole file (DuplicateOptionError) and PowerShell/.NET treat the whole profile as absent; "
    "the Rust/Java/Go SDKs use the last value. Keep one definition.",
    bad="[default]\nregion = us-east-1\nRegion = eu-west-1\n",
    good="[default]\nregion = eu-west-1\n",
)
SYNTAX_ERROR = rule(
    "CRED103",
    "syntax-error",
    Severity.ERROR,
    "A line is not a section header, property, comment or blank line.",
    "Lines that are not `[section]`, `key = value`, a comment or blank — a header without "
    "`]` or with text after it, a property without `=` or with `:`, an empty key, an indented "
    "line with nothing to continue, bytes that are not UTF-8 — make the Rust/Java SDKs, "
    "botocore and PowerShell/.NET reject the whole file, while Go silently skips the line "
    "(D13, D14, D20, D23). One finding per bad line.",
    bad="[default]\nregion: us-east-1\naws_access_key_id\n",
    good="[default]\nregion = us-east-1\n",
)
INLINE_COMMENT = rule(
    "CRED104",
    "inline-comment",
    Severity.WARNING,
    "A `#`/`;` comment after a value or a section header.",
    "The Rust/Java/Go SDKs strip ` # comment` after a value, but botocore and PowerShell/.NET "
    "keep it as part of the value (`region = us-east-1 # prod` is region `us-east-1 # prod`). "
    "A comment after a header makes PowerShell/.NET reject the whole file, and `[x] # [y]` "
    "loses profile x in botocore (D1-D3). Put comments on their own line, starting in "
    "column 0.",
    bad="[default] # main account\nregion = us-east-1 # prod\n",
    good="# main account\n[default]\n# prod\nregion = us-east-1\n",
)
WRONG_SECTION_KIND = rule(
    "CRED105",
    "wrong-section-kind",
    Severity.WARNING,
    "A section header of the wrong kind for this file.",
    "The credentials file names profiles `[name]`; `[profile name]` there is ignored by the "
    "Rust/Java/Go SDKs, named `profile name` by botocore and used as `name` by PowerShell "
    "(D8). The config file needs `[profile name]` for every profile except `[default]`; a "
    "bare `[name]` is no profile for any tool (D9). `[sso-session]` and `[services]` belong "
    "in the config file.",
    bad="# ~/.aws/config\n[dev]\nregion = us-east-1\n",
    good="# ~/.aws/config\n[profile dev]\nregion = us-east-1\n",
)
DEFAULT_SECTION_CONFLICT = rule(
    "CRED106",
    "default-section-conflict",
    Severity.WARNING,
    "The config file has both `[default]` and `[profile default]`.",
    "Which one wins depends on the tool (D7): the Rust/Java/Go SDKs use `[profile default]` "
    "and drop `[default]` entirely, botocore uses whichever comes last, PowerShell/.NET uses "
    "`[default]`. Keep only `[default]`.",
    bad="[default]\nregion = us-east-1\n\n[profile default]\nregion = eu-west-1\n",
    good="[default]\nregion = us-east-1\n",
)
INVALID_PROFILE_NAME = rule(
    "CRED107",
    "invalid-profile-name",
    Severity.WARNING,
    "A profile name that some tools read differently or not at all.",
    "The Rust/Java SDKs ignore profiles whose name has characters outside "
    "`A-Z a-z 0-9 _ - / . % @ : +` (D10). botocore does not trim spaces inside the brackets "
    '(`[ profile x ]` is no profile for it, D11), strips quotes (`[profile "x"]` is `x` '
    "only there) and accepts any prefix starting with `profile` (`[profiles x]`, D12).",
    bad='[profile "my profile"]\nregion = us-east-1\n',
    good="[profile my-profile]\nregion = us-east-1\n",
)
BYTE_ORDER_MARK = rule(
    "CRED108",
    "byte-order-mark",
    Severity.WARNING,
    "The file starts with a byte-order mark.",
    "botocore and the Rust/Java SDKs fail on a file that starts with a byte-order mark, and "
    "Go silently drops the first section; only PowerShell/.NET skips it (D19). Save the file "
    "as UTF-8 without BOM.",
    bad="\ufeff[default]\nregion = us-east-1\n",
    good="[default]\nregion = us-east-1\n",
)
UNKNOWN_KEY = rule(
    "CRED109",
    "unknown-key",
    Severity.WARNING,
    "A key no tool knows, or a known key in a non-portable spelling.",
    "Keys outside the known-key table (file-format.md §10) are ignored by every tool, which "
    "usually means a typo: the finding suggests the closest known key. Upper-case spellings "
    "of known keys work only where keys are matched case-insensitively and are reported as "
    "not portable.",
    bad="[default]\naws_secret_acess_key = ...\nREGION = us-east-1\n",
    good="[default]\naws_secret_access_key = ...\nregion = us-east-1\n",
)
INVALID_VALUE = rule(
    "CRED110",
    "invalid-value",
    Severity.WARNING,
    "A value that violates the key's constraint.",
    "Enumerations (`output`, `retry_mode`, `credential_source`, ...), booleans, integer "
    "ranges (`duration_seconds` 900-43200, `max_attempts` >= 1), region codes and access key "
    "IDs (`AKIA`/`ASIA` + 16 characters) are checked. Tools react differently to a bad value: "
    "botocore often treats it as false or ignores it silently, PowerShell/.NET rejects the "
    "whole profile (D22).",
    bad="[default]\nregion = us-weast-2\noutput = jsn\nduration_seconds = 60\n",
    good="[default]\nregion = us-west-2\noutput = json\nduration_seconds = 3600\n",
)

QUOTED_VALUE = rule(
    "CRED111",
    "quoted-value",
    Severity.INFORMATION,
    "A value wrapped in quotes.",
    "Only the Go SDK removes one pair of quotes around a whole value (`\"...\"` or `'...'`, "
    "D18); botocore (AWS CLI v1, boto3), PowerShell/.NET and the Rust/Java SDKs keep them as "
    'part of the value, so `region = "us-west-2"` names no region for them and a quoted '
    "secret key cannot sign requests. Quotes inside a value or at one end only, and an empty "
    '`""`, read the same everywhere and are not reported. `credential_process` is a command '
    "line whose quotes every tool passes to the command, so it is reported only for Go, which "
    "removes them first. Write values without quotes.",
    bad='[default]\nregion = "us-west-2"\n',
    good="[default]\nregion = us-west-2\n",
)
CONTINUATION_LINE = rule(
    "CRED112",
    "continuation-line",
    Severity.INFORMATION,
    "An indented line that the tools read differently.",
    "PowerShell/.NET has no continuation lines: it reads an indented `key = value` as a key "
    "of the profile itself, so a nested block such as `s3 =` with indented settings is "
    "flattened into the profile (a key that then appears twice makes it drop the profile), "
    "and an indented line without `=` makes it reject the whole file; the Go SDK keeps only "
    "the first setting of a nested block (D15). An indented `[section]` after a property "
    "starts a section for Go and PowerShell/.NET but continues the value for botocore and "
    "the Rust/Java SDKs (D16), and an indented comment is a comment everywhere except in the "
    "Rust/Java SDKs, which add it to the value above or reject the file (D4). Start headers, "
    "keys and comments in column 0.",
    bad="[default]\nregion = us-east-1\n  # production\n  [prod]\n",
    good="[default]\nregion = us-east-1\n# production\n[prod]\n",
)

_LABEL = {
    "powershell": "PowerShell/.NET",
    "botocore": "botocore (AWS CLI v1, boto3)",
    "sdk": "the Rust/Java SDKs",
    "go": "the Go SDK",
}
_IDENTIFIER = re.compile(r"[A-Za-z0-9_\-/.%@:+]+")
_KNOWN_PREFIXES = ("profile", "sso-session", "services")


def _effects(ctx: CheckContext, effects: dict[str, str]) -> str | None:
    """'; '-joined effects of the selected consumers, or None when none is selected."""
    # group consumers with one effect: "the Rust/Java SDKs and PowerShell/.NET reject ..."
    groups: dict[str, list[str]] = {}
    for consumer, what in effects.items():
        if consumer not in ctx.settings.consumers:
            continue
        verb, _, rest = what.partition(" ")
        if consumer == "sdk":  # written in the plural ("the Rust/Java SDKs reject")
            verb += "s"
        groups.setdefault(f"{verb} {rest}".rstrip(), []).append(_LABEL[consumer])
    parts = []
    for what, labels in groups.items():
        text = what
        if len(labels) > 1 or labels[0] == _LABEL["sdk"]:
            verb, _, rest = what.partition(" ")
            text = f"{verb.removesuffix('s')} {rest}".rstrip()
        who = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
        parts.append(f"{who} {text}")
    return "; ".join(parts) if parts else None


def check(doc: Document, ini: IniFile, ctx: CheckContext) -> list[Diagnostic]:
    """Run CRED101-CRED112 on a credentials or config file."""
    if doc.kind not in (DocumentKind.CREDENTIALS, DocumentKind.CONFIG):
        return []
    is_config = doc.kind is DocumentKind.CONFIG
    out: list[Diagnostic] = []
    out += _byte_order_mark(doc, ctx)
    out += _syntax(doc, ini, ctx)
    out += _sections(doc, ini, ctx, is_config)
    out += _properties(doc, ini, ctx, is_config)
    out += _quoted_values(doc, ini, ctx)
    out += _indented_lines(doc, ini, ctx, is_config)
    return out


def _diag(
    doc: Document, code: str, message: str, rng: Range, related: tuple[Related, ...] = ()
) -> Diagnostic:
    return Diagnostic(code, message, doc.path, rng, related=related)


# --- CRED108 / CRED103 ----------------------------------------------------------


def _byte_order_mark(doc: Document, ctx: CheckContext) -> list[Diagnostic]:
    bom = doc.source.bom or (b"\xef\xbb\xbf" if doc.text.startswith("\ufeff") else b"")
    if not bom:
        return []
    what = _effects(
        ctx,
        {
            "botocore": "rejects the whole file",
            "sdk": "reject the whole file",
            "go": "silently drops the first section",
        },
    )
    if what is None:
        return []
    enc = doc.source.encoding.upper() if doc.source.bom else "UTF-8"
    msg = f"file starts with a {enc} byte-order mark: {what}"
    return [_diag(doc, BYTE_ORDER_MARK.code, msg, Range.of(0, 0))]


_SYNTAX_EFFECTS: dict[ProblemKind, dict[str, str]] = {
    ProblemKind.BEFORE_FIRST_SECTION: {
        "sdk": "reject the whole file",
        "botocore": "rejects the whole file",
        "powershell": "ignores the line",
        "go": "ignores the line",
    },
    ProblemKind.MISSING_CLOSE_BRACKET: {
        "sdk": "reject the whole file",
        "botocore": "rejects the whole file",
        "powershell": "rejects the whole file",
        "go": "ignores the line and adds the following keys to the previous section",
    },
    ProblemKind.HEADER_TRAILING_TEXT: {
        "sdk": "reject the whole file",
        "powershell": "rejects the whole file",
        "go": "ignores the line and adds the following keys to the previous section",
    },
    ProblemKind.EMPTY_SECTION_NAME: {
        "sdk": "reject the whole file",
        "botocore": "rejects the whole file",
    },
    ProblemKind.NO_DELIMITER: {
        "sdk": "reject the whole file",
        "botocore": "rejects the whole file",
        "powershell": "rejects the whole file",
        "go": "ignores the line",
    },
    ProblemKind.COLON_DELIMITER: {
        "sdk": "reject the whole file",
        "powershell": "rejects the whole file",
    },
    ProblemKind.EMPTY_KEY: {
        "sdk": "reject the whole file",
        "botocore": "rejects the whole file",
    },
    ProblemKind.ORPHAN_CONTINUATION: {
        "sdk": "reject the whole file (continuation with no property)",
    },
    ProblemKind.SUBPROPERTY_NO_DELIMITER: {
        "sdk": "reject the whole file",
        "botocore": "rejects the whole file",
        "powershell": "rejects the whole file",
        "go": "ignores the line",
    },
    ProblemKind.SUBPROPERTY_EMPTY_KEY: {
        "sdk": "reject the whole file",
    },
}


def _syntax(doc: Document, ini: IniFile, ctx: CheckContext) -> list[Diagnostic]:
    out = []
    for problem in ini.problems:
        what = _effects(ctx, _SYNTAX_EFFECTS[problem.kind])
        if what is None:
            continue
        out.append(_diag(doc, SYNTAX_ERROR.code, f"{problem.message}: {what}", problem.range))
    bad = doc.source.undecodable or ini.undecodable
    if bad:
        what = _effects(
            ctx,
            {
                "botocore": "rejects the whole file (UnicodeDecodeError)",
                "sdk": "ignore the whole file",
            },
        )
        if what is not None:
            seen: set[int] = set()
            for offset in bad:
                pos = ini.position(offset)
                if pos.line in seen:
                    continue  # one finding per bad line
                seen.add(pos.line)
                rng = Range(pos, Position(pos.line, pos.character + 1))
                msg = f"bytes that are not valid UTF-8: {what}"
                out.append(_diag(doc, SYNTAX_ERROR.code, msg, rng))
    return out


# --- section rules: CRED101, CRED104 (headers), CRED105, CRED106, CRED107 ----------------


def _identity(h: Header) -> str:
    prefix = h.prefix
    return f"{prefix} {h.name}" if prefix else h.name


def _sections(doc: Document, ini: IniFile, ctx: CheckContext, is_config: bool) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    first: dict[str, Header] = {}
    dup_what = _effects(
        ctx,
        {
            "botocore": "rejects the whole file (DuplicateSectionError)",
            "powershell": "reads only the first one",
        },
    )
    for section in ini.sections:
        h = section.header
        ident = _identity(h)
        if h.close >= 0 and ident:
            seen = first.get(ident)
            if seen is None:
                first[ident] = h
            elif dup_what is not None:
                related = (Related(doc.path, seen.name_range, "first defined here"),)
                msg = f"section [{ident}] appears again (first on line {seen.line + 1}): {dup_what}"
                out.append(_diag(doc, DUPLICATE_SECTION.code, msg, h.name_range, related=related))
        out += _header_comment(doc, h, ctx)
        out += _section_kind(doc, ini, h, ctx, is_config)
    if is_config:
        defaults = [s.header for s in ini.sections if s.header.inner == "default"]
        prefixed = [s.header for s in ini.sections if _identity(s.header) == "profile default"]
        if defaults and prefixed:
            what = _effects(
                ctx,
                {
                    "sdk": "use [profile default] and drop [default]",
                    "go": "uses [profile default] and drops [default]",
                    "botocore": "uses whichever comes last",
                    "powershell": "uses [default]",
                },
            )
            if what is not None:
                here = tuple(
                    Related(doc.path, p.name_range, "[profile default] is here") for p in prefixed
                )
                for h in defaults:
                    msg = f"both [default] and [profile default] exist: {what}"
                    out.append(
                        _diag(doc, DEFAULT_SECTION_CONFLICT.code, msg, h.name_range, related=here)
                    )
    return out


def _header_comment(doc: Document, h: Header, ctx: CheckContext) -> list[Diagnostic]:
    if h.trailing_comment < 0:
        return []
    effects = {"powershell": "rejects the whole file"}
    comment = h.text[h.trailing_comment : h.end]
    if "]" in comment:
        effects["botocore"] = f"reads the section as [{h.text[h.open + 1 : h.text.rfind(']')]}]"
    what = _effects(ctx, effects)
    if what is None:
        return []
    rng = Range(Position(h.line, h.trailing_comment), Position(h.line, h.end))
    return [_diag(doc, INLINE_COMMENT.code, f"comment after a section header: {what}", rng)]


def _section_kind(
    doc: Document, ini: IniFile, h: Header, ctx: CheckContext, is_config: bool
) -> list[Diagnostic]:
    if h.close < 0 or h.inner_start == h.inner_end:
        return []
    prefix, name = h.prefix, h.name
    if not is_config:
        if prefix == "profile":
            what = _effects(
                ctx,
                {
                    "sdk": "ignore it",
                    "go": "ignores it",
                    "botocore": f"names the profile 'profile {name}'",
                    "powershell": f"uses it as profile '{name}'",
                },
            )
            msg = f"[profile {name}] in the credentials file: write [{name}]"
            return [
                _diag(
                    doc, WRONG_SECTION_KIND.code, f"{msg}; {what}" if what else msg, h.inner_range
                )
            ]
        if prefix in ("sso-session", "services"):
            msg = f"[{prefix} ...] belongs in the config file, not the credentials file"
            return [_diag(doc, WRONG_SECTION_KIND.code, msg, h.prefix_range)]
        return _profile_name(doc, h, name if not prefix else h.inner, ctx, credentials=True)
    if not prefix:
        if name == "default":
            return _profile_name(doc, h, name, ctx, credentials=False)
        for known in _KNOWN_PREFIXES:
            if name.startswith(known) and len(name) > len(known):
                msg = f"[{name}] is no profile: did you mean [{known} {name[len(known) :]}]?"
                return [_diag(doc, WRONG_SECTION_KIND.code, msg, h.inner_range)]
        msg = (
            f"[{name}] in the config file is no profile for any tool: "
            f"did you mean [profile {name}]?"
        )
        return [_diag(doc, WRONG_SECTION_KIND.code, msg, h.inner_range)]
    if prefix in _KNOWN_PREFIXES:
        return _profile_name(doc, h, name, ctx, credentials=False)
    if prefix.startswith(_KNOWN_PREFIXES):
        # botocore quirk: any prefix starting with "profile" counts (D12)
        what = _effects(ctx, {"botocore": f"reads it as '{name}'"})
        msg = f"section type '{prefix}' is not '{_closest_prefix(prefix)}'"
        return [
            _diag(
                doc,
                INVALID_PROFILE_NAME.code,
                f"{msg}; only {what}" if what else msg,
                h.prefix_range,
            )
        ]
    guess = _closest_prefix(prefix)
    msg = f"unknown section type '{prefix}': no tool reads this section"
    if guess:
        msg += f"; did you mean '{guess}'?"
    return [_diag(doc, WRONG_SECTION_KIND.code, msg, h.prefix_range)]


def _closest_prefix(prefix: str) -> str:
    m = difflib.get_close_matches(prefix, _KNOWN_PREFIXES, n=1, cutoff=0.5)
    return m[0] if m else ""


def _profile_name(
    doc: Document, h: Header, name: str, ctx: CheckContext, credentials: bool
) -> list[Diagnostic]:
    rng = h.name_range if not credentials else h.inner_range
    if len(name) >= 2 and name[0] == name[-1] and name[0] in "\"'":
        what = _effects(
            ctx,
            {
                "botocore": f"reads the name as {name[1:-1]!r}"
                if not credentials
                else f"reads the name with its quotes ({name})",
                "sdk": "ignore the section (quotes are not allowed)",
                "powershell": f"reads the name with its quotes ({name})",
                "go": f"reads the name with its quotes ({name})",
            },
        )
        if what:
            return [_diag(doc, INVALID_PROFILE_NAME.code, f"quoted profile name: {what}", rng)]
        return []
    if h.padded:
        what = _effects(
            ctx,
            {
                "botocore": "keeps the spaces, so the section is no profile"
                if not credentials
                else f"names the profile {h.raw_inner!r}"
            },
        )
        if what:
            return [
                _diag(
                    doc,
                    INVALID_PROFILE_NAME.code,
                    f"spaces inside the brackets: {what}",
                    h.inner_range,
                )
            ]
    if not _IDENTIFIER.fullmatch(name):
        what = _effects(ctx, {"sdk": "ignore the whole section"})
        if what:
            msg = (
                f"profile name {name!r} has characters outside A-Z a-z 0-9 _ - / . % @ : +: {what}"
            )
            return [_diag(doc, INVALID_PROFILE_NAME.code, msg, rng)]
    return []


# --- property rules: CRED102, CRED104 (values), CRED109, CRED110 ---------------------------


def _properties(
    doc: Document, ini: IniFile, ctx: CheckContext, is_config: bool
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    dup_what = _effects(
        ctx,
        {
            "botocore": "rejects the whole file (DuplicateOptionError)",
            "powershell": "ignores the whole profile",
        },
    )
    comment_what = _effects(
        ctx, {"botocore": "keeps it in the value", "powershell": "keeps it in the value"}
    )
    for section in ini.sections:
        kind = section.header.prefix if is_config else ""
        checked = (
            not is_config
            or kind in ("profile", "sso-session")
            or (not kind and section.header.name == "default")
        )
        seen: dict[str, Property] = {}
        for p in section.properties:
            key = p.key
            low = key.lower()
            first = seen.get(low)
            if first is None:
                seen[low] = p
            elif dup_what is not None and key:
                related = (Related(doc.path, first.key_range, "first defined here"),)
                msg = f"key '{key}' appears twice in [{section.header.inner}]: {dup_what}"
                out.append(_diag(doc, DUPLICATE_KEY.code, msg, p.key_range, related=related))
            if p.comment >= 0 and comment_what is not None:
                shown = (
                    ""
                    if low in keys.SECRET_KEYS or low == "aws_access_key_id"
                    else f" ({key} = {p.raw_value!r})"
                )
                msg = f"inline comment: {comment_what}{shown}"
                rng = p.comment_range
                assert rng is not None
                out.append(_diag(doc, INLINE_COMMENT.code, msg, rng))
            if checked and key:
                out += _key_and_value(doc, p, ctx)
    return out


def _key_and_value(doc: Document, p: Property, ctx: CheckContext) -> list[Diagnostic]:
    key = p.key
    spec = keys.lookup(key)
    if spec is None:
        guess = keys.closest_key(key)
        msg = f"unknown key '{key}'"
        msg += f": did you mean '{guess}'?" if guess else ": no tool reads it"
        return [_diag(doc, UNKNOWN_KEY.code, msg, p.key_range)]
    out = []
    if key != spec.name:
        msg = (
            f"'{key}' is not portable: write '{spec.name}' "
            "(the Java SDK and older tools match keys case-sensitively)"
        )
        out.append(_diag(doc, UNKNOWN_KEY.code, msg, p.key_range))
    value = p.value
    if value and spec.validator is not None and not p.continuations:
        reason = spec.validator(value)
        if reason is not None:
            if spec.secret:  # never echo a secret (validators do not exist for them today)
                reason = "invalid value"
            rng = Range(
                Position(p.line, p.value_start), Position(p.line, p.value_start + len(value))
            )
            out.append(_diag(doc, INVALID_VALUE.code, f"{spec.name}: {reason}", rng))
    return out


# --- CRED111: quoted values (file-format.md §5, D18) -------------------------------------

_QUOTE_EFFECTS = {
    "botocore": "keeps them as part of the value",
    "powershell": "keeps them as part of the value",
    "sdk": "keep them as part of the value",
    "go": "strips them",
}
# A command line: its quotes are shell syntax for every tool (botocore splits it
# like a shell), but Go's INI parser removes an outer pair before the command runs.
_COMMAND_KEY = "credential_process"
_COMMAND_EFFECTS = {
    "go": "removes them before it runs the command, while the other tools pass them on"
}


def _wrapped(value: str) -> bool:
    """Go's ``unquote``: matching quotes around at least one character (``""`` stays)."""
    return len(value) > 2 and value[0] == value[-1] and value[0] in "\"'"


def _quoted_values(doc: Document, ini: IniFile, ctx: CheckContext) -> list[Diagnostic]:
    # Only Go strips the quotes, so a project that reads the files with Go alone
    # gets the unquoted value it meant: nothing to report then.
    keepers = any(c != "go" for c in ctx.settings.consumers)
    what = _effects(ctx, _QUOTE_EFFECTS) if keepers else None
    command_what = _effects(ctx, _COMMAND_EFFECTS)
    if what is None and command_what is None:
        return []
    if '"' not in ini.text and "'" not in ini.text:
        return []  # the common case, decided in C
    out: list[Diagnostic] = []
    for section in ini.sections:
        for p in section.properties:
            if p.indent:
                continue  # an indented key is a syntax error (CRED103); Go skips the line
            if '"' not in p.text and "'" not in p.text and not p.continuations:
                continue
            value = p.value  # without an inline comment, as Go reads it
            if _wrapped(value):
                out += _quoted(doc, p.key, p.line, p.value_start, len(value), what, command_what)
            elif not value:
                for c in p.continuations:
                    if c.sub_delim < 0:
                        continue
                    # Go unquotes sub-property values too; comments there are part of them.
                    rest = c.text[c.sub_delim + 1 : c.end]
                    sub = rest.lstrip(" \t")
                    if _wrapped(sub):
                        start = c.end - len(sub)
                        show = not _secret_owner(p) and _showable(c.sub_key)
                        name = f"{p.key}.{c.sub_key}" if show else p.key
                        out += _quoted(doc, name, c.line, start, len(sub), what, None)
    return out


def _quoted(
    doc: Document,
    key: str,
    line: int,
    start: int,
    length: int,
    what: str | None,
    command_what: str | None,
) -> list[Diagnostic]:
    """One CRED111 finding; the message names the key, never the value (it may be a secret)."""
    rng = Range.of(line, start, end=start + length)
    if key.lower() == _COMMAND_KEY:
        if command_what is None:
            return []
        msg = f"value of '{key}' is wrapped in quotes: {command_what}"
        return [_diag(doc, QUOTED_VALUE.code, msg, rng)]
    if what is None:
        return []
    msg = f"value of '{key}' is wrapped in quotes: {what}"
    # Two deletions, so that the fix never carries the value (it may be a secret).
    # Not unattended: the value changes for every tool but Go.
    fix = Fix(
        "Remove the quotes",
        (
            TextEdit(doc.path, Range.of(line, start, end=start + 1), ""),
            TextEdit(doc.path, Range.of(line, start + length - 1, end=start + length), ""),
        ),
        unattended=False,
    )
    return [Diagnostic(QUOTED_VALUE.code, msg, doc.path, rng, fix=fix)]


# --- CRED112: indented lines (file-format.md §2, §3, §6; D4, D15, D16) -----------------------
#
# The parser classifies indented lines as the Rust/Java SDKs do (a continuation
# of the property above, or a sub-property under an empty value). Lines it
# already reports as syntax errors (CRED103: an indented key with nothing to
# continue, a sub-property without '=') are not reported again here.


def _indented_lines(
    doc: Document, ini: IniFile, ctx: CheckContext, is_config: bool
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    bom = bool(ini.texts) and ini.texts[0].startswith("\ufeff")
    flat: dict[int, dict[str, int]] = {}  # per section: PowerShell's key counts
    current: Property | None = None  # the property an indented line continues (R/J)
    for i, node in enumerate(ini.nodes):
        if node is None:
            if ini.texts[i].strip(" \t"):
                current = None  # an invalid line ends the property, as in the parser
            continue
        if isinstance(node, Property):
            current = node
            if node.continuations and node.section is not None:
                out += _block(doc, node, ctx, is_config, flat)
        elif isinstance(node, Comment):
            if node.col > (1 if bom and i == 0 else 0):
                out += _indented_comment(doc, node, current, ctx)
        elif isinstance(node, Header):
            current = None
            if node.open > (1 if bom and i == 0 else 0):
                out += _indented_header(doc, node, ctx)
    return out


def _indented_comment(
    doc: Document, c: Comment, current: Property | None, ctx: CheckContext
) -> list[Diagnostic]:
    """D4: a comment for everyone but the Rust/Java SDKs, which read it as a continuation."""
    if current is None:
        effect = "reject the whole file (an indented line with no property to continue)"
    elif current.value:
        effect = f"append it to the value of '{current.key}'"
    elif "=" in c.text:
        effect = f"read it as a sub-property of '{current.key}'"
    else:
        effect = "reject the whole file (a sub-property line without '=')"
    what = _effects(ctx, {"sdk": effect})
    if what is None:
        return []
    msg = f"indented comment: {what}; start comments in column 0"
    return [_diag(doc, CONTINUATION_LINE.code, msg, c.range)]


def _indented_header(doc: Document, h: Header, ctx: CheckContext) -> list[Diagnostic]:
    """An indented header with no property above it: an orphan continuation for R/J."""
    what = _effects(
        ctx, {"sdk": "reject the whole file (an indented line with no property to continue)"}
    )
    if what is None:
        return []
    msg = f"indented section header: {what}; start it in column 0"
    return [_diag(doc, CONTINUATION_LINE.code, msg, h.bracket_range)]


def _reads_as_profile(section: Section, is_config: bool) -> bool:
    """Whether PowerShell/.NET reads the section's keys (§4, §11: it ignores [services])."""
    if not is_config:
        return True
    h = section.header
    return h.prefix in ("profile", "sso-session") or (not h.prefix and h.name == "default")


def _flat_keys(section: Section) -> dict[str, int]:
    """How often PowerShell/.NET sees each key in the section, indented lines flattened."""
    counts: dict[str, int] = {}
    for p in section.properties:
        if p.delimiter == "=":
            k = p.key.lower()
            counts[k] = counts.get(k, 0) + 1
        for c in p.continuations:
            eq = c.text.find("=", c.start)
            if eq >= 0 and not c.looks_like_header:
                k = c.text[c.start : eq].strip(" \t").lower()
                counts[k] = counts.get(k, 0) + 1
    return counts


# Key-like names only: a long base64 session token wrapped onto an indented line
# can end in '=', and what stands before it must never reach a message.
_SHOWABLE_KEY = re.compile(r"[a-z0-9_\-]{1,40}")


def _showable(name: str) -> bool:
    return keys.lookup(name) is not None or _SHOWABLE_KEY.fullmatch(name) is not None


def _secret_owner(p: Property) -> bool:
    low = p.key.lower()
    return low in keys.SECRET_KEYS or low == "aws_access_key_id"


def _quoted_names(names: list[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def _block(
    doc: Document,
    p: Property,
    ctx: CheckContext,
    is_config: bool,
    flat: dict[int, dict[str, int]],
) -> list[Diagnostic]:
    """The continuation lines of one property: D16 per indented header, D15 for the rest."""
    section = p.section
    assert section is not None
    out: list[Diagnostic] = []
    lines: list[Continuation] = []
    for c in p.continuations:
        if not c.looks_like_header:
            lines.append(c)
        elif p.value:  # under an empty value, a header-like line is CRED103 (no '=')
            out += _continued_header(doc, p, c, ctx)
    if p.value:
        keyed = [c for c in lines if "=" in c.content]
    else:
        lines = keyed = [c for c in lines if c.sub_delim >= 0]  # the rest is CRED103
    if not lines:
        return out
    names = [c.text[c.start : c.text.find("=", c.start)].strip(" \t") for c in keyed]
    breaking: dict[str, str] = {}
    if _reads_as_profile(section, is_config):
        bare = [c for c in lines if "=" not in c.content]
        if bare:
            breaking["powershell"] = (
                f"rejects the whole file (line {bare[0].line + 1} has no '=' and is no comment)"
            )
        else:
            shown = not _secret_owner(p) and all(map(_showable, names))
            ps = (
                f"reads {_quoted_names(names)} as {'a key' if len(names) == 1 else 'keys'} "
                "of the profile itself"
                if shown
                else "reads the indented lines as keys of the profile itself"
            )
            counts = flat.get(id(section))
            if counts is None:
                counts = flat[id(section)] = _flat_keys(section)
            twice = [n for n in names if counts.get(n.lower(), 0) > 1]
            if twice:
                which = f"'{twice[0]}' appears twice" if shown else "a key appears twice"
                ps += f" and then ignores the whole profile ({which})"
            breaking["powershell"] = ps
    context: dict[str, str] = {}
    if p.value:
        dropped = [c for c in lines if "=" in c.content or ":" in c.content]
        if dropped:
            breaking["go"] = "ignores the indented lines that hold '=' or ':'"
        context = {
            "botocore": "appends them to the value",
            "sdk": "append them to the value",
        }
        head = f"indented lines continue the value of '{p.key}'"
    else:
        if len(names) > 1:
            show = not _secret_owner(p) and _showable(names[0])
            first_name = f" ('{names[0]}')" if show else ""
            breaking["go"] = f"keeps only the first setting{first_name}"
        head = f"nested block under '{p.key}'"
    if _effects(ctx, breaking) is None:
        return out
    what = _effects(ctx, {**context, **breaking})
    first, last = lines[0], lines[-1]
    rng = Range.of(first.line, first.start, last.line, last.end)
    out.append(_diag(doc, CONTINUATION_LINE.code, f"{head}: {what}", rng))
    return out


def _continued_header(
    doc: Document, p: Property, c: Continuation, ctx: CheckContext
) -> list[Diagnostic]:
    """D16: ``  [x]`` after a value continues it for R/J/P but is a section for G/N."""
    content = c.content
    close = content.find("]")
    shown = content[: close + 1] if close >= 0 else content
    breaking = {
        "botocore": f"reads it as part of the value of '{p.key}'",
        "sdk": f"read it as part of the value of '{p.key}'",
    }
    if _effects(ctx, breaking) is None:
        return []
    what = _effects(
        ctx,
        {"go": "reads it as a new section", "powershell": "reads it as a new section", **breaking},
    )
    msg = f"indented section header {shown}: {what}; start it in column 0"
    end = c.start + len(shown)
    return [_diag(doc, CONTINUATION_LINE.code, msg, Range.of(c.line, c.start, end=end))]
