"""The pre-commit hooks of .pre-commit-hooks.yaml, run by pre-commit itself (``try-repo``).

pre-commit builds the hook's own environment from this repository (pip install
of the working tree, once per session into a temporary PRE_COMMIT_HOME), then
runs it on the files of a throwaway git repository, as a user's commit would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(),
    reason="pre-commit needs git and a git checkout of credls",
)


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _env(home: Path, pre_commit_home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CREDLS_", "GIT_"))}
    env.update(
        HOME=str(home),
        USERPROFILE=str(home),
        PRE_COMMIT_HOME=str(pre_commit_home),
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.invalid",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.invalid",
    )
    return env


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    repo = tmp_path / "repo"
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if name.endswith("credentials"):
            path.chmod(0o600)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    return repo


def _try_repo(
    repo: Path, hook: str, home: Path, pre_commit_home: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PRE_COMMIT, "try-repo", str(ROOT), hook, "--all-files", "--verbose"],
        cwd=repo,
        env=_env(home, pre_commit_home),
        capture_output=True,
        text=True,
        timeout=900,
    )


SECRET = "Zr8fTq2LmW9xVb4NcK7pHs3Dg6Jy1Ue5Ao0IiQwE"


def test_hook_fails_a_commit_with_findings_and_names_them(
    tmp_path: Path, pre_commit_home: Path
) -> None:
    repo = _repo(
        tmp_path,
        {
            ".aws/credentials": "[dev]\nregion = eu-west-1\n[dev]\nregion = us-east-1\n",
            "deploy.ps1": f"Set-AWSCredential -AccessKey AKIAQ7RWZ3XBNPLKQ2MV -SecretKey '{SECRET}'"
            " -StoreAs ci\n",
            "notes.txt": "nothing to see\n",
        },
    )
    out = _try_repo(repo, "credls", tmp_path / "home", pre_commit_home)
    assert out.returncode == 1, out.stdout + out.stderr
    text = out.stdout + out.stderr
    assert ".aws/credentials:3:" in text and "CRED101" in text  # the duplicate profile
    assert "deploy.ps1:1:" in text and "CRED302" in text  # the literal secret key
    assert SECRET not in text and "AKIAQ7RWZ3XBNPLKQ2MV" not in text


def test_hook_passes_clean_files(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = _repo(tmp_path, {"deploy.ps1": "Get-S3Bucket -Region eu-west-1\n", "a.txt": "x\n"})
    out = _try_repo(repo, "credls", tmp_path / "home", pre_commit_home)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Passed" in out.stdout


def test_fix_hook_rewrites_the_file_and_stops_the_commit(
    tmp_path: Path, pre_commit_home: Path
) -> None:
    repo = _repo(tmp_path, {"setup.ps1": "Set-AWSCredentials -ProfileName default\r\n"})
    out = _try_repo(repo, "credls-fix", tmp_path / "home", pre_commit_home)
    # pre-commit fails a hook that modified files, so that the fix is reviewed and staged.
    assert out.returncode == 1, out.stdout + out.stderr
    assert "files were modified by this hook" in out.stdout
    assert (repo / "setup.ps1").read_bytes() == b"Set-AWSCredential -ProfileName default\r\n"


def test_secrets_hook_reports_only_literal_keys(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = _repo(
        tmp_path,
        {
            ".aws/credentials": "[dev]\nregion = eu-west-1\n[dev]\nregion = us-east-1\n",
            "app/settings.json": f'{{"SecretAccessKey": "{SECRET}"}}\n',
        },
    )
    out = _try_repo(repo, "credls-secrets", tmp_path / "home", pre_commit_home)
    assert out.returncode == 1, out.stdout + out.stderr
    text = out.stdout + out.stderr
    assert "app/settings.json:1:" in text and "CRED302" in text
    assert "CRED101" not in text  # a duplicate profile is not a literal key
    assert SECRET not in text
