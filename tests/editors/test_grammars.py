"""TextMate grammar tests: vscode-tmgrammar-test over grammars/tests, one test per file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from editor_tools import GRAMMARS_DIR, ORIGINAL_ENV, explain, run

from credls.ini.keys import KNOWN_KEYS

GRAMMAR_FILES = ("aws-credentials.tmLanguage.json", "aws-config.tmLanguage.json")
CASES = sorted((GRAMMARS_DIR / "tests").glob("*.test.*"))


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node", path=ORIGINAL_ENV.get("PATH"))
    if found is None:
        pytest.skip("node is not installed (needs Node.js 20+)")
    return found


@pytest.fixture(scope="module")
def tmgrammar_test(node_modules: Path) -> Path:
    tool = node_modules / "vscode-tmgrammar-test" / "dist" / "unit.js"
    if not tool.is_file():
        pytest.skip("vscode-tmgrammar-test is missing from editors/vscode/node_modules")
    return tool


def grammar_run(node: str, tool: Path, *cases: Path) -> tuple[int, str]:
    # Run from grammars/: the tool also loads grammars from a package.json in its cwd.
    args = [node, str(tool), "--compact"]
    for name in GRAMMAR_FILES:
        args += ["-g", name]
    result = run(args + [str(c) for c in cases], GRAMMARS_DIR, timeout=120)
    return result.returncode, explain(result)


def test_cases_exist() -> None:
    assert len(CASES) >= 4


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_grammar_case(node: str, tmgrammar_test: Path, case: Path) -> None:
    code, output = grammar_run(node, tmgrammar_test, case)
    assert code == 0, output


def test_a_wrong_assertion_fails(node: str, tmgrammar_test: Path, tmp_path: Path) -> None:
    """The runner is not vacuous: a known key asserted as unknown must fail."""
    case = tmp_path / "wrong.test.credentials"
    case.write_text(
        '# SYNTAX TEST "source.aws-credentials" "must fail"\n'
        "[default]\n"
        "region = us-east-1\n"
        "# <------ variable.other.property.unknown.aws-credentials\n",
        encoding="utf-8",
    )
    code, output = grammar_run(node, tmgrammar_test, case)
    assert code != 0, output
    assert "keyword.other.definition.aws-credentials" in output


def test_generated_grammars_are_up_to_date(node: str) -> None:
    result = run([node, "generate.mjs", "--check"], GRAMMARS_DIR, timeout=60)
    assert result.returncode == 0, explain(result)


@pytest.mark.parametrize("name", GRAMMAR_FILES)
def test_grammar_scope_name(name: str) -> None:
    grammar = json.loads((GRAMMARS_DIR / name).read_text(encoding="utf-8"))
    assert grammar["scopeName"] == "source." + name.removesuffix(".tmLanguage.json")
    # Every scope name in the grammar ends with the language, so themes can target it.
    suffix = "." + name.removesuffix(".tmLanguage.json")
    names: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("name", "contentName") and isinstance(value, str):
                    names.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(grammar["repository"])
    walk(grammar["patterns"])
    assert names
    assert [n for n in names if not n.endswith(suffix)] == []


def grammar_alternation(name: str, rule: str) -> set[str]:
    """The words of the first `(a|b|…)` group in a rule's begin/match regex."""
    grammar = json.loads((GRAMMARS_DIR / name).read_text(encoding="utf-8"))
    body = grammar["repository"][rule]
    regex = body.get("begin") or body["match"]
    words = regex.split("(?:(", 1)[1].split(")", 1)[0]
    return set(words.split("|"))


@pytest.mark.parametrize("name", GRAMMAR_FILES)
def test_known_keys_are_the_servers(name: str) -> None:
    # Highlighted as known <=> not reported by CRED109 (unknown-key).
    assert grammar_alternation(name, "property") == set(KNOWN_KEYS)
    assert grammar_alternation(name, "sub-property-block") == set(KNOWN_KEYS)


@pytest.mark.parametrize("name", GRAMMAR_FILES)
def test_known_sub_keys_cover_the_servers(name: str) -> None:
    server = {sub for spec in KNOWN_KEYS.values() for sub in spec.sub_keys}
    assert server <= grammar_alternation(name, "sub-property")
