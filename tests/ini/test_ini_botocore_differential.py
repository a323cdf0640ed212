"""Differential test: credls' botocore reading vs. real botocore on generated files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import botocore.configloader
import botocore.exceptions
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credls.ini.parser import parse
from credls.ini.semantics import ConsumerProfile, interpret

_names = st.sampled_from(["default", "dev", "a b", "prod", "DEFAULT", "x#y", "Default"])
_prefixes = st.sampled_from(["", "profile ", "profile\t", "profile  ", "profiles ", "sso-session "])
_quoted = st.sampled_from(["", '"', "'"])


@st.composite
def _header(draw: st.DrawFn) -> str:
    q = draw(_quoted)
    inner = f"{draw(_prefixes)}{q}{draw(_names)}{q}"
    pad = draw(st.sampled_from(["", " ", "  "]))
    tail = draw(st.sampled_from(["", " # c", ";c", " junk", "]"]))
    indent = draw(st.sampled_from(["", "", "", "  "]))
    return f"{indent}[{pad}{inner}{pad}]{tail}"


_keys = st.sampled_from(
    ["region", "Region", "output", "s3", "aws_access_key_id", "k", "in valid", "a", "b", "c"]
)
_values = st.sampled_from(
    ["us-west-2", "v ; c", "v # c", "v#c", '"q"', "", "a=b", "x:y", "%(foo)s", "é"]
)


@st.composite
def _property(draw: st.DrawFn) -> str:
    indent = draw(st.sampled_from(["", "", "", " ", "  "]))
    delim = draw(st.sampled_from([" = ", "=", ": ", " =", "= "]))
    return f"{indent}{draw(_keys)}{delim}{draw(_values)}"


_benign = st.sampled_from(
    [
        "",
        "   ",
        "# comment",
        "; comment",
        "  # indented comment",
        "    continued",
        "    sub = 1",
        "\t",
    ]
)
# lines that make botocore reject the file: rare, so that most files are read
_fatal = st.sampled_from(["    bad sub", "  = v", "junk line"])


@st.composite
def _line(draw: st.DrawFn) -> str:
    roll = draw(st.integers(0, 19))
    if roll == 0:
        return draw(_fatal)
    if roll < 5:
        return draw(_header())
    if roll < 14:
        return draw(_property())
    return draw(_benign)


_newline = st.sampled_from(["\n", "\n", "\n", "\r\n", "\r"])


@st.composite
def _ini_text(draw: st.DrawFn) -> str:
    lines = draw(st.lists(_line(), min_size=0, max_size=12))
    if draw(st.integers(0, 9)) > 0:
        lines.insert(0, draw(_header()) if draw(st.booleans()) else "[default]")
    nl = draw(_newline)
    return nl.join(lines) + draw(st.sampled_from(["", nl]))


def _ours(table: dict[str, ConsumerProfile]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, prof in table.items():
        out[name] = {
            k: (p.sub_properties if p.sub_properties is not None else p.value)
            for k, p in prof.properties.items()
        }
    return out


def _check(tmp: Path, text: str, file_kind: str) -> None:
    path = tmp / f"ini-{file_kind}"
    path.write_bytes(text.encode("utf-8"))
    view = interpret(parse(text), file_kind, "botocore")  # type: ignore[arg-type]
    try:
        if file_kind == "config":
            loaded = botocore.configloader.load_config(str(path))
        else:
            loaded = {"profiles": botocore.configloader.raw_config_parse(str(path))}
    except botocore.exceptions.ConfigParseError:
        assert view.rejected is not None, f"botocore rejects, credls does not: {text!r}"
        return
    assert view.rejected is None, f"credls rejects ({view.rejected}), botocore does not: {text!r}"
    assert _ours(view.profiles) == loaded["profiles"], repr(text)
    if file_kind == "config":
        assert _ours(view.sso_sessions) == loaded["sso_sessions"], repr(text)
        assert _ours(view.services) == loaded["services"], repr(text)


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=_ini_text(), file_kind=st.sampled_from(["config", "credentials"]))
def test_botocore_agrees(tmp_path: Path, text: str, file_kind: str) -> None:
    _check(tmp_path, text, file_kind)


def test_botocore_agrees_on_known_tricky_files(tmp_path: Path) -> None:
    for text in [
        "[profile a] # [x]\nk = v\n",
        "[ profile a ]\nk=v\n",
        "[DEFAULT]\nregion = r\n[profile a]\nk = v\n",
        "[default]\nk = v\n# c\n  more\n",
        "[default]\ns3 =\n\n  a = 1\n",
        "[default]\nk = v\n  [bar]\n",
        "[profile default]\na=1\n[default]\nb=2\n",
        "\ufeff[default]\nk=v\n",
    ]:
        _check(tmp_path, text, "config")
        _check(tmp_path, text, "credentials")
