"""The AWS SDK store (``RegisteredAccounts.json``): read-only view with positions.

powershell.md §4.1: a top-level object keyed by a GUID per profile; each value
is a flat object of strings. Profiles are looked up by ``DisplayName``,
case-insensitively, first match wins. DPAPI-encrypted fields (the SDK's
ENCRYPTEDKEYS) cannot be decrypted here and stay opaque ``Secret`` values:
their presence is what decides the profile type.

The JSON is walked with the ``json`` module's own scanner (C-accelerated) so
that every key keeps its position for diagnostics and go-to-definition.
"""

from __future__ import annotations

import json
import json.decoder
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from credls.secret import Secret
from credls.store.files import CachedFile, FileRead
from credls.store.model import SDK_STORE, Profile, ProfileSource, Property, StoreProblem
from credls.text import LineIndex, Range

# PersistenceManager.ENCRYPTEDKEYS (powershell.md §4.1).
ENCRYPTED_KEYS = frozenset(
    {
        "AWSAccessKey",
        "AWSSecretKey",
        "SessionToken",
        "ExternalId",
        "MfaSerial",
        "SecretKeyRepository",
        "EC2InstanceUserName",
        "EC2InstancePassword",
        "ProxyUsernameEncrypted",
        "ProxyPasswordEncrypted",
        "UserIdentity",
        "RoleSession",
    }
)
_ENCRYPTED_LOWER = frozenset(k.lower() for k in ENCRYPTED_KEYS)

# SDK-store JSON property -> the INI key the rest of credls speaks.
_INI_KEY_OF = {
    "awsaccesskey": "aws_access_key_id",
    "awssecretkey": "aws_secret_access_key",
    "sessiontoken": "aws_session_token",
    "rolearn": "role_arn",
    "sourceprofile": "source_profile",
    "externalid": "external_id",
    "mfaserial": "mfa_serial",
    "rolesessionname": "role_session_name",
    "credentialsource": "credential_source",
    "endpointname": "endpoint_name",
    "useridentity": "user_identity",
    "webidentitytokenfile": "web_identity_token_file",
    "credential_process": "credential_process",
    "sso_account_id": "sso_account_id",
    "sso_region": "sso_region",
    "sso_role_name": "sso_role_name",
    "sso_start_url": "sso_start_url",
    "sso_session": "sso_session",
    "sso_registration_scopes": "sso_registration_scopes",
    "region": "region",
    "services": "services",
    "endpoint_url": "endpoint_url",
    "ignore_configured_endpoint_urls": "ignore_configured_endpoint_urls",
    "defaultsmode": "defaults_mode",
    "endpointdiscoveryenabled": "endpoint_discovery_enabled",
    "s3usearnregion": "s3_use_arn_region",
    "s3disableexpresssessionauth": "s3_disable_express_session_auth",
    "stsregionalendpoints": "sts_regional_endpoints",
    "s3regionalendpoint": "s3_us_east_1_regional_endpoint",
    "s3disablemultiregionaccesspoints": "s3_disable_multiregion_access_points",
    "retrymode": "retry_mode",
    "maxattempts": "max_attempts",
}

_BOOL_SETTINGS = frozenset(
    {
        "endpointdiscoveryenabled",
        "s3usearnregion",
        "s3disableexpresssessionauth",
        "s3disablemultiregionaccesspoints",
        "ignore_configured_endpoint_urls",
    }
)
_ENUM_SETTINGS = {
    "retrymode": frozenset({"legacy", "standard", "adaptive"}),
    "stsregionalendpoints": frozenset({"legacy", "regional"}),
    "s3regionalendpoint": frozenset({"legacy", "regional"}),
    "defaultsmode": frozenset(
        {"legacy", "standard", "inregion", "in-region", "crossregion", "cross-region"}
        | {"mobile", "auto"}
    ),
}

# .NET Guid.Parse formats D, N, B and P.
_HEX = "[0-9A-Fa-f]"
_GUID = re.compile(
    rf"(?:{_HEX}{{32}}"
    rf"|{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}"
    rf"|\{{{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}\}}"
    rf"|\({_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}\))"
)
_WS = re.compile(r"[ \t\n\r]*")
# The stdlib's C string scanner (not in the type stubs): (text, end after quote) -> (str, end).
_scanstring: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]


@dataclass(frozen=True)
class SdkEntry:
    """One top-level entry of the store, visible or not.

    ``profile`` is None when PowerShell would not see the entry at all
    (``hidden`` says why). ``key_range`` is the GUID key, ``name_range`` the
    DisplayName value (the place a profile "is defined").
    """

    key: str
    key_range: Range
    display_name: str | None
    name_range: Range | None
    profile: Profile | None
    hidden: str | None = None


@dataclass(frozen=True)
class SdkStoreData:
    path: str
    entries: tuple[SdkEntry, ...] = ()
    problems: tuple[StoreProblem, ...] = ()
    profiles: tuple[Profile, ...] = field(default=())

    def get(self, name: str) -> Profile | None:
        """First visible profile whose DisplayName matches case-insensitively."""
        wanted = name.casefold()
        for profile in self.profiles:
            if profile.name.casefold() == wanted:
                return profile
        return None


class _SyntaxProblem(Exception):
    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message


class _Reader:
    """A cursor over the JSON text using the stdlib scanner for strings and values."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self._decoder = json.JSONDecoder()

    def skip(self) -> str:
        """Skip whitespace; the next character, or "" at the end."""
        m = _WS.match(self.text, self.pos)
        self.pos = m.end() if m else self.pos
        return self.text[self.pos : self.pos + 1]

    def expect(self, char: str, what: str) -> None:
        if self.skip() != char:
            raise _SyntaxProblem(self.pos, f"expected {what}")
        self.pos += 1

    def string(self) -> tuple[str, int, int]:
        """A JSON string at the cursor: value, start and end offsets."""
        if self.skip() != '"':
            raise _SyntaxProblem(self.pos, "expected a property name in double quotes")
        start = self.pos
        try:
            value, end = _scanstring(self.text, start + 1, True)
        except json.JSONDecodeError as exc:
            raise _SyntaxProblem(exc.pos, exc.msg) from None
        self.pos = end
        return value, start, end

    def value(self) -> tuple[object, int, int]:
        self.skip()
        start = self.pos
        try:
            value, end = self._decoder.raw_decode(self.text, start)
        except json.JSONDecodeError as exc:
            raise _SyntaxProblem(exc.pos, exc.msg) from None
        self.pos = end
        return value, start, end

    def members(self) -> Iterator[tuple[str, int, int]]:
        """Walk an object's members: yields (key, start, end); the caller reads the value."""
        self.expect("{", "'{'")
        if self.skip() == "}":
            self.pos += 1
            return
        while True:
            key, start, end = self.string()
            self.expect(":", "':' after a property name")
            yield key, start, end
            nxt = self.skip()
            if nxt == ",":
                self.pos += 1
                continue
            if nxt == "}":
                self.pos += 1
                return
            raise _SyntaxProblem(self.pos, "expected ',' or '}'")


def _invalid_setting(key_lower: str, value: str) -> str | None:
    """Why a reserved setting's value makes the SDK treat the profile as not found."""
    if key_lower in _BOOL_SETTINGS and value.strip().lower() not in ("true", "false"):
        return "is not true or false"
    allowed = _ENUM_SETTINGS.get(key_lower)
    if allowed is not None and value.strip().lower() not in allowed:
        return "is not one of " + ", ".join(sorted(allowed))
    if key_lower == "maxattempts":
        stripped = value.strip()
        if not stripped.isdigit() or int(stripped) <= 0:
            return "is not a positive integer"
    return None


def parse_sdk_store(text: str, path: str) -> SdkStoreData:
    """Parse the store text; syntax errors give an empty store and one problem."""
    if not text.strip():
        return SdkStoreData(path)
    lines = LineIndex(text)
    reader = _Reader(text)
    entries: list[SdkEntry] = []
    problems: list[StoreProblem] = []
    try:
        if reader.skip() != "{":
            raise _SyntaxProblem(reader.pos, "the store must be a JSON object of profiles")
        for key, kstart, kend in reader.members():
            entry = _read_entry(reader, lines, path, key, lines.range(kstart, kend), problems)
            entries.append(entry)
        if reader.skip():
            raise _SyntaxProblem(reader.pos, "unexpected text after the JSON object")
    except _SyntaxProblem as exc:
        where = lines.position(exc.offset)
        return SdkStoreData(path, (), (StoreProblem(path, f"invalid JSON: {exc.message}", where),))
    for e in entries:
        if e.hidden is not None and e.display_name is not None:
            problems.append(
                StoreProblem(
                    path,
                    f"profile {e.display_name!r} is ignored by PowerShell: {e.hidden}",
                    e.key_range.start,
                )
            )
    profiles = tuple(e.profile for e in entries if e.profile is not None)
    return SdkStoreData(path, tuple(entries), tuple(problems), profiles)


def _read_entry(
    reader: _Reader,
    lines: LineIndex,
    path: str,
    key: str,
    key_range: Range,
    problems: list[StoreProblem],
) -> SdkEntry:
    if reader.skip() != "{":
        _value, start, _end = reader.value()
        problems.append(
            StoreProblem(path, "profile entry is not a JSON object; ignored", lines.position(start))
        )
        return SdkEntry(key, key_range, None, None, None, "not a JSON object")
    properties: dict[str, Property] = {}
    display_name: str | None = None
    name_range: Range | None = None
    invalid: str | None = None
    for prop_key, pstart, pend in reader.members():
        value, vstart, vend = reader.value()
        prop_range = lines.range(pstart, pend)
        if not isinstance(value, str):
            problems.append(
                StoreProblem(
                    path,
                    f"value of {prop_key!r} is not a string; ignored",
                    lines.position(vstart),
                )
            )
            continue
        lower = prop_key.lower()
        if prop_key == "DisplayName":
            display_name, name_range = value, lines.range(vstart, vend)
            continue
        if lower == "profiletype":
            # Written for backward compatibility and ignored on read (§4.1).
            continue
        reason = None if lower in _ENCRYPTED_LOWER else _invalid_setting(lower, value)
        if reason is not None and invalid is None:
            invalid = f"{prop_key} {reason}"
        ini_key = _INI_KEY_OF.get(lower, prop_key)
        stored: str | Secret = Secret(value) if lower in _ENCRYPTED_LOWER else value
        source = ProfileSource(SDK_STORE, path, prop_range)
        properties.setdefault(
            ini_key.lower(), Property(prop_key, stored, source, lines.range(vstart, vend))
        )
    if display_name is None:
        return SdkEntry(key, key_range, None, None, None, "no DisplayName")
    if not _GUID.fullmatch(key):
        return SdkEntry(key, key_range, display_name, name_range, None, "unique key is not a GUID")
    if invalid is not None:
        return SdkEntry(key, key_range, display_name, name_range, None, invalid)
    source = ProfileSource(SDK_STORE, path, name_range or key_range)
    profile = Profile.build(display_name, source, properties)
    return SdkEntry(key, key_range, display_name, name_range, profile)


class SdkStore:
    """The SDK store file, re-read when it changes on disk."""

    kind = SDK_STORE
    case_sensitive = False

    def __init__(self, path: str, text: str | None = None) -> None:
        self.path = path
        self._file: CachedFile[SdkStoreData] = CachedFile(path, self._build, text)

    def _build(self, read: FileRead) -> SdkStoreData:
        if read.text is None:
            return SdkStoreData(self.path, (), (read.problem,) if read.problem else ())
        return parse_sdk_store(read.text, self.path)

    @property
    def key(self) -> str:
        return f"{SDK_STORE}:{self.path}"

    @property
    def data(self) -> SdkStoreData:
        return self._file.get()

    @property
    def generation(self) -> int:
        return self._file.generation

    def get(self, name: str) -> Profile | None:
        return self.data.get(name)

    def profiles(self) -> tuple[Profile, ...]:
        return self.data.profiles

    def locations(self) -> list[tuple[str, str]]:
        return [(SDK_STORE, self.path)]

    @property
    def problems(self) -> tuple[StoreProblem, ...]:
        return self.data.problems
