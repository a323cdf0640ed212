"""Placeholders in comments and documentation prose stay quiet; values are reported.

rules.md reports a placeholder key at information severity because the file
expects a real key pasted into it. One in a comment or in Markdown/plain-text
prose is no value any tool reads: nothing is reported. Real keys there still are
(warning), and documentation example keys keep their hint. Each case runs both
entry points: ``check`` on a document and the headless ``scan_file_bytes``.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from security_samples import SECRETS, render, summary

from credls.document import Document, kind_of_path
from credls.rules.context import CheckContext
from credls.rules.security import check, scan_file_bytes
from credls.scan import ValueClass, scan
from credls.scan.regions import Regions, Syntax, is_docs_path
from credls.settings import Settings
from credls.source import SourceText

W, INFO, H = "warning", "information", "hint"
AKID, SECRET, EXAMPLE = "CRED301", "CRED302", "CRED306"

# (id, path, template, [(code, index of the planted value, severity)])
CASES: list[tuple[str, str, str, list[tuple[str, int, str]]]] = [
    # --- PowerShell -------------------------------------------------------------
    (
        "ps-usage-comment-placeholders",
        "deploy/run.ps1",
        "# Usage: Set-AWSCredential -AccessKey {PH_AK} -SecretKey {PH_SK} -StoreAs p",
        [],
    ),
    (
        "ps-usage-comment-placeholder-words",
        "deploy/Tools.psm1",
        "    # Usage: Set-AWSCredential -AccessKey {PH_AK} -SecretKey {PH_SK_WORDS} -StoreAs ci",
        [],
    ),
    (
        "ps-block-comment-placeholders",
        "deploy/run.ps1",
        "<#\n.EXAMPLE\n    Set-AWSCredential -AccessKey {PH_AK} -SecretKey {PH_SK_WORDS}\n#>\n"
        "Get-S3Bucket",
        [],
    ),
    (
        "ps-trailing-comment-placeholder",
        "deploy/run.ps1",
        "Get-S3Bucket -Region us-east-1  # or: -AccessKey {PH_AK} -SecretKey {PH_SK}",
        [],
    ),
    (
        "ps-commented-assignment-placeholder",
        "deploy/run.ps1",
        "# $env:AWS_SECRET_ACCESS_KEY = '{PH_SK_WORDS}'",
        [],
    ),
    (
        "ps-code-placeholders",
        "deploy/run.ps1",
        "Set-AWSCredential -AccessKey {PH_AK} -SecretKey {PH_SK} -StoreAs p",
        [(AKID, 0, INFO), (SECRET, 1, INFO)],
    ),
    (
        "ps-assignment-placeholder",
        "deploy/run.ps1",
        "$secretKey = '{PH_SK_WORDS}'",
        [(SECRET, 0, INFO)],
    ),
    (
        "ps-hash-in-string-is-no-comment",
        "deploy/run.ps1",
        "$tag = 'build #5'; Set-AWSCredential -AccessKey {PH_AK} -SecretKey {PH_SK}",
        [(AKID, 0, INFO), (SECRET, 1, INFO)],
    ),
    (
        "ps-hash-inside-word-is-no-comment",
        "deploy/run.ps1",
        "Write-Host issue#12; Set-AWSCredential -AccessKey {PH_AK}",
        [(AKID, 0, INFO)],
    ),
    (
        "ps-code-after-block-comment",
        "deploy/run.ps1",
        "<# -AccessKey {PH_AK} #>\nSet-AWSCredential -AccessKey {PH_AK}",
        [(AKID, 1, INFO)],
    ),
    (
        "ps-comment-real-keys",
        "deploy/run.ps1",
        "# Usage: Set-AWSCredential -AccessKey {AK} -SecretKey {SK} -StoreAs p",
        [(AKID, 0, W), (SECRET, 1, W)],
    ),
    (
        "ps-block-comment-real-key",
        "deploy/run.ps1",
        "<#\n  old: $env:AWS_SECRET_ACCESS_KEY = '{SK}'\n#>",
        [(SECRET, 0, W)],
    ),
    (
        "ps-comment-example-key",
        "deploy/run.ps1",
        "# Set-AWSCredential -AccessKey {EX_AK} -SecretKey {EX_SK}",
        [(EXAMPLE, 0, H), (EXAMPLE, 1, H)],
    ),
    # --- INI, .env, YAML, JSON ------------------------------------------------------
    (
        "credentials-placeholder-values",
        "repo/.aws/credentials",
        "[default]\naws_access_key_id = {PH_AK}\naws_secret_access_key = {PH_SK_WORDS}\n",
        [(AKID, 0, INFO), (SECRET, 1, INFO)],
    ),
    (
        "credentials-commented-placeholders",
        "repo/.aws/credentials",
        "[default]\n# aws_access_key_id = {PH_AK}\n; aws_secret_access_key = {PH_SK_WORDS}\n"
        "  #aws_access_key_id = {PH_AK}\n",
        [],
    ),
    (
        "credentials-commented-real-key",
        "repo/.aws/credentials",
        "[default]\n# aws_access_key_id = {AK}\n",
        [(AKID, 0, W)],
    ),
    (
        "ini-template-values",
        "templates/aws.ini",
        "[ci]\naws_access_key_id = {PH_AK}\naws_secret_access_key = {PH_SK}\n",
        [(AKID, 0, INFO), (SECRET, 1, INFO)],
    ),
    (
        "dotenv-comment-and-value",
        "app/.env",
        "# AWS_ACCESS_KEY_ID={PH_AK}\nAWS_SECRET_ACCESS_KEY={PH_SK}\n",
        [(SECRET, 1, INFO)],
    ),
    (
        "yaml-trailing-comment",
        "ci/deploy.yml",
        "aws:\n  region: eu-west-1  # access_key_id: {PH_AK}\n  secret_access_key: {PH_SK}\n",
        [(SECRET, 1, INFO)],
    ),
    (
        "json-values",
        "app/settings.json",
        '{"AccessKeyId": "{PH_AK}", "SecretAccessKey": "{PH_SK_WORDS}", "Note": "#1"}',
        [(AKID, 0, INFO), (SECRET, 1, INFO)],
    ),
    (
        "js-line-comment",
        "app/config.js",
        "// secretAccessKey: '{PH_SK_WORDS}'\nconst accessKeyId = '{PH_AK}';\n",
        [(AKID, 1, INFO)],
    ),
    # --- Markdown and plain-text documentation ---------------------------------------
    (
        "md-prose-placeholders",
        "docs/setup.md",
        "# Setup\n\nReplace `{PH_AK}` with your own access key ID and set "
        "aws_secret_access_key = {PH_SK_WORDS} in your file.\n"
        "Run Set-AWSCredential -AccessKey {PH_AK} -SecretKey {PH_SK}.\n",
        [],
    ),
    (
        "md-fenced-placeholders",
        "docs/setup.md",
        "Setup:\n\n```ini\n[default]\naws_access_key_id = {PH_AK}\n"
        "aws_secret_access_key = {PH_SK_WORDS}\n```\n",
        [(AKID, 0, INFO), (SECRET, 1, INFO)],
    ),
    (
        "md-fenced-powershell",
        "README.md",
        "```powershell\nSet-AWSCredential -AccessKey {PH_AK} -SecretKey {PH_SK} -StoreAs p\n"
        "# Set-AWSCredential -AccessKey {PH_AK}\n```\n",
        [(AKID, 0, INFO), (SECRET, 1, INFO)],
    ),
    (
        "md-prose-after-fence",
        "docs/setup.markdown",
        "```\nGet-S3Bucket\n```\nThen set aws_access_key_id = {PH_AK} yourself.\n",
        [],
    ),
    (
        "md-unclosed-fence",
        "docs/setup.md",
        "Intro aws_access_key_id = {PH_AK}\n```ini\naws_access_key_id = {PH_AK}\n",
        [(AKID, 1, INFO)],
    ),
    (
        "md-tilde-fence-holds-backticks",
        "docs/setup.md",
        "~~~~\n```\naws_access_key_id = {PH_AK}\n~~~~\nprose: aws_access_key_id = {PH_AK}\n",
        [(AKID, 0, INFO)],
    ),
    (
        "md-fence-in-list-item",
        "docs/setup.md",
        "1. Write the file:\n\n    ```ini\n    aws_access_key_id = {PH_AK}\n    ```\n",
        [(AKID, 0, INFO)],
    ),
    (
        "md-prose-real-keys",
        "docs/incident.md",
        "The leaked key was {AK} with secret {SK}, rotated since.\n",
        [(AKID, 0, W), (SECRET, 1, W)],
    ),
    (
        "md-prose-example-keys",
        "docs/setup.md",
        "For example aws_access_key_id = {EX_AK}\nand aws_secret_access_key = {EX_SK}\n",
        [(EXAMPLE, 0, H), (EXAMPLE, 1, H)],
    ),
    (
        "txt-prose-placeholder",
        "notes/keys.txt",
        "aws_access_key_id = {PH_AK}\n",
        [],
    ),
]


def _ctx() -> CheckContext:
    return CheckContext(Settings(), None, is_user_store=False)


def _expected(
    planted: list, expected: list[tuple[str, int, str]]
) -> list[tuple[str, int, int, int, str]]:
    return sorted(
        (
            (code, planted[i].line, planted[i].start, planted[i].end, sev)
            for code, i, sev in expected
        ),
        key=lambda r: (r[1], r[2], r[0]),
    )


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize(
    ("path", "template", "expected"),
    [pytest.param(p, t, e, id=i) for i, p, t, e in CASES],
)
def test_check(
    path: str, template: str, expected: list[tuple[str, int, str]], newline: str
) -> None:
    text, planted = render(template, newline)
    doc = Document(path, SourceText(text), kind_of_path(path))
    got = [d for d in check(doc, _ctx()) if d.code != "CRED304"]
    assert summary(got) == _expected(planted, expected)
    for d in got:
        assert not any(secret in f"{d.message} {d!r}" for secret in SECRETS)


@pytest.mark.parametrize(
    ("path", "template", "expected"),
    [pytest.param(p, t, e, id=i) for i, p, t, e in CASES],
)
def test_file_bytes(path: str, template: str, expected: list[tuple[str, int, str]]) -> None:
    text, planted = render(template)
    got = summary(scan_file_bytes(path, text.encode("utf-8")))
    assert got == _expected(planted, expected)


def test_usage_comment_from_the_benchmark_corpus(tmp_path: object) -> None:
    """The corpus' most common decoy, as it appears in a real file on disk."""
    import pathlib

    assert isinstance(tmp_path, pathlib.Path)
    f = tmp_path / "Export-Archive.ps1"
    f.write_bytes(
        b"# Usage: Set-AWSCredential -AccessKey AKIAXXXXXXXXXXXXXXXX -SecretKey "
        + b"x" * 40
        + b" -StoreAs prod\r\nGet-S3Bucket -ProfileName prod\r\n"
    )
    assert scan_file_bytes(str(f), f.read_bytes()) == []


@pytest.mark.parametrize(
    ("path", "docs"),
    [
        ("README.md", True),
        ("docs/Guide.MARKDOWN", True),
        ("notes.txt", True),
        ("a.mdx", True),
        ("deploy.ps1", False),
        ("settings.json", False),
        ("md", False),
        ("notes.txt.bak", False),
    ],
)
def test_docs_paths(path: str, docs: bool) -> None:
    assert is_docs_path(path) is docs


@pytest.mark.parametrize(
    ("syntax", "text", "marker", "quiet"),
    [
        (Syntax.POWERSHELL, "# X", "X", True),
        (Syntax.POWERSHELL, "a; #X", "X", True),
        (Syntax.POWERSHELL, "{#X}", "X", True),
        (Syntax.POWERSHELL, "a#X", "X", False),
        (Syntax.POWERSHELL, "'#' X", "X", False),
        (Syntax.POWERSHELL, "<# a\n\n X #> Y", "X", True),
        (Syntax.POWERSHELL, "<# a #> Y", "Y", False),
        (Syntax.POWERSHELL, "; X", "X", False),
        (Syntax.OTHER, "; X", "X", True),
        (Syntax.OTHER, "  // X", "X", True),
        (Syntax.OTHER, "k = v # X", "X", True),
        (Syntax.OTHER, "k = v#X", "X", False),
        (Syntax.OTHER, "<# X #>", "X", False),
        (Syntax.OTHER, "k = X", "X", False),
        (Syntax.DOCS, "prose X", "X", True),
        (Syntax.DOCS, "```\nX\n```", "X", False),
        (Syntax.DOCS, "```\n# X\n```", "X", True),
        (Syntax.DOCS, "```\n```\nX", "X", True),
        (Syntax.DOCS, "````\n```\nX\n````", "X", False),
        (Syntax.DOCS, "```\n``` not a close\nX", "X", False),
        (Syntax.DOCS, "```sh\r\nX\r\n```\r\nY", "Y", True),
        (Syntax.DOCS, "```sh\r\nX\r\n```\r\nY", "X", False),
    ],
)
def test_regions(syntax: Syntax, text: str, marker: str, quiet: bool) -> None:
    assert Regions(text, syntax).is_quiet(text.index(marker)) is quiet


@settings(max_examples=300)
@given(
    st.lists(
        st.sampled_from(
            [
                "# ",
                "<#",
                "#>",
                "```",
                "~~~",
                "; ",
                "// ",
                "'",
                '"',
                "\n",
                "\r\n",
                " ",
                "-AccessKey ",
                "-SecretKey ",
                "aws_access_key_id = ",
                "aws_secret_access_key = ",
                "AKIAXXXXXXXXXXXXXXXX",
                "x" * 40,
                "YOUR_SECRET_ACCESS_KEY_GOES_HERE",
                "AKIAKEUCRLBQBNCCN2DH",
                "SP/0syQbDkhdXipz3fCJ403rAw49jlooFLqaAxK8",
            ]
        ),
        max_size=30,
    ).map("".join)
)
def test_only_placeholders_go_quiet(text: str) -> None:
    """Documentation and comments lose placeholders, never anything else."""
    other = scan(text)
    docs = scan(text, docs=True)
    assert set(docs) <= set(other)
    kept = [f for f in other if f.value_class is not ValueClass.PLACEHOLDER]
    assert [f for f in docs if f.value_class is not ValueClass.PLACEHOLDER] == kept
    regions = Regions(text, Syntax.DOCS)
    for f in set(other) - set(docs):
        assert regions.is_quiet(f.start)
    for f in scan(text, powershell=True):
        if f.value_class is ValueClass.PLACEHOLDER:
            assert not Regions(text, Syntax.POWERSHELL).is_comment(f.start)
