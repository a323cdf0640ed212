"""``credls check`` end to end: real files, real subprocesses of ``python -m credls``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]
import pytest

SCHEMA = json.loads(
    (Path(__file__).parent.parent / "data" / "sarif-schema-2.1.0.json").read_text("utf-8")
)

UNUSED_PS = "$a = 1 # credls: ignore[CRED001]\n$b = 2 # credls: ignore\n"  # line 2: CRED001
SUMMARY_RE = r"^\d+ problems \(\d+ errors, \d+ warnings, \d+ information, \d+ hints\) in \d+ files$"


def credls(
    *args: str,
    cwd: Path,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ)
    full_env.pop("NO_COLOR", None)
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "credls", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env=full_env,
        timeout=timeout,
    )
    out = subprocess.CompletedProcess(
        proc.args,
        proc.returncode,
        proc.stdout.decode("utf-8"),
        proc.stderr.decode("utf-8"),
    )
    assert "Traceback" not in out.stderr, out.stderr
    return out


def check(*args: str, cwd: Path, **kw: object) -> subprocess.CompletedProcess[str]:
    return credls("check", "--no-user-stores", *args, cwd=cwd, **kw)  # type: ignore[arg-type]


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def json_paths(stdout: str) -> list[tuple[str, int]]:
    doc = json.loads(stdout)
    return [(x["path"], x["range"]["start"]["line"]) for x in doc["diagnostics"]]


def files_checked(stdout: str) -> int:
    return int(json.loads(stdout)["summary"]["files"])


# --- basics ----------------------------------------------------------------------------


def test_version(tmp_path: Path) -> None:
    out = credls("--version", cwd=tmp_path)
    assert out.returncode == 0 and out.stdout.strip() == "credls 0.1.0"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ((), "a command is required"),
        (("check", "--bogus"), "unrecognized arguments: --bogus"),
        (("check", "--format", "xml"), "invalid choice: 'xml'"),
        (("check", "--jobs", "0"), "must be at least 1"),
        (("check", "--select", "CRED999"), "--select: 'CRED999' matches no rule"),
        (("frobnicate",), "invalid choice: 'frobnicate'"),
        (("check", "does-not-exist"), "does-not-exist: no such file or folder"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    tmp_path: Path, args: tuple[str, ...], fragment: str
) -> None:
    out = credls(*args, cwd=tmp_path)
    assert out.returncode == 2
    lines = out.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("credls: ") and fragment in lines[0], out.stderr


def test_clean_tree(tmp_path: Path) -> None:
    write(tmp_path / "a.ps1", "Write-Host hi\n")
    write(tmp_path / "notes.md", "# notes\n")
    out = check(cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "0 problems (0 errors, 0 warnings, 0 information, 0 hints) in 2 files\n"


def test_text_output_and_fail_on(tmp_path: Path) -> None:
    write(tmp_path / "s.ps1", UNUSED_PS)
    out = check(cwd=tmp_path)
    lines = out.stdout.splitlines()
    assert lines[0] == "s.ps1:2:10: CRED001 [hint] unused suppression: no finding on this line"
    assert lines[-1] == "1 problems (0 errors, 0 warnings, 0 information, 1 hints) in 1 files"
    assert out.returncode == 0  # a hint is below the default --fail-on warning
    assert check("--fail-on", "hint", cwd=tmp_path).returncode == 1
    assert check("--fail-on", "information", cwd=tmp_path).returncode == 0
    assert check("--fail-on", "hint", "--exit-zero", cwd=tmp_path).returncode == 0
    assert check("--ignore", "CRED001", "--fail-on", "hint", cwd=tmp_path).returncode == 0


def test_severity_from_config_makes_it_fail(tmp_path: Path) -> None:
    write(tmp_path / "s.ps1", UNUSED_PS)
    write(tmp_path / ".credls.toml", '[severity]\nunused-suppression = "error"\n')
    out = check(cwd=tmp_path)
    assert out.returncode == 1
    assert "CRED001 [error]" in out.stdout
    # CLI flags beat the file: with --select of another family nothing is reported.
    assert check("--select", "CRED2", cwd=tmp_path).returncode == 0


def test_json_format(tmp_path: Path) -> None:
    write(tmp_path / "sub" / "s.ps1", UNUSED_PS)
    out = check("--format", "json", cwd=tmp_path)
    doc = json.loads(out.stdout)
    assert doc["summary"] == {"files": 1, "error": 0, "warning": 0, "information": 0, "hint": 1}
    (diag,) = doc["diagnostics"]
    assert diag["path"] == os.path.join("sub", "s.ps1")
    assert diag["code"] == "CRED001" and diag["name"] == "unused-suppression"
    assert diag["range"] == {"start": {"line": 2, "column": 10}, "end": {"line": 2, "column": 24}}


def test_absolute_path_argument_is_shown_relative(tmp_path: Path) -> None:
    write(tmp_path / "sub" / "s.ps1", UNUSED_PS)
    out = check("--format", "json", str(tmp_path / "sub"), cwd=tmp_path)
    assert json_paths(out.stdout) == [(os.path.join("sub", "s.ps1"), 2)]


def test_sarif_format_valid(tmp_path: Path) -> None:
    write(tmp_path / "s.ps1", UNUSED_PS)
    write(tmp_path / ".aws" / "credentials", "[default]\nregion = x # credls: ignore[CRED001]\n")
    out = check("--format", "sarif", cwd=tmp_path)
    doc = json.loads(out.stdout)
    jsonschema.validate(doc, SCHEMA)
    results = doc["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {".aws/credentials", "s.ps1"}


def test_github_format(tmp_path: Path) -> None:
    write(tmp_path / "s.ps1", UNUSED_PS)
    out = check("--format", "github", cwd=tmp_path)
    assert out.stdout == (
        "::notice file=s.ps1,line=2,col=10,endLine=2,endColumn=24,title=CRED001::"
        "unused suppression: no finding on this line\n"
    )


def test_output_file(tmp_path: Path) -> None:
    write(tmp_path / "s.ps1", UNUSED_PS)
    out = check("--format", "json", "--output", "report.json", "s.ps1", cwd=tmp_path)
    assert out.stdout == ""
    assert files_checked((tmp_path / "report.json").read_text("utf-8")) == 1
    bad = check("--output", str(tmp_path / "missing" / "r.txt"), "s.ps1", cwd=tmp_path)
    assert bad.returncode == 2 and "cannot write" in bad.stderr


def test_stdin(tmp_path: Path) -> None:
    text = b"[default]\nregion = us-east-1 # credls: ignore[CRED001]\n"
    out = check(
        "--format",
        "json",
        "--stdin-filename",
        "deploy/.aws/credentials",
        "-",
        cwd=tmp_path,
        stdin=text,
    )
    doc = json.loads(out.stdout)
    assert {d["path"] for d in doc["diagnostics"]} == {"deploy/.aws/credentials"}
    # Read as an INI file: trailing suppressions are not honoured there.
    (diag,) = [d for d in doc["diagnostics"] if d["code"] == "CRED001"]
    assert "not honoured in INI files" in diag["message"]
    plain = check("--format", "json", "-", cwd=tmp_path, stdin=b"x # credls: ignore\n")
    assert json_paths(plain.stdout) == [("-", 1)]


# --- walking -------------------------------------------------------------------------------


def test_gitignore_exclude_and_explicit_files(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".git" / "x.ps1", UNUSED_PS)
    write(tmp_path / ".gitignore", "build/\n*.log\n")
    write(tmp_path / "build" / "s.ps1", UNUSED_PS)
    write(tmp_path / "app.log", UNUSED_PS)
    write(tmp_path / "sub" / ".gitignore", "*.tmp\n!keep.tmp\n")
    write(tmp_path / "sub" / "a.tmp", UNUSED_PS)
    write(tmp_path / "sub" / "keep.tmp", UNUSED_PS)
    write(tmp_path / "vendor" / "lib" / "v.ps1", UNUSED_PS)
    write(tmp_path / "kept.ps1", UNUSED_PS)
    write(tmp_path / ".credls.toml", 'exclude = ["vendor/"]\n')
    out = check("--format", "json", cwd=tmp_path)
    assert sorted(p for p, _ in json_paths(out.stdout)) == [
        "kept.ps1",
        os.path.join("sub", "keep.tmp"),
    ]
    # Walking a sub-folder still honours the repository's top-level .gitignore.
    sub = check("--format", "json", "build", cwd=tmp_path)
    assert files_checked(sub.stdout) == 0
    # Explicit files are always checked (pre-commit passes file names).
    explicit = check("--format", "json", "app.log", "vendor/lib/v.ps1", cwd=tmp_path)
    assert sorted(p for p, _ in json_paths(explicit.stdout)) == ["app.log", "vendor/lib/v.ps1"]


def test_exclude_is_relative_to_the_config_file(tmp_path: Path) -> None:
    write(tmp_path / ".credls.toml", 'exclude = ["/gen"]\n')
    write(tmp_path / "gen" / "a.ps1", UNUSED_PS)
    write(tmp_path / "src" / "gen" / "b.ps1", UNUSED_PS)
    out = check("--format", "json", cwd=tmp_path / "src")
    assert json_paths(out.stdout) == [(os.path.join("gen", "b.ps1"), 2)]
    top = check("--format", "json", cwd=tmp_path)
    assert json_paths(top.stdout) == [(os.path.join("src", "gen", "b.ps1"), 2)]


def test_odd_files(tmp_path: Path) -> None:
    write(tmp_path / "image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    write(tmp_path / "empty.ps1", b"")
    write(tmp_path / "latin1.txt", b"caf\xe9 # credls: ignore\n")
    write(tmp_path / "utf16.ps1", "# credls: ignore-file\n".encode("utf-16"))
    write(
        tmp_path / "credentials" / "inner.txt", "x # credls: ignore\n"
    )  # a folder named credentials
    write(tmp_path / "big.txt", ("x" * 99 + "\n").encode() * 100_000 + b"y # credls: ignore\n")
    out = check("--format", "json", "--fail-on", "hint", cwd=tmp_path)
    assert out.returncode == 1, out.stderr
    assert out.stderr == ""
    assert sorted(json_paths(out.stdout)) == [
        ("big.txt", 100_001),
        (os.path.join("credentials", "inner.txt"), 1),
        ("latin1.txt", 1),
        ("utf16.ps1", 1),
    ]
    assert files_checked(out.stdout) == 5  # the PNG is skipped


def test_explicit_special_paths(tmp_path: Path) -> None:
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling")
    os.mkfifo(tmp_path / "pipe")
    write(tmp_path / "ok.ps1", "Write-Host\n")
    out = check("dangling", "pipe", "ok.ps1", cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr.splitlines() == [
        "credls: dangling: broken symbolic link",
        "credls: pipe: not a regular file or folder",
    ]
    assert out.stdout.endswith("in 1 files\n")
    # Walking skips FIFOs and dangling links silently.
    walked = check(cwd=tmp_path)
    assert walked.returncode == 0 and walked.stderr == ""


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path / "secret.ps1", "x\n")
    path.chmod(0)
    out = check(cwd=tmp_path)
    assert out.returncode == 0
    assert out.stderr.splitlines() == ["credls: cannot read secret.ps1: Permission denied"]


def test_symlink_loop_terminates(tmp_path: Path) -> None:
    write(tmp_path / "a" / "s.ps1", UNUSED_PS)
    os.symlink(tmp_path, tmp_path / "a" / "loop")
    os.symlink(tmp_path / "a", tmp_path / "alias")
    outside = tmp_path.parent / (tmp_path.name + "-outside")
    write(outside / "o.ps1", UNUSED_PS)
    os.symlink(outside, tmp_path / "linked")
    out = check("--format", "json", cwd=tmp_path, timeout=60)
    assert sorted(p for p, _ in json_paths(out.stdout)) == [
        os.path.join("a", "s.ps1"),
        os.path.join("linked", "o.ps1"),
    ]


def test_parallel_output_equals_serial(tmp_path: Path) -> None:
    for i in range(150):
        write(tmp_path / f"d{i % 7}" / f"f{i}.ps1", UNUSED_PS if i % 3 else "Write-Host\n")
    serial = check("--format", "json", "--jobs", "1", cwd=tmp_path)
    parallel = check("--format", "json", "--jobs", "3", cwd=tmp_path)
    assert serial.stdout == parallel.stdout
    assert files_checked(serial.stdout) == 150
    assert len(json.loads(serial.stdout)["diagnostics"]) == 100


# --- configuration errors ---------------------------------------------------------------------


def test_config_unknown_key(tmp_path: Path) -> None:
    cfg = write(tmp_path / ".credls.toml", 'platform = "linux"\n\n[stores]\nsdk_store = "x"\n')
    write(tmp_path / "a.ps1", "x\n")
    out = check(cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr == (
        f"credls: {cfg}:4: unknown key 'sdk_store' in [stores] (did you mean 'sdk-store'?)\n"
    )
    assert out.stdout == ""


def test_config_found_from_checked_path(tmp_path: Path) -> None:
    write(tmp_path / "proj" / "pyproject.toml", "[tool.credls]\nbogus = 1\n")
    write(tmp_path / "proj" / "a.ps1", "x\n")
    out = check("proj", cwd=tmp_path)
    assert out.returncode == 2 and "unknown key 'bogus' in [tool.credls]" in out.stderr
    explicit = check("--config", "nope.toml", "proj", cwd=tmp_path)
    assert explicit.returncode == 2 and "nope.toml: configuration file not found" in explicit.stderr


# --- colour ----------------------------------------------------------------------------------


def _run_on_tty(tmp_path: Path, env: dict[str, str]) -> str:
    import pty

    master, slave = pty.openpty()
    full_env = dict(os.environ)
    full_env.pop("NO_COLOR", None)
    full_env.update(env)
    proc = subprocess.Popen(
        [sys.executable, "-m", "credls", "check", "--no-user-stores"],
        cwd=tmp_path,
        stdout=slave,
        stderr=subprocess.PIPE,
        env=full_env,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(master)
    return b"".join(chunks).decode("utf-8")


def test_colour_only_on_a_tty_and_no_color(tmp_path: Path) -> None:
    write(tmp_path / "s.ps1", UNUSED_PS)
    assert "\x1b[" in _run_on_tty(tmp_path, {})
    assert "\x1b[" not in _run_on_tty(tmp_path, {"NO_COLOR": "1"})
    assert "\x1b[" not in check(cwd=tmp_path).stdout


# --- internal errors --------------------------------------------------------------------------

_BOOM = """\
import credls.rules.security as s
LEAK = "AKIAIOSFODNN7REALKEY wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzREALKEY"
def check(doc, ctx):
    if "boom" in doc.text:
        raise RuntimeError("exploded on " + LEAK)
    return []
def scan_file_bytes(path, data, kind=None, **kw):
    if b"boom" in data:
        raise RuntimeError("exploded on " + LEAK)
    return []
s.check = check
s.scan_file_bytes = scan_file_bytes
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_internal_error_in_a_rule(tmp_path: Path, jobs: str) -> None:
    hook = write(tmp_path / "hook" / "sitecustomize.py", _BOOM)
    for i in range(60):
        write(tmp_path / "w" / f"f{i}.txt", "fine # credls: ignore\n")
    write(tmp_path / "w" / "bad.txt", "boom # credls: ignore\n")
    out = check(
        "--format", "json", "--jobs", jobs, "w", cwd=tmp_path, env={"PYTHONPATH": str(hook.parent)}
    )
    assert out.returncode == 2
    (line,) = out.stderr.splitlines()
    assert line.startswith(
        "credls: internal error in rules.security.scan_file_bytes on "
        f"{os.path.join('w', 'bad.txt')}: RuntimeError:"
    )
    assert "AKIAIOSFODNN7REALKEY" not in line and "REALKEY" not in line.replace("AKIA…LKEY", "")
    # Every other file was still analysed.
    assert len(json.loads(out.stdout)["diagnostics"]) == 61


_BREAK_REPORT = """\
import credls.report.text as t
def render(report, color=False):
    raise KeyError("report writer broke near AKIAIOSFODNN7REALKEY")
t.render = render
"""


def test_top_level_internal_error_is_one_line_unless_debug(tmp_path: Path) -> None:
    hook = write(tmp_path / "hook" / "sitecustomize.py", _BREAK_REPORT)
    write(tmp_path / "a.ps1", "x\n")
    env = {"PYTHONPATH": str(hook.parent)}
    proc = subprocess.run(
        [sys.executable, "-m", "credls", "check", "--no-user-stores", "a.ps1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "credls: internal error: KeyError: 'report writer broke near AKIA…LKEY'"
    ]
    debug = subprocess.run(
        [
            sys.executable,
            "-m",
            "credls",
            "check",
            "--no-user-stores",
            "--log-level",
            "debug",
            "a.ps1",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )
    assert debug.returncode == 2
    assert "Traceback" in debug.stderr and "AKIAIOSFODNN7REALKEY" not in debug.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_file_name_that_is_not_utf8(tmp_path: Path, fmt: str) -> None:
    name = os.fsdecode(b"caf\xe9.ps1")
    write(tmp_path / name, UNUSED_PS)
    out = check("--format", fmt, "--fail-on", "hint", cwd=tmp_path)
    assert out.returncode == 1, out.stderr
    assert "caf" in out.stdout
    if fmt == "sarif":
        jsonschema.validate(json.loads(out.stdout), SCHEMA)


_NO_POOL = """\
import multiprocessing.context as c
def Pool(self, *a, **k):
    raise OSError(38, "Function not implemented")
c.BaseContext.Pool = Pool
"""


def test_no_process_pool_falls_back_to_serial(tmp_path: Path) -> None:
    hook = write(tmp_path / "hook" / "sitecustomize.py", _NO_POOL)
    for i in range(80):
        write(tmp_path / "w" / f"f{i}.ps1", UNUSED_PS)
    out = check(
        "--format", "json", "--jobs", "2", "w", cwd=tmp_path, env={"PYTHONPATH": str(hook.parent)}
    )
    assert out.returncode == 0 and out.stderr == ""
    assert files_checked(out.stdout) == 80


@pytest.mark.parametrize("platform", ["linux", "windows"])
def test_profiles_a_script_creates_are_found_without_user_stores(
    tmp_path: Path, platform: str
) -> None:
    # CI runs with --no-user-stores: a profile the script stores itself must still be
    # found by its later calls (a false CRED201 error before; seen on public scripts).
    write(
        tmp_path / "deploy.ps1",
        "Set-AWSCredential -AccessKey $ak -SecretKey $sk -StoreAs build\n"
        "Get-S3Bucket -ProfileName build\n"
        "Initialize-AWSDefaultConfiguration -ProfileName build -Region eu-west-1\n"
        "Get-S3Bucket -ProfileName default\n"
        "Get-S3Bucket -ProfileName missing\n",
    )
    out = check("--format", "json", "--exit-zero", "--platform", platform, cwd=tmp_path)
    found = [
        (d["code"], d["range"]["start"]["line"]) for d in json.loads(out.stdout)["diagnostics"]
    ]
    assert sorted(found) == [("CRED201", 5), ("CRED403", 3)]  # 1-based lines
