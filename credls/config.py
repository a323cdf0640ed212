"""Loading settings: ``.credls.toml`` / ``[tool.credls]``, CLI overrides, LSP options.

Precedence is defaults < configuration file < command line (interfaces.md,
"Configuration file"). Every problem in a file is a ``ConfigError`` whose
message names the file, the line and what is wrong; the CLI prints it as one
line and exits 2. LSP options never raise: bad entries are skipped and listed
as problems for the server to show.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from credls.settings import CONSUMERS, ModuleVersion, Platform, Settings, StoreSettings

CONFIG_NAME = ".credls.toml"
PYPROJECT = "pyproject.toml"


class ConfigError(ValueError):
    """A configuration problem; ``str()`` is one line: ``path:line: what is wrong``."""


@dataclass
class ConfigFile:
    """A parsed configuration file: the credls table and where it sits in the text."""

    path: str
    data: dict[str, Any]
    text: str
    table: tuple[str, ...]  # () for .credls.toml, ("tool", "credls") for pyproject


# --- discovery -----------------------------------------------------------------


def _pyproject_has_table(path: str) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
    except OSError:
        return False
    # Cheap test first; a real parse happens in load_config_file.
    return "tool.credls" in text


def find_config(start: str) -> str | None:
    """The nearest ``.credls.toml`` or ``pyproject.toml`` with ``[tool.credls]``.

    Walks up from ``start`` (a file or folder); in one folder ``.credls.toml``
    wins over ``pyproject.toml``.
    """
    here = os.path.abspath(start)
    if not os.path.isdir(here):
        here = os.path.dirname(here)
    while True:
        candidate = os.path.join(here, CONFIG_NAME)
        if os.path.isfile(candidate):
            return candidate
        candidate = os.path.join(here, PYPROJECT)
        if os.path.isfile(candidate) and _pyproject_has_table(candidate):
            return candidate
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def load_config_file(path: str) -> ConfigFile:
    """Read and parse ``path``; raises ``ConfigError`` on unreadable or invalid TOML."""
    # Imported here: most runs have no configuration file to parse.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc.strerror or exc}") from None
    text = raw.decode("utf-8", "replace")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        # Without a position the error is "at end of document": the last line.
        where = f"{m.group(1)}:{m.group(2)}" if m else str(text.count("\n") + 1)
        msg = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", msg)
        raise ConfigError(f"{path}:{where}: invalid TOML: {msg}") from None
    if os.path.basename(path) == PYPROJECT:
        tool = doc.get("tool")
        credls = tool.get("credls") if isinstance(tool, dict) else None
        if credls is None:
            return ConfigFile(path, {}, text, ("tool", "credls"))
        if not isinstance(credls, dict):
            line = _line_of(text, ("tool",), "credls")
            raise ConfigError(f"{path}:{line}: [tool.credls] must be a table")
        return ConfigFile(path, credls, text, ("tool", "credls"))
    return ConfigFile(path, doc, text, ())


# --- finding the line of a key ------------------------------------------------------

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")


def _split_dotted(name: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in name.split("."))


def _line_of(text: str, table: tuple[str, ...], key: str) -> int:
    """1-based line where ``key`` of ``table`` is written (best effort, never fails).

    Handles plain keys, dotted keys (``stores.sdk-store = …``), inline tables
    and sub-table headers; falls back to the table header, then line 1.
    """
    key_re = re.compile(r"(?:^|[\s.{,])[\"']?" + re.escape(key) + r"[\"']?\s*=")
    header_of_key = (*table, key)
    current: tuple[str, ...] = ()
    first_anywhere = 0
    table_header = 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.split("#", 1)[0] if '"' not in line and "'" not in line else line
        m = _HEADER.match(stripped)
        if m:
            current = _split_dotted(m.group(1))
            if current == table and not table_header:
                table_header = number
            if current[: len(header_of_key)] == header_of_key:
                return number
            continue
        if key_re.search(stripped):
            # The key's own table, or an ancestor that spells the rest dotted/inline.
            if current == table or (len(current) < len(table) and table[: len(current)] == current):
                return number
            if not first_anywhere:
                first_anywhere = number
    return first_anywhere or table_header or 1


# --- validation ---------------------------------------------------------------------


class _Invalid(Exception):
    """A value of the wrong type or out of range; message without location."""


def _type_name(value: object) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _str_list(value: object) -> list[str]:
    if isinstance(value, str):
        raise _Invalid(f"must be an array of strings, e.g. [{value!r}], not a string")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Invalid(f"must be an array of strings, not {_type_name(value)}")
    return list(value)


def _rule_list(value: object) -> list[str]:
    from credls.rules.registry import RuleSelection, SelectionError

    items = _str_list(value)
    try:
        RuleSelection(select=items)
    except SelectionError as exc:
        raise _Invalid(str(exc)) from None
    return items


def _consumers(value: object) -> list[str]:
    items = _str_list(value)
    for item in items:
        if item not in CONSUMERS:
            raise _Invalid(f"unknown consumer {item!r} (expected one of {', '.join(CONSUMERS)})")
    return items


def _platform(value: object) -> Platform:
    if isinstance(value, str):
        try:
            return Platform(value.strip().lower())
        except ValueError:
            pass
    raise _Invalid(f"must be one of windows, linux, macos, not {value!r}")


def _ps_version(value: object) -> ModuleVersion:
    text = str(value).strip().lower() if isinstance(value, (str, int)) else ""
    if text and not text.startswith("v"):
        text = "v" + text
    try:
        return ModuleVersion(text)
    except ValueError:
        raise _Invalid(f'must be "v4" or "v5", not {value!r}') from None


def _severity_table(value: object) -> dict[str, str]:
    from credls.rules.registry import RuleSelection, SelectionError

    if not isinstance(value, dict):
        raise _Invalid(f"must be a table of rule = severity, not {_type_name(value)}")
    out: dict[str, str] = {}
    for token, level in value.items():
        if not isinstance(level, str):
            raise _Invalid(f"severity of {token!r} must be a string", token)
        try:
            RuleSelection(severity={token: level})
        except SelectionError as exc:
            raise _Invalid(str(exc), token) from None
        out[token] = level
    return out


def _path(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(f"must be a path string, not {_type_name(value)}")
    return value


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(f"must be true or false, not {_type_name(value)}")
    return value


@dataclass(frozen=True)
class _Field:
    toml: str  # kebab-case name in .credls.toml
    camel: str  # camelCase name in LSP settings
    attr: str
    convert: Callable[[object], Any]


_TOP = (
    _Field("select", "select", "select", _rule_list),
    _Field("ignore", "ignore", "ignore", _rule_list),
    _Field("consumers", "consumers", "consumers", _consumers),
    _Field("known-profiles", "knownProfiles", "known_profiles", _str_list),
    _Field("exclude", "exclude", "exclude", _str_list),
    _Field("platform", "platform", "platform", _platform),
    _Field("powershell-version", "powershellVersion", "powershell_version", _ps_version),
    _Field("severity", "severity", "severity", _severity_table),
)
_STORES = (
    _Field("credentials-file", "credentialsFile", "credentials_file", _path),
    _Field("config-file", "configFile", "config_file", _path),
    _Field("sdk-store", "sdkStore", "sdk_store", _path),
    _Field("use-user-stores", "useUserStores", "use_user_stores", _bool),
)
_STORE_PATH_ATTRS = ("credentials_file", "config_file", "sdk_store")


def _unknown(key: str, known: Sequence[str], where: str) -> str:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown key {key!r}{where}{hint}"


def expand_path(value: str, base: str) -> str:
    """``~`` expanded, relative paths anchored at ``base``, normalised."""
    expanded = os.path.expanduser(value.strip())
    return os.path.normpath(os.path.join(base, expanded))


def apply_config(settings: Settings, cfg: ConfigFile) -> Settings:
    """A copy of ``settings`` with the file's values applied; ``ConfigError`` on any problem."""
    base = os.path.dirname(os.path.abspath(cfg.path))
    table_name = ".".join(cfg.table)
    prefix = f" in [{table_name}]" if table_name else ""

    def fail(table: tuple[str, ...], key: str, message: str) -> ConfigError:
        line = _line_of(cfg.text, (*cfg.table, *table), key)
        return ConfigError(f"{cfg.path}:{line}: {message}")

    values: dict[str, Any] = {}
    fields = {f.toml: f for f in _TOP}
    for key, raw in cfg.data.items():
        if key == "stores":
            continue
        f = fields.get(key)
        if f is None:
            raise fail((), key, _unknown(key, [*fields, "stores"], prefix))
        try:
            values[f.attr] = f.convert(raw)
        except _Invalid as exc:
            subkey = exc.args[1] if len(exc.args) > 1 else None
            if subkey is not None:
                raise fail((key,), subkey, f"{key}: {exc.args[0]}") from None
            raise fail((), key, f"{key} {exc.args[0]}") from None

    stores = replace(settings.stores)
    raw_stores = cfg.data.get("stores")
    if raw_stores is not None:
        if not isinstance(raw_stores, dict):
            raise fail((), "stores", f"stores must be a table, not {_type_name(raw_stores)}")
        store_fields = {f.toml: f for f in _STORES}
        for key, raw in raw_stores.items():
            f = store_fields.get(key)
            if f is None:
                sub = f" in [{table_name + '.' if table_name else ''}stores]"
                raise fail(("stores",), key, _unknown(key, list(store_fields), sub))
            try:
                value = f.convert(raw)
            except _Invalid as exc:
                raise fail(("stores",), key, f"stores.{key} {exc.args[0]}") from None
            if f.attr in _STORE_PATH_ATTRS:
                value = expand_path(value, base)
            setattr(stores, f.attr, value)
    return replace(settings, **values, stores=stores, config_path=cfg.path)


def load_settings(start: str | None = None, config_path: str | None = None) -> Settings:
    """Defaults plus the configuration file (explicit, else found from ``start``)."""
    settings = Settings()
    path = config_path
    if path is None:
        path = find_config(start or os.getcwd())
    if path is None:
        return settings
    if config_path is not None and not os.path.exists(config_path):
        raise ConfigError(f"{config_path}: configuration file not found")
    return apply_config(settings, load_config_file(path))


# --- command-line overrides ---------------------------------------------------------


def split_codes(text: str) -> list[str]:
    """``"CRED1, cred301"`` -> ``["CRED1", "cred301"]``."""
    return [part.strip() for part in text.split(",") if part.strip()]


@dataclass
class CliOverrides:
    """Values given on the command line; ``None`` means not given."""

    select: str | None = None
    ignore: str | None = None
    credentials_file: str | None = None
    config_file: str | None = None
    sdk_store: str | None = None
    no_user_stores: bool = False
    platform: str | None = None
    powershell_version: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def apply_cli(settings: Settings, cli: CliOverrides) -> Settings:
    """Command-line flags over ``settings``; ``ConfigError`` names the bad flag."""
    values: dict[str, Any] = {}
    for flag, text, attr in (
        ("--select", cli.select, "select"),
        ("--ignore", cli.ignore, "ignore"),
    ):
        if text is None:
            continue
        try:
            values[attr] = _rule_list(split_codes(text))
        except _Invalid as exc:
            raise ConfigError(f"{flag}: {exc.args[0]}") from None
    for flag, text, attr, convert in (
        ("--platform", cli.platform, "platform", _platform),
        ("--powershell-version", cli.powershell_version, "powershell_version", _ps_version),
    ):
        if text is None:
            continue
        try:
            values[attr] = convert(text)
        except _Invalid as exc:
            raise ConfigError(f"{flag} {exc.args[0]}") from None
    stores = replace(settings.stores)
    cwd = os.getcwd()
    for attr in _STORE_PATH_ATTRS:
        given = getattr(cli, attr)
        if given is not None:
            setattr(stores, attr, expand_path(given, cwd))
    if cli.no_user_stores:
        stores.use_user_stores = False
    return replace(settings, **values, stores=stores)


# --- LSP options ------------------------------------------------------------------


@dataclass
class LspSettings:
    settings: Settings
    problems: list[str]


def lsp_settings(options: Mapping[str, Any] | None, base: Settings | None = None) -> LspSettings:
    """LSP ``initializationOptions`` / ``workspace/configuration`` (camelCase) to Settings.

    Accepts nested ``stores: {credentialsFile: …}`` and dotted ``"stores.credentialsFile"``
    keys, and ``useUserStores`` at the top level. Bad values are skipped, not fatal.
    """
    settings = replace(base) if base is not None else Settings()
    settings.stores = replace(settings.stores)
    problems: list[str] = []
    if not options:
        return LspSettings(settings, problems)
    if not isinstance(options, Mapping):
        problems.append(f"credls settings must be an object, not {_type_name(options)}")
        return LspSettings(settings, problems)

    flat: dict[str, Any] = {}
    for key, value in options.items():
        if key == "stores" and isinstance(value, Mapping):
            for sub, subvalue in value.items():
                flat[f"stores.{sub}"] = subvalue
        elif key == "useUserStores":
            flat["stores.useUserStores"] = value
        else:
            flat[key] = value

    top = {f.camel: f for f in _TOP}
    stores = {f"stores.{f.camel}": f for f in _STORES}
    for key, value in flat.items():
        if value is None:
            continue  # VS Code sends null for settings left unset
        f = top.get(key) or stores.get(key)
        if f is None:
            problems.append(_unknown(key, [*top, *stores], " in credls settings"))
            continue
        try:
            converted = f.convert(value)
        except _Invalid as exc:
            problems.append(f"{key} {exc.args[0]}")
            continue
        if key.startswith("stores."):
            if f.attr in _STORE_PATH_ATTRS:
                if not converted.strip():
                    continue
                converted = os.path.normpath(os.path.expanduser(converted))
            setattr(settings.stores, f.attr, converted)
        else:
            setattr(settings, f.attr, converted)
    return LspSettings(settings, problems)


def from_lsp(options: Mapping[str, Any] | None, base: Settings | None = None) -> Settings:
    """Like ``lsp_settings`` but only the settings (problems are dropped)."""
    return lsp_settings(options, base).settings


__all__ = [
    "CONFIG_NAME",
    "CliOverrides",
    "ConfigError",
    "ConfigFile",
    "LspSettings",
    "StoreSettings",
    "apply_cli",
    "apply_config",
    "expand_path",
    "find_config",
    "from_lsp",
    "load_config_file",
    "load_settings",
    "lsp_settings",
    "split_codes",
]
