"""Settings for each workspace folder, and the analysis ``Workspace`` built from them.

Precedence (lowest first): defaults, the configuration file found by walking up
from the folder (interfaces.md "Configuration file"), ``initializationOptions``,
then the client's ``workspace/configuration`` section ``credls`` for that folder
(the live editor setting wins over the start-up snapshot). Bad values never stop
the server: they are logged and shown once, and the rest still applies.

Everything that touches the core runs on the worker thread; the event loop only
stores the raw option dictionaries here.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from credls.analysis import Workspace
    from credls.settings import Settings

log = logging.getLogger("credls.server")

SECTION = "credls"
DEFAULT_DEBOUNCE_MS = 200


@dataclass
class ServerOptions:
    """Options of the server itself, not of the analysis (``initializationOptions`` only)."""

    debounce_ms: int = DEFAULT_DEBOUNCE_MS


def split_init_options(raw: object) -> tuple[ServerOptions, dict[str, Any], list[str]]:
    """``initializationOptions`` -> server options, the credls settings part, problems.

    Accepts the settings at the top level or under a ``credls`` key.
    """
    problems: list[str] = []
    options = ServerOptions()
    if raw is None:
        return options, {}, problems
    if not isinstance(raw, Mapping):
        return options, {}, [f"initializationOptions must be an object, not {type(raw).__name__}"]
    settings = dict(raw)
    nested = settings.pop(SECTION, None)
    if isinstance(nested, Mapping):
        settings.update(nested)
    debounce = settings.pop("debounceMs", None)
    if debounce is not None:
        if isinstance(debounce, (int, float)) and not isinstance(debounce, bool) and debounce >= 0:
            options.debounce_ms = int(debounce)
        else:
            problems.append(f"debounceMs must be a number >= 0, not {debounce!r}")
    return options, settings, problems


def settings_section(value: object) -> dict[str, Any]:
    """The ``credls`` part of a ``didChangeConfiguration`` payload (or the payload itself)."""
    if isinstance(value, Mapping):
        inner = value.get(SECTION)
        if isinstance(inner, Mapping):
            return dict(inner)
        return {}
    return {}


@dataclass
class _Entry:
    workspace: Workspace
    config_path: str | None


@dataclass
class SettingsState:
    """Raw option dictionaries and the workspaces built from them (one per folder)."""

    init_settings: dict[str, Any] = field(default_factory=dict)
    client_settings: dict[str, dict[str, Any]] = field(default_factory=dict)  # scope uri -> dict
    folders: list[tuple[str, str]] = field(default_factory=list)  # (uri, path)
    on_error: Callable[[str], None] | None = None
    on_problem: Callable[[str], None] | None = None
    _entries: dict[str, _Entry] = field(default_factory=dict)

    def reset(self) -> None:
        """Forget every built workspace (settings or folders changed)."""
        self._entries.clear()

    def invalidate_stores(self) -> None:
        """Store files changed: keep settings, drop cached store data."""
        for entry in self._entries.values():
            entry.workspace.invalidate()

    # --- worker thread -------------------------------------------------------------

    def folder_of(self, path: str | None) -> tuple[str, str] | None:
        """The innermost workspace folder holding ``path``."""
        if path is None:
            return None
        target = os.path.normcase(os.path.abspath(path))
        best: tuple[str, str] | None = None
        for uri, folder in self.folders:
            root = os.path.normcase(os.path.abspath(folder))
            if (target == root or target.startswith(root.rstrip(os.sep) + os.sep)) and (
                best is None or len(root) > len(os.path.abspath(best[1]))
            ):
                best = (uri, folder)
        return best

    def workspace_for(self, path: str | None) -> Workspace:
        """The analysis workspace a document at ``path`` belongs to."""
        folder = self.folder_of(path)
        root: str | None
        if folder is not None:
            key = "folder:" + folder[1]
            start, scope, root = folder[1], folder[0], folder[1]
        else:
            from credls.config import find_config

            start = os.path.dirname(os.path.abspath(path)) if path else os.getcwd()
            found = find_config(start)
            key = "config:" + (found or "")
            scope = ""
            root = os.path.dirname(found) if found else None
        entry = self._entries.get(key)
        if entry is None:
            entry = self._build(start, scope, root)
            self._entries[key] = entry
        return entry.workspace

    def workspaces(self) -> list[Workspace]:
        return [e.workspace for e in self._entries.values()]

    def config_paths(self) -> list[str]:
        return [e.config_path for e in self._entries.values() if e.config_path]

    def _build(self, start: str, scope: str, root: str | None) -> _Entry:
        from credls.analysis import Workspace
        from credls.config import ConfigError, find_config, load_settings, lsp_settings
        from credls.settings import Settings

        config_path = find_config(start)
        try:
            settings: Settings = load_settings(start)
        except ConfigError as exc:
            self._problem(str(exc))
            settings = Settings()
        for options in (self.init_settings, self._client_settings_for(scope)):
            result = lsp_settings(options, settings)
            for problem in result.problems:
                self._problem(problem)
            settings = result.settings
        workspace = Workspace(settings, root, on_error=self.on_error)
        return _Entry(workspace, config_path)

    def _client_settings_for(self, scope: str) -> dict[str, Any]:
        merged = dict(self.client_settings.get("", {}))
        if scope:
            merged.update(self.client_settings.get(scope, {}))
        return merged

    def _problem(self, text: str) -> None:
        log.warning("settings: %s", text)
        if self.on_problem is not None:
            self.on_problem(text)
