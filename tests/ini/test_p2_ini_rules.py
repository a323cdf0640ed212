# ruff: noqa: E501  (table rows: one case per line reads better than wrapped tuples)
"""CRED111 quoted-value and CRED112 continuation-line, through the real analysis.

Every case writes a real file into a temp dir and runs ``Workspace.analyze_file``
(what ``credls check`` does). Expected findings are (code, line, start column,
end line, end column); a case also names codes that must stay silent.
"""

from __future__ import annotations

import string
from pathlib import Path

import botocore.configloader
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credls.analysis import Workspace
from credls.diagnostic import Diagnostic, Severity
from credls.fix import apply_fixes
from credls.ini.parser import parse
from credls.ini.semantics import interpret
from credls.settings import Settings, StoreSettings
from credls.text import LineIndex

CREDS, CONF = "credentials", "config"
P2 = ("CRED111", "CRED112")
# A fake 40-character secret and a fake session token (never real credentials).
SECRET = "Zq8Rk2Vn6Tb0Yw4Ls9Hd3Jf7Gm1Pc5Xa2Ne8Ui4K"
TOKEN = "FwoGZXIvYXdzEJr9Kq3Lm8Np2Rt6Vx0Bz4Dg7Hj1Wc5Yf9Ke3Uq8So2Ta6Mb0=="

Found = tuple[str, int, int, int, int]


def _analyze(
    tmp_path: Path, name: str, text: str, consumers: list[str] | None = None
) -> list[Diagnostic]:
    path = tmp_path / ".aws" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    base = Settings(stores=StoreSettings(use_user_stores=False))
    if consumers is not None:
        base.consumers = consumers
    found = Workspace(base, str(tmp_path)).analyze_file(str(path), path.read_bytes())
    assert found is not None
    return found


def _found(diags: list[Diagnostic], codes: tuple[str, ...] = P2) -> set[Found]:
    return {
        (
            d.code,
            d.range.start.line,
            d.range.start.character,
            d.range.end.line,
            d.range.end.character,
        )
        for d in diags
        if d.code in codes
    }


QUOTED_CASES = [
    # (id, file, text, expected CRED111 findings)
    ("double", CONF, '[default]\nregion = "us-west-2"\n', {("CRED111", 1, 9, 1, 20)}),
    ("single", CONF, "[default]\noutput = 'json'\n", {("CRED111", 1, 9, 1, 15)}),
    ("creds-file", CREDS, '[dev]\nregion = "eu-west-1"\n', {("CRED111", 1, 9, 1, 20)}),
    ("comment-outside", CONF, '[default]\nregion = "us-west-2" # prod\n', {("CRED111", 1, 9, 1, 20)}),
    ("tab-and-spaces", CONF, '[default]\nregion\t=\t  "us-west-2"  \n', {("CRED111", 1, 11, 1, 22)}),
    ("secret-key", CREDS, f'[a]\naws_secret_access_key = "{SECRET}"\n', {("CRED111", 1, 24, 1, 66)}),
    ("sub-property", CONF, '[default]\ns3 =\n  addressing_style = "path"\n', {("CRED111", 2, 21, 2, 27)}),
    ("services-section", CONF, "[services s]\nendpoint_url = 'http://x'\n", {("CRED111", 1, 15, 1, 25)}),
    ("one-char-inside", CONF, '[default]\nk = "a"\n', {("CRED111", 1, 4, 1, 7)}),
    ("unicode-before", CONF, '[profile 😀]\nregion = "é"\n', {("CRED111", 1, 9, 1, 12)}),
    ("crlf", CONF, '[default]\r\nregion = "us-west-2"\r\n', {("CRED111", 1, 9, 1, 20)}),
    # silent: Go keeps these exactly as the other tools do
    ("empty-quotes", CONF, '[default]\nregion = ""\n', set()),
    ("one-end-only", CONF, '[default]\nregion = "us-west-2\n', set()),
    ("mismatched", CONF, "[default]\nregion = \"us-west-2'\n", set()),
    ("inner-quotes", CONF, '[default]\ncredential_process = "C:\\my tool\\x.exe" --profile a\n', set()),
    ("quotes-mid-value", CONF, '[default]\nk = a "b" c\n', set()),
    ("lone-quote", CONF, '[default]\nk = "\n', set()),
    ("no-space-comment-kept", CONF, '[default]\nk = "a"#c\n', set()),
    ("indented-key-is-cred103", CREDS, '[a]\n  region = "x"\n', set()),
    ("quoted-header-is-cred107", CONF, '[profile "a"]\nregion = us-east-1\n', set()),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "text", "expected"), [c[1:] for c in QUOTED_CASES], ids=[c[0] for c in QUOTED_CASES]
)
def test_quoted_value(tmp_path: Path, name: str, text: str, expected: set[Found]) -> None:
    diags = _analyze(tmp_path, name, text)
    assert _found(diags, ("CRED111",)) == expected
    for d in diags:
        if d.code == "CRED111":
            assert d.severity is Severity.INFORMATION
            assert (
                "Go SDK strips them" in d.message and "keep them as part of the value" in d.message
            )


def test_quoted_secret_never_reaches_message_or_fix(tmp_path: Path) -> None:
    text = f"[a]\naws_secret_access_key = '{SECRET}'\naws_session_token = \"{TOKEN}\"\n"
    diags = [d for d in _analyze(tmp_path, CREDS, text) if d.code == "CRED111"]
    assert len(diags) == 2
    for d in diags:
        assert SECRET not in d.message and TOKEN not in d.message
        assert SECRET[:8] not in d.message and TOKEN[:8] not in d.message
        assert d.fix is not None
        assert all(e.new_text == "" for e in d.fix.edits)
    assert "'aws_secret_access_key'" in diags[0].message


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ('[default]\nregion = "us-west-2" # prod\n', "[default]\nregion = us-west-2 # prod\n"),
        ("[default]\nregion = 'é'\r\n", "[default]\nregion = é\r\n"),
        (
            '[default]\ns3 =\n  addressing_style = "path"\n',
            "[default]\ns3 =\n  addressing_style = path\n",
        ),
    ],
    ids=["comment", "crlf-unicode", "sub-property"],
)
def test_quick_fix_removes_the_quotes(tmp_path: Path, text: str, fixed: str) -> None:
    diags = [d for d in _analyze(tmp_path, CONF, text) if d.code == "CRED111"]
    (d,) = diags
    assert d.fix is not None and not d.fix.unattended  # changes the value for all but Go
    # `check --fix` leaves it to a person; an editor applies it as a quick fix.
    assert apply_fixes(text, diags, d.path) == (text, [])
    index = LineIndex(text)
    new_text = text
    for e in sorted(d.fix.edits, key=lambda e: index.offset(e.range.start), reverse=True):
        start, end = index.offset(e.range.start), index.offset(e.range.end)
        new_text = new_text[:start] + e.new_text + new_text[end:]
    assert new_text == fixed
    again = _analyze(tmp_path, CONF, new_text)
    assert _found(again, ("CRED111",)) == set()


@pytest.mark.parametrize(
    ("consumers", "fires", "mentions"),
    [
        (["go"], False, ()),  # Go alone reads the value without quotes, as meant
        (["botocore"], True, ("botocore (AWS CLI v1, boto3) keeps them",)),
        (["sdk", "powershell"], True, ("PowerShell/.NET and the Rust/Java SDKs keep them",)),
        (["go", "powershell"], True, ("PowerShell/.NET keeps them", "the Go SDK strips them")),
    ],
    ids=["go-only", "botocore", "sdk-powershell", "go-powershell"],
)
def test_quoted_value_follows_consumers(
    tmp_path: Path, consumers: list[str], fires: bool, mentions: tuple[str, ...]
) -> None:
    diags = [
        d
        for d in _analyze(tmp_path, CONF, '[default]\nregion = "x"\n', consumers)
        if d.code == "CRED111"
    ]
    assert bool(diags) == fires
    for part in mentions:
        assert part in diags[0].message


@pytest.mark.parametrize(
    ("consumers", "fires"),
    [(None, True), (["go"], True), (["botocore", "powershell", "sdk"], False)],
    ids=["all", "go-only", "without-go"],
)
def test_quoted_credential_process_only_matters_to_go(
    tmp_path: Path, consumers: list[str] | None, fires: bool
) -> None:
    text = '[default]\ncredential_process = "/opt/my tools/creds"\n'
    diags = [d for d in _analyze(tmp_path, CONF, text, consumers) if d.code == "CRED111"]
    assert bool(diags) == fires
    if fires:
        assert "Go SDK removes them before it runs the command" in diags[0].message
        assert diags[0].fix is None  # the quotes are shell syntax for the other tools


CONTINUATION_CASES = [
    # (id, file, text, expected CRED112 findings, codes that must be absent)
    # D15: a nested block, flattened by PowerShell; Go keeps only the first setting
    ("sub-block", CONF, "[default]\ns3 =\n  addressing_style = path\n  max_concurrent_requests = 4\n", {("CRED112", 2, 2, 3, 29)}, ()),
    ("sub-block-one", CONF, "[profile p]\ns3 =\n  addressing_style = path\n", {("CRED112", 2, 2, 2, 25)}, ()),
    ("sub-block-creds", CREDS, "[p]\napi_versions =\n  ec2 = 2015-03-01\n", {("CRED112", 2, 2, 2, 18)}, ()),
    ("sub-block-blank-inside", CONF, "[default]\ns3 =\n  a = 1\n\n  b = 2\n", {("CRED112", 2, 2, 4, 7)}, ()),
    ("services-one-setting", CONF, "[services s]\ns3 =\n  endpoint_url = http://a\n", set(), ()),
    ("services-two-settings", CONF, "[services s]\ns3 =\n  endpoint_url = http://a\n  x = 1\n", {("CRED112", 2, 2, 3, 7)}, ()),
    ("sub-no-eq-is-cred103", CONF, "[default]\ns3 =\n  bad\n", set(), ()),
    # continuation of a non-empty value
    ("continuation-no-eq", CONF, "[default]\nrole_arn = arn:aws:iam::1:role/a\n  more\n", {("CRED112", 2, 2, 2, 6)}, ()),
    ("continuation-eq", CREDS, "[a]\nregion = eu-west-1\n  output = json\n", {("CRED112", 2, 2, 2, 15)}, ()),
    # D16: an indented header after a value
    ("indented-header", CREDS, "[a]\nregion = eu-west-1\n  [b]\n", {("CRED112", 2, 2, 2, 5)}, ()),
    ("indented-header-comment", CREDS, "[a]\nregion = eu-west-1\n\t[b] # c\n", {("CRED112", 2, 1, 2, 4)}, ()),
    ("header-in-sub-block-is-cred103", CONF, "[default]\ns3 =\n  [b]\n", set(), ()),
    ("orphan-indented-header", CREDS, "[a]\n  [b]\nregion = x\n", {("CRED112", 1, 2, 1, 5)}, ()),
    ("first-line-indented-header", CREDS, " [a]\nregion = x\n", {("CRED112", 0, 1, 0, 4)}, ()),
    # D4: an indented full-line comment
    ("indented-comment", CONF, "[default]\nregion = us-east-1\n  # prod\n", {("CRED112", 2, 2, 2, 8)}, ()),
    ("indented-comment-after-blank", CONF, "[default]\nregion = us-east-1\n\n\t; prod\n", {("CRED112", 3, 1, 3, 7)}, ()),
    ("indented-comment-no-property", CONF, "[default]\n  # prod\nregion = us-east-1\n", {("CRED112", 1, 2, 1, 8)}, ()),
    ("indented-comment-in-sub-block", CONF, "[default]\ns3 =\n  # note\n  a = 1\n", {("CRED112", 2, 2, 2, 8), ("CRED112", 3, 2, 3, 7)}, ()),
    # silent
    ("column-0-comment", CONF, "[default]\n# prod\nregion = us-east-1\n", set(), ()),
    ("flat-file", CREDS, "[a]\nregion = eu-west-1\n\n[b]\noutput = json\n", set(), ()),
    ("orphan-indented-key-is-cred103", CREDS, "[a]\n  region = x\n", set(), ()),
    ("bom-header-not-indented", CREDS, "\ufeff[a]\nregion = x\n", set(), ()),
    ("bom-comment-not-indented", CREDS, "\ufeff# c\n[a]\n", set(), ()),
    ("crlf-flat", CONF, "[default]\r\nregion = us-east-1\r\n", set(), ()),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "text", "expected", "absent"),
    [c[1:] for c in CONTINUATION_CASES],
    ids=[c[0] for c in CONTINUATION_CASES],
)
def test_continuation_line(
    tmp_path: Path, name: str, text: str, expected: set[Found], absent: tuple[str, ...]
) -> None:
    diags = _analyze(tmp_path, name, text)
    assert _found(diags, ("CRED112",)) == expected
    assert all(d.severity is Severity.INFORMATION for d in diags if d.code == "CRED112")


def test_cred103_lines_are_not_reported_twice(tmp_path: Path) -> None:
    text = "[default]\ns3 =\n  bad\n  [x]\n[a]\n  region = x\n"
    diags = _analyze(tmp_path, CONF, text)
    lines_103 = {d.range.start.line for d in diags if d.code == "CRED103"}
    lines_112 = {d.range.start.line for d in diags if d.code == "CRED112"}
    assert lines_103 == {2, 3, 5}
    assert not lines_103 & lines_112


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "[default]\ns3 =\n  addressing_style = path\n  max_concurrent_requests = 4\n",
            (
                "nested block under 's3'",
                "PowerShell/.NET reads 'addressing_style', 'max_concurrent_requests' as keys of the profile itself",
                "the Go SDK keeps only the first setting ('addressing_style')",
            ),
        ),
        (
            "[default]\nuse_dualstack_endpoint = false\ns3 =\n  use_dualstack_endpoint = true\n",
            (
                "reads 'use_dualstack_endpoint' as a key of the profile itself and then ignores the whole profile ('use_dualstack_endpoint' appears twice)",
            ),
        ),
        (
            "[default]\nrole_arn = arn:aws:iam::1:role/a\n  more\n",
            (
                "indented lines continue the value of 'role_arn'",
                "botocore (AWS CLI v1, boto3) and the Rust/Java SDKs append them to the value",
                "PowerShell/.NET rejects the whole file (line 3 has no '='",
            ),
        ),
        (
            "[default]\nregion = eu-west-1\n  output = json\n",
            (
                "PowerShell/.NET reads 'output' as a key of the profile itself",
                "the Go SDK ignores the indented lines that hold '=' or ':'",
            ),
        ),
        (
            "[a]\nregion = eu-west-1\n  [b]\n",
            (
                "indented section header [b]",
                "the Go SDK and PowerShell/.NET read it as a new section",
                "botocore (AWS CLI v1, boto3) and the Rust/Java SDKs read it as part of the value of 'region'",
            ),
        ),
        (
            "[default]\nregion = x\n  # prod\n",
            ("indented comment: the Rust/Java SDKs append it to the value of 'region'",),
        ),
        ("[default]\n  # prod\n", ("the Rust/Java SDKs reject the whole file",)),
        ("[default]\ns3 =\n  # a = b\n", ("the Rust/Java SDKs read it as a sub-property of 's3'",)),
    ],
    ids=[
        "sub-block",
        "flattened-duplicate",
        "continuation",
        "continuation-eq",
        "header",
        "comment",
        "comment-orphan",
        "comment-with-eq",
    ],
)
def test_continuation_messages_name_consumers(
    tmp_path: Path, text: str, parts: tuple[str, ...]
) -> None:
    diags = [d for d in _analyze(tmp_path, CONF, text) if d.code == "CRED112"]
    assert diags
    message = " | ".join(d.message for d in diags)
    for part in parts:
        assert part in message


@pytest.mark.parametrize(
    ("text", "consumers", "fires"),
    [
        ("[default]\ns3 =\n  a = 1\n  b = 2\n", ["botocore", "sdk"], False),
        ("[default]\ns3 =\n  a = 1\n  b = 2\n", ["go"], True),
        ("[default]\ns3 =\n  a = 1\n", ["go", "botocore"], False),  # one setting: Go keeps it
        ("[default]\ns3 =\n  a = 1\n", ["powershell"], True),
        ("[default]\nregion = x\n  # c\n", ["botocore", "powershell", "go"], False),
        ("[default]\nregion = x\n  # c\n", ["sdk"], True),
        ("[a]\nregion = x\n  [b]\n", ["go", "powershell"], False),  # both read the section
        ("[a]\nregion = x\n  [b]\n", ["botocore"], True),
    ],
    ids=[
        "block-p-r",
        "block-go",
        "single-go-p",
        "single-ps",
        "comment-no-sdk",
        "comment-sdk",
        "header-g-n",
        "header-p",
    ],
)
def test_continuation_follows_consumers(
    tmp_path: Path, text: str, consumers: list[str], fires: bool
) -> None:
    diags = [d for d in _analyze(tmp_path, CONF, text, consumers) if d.code == "CRED112"]
    assert bool(diags) == fires


@pytest.mark.parametrize(
    "text",
    [
        # A session token wrapped onto indented lines; base64 padding gives it an '='.
        f"[a]\naws_session_token = {TOKEN[:20]}\n  {TOKEN[20:]}\n",
        f"[a]\naws_session_token =\n  {TOKEN[:30]}={TOKEN[30:]}\n  x = 1\n",
        f"[a]\nregion = x\n  {TOKEN}\n",
        f"[a]\nregion = x\n  {SECRET[:20]}={SECRET[20:]}\n",
        f"[a]\ns3 =\n  {SECRET} = 1\n  b = 2\n",
    ],
    ids=[
        "token-continued",
        "token-sub-block",
        "token-after-region",
        "secret-with-eq",
        "secret-as-sub-key",
    ],
)
def test_continuation_messages_never_show_key_material(tmp_path: Path, text: str) -> None:
    diags = [d for d in _analyze(tmp_path, CREDS, text) if d.code in P2]
    assert diags
    for d in diags:
        for material in (TOKEN, SECRET):
            for i in range(0, len(material) - 8):
                assert material[i : i + 8] not in d.message, d.message


# --- evidence: real botocore keeps quotes, continues indented headers, skips indented comments


def _botocore_profile(tmp_path: Path, text: str) -> dict[str, object]:
    path = tmp_path / "cfg"
    path.write_text(text, encoding="utf-8")
    parsed = botocore.configloader.raw_config_parse(str(path))
    return dict(parsed["default"])


def test_botocore_keeps_the_quotes_go_strips(tmp_path: Path) -> None:
    text = "[default]\nregion = \"us-west-2\"\noutput = 'json'\n"
    assert _botocore_profile(tmp_path, text) == {"region": '"us-west-2"', "output": "'json'"}
    go = interpret(parse(text), "config", "go").profiles["default"].values()
    assert go == {"region": "us-west-2", "output": "json"}


def test_botocore_reads_indented_header_and_comment_as_cred112_says(tmp_path: Path) -> None:
    text = "[default]\nregion = eu-west-1\n  # prod\n  [b]\n"
    assert _botocore_profile(tmp_path, text) == {"region": "eu-west-1\n[b]"}
    found = _found(_analyze(tmp_path, CONF, text), ("CRED112",))
    assert found == {("CRED112", 2, 2, 2, 8), ("CRED112", 3, 2, 3, 5)}


# --- properties ---------------------------------------------------------------------------

_VALUE_CHARS = st.text(alphabet="ab\"' =x-é", min_size=1, max_size=8).map(str.strip).filter(bool)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=_VALUE_CHARS)
def test_cred111_fires_exactly_when_go_and_botocore_disagree(tmp_path: Path, value: str) -> None:
    text = f"[default]\nk = {value}\n"
    ini = parse(text)
    go = interpret(ini, "config", "go").profiles["default"].values()["k"]
    boto = interpret(ini, "config", "botocore").profiles["default"].values()["k"]
    diags = _analyze(tmp_path, CONF, text)
    assert any(d.code == "CRED111" for d in diags) == (go != boto), (value, go, boto)


_LINE_PARTS = st.sampled_from(
    [
        "",
        " ",
        "\t",
        "  ",
        "[a]",
        "[profile b]",
        "k = v",
        "s3 =",
        "x = 1",
        "# c",
        "; c",
        '"q"',
        "'",
        "=",
        "junk",
        "\ufeff",
    ]
)
_LINES = st.lists(st.lists(_LINE_PARTS, max_size=3).map("".join), max_size=10).map("\n".join)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=_LINES, name=st.sampled_from([CREDS, CONF]))
def test_never_raises_and_ranges_stay_in_the_file(tmp_path: Path, text: str, name: str) -> None:
    diags = _analyze(tmp_path, name, text)
    lines = text.replace("\r\n", "\n").split("\n")
    for d in diags:
        if d.code not in P2:
            continue
        r = d.range
        assert 0 <= r.start.line <= r.end.line < len(lines)
        assert 0 <= r.start.character <= len(lines[r.start.line])
        assert 0 <= r.end.character <= len(lines[r.end.line])
        assert (r.start.line, r.start.character) < (r.end.line, r.end.character)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    secret=st.text(alphabet=string.ascii_letters + string.digits + "+/", min_size=40, max_size=40)
)
def test_quoted_secret_is_never_in_any_message(tmp_path: Path, secret: str) -> None:
    text = f'[a]\naws_secret_access_key = "{secret}"\n  {secret}\n'
    for d in _analyze(tmp_path, CREDS, text):
        assert secret not in d.message
