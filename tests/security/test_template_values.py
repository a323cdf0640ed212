"""Values a deployment tool substitutes (``{accesskey.value}``, ``{{ x }}``, ``${X}``)
are references, not literal keys: no CRED301-303 (seen in a public Attune script)."""

from __future__ import annotations

from pathlib import Path

import pytest

from credls.analysis import Workspace
from credls.scan.values import is_template
from credls.settings import Settings, StoreSettings

KEY_CODES = {"CRED301", "CRED302", "CRED303", "CRED306"}


@pytest.mark.parametrize(
    "value",
    ["{accesskey.value}", "{secret_key}", "{env:AWS_KEY}", "{{ secrets.aws }}", "${AWS_KEY}"],
)
def test_tool_substitutions_are_templates(value: str) -> None:
    assert is_template(value)


@pytest.mark.parametrize(
    "value",
    [
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETzz",
        "{not a template}",  # spaces: plain text, still a literal
        "x{key}",
        "<your-key>",  # a placeholder: reported at information, not a template
    ],
)
def test_keys_and_plain_text_are_not_templates(value: str) -> None:
    assert not is_template(value)


def _codes(tmp_path: Path, text: str) -> list[tuple[str, int]]:
    ws = Workspace(Settings(stores=StoreSettings(use_user_stores=False)), str(tmp_path))
    path = tmp_path / "stop.ps1"
    path.write_text(text, encoding="utf-8")
    found = ws.analyze_file(str(path), path.read_bytes()) or []
    return [(d.code, d.range.start.line + 1) for d in found if d.code in KEY_CODES]


def test_substituted_keys_in_a_script_are_quiet(tmp_path: Path) -> None:
    text = (
        '$Script:AccessKeyValue = "{accesskey.value}"\n'
        "$Script:SecretKeyValue = '{secretkey.value}'\n"
        "Set-AWSCredential -AccessKey $Script:AccessKeyValue -SecretKey $Script:SecretKeyValue "
        "-StoreAs deploy\n"
        'Get-S3Bucket -AccessKey "{ak}" -SecretKey "{sk}"\n'
    )
    assert _codes(tmp_path, text) == []


def test_a_real_key_beside_them_is_still_reported(tmp_path: Path) -> None:
    text = (
        'Get-S3Bucket -AccessKey "{ak}" -SecretKey "{sk}"\n'
        "Get-S3Bucket -AccessKey AKIA2E0A8F3B244C9986 -SecretKey "
        "'q7Vz1cKf0Lr9tX2mN8bW4yH6jD3sA5gE0pR1uI7o'\n"
    )
    assert sorted(_codes(tmp_path, text)) == [("CRED301", 2), ("CRED302", 2)]
