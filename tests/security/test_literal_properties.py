"""Property tests: user-controlled text never breaks the scanner, and keys are found
wherever they are planted, at the exact offsets."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credls.rules.security import diagnostics_for
from credls.scan import (
    LiteralFinding,
    LiteralKind,
    ValueClass,
    classify,
    may_hold_credentials,
    scan,
)
from credls.text import LineIndex

B32 = string.ascii_uppercase + "234567"
B64 = string.ascii_letters + string.digits + "+/"

akids = st.builds(
    lambda p, body: p + body,
    st.sampled_from(["AKIA", "ASIA"]),
    st.text(alphabet=B32, min_size=16, max_size=16),
).filter(lambda k: classify(k) is ValueClass.KEY)
# Generated keys are random: placeholder-like draws ("AKIAAAAA…", "…abcdef…") and
# all-hex strings are what real keys never look like.
secrets = st.text(alphabet=B64, min_size=40, max_size=40).filter(
    lambda s: (
        classify(s) is ValueClass.KEY
        and any(c.isupper() for c in s)
        and any(c.islower() for c in s)
    )
)
# Text around a planted value: anything, but ending and starting on a separator so
# that the value keeps its boundaries.
noise = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60).map(
    lambda s: s + " "
)

SNIPPETS = st.sampled_from(
    [
        "Set-AWSCredential -AccessKey {ak} -SecretKey {sk} -StoreAs p",
        "Get-S3Bucket -AccessKey:'{ak}' -SecretKey:\"{sk}\"",
        "$creds = @{{\n  AccessKey = '{ak}'\n  SecretKey = '{sk}'\n}}",
        "[x]\naws_access_key_id = {ak}\naws_secret_access_key = {sk}\n",
        'AWS_ACCESS_KEY_ID="{ak}"\nAWS_SECRET_ACCESS_KEY="{sk}"\n',
        '{{"AccessKeyId": "{ak}", "SecretAccessKey": "{sk}"}}',
        "$cred = New-Object Amazon.Runtime.BasicAWSCredentials('{ak}', '{sk}')",
        "Set-AWSCredential `\n  -AccessKey {ak} `\n  -SecretKey {sk}",
    ]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400), st.booleans())
def test_never_raises_and_ranges_are_inside(text: str, powershell: bool) -> None:
    for f in scan(text, powershell=powershell):
        assert 0 <= f.start < f.end <= len(text)


@settings(max_examples=300)
@given(
    st.lists(
        st.sampled_from(
            [
                "secret",
                "Secret",
                "AWS_SECRET_ACCESS_KEY",
                "access_key",
                "SessionToken",
                "-SK ",
                "-AccessK:",
                "-st ",
                " = ",
                ": ",
                "'",
                '"',
                "\n",
                "`\n",
                "AKIA",
                "IQoJb3JpZ2lu",
                "<your key>",
                "x" * 40,
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz",
                "AKIAQWERTYUIOPASDFGH",
                "é",
                "😀",
                "#",
                "<#",
                "sk",
                "ST",
                " =",
                "$x.",
                "-",
                "-sessiont",
                "security_token",
                "Access Key",
                "ak:",
                "ſ",
                "\u212a",
            ]
        ),
        max_size=25,
    ),
    st.booleans(),
)
def test_prefilter_never_hides_a_finding(parts: list[str], powershell: bool) -> None:
    """``may_hold_credentials`` rejects a file only when ``scan`` finds nothing in it."""
    text = "".join(parts)
    if scan(text, powershell=powershell) or scan(text, docs=True):
        assert may_hold_credentials(text.encode("utf-8"))


@settings(max_examples=200)
@given(SNIPPETS, akids, secrets, noise, noise, st.sampled_from(["\n", "\r\n"]))
def test_planted_keys_are_found_exactly(
    snippet: str, ak: str, sk: str, before: str, after: str, newline: str
) -> None:
    body = snippet.format(ak=ak, sk=sk).replace("\n", newline)
    text = before + newline + body + newline + after
    spans = {(f.kind, text[f.start : f.end], f.value_class) for f in scan(text, powershell=True)}
    assert (LiteralKind.ACCESS_KEY_ID, ak, ValueClass.KEY) in spans
    assert (LiteralKind.SECRET_KEY, sk, ValueClass.KEY) in spans


@settings(max_examples=200)
@given(st.text(alphabet="0123456789abcdef", min_size=40, max_size=40), noise)
def test_hex_digests_without_key_context_stay_quiet(digest: str, before: str) -> None:
    text = f"{before}\n$expectedCommit = '{digest}'\n| {digest} | 2021-01-01 |\n"
    assert [f for f in scan(text, powershell=True) if text[f.start : f.end] == digest] == []


@settings(max_examples=300)
@given(
    st.lists(st.sampled_from(["a", "é", "😀", "\n", "\r", "\r\n", " "]), max_size=60).map("".join),
    st.lists(st.tuples(st.integers(0, 80), st.integers(1, 10)), max_size=6),
)
def test_diagnostic_ranges_agree_with_line_index(text: str, spans: list[tuple[int, int]]) -> None:
    """Ranges are computed without a whole-file LineIndex; they must agree with one."""
    findings = [
        LiteralFinding(LiteralKind.SECRET_KEY, s, e, ValueClass.KEY)
        for s, e in ((min(s, len(text)), min(s + n, len(text))) for s, n in spans)
    ]
    index = LineIndex(text)
    got = [d.range for d in diagnostics_for("f", text, findings)]
    assert got == [index.range(f.start, f.end) for f in findings]
