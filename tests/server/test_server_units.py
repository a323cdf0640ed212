"""Unit tests for the server's pure parts: sync, conversions, options, redaction."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pytest_lsp import client_capabilities

from credls.server.client import ClientFeatures
from credls.server.configuration import split_init_options
from credls.server.convert import from_lsp_position, path_to_uri, to_lsp_range, uri_to_path
from credls.server.documents import OpenDocument
from credls.server.logs import redact
from credls.text import Encoding, LineIndex, Position, Range

ENCODINGS = [Encoding.UTF8, Encoding.UTF16, Encoding.UTF32]


def _units(text: str, enc: Encoding) -> int:
    if enc is Encoding.UTF8:
        return len(text.encode("utf-8"))
    if enc is Encoding.UTF16:
        return len(text.encode("utf-16-le")) // 2
    return len(text)


# --- incremental sync ------------------------------------------------------------------

_chars = st.sampled_from([*"ab =[]#\n", "é", "😀", "\r\n", "中"])
_texts = st.lists(_chars, max_size=40).map("".join)


@settings(max_examples=200, deadline=None)
@given(
    text=_texts,
    edits=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60), _texts), max_size=4),
    enc=st.sampled_from(ENCODINGS),
)
def test_incremental_edits_match_direct_splicing(
    text: str, edits: list[tuple[int, int, str]], enc: Encoding
) -> None:
    """Edits given in client units land where the same edit in code points lands."""
    doc = OpenDocument("file:///t/credentials", "ini", 1, text)
    expected = text
    version = 1
    for a, b, new in edits:
        lo, hi = sorted((min(a, len(expected)), min(b, len(expected))))
        index = LineIndex(expected)
        start, end = index.position(lo), index.position(hi)
        # A position inside a CRLF pair is not a character boundary clients send.
        lo, hi = index.offset(start), index.offset(end)
        start, end = index.position(lo), index.position(hi)

        def client_pos(p: Position, idx: LineIndex = index) -> types.Position:
            line = idx.line_text(p.line)
            return types.Position(line=p.line, character=_units(line[: p.character], enc))

        version += 1
        doc.apply_changes(
            version,
            [
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=client_pos(start), end=client_pos(end)), text=new
                )
            ],
            enc,
        )
        expected = expected[:lo] + new + expected[hi:]
        assert doc.text == expected
    assert doc.version == version


def test_powershell_tree_follows_queued_edits() -> None:
    doc = OpenDocument("file:///t/a.ps1", "powershell", 1, "function A { }\n")
    assert [n.type for n in doc.powershell().index().functions] == ["function_statement"]
    end = types.Position(line=1, character=0)
    doc.apply_changes(
        2,
        [
            types.TextDocumentContentChangePartial(
                range=types.Range(start=end, end=end), text="function B { }\n"
            )
        ],
        Encoding.UTF16,
    )
    ps = doc.powershell()
    assert ps.text == doc.text
    assert len(ps.index().functions) == 2


# --- conversions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("enc", "start", "end"),
    [(Encoding.UTF8, 6, 7), (Encoding.UTF16, 3, 4), (Encoding.UTF32, 2, 3)],
)
def test_ranges_in_each_encoding(enc: Encoding, start: int, end: int) -> None:
    index = LineIndex("x\né😀=x\n")
    rng = to_lsp_range(index, Range.of(1, 2, end=3), enc)
    assert (rng.start.character, rng.end.character) == (start, end)
    assert from_lsp_position(index, rng.start, enc) == Position(1, 2)


@pytest.mark.parametrize(
    "uri", ["untitled:Untitled-1", "http://example.com/x", "not a uri", "file://"]
)
def test_non_file_uris_have_no_path(uri: str) -> None:
    assert uri_to_path(uri) is None


def test_path_uri_round_trip(tmp_path: object) -> None:
    path = str(tmp_path) + "/a b/é#x.ps1"
    assert uri_to_path(path_to_uri(path)) == path


# --- options and capabilities -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "debounce", "settings", "problems"),
    [
        (None, 200, {}, 0),
        ({"debounceMs": 0, "ignore": ["CRED1"]}, 0, {"ignore": ["CRED1"]}, 0),
        ({"credls": {"knownProfiles": ["ci"]}}, 200, {"knownProfiles": ["ci"]}, 0),
        ({"debounceMs": -5}, 200, {}, 1),
        ({"debounceMs": True}, 200, {}, 1),
        (["not", "a", "dict"], 200, {}, 1),
    ],
)
def test_split_init_options(
    raw: object, debounce: int, settings: dict[str, object], problems: int
) -> None:
    options, found, issues = split_init_options(raw)
    assert options.debounce_ms == debounce
    assert found == settings
    assert len(issues) == problems


@pytest.mark.parametrize(
    ("preset", "encoding", "pull"),
    [
        ("visual-studio-code", Encoding.UTF16, False),
        ("neovim@v0.7.0", Encoding.UTF16, False),
        ("neovim@v0.11.0", Encoding.UTF8, False),  # pulls, but cannot be told to re-pull
        ("emacs@v29.1", Encoding.UTF32, False),
    ],
)
def test_client_features(preset: str, encoding: Encoding, pull: bool) -> None:
    features = ClientFeatures.from_capabilities(client_capabilities(preset))
    assert features.encoding is encoding
    assert features.pull_mode is pull


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("key AKIAQ7RWZ3XBNPLKQ2MV here", "key AKIA…Q2MV here"),
        ("s: Zr8fTq2LmW9xVb4NcK7pHs3Dg6Jy1Ue5Ao0IiQwE", "s: ********"),
        ("/tmp/pytest-of-root/pytest-1/e2e0/stores/credentials", None),
        ("short tokens stay", None),
    ],
)
def test_redact(text: str, expected: str | None) -> None:
    assert redact(text) == (expected if expected is not None else text)


@pytest.mark.parametrize(
    ("key", "values"),
    [
        ("output", {"json", "text", "table", "yaml", "yaml-stream"}),
        ("retry_mode", {"legacy", "standard", "adaptive"}),
        ("credential_source", {"Environment", "Ec2InstanceMetadata", "EcsContainer"}),
        ("use_fips_endpoint", {"true", "false"}),
        ("role_arn", set()),
    ],
)
def test_value_choices(key: str, values: set[str]) -> None:
    from credls.ini.keys import lookup
    from credls.server.features.completion import value_choices

    spec = lookup(key)
    assert spec is not None
    assert set(value_choices(spec)) == values


def test_region_choices_are_valid_regions() -> None:
    from credls.ini.keys import lookup, validate
    from credls.server.features.completion import value_choices

    spec = lookup("region")
    assert spec is not None
    for region in value_choices(spec):
        assert validate("region", region) is None


@pytest.mark.parametrize("argv", [["--tcp", "--stdio"], ["--log-level", "loud"], ["--port", "x"]])
def test_serve_usage_errors_exit_2(argv: list[str]) -> None:
    from credls.server.__main__ import serve_main

    with pytest.raises(SystemExit) as exc:
        serve_main(argv)
    assert exc.value.code == 2
