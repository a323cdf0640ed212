"""One ``Settings`` object, from defaults, the configuration file, CLI flags and LSP options.

The shape mirrors ``.credls.toml`` (see the README and ``spec/interfaces.md``).
Loading and validation of files lives in ``credls.config``; this module only
holds the values and their defaults.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from enum import Enum


class Platform(str, Enum):
    WINDOWS = "windows"
    LINUX = "linux"
    MACOS = "macos"

    @classmethod
    def current(cls) -> Platform:
        if sys.platform.startswith("win"):
            return cls.WINDOWS
        if sys.platform == "darwin":
            return cls.MACOS
        return cls.LINUX


class ModuleVersion(str, Enum):
    """Major version of AWS Tools for PowerShell whose search order is modelled."""

    V4 = "v4"
    V5 = "v5"


CONSUMERS = ("powershell", "botocore", "sdk", "go")


@dataclass
class StoreSettings:
    """Store locations; ``None`` means: environment variable, else the default."""

    credentials_file: str | None = None
    config_file: str | None = None
    sdk_store: str | None = None
    use_user_stores: bool = True


@dataclass
class Settings:
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    consumers: list[str] = field(default_factory=lambda: list(CONSUMERS))
    known_profiles: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    platform: Platform = field(default_factory=Platform.current)
    powershell_version: ModuleVersion = ModuleVersion.V4
    stores: StoreSettings = field(default_factory=StoreSettings)
    # The configuration file these settings came from, if any: `exclude`
    # patterns are anchored at its folder (else at the working directory).
    config_path: str | None = None

    @property
    def project_root(self) -> str:
        """Folder that ``exclude`` patterns are relative to."""
        if self.config_path:
            return os.path.dirname(os.path.abspath(self.config_path))
        return os.getcwd()
