"""Credential search order as data, per AWS Tools for PowerShell major version.

``resolve_call`` walks the steps a cmdlet call takes to find credentials
(powershell.md §3.1 for v4, as coded; §3.3 for v5, as documented) and says for
each whether it finds something, finds nothing, is not reached, or depends on
the machine the script runs on. ``resolve_profile`` says which store and line
supply a profile name, what it shadows, and where each property comes from.
``profiles_json`` and ``explain_json`` build the ``credls profiles --json`` and
``credls explain --json`` shapes of interfaces.md. Nothing here returns a
secret: access key IDs are masked and secret values are ``********``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from credls.settings import ModuleVersion, Platform
from credls.store.chain import LEGACY_DEFAULT, StoreChain
from credls.store.model import KNOWN_PROFILES, Profile, Property

DEFAULT_PROFILE = "default"

# powershell.md §3.1, "Error texts (V4)".
NO_CREDENTIALS = "No credentials specified or obtained from persisted/shell defaults."


@dataclass(frozen=True)
class Dynamic:
    """A parameter value known only at run time (a variable, an expression)."""

    text: str = ""


class StepStatus(str, Enum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    SKIPPED = "skipped"  # not supplied / not applicable / not reached
    DEPENDS_ON_ENVIRONMENT = "depends_on_environment"


@dataclass(frozen=True)
class Step:
    """One step of the search; ``store``/``location``/``line`` (1-based) name the profile used."""

    id: str
    description: str
    status: StepStatus
    store: str | None = None
    location: str | None = None
    line: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class Resolution:
    """The steps in order, the step that supplies credentials, and a certain failure.

    ``error`` is what the cmdlet throws when the search certainly stops
    without usable credentials (a missing or invalid ``-ProfileName``).
    ``winner`` may sit after steps that depend on the environment: then
    ``certain`` is false.
    """

    version: ModuleVersion
    platform: Platform
    steps: tuple[Step, ...]
    winner: Step | None
    error: str | None = None

    @property
    def certain(self) -> bool:
        """True when no earlier step could win on some machine."""
        for step in self.steps:
            if step is self.winner:
                return True
            if step.status is StepStatus.DEPENDS_ON_ENVIRONMENT:
                return False
        return False


# --- helpers ------------------------------------------------------------------


def _on_platform(chain: StoreChain, platform: Platform) -> StoreChain:
    if chain.platform is platform:
        return chain
    other = copy.copy(chain)
    other.platform = platform
    return other


def _profile_step(step_id: str, description: str, hit: Profile, note: str | None = None) -> Step:
    return Step(
        step_id,
        description,
        StepStatus.FOUND,
        hit.store,
        hit.location or None,
        hit.line if hit.location else None,
        note,
    )


def _where(p: Profile) -> str:
    if p.store == KNOWN_PROFILES:
        return "known-profiles"
    return f"{p.store} {p.location} line {p.line}"


def _invalid_profile(name: str) -> str:
    # AWSCredentialsFactory text (powershell.md §3.1 step 2).
    return (
        f"Credential profile [{name}] is not valid.  Please ensure the profile contains "
        "a valid combination of properties."
    )


class _Walk:
    """Accumulates steps; after a winner or a stop, the rest are 'not reached'."""

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.winner: Step | None = None
        self.error: str | None = None
        self.stopped = False

    @property
    def done(self) -> bool:
        return self.winner is not None or self.stopped

    def add(self, step: Step) -> None:
        if self.done:
            step = Step(step.id, step.description, StepStatus.SKIPPED, note="not reached")
        self.steps.append(step)
        if step.status is StepStatus.FOUND and self.winner is None:
            self.winner = step

    def stop(self, error: str) -> None:
        if not self.done:
            self.stopped = True
            self.error = error


def _literal_keys(w: _Walk, access_key: bool, secret_key: bool, session_token: bool) -> None:
    desc = "Supplied key parameters (-AccessKey, -SecretKey, -SessionToken)"
    if access_key and secret_key:
        kind = "session" if session_token else "basic"
        w.add(Step("literal-keys", desc, StepStatus.FOUND, note=f"{kind} credentials"))
    elif access_key or secret_key:
        missing = "-SecretKey" if access_key else "-AccessKey"
        w.add(
            Step(
                "literal-keys",
                desc,
                StepStatus.NOT_FOUND,
                note=f"partial key set is silently ignored: {missing} is missing",
            )
        )
    else:
        w.add(Step("literal-keys", desc, StepStatus.SKIPPED, note="not supplied"))


def _credential_object(w: _Walk, credential: bool) -> None:
    desc = "-Credential object"
    status = StepStatus.FOUND if credential else StepStatus.SKIPPED
    w.add(Step("credential-object", desc, status, note=None if credential else "not supplied"))


def _named_profile(
    w: _Walk,
    chain: StoreChain,
    step_id: str,
    description: str,
    name: str,
    profile_location: str | None,
) -> None:
    """A profile the user named: found wins (or throws if invalid); missing stops the search."""
    hits = chain.find(name, profile_location)
    if not hits:
        w.add(Step(step_id, description, StepStatus.NOT_FOUND, note="no store has this profile"))
        w.stop(NO_CREDENTIALS)
        return
    first = hits[0]
    if first.can_create_credentials:
        w.add(_profile_step(step_id, description, first))
        return
    note = "the profile cannot create credentials"
    usable = [h for h in hits[1:] if h.can_create_credentials]
    if usable:
        note += f" and hides the usable one in {_where(usable[0])}"
    w.add(_profile_step(step_id, description, first, note))
    w.error = _invalid_profile(first.name)


def _profile_name(
    w: _Walk,
    chain: StoreChain,
    profile_name: str | Dynamic | None,
    profile_location: str | None,
) -> None:
    where = f" in {profile_location}" if profile_location else ""
    if profile_name is None or profile_name == "":
        w.add(Step("profile-name", "-ProfileName", StepStatus.SKIPPED, note="not supplied"))
        return
    if isinstance(profile_name, Dynamic):
        desc = f"-ProfileName {profile_name.text or '(run-time value)'}{where}"
        w.add(Step("profile-name", desc, StepStatus.DEPENDS_ON_ENVIRONMENT, note="run-time value"))
        return
    desc = f"-ProfileName {profile_name}{where}"
    _named_profile(w, chain, "profile-name", desc, profile_name, profile_location)


def _session(w: _Walk, session_profile: str | Dynamic | bool | None) -> None:
    desc = "Shell credentials $StoredAWSCredentials (Set-AWSCredential)"
    if session_profile is None:
        w.add(
            Step(
                "session",
                desc,
                StepStatus.DEPENDS_ON_ENVIRONMENT,
                note="set if Set-AWSCredential ran earlier in this PowerShell session",
            )
        )
    elif session_profile is False:
        w.add(Step("session", desc, StepStatus.NOT_FOUND, note="not set"))
    else:
        note = f"set from profile {session_profile}" if isinstance(session_profile, str) else None
        w.add(Step("session", desc, StepStatus.FOUND, note=note))


def _environment(w: _Walk, env: Mapping[str, str] | None, v5: bool) -> None:
    desc = "Environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    if env is None:
        w.add(Step("environment", desc, StepStatus.DEPENDS_ON_ENVIRONMENT))
        return
    ak = env.get("AWS_ACCESS_KEY_ID")
    sk = env.get("AWS_SECRET_ACCESS_KEY") or env.get("AWS_SECRET_KEY")
    if ak and sk:
        note = None
        if v5 and not env.get("AWS_SESSION_TOKEN"):
            # DOC5 says "all three"; the SDK code needs only the key pair.
            note = "the v5 guide asks for AWS_SESSION_TOKEN too; the SDK accepts the pair"
        w.add(Step("environment", desc, StepStatus.FOUND, note=note))
    elif ak or sk:
        w.add(Step("environment", desc, StepStatus.NOT_FOUND, note="only one of the pair is set"))
    else:
        w.add(Step("environment", desc, StepStatus.NOT_FOUND, note="not set"))


def _default_profile(
    w: _Walk, chain: StoreChain, step_id: str, name: str, profile_location: str | None
) -> None:
    """``default`` / ``AWS PS Default``: first store that has it, if it can create credentials.

    The shadowing quirk of §3.1: an unusable first hit hides a usable later one.
    """
    where = f" in {profile_location}" if profile_location else ""
    desc = f"Profile {name}{where}"
    hits = chain.find(name, profile_location)
    if not hits:
        w.add(Step(step_id, desc, StepStatus.NOT_FOUND))
        return
    first = hits[0]
    if first.can_create_credentials:
        w.add(_profile_step(step_id, desc, first))
        return
    note = f"{_where(first)} cannot create credentials"
    usable = [h for h in hits[1:] if h.can_create_credentials]
    if usable:
        note += f" and hides the usable one in {_where(usable[0])}"
    w.add(
        Step(
            step_id,
            desc,
            StepStatus.NOT_FOUND,
            first.store,
            first.location or None,
            first.line if first.location else None,
            note,
        )
    )


def _container_or_instance(w: _Walk, env: Mapping[str, str] | None, v5: bool) -> None:
    desc = "Container credentials, else EC2 instance profile"
    note = "position in v5 not verified" if v5 else None
    if env is not None and (
        env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        or env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")
    ):
        w.add(Step("container-or-instance", desc, StepStatus.FOUND, note=note or "container"))
        return
    w.add(
        Step(
            "container-or-instance",
            desc,
            StepStatus.DEPENDS_ON_ENVIRONMENT,
            note=note or "only on AWS compute with a role attached",
        )
    )


def _aws_profile(
    w: _Walk, chain: StoreChain, env: Mapping[str, str] | None, profile_location: str | None
) -> None:
    desc = "Profile named by AWS_PROFILE"
    if env is None:
        w.add(Step("aws-profile", desc, StepStatus.DEPENDS_ON_ENVIRONMENT))
        return
    name = env.get("AWS_PROFILE")
    if not name:
        w.add(Step("aws-profile", desc, StepStatus.SKIPPED, note="not set"))
        return
    # SDK v4: a missing non-default profile throws ProfileNotFoundException.
    _named_profile(w, chain, "aws-profile", f"{desc} ({name})", name, profile_location)


# --- public API ---------------------------------------------------------------


def resolve_call(
    chain: StoreChain,
    platform: Platform,
    version: ModuleVersion,
    *,
    access_key: bool = False,
    secret_key: bool = False,
    session_token: bool = False,
    profile_name: str | Dynamic | None = None,
    profile_location: str | None = None,
    credential: bool = False,
    session_profile: str | Dynamic | bool | None = None,
    env: Mapping[str, str] | None = None,
) -> Resolution:
    """The credential search of one cmdlet call.

    ``session_profile``: None = unknown (depends on the shell), False = not
    set, True/str/Dynamic = set (str: from that profile). ``env``: None =
    unknown, else the environment the script runs with.
    """
    chain = _on_platform(chain, platform)
    w = _Walk()
    if version is ModuleVersion.V5:
        # powershell.md §3.3 (documented order; code unverified).
        _literal_keys(w, access_key, secret_key, session_token)
        _credential_object(w, credential)
        _profile_name(w, chain, profile_name, profile_location)
        _session(w, session_profile)
        _environment(w, env, v5=True)
        _aws_profile(w, chain, env, profile_location)
        _default_profile(w, chain, "default-profile", DEFAULT_PROFILE, profile_location)
        _default_profile(w, chain, "legacy-default-profile", LEGACY_DEFAULT, profile_location)
        _container_or_instance(w, env, v5=True)
    else:
        # powershell.md §3.1: TryGetCredentials, steps 1-8 as coded.
        _literal_keys(w, access_key, secret_key, session_token)
        _profile_name(w, chain, profile_name, profile_location)
        _credential_object(w, credential)
        _session(w, session_profile)
        _environment(w, env, v5=False)
        _default_profile(w, chain, "default-profile", DEFAULT_PROFILE, profile_location)
        _default_profile(w, chain, "legacy-default-profile", LEGACY_DEFAULT, profile_location)
        _container_or_instance(w, env, v5=False)
    return Resolution(version, platform, tuple(w.steps), w.winner, w.error)


@dataclass(frozen=True)
class StoreStep:
    """One store (or one file of a pair) searched for a profile name."""

    store: str
    location: str
    found: bool
    line: int | None = None


@dataclass(frozen=True)
class ProfileResolution:
    """Where a profile name resolves: search steps, winner, shadowed copies, properties."""

    name: str
    platform: Platform
    steps: tuple[StoreStep, ...]
    winner: Profile | None
    shadowed: tuple[Profile, ...]

    @property
    def properties(self) -> tuple[Property, ...]:
        """The winner's properties with their provenance, ordered by file and line."""
        if self.winner is None:
            return ()
        order = {s.path: i for i, s in enumerate(self.winner.sections)}
        return tuple(
            sorted(
                self.winner.properties.values(),
                key=lambda p: (order.get(p.source.path, len(order)), p.source.range.start),
            )
        )


def _section_line(profile: Profile, store: str) -> int | None:
    for section in profile.sections:
        if section.store == store:
            return section.line
    return None


def resolve_profile(
    chain: StoreChain, name: str, profile_location: str | None = None
) -> ProfileResolution:
    """Which store supplies ``name`` (first hit), with every store searched as a step."""
    steps: list[StoreStep] = []
    hits: list[Profile] = []
    for store in chain.stores(profile_location):
        hit = store.get(name)
        if hit is not None:
            hits.append(hit)
        for kind, path in store.locations():
            line = _section_line(hit, kind) if hit is not None else None
            steps.append(StoreStep(kind, path, line is not None, line))
    if name in chain.known_profiles:
        steps.append(StoreStep(KNOWN_PROFILES, "", True, None))
        hits.append(Profile.known(name))
    winner = hits[0] if hits else None
    return ProfileResolution(name, chain.platform, tuple(steps), winner, tuple(hits[1:]))


def profiles_json(chain: StoreChain, profile_location: str | None = None) -> list[dict[str, Any]]:
    """``credls profiles --json``: listable profiles in search order (interfaces.md)."""
    return [
        {
            "name": p.name,
            "store": p.store,
            "location": p.location,
            "line": p.line,
            "type": p.profile_type,
            "region": p.region,
            "access_key_id": p.masked_access_key_id,
        }
        for p in chain.list_profiles(profile_location)
    ]


def explain_json(
    chain: StoreChain,
    profile: str,
    profile_location: str | None = None,
    powershell_version: ModuleVersion = ModuleVersion.V4,
    platform: Platform | None = None,
) -> dict[str, Any]:
    """``credls explain PROFILE --json`` (interfaces.md); ``platform`` defaults to the chain's."""
    chain = _on_platform(chain, platform or chain.platform)
    res = resolve_profile(chain, profile, profile_location)
    resolved = None
    if res.winner is not None:
        w = res.winner
        resolved = {
            "store": w.store,
            "location": w.location or None,
            "line": w.line if w.location else None,
        }
    return {
        "profile": profile,
        "platform": chain.platform.value,
        "powershell_version": powershell_version.value,
        "steps": [
            {"store": s.store, "location": s.location, "found": s.found, "line": s.line}
            for s in res.steps
        ],
        "resolved": resolved,
        "properties": [
            {
                "key": p.key,
                "value": p.display_value,
                "from": {"path": p.source.path, "line": p.source.line},
            }
            for p in res.properties
        ],
    }


__all__ = [
    "NO_CREDENTIALS",
    "Dynamic",
    "ProfileResolution",
    "Resolution",
    "Step",
    "StepStatus",
    "StoreStep",
    "explain_json",
    "profiles_json",
    "resolve_call",
    "resolve_profile",
]
