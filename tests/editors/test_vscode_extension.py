"""Build, type-check, unit-test and package the VS Code extension with the real toolchain."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from editor_tools import VSCODE_DIR, explain, run

# What `vsce ls` may list (anchors §4.5): the bundle, grammars, manifest and docs only.
EXPECTED_PACKAGE_FILES = {
    "package.json",
    "README.md",
    "CHANGELOG.md",
    "LICENSE",
    "language-configuration.json",
    "dist/extension.js",
    "syntaxes/aws-credentials.tmLanguage.json",
    "syntaxes/aws-config.tmLanguage.json",
}


def npm_run(npm: str, script: str, timeout: float = 300) -> str:
    result = run([npm, "run", "--silent", script], VSCODE_DIR, timeout=timeout)
    assert result.returncode == 0, explain(result)
    return result.stdout


def test_typecheck(npm: str, node_modules: Path) -> None:
    npm_run(npm, "typecheck")


def test_node_unit_tests(npm: str, node_modules: Path) -> None:
    out = npm_run(npm, "test")
    # node:test's TAP summary: something ran and nothing failed.
    assert "# fail 0" in out, out[-3000:]
    passed = int(out.split("# pass ")[1].split()[0])
    assert passed >= 40, out[-3000:]


def test_bundle_copies_grammars_and_builds_extension(npm: str, node_modules: Path) -> None:
    npm_run(npm, "bundle")
    bundle = VSCODE_DIR / "dist" / "extension.js"
    assert bundle.stat().st_size > 10_000
    # `vscode` is provided by the host at run time and must stay external.
    assert 'require("vscode")' in bundle.read_text(encoding="utf-8")
    for name in ("aws-credentials.tmLanguage.json", "aws-config.tmLanguage.json"):
        copied = VSCODE_DIR / "syntaxes" / name
        assert copied.read_bytes() == (VSCODE_DIR.parents[1] / "grammars" / name).read_bytes()


@pytest.fixture(scope="module")
def packaged_files(npm: str, node_modules: Path) -> set[str]:
    npm_run(npm, "bundle")
    result = run([npm, "run", "--silent", "ls-package"], VSCODE_DIR, timeout=300)
    assert result.returncode == 0, explain(result)
    return {line.strip() for line in result.stdout.splitlines() if line.strip()}


def test_vsce_ls_lists_only_the_runtime_files(packaged_files: set[str]) -> None:
    assert packaged_files == EXPECTED_PACKAGE_FILES


@pytest.mark.parametrize("excluded", ["src/", "test/", "out/", "node_modules/", "scripts/"])
def test_vsce_ls_excludes(packaged_files: set[str], excluded: str) -> None:
    assert not [f for f in packaged_files if f.startswith(excluded)]


def test_vsce_package(npm: str, node_modules: Path, tmp_path: Path) -> None:
    vsix = tmp_path / "credls.vsix"
    result = run(
        [npm, "run", "--silent", "package", "--", "--out", str(vsix)], VSCODE_DIR, timeout=300
    )
    assert result.returncode == 0, explain(result)
    with zipfile.ZipFile(vsix) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("extension/package.json"))
    # vsce stores the docs as readme.md, changelog.md and LICENSE.txt.
    packed = {n.removeprefix("extension/").lower().removesuffix(".txt") for n in names}
    assert {name.lower() for name in EXPECTED_PACKAGE_FILES} <= packed
    assert not [n for n in names if n.startswith(("extension/src/", "extension/node_modules/"))]
    assert manifest["name"] == "credls"


def test_nvim_lua_is_stylua_formatted(npm: str, node_modules: Path) -> None:
    # StyLua's WebAssembly build, with editors/nvim/.stylua.toml's settings.
    npm_run(npm, "lint:lua")
