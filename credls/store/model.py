"""The profile model every store produces: properties with provenance, type, masking.

A ``Profile`` looks the same whichever store it came from (SDK store JSON,
credentials file, config file). Property keys are the INI spellings
(``aws_access_key_id``); the SDK store's JSON names are mapped onto them so that
type detection and rules work on one vocabulary. Secret values (secret key,
session token, every DPAPI-encrypted SDK-store field) are ``Secret`` objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from credls.secret import Secret, mask_key_id
from credls.text import Position, Range

StoreKind = Literal["sdk-store", "credentials-file", "config-file", "known-profiles"]

SDK_STORE: StoreKind = "sdk-store"
CREDENTIALS_FILE: StoreKind = "credentials-file"
CONFIG_FILE: StoreKind = "config-file"
KNOWN_PROFILES: StoreKind = "known-profiles"

# Keys whose values never leave the model unmasked.
SECRET_KEYS = frozenset({"aws_secret_access_key", "aws_session_token", "aws_security_token"})


@dataclass(frozen=True)
class ProfileSource:
    """Where something is defined: a store, its file and a 0-based range."""

    store: StoreKind
    path: str
    range: Range = field(default_factory=lambda: Range.of(0, 0))

    @property
    def line(self) -> int:
        """1-based line, as every output shows it."""
        return self.range.start.line + 1


@dataclass(frozen=True)
class StoreProblem:
    """Something wrong with a store file: one line, never a secret."""

    path: str
    message: str
    position: Position | None = None

    def __str__(self) -> str:
        if self.position is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.position.line + 1}:{self.position.character + 1}: {self.message}"


@dataclass(frozen=True, repr=False)
class Property:
    """One profile property: its key as written, its value and where it is defined.

    ``source.range`` covers the key; ``value_range`` the value, when known.
    """

    key: str
    value: str | Secret
    source: ProfileSource
    value_range: Range | None = None

    @property
    def display_value(self) -> str:
        """Safe for output: secrets masked, access key IDs shortened."""
        if isinstance(self.value, Secret):
            return str(self.value)
        if self.key.lower() == "aws_access_key_id":
            return mask_key_id(self.value)
        return self.value

    def text(self) -> str:
        """The value as a plain string; empty for a secret (use ``reveal`` where needed)."""
        return self.value if isinstance(self.value, str) else ""

    def __repr__(self) -> str:
        # Access key IDs are masked even in debug output (preamble: never reveal).
        return (
            f"Property(key={self.key!r}, value={self.display_value!r}, "
            f"source={self.source!r}, value_range={self.value_range!r})"
        )


# --- profile types (powershell.md §4.3; SDK CredentialProfileTypeDetector) ---------

# INI key -> .NET CredentialProfileOptions property. SAML options have no INI
# key: only the SDK store can hold them (SharedCredentialsFile rejects SAML).
OPTION_OF_KEY: Mapping[str, str] = {
    "aws_access_key_id": "AccessKey",
    "aws_secret_access_key": "SecretKey",
    "aws_session_token": "Token",
    "role_arn": "RoleArn",
    "source_profile": "SourceProfile",
    "external_id": "ExternalID",
    "mfa_serial": "MfaSerial",
    "role_session_name": "RoleSessionName",
    "credential_source": "CredentialSource",
    "web_identity_token_file": "WebIdentityTokenFile",
    "credential_process": "CredentialProcess",
    "sso_account_id": "SsoAccountId",
    "sso_region": "SsoRegion",
    "sso_registration_scopes": "SsoRegistrationScopes",
    "sso_role_name": "SsoRoleName",
    "sso_start_url": "SsoStartUrl",
    "sso_session": "SsoSession",
    "services": "Services",
    "endpoint_url": "EndpointUrl",
    "endpoint_name": "EndpointName",
    "user_identity": "UserIdentity",
}

SSO_OPTIONS = frozenset(
    {
        "SsoAccountId",
        "SsoRegion",
        "SsoRegistrationScopes",
        "SsoRoleName",
        "SsoStartUrl",
        "SsoSession",
    }
)

# Keys that make a profile "about credentials" (rules.md CRED206); a profile
# with none of them holds settings only and is never reported.
CREDENTIAL_KEYS = frozenset(
    {
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "role_arn",
        "source_profile",
        "credential_source",
        "credential_process",
        "web_identity_token_file",
        "sso_account_id",
        "sso_region",
        "sso_registration_scopes",
        "sso_role_name",
        "sso_start_url",
        "sso_session",
        "endpoint_name",
        "user_identity",
    }
)


def _type_table() -> dict[frozenset[str], str]:
    base = {
        "Basic": {"AccessKey", "SecretKey"},
        "Session": {"AccessKey", "SecretKey", "Token"},
        "AssumeRole": {"RoleArn", "SourceProfile"},
        "AssumeRoleExternal": {"RoleArn", "SourceProfile", "ExternalID"},
        "AssumeRoleExternalMFA": {"RoleArn", "SourceProfile", "ExternalID", "MfaSerial"},
        "AssumeRoleMFA": {"RoleArn", "SourceProfile", "MfaSerial"},
        "AssumeRoleSessionName": {"RoleArn", "SourceProfile", "RoleSessionName"},
        "AssumeRoleExternalSessionName": {
            "RoleArn",
            "SourceProfile",
            "ExternalID",
            "RoleSessionName",
        },
        "AssumeRoleExternalMFASessionName": {
            "RoleArn",
            "SourceProfile",
            "ExternalID",
            "MfaSerial",
            "RoleSessionName",
        },
        "AssumeRoleMFASessionName": {"RoleArn", "SourceProfile", "MfaSerial", "RoleSessionName"},
        "AssumeRoleCredentialSource": {"RoleArn", "CredentialSource"},
        "AssumeRoleCredentialSourceSessionName": {"RoleArn", "CredentialSource", "RoleSessionName"},
        "AssumeRoleWithWebIdentity": {"RoleArn", "WebIdentityTokenFile"},
        "AssumeRoleWithWebIdentitySessionName": {
            "RoleArn",
            "WebIdentityTokenFile",
            "RoleSessionName",
        },
        "SAMLRole": {"EndpointName", "RoleArn"},
        "SAMLRoleUserIdentity": {"EndpointName", "RoleArn", "UserIdentity"},
    }
    table: dict[frozenset[str], str] = {frozenset({"CredentialProcess"}): "CredentialProcess"}
    for name, options in base.items():
        table[frozenset(options)] = name
        table[frozenset(options | {"Services"})] = name + "WithServices"
        table[frozenset(options | {"EndpointUrl"})] = name + "WithGlobalEndpoint"
        table[frozenset(options | {"Services", "EndpointUrl"})] = (
            name + "WithServicesAndGlobalEndpoint"
        )
    return table


_TYPE_OF_OPTIONS = _type_table()


def detect_profile_type(values: Mapping[str, str | Secret], store: StoreKind) -> str | None:
    """The .NET ``CredentialProfileType`` name for a profile's properties, or None.

    Detection is the exact set of non-empty options; any SSO option means SSO
    (powershell.md §4.3). ``aws_account_id`` is not part of the set: newer SDKs
    accept it beside keys (file-format.md §11), so it never makes a type fail.
    SAML types exist only in the SDK store.
    """
    options = {
        OPTION_OF_KEY[key.lower()]
        for key, value in values.items()
        if key.lower() in OPTION_OF_KEY and value
    }
    if options & SSO_OPTIONS:
        return "SSO"
    found = _TYPE_OF_OPTIONS.get(frozenset(options))
    if found is not None and found.startswith("SAML") and store != SDK_STORE:
        return None
    return found


@dataclass(frozen=True)
class Profile:
    """A profile as one store (or one merged file pair) defines it.

    ``source`` is the definition that names it: the credentials-file section
    when there is one, else the config-file section, else the SDK-store entry.
    ``sections`` lists every section that contributes properties.
    ``properties`` maps lower-case INI key names to the winning property.
    """

    name: str
    source: ProfileSource
    properties: Mapping[str, Property] = field(default_factory=dict)
    sections: tuple[ProfileSource, ...] = ()
    profile_type: str | None = None

    @staticmethod
    def build(
        name: str,
        source: ProfileSource,
        properties: Mapping[str, Property],
        sections: tuple[ProfileSource, ...] = (),
    ) -> Profile:
        """A profile with its type detected from ``properties``."""
        values = {key: prop.value for key, prop in properties.items()}
        return Profile(
            name,
            source,
            dict(properties),
            sections or (source,),
            detect_profile_type(values, source.store),
        )

    @staticmethod
    def known(name: str) -> Profile:
        """A profile declared with ``known-profiles``: exists at run time, not on disk."""
        return Profile(name, ProfileSource(KNOWN_PROFILES, ""), {}, (), None)

    @property
    def store(self) -> StoreKind:
        return self.source.store

    @property
    def location(self) -> str:
        return self.source.path

    @property
    def line(self) -> int:
        return self.source.line

    @property
    def can_create_credentials(self) -> bool:
        """PowerShell's ``CanCreateAWSCredentials``: the properties form a type.

        Known profiles are assumed to work (they exist only at run time).
        """
        return self.profile_type is not None or self.store == KNOWN_PROFILES

    @property
    def has_credential_properties(self) -> bool:
        """True when any key is about credentials (not only settings)."""
        return any(k in CREDENTIAL_KEYS and p.value for k, p in self.properties.items())

    def get(self, key: str) -> str | None:
        """Plain value of a non-secret property, or None."""
        prop = self.properties.get(key.lower())
        if prop is None or isinstance(prop.value, Secret):
            return None
        return prop.value

    @property
    def region(self) -> str | None:
        return self.get("region")

    @property
    def masked_access_key_id(self) -> str | None:
        """``AKIA…MPLE`` for a plaintext key ID; None when absent or encrypted."""
        prop = self.properties.get("aws_access_key_id")
        if prop is None or isinstance(prop.value, Secret) or not prop.value:
            return None
        return mask_key_id(prop.value)
