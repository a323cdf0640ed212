"""Rules: profiles and resolution (CRED2xx, rules.md).

All CRED2xx P1 rules are declared here so the registry is complete. The INI
checks (CRED205-208) live here too: ``check`` for a credentials/config file
(resolved within its file pair plus the configured stores and known
profiles), ``check_sdk_store`` for ``RegisteredAccounts.json``. The script
checks of CRED201-204 and CRED209 belong to the PowerShell analysis.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from credls.diagnostic import Diagnostic, Related, Severity
from credls.document import Document, DocumentKind
from credls.ini.parser import IniFile
from credls.rules.context import CheckContext
from credls.rules.registry import rule
from credls.store.chain import StoreChain
from credls.store.locations import sibling_config, sibling_credentials
from credls.store.model import CREDENTIAL_KEYS, Profile, ProfileSource
from credls.store.sdk_store import parse_sdk_store
from credls.store.shared_files import PairView, SharedFilesStore
from credls.text import Range

UNRESOLVED_PROFILE = rule(
    "CRED201",
    "unresolved-profile",
    Severity.ERROR,
    "A profile name used by a script exists in no store the call searches.",
    """
    The profile named by `-ProfileName` (or an alias, a prefix, a splat key,
    `Initialize-AWSDefaultConfiguration`, `Remove-AWSCredentialProfile`,
    `Set-AWSCredential`) is found in none of the stores the call would search, after
    the script's own earlier store changes are simulated. PowerShell then fails with
    "No credentials specified or obtained from persisted/shell defaults." without naming
    the profile. The message lists where credls looked and suggests close names.
    Values that are not static (`$env:X`, parameters without defaults) are not checked;
    declare profiles that exist only at run time with `known-profiles`.
    """,
    bad="Get-S3Bucket -ProfileName prodd\n",
    good="Get-S3Bucket -ProfileName prod\n",
    example_language="powershell",
)

PROFILE_LOCATION_NOT_FOUND = rule(
    "CRED202",
    "profile-location-not-found",
    Severity.ERROR,
    "`-ProfileLocation` names a file that does not exist.",
    """
    `-ProfileLocation` points at a credentials file that is not there. Relative paths
    resolve against the script's folder; `~`, `$HOME` and `$env:USERPROFILE` prefixes are
    expanded. The cmdlet finds no profile in a missing file and fails at run time.
    """,
    bad="Get-S3Bucket -ProfileName ci -ProfileLocation ./missing/credentials\n",
    good="Get-S3Bucket -ProfileName ci -ProfileLocation ./ci/credentials\n",
    example_language="powershell",
)

PROFILE_NOT_IN_LOCATION = rule(
    "CRED203",
    "profile-not-in-location",
    Severity.ERROR,
    "The profile is not in the file given by `-ProfileLocation`.",
    """
    With `-ProfileLocation F`, PowerShell searches only the credentials file F (and the
    `config` file beside it), never the SDK store or `~/.aws/credentials`. A profile that
    is defined elsewhere but not in F is therefore not found and the call fails.
    """,
    bad="Get-S3Bucket -ProfileName prod -ProfileLocation ./ci/credentials  # no [prod] there\n",
    good="Get-S3Bucket -ProfileName ci -ProfileLocation ./ci/credentials\n",
    example_language="powershell",
)

PROFILE_REMOVED = rule(
    "CRED204",
    "profile-removed",
    Severity.ERROR,
    "The profile is used after the script removed it.",
    """
    `Remove-AWSCredentialProfile` earlier in the same script deletes the profile (from the
    first store that has it), so a later use of that name fails — or, worse, silently
    picks up a same-named profile from another store. Reported for straight-line code,
    and inside branches only when every path removes it.
    """,
    bad="Remove-AWSCredentialProfile -ProfileName temp -Force\nGet-S3Bucket -ProfileName temp\n",
    good="Get-S3Bucket -ProfileName temp\nRemove-AWSCredentialProfile -ProfileName temp -Force\n",
    example_language="powershell",
)

SHADOWED_PROFILE = rule(
    "CRED205",
    "shadowed-profile",
    Severity.INFORMATION,
    "A profile name exists in both the SDK store and the shared credentials file.",
    """
    On Windows, PowerShell searches the encrypted SDK store (`RegisteredAccounts.json`)
    before the shared credentials file, and the SDK store matches names ignoring case.
    A profile defined in both therefore means different credentials on Windows (the SDK
    store's) and on Linux/macOS or in other tools (the file's) — a common source of
    "works on my machine". Keep each name in one store, or make both copies identical.
    """,
    bad='# RegisteredAccounts.json also has a profile "deploy"\n[deploy]\n'
    "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    good='# only the credentials file defines "deploy"\n[deploy]\n'
    "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
)

INVALID_PROFILE_TYPE = rule(
    "CRED206",
    "invalid-profile-type",
    Severity.WARNING,
    "A profile's credential properties form no type PowerShell/.NET accepts.",
    """
    The .NET SDK behind AWS Tools for PowerShell decides a profile's type from the exact
    set of credential properties present, merged across the credentials and config files:
    keys (+ token), `role_arn` + `source_profile` (+ `external_id`, `mfa_serial`,
    `role_session_name`), `role_arn` + `credential_source`, `role_arn` +
    `web_identity_token_file`, `credential_process`, or SSO settings. Any other mix — for
    example keys together with `role_arn`, or an access key without its secret — has no
    type: the profile is not listed and using it fails with "Credential profile [X] is not
    valid". An `ASIA…` (temporary) access key without `aws_session_token` is also reported.
    Profiles that hold only settings (`region`, `output`, …) are fine.
    """,
    bad="[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\n"
    "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n",
    good="[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\n"
    "source_profile = base\n",
)

UNRESOLVED_REFERENCE = rule(
    "CRED207",
    "unresolved-reference",
    Severity.ERROR,
    "`source_profile` or `sso_session` names something that does not exist.",
    """
    `source_profile` must name a profile and `sso_session` an `[sso-session NAME]` section
    that exists in the same file pair (credentials + config), in the configured stores, or
    in `known-profiles`. Every SDK fails when it resolves a dangling reference ("could not
    find source profile", "Failed to find sso_session"). Names are case-sensitive in the
    files.
    """,
    bad="[profile app]\nrole_arn = arn:aws:iam::123456789012:role/app\nsource_profile = bsae\n",
    good="[profile app]\nrole_arn = arn:aws:iam::123456789012:role/app\nsource_profile = base\n",
)

REFERENCE_CYCLE = rule(
    "CRED208",
    "reference-cycle",
    Severity.ERROR,
    "A chain of `source_profile` references loops.",
    """
    Following `source_profile` from profile to profile comes back to a profile already
    visited, so no SDK can find base credentials ("profile formed an infinite loop"). The
    one allowed loop is a profile naming itself when it also holds static keys: the keys
    are used to assume its role.
    """,
    bad="[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = b\n\n"
    "[profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = a\n",
    good="[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = b\n\n"
    "[profile b]\ncredential_process = /usr/local/bin/get-creds\n",
)

PROFILE_NAME_CASE = rule(
    "CRED209",
    "profile-name-case",
    Severity.ERROR,
    "The profile name matches a stored profile only when case is ignored.",
    """
    Shared credentials and config files match profile names case-sensitively, the SDK
    store on Windows does not. A name that differs from the stored one only in case is an
    error when the modelled platform's lookup fails, and a warning when it works there
    (the SDK store on Windows) but would fail on another platform or tool. Reported
    instead of CRED201; the quick fix uses the stored spelling.
    """,
    bad="Get-S3Bucket -ProfileName Prod   # stored as [prod]\n",
    good="Get-S3Bucket -ProfileName prod\n",
    example_language="powershell",
)


# --- checks -------------------------------------------------------------------

# Consumers whose reading of a file the reference rules (207, 208) may use, in
# order of preference: PowerShell first, the cross-SDK spec next.
_CONSUMER_ORDER = ("powershell", "sdk", "botocore", "go")
_STATIC_KEYS = ("aws_access_key_id", "aws_secret_access_key")


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and os.path.abspath(a) == os.path.abspath(b)


def _pair_chain(doc: Document, ctx: CheckContext) -> StoreChain:
    """The context's chain with this document (its current text) as the checked pair."""
    base = ctx.chain or StoreChain(
        ctx.settings.platform, known_profiles=ctx.settings.known_profiles
    )
    pair = base.pair
    name = os.path.basename(doc.path)
    if doc.kind is DocumentKind.CONFIG:
        if pair is not None and _same(pair.config_path, doc.path):
            partner = pair.credentials_path
        else:
            partner = sibling_credentials(doc.path) if name == "config" else None
        return base.with_pair(partner, doc.path, config_text=doc.text)
    if pair is not None and _same(pair.credentials_path, doc.path):
        partner = pair.config_path
    else:
        partner = sibling_config(doc.path) if name == "credentials" else None
    return base.with_pair(doc.path, partner, credentials_text=doc.text)


def _file_kind(doc: Document) -> str:
    return "config" if doc.kind is DocumentKind.CONFIG else "credentials"


def _consumers(ctx: CheckContext) -> tuple[str, ...]:
    wanted = set(ctx.settings.consumers or _CONSUMER_ORDER)
    return tuple(c for c in _CONSUMER_ORDER if c in wanted) or _CONSUMER_ORDER


def _usable_view(pair: SharedFilesStore, doc: Document, consumers: tuple[str, ...]) -> PairView:
    """The first consumer view that does not reject this document's file."""
    kind = _file_kind(doc)
    for consumer in consumers:
        view = pair.view(consumer)
        if kind not in view.rejected:
            return view
    return pair.view(consumers[0])


def _section_here(profile: Profile, path: str) -> ProfileSource | None:
    for section in profile.sections:
        if section.path == path:
            return section
    return None


def _where(p: Profile) -> str:
    if p.store == "known-profiles":
        return "known-profiles"
    return f"{p.location}:{p.line}"


def check(doc: Document, ini: IniFile, ctx: CheckContext) -> list[Diagnostic]:
    """CRED205-208 for a credentials or config file (``ini`` is its parse)."""
    del ini  # the pair store parses the same text (cached) with every consumer's rules
    chain = _pair_chain(doc, ctx)
    pair = chain.pair
    assert pair is not None
    consumers = _consumers(ctx)
    out: list[Diagnostic] = []
    ps_view = pair.view("powershell")
    if _file_kind(doc) not in ps_view.rejected:
        out += _shadowed_in_file(doc, chain, ps_view)
        out += _invalid_types(doc, ps_view, type_rules="powershell" in consumers)
    view = _usable_view(pair, doc, consumers)
    out += _unresolved(doc, chain, view, consumers)
    out += _cycles(doc, chain, view)
    return out


# --- CRED205 -------------------------------------------------------------------


def _shadowed_in_file(doc: Document, chain: StoreChain, view: PairView) -> list[Diagnostic]:
    sdk = chain.sdk_store
    if sdk is None:
        return []
    out = []
    for profile in view.profiles:
        if profile.source.path != doc.path:
            continue  # reported where the profile is defined (credentials file first)
        hit = sdk.get(profile.name)
        if hit is None:
            continue
        spelled = "" if hit.name == profile.name else f" (as '{hit.name}')"
        out.append(
            Diagnostic(
                SHADOWED_PROFILE.code,
                f"profile '{profile.name}' is also in the SDK store{spelled}: "
                f"-ProfileName {profile.name} uses the SDK store's copy on Windows "
                "and this one elsewhere",
                doc.path,
                profile.source.range,
                related=(Related(sdk.path, hit.source.range, "the SDK store's profile"),),
            )
        )
    return out


def check_sdk_store(doc: Document, ctx: CheckContext) -> list[Diagnostic]:
    """CRED205 for ``RegisteredAccounts.json`` (on the DisplayName); CRED103 for bad JSON."""
    data = parse_sdk_store(doc.text, doc.path)
    out = [
        # A store PowerShell cannot read at all is a syntax error of the file;
        # profile-level problems (hidden profiles) are left to hover/`profiles`.
        Diagnostic(
            "CRED103",
            f"{p.message}: PowerShell/.NET cannot read this SDK store (no profile in it is found)",
            doc.path,
            Range(p.position, p.position),
        )
        for p in data.problems
        if p.position is not None and p.message.startswith("invalid JSON")
    ]
    chain = ctx.chain
    if chain is None:
        return out
    files = [s for s in (chain.pair, chain.shared) if s is not None]
    if not files:
        return out
    for profile in data.profiles:
        hit = next((p for s in files if (p := s.get(profile.name)) is not None), None)
        if hit is None:
            wanted = profile.name.casefold()
            hit = next(
                (p for s in files for p in s.profiles() if p.name.casefold() == wanted), None
            )
        if hit is None:
            continue
        out.append(
            Diagnostic(
                SHADOWED_PROFILE.code,
                f"profile '{profile.name}' is also in the shared {hit.store} as "
                f"'{hit.name}' ({_where(hit)}): -ProfileName {profile.name} uses this copy "
                "on Windows and the file's elsewhere",
                doc.path,
                profile.source.range,
                related=(Related(hit.location, hit.source.range, "the shared file's profile"),),
            )
        )
    return out


# --- CRED206 -------------------------------------------------------------------


def _present(profile: Profile) -> set[str]:
    return {k for k, p in profile.properties.items() if p.value}


def _type_problem(profile: Profile) -> str | None:
    """Why PowerShell/.NET finds no type for the profile; None when it has one."""
    keys = _present(profile)
    has_ak, has_sk = "aws_access_key_id" in keys, "aws_secret_access_key" in keys
    roles = keys & {"role_arn", "source_profile", "credential_source", "web_identity_token_file"}
    if has_ak != has_sk:
        return (
            "has aws_access_key_id but no aws_secret_access_key"
            if has_ak
            else ("has aws_secret_access_key but no aws_access_key_id")
        )
    if "aws_session_token" in keys and not has_ak:
        return "has aws_session_token but no access key pair"
    if profile.profile_type is not None:
        return None
    if has_ak and profile.get("source_profile") == profile.name:
        return (
            "refers to itself as source_profile while holding static keys: other SDKs "
            "accept this, PowerShell/.NET does not"
        )
    if has_ak and (roles or "credential_process" in keys):
        other = sorted(roles | (keys & {"credential_process"}))
        return f"mixes static keys with {', '.join(other)}"
    if "credential_process" in keys and roles:
        return f"mixes credential_process with {', '.join(sorted(roles))}"
    if {"source_profile", "credential_source"} <= keys:
        return "has both source_profile and credential_source"
    if "role_arn" not in keys and roles:
        return f"has {', '.join(sorted(roles))} without role_arn"
    if "role_arn" in keys and not roles - {"role_arn"}:
        return "has role_arn without source_profile, credential_source or web_identity_token_file"
    extras = keys & {"external_id", "mfa_serial", "role_session_name"}
    if extras:
        return f"{', '.join(sorted(extras))} cannot be combined with the other credential settings"
    return "has a combination of credential settings that forms no profile type"


def _sso_problem(profile: Profile) -> str | None:
    keys = _present(profile)
    if ("sso_account_id" in keys) != ("sso_role_name" in keys):
        missing = "sso_role_name" if "sso_account_id" in keys else "sso_account_id"
        return f"is an SSO profile without {missing} (sso_account_id and sso_role_name go together)"
    return None


def _temporary_key_problem(profile: Profile) -> str | None:
    key_id = profile.get("aws_access_key_id") or ""
    keys = _present(profile)
    if key_id.startswith("ASIA") and "aws_session_token" not in keys:
        return "has a temporary (ASIA…) access key without aws_session_token"
    return None


def _invalid_types(doc: Document, view: PairView, type_rules: bool) -> list[Diagnostic]:
    out = []
    for profile in view.profiles:
        if not profile.has_credential_properties:
            continue  # settings only (rules.md CRED206)
        here = _section_here(profile, doc.path)
        mine = [
            p
            for k, p in profile.properties.items()
            if k in CREDENTIAL_KEYS and p.source.path == doc.path
        ]
        if here is None or not mine:
            continue  # reported in the file that holds the credential settings
        problem = _temporary_key_problem(profile)
        if problem is None and type_rules:
            problem = _type_problem(profile) or _sso_problem(profile)
        elif problem is None:
            keys = _present(profile)
            if ("aws_access_key_id" in keys) != ("aws_secret_access_key" in keys):
                problem = _type_problem(profile)
        if problem is None:
            continue
        related = tuple(
            Related(s.path, s.range, f"profile '{profile.name}' continues here")
            for s in profile.sections
            if s.path != doc.path
        )
        out.append(
            Diagnostic(
                INVALID_PROFILE_TYPE.code,
                f"profile '{profile.name}' {problem}; PowerShell/.NET reports "
                f'"Credential profile [{profile.name}] is not valid"'
                if profile.profile_type is None
                else f"profile '{profile.name}' {problem}",
                doc.path,
                here.range,
                related=related,
            )
        )
    return out


# --- CRED207 -------------------------------------------------------------------


def _profile_exists(name: str, chain: StoreChain, consumers: tuple[str, ...]) -> bool:
    if chain.exists(name):
        return True
    files = [s for s in (chain.pair, chain.shared) if s is not None]
    return any(s.defined_by_any(name, consumers) is not None for s in files)


def _unresolved(
    doc: Document, chain: StoreChain, view: PairView, consumers: tuple[str, ...]
) -> list[Diagnostic]:
    out = []
    for profile in view.profiles:
        for key in ("source_profile", "sso_session"):
            prop = profile.properties.get(key)
            if prop is None or prop.source.path != doc.path or not prop.text():
                continue
            target = prop.text()
            if key == "source_profile":
                if _profile_exists(target, chain, consumers):
                    continue
                what = f"source_profile '{target}' names no profile"
            else:
                if chain.has_sso_session(target, consumers):
                    continue
                what = f"sso_session '{target}' names no [sso-session {target}] section"
            looked = ", ".join(path for _kind, path in chain.searched_locations() if path)
            message = f"{what} (profile '{profile.name}'; looked in {looked or 'no store'})"
            if key == "source_profile":
                close = [p.name for p in chain.find_case_insensitive(target)]
                if close:
                    message += f"; did you mean '{close[0]}'?"
            out.append(
                Diagnostic(
                    UNRESOLVED_REFERENCE.code,
                    message,
                    doc.path,
                    prop.value_range or prop.source.range,
                )
            )
    return out


# --- CRED208 -------------------------------------------------------------------


def _has_static_keys(profile: Profile) -> bool:
    return all(profile.properties.get(k) and profile.properties[k].value for k in _STATIC_KEYS)


def _loop(start: Profile, lookup: Callable[[str], Profile | None]) -> list[str] | None:
    """The names of a source_profile loop reached from ``start``, or None.

    Follows the cross-SDK rule (file-format.md §10; assume-role suite): a
    source profile with static keys ends the chain, a profile naming itself
    is fine when it has static keys.
    """
    visited = [start.name]
    current = start
    while True:
        nxt = current.get("source_profile")
        if not nxt:
            return None
        if nxt == current.name:
            return None if _has_static_keys(current) else [*visited, nxt]
        if nxt in visited:
            return [*visited, nxt]
        found = lookup(nxt)
        if found is None:
            return None  # CRED207's finding
        visited.append(nxt)
        if _has_static_keys(found):
            return None
        current = found


def _cycles(doc: Document, chain: StoreChain, view: PairView) -> list[Diagnostic]:
    def lookup(name: str) -> Profile | None:
        return view.by_name.get(name) or chain.lookup(name)

    out = []
    for profile in view.profiles:
        prop = profile.properties.get("source_profile")
        if prop is None or prop.source.path != doc.path:
            continue
        loop = _loop(profile, lookup)
        if loop is None:
            continue
        out.append(
            Diagnostic(
                REFERENCE_CYCLE.code,
                f"source_profile chain of profile '{profile.name}' loops: " + " → ".join(loop),
                doc.path,
                prop.value_range or prop.source.range,
            )
        )
    return out
