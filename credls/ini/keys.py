"""The known-key table of file-format.md §10, as data, with value validators.

``KNOWN_KEYS[name]`` -> ``KeySpec``: typical file, the consumers that honour the
key, a one-line doc for hover, a validator, and the section kinds it belongs to.
``closest_key`` suggests a spelling for an unknown key.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from credls.secret import mask_key_id

Validator = Callable[[str], str | None]
"""Returns ``None`` for a valid value, else a short reason (never echoing a secret)."""

ALL = ("powershell", "botocore", "sdk", "go")
P_G = ("botocore", "go")
P_G_N = ("powershell", "botocore", "go")
PROFILE = ("profile",)
SSO = ("profile", "sso-session")

# §10: region shape, e.g. us-west-2, us-gov-west-1, cn-north-1, us-isob-east-1
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")
_ACCESS_KEY_ID = re.compile(r"(AKIA|ASIA)[A-Z2-7]{16}")
_ACCOUNT_ID = re.compile(r"\d{12}")
_ROLE_ARN = re.compile(r"arn:[a-z0-9-]+:iam::\d{12}:role/[\w+=,.@/-]+")
_GUID = re.compile(r"\{?[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}\}?")
_URL = re.compile(r"https?://\S+", re.IGNORECASE)


def boolean(value: str) -> str | None:
    if value.lower() in ("true", "false"):
        return None
    return f"'{value}' is not a boolean: use true or false"


def enum(*choices: str, case: bool = True) -> Validator:
    def check(value: str) -> str | None:
        ok = value in choices if case else value.lower() in {c.lower() for c in choices}
        if ok:
            return None
        return f"'{value}' is not one of: {', '.join(choices)}"

    return check


def integer(low: int, high: int | None = None) -> Validator:
    def check(value: str) -> str | None:
        try:
            n = int(value)
        except ValueError:
            return f"'{value}' is not an integer"
        if n < low or (high is not None and n > high):
            bound = f"{low}..{high}" if high is not None else f">= {low}"
            return f"{n} is out of range ({bound})"
        return None

    return check


def number(value: str) -> str | None:
    try:
        float(value)
    except ValueError:
        return f"'{value}' is not a number"
    return None


def pattern(regex: re.Pattern[str], what: str) -> Validator:
    def check(value: str) -> str | None:
        return None if regex.fullmatch(value) else f"'{value}' is not {what}"

    return check


def access_key_id(value: str) -> str | None:
    if _ACCESS_KEY_ID.fullmatch(value):
        return None
    return (
        f"'{mask_key_id(value)}' does not look like an access key ID "
        "(AKIA/ASIA followed by 16 characters A-Z, 2-7)"
    )


region = pattern(_REGION, "a region code like us-west-2")
url = pattern(_URL, "an http(s) URL")


@dataclass(frozen=True)
class KeySpec:
    name: str
    file: str  # "credentials", "config" or "either"
    consumers: tuple[str, ...]
    doc: str
    validator: Validator | None = None
    sections: tuple[str, ...] = PROFILE
    secret: bool = False
    sub_keys: tuple[str, ...] = ()


_S3_SUB = (
    "addressing_style",
    "use_accelerate_endpoint",
    "use_dualstack_endpoint",
    "payload_signing_enabled",
    "use_arn_region",
    "us_east_1_regional_endpoint",
    "s3_disable_multiregion_access_points",
    # AWS CLI s3 transfer settings
    "max_concurrent_requests",
    "max_queue_size",
    "multipart_threshold",
    "multipart_chunksize",
    "max_bandwidth",
    "preferred_transfer_client",
    "target_bandwidth",
    "io_chunksize",
)

_SPECS = [
    KeySpec(
        "aws_access_key_id",
        "credentials",
        ALL,
        "Access key ID (AKIA… long-term, ASIA… temporary).",
        access_key_id,
    ),
    KeySpec(
        "aws_secret_access_key",
        "credentials",
        ALL,
        "Secret access key; must be paired with an access key ID.",
        secret=True,
    ),
    KeySpec(
        "aws_session_token",
        "credentials",
        ALL,
        "Session token; required with temporary (ASIA…) keys.",
        secret=True,
    ),
    KeySpec(
        "aws_security_token",
        "credentials",
        ("botocore",),
        "Legacy name of aws_session_token (botocore only).",
        secret=True,
    ),
    KeySpec(
        "aws_account_id",
        "either",
        ("powershell", "botocore", "go", "sdk"),
        "12-digit AWS account ID of the credentials.",
        pattern(_ACCOUNT_ID, "a 12-digit account ID"),
    ),
    KeySpec("region", "config", ALL, "Default region, e.g. us-west-2.", region, SSO),
    KeySpec(
        "output",
        "config",
        ("botocore",),
        "AWS CLI output format.",
        enum("json", "text", "table", "yaml", "yaml-stream"),
    ),
    KeySpec(
        "role_arn",
        "config",
        ALL,
        "ARN of the IAM role to assume.",
        pattern(_ROLE_ARN, "an IAM role ARN (arn:aws:iam::123456789012:role/name)"),
    ),
    KeySpec("source_profile", "config", ALL, "Profile whose credentials assume role_arn."),
    KeySpec(
        "credential_source",
        "config",
        ALL,
        "Where base credentials for role_arn come from.",
        enum("Environment", "Ec2InstanceMetadata", "EcsContainer"),
    ),
    KeySpec("external_id", "config", ALL, "External ID passed to sts:AssumeRole."),
    KeySpec("mfa_serial", "config", ALL, "MFA device ARN or serial number for assuming the role."),
    KeySpec("role_session_name", "config", ALL, "Session name for the assumed role."),
    KeySpec(
        "duration_seconds",
        "config",
        ("botocore", "go", "sdk"),
        "Assumed-role session length in seconds (900-43200).",
        integer(900, 43200),
    ),
    KeySpec(
        "web_identity_token_file", "config", ALL, "Path to an OIDC token file (with role_arn)."
    ),
    KeySpec(
        "credential_process", "config", ALL, "External command that prints credentials as JSON."
    ),
    KeySpec("sso_session", "config", ALL, "Name of an [sso-session NAME] section."),
    KeySpec("sso_start_url", "config", ALL, "IAM Identity Center start URL.", url, SSO),
    KeySpec(
        "sso_region", "config", ALL, "Region of the IAM Identity Center instance.", region, SSO
    ),
    KeySpec(
        "sso_account_id",
        "config",
        ALL,
        "Account ID for IAM Identity Center credentials.",
        pattern(_ACCOUNT_ID, "a 12-digit account ID"),
    ),
    KeySpec("sso_role_name", "config", ALL, "Permission set (role) name for IAM Identity Center."),
    KeySpec(
        "sso_registration_scopes",
        "config",
        ("powershell", "botocore"),
        "Comma-separated OAuth scopes.",
        sections=("sso-session",),
    ),
    KeySpec("ca_bundle", "config", P_G, "Path to a PEM certificate bundle."),
    KeySpec("endpoint_url", "config", P_G, "Endpoint URL for all services.", url),
    KeySpec(
        "ignore_configured_endpoint_urls",
        "config",
        P_G,
        "Ignore configured endpoint URLs.",
        boolean,
    ),
    KeySpec("services", "config", P_G, "Name of a [services NAME] section."),
    KeySpec(
        "max_attempts",
        "config",
        P_G_N,
        "Maximum attempts per request (positive integer).",
        integer(1),
    ),
    KeySpec(
        "retry_mode",
        "config",
        P_G_N,
        "Retry strategy.",
        enum("legacy", "standard", "adaptive", case=False),
    ),
    KeySpec(
        "defaults_mode",
        "config",
        P_G_N,
        "Defaults mode.",
        enum("legacy", "standard", "in-region", "cross-region", "mobile", "auto"),
    ),
    KeySpec(
        "sts_regional_endpoints",
        "config",
        ("botocore", "powershell"),
        "STS endpoint selection.",
        enum("legacy", "regional", case=False),
    ),
    KeySpec("use_fips_endpoint", "config", P_G_N, "Use FIPS endpoints.", boolean),
    KeySpec("use_dualstack_endpoint", "config", P_G_N, "Use dual-stack (IPv6) endpoints.", boolean),
    KeySpec(
        "ec2_metadata_service_endpoint",
        "config",
        P_G_N,
        "Absolute URL of the EC2 instance metadata service.",
        url,
    ),
    KeySpec(
        "ec2_metadata_service_endpoint_mode",
        "config",
        P_G_N,
        "IMDS endpoint mode.",
        enum("IPv4", "IPv6", case=False),
    ),
    KeySpec("ec2_metadata_v1_disabled", "config", P_G, "Disable IMDSv1 fallback.", boolean),
    KeySpec(
        "metadata_service_timeout", "config", ("botocore",), "IMDS timeout in seconds.", number
    ),
    KeySpec("metadata_service_num_attempts", "config", ("botocore",), "IMDS attempts.", integer(1)),
    KeySpec(
        "endpoint_discovery_enabled",
        "config",
        P_G_N,
        "Endpoint discovery.",
        enum("true", "false", "auto", case=False),
    ),
    KeySpec(
        "s3",
        "config",
        ("botocore",),
        "S3 settings block (indented key = value lines).",
        sub_keys=_S3_SUB,
    ),
    KeySpec("s3_use_arn_region", "config", P_G_N, "Use the region of an S3 ARN.", boolean),
    KeySpec(
        "s3_us_east_1_regional_endpoint",
        "config",
        P_G_N,
        "us-east-1 S3 endpoint.",
        enum("legacy", "regional", case=False),
    ),
    KeySpec(
        "s3_disable_multiregion_access_points",
        "config",
        P_G_N,
        "Disable S3 Multi-Region Access Points.",
        boolean,
    ),
    KeySpec(
        "s3_disable_express_session_auth",
        "config",
        P_G,
        "Disable S3 Express session auth.",
        boolean,
    ),
    KeySpec("api_versions", "config", ("botocore",), "API versions block (service = YYYY-MM-DD)."),
    KeySpec("sdk_ua_app_id", "config", P_G, "Application ID added to the User-Agent."),
    KeySpec(
        "account_id_endpoint_mode",
        "config",
        P_G,
        "Account-based endpoints.",
        enum("preferred", "required", "disabled"),
    ),
    KeySpec(
        "request_checksum_calculation",
        "config",
        P_G,
        "When to calculate request checksums.",
        enum("when_supported", "when_required"),
    ),
    KeySpec(
        "response_checksum_validation",
        "config",
        P_G,
        "When to validate response checksums.",
        enum("when_supported", "when_required"),
    ),
    KeySpec("disable_request_compression", "config", P_G, "Disable request compression.", boolean),
    KeySpec(
        "request_min_compression_size_bytes",
        "config",
        P_G,
        "Minimum size to compress (0-10485760).",
        integer(0, 10485760),
    ),
    KeySpec("auth_scheme_preference", "config", P_G, "Preferred auth schemes, comma-separated."),
    KeySpec("sigv4a_signing_region_set", "config", P_G, "SigV4a signing region set."),
    KeySpec(
        "toolkit_artifact_guid",
        "credentials",
        ("powershell",),
        "GUID written by the AWS Toolkit / PowerShell.",
        pattern(_GUID, "a GUID"),
    ),
    KeySpec("cli_pager", "config", ("botocore",), "AWS CLI pager command."),
    KeySpec(
        "cli_timestamp_format",
        "config",
        ("botocore",),
        "AWS CLI timestamp format.",
        enum("iso8601", "wire", "none"),
    ),
    KeySpec(
        "cli_follow_urlparam", "config", ("botocore",), "AWS CLI: fetch URL parameters.", boolean
    ),
    KeySpec(
        "cli_auto_prompt",
        "config",
        ("botocore",),
        "AWS CLI v2 auto-prompt.",
        enum("on", "off", "on-partial"),
    ),
    KeySpec(
        "cli_binary_format",
        "config",
        ("botocore",),
        "AWS CLI v2 binary format.",
        enum("base64", "raw-in-base64-out"),
    ),
    KeySpec(
        "cli_history",
        "config",
        ("botocore",),
        "AWS CLI command history.",
        enum("enabled", "disabled"),
    ),
    KeySpec(
        "parameter_validation",
        "config",
        ("botocore",),
        "Client-side parameter validation.",
        boolean,
    ),
    KeySpec("tcp_keepalive", "config", ("botocore",), "TCP keep-alive.", boolean),
]

KNOWN_KEYS: dict[str, KeySpec] = {spec.name: spec for spec in _SPECS}
SECRET_KEYS = frozenset(spec.name for spec in _SPECS if spec.secret)


def lookup(key: str) -> KeySpec | None:
    """The spec for ``key`` (case-insensitive, as most consumers match keys)."""
    return KNOWN_KEYS.get(key.lower())


def validate(key: str, value: str) -> str | None:
    """Reason ``value`` is invalid for ``key``, or None (unknown key or no constraint)."""
    spec = lookup(key)
    if spec is None or spec.validator is None:
        return None
    return spec.validator(value)


def closest_key(key: str) -> str | None:
    """The known key nearest in spelling to ``key``, if any is reasonably close."""
    matches = difflib.get_close_matches(key.lower(), list(KNOWN_KEYS), n=1, cutoff=0.6)
    return matches[0] if matches else None
