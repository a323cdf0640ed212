"""Where the stores live: options, then environment variables, then defaults.

A pure function of the settings, an environment mapping and the modelled
platform, so that it can be tested for any OS from any OS (interfaces.md
"Stores and environment"; file-format.md §1; conformance
``file-location-tests.json``).

``use_user_stores=False`` ignores the defaults **and** the environment
variables (``AWS_SHARED_CREDENTIALS_FILE``, ``AWS_CONFIG_FILE``,
``CREDLS_SDK_STORE``): they describe the machine's user, not the project, and
CI runners often carry them. Explicit options still apply.
"""

from __future__ import annotations

import ntpath
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from credls.settings import Platform, StoreSettings

Origin = Literal["option", "env", "default"]

ENV_CREDENTIALS = "AWS_SHARED_CREDENTIALS_FILE"
ENV_CONFIG = "AWS_CONFIG_FILE"
ENV_SDK_STORE = "CREDLS_SDK_STORE"


@dataclass(frozen=True)
class Location:
    """A resolved store path and where the path came from."""

    path: str
    origin: Origin


@dataclass(frozen=True)
class StoreLocations:
    credentials_file: Location | None
    config_file: Location | None
    sdk_store: Location | None


def _join(platform: Platform, base: str, *parts: str) -> str:
    """Join in the style of ``base``: a Windows platform modelled on a POSIX host
    (``platform = "windows"`` on Linux) keeps the host's ``/`` paths usable."""
    if "/" in base and "\\" not in base:
        return posixpath.join(base, *parts)
    if platform is Platform.WINDOWS or ("\\" in base and "/" not in base):
        return ntpath.join(base, *parts)
    return posixpath.join(base, *parts)


def home_dir(env: Mapping[str, str], platform: Platform) -> str | None:
    """``$HOME``, then ``%USERPROFILE%``, then (Windows) ``%HOMEDRIVE%%HOMEPATH%``.

    file-format.md §1 and the conformance data: HOME wins on every platform.
    USERPROFILE is also consulted off Windows because the .NET SDK does so
    (powershell.md §4.2).
    """
    home = env.get("HOME")
    if home:
        return home
    profile = env.get("USERPROFILE")
    if profile:
        return profile
    if platform is Platform.WINDOWS:
        drive, path = env.get("HOMEDRIVE"), env.get("HOMEPATH")
        if drive and path:
            return drive + path
    return None


def expand_user(path: str, env: Mapping[str, str], platform: Platform) -> str:
    """Expand a leading ``~`` with the home of ``env`` (never the real one)."""
    seps = ("/", "\\") if platform is Platform.WINDOWS else ("/",)
    if path == "~" or (path.startswith("~") and path[1:2] in seps):
        home = home_dir(env, platform)
        if home:
            rest = path[2:]
            return _join(platform, home, rest) if rest else home
    return path


def _override(
    option: str | None, env_name: str, env: Mapping[str, str], platform: Platform, use_env: bool
) -> Location | None:
    if option:
        return Location(expand_user(option, env, platform), "option")
    value = env.get(env_name) if use_env else None
    if value:
        return Location(expand_user(value, env, platform), "env")
    return None


def default_sdk_store(env: Mapping[str, str], platform: Platform) -> str | None:
    """``%LOCALAPPDATA%\\AWSToolkit\\RegisteredAccounts.json`` on Windows, else None.

    Without LOCALAPPDATA the .NET Core builds use ``<home>/AppData/Local``
    (powershell.md §4.1).
    """
    if platform is not Platform.WINDOWS:
        return None
    base = env.get("LOCALAPPDATA")
    if not base:
        home = home_dir(env, platform)
        if not home:
            return None
        base = _join(platform, home, "AppData", "Local")
    return _join(platform, base, "AWSToolkit", "RegisteredAccounts.json")


def resolve_locations(
    stores: StoreSettings, env: Mapping[str, str], platform: Platform
) -> StoreLocations:
    """Paths of the three stores; None where a store has no location at all."""
    user = stores.use_user_stores
    home = home_dir(env, platform) if user else None

    credentials = _override(stores.credentials_file, ENV_CREDENTIALS, env, platform, user)
    if credentials is None and home:
        credentials = Location(_join(platform, home, ".aws", "credentials"), "default")

    config = _override(stores.config_file, ENV_CONFIG, env, platform, user)
    if config is None and home:
        config = Location(_join(platform, home, ".aws", "config"), "default")

    sdk = _override(stores.sdk_store, ENV_SDK_STORE, env, platform, user)
    if sdk is None and user:
        default = default_sdk_store(env, platform)
        sdk = Location(default, "default") if default else None

    return StoreLocations(credentials, config, sdk)


def sibling_config(credentials_path: str) -> str:
    """The ``config`` file beside a credentials file, as the .NET SDK pairs them."""
    sep = "\\" if "\\" in credentials_path and "/" not in credentials_path else "/"
    if sep == "\\":
        return ntpath.join(ntpath.dirname(credentials_path), "config")
    return posixpath.join(posixpath.dirname(credentials_path), "config")


def sibling_credentials(config_path: str) -> str:
    """The ``credentials`` file beside a config file."""
    if "\\" in config_path and "/" not in config_path:
        return ntpath.join(ntpath.dirname(config_path), "credentials")
    return posixpath.join(posixpath.dirname(config_path), "credentials")
