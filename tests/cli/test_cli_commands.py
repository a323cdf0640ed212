"""``credls rules | profiles | explain``, secrecy of every output, and start-up imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from credls.rules.registry import all_rules

AKID = "AKIA2345672345672345"  # well-formed, not an AWS documentation example
AKID_MASKED = "AKIA…2345"
SECRET = "abcdABCD1234abcdABCD1234abcdABCD1234abcd"
TOKEN = "IQoJb3JpZ2luX2VjEJr" + "x9Q" * 40
SECRETS = (AKID, SECRET, TOKEN, TOKEN[:40], SECRET[:20])

CREDS = f"""\
[default]
aws_access_key_id = {AKID}
aws_secret_access_key = {SECRET}
aws_session_token = {TOKEN}
region = eu-west-1

[dev]
role_arn = arn:aws:iam::123456789012:role/deploy
source_profile = default
"""
CONFIG = "[profile dev]\nregion = us-west-2\n[profile broken]\nsource_profile = nowhere\n"
SCRIPT = f"""\
Set-AWSCredential -AccessKey {AKID} -SecretKey {SECRET} -SessionToken {TOKEN} -StoreAs dev
$secret = '{SECRET}'
Get-S3Bucket -ProfileName dev # credls: ignore[CRED201]
"""
ENV = f"AWS_ACCESS_KEY_ID={AKID}\nAWS_SECRET_ACCESS_KEY={SECRET}\nAWS_SESSION_TOKEN={TOKEN}\n"


def credls(*args: str, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "credls", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        timeout=120,
    )
    out = subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    )
    assert "Traceback" not in out.stderr, out.stderr
    return out


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository with secrets committed in every kind of file, plus a user store."""
    (tmp_path / "repo" / ".aws").mkdir(parents=True)
    (tmp_path / "repo" / ".aws" / "credentials").write_text(CREDS, encoding="utf-8")
    (tmp_path / "repo" / ".aws" / "config").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "repo" / "deploy.ps1").write_text(SCRIPT, encoding="utf-8")
    (tmp_path / "repo" / "utf16.ps1").write_bytes(SCRIPT.encode("utf-16"))
    (tmp_path / "repo" / ".env").write_text(ENV, encoding="utf-8")
    (tmp_path / "repo" / "prod.credentials").write_text(CREDS, encoding="utf-8")
    store = tmp_path / "store"
    store.mkdir()
    (store / "credentials").write_text(CREDS, encoding="utf-8")
    (store / "config").write_text(CONFIG, encoding="utf-8")
    os.chmod(store / "credentials", 0o600)
    return tmp_path


def _store(project: Path) -> list[str]:
    return [
        "--no-user-stores",
        "--credentials-file",
        str(project / "store" / "credentials"),
        "--config-file",
        str(project / "store" / "config"),
    ]


def test_no_output_of_any_command_contains_a_secret(project: Path) -> None:
    repo = project / "repo"
    store = _store(project)
    runs = [
        *(["check", "--format", f, *store, "."] for f in ("text", "json", "sarif", "github")),
        ["check", "--format", "json", *store, str(project / "store")],
        ["check", "--format", "text", "--jobs", "1", *store, "deploy.ps1", ".aws/credentials"],
        ["check", "--format", "json", "--stdin-filename", "x.ps1", *store, "-"],
        ["profiles", *store],
        ["profiles", "--json", *store],
        ["explain", "default", *store],
        ["explain", "default", "--json", *store],
        ["explain", "dev", "--json", "--platform", "windows", *store],
        ["explain", "default", "--profile-location", str(repo / "prod.credentials"), *store],
        ["rules", "--json"],
    ]
    findings = 0
    for args in runs:
        out = credls(*args, cwd=repo, stdin=SCRIPT.encode() if "-" in args else None)
        assert out.returncode in (0, 1), (args, out.stderr)
        for secret in SECRETS:
            assert secret not in out.stdout, (args, secret)
            assert secret not in out.stderr, (args, secret)
        if args[0] == "check" and "--format" in args and args[args.index("--format") + 1] == "json":
            findings += len(json.loads(out.stdout)["diagnostics"])
    # The fixture must actually exercise reporting, or this test proves nothing.
    assert findings > 0


def test_masked_key_id_is_shown(project: Path) -> None:
    out = credls("profiles", *_store(project), cwd=project)
    assert out.returncode == 0
    assert AKID_MASKED in out.stdout and AKID not in out.stdout


def test_profiles_json_shape_and_table(project: Path) -> None:
    out = credls("profiles", "--json", *_store(project), cwd=project)
    rows = json.loads(out.stdout)
    assert [r["name"] for r in rows] == ["default", "dev"]
    for row in rows:
        assert set(row) == {"name", "store", "location", "line", "type", "region", "access_key_id"}
    assert rows[0]["store"] == "credentials-file" and rows[0]["line"] == 1
    assert rows[0]["access_key_id"] == AKID_MASKED
    table = credls("profiles", *_store(project), cwd=project).stdout.splitlines()
    assert table[0].split() == ["NAME", "STORE", "TYPE", "REGION", "ACCESS", "KEY", "LOCATION"]
    assert table[1].split()[0] == "default"
    assert table[1].split()[-1] == os.path.join("store", "credentials") + ":1"


def test_profiles_empty(tmp_path: Path) -> None:
    out = credls("profiles", "--no-user-stores", cwd=tmp_path)
    assert out.returncode == 0 and out.stdout == "no profiles found\n"
    assert credls("profiles", "--json", "--no-user-stores", cwd=tmp_path).stdout.strip() == "[]"


def test_explain(project: Path) -> None:
    out = credls("explain", "dev", "--json", *_store(project), cwd=project)
    assert out.returncode == 0
    data = json.loads(out.stdout)
    assert set(data) == {
        "profile",
        "platform",
        "powershell_version",
        "steps",
        "resolved",
        "properties",
    }
    assert data["profile"] == "dev" and data["powershell_version"] == "v4"
    assert data["resolved"]["store"] == "credentials-file" and data["resolved"]["line"] == 7
    text = credls("explain", "dev", *_store(project), cwd=project)
    assert text.returncode == 0
    assert f"resolved: credentials-file {os.path.join('store', 'credentials')}:7" in text.stdout
    missing = credls("explain", "nope", *_store(project), cwd=project)
    assert missing.returncode == 1 and "not found in any store" in missing.stdout
    v5 = credls(
        "explain", "dev", "--json", "--powershell-version", "v5", *_store(project), cwd=project
    )
    assert json.loads(v5.stdout)["powershell_version"] == "v5"


def test_explain_config_error(tmp_path: Path) -> None:
    (tmp_path / ".credls.toml").write_text('platform = "dos"\n', encoding="utf-8")
    out = credls("explain", "x", cwd=tmp_path)
    assert out.returncode == 2
    assert (
        out.stderr.startswith("credls: ")
        and ".credls.toml:1: platform must be one of" in out.stderr
    )


def test_rules_list(tmp_path: Path) -> None:
    out = credls("rules", cwd=tmp_path)
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["CODE", "NAME", "SEVERITY", "SUMMARY"]
    assert [ln.split()[0] for ln in lines[1:]] == [r.code for r in all_rules()]


def test_rules_json_has_everything(tmp_path: Path) -> None:
    rules = json.loads(credls("rules", "--json", cwd=tmp_path).stdout)
    assert [r["code"] for r in rules] == [r.code for r in all_rules()]
    for r in rules:
        assert set(r) == {
            "code", "name", "severity", "summary", "doc", "bad", "good", "tags",
            "example_language", "url",
        }  # fmt: skip
        assert r["severity"] in ("error", "warning", "information", "hint")
        assert r["doc"] and r["summary"] and r["name"]


@pytest.mark.parametrize("key", ["CRED001", "cred001", "unused-suppression"])
def test_rules_one(tmp_path: Path, key: str) -> None:
    out = credls("rules", key, cwd=tmp_path)
    assert out.returncode == 0
    assert out.stdout.startswith("CRED001 unused-suppression [hint] (unnecessary)\n")
    assert "Bad:" in out.stdout and "Good:" in out.stdout
    one = json.loads(credls("rules", key, "--json", cwd=tmp_path).stdout)
    assert one["code"] == "CRED001" and one["tags"] == ["unnecessary"]


def test_rules_unknown(tmp_path: Path) -> None:
    out = credls("rules", "CRED999", cwd=tmp_path)
    assert out.returncode == 2 and out.stderr == "credls: no rule 'CRED999' (see `credls rules`)\n"


def test_check_start_up_imports_nothing_heavy(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello\n", encoding="utf-8")
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "credentials").write_text("[default]\nregion = x\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "credls", "check", "--no-user-stores", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode in (0, 1), proc.stderr
    imported = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if "|" in line}
    for heavy in ("pygls", "lsprotocol", "tree_sitter", "tree_sitter_powershell", "jsonschema"):
        assert heavy not in imported, heavy
