"""Rules: security (CRED3xx). Literal keys in checked files, and store file permissions.

Entry points:

* ``check(doc, ctx)``: the literal-key rules for a decoded document, plus CRED304
  for a credentials file or SDK store on disk;
* ``scan_file_bytes(path, data)``: the same literal-key rules for the headless
  walk, straight from bytes; files without a candidate cost one prefilter pass;
* ``check_permissions(path, kind)``: CRED304 alone;
* ``diagnostics_for(path, text, findings)``: findings of ``credls.scan`` as
  diagnostics, for an analysis that filters them first (the PowerShell analysis
  drops literals it reports with binding-aware messages).

No message ever holds a secret key or a session token; access key IDs are masked.
"""

# The rule docs below show literal keys as bad examples (all fake):
# credls: ignore-file[CRED301, CRED302, CRED303]

from __future__ import annotations

import functools
import os
import re
import stat
from collections.abc import Iterable, Sequence

from credls.diagnostic import Diagnostic, Severity
from credls.document import POWERSHELL_SUFFIXES, Document, DocumentKind, kind_of_path
from credls.rules.context import CheckContext
from credls.rules.registry import rule
from credls.scan.literals import LiteralFinding, LiteralKind, scan
from credls.scan.prefilter import may_hold_credentials
from credls.scan.regions import is_docs_path
from credls.scan.values import ValueClass, classify
from credls.secret import mask_key_id
from credls.source import decode
from credls.text import LineIndex, Position, Range


def _para(text: str) -> str:
    """A rule's doc as one paragraph: the source keeps it readable, the output unwrapped."""
    return " ".join(text.split())


LITERAL_ACCESS_KEY = rule(
    "CRED301",
    "literal-access-key",
    Severity.WARNING,
    "An AWS access key ID is written literally in a checked file.",
    _para(
        """
        An access key ID (`AKIA…`, `ASIA…`) written into a script, a document or a credentials
        file that is committed to a repository travels with every copy of it, and it is half of
        a working credential. Any literal value of `-AccessKey`/`-AK` is reported too, whatever
        its shape. Keep keys in the user's own credential store and refer to them by profile
        name, or pass them through environment variables set by the CI system. A value that is
        plainly a placeholder (`AKIAXXXXXXXXXXXXXXXX`, `<access key>`, `YOUR_KEY`) is reported at
        information severity: the file expects a real key to be pasted in. A placeholder in a
        comment or in the prose of a Markdown or text document (outside fenced code) is not a
        value and is not reported; a real key there is.
        """
    ),
    bad="Set-AWSCredential -AccessKey AKIAQWERTYUIOPASDFGH -SecretKey $secret -StoreAs ci",
    good="Set-AWSCredential -ProfileName ci",
    example_language="powershell",
)

LITERAL_SECRET_KEY = rule(
    "CRED302",
    "literal-secret-key",
    Severity.WARNING,
    "An AWS secret access key is written literally in a checked file.",
    _para(
        """
        A secret access key is the part of a credential that must never leave the user's own
        store. Reported for any literal value of `-SecretKey`/`-SK`/`-SecretAccessKey` (or a splat
        key of those names), for a 40-character secret assigned to a name that says it is a
        secret (`aws_secret_access_key`, `$secretKey`, `"SecretAccessKey":`), and for a
        40-character secret written right next to an access key ID. The message never shows the
        secret. Rotate a key that was committed: removing it from the file does not remove it
        from the history.
        """
    ),
    bad="$secretKey = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz'",
    good="$secretKey = $env:AWS_SECRET_ACCESS_KEY",
    example_language="powershell",
)

LITERAL_SESSION_TOKEN = rule(
    "CRED303",
    "literal-session-token",
    Severity.WARNING,
    "An AWS session token is written literally in a checked file.",
    _para(
        """
        A session token together with its temporary keys is a working credential until it
        expires, often for hours. Reported for a literal value of `-SessionToken`/`-ST`, for a
        token-shaped value assigned to `aws_session_token`, `SessionToken` or a similar name, and
        for an STS token recognised by its fixed prefix anywhere. Obtain temporary credentials at
        run time (`Use-STSRole`, a profile with `role_arn`) instead of pasting them.
        """
    ),
    bad="Set-AWSCredential -AccessKey $ak -SecretKey $sk -SessionToken 'IQoJb3JpZ2luX2Vj…'",
    good="Set-AWSCredential -ProfileName deploy-role",
    example_language="powershell",
)

INSECURE_PERMISSIONS = rule(
    "CRED304",
    "insecure-permissions",
    Severity.WARNING,
    "A credentials file or SDK store is readable or writable by group or others.",
    _para(
        """
        On POSIX systems the shared credentials file and the SDK store should be readable and
        writable by their owner only (mode 600), as the AWS CLI creates them. A file that group
        members or other users can read gives them the keys; one they can write lets them swap a
        profile's keys or add a `credential_process` that runs their code. Run `chmod 600` on it.
        """
    ),
    bad="-rw-r--r--  ~/.aws/credentials",
    good="-rw-------  ~/.aws/credentials",
    example_language="text",
)

LONG_TERM_KEYS = rule(
    "CRED305",
    "long-term-keys",
    Severity.INFORMATION,
    "A profile in the user's own store holds long-term IAM user keys.",
    _para(
        """
        An access key ID starting with `AKIA` belongs to an IAM user: it never expires, so the
        credentials file keeps a working credential on disk until someone rotates it. AWS
        recommends IAM Identity Center (`sso_session` profiles, `aws sso login`) or roles with
        temporary credentials instead. Reported once per profile of the user's own credentials
        or config file, at the key ID (shown masked); temporary keys (`ASIA…`), AWS
        documentation example keys and placeholders are not reported. A key in a file that is
        not the user's own store is CRED301 instead.
        """
    ),
    bad="[default]\naws_access_key_id = AKIAQWERTYUIOPASDFGH\naws_secret_access_key = …",
    good="[default]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev",
)

EXAMPLE_KEY = rule(
    "CRED306",
    "example-key",
    Severity.HINT,
    "A key that AWS documentation uses as an example.",
    _para(
        """
        Values ending in `EXAMPLE` or `EXAMPLEKEY` (`AKIAIOSFODNN7EXAMPLE`,
        `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`) are the example keys of the AWS documentation.
        They are reported as a hint instead of CRED301-303 so that documentation and samples stay
        quiet; a hint in a real configuration means the profile cannot work.
        """
    ),
    bad="aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
    good="# see https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html",
)

_INI_KINDS = (DocumentKind.CREDENTIALS, DocumentKind.CONFIG, DocumentKind.SDK_STORE)
_PERMISSION_KINDS = (DocumentKind.CREDENTIALS, DocumentKind.SDK_STORE)

_CODE = {
    LiteralKind.ACCESS_KEY_ID: LITERAL_ACCESS_KEY.code,
    LiteralKind.SECRET_KEY: LITERAL_SECRET_KEY.code,
    LiteralKind.SESSION_TOKEN: LITERAL_SESSION_TOKEN.code,
}
_WHAT = {
    LiteralKind.ACCESS_KEY_ID: "access key ID",
    LiteralKind.SECRET_KEY: "secret access key",
    LiteralKind.SESSION_TOKEN: "session token",
}
_ADVICE = "use a profile or environment variables instead"
# A name is shown only from a closed vocabulary (after dropping case and
# punctuation), so that no part of a message can come from key material.
_SHOWABLE_NAME = re.compile(
    r"(?:env)?(?:aws|xamz)?(?:secret(?:access)?key|secret|accesskey(?:id)?|sessiontoken"
    r"|securitytoken)"
)
# Parameter names come from credls.scan's parameter pattern: prefixes of these.
_SHOWABLE_PARAMETER = re.compile(
    r"-(?:ak|sk|st|accessk[a-z]{0,2}|secret[ak][a-z]{0,8}|sessiont[a-z]{0,4})"
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# source.looks_binary: a NUL byte this early means binary content.
_BINARY_PROBE = 8192


@functools.lru_cache(maxsize=256)
def _shown_name(name: str | None) -> str:
    if not name or len(name) > 40:
        return ""
    if name.startswith("-"):
        return f" in `{name}`" if _SHOWABLE_PARAMETER.fullmatch(name.lower()) else ""
    if not _SHOWABLE_NAME.fullmatch(_NON_ALNUM.sub("", name.lower())):
        return ""
    return f" assigned to `{name}`"


def _message(f: LiteralFinding, text: str) -> str:
    what = _WHAT[f.kind]
    if f.kind is LiteralKind.ACCESS_KEY_ID:
        what = f"{what} {mask_key_id(text[f.start : f.end])}"
    where = _shown_name(f.context_name)
    if not where and f.paired_with is not None:
        where = f" next to access key ID {mask_key_id(text[f.paired_with : f.paired_with + 20])}"
    if f.value_class is ValueClass.EXAMPLE:
        return f"AWS documentation example {what}{where}"
    if f.value_class is ValueClass.PLACEHOLDER:
        return (
            f"Placeholder {what}{where}: the file expects a real key to be pasted here; {_ADVICE}"
        )
    return f"Literal {what}{where}; {_ADVICE}"


def _positions(text: str, offsets: Iterable[int]) -> dict[int, Position]:
    """Positions of a few offsets, counting line breaks between them once.

    Cheaper than a ``LineIndex`` of a whole file for a handful of findings; a
    text with lone ``\\r`` line breaks takes the ``LineIndex`` path.
    """
    wanted = sorted(set(offsets))
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        index = LineIndex(text)
        return {off: index.position(off) for off in wanted}
    out: dict[int, Position] = {}
    line = line_start = last = 0
    for off in wanted:
        breaks = text.count("\n", last, off)
        if breaks:
            line += breaks
            line_start = text.rfind("\n", last, off) + 1
        out[off] = Position(line, off - line_start)
        last = off
    return out


def _outcomes() -> dict[tuple[LiteralKind, ValueClass], tuple[str, Severity, dict[str, str]]]:
    """Code, severity and data per kind of literal and class of value (rules.md CRED3xx)."""
    rules = {
        LiteralKind.ACCESS_KEY_ID: LITERAL_ACCESS_KEY,
        LiteralKind.SECRET_KEY: LITERAL_SECRET_KEY,
        LiteralKind.SESSION_TOKEN: LITERAL_SESSION_TOKEN,
    }
    out = {}
    for kind, r in rules.items():
        for cls, code, severity in (
            (ValueClass.KEY, r.code, r.severity),
            (ValueClass.PLACEHOLDER, r.code, Severity.INFORMATION),
            (ValueClass.EXAMPLE, EXAMPLE_KEY.code, EXAMPLE_KEY.severity),
        ):
            out[kind, cls] = (code, severity, {"kind": kind.value, "value": cls.value})
    return out


_OUTCOME = _outcomes()


def diagnostics_for(path: str, text: str, findings: Sequence[LiteralFinding]) -> list[Diagnostic]:
    """CRED301-303/306 diagnostics for scanner findings (ranges cover the value).

    The severity is set explicitly (the rule's default unless a placeholder), so
    that resolving it later finds nothing to change.
    """
    if not findings:
        return []
    pos = _positions(text, [o for f in findings for o in (f.start, f.end)])
    out: list[Diagnostic] = []
    for f in findings:
        code, severity, data = _OUTCOME[f.kind, f.value_class]
        out.append(
            Diagnostic(
                code,
                _message(f, text),
                path,
                Range(pos[f.start], pos[f.end]),
                severity,
                (),
                None,
                (),
                dict(data),
            )
        )
    return out


def literal_diagnostics(path: str, text: str, kind: DocumentKind) -> list[Diagnostic]:
    """The literal-key rules on decoded text of a document of ``kind``.

    Markdown and plain-text files (by ``path``) are documentation: placeholders in
    their prose are not reported, only those in fenced code blocks.
    """
    powershell = kind is DocumentKind.POWERSHELL
    docs = kind is DocumentKind.TEXT and is_docs_path(path)
    return diagnostics_for(path, text, scan(text, powershell=powershell, docs=docs))


_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"\x00\x00\xfe\xff")
# Names kind_of_path may classify as a store; any other file is a script or text
# by its extension, without resolving its absolute path.
_STORE_NAMES = frozenset({"credentials", "config", "RegisteredAccounts.json"})


def _kind_of(path: str) -> DocumentKind:
    """``kind_of_path`` (no configured stores), with path work only for store names."""
    base = path.rpartition("/")[2]
    if os.sep != "/":
        base = base.rpartition(os.sep)[2]
    lower = base.lower()
    if base in _STORE_NAMES or lower.endswith(".credentials"):
        return kind_of_path(path)
    return DocumentKind.POWERSHELL if lower.endswith(POWERSHELL_SUFFIXES) else DocumentKind.TEXT


def scan_file_bytes(
    path: str,
    data: bytes,
    kind: DocumentKind | None = None,
    *,
    is_user_store: bool = False,
) -> list[Diagnostic]:
    """Literal-key diagnostics for a file's raw bytes; ``path`` is what reports show.

    Binary files and files without a candidate are rejected before decoding;
    UTF-16/32 files (with a BOM) are decoded first. ``kind`` defaults to the kind
    of ``path``; a user's own store is not scanned (keys belong there).
    """
    if data.startswith(_BOMS):
        text = decode(data).text
    elif data.find(b"\x00", 0, _BINARY_PROBE) >= 0 or not may_hold_credentials(data):
        return []  # binary (source.looks_binary without a BOM), or nothing to find
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = decode(data).text  # stray bytes kept as lone surrogates
    if kind is None:
        kind = _kind_of(path)
    if is_user_store and kind in _INI_KINDS:
        return []
    return literal_diagnostics(path, text, kind)


def check_permissions(
    path: str,
    kind: DocumentKind,
    *,
    report_path: str | None = None,
    line_length: int = 0,
) -> list[Diagnostic]:
    """CRED304 for a credentials file or SDK store that group or others can read or write.

    POSIX only (on Windows, ACLs decide and mode bits mean nothing). Reported on
    line 1; ``line_length`` lets the range cover that line. A file that cannot be
    examined gives no diagnostic.
    """
    if os.name != "posix" or kind not in _PERMISSION_KINDS:
        return []
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except (OSError, ValueError):
        return []
    loose = mode & 0o077
    if not loose:
        return []
    who = []
    if loose & 0o070:
        who.append("group")
    if loose & 0o007:
        who.append("others")
    how = []
    if loose & 0o044:
        how.append("readable")
    if loose & 0o022:
        how.append("writable")
    if loose & 0o011 and not how:
        how.append("executable")
    shown = report_path or path
    what = "SDK credential store" if kind is DocumentKind.SDK_STORE else "credentials file"
    message = (
        f"The {what} is {' and '.join(how)} by {' and '.join(who)} (mode {mode:04o}); "
        f"run `chmod 600 {shown}`"
    )
    return [
        Diagnostic(
            INSECURE_PERMISSIONS.code,
            message,
            shown,
            Range.of(0, 0, end=line_length),
            data={"mode": f"{mode:04o}"},
        )
    ]


def check(doc: Document, ctx: CheckContext) -> list[Diagnostic]:
    """CRED301-306 for one document.

    Scripts and other text files always get the literal-key scan; INI files and
    the SDK store only when they are not one of the user's own stores (a committed
    credentials file). The user's own credentials and config files get CRED305
    instead. CRED304 looks at the file on disk at ``doc.path``.
    """
    text = doc.text
    out: list[Diagnostic] = []
    if doc.kind not in _INI_KINDS or not ctx.is_user_store:
        out.extend(literal_diagnostics(doc.path, text, doc.kind))
    elif doc.kind in _SHARED_FILE_KINDS:
        out.extend(long_term_key_diagnostics(doc.path, text, doc.kind))
    if doc.kind in _PERMISSION_KINDS:
        eol = text.find("\n")
        first = (text if eol < 0 else text[:eol]).rstrip("\r")
        out.extend(check_permissions(doc.path, doc.kind, line_length=len(first)))
    return out


# --- CRED305: long-term keys in the user's own store --------------------------------------

_SHARED_FILE_KINDS = (DocumentKind.CREDENTIALS, DocumentKind.CONFIG)
_LONG_TERM_PREFIX = "AKIA"  # IAM user keys; ASIA keys are temporary (STS)


def _config_profile_name(header_prefix: str, name: str) -> str | None:
    """The profile a config-file section defines (file-format.md §4), None for other sections."""
    if header_prefix == "profile":
        return name
    if not header_prefix and name == "default":
        return name
    return None  # [sso-session x], [services x] and bare [x] are no profiles there


def long_term_key_diagnostics(path: str, text: str, kind: DocumentKind) -> list[Diagnostic]:
    """CRED305 for a user's own credentials or config file (``path`` is what reports show).

    One finding per profile, at its first ``aws_access_key_id`` whose value starts
    with ``AKIA``; examples and placeholders are no real keys and are skipped.
    """
    if kind not in _SHARED_FILE_KINDS or _LONG_TERM_PREFIX not in text:
        return []
    from credls.ini.parser import parse  # not needed by the literal-key fast path

    ini = parse(text)
    out: list[Diagnostic] = []
    seen: set[str] = set()
    for section in ini.sections:
        h = section.header
        if h.close < 0:
            continue
        profile = h.inner if kind is DocumentKind.CREDENTIALS else None
        if profile is None:
            profile = _config_profile_name(h.prefix, h.name)
        if profile is None or profile in seen:
            continue
        for prop in section.properties:
            if prop.key.lower() != "aws_access_key_id":
                continue
            value = prop.value  # without an inline comment
            # Go strips one pair of quotes (file-format.md §5); the key is the same one.
            quoted = len(value) > 2 and value[0] == value[-1] and value[0] in "\"'"
            key_id = value[1:-1] if quoted else value
            if not key_id.startswith(_LONG_TERM_PREFIX) or classify(key_id) is not ValueClass.KEY:
                continue
            seen.add(profile)
            start = prop.value_start
            message = (
                f"[{h.inner}] holds a long-term IAM user access key "
                f"{mask_key_id(key_id)}: prefer IAM Identity Center (sso_session) or a role "
                "with temporary credentials"
            )
            out.append(
                Diagnostic(
                    LONG_TERM_KEYS.code,
                    message,
                    path,
                    Range.of(prop.line, start, end=start + len(value)),
                )
            )
            break
    return out
