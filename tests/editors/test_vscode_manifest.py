"""Contract between the VS Code manifest, the extension source and the server's settings."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from editor_tools import GRAMMARS_DIR, REPO, VSCODE_DIR

from credls.config import lsp_settings
from credls.diagnostic import Severity
from credls.settings import CONSUMERS, ModuleVersion, Platform

MANIFEST: dict[str, Any] = json.loads((VSCODE_DIR / "package.json").read_text(encoding="utf-8"))
PROPERTIES: dict[str, Any] = MANIFEST["contributes"]["configuration"]["properties"]
CLIENT_ONLY = {"credls.path", "credls.interpreter", "credls.trace.server"}


# interfaces.md "Language server": the configuration-file keys in camelCase, with a valid
# sample value each, in the nested shape the extension sends.
SERVER_SETTINGS: dict[str, Any] = {
    "select": ["CRED1"],
    "ignore": ["CRED305"],
    "severity": {"CRED104": "error"},
    "consumers": ["go"],
    "knownProfiles": ["ci-deploy"],
    "exclude": ["vendor/**"],
    "platform": "windows",
    "powershellVersion": "v5",
    "stores.credentialsFile": "/x/credentials",
    "stores.configFile": "/x/config",
    "stores.sdkStore": "/x/RegisteredAccounts.json",
    "stores.useUserStores": False,
}
SERVER_KEYS = {f"credls.{key}" for key in SERVER_SETTINGS}


def nested(flat: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in flat.items():
        group, _, member = key.partition(".")
        if member:
            out.setdefault(group, {})[member] = value
        else:
            out[key] = value
    return out


def test_manifest_settings_are_the_server_settings() -> None:
    assert set(PROPERTIES) - CLIENT_ONLY == SERVER_KEYS


def test_settings_ts_forwards_exactly_the_server_settings() -> None:
    source = (VSCODE_DIR / "src" / "settings.ts").read_text(encoding="utf-8")
    table = source.split("SERVER_SETTINGS", 1)[1].split("];", 1)[0]
    forwarded = {f"credls.{key}" for key in re.findall(r"key: '([^']+)'", table)}
    assert forwarded == SERVER_KEYS


def test_the_server_accepts_every_forwarded_setting() -> None:
    parsed = lsp_settings(nested(SERVER_SETTINGS))
    assert parsed.problems == []
    s = parsed.settings
    assert (s.select, s.ignore, s.severity) == (["CRED1"], ["CRED305"], {"CRED104": "error"})
    assert (s.consumers, s.known_profiles, s.exclude) == (["go"], ["ci-deploy"], ["vendor/**"])
    assert (s.platform, s.powershell_version) == (Platform.WINDOWS, ModuleVersion.V5)
    assert s.stores.credentials_file == "/x/credentials"
    assert s.stores.config_file == "/x/config"
    assert s.stores.sdk_store == "/x/RegisteredAccounts.json"
    assert s.stores.use_user_stores is False


@pytest.mark.parametrize("key", sorted(CLIENT_ONLY))
def test_the_server_rejects_client_only_settings(key: str) -> None:
    # Why the extension answers workspace/configuration itself instead of sending the whole
    # `credls` section: the server reports unknown keys.
    name = key.removeprefix("credls.")
    assert lsp_settings(nested({name: ["x"]})).problems


@pytest.mark.parametrize(
    ("key", "values"),
    [
        ("credls.platform", [p.value for p in Platform]),
        ("credls.powershellVersion", [v.value for v in ModuleVersion]),
    ],
)
def test_enum_settings_match_the_server(key: str, values: list[str]) -> None:
    assert PROPERTIES[key]["enum"] == values


def test_consumers_and_severities_match_the_server() -> None:
    assert PROPERTIES["credls.consumers"]["items"]["enum"] == list(CONSUMERS)
    severity = PROPERTIES["credls.severity"]["additionalProperties"]["enum"]
    assert severity == [s.value for s in Severity]


@pytest.mark.parametrize("key", sorted(SERVER_KEYS))
def test_server_settings_have_no_default_and_resource_scope(key: str) -> None:
    # A manifest default would be indistinguishable from a user choice and would hide the
    # project's .credls.toml; settings differ per folder.
    assert "default" not in PROPERTIES[key]
    assert PROPERTIES[key]["scope"] == "resource"


def test_languages_and_file_patterns() -> None:
    languages = {lang["id"]: lang for lang in MANIFEST["contributes"]["languages"]}
    assert set(languages) == {"aws-credentials", "aws-config"}
    assert languages["aws-credentials"]["filenamePatterns"] == [
        "**/.aws/credentials",
        "*.credentials",
    ]
    assert languages["aws-config"]["filenamePatterns"] == ["**/.aws/config"]
    for lang in languages.values():
        assert (VSCODE_DIR / lang["configuration"]).is_file()


@pytest.mark.parametrize(
    "grammar", MANIFEST["contributes"]["grammars"], ids=lambda g: g["language"]
)
def test_grammar_points_at_a_copy_of_grammars_dir(grammar: dict[str, str]) -> None:
    contributed = {lang["id"] for lang in MANIFEST["contributes"]["languages"]}
    assert grammar["language"] in contributed
    assert grammar["path"].startswith("./syntaxes/")
    source = GRAMMARS_DIR / grammar["path"].removeprefix("./syntaxes/")
    assert json.loads(source.read_text(encoding="utf-8"))["scopeName"] == grammar["scopeName"]


def test_engine_matches_types_and_language_client() -> None:
    engine = MANIFEST["engines"]["vscode"]
    types = MANIFEST["devDependencies"]["@types/vscode"]
    client_major = int(re.sub(r"^\D*", "", MANIFEST["dependencies"]["vscode-languageclient"])[0:2])
    # vsce refuses @types/vscode newer than the engine; the client sets the engine floor.
    assert engine == "^" + types
    assert engine == ("^1.82.0" if client_major == 9 else "^1.91.0")


def test_activation_security_and_commands() -> None:
    assert MANIFEST["main"] == "./dist/extension.js"
    assert "onLanguage:powershell" in MANIFEST["activationEvents"]
    untrusted = MANIFEST["capabilities"]["untrustedWorkspaces"]
    assert untrusted["supported"] == "limited"
    assert set(untrusted["restrictedConfigurations"]) == {"credls.path", "credls.interpreter"}
    assert MANIFEST["capabilities"]["virtualWorkspaces"] is False
    commands = {c["command"] for c in MANIFEST["contributes"]["commands"]}
    assert "credls.restart" in commands
    assert all(key.startswith("credls.") for key in PROPERTIES)


def test_vscodeignore_and_packaging_files() -> None:
    ignored = (VSCODE_DIR / ".vscodeignore").read_text(encoding="utf-8").split()
    for pattern in ("src/**", "test/**", "out/**", "node_modules/**", "**/*.map", "**/*.ts"):
        assert pattern in ignored
    assert (VSCODE_DIR / "LICENSE").read_bytes() == (REPO / "LICENSE").read_bytes()
    assert (VSCODE_DIR / "README.md").is_file()
    assert (VSCODE_DIR / "CHANGELOG.md").is_file()
    assert (VSCODE_DIR / "package-lock.json").is_file()
