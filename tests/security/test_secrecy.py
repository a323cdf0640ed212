"""No diagnostic shows a secret key or a session token; access key IDs are masked."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from credls.document import DocumentKind
from credls.rules.security import scan_file_bytes

B32 = string.ascii_uppercase + "234567"
B64 = string.ascii_letters + string.digits + "+/"

FORMS = [
    "Set-AWSCredential -AccessKey {ak} -SecretKey {sk} -SessionToken {st} -StoreAs p",
    "Set-AWSCredential -AccessKey '{sk}' -SecretKey '{st}'",  # values in the wrong place
    "$cred = [Amazon.Runtime.BasicAWSCredentials]::new('{ak}', '{sk}')",
    "# {ak} {sk} {st}",
    "[p]\naws_access_key_id={ak}\naws_secret_access_key={sk}\naws_session_token={st}",
    '{{"AccessKeyId":"{ak}","SecretAccessKey":"{sk}","SessionToken":"{st}"}}',
    "$secret_{sk} = '{sk}'",  # a secret inside the variable name too
    "aws_secret_access_key = {sk} {st}",
    "-AccessKey {sk}{sk}",
]


@settings(max_examples=150)
@given(
    st.sampled_from(FORMS),
    st.text(alphabet=B32, min_size=16, max_size=16),
    st.text(alphabet=B64, min_size=40, max_size=40),
    st.text(alphabet=B64, min_size=100, max_size=400),
    st.sampled_from([DocumentKind.POWERSHELL, DocumentKind.TEXT, DocumentKind.CREDENTIALS]),
    st.sampled_from(["utf-8", "utf-16"]),
)
def test_messages_never_show_secrets(
    form: str, body: str, sk: str, token: str, kind: DocumentKind, encoding: str
) -> None:
    ak = "AKIA" + body
    st_value = "IQoJb3JpZ2luX2Vj" + token
    text = form.format(ak=ak, sk=sk, st=st_value)
    diags = scan_file_bytes("repo/file", text.encode(encoding), kind)
    for d in diags:
        shown = f"{d.message}\n{d!r}\n{d.data}"
        # No run of 12 characters of a secret or token, anywhere.
        for secret in (sk, st_value):
            for i in range(0, len(secret) - 11):
                assert secret[i : i + 12] not in shown, shown
        # Access key IDs appear only masked: the first and last four characters.
        assert ak not in shown and ak[4:16] not in shown


def test_names_from_the_file_are_shown_only_from_a_closed_vocabulary() -> None:
    sk = "SP/0syQbDkhdXipz3fCJ403rAw49jlooFLqaAxK8"
    text = f"$secret_SPsyQbDkhdXipz = '{sk}'\n$awsSecretKey = '{sk}'\n"
    diags = scan_file_bytes("run.ps1", text.encode())
    assert [d.message.split(";")[0] for d in diags] == [
        "Literal secret access key",
        "Literal secret access key assigned to `$awsSecretKey`",
    ]
