"""Configuration: discovery, validation with file:line errors, CLI precedence, LSP options."""

from __future__ import annotations

import os
import re
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credls.config import (
    CliOverrides,
    ConfigError,
    apply_cli,
    find_config,
    load_settings,
    lsp_settings,
)
from credls.diagnostic import Severity
from credls.rules import registry
from credls.settings import ModuleVersion, Platform, Settings

FULL = """\
# a complete configuration
select = ["CRED1", "CRED2", "CRED3", "CRED4"]
ignore = ["CRED001"]
consumers = ["powershell", "botocore"]
known-profiles = ["ci-deploy"]
exclude = ["vendor/**"]
platform = "windows"
powershell-version = "v5"

[severity]
CRED001 = "warning"
unused-suppression = "info"

[stores]
credentials-file = "aws/credentials"
config-file = "~/cfg"
sdk-store = "/abs/RegisteredAccounts.json"
use-user-stores = false
"""


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every rule family prefix these tests name exists, whatever has landed so far."""
    registry.load_all()
    for code, name in (
        ("CRED101", "duplicate-section"),
        ("CRED201", "unresolved-profile"),
        ("CRED301", "literal-access-key"),
        ("CRED401", "deprecated-cmdlet"),
    ):
        if code not in registry._RULES:
            stub = registry.Rule(code, name, Severity.WARNING, "stub", "stub", "", "")
            monkeypatch.setitem(registry._RULES, code, stub)
            monkeypatch.setitem(registry._BY_NAME, name, stub)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_full_config(tmp_path: Path, isolated_home: Path) -> None:
    cfg = write(tmp_path / ".credls.toml", FULL)
    s = load_settings(str(tmp_path))
    assert s.select == ["CRED1", "CRED2", "CRED3", "CRED4"]
    assert s.ignore == ["CRED001"]
    assert s.consumers == ["powershell", "botocore"]
    assert s.known_profiles == ["ci-deploy"]
    assert s.exclude == ["vendor/**"]
    assert s.platform is Platform.WINDOWS
    assert s.powershell_version is ModuleVersion.V5
    assert s.severity == {"CRED001": "warning", "unused-suppression": "info"}
    assert s.stores.credentials_file == str(tmp_path / "aws" / "credentials")
    assert s.stores.config_file == str(isolated_home / "cfg")
    assert s.stores.sdk_store == "/abs/RegisteredAccounts.json"
    assert s.stores.use_user_stores is False
    assert s.config_path == str(cfg)
    assert s.project_root == str(tmp_path)


def test_defaults_without_config(tmp_path: Path) -> None:
    assert load_settings(str(tmp_path)) == Settings()


def test_discovery_walks_up_and_prefers_credls_toml(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    write(tmp_path / "pyproject.toml", '[tool.credls]\nknown-profiles = ["root"]\n')
    assert find_config(str(deep)) == str(tmp_path / "pyproject.toml")
    # A pyproject without [tool.credls] is not a credls configuration.
    write(tmp_path / "a" / "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config(str(deep / "file.ps1")) == str(tmp_path / "pyproject.toml")
    write(tmp_path / "a" / ".credls.toml", 'known-profiles = ["a"]\n')
    write(tmp_path / "a" / "pyproject.toml", '[tool.credls]\nknown-profiles = ["py"]\n')
    assert find_config(str(deep)) == str(tmp_path / "a" / ".credls.toml")
    assert load_settings(str(deep)).known_profiles == ["a"]


def test_pyproject_table(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.credls]\nplatform = "linux"\n'
        "[tool.credls.stores]\nuse-user-stores = false\n",
    )
    s = load_settings(str(tmp_path))
    assert s.platform is Platform.LINUX and s.stores.use_user_stores is False


def test_explicit_config_missing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_settings(str(tmp_path), str(tmp_path / "nope.toml"))


def test_explicit_config_beats_discovery(tmp_path: Path) -> None:
    write(tmp_path / ".credls.toml", 'platform = "linux"\n')
    other = write(tmp_path / "other.toml", 'platform = "macos"\n')
    assert load_settings(str(tmp_path), str(other)).platform is Platform.MACOS


# (id, file name, text, expected line, expected message fragment)
ERRORS = [
    (
        "unknown-top",
        ".credls.toml",
        'platform = "linux"\nselct = ["CRED1"]\n',
        2,
        "unknown key 'selct'",
    ),
    (
        "did-you-mean",
        ".credls.toml",
        'known_profiles = ["x"]\n',
        1,
        "did you mean 'known-profiles'",
    ),
    (
        "unknown-store-key",
        ".credls.toml",
        '[stores]\ncredentials-file = "x"\n\ncredentials = "y"\n',
        4,
        "unknown key 'credentials' in [stores]",
    ),
    (
        "dotted-store-key",
        ".credls.toml",
        'platform = "linux"\nstores.bogus = 1\n',
        2,
        "unknown key 'bogus'",
    ),
    (
        "inline-table",
        ".credls.toml",
        '\nstores = { sdk-stor = "x" }\n',
        2,
        "unknown key 'sdk-stor'",
    ),
    (
        "unknown-table",
        ".credls.toml",
        'platform = "linux"\n\n[rules]\nx = 1\n',
        3,
        "unknown key 'rules'",
    ),
    (
        "pyproject-unknown",
        "pyproject.toml",
        '[project]\nname = "x"\nfoo = 1\n\n[tool.credls]\nplatform = "linux"\nfoo = 1\n',
        7,
        "unknown key 'foo' in [tool.credls]",
    ),
    (
        "pyproject-store",
        "pyproject.toml",
        "[tool.credls]\n[tool.credls.stores]\nuse-user-store = true\n",
        3,
        "did you mean 'use-user-stores'",
    ),
    ("select-string", ".credls.toml", 'select = "CRED1"\n', 1, "must be an array of strings"),
    ("select-unknown-rule", ".credls.toml", '\nselect = ["CRED9"]\n', 2, "'CRED9' matches no rule"),
    ("ignore-int", ".credls.toml", "ignore = [1]\n", 1, "ignore must be an array of strings"),
    ("platform", ".credls.toml", 'platform = "beos"\n', 1, "windows, linux, macos"),
    ("ps-version", ".credls.toml", 'powershell-version = "v9"\n', 1, '"v4" or "v5"'),
    ("consumer", ".credls.toml", 'consumers = ["boto"]\n', 1, "unknown consumer 'boto'"),
    ("use-user-stores", ".credls.toml", '[stores]\nuse-user-stores = "yes"\n', 2, "true or false"),
    ("store-path-type", ".credls.toml", "[stores]\nsdk-store = 3\n", 2, "must be a path string"),
    ("severity-level", ".credls.toml", '[severity]\n\nCRED001 = "fatal"\n', 3, "not 'fatal'"),
    (
        "severity-rule",
        ".credls.toml",
        '[severity]\nCRED999 = "error"\n',
        2,
        "'CRED999' matches no rule",
    ),
    ("severity-not-table", ".credls.toml", 'severity = "error"\n', 1, "must be a table"),
    ("stores-not-table", ".credls.toml", 'stores = "x"\n', 1, "stores must be a table"),
    ("toml-syntax", ".credls.toml", 'platform = "linux"\nselect = [\n', 3, "invalid TOML"),
    (
        "toml-duplicate",
        ".credls.toml",
        'platform = "linux"\nplatform = "macos"\n',
        2,
        "invalid TOML",
    ),
]


@pytest.mark.parametrize(
    ("name", "text", "line", "fragment"), [pytest.param(*e[1:], id=e[0]) for e in ERRORS]
)
def test_errors_name_file_and_line(
    tmp_path: Path, name: str, text: str, line: int, fragment: str
) -> None:
    path = write(tmp_path / name, text)
    with pytest.raises(ConfigError) as info:
        load_settings(str(tmp_path))
    message = str(info.value)
    assert message.startswith(f"{path}:{line}:"), message
    assert fragment in message
    assert "\n" not in message


def test_unreadable_config_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / ".credls.toml").mkdir()  # a folder where the file should be
    with pytest.raises(ConfigError):
        load_settings(str(tmp_path), str(tmp_path / ".credls.toml"))


_KEYS = ["select", "ignore", "platform", "stores", "severity", "known-profiles", "bogus", "x-y"]
_VALUES = ['"linux"', "1", "true", '["CRED1"]', '["nope"]', "{ a = 1 }", '"v4"', "[1, 2]", '"']


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "[stores]", "[severity]", "[tool]"]),
            st.sampled_from(_KEYS) | st.text(string.ascii_letters + "-_", min_size=1, max_size=6),
            st.sampled_from(_VALUES),
        ),
        max_size=6,
    )
)
def test_any_config_loads_or_fails_with_a_located_error(
    tmp_path_factory: pytest.TempPathFactory, entries: list[tuple[str, str, str]]
) -> None:
    root = tmp_path_factory.mktemp("cfg")
    lines = []
    for header, key, value in entries:
        if header:
            lines.append(header)
        lines.append(f"{key} = {value}")
    text = "\n".join(lines) + "\n"
    path = write(root / ".credls.toml", text)
    try:
        load_settings(str(root))
    except ConfigError as exc:
        m = re.match(re.escape(str(path)) + r":(\d+)(?::\d+)?: \S", str(exc))
        assert m, str(exc)
        assert 1 <= int(m.group(1)) <= len(lines) + 1


# --- command line precedence ---------------------------------------------------------


def test_cli_overrides_config(tmp_path: Path) -> None:
    write(tmp_path / ".credls.toml", FULL)
    base = load_settings(str(tmp_path))
    s = apply_cli(
        base,
        CliOverrides(
            select="CRED3, CRED001",
            ignore="",
            platform="linux",
            powershell_version="v4",
            credentials_file="rel/creds",
            no_user_stores=True,
        ),
    )
    assert s.select == ["CRED3", "CRED001"]
    assert s.ignore == []
    assert s.platform is Platform.LINUX and s.powershell_version is ModuleVersion.V4
    assert s.stores.credentials_file == os.path.join(os.getcwd(), "rel", "creds")
    assert s.stores.config_file == base.stores.config_file  # not given: the file's value
    assert s.known_profiles == ["ci-deploy"]
    # Nothing given: the configuration file's values survive untouched.
    assert apply_cli(base, CliOverrides()) == base


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        (CliOverrides(select="CRED9"), "--select: 'CRED9' matches no rule"),
        (CliOverrides(ignore="nonsense-rule"), "--ignore: 'nonsense-rule'"),
        (CliOverrides(platform="amiga"), "--platform must be one of"),
        (CliOverrides(powershell_version="7"), "--powershell-version must be"),
    ],
)
def test_cli_errors(overrides: CliOverrides, fragment: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(fragment)):
        apply_cli(Settings(), overrides)


# --- LSP options -----------------------------------------------------------------------


def test_lsp_camel_case(isolated_home: Path) -> None:
    result = lsp_settings(
        {
            "select": ["CRED3"],
            "ignore": ["CRED001"],
            "severity": {"CRED001": "error"},
            "consumers": ["go"],
            "knownProfiles": ["ci"],
            "exclude": ["x/**"],
            "platform": "macos",
            "powershellVersion": "v5",
            "stores": {"credentialsFile": "~/c", "configFile": "/x/config", "sdkStore": None},
            "useUserStores": False,
        }
    )
    assert result.problems == []
    s = result.settings
    assert s.select == ["CRED3"] and s.ignore == ["CRED001"]
    assert s.severity == {"CRED001": "error"} and s.consumers == ["go"]
    assert s.known_profiles == ["ci"] and s.exclude == ["x/**"]
    assert s.platform is Platform.MACOS and s.powershell_version is ModuleVersion.V5
    assert s.stores.credentials_file == str(isolated_home / "c")
    assert s.stores.config_file == "/x/config"
    assert s.stores.sdk_store is None
    assert s.stores.use_user_stores is False


def test_lsp_dotted_keys_and_bad_values_are_problems_not_errors() -> None:
    base = Settings(known_profiles=["kept"])
    result = lsp_settings(
        {
            "stores.useUserStores": False,
            "platform": "beos",
            "knownProfile": ["typo"],
            "select": ["CRED9"],
        },
        base,
    )
    s = result.settings
    assert s.stores.use_user_stores is False
    assert s.platform == base.platform and s.select == [] and s.known_profiles == ["kept"]
    assert len(result.problems) == 3
    assert any("did you mean 'knownProfiles'" in p for p in result.problems)
    assert base.stores.use_user_stores is True  # the base is not modified


@pytest.mark.parametrize("options", [None, {}, [], "x", 3])
def test_lsp_odd_payloads(options: object) -> None:
    result = lsp_settings(options)  # type: ignore[arg-type]
    assert result.settings == Settings()
