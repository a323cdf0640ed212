"""Snippets in every syntax a key gets written in -> exact CRED301-303/306 findings.

Each case: document kind, a template (``security_samples.render``) and the
expected findings as (code, index of the planted value, severity). Decoys and
non-literals expect nothing.
"""

from __future__ import annotations

import pytest
from security_samples import SECRETS, render, summary

from credls.document import Document, DocumentKind
from credls.rules.context import CheckContext
from credls.rules.security import check
from credls.settings import Settings
from credls.source import SourceText

PS = DocumentKind.POWERSHELL
TXT = DocumentKind.TEXT
CRED = DocumentKind.CREDENTIALS

W, INFO, H = "warning", "information", "hint"
AKID, SECRET, TOKEN, EXAMPLE = "CRED301", "CRED302", "CRED303", "CRED306"

CASES: list[tuple[str, DocumentKind, str, list[tuple[str, int, str]]]] = [
    # --- PowerShell parameters ------------------------------------------------
    (
        "ps-inline",
        PS,
        "Set-AWSCredential -AccessKey {AK} -SecretKey {SK} -StoreAs ci",
        [(AKID, 0, W), (SECRET, 1, W)],
    ),
    (
        "ps-inline-session",
        PS,
        "Set-AWSCredential -AccessKey {ASIA} -SecretKey {SK} -SessionToken {ST} -StoreAs x",
        [(AKID, 0, W), (SECRET, 1, W), (TOKEN, 2, W)],
    ),
    (
        "ps-quoted",
        PS,
        "Get-S3Bucket -AccessKey '{AK}' -SecretKey \"{SK}\" -Region us-east-1",
        [(AKID, 0, W), (SECRET, 1, W)],
    ),
    (
        "ps-colon-bare",
        PS,
        "Get-S3Bucket -AccessKey:{AK} -SecretKey:{SK_SLASH} -Region:eu-west-1",
        [(AKID, 0, W), (SECRET, 1, W)],
    ),
    (
        "ps-colon-quoted",
        PS,
        "Get-S3Bucket -AccessKey:'{AK}' -SecretKey:\"{SK}\"",
        [(AKID, 0, W), (SECRET, 1, W)],
    ),
    (
        "ps-aliases",
        PS,
        "Get-EC2Instance -AK {AK} -SK {SK} -ST {ST}",
        [(AKID, 0, W), (SECRET, 1, W), (TOKEN, 2, W)],
    ),
    (
        "ps-abbreviated-lowercase",
        PS,
        "get-ec2instance -accessk {AK} -SecretK {SK} -sessiont '{ST}'",
        [(AKID, 0, W), (SECRET, 1, W), (TOKEN, 2, W)],
    ),
    (
        "ps-secretaccesskey-alias",
        PS,
        "Initialize-AWSDefaultConfiguration -AccessKey '{AK}' -SecretAccessKey '{SK}'",
        [(AKID, 0, W), (SECRET, 1, W)],
    ),
    (
        "ps-backtick",
        PS,
        "Set-AWSCredential `\n    -AccessKey {AK} `\n    -SecretKey {SK} `\n"
        "    -SessionToken {ST} `\n    -StoreAs ci\n",
        [(AKID, 0, W), (SECRET, 1, W), (TOKEN, 2, W)],
    ),
    (
        "ps-value-after-continuation",
        PS,
        "Set-AWSCredential -SecretKey `\n    {SK} -AccessKey $ak",
        [(SECRET, 0, W)],
    ),
    (
        "ps-splat-multiline",
        PS,
        "$creds = @{\n    AccessKey = '{AK}'\n    SecretKey = '{SK}'\n"
        "    SessionToken = '{ST}'\n    Region = 'us-east-1'\n}\nGet-S3Bucket @creds",
        [(AKID, 0, W), (SECRET, 1, W), (TOKEN, 2, W)],
    ),
    (
        "ps-hashtable-inline",
        PS,
        "$p = @{ AccessKey = '{AK}'; SecretKey = '{SK}'; Region = 'eu-west-1' }",
        [(AKID, 0, W), (SECRET, 1, W)],
    ),
    (
        "ps-splat-aliases",
        PS,
        "$task = '{B64_40}'\n$p = @{ AK = '{AK}'; SK = '{SK}'; ST = '{ST}' }",
        [(AKID, 1, W), (SECRET, 2, W), (TOKEN, 3, W)],
    ),
    (
        "ps-vars",
        PS,
        "$AccessKeyId = \"{AK}\"\n$awsSecret = '{SK}'\n"
        "Set-AWSCredential -AccessKey $AccessKeyId -SecretKey $awsSecret -StoreAs p",
        [(AKID, 0, W), (SECRET, 1, W)],
    ),
    (
        "ps-var-upper",
        PS,
        "$AWS_SECRET_ACCESS_KEY = '{SK}'",
        [(SECRET, 0, W)],
    ),
    (
        "ps-herestring-ini",
        PS,
        '$ini = @"\n[ci]\naws_access_key_id = {AK}\naws_secret_access_key = {SK}\n'
        'aws_session_token = {ST}\n"@\nSet-Content -Path $p -Value $ini',
        [(AKID, 0, W), (SECRET, 1, W), (TOKEN, 2, W)],
    ),
    (
        "ps-env",
        PS,
        "$env:AWS_ACCESS_KEY_ID = '{AK}'\n$env:AWS_SECRET_ACCESS_KEY = \"{SK}\"\n"
        "$env:AWS_SESSION_TOKEN = '{ST}'",
        [(AKID, 0, W), (SECRET, 1, W), (TOKEN, 2, W)],
    ),
    (
        "ps-env-dotnet",
        PS,
        "[Environment]::SetEnvironmentVariable('AWS_SECRET_ACCESS_KEY', '{SK}', 'User')",
        [(SECRET, 0, W)],
    ),
    (
        "ps-dotnet-new-object",
        PS,
        "$cred = New-Object Amazon.Runtime.BasicAWSCredentials('{AK}', '{SK}')",
        [(AKID, 0, W), (SECRET, 1, W)],
    ),
    (
        "ps-dotnet-new",
        PS,
        '$cred = [Amazon.Runtime.BasicAWSCredentials]::new("{AK}", "{SK_SLASH}")',
        [(AKID, 0, W), (SECRET, 1, W)],
    ),
    (
        "ps-comment-pair",
        PS,
        "# old key (rotated?): {AK} / {SK}",
        [(AKID, 0, W), (SECRET, 1, W)],
    ),
    (
        "ps-neutral-vars",
        PS,
        "$a = '{AK}'\n$b = '{SK}'\nSet-AWSCredential -AccessKey $a -SecretKey $b -StoreAs p",
        [(AKID, 0, W), (SECRET, 1, W)],
    ),
    (
        "ps-bare-sts-token-in-comment",
        PS,
        "# token from the console: {ST}",
        [(TOKEN, 0, W)],
    ),
    # --- non-literals and prose stay quiet -----------------------------------
    (
        "ps-references",
        PS,
        "Set-AWSCredential -AccessKey $env:AWS_ACCESS_KEY_ID -SecretKey $env:AWS_SECRET_ACCESS_KEY "
        "-StoreAs p\n"
        "Set-AWSCredential -AccessKey $ak -SecretKey (Get-SECSecretValue -SecretId 'prod/aws' "
        "-ProfileName ci).SecretString\n"
        'Set-AWSCredential -AccessKey "$ak" -SecretKey $creds.SecretAccessKey -StoreAs p\n'
        "Set-AWSCredential -AccessKey $ak -SecretKey (Read-Host -AsSecureString 'Secret key')\n"
        "Get-S3Bucket @creds -SessionToken $token",
        [],
    ),
    (
        "ps-prose-in-comments",
        PS,
        "# Pass -AccessKey and -SecretKey, or -SessionToken for temporary keys.\n"
        "<#\n.DESCRIPTION\n    Give -AccessKey your key id and -SecretKey the secret.\n#>",
        [],
    ),
    (
        "ps-decoys",
        PS,
        "$cert = Get-Item -Path Cert:\\LocalMachine\\My\\{HEX40}\n"
        "$expectedCommit = '{HEX40}'  # pinned revision\n"
        "$etag = '{B64_40}'\n"
        "$buildTag = 'BLDAKIAQWERTYUIOPASDFGHZZZ'\n"
        "$correlationId = [guid]'0f8fad5b-d9cb-469f-a165-70867728950e'\n"
        "$payload = [Convert]::FromBase64String('{B64_40}{B64_40}')",
        [],
    ),
    (
        "ps-secret-name-loose-hex",
        PS,
        "$secretHash = '{HEX40}'",
        [],
    ),
    # --- examples and placeholders -------------------------------------------
    (
        "ps-doc-example",
        PS,
        "# Set-AWSCredential `\n#     -AccessKey {EX_AK} `\n#     -SecretKey {EX_SK} `\n"
        "#     -StoreAs MyProfile",
        [(EXAMPLE, 0, H), (EXAMPLE, 1, H)],
    ),
    (
        "ps-example-21-chars",
        PS,
        "Set-AWSCredential -AccessKey {EX_AK21} -SecretKey {EX_SK} -StoreAs MyNewProfile",
        [(EXAMPLE, 0, H), (EXAMPLE, 1, H)],
    ),
    (
        # A placeholder in a comment is no value: quiet (test_placeholder_regions.py).
        "ps-placeholders-in-usage",
        PS,
        "# Usage: Set-AWSCredential -AccessKey {PH_AK} -SecretKey {PH_SK} -StoreAs p",
        [],
    ),
    (
        "ps-placeholders-in-code",
        PS,
        "Set-AWSCredential -AccessKey {PH_AK} -SecretKey {PH_SK} -StoreAs p",
        [(AKID, 0, INFO), (SECRET, 1, INFO)],
    ),
    # --- INI, .env, JSON, YAML, XML, Markdown ---------------------------------
    (
        "ini-committed",
        CRED,
        "[default]\naws_access_key_id = {AK}\naws_secret_access_key = {SK}\n\n[tmp]\n"
        "aws_access_key_id={ASIA}\naws_secret_access_key={SK_SLASH}\naws_session_token={ST}\n",
        [(AKID, 0, W), (SECRET, 1, W), (AKID, 2, W), (SECRET, 3, W), (TOKEN, 4, W)],
    ),
    (
        "ini-upper-keys",
        TXT,
        "[ci]\nAWS_ACCESS_KEY_ID ={AK}\nAWS_SECRET_ACCESS_KEY= {SK}\n",
        [(AKID, 0, W), (SECRET, 1, W)],
    ),
    (
        "ini-placeholders",
        CRED,
        "[default]\naws_access_key_id = {PH_AK_SEQ}\naws_secret_access_key = {PH_SK_WORDS}\n",
        [(AKID, 0, INFO), (SECRET, 1, INFO)],
    ),
    (
        "ini-examples",
        CRED,
        "[default]\naws_access_key_id = {EX_AK2}\naws_secret_access_key = {EX_SK}\n",
        [(EXAMPLE, 0, H), (EXAMPLE, 1, H)],
    ),
    (
        "dotenv",
        TXT,
        'APP=web\nAWS_ACCESS_KEY_ID="{AK}"\nexport AWS_SECRET_ACCESS_KEY={SK}\nLOG=debug\n',
        [(AKID, 0, W), (SECRET, 1, W)],
    ),
    (
        "json-sts-output",
        TXT,
        '{"Credentials": {"AccessKeyId": "{ASIA}", "SecretAccessKey": "{SK}",\n'
        '  "SessionToken": "{ST}", "Expiration": "2030-01-01T00:00:00Z"}}',
        [(AKID, 0, W), (SECRET, 1, W), (TOKEN, 2, W)],
    ),
    (
        "yaml",
        TXT,
        "aws:\n  access_key_id: {AK}\n  secret_access_key: '{SK}'\n  secretKey: \"{SK_SLASH}\"\n",
        [(AKID, 0, W), (SECRET, 1, W), (SECRET, 2, W)],
    ),
    (
        "xml",
        TXT,
        "<Credentials><AccessKeyId>{AK}</AccessKeyId>"
        "<SecretAccessKey>{SK}</SecretAccessKey></Credentials>",
        [(AKID, 0, W), (SECRET, 1, W)],
    ),
    (
        "cli-flags",
        TXT,
        "aws configure set aws_secret_access_key {SK} --profile ci\n"
        "tool --aws-secret-access-key {SK_SLASH}\n",
        [(SECRET, 0, W), (SECRET, 1, W)],
    ),
    (
        "markdown-ini-block",
        TXT,
        "## Quick start\n\n```ini\n[default]\naws_access_key_id = {AK}\n"
        "aws_secret_access_key = {SK}\n```\n",
        [(AKID, 0, W), (SECRET, 1, W)],
    ),
    (
        "markdown-prose-and-decoys",
        TXT,
        "Replace `{PH_AK}` with your own access key ID.\n"
        "Pass -AccessKey and -SecretKey to Set-AWSCredential.\n"
        "| {HEX40} | 2021-01-01 |\nArtifact digest: `{B64_40}`\n"
        "The secret key: see the vault.\n",
        [],
    ),
    (
        "markdown-doc-example",
        TXT,
        "```powershell\nPS > Set-AWSCredential `\n                 -AccessKey {EX_AK} `\n"
        "                 -SecretKey {EX_SK} `\n                 -StoreAs MyNewProfile\n```",
        [(EXAMPLE, 0, H), (EXAMPLE, 1, H)],
    ),
    (
        "text-akid-no-boundary",
        TXT,
        "build-BLD{AK}9 and x{AK} and {AK}Z",
        [],
    ),
    (
        "text-templates-not-literals",
        TXT,
        "aws_secret_access_key = ${AWS_SECRET}\nsecretAccessKey: {{ secrets.aws }}\n"
        "AWS_SECRET_ACCESS_KEY=%AWS_SECRET_ACCESS_KEY%\n",
        [],
    ),
]


def _doc(kind: DocumentKind, text: str) -> Document:
    path = {PS: "deploy/run.ps1", CRED: "repo/.aws/credentials"}.get(kind, "notes/setup.md")
    return Document(path, SourceText(text), kind)


def _ctx() -> CheckContext:
    return CheckContext(Settings(), None, is_user_store=False)


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize(
    ("kind", "template", "expected"),
    [pytest.param(k, t, e, id=i) for i, k, t, e in CASES],
)
def test_form(
    kind: DocumentKind, template: str, expected: list[tuple[str, int, str]], newline: str
) -> None:
    text, planted = render(template, newline)
    got = [d for d in check(_doc(kind, text), _ctx()) if d.code != "CRED304"]
    want = sorted(
        (
            (code, planted[i].line, planted[i].start, planted[i].end, sev)
            for code, i, sev in expected
        ),
        key=lambda r: (r[1], r[2], r[0]),
    )
    assert summary(got) == want
    for d in got:  # secrecy: no message, repr or data field shows a secret or token
        shown = f"{d.message} {d!r} {d.data}"
        assert not any(secret in shown for secret in SECRETS), shown


def test_ranges_by_hand() -> None:
    """Independent of the renderer: positions counted by hand."""
    text = "x = 1\r\n  $k = 'AKIAKEUCRLBQBNCCN2DH'\r\n"
    got = summary(check(_doc(PS, text), _ctx()))
    assert got == [("CRED301", 1, 8, 28, "warning")]


@pytest.mark.parametrize(
    ("line", "code", "value"),
    [
        ("Set-AWSCredential -AccessKey notakey -StoreAs p", "CRED301", "notakey"),
        ("Set-AWSCredential -SecretKey 'hunter2' -StoreAs p", "CRED302", "hunter2"),
        ('Set-AWSCredential -SK "abc" -AK $a', "CRED302", "abc"),
        ("Get-S3Bucket -SessionToken:tok123", "CRED303", "tok123"),
        ("Get-S3Bucket -AccessKey 'it''s'", "CRED301", "it''s"),
    ],
)
def test_any_literal_value(line: str, code: str, value: str) -> None:
    """rules.md CRED301-303: any literal value of a credential parameter, whatever its shape."""
    diags = check(_doc(PS, line), _ctx())
    assert [(d.code, line[d.range.start.character : d.range.end.character]) for d in diags] == [
        (code, value)
    ]


def test_any_literal_value_is_code_only() -> None:
    """Outside PowerShell (docs) a credential parameter needs a key-shaped value."""
    assert check(_doc(TXT, "Set-AWSCredential -AccessKey notakey"), _ctx()) == []


@pytest.mark.parametrize(
    ("line", "code", "value"),
    [
        ("Set-AWSCredential -AccessKey 'YOUR_ACCESS_KEY_ID' -StoreAs p", "CRED301", None),
        ("Set-AWSCredential -SecretKey '<your secret key>' -StoreAs p", "CRED302", None),
        ("Set-AWSCredential -SecretKey <secret> -StoreAs p", "CRED302", "<secret>"),
        ("aws_secret_access_key = paste your key here", "CRED302", "paste your key here"),
        ("aws_access_key_id = <access key id>", "CRED301", "<access key id>"),
        ("$env:AWS_SECRET_ACCESS_KEY = '   '", "CRED302", "   "),
        ("aws_session_token = YOUR_SESSION_TOKEN", "CRED303", "YOUR_SESSION_TOKEN"),
    ],
)
def test_placeholder_values(line: str, code: str, value: str | None) -> None:
    diags = check(_doc(PS, line), _ctx())
    assert len(diags) == 1
    d = diags[0]
    assert (d.code, d.severity) == (code, "information")
    assert "placeholder" in d.message.lower()
    shown = line[d.range.start.character : d.range.end.character]
    assert shown == (value if value is not None else shown.strip("'\""))
    assert shown and shown in line


def test_user_store_is_not_scanned() -> None:
    text, _ = render("[default]\naws_access_key_id = {AK}\naws_secret_access_key = {SK}\n")
    doc = Document("/home/u/.aws/credentials", SourceText(text), CRED)
    user = CheckContext(Settings(), None, is_user_store=True)
    # The user's own store holds its keys by design: no literal-key finding (CRED305
    # may say the key is a long-term one; CRED304 is about the file's mode).
    assert [d for d in check(doc, user) if d.code not in {"CRED304", "CRED305"}] == []
    assert len([d for d in check(doc, _ctx()) if d.code != "CRED304"]) == 2


def test_committed_config_file_is_scanned() -> None:
    text, planted = render("[profile x]\naws_secret_access_key = {SK}\n")
    doc = Document("repo/.aws/config", SourceText(text), DocumentKind.CONFIG)
    assert summary(check(doc, _ctx())) == [
        ("CRED302", 1, planted[0].start, planted[0].end, "warning")
    ]


@pytest.mark.parametrize(
    ("template", "col_start"),
    [
        # Astral characters are one code point each: columns count code points.
        ("# 🔑🔑 clé: {AK}", 10),
        ("$ключ = 'значение'; $secretKey = '{SK}'", 34),
        ("Ä=1\n\t😀 aws_secret_access_key = {SK}", 27),
    ],
)
def test_non_ascii_columns(template: str, col_start: int) -> None:
    text, planted = render(template)
    assert planted[0].start == col_start  # the renderer agrees with the hand count
    got = summary(check(_doc(PS, text), _ctx()))
    assert [(r[1], r[2], r[3]) for r in got] == [
        (planted[0].line, col_start, col_start + planted[0].end - planted[0].start)
    ]


def test_paired_secret_message_names_the_key_id() -> None:
    text, _ = render("$a = '{AK}'\n$b = '{SK}'")
    secret = [d for d in check(_doc(PS, text), _ctx()) if d.code == "CRED302"]
    assert len(secret) == 1
    assert "AKIA…N2DH" in secret[0].message


def test_messages_name_the_context() -> None:
    text, _ = render(
        "Set-AWSCredential -AccessKey {AK} -SecretKey {SK}\n$env:AWS_SESSION_TOKEN='{ST}'"
    )
    messages = [d.message for d in check(_doc(PS, text), _ctx())]
    assert messages[0].startswith("Literal access key ID AKIA…N2DH in `-AccessKey`")
    assert messages[1].startswith("Literal secret access key in `-SecretKey`")
    assert messages[2].startswith("Literal session token assigned to `$env:AWS_SESSION_TOKEN`")
