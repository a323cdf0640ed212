# ruff: noqa: E501  (table rows: one case per line reads better than wrapped dicts)
"""Per-consumer readings (file-format.md §9 table) and merging (§8)."""

from __future__ import annotations

import pytest

from credls.ini.parser import parse
from credls.ini.semantics import interpret, merge

ALL = ("powershell", "botocore", "sdk", "go")


def _profiles(text: str, kind: str, consumer: str) -> dict[str, dict[str, str]] | str:
    view = interpret(parse(text), kind, consumer)  # type: ignore[arg-type]
    if view.rejected is not None:
        return "REJECTED"
    return {n: p.values() for n, p in view.profiles.items()}


R = "REJECTED"
# id, file kind, text, {consumer: expected profiles or "REJECTED"}
TABLE = [
    ("D1-inline-comment", "config", "[default]\nregion = a # c\n",
     {"powershell": {"default": {"region": "a # c"}}, "botocore": {"default": {"region": "a # c"}},
      "sdk": {"default": {"region": "a"}}, "go": {"default": {"region": "a"}}}),
    ("D2-header-comment", "config", "[default] # c\nregion = a\n",
     {"powershell": R, "botocore": {"default": {"region": "a"}}, "sdk": {"default": {"region": "a"}},
      "go": {"default": {"region": "a"}}}),
    ("D5-duplicate-section", "credentials", "[a]\nx = 1\n[a]\ny = 2\n",
     {"powershell": {"a": {"x": "1"}}, "botocore": R, "sdk": {"a": {"x": "1", "y": "2"}},
      "go": {"a": {"x": "1", "y": "2"}}}),
    ("D6-duplicate-key", "credentials", "[a]\nx = 1\nX = 2\n[b]\n",
     {"powershell": {"b": {}}, "botocore": R, "sdk": {"a": {"x": "2"}, "b": {}},
      "go": {"a": {"x": "2"}, "b": {}}}),
    ("D7-default-conflict", "config", "[profile default]\nx = 1\n[default]\ny = 2\n",
     {"powershell": {"default": {"y": "2"}}, "botocore": {"default": {"y": "2"}},
      "sdk": {"default": {"x": "1"}}, "go": {"default": {"x": "1"}}}),
    ("D8-profile-in-credentials", "credentials", "[profile a]\nx = 1\n",
     {"powershell": {"a": {"x": "1"}}, "botocore": {"profile a": {"x": "1"}}, "sdk": {}, "go": {}}),
    ("D13-colon", "credentials", "[a]\nx: 1\n",
     {"powershell": R, "botocore": {"a": {"x": "1"}}, "sdk": R, "go": {"a": {"x": "1"}}}),
    ("D14-junk", "credentials", "[a]\nx = 1\njunk\n[b]\n",
     {"powershell": R, "botocore": R, "sdk": R, "go": {"a": {"x": "1"}, "b": {}}}),
    ("D15-subproperties", "config", "[default]\ns3 =\n  a = 1\n  b = 2\n",
     {"powershell": {"default": {"s3": "", "a": "1", "b": "2"}},
      "botocore": {"default": {"s3": "\na = 1\nb = 2"}}, "sdk": {"default": {"s3": "\na = 1\nb = 2"}},
      "go": {"default": {"s3": ""}}}),
    ("D16-indented-header", "credentials", "[a]\nx = v\n  [b]\ny = 2\n",
     {"powershell": {"a": {"x": "v"}, "b": {"y": "2"}}, "botocore": {"a": {"x": "v\n[b]", "y": "2"}},
      "sdk": {"a": {"x": "v\n[b]", "y": "2"}}, "go": {"a": {"x": "v"}, "b": {"y": "2"}}}),
    ("D18-quotes", "credentials", '[a]\nx = "q"\n',
     {"powershell": {"a": {"x": '"q"'}}, "botocore": {"a": {"x": '"q"'}}, "sdk": {"a": {"x": '"q"'}},
      "go": {"a": {"x": "q"}}}),
    ("D19-bom", "credentials", "\ufeff[a]\nx = 1\n",
     {"powershell": {"a": {"x": "1"}}, "botocore": R, "sdk": R, "go": {}}),
    ("D23-header-junk", "credentials", "[a]\nx = 1\n[b]junk\ny = 2\n",
     {"powershell": R, "botocore": {"a": {"x": "1"}, "b": {"y": "2"}}, "sdk": R,
      "go": {"a": {"x": "1", "y": "2"}}}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("consumer", "kind", "text", "expected"),
    [
        pytest.param(c, kind, text, exp[c], id=f"{name}-{c}")
        for name, kind, text, exp in TABLE
        for c in ALL
    ],
)
def test_consumer_table(consumer: str, kind: str, text: str, expected: object) -> None:
    assert _profiles(text, kind, consumer) == expected


def test_provenance_and_merge() -> None:
    config = interpret(parse("[profile a]\nregion = x\noutput = json\n"), "config", "sdk")
    creds = interpret(parse("[a]\n\nregion = y\n"), "credentials", "sdk")
    merged = merge(config, creds, "sdk")
    region = merged.profiles["a"].properties["region"]
    assert region.value == "y" and region.file_kind == "credentials" and region.line == 2
    assert [loc.file_kind for loc in region.locations] == ["config", "credentials"]
    assert region.location.value_range.start.character == 9
    assert merged.profiles["a"].properties["output"].file_kind == "config"
    assert [s.file_kind for s in merged.profiles["a"].sections] == ["config", "credentials"]


def test_go_merge_copies_only_listed_keys() -> None:
    config = interpret(parse("[profile a]\nregion = x\n"), "config", "go")
    creds = interpret(
        parse("[a]\nregion = y\noutput = text\n[b]\noutput = t\n"), "credentials", "go"
    )
    merged = merge(config, creds, "go")
    assert merged.profiles["a"].values() == {"region": "y"}
    assert merged.profiles["b"].values() == {"output": "t"}


def test_rejected_file_contributes_nothing() -> None:
    config = interpret(parse("[profile a]\nregion = x\n"), "config", "botocore")
    creds = interpret(parse("[a]\nk=1\nk=2\n"), "credentials", "botocore")
    merged = merge(config, creds, "botocore")
    assert "credentials" in merged.rejected
    assert merged.profiles["a"].values() == {"region": "x"}


def test_ignored_sections_have_reasons() -> None:
    view = interpret(parse("[foo]\n[profile in valid]\n"), "config", "sdk")
    assert [i.section.line for i in view.ignored] == [0, 1]
    assert all(i.reason for i in view.ignored)


def test_unknown_consumer() -> None:
    with pytest.raises(ValueError, match="unknown consumer"):
        interpret(parse(""), "config", "java")
