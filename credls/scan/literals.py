"""The literal-key scanner: AWS access key IDs, secret keys and session tokens in text.

A secret detector over tokens and the names right before them, not a PowerShell
parser: it reads any text (scripts, INI, ``.env``, JSON, YAML, Markdown). It
returns offsets and classes, never values; ``credls.rules.security`` turns them
into CRED301-303/306 diagnostics. The PowerShell analysis can run beside it and
drop the findings it reports itself (match on ``start``/``end``).

What counts (``rules.md`` CRED301-303, 306):

* an access key ID anywhere (``(AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}`` between
  non-alphanumerics); a placeholder-looking one only next to a key name;
* the value of a credential parameter ``-AccessKey``/``-AK``, ``-SecretKey``/``-SK``/
  ``-SecretAccessKey``, ``-SessionToken``/``-ST`` (and unambiguous prefixes such as
  ``-SecretK``): in PowerShell code any literal, elsewhere and in comments a
  key-shaped one;
* a value after a name that says what it is (``aws_secret_access_key =``,
  ``"SecretAccessKey":``, ``$secretKey =``, ``SessionToken = '…'``,
  ``SetEnvironmentVariable('AWS_SECRET_ACCESS_KEY', '…')``): a 40-character secret,
  a token-shaped value, or a placeholder when the name is an AWS key name;
* a 40-character secret on the line of, or the line after, an access key ID
  (``BasicAWSCredentials('AKIA…', '…')``, ``$a = 'AKIA…'`` / ``$b = '…'``);
* an STS session token by its fixed base64 prefix, anywhere.

Placeholders (``values.classify``) count only where a tool would read them as a
value: not in comments, not in documentation prose (``regions``).
"""

from __future__ import annotations

import functools
import re
from enum import Enum
from typing import NamedTuple

from credls.scan.regions import Regions, Syntax
from credls.scan.values import ValueClass, classify, has_placeholder_words, is_template

__all__ = ["LiteralFinding", "LiteralKind", "scan"]


class LiteralKind(str, Enum):
    """Which credential a literal is; the values are the benchmark's kinds."""

    ACCESS_KEY_ID = "akid"
    SECRET_KEY = "secret"
    SESSION_TOKEN = "session_token"


class LiteralFinding(NamedTuple):
    """One literal credential at ``text[start:end]`` (the value, without quotes).

    ``context_name`` is the parameter, key or variable name that makes it a
    credential (``-SecretKey``, ``aws_secret_access_key``), ``None`` when the
    shape alone did; ``paired_with`` is the offset of the access key ID that a
    name-less secret sits next to. (A named tuple: a large tree yields tens of
    thousands of these, and a frozen dataclass costs several times more to build.)
    """

    kind: LiteralKind
    start: int
    end: int
    value_class: ValueClass
    context_name: str | None = None
    paired_with: int | None = None

    @property
    def value_is_placeholder(self) -> bool:
        return self.value_class is ValueClass.PLACEHOLDER

    @property
    def value_is_example(self) -> bool:
        return self.value_class is ValueClass.EXAMPLE


# --- shapes -------------------------------------------------------------------

# Patterns start with a literal so that ``re`` skips ahead in C; the boundary
# checks come after it as fixed-width lookbehinds.
_AKID = re.compile(
    r"A[KSBC][IC]A(?<![A-Za-z0-9]A..A)(?<=AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])"
)
_AKID_SHAPE = re.compile(r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\Z")
_SECRET_SHAPE = re.compile(r"[A-Za-z0-9/+]{40}\Z")
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9/+]{32,}={0,2}\Z")
_HEX = re.compile(r"[0-9a-f]+\Z|[0-9A-F]+\Z")
_UPPER = re.compile(r"[A-Z]")
_LOWER = re.compile(r"[a-z]")
_SECRET_CANDIDATE = re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
# STS session tokens start with a fixed serialisation header; base64 of it is constant.
# ("\x21\n\torigin…" in base64; the format of every STS token since 2019, so that
# a token is known by its shape alone.) Older formats need a name next to them.
STS_TOKEN_MARK = "IQoJb3JpZ2lu"
_STS_TOKEN = re.compile(
    r"IQoJb3JpZ2lu(?<![A-Za-z0-9/+]IQoJb3JpZ2lu)[A-Za-z0-9/+]{32,}={0,2}(?![A-Za-z0-9/+=])"
)

# --- PowerShell credential parameters (powershell.md §1 names and aliases, §5 prefixes) --


def _prefix_pattern(word: str, shortest: int) -> str:
    """``accessk(?:e(?:y)?)?`` for ``("accesskey", 7)``: every prefix at least ``shortest`` long."""
    tail = ""
    for ch in reversed(word[shortest:]):
        tail = f"(?:{ch}{tail})?"
    return word[:shortest] + tail


# Shortest prefixes follow powershell.md §7 (-AccessK, -SecretK, -SessionT):
# shorter ones collide with other parameters of service cmdlets.
_PARAMS: tuple[tuple[LiteralKind, str, int], ...] = (
    (LiteralKind.ACCESS_KEY_ID, "accesskey", 7),
    (LiteralKind.SECRET_KEY, "secretkey", 7),
    (LiteralKind.SECRET_KEY, "secretaccesskey", 7),
    (LiteralKind.SESSION_TOKEN, "sessiontoken", 8),
)
_ALIASES = {
    "ak": LiteralKind.ACCESS_KEY_ID,
    "sk": LiteralKind.SECRET_KEY,
    "st": LiteralKind.SESSION_TOKEN,
}
# ASCII case folding only ("-ſt" is no -st), as the byte prefilter folds case.
_PARAM = re.compile(
    r"-(?=[AaSs])(?<![\w$.-]-)(?P<p>(?ai:"
    + "|".join(_prefix_pattern(w, n) for _, w, n in _PARAMS)
    + "|ak|sk|st))"
    + r"(?::|[ \t]+(?:`\r?\n[ \t]*)?|[ \t]*`\r?\n[ \t]*)"
)


@functools.lru_cache(maxsize=64)
def _param_kind(name: str) -> LiteralKind:
    low = name.lower()
    if low in _ALIASES:
        return _ALIASES[low]
    for kind, word, _ in _PARAMS:
        if word.startswith(low):
            return kind
    raise AssertionError(name)  # pragma: no cover - the regex admits nothing else


_PS_SINGLE = re.compile(r"'((?:[^'\r\n]|'')*)'")
_PS_DOUBLE = re.compile(r'"([^"\r\n]*)"')
_PS_BARE = re.compile(r"[^\s'\"`;|(){},]+")
_ANGLE = re.compile(r"<(?![/!?%])[^<>\r\n]{1,80}>")  # not </tag>, <!-- -->, <?xml?>, <%= %>
_KEY_SIZED = 16
_NOT_A_LITERAL = frozenset("$@([{-#|;`,)}")

# --- names that say "this is a key" -------------------------------------------

# One pass over a lower-cased copy finds every name. It starts with the literal
# "s" (every name holds one), so that ``re`` jumps between candidates in C, and
# every branch starts with a literal or a class, which ``re`` rejects without
# entering the branch. The access-key branches match at the last "s" of
# "access". No groups: ``names`` tells the branches apart by the matched text.
_NAMES = re.compile(
    r"s(?:e(?:cret|ssion[ _-]?token|curity[ _-]?token)"
    r"|key(?<=accesskey)|[ _-]key(?<=access[ _-]key)"
    # Splat keys named like the -SK / -ST aliases: @{ SK = '…'; ST = '…' }
    r"|[kt](?<![\w$.-]s[kt])(?=[ \t]*=))"
)
_ACCESS_BACK = len("acces")
_NAMES_ASCII_ICASE = re.compile(_NAMES.pattern, re.I | re.A)
_IDENT_TAIL = re.compile(r"[\w-]*")
# An identifier read backwards from a name: `$env:AWS_`, `creds.`, `aws-`.
_IDENT_BACK = re.compile(r"[\w$:.-]*")
# What follows a name: a closing quote or bracket, an operator, the value. The
# value group that matched is the match's lastgroup.
_ASSIGNED = re.compile(
    r"""(?:['"`]?\]|['"`>])?(?P<ws>[ \t]*)(?P<op>=>|:=|[=:,])?[ \t]*"""
    r"""(?:'(?P<sq>[^'\r\n]*)'|"(?P<dq>[^"\r\n]*)"|`(?P<bq>[^`\r\n]*)`"""
    r"""|(?P<angle><(?![/!?%])[^<>\r\n]{1,80}>)"""
    # A bare value; "-Next", "$var", "(expr)", "@splat", "{block}" are not values.
    r"""|(?P<bare>[^\s'"`,;()\[\]{}<>#$@-][^\s'"`,;)\]}<>#]*))"""
)
_ALNUM = re.compile(r"[^a-z0-9]+")
_MAX_NAME = 64
_LINE_WINDOW = 4096


def _is_aws_key_name(kind: LiteralKind, text: str, anchor: int, end: int) -> bool:
    """Names that designate an AWS credential, where even a placeholder is worth a note.

    Decided on the name from its anchor on (``secret_access_key``), plus ``aws``
    just before a bare ``secret`` (``$awsSecret``, ``AWS_SECRET``).
    """
    tail = _ALNUM.sub("", text[anchor:end].lower())
    if tail in ("sk", "st"):
        return True  # the parameter aliases, as splat keys
    if kind is LiteralKind.ACCESS_KEY_ID:
        return tail.endswith(("accesskey", "accesskeyid"))
    if kind is LiteralKind.SECRET_KEY:
        if tail.endswith(("secretkey", "secretaccesskey")):
            return True
        return tail == "secret" and "aws" in text[max(0, anchor - 5) : anchor].lower()
    return tail.endswith(("sessiontoken", "securitytoken"))


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos, pos + _LINE_WINDOW)
    if end < 0:
        end = min(len(text), pos + _LINE_WINDOW)
    if end > pos and text[end - 1] == "\r":
        end -= 1
    return end


def _shaped(kind: LiteralKind, value: str) -> bool:
    if kind is LiteralKind.ACCESS_KEY_ID:
        return _AKID_SHAPE.match(value) is not None
    if kind is LiteralKind.SECRET_KEY:
        return _SECRET_SHAPE.match(value) is not None
    return _TOKEN_SHAPE.match(value) is not None


# Text after a value that is more code or data, not a placeholder phrase.
_PUNCTUATED = re.compile(r"[\"'{}\[\]]")


def _looks_random(value: str) -> bool:
    """A name-less 40-character candidate must look like base64 key material, not hex."""
    return _UPPER.search(value) is not None and _LOWER.search(value) is not None


class _Scan:
    def __init__(self, text: str, syntax: Syntax) -> None:
        self.text = text
        self.syntax = syntax
        self.powershell = syntax is Syntax.POWERSHELL
        self._regions: Regions | None = None
        self.found: dict[int, LiteralFinding] = {}
        self.akid_names: dict[int, tuple[int, int]] = {}  # value offset -> name span
        self.param_names: set[int] = set()  # offsets of credential parameter names

    @property
    def regions(self) -> Regions:
        if self._regions is None:
            self._regions = Regions(self.text, self.syntax)
        return self._regions

    def add(self, finding: LiteralFinding) -> None:
        self.found.setdefault(finding.start, finding)

    # -- -AccessKey / -SecretKey / -SessionToken values ------------------------

    def parameters(self) -> None:
        text = self.text
        for m in _PARAM.finditer(text):
            self.param_names.add(m.start() + 1)
            span = self._ps_value(m.end())
            if span is None:
                continue
            start, end = span
            value = text[start:end]
            if is_template(value):
                continue  # a tool substitutes it: `-SecretKey "{secretkey.value}"`
            kind = _param_kind(m.group("p"))
            cls = classify(value)
            if not _shaped(kind, value) and self._is_prose(m.start(), cls, value):
                continue
            self.add(LiteralFinding(kind, start, end, cls, "-" + m.group("p")))

    def _is_prose(self, pos: int, cls: ValueClass, value: str) -> bool:
        """Docs and comments ("give -AccessKey your key ID") are not code: only
        key-shaped values, examples and key-sized placeholders count there."""
        if cls is ValueClass.EXAMPLE:
            return False
        if cls is ValueClass.PLACEHOLDER and (len(value) >= _KEY_SIZED or value[0] == "<"):
            return False
        if not self.powershell:
            return True
        # A comment, or the text of a string (`"Pass -AccessKey and -SecretKey …"`).
        return self.regions.is_comment(pos) or self.regions.in_quotes(pos)

    def _ps_value(self, pos: int) -> tuple[int, int] | None:
        text = self.text
        if pos >= len(text):
            return None
        c = text[pos]
        limit = pos + _LINE_WINDOW
        if c == "'":
            m = _PS_SINGLE.match(text, pos, limit)
            return (pos + 1, m.end() - 1) if m and m.end() - pos > 2 else None
        if c == '"':
            m = _PS_DOUBLE.match(text, pos, limit)
            if m is None or m.end() - pos <= 2 or "$" in m.group(1):
                return None  # expandable string: not a literal
            return pos + 1, m.end() - 1
        if c == "<":
            m = _ANGLE.match(text, pos, limit)
            return m.span() if m else None
        if c in _NOT_A_LITERAL or c.isspace():
            return None
        m = _PS_BARE.match(text, pos, limit)
        if m is None or "$" in m.group():
            return None
        return m.span()

    # -- name = value ----------------------------------------------------------

    def names(self) -> None:
        text = self.text
        lowered = text.isascii()
        if lowered:
            folded, names = text.lower(), _NAMES
        else:  # str.lower() may change lengths outside ASCII; offsets must hold
            folded, names = text, _NAMES_ASCII_ICASE
        param_names = self.param_names
        ident_end = -1
        for m in names.finditer(folded):
            start, end = m.span()
            name = m.group() if lowered else m.group().lower()
            if len(name) == 2:  # "sk" / "st"
                alias = True
                kind = LiteralKind.SECRET_KEY if name == "sk" else LiteralKind.SESSION_TOKEN
            elif name[1] == "e":  # "secret", "session token", "security token"
                alias = False
                kind = LiteralKind.SECRET_KEY if name == "secret" else LiteralKind.SESSION_TOKEN
            else:  # "access key", matched at the last "s" of "access"
                alias = False
                start -= _ACCESS_BACK
                kind = LiteralKind.ACCESS_KEY_ID
            if start < ident_end:
                continue  # "access_key" inside "aws_secret_access_key"
            tail = _IDENT_TAIL.match(text, end, end + _MAX_NAME)  # always matches
            ident_end = tail.end() if tail else end
            if start in param_names:
                continue  # a credential parameter: parameters() has it
            if not alias and kind is not LiteralKind.SECRET_KEY and ident_end > end:
                rest = folded[end:ident_end] if lowered else text[end:ident_end].lower()
                if "secret" in rest:
                    kind = LiteralKind.SECRET_KEY  # "AccessKeySecret", "session_token_secret"
            self._named_value(kind, start, end, ident_end)

    def _name(self, anchor: int, ident_end: int) -> str:
        """The whole identifier around a name anchor (``$env:AWS_SECRET_ACCESS_KEY``)."""
        text = self.text
        before = text[max(0, anchor - _MAX_NAME) : anchor][::-1]
        back = _IDENT_BACK.match(before)  # always matches
        return text[anchor - (back.end() if back else 0) : ident_end]

    def _named_value(self, kind: LiteralKind, anchor: int, anchor_end: int, pos: int) -> None:
        text = self.text
        m = _ASSIGNED.match(text, pos, pos + _LINE_WINDOW)
        if m is None:
            return
        ws, op = m.group("ws", "op")
        xml = text.startswith(">", pos)
        if not op and not xml and (not ws or " " in text[anchor:anchor_end]):
            return  # "secret X" binds a one-word name; prose ("access key ID") does not
        group = m.lastgroup
        assert group is not None  # one of the value groups always closes the match
        if group == "angle" and xml:
            return  # <AccessKeyId></AccessKeyId>: the next tag is no value
        vs, ve = m.span(group)
        if group == "bare" and op in ("=", ":"):
            # INI/.env/YAML values run to the end of the line: "your key here".
            rest = text[vs : _line_end(text, vs)].rstrip()
            if " " in rest and has_placeholder_words(rest) and not _PUNCTUATED.search(rest):
                ve = vs + len(rest)  # not when it goes on as more code or data (JSON prose)
        value = text[vs:ve]
        if not value or is_template(value):
            return
        if kind is LiteralKind.ACCESS_KEY_ID and _AKID_SHAPE.match(value):
            self.akid_names[vs] = (anchor, pos)  # the access key ID pass reports it
            return
        aws_name = _is_aws_key_name(kind, text, anchor, pos)
        if _shaped(kind, value):
            cls = classify(value)
            if cls is ValueClass.PLACEHOLDER and not aws_name:
                return
            if cls is ValueClass.KEY and not aws_name and _HEX.match(value):
                return  # a 40-hex digest under a loose name ("secret_hash")
        elif aws_name:
            cls = classify(value)
            if cls is ValueClass.KEY:
                return  # wrong shape for the name: a value problem, not a leak
        else:
            return
        self.add(LiteralFinding(kind, vs, ve, cls, self._name(anchor, pos)))

    # -- shapes on their own ---------------------------------------------------

    def access_key_ids(self) -> None:
        text = self.text
        for m in _AKID.finditer(text):
            start = m.start()
            if start in self.found:
                continue
            at = self.akid_names.get(start)
            name = self._name(*at) if at else None
            cls = classify(m.group())
            if cls is ValueClass.PLACEHOLDER and name is None:
                continue  # "AKIAXXXXXXXXXXXXXXXX" in prose: nothing to paste it into
            self.add(LiteralFinding(LiteralKind.ACCESS_KEY_ID, start, m.end(), cls, name))

    def session_tokens(self) -> None:
        if STS_TOKEN_MARK not in self.text:
            return
        for m in _STS_TOKEN.finditer(self.text):
            if m.start() not in self.found:
                value = m.group()
                self.add(
                    LiteralFinding(LiteralKind.SESSION_TOKEN, m.start(), m.end(), classify(value))
                )

    def paired_secrets(self) -> None:
        """A secret written right after its access key ID needs no name."""
        text = self.text
        # A key ID given to -AccessKey has its secret in -SecretKey, if anywhere.
        akids = [
            f
            for f in self.found.values()
            if f.kind is LiteralKind.ACCESS_KEY_ID
            and f.value_class is ValueClass.KEY
            and not (f.context_name or " ").startswith("-")
        ]
        if not akids:
            return
        taken = {(f.start, f.end) for f in self.found.values()}
        for akid in akids:
            end = _line_end(text, akid.end)
            next_line = text.find("\n", end, end + 2)
            if next_line >= 0:
                end = _line_end(text, next_line + 1)
            for m in _SECRET_CANDIDATE.finditer(text, akid.end, end):
                value = m.group()
                if m.span() in taken or m.start() in self.found or not _looks_random(value):
                    continue
                cls = classify(value)
                if cls is ValueClass.PLACEHOLDER:
                    continue
                self.add(
                    LiteralFinding(
                        LiteralKind.SECRET_KEY, m.start(), m.end(), cls, None, akid.start
                    )
                )
                break


def scan(text: str, *, powershell: bool = False, docs: bool = False) -> list[LiteralFinding]:
    """Every literal credential in ``text``, in text order. Never raises.

    ``powershell`` says the text is PowerShell code, where any literal value of a
    credential parameter counts (outside comments); elsewhere the value must look
    like a key, a placeholder or an example. ``docs`` says it is Markdown or plain
    text documentation (``regions.is_docs_path``), where only fenced code blocks
    are code. Placeholders in comments and prose are left out (``regions``).
    """
    syntax = Syntax.POWERSHELL if powershell else Syntax.DOCS if docs else Syntax.OTHER
    s = _Scan(text, syntax)
    if "-" in text:
        s.parameters()
    s.names()
    s.access_key_ids()
    s.session_tokens()
    s.paired_secrets()
    found = [s.found[start] for start in sorted(s.found)]
    placeholder = ValueClass.PLACEHOLDER
    if any(f.value_class is placeholder for f in found):
        quiet = s.regions.is_quiet
        found = [f for f in found if f.value_class is not placeholder or not quiet(f.start)]
    return found
