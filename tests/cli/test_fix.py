"""``credls check --fix``: the edit combiner, the file writer, and real CLI runs on real files."""

from __future__ import annotations

import codecs
import json
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_cli_check import check, write

from credls.diagnostic import Diagnostic, Fix, TextEdit
from credls.fix import (
    CLI_SKIPPED_CODES,
    FixRefused,
    apply_fixes,
    choose_fixes,
    dominant_newline,
    fix_file,
    write_atomically,
)
from credls.text import LineIndex, Range

P = "doc.ps1"

# Profiles of the test's credentials file (CRED201 suggestions come only from it).
AKID = "AKIA2345672345672345"
SECRET = "abcdABCD1234abcdABCD1234abcdABCD1234abcd"
CREDS = f"""\
[prod]
aws_access_key_id = {AKID}
aws_secret_access_key = {SECRET}

[Staging]
aws_access_key_id = {AKID}
aws_secret_access_key = {SECRET}
"""


# --- the edit combiner (pure) ------------------------------------------------------------


def diag(
    *edits: tuple[int, int, int, int, str], code: str = "CRED401", path: str = P
) -> Diagnostic:
    """A diagnostic whose fix has ``edits`` given as (line, char, end_line, end_char, text)."""
    te = tuple(TextEdit(path, Range.of(a, b, c, d), new) for a, b, c, d, new in edits)
    return Diagnostic(code, "m", P, Range.of(0, 0), fix=Fix("t", te))


def one(start: int, end: int, new: str, code: str = "CRED401") -> Diagnostic:
    """A one-edit fix on line 0."""
    return diag((0, start, 0, end, new), code=code)


TEXT = "0123456789"


@pytest.mark.parametrize(
    ("fixes", "want_text", "want_fixed"),
    [
        pytest.param([one(0, 2, "ab"), one(5, 7, "xy")], "ab234xy789", [0, 1], id="disjoint"),
        pytest.param([one(2, 5, "A"), one(4, 6, "B")], "01A56789", [0], id="overlap-later-waits"),
        pytest.param([one(4, 6, "B"), one(2, 5, "A")], "0123B6789", [0], id="overlap-order-wins"),
        pytest.param([one(2, 5, "A"), one(5, 8, "B")], "01AB89", [0, 1], id="adjacent"),
        pytest.param([one(2, 5, "A"), one(5, 5, "+")], "01A+56789", [0, 1], id="insert-at-end"),
        pytest.param([one(5, 5, "+"), one(2, 5, "A")], "01A+56789", [0, 1], id="insert-then-range"),
        pytest.param([one(5, 5, "+"), one(5, 8, "B")], "01234+56789", [0], id="insert-at-start"),
        pytest.param([one(5, 5, "+"), one(5, 5, "-")], "01234+56789", [0], id="two-inserts"),
        pytest.param([one(2, 8, "A"), one(5, 5, "+")], "01A89", [0], id="insert-inside"),
        pytest.param([one(3, 4, "x"), one(3, 4, "x")], "012x456789", [0, 1], id="same-change"),
        pytest.param([one(3, 4, "3"), one(0, 1, "z")], "z123456789", [1], id="no-op-skipped"),
        pytest.param([one(0, 11, "z")], TEXT, [], id="past-line-end"),
        pytest.param(
            [one(0, 1, "z"), diag((0, 8, 0, 9, "Q"), (0, 0, 0, 2, "Y"))],
            "z123456789",
            [0],
            id="whole-fix-skipped",
        ),
        pytest.param([diag((0, 1, 0, 3, "A"), (0, 2, 0, 4, "B"))], TEXT, [], id="self-overlapping"),
        pytest.param([diag((0, 1, 0, 2, "A"), path="other.ps1")], TEXT, [], id="other-file"),
        pytest.param([one(1, 2, "A", code="CRED001")], TEXT, [], id="skipped-code"),
    ],
)
def test_apply_fixes_table(fixes: list[Diagnostic], want_text: str, want_fixed: list[int]) -> None:
    text, fixed = apply_fixes(TEXT, fixes, P, skip_codes=CLI_SKIPPED_CODES)
    assert text == want_text
    assert fixed == [fixes[i] for i in want_fixed]
    assert choose_fixes(TEXT, fixes, P, skip_codes=CLI_SKIPPED_CODES) == fixed


def test_multi_line_edits_and_relative_paths() -> None:
    text = "ab\ncd\nef\n"
    d = diag((0, 1, 2, 1, "X"), path=os.path.join(".", P))
    assert apply_fixes(text, [d], P) == ("aXf\n", [d])


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("", "\n"),
        ("one line", "\n"),
        ("a\nb\n", "\n"),
        ("a\r\nb\r\n", "\r\n"),
        ("a\rb\r", "\r"),
        ("a\r\nb\r\nc\n", "\r\n"),
        ("a\nb\nc\r\n", "\n"),
        ("a\r\nb\n", "\r\n"),  # a tie goes to CRLF
    ],
)
def test_dominant_newline(text: str, want: str) -> None:
    assert dominant_newline(text) == want


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_inserted_line_breaks_follow_the_file(newline: str) -> None:
    text = newline.join(["a", "b", "c", ""])
    d = diag((1, 0, 1, 0, "x\ny\r\nz\r"))
    fixed, _ = apply_fixes(text, [d], P)
    assert fixed == newline.join(["a", "x", "y", "z", "b", "c", ""])


def _reference(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Edits applied one by one from the end (slow and obvious)."""
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _conflict(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    return a[0] == b[0] or (a[0] < b[1] and b[0] < a[1])


_texts = st.text(alphabet="ab\n", min_size=0, max_size=30)


@st.composite
def _cases(draw: st.DrawFn) -> tuple[str, list[list[tuple[int, int, str]]]]:
    text = draw(_texts)
    n = len(text)
    fixes = []
    for _ in range(draw(st.integers(0, 6))):
        edits = []
        for _ in range(draw(st.integers(1, 2))):
            start = draw(st.integers(0, n))
            end = draw(st.integers(start, n))
            edits.append((start, end, draw(st.text(alphabet="XY", max_size=3))))
        fixes.append(edits)
    return text, fixes


@settings(max_examples=300, deadline=None)
@given(_cases())
def test_apply_fixes_property(case: tuple[str, list[list[tuple[int, int, str]]]]) -> None:
    text, raw = case
    index = LineIndex(text)
    diags = [
        Diagnostic(
            "CRED401",
            "m",
            P,
            Range.of(0, 0),
            fix=Fix("t", tuple(TextEdit(P, index.range(s, e), new) for s, e, new in edits)),
        )
        for edits in raw
    ]
    new_text, fixed = apply_fixes(text, diags, P)
    chosen = [raw[diags.index(d)] for d in fixed]
    # The chosen edits never conflict, except a fix repeating a chosen fix's change.
    distinct = list({tuple(sorted(c)): c for c in chosen}.values())
    flat = [e for c in distinct for e in c]
    assert not any(_conflict(a, b) for i, a in enumerate(flat) for b in flat[i + 1 :])
    assert new_text == _reference(text, flat)
    # Greedy and whole: an unchosen fix that changes something conflicts with a chosen one
    # or with itself.
    for edits, d in zip(raw, diags, strict=True):
        if d in fixed or all(text[s:e] == new for s, e, new in edits):
            continue
        own = any(_conflict(a, b) for i, a in enumerate(edits) for b in edits[i + 1 :])
        assert own or any(_conflict(a, b) for a in edits for b in flat)


# --- fix_file and the writer over real files -------------------------------------------------


def _aa_rule(path: str):  # type: ignore[no-untyped-def]
    """A toy analysis: every "aa" should read "b" (overlapping fixes in "aaa...")."""

    def analyze(data: bytes) -> list[Diagnostic]:
        text = data.decode("utf-8")
        index = LineIndex(text)
        return [
            Diagnostic(
                "CRED401",
                "aa",
                path,
                index.range(i, i + 2),
                fix=Fix("b", (TextEdit(path, index.range(i, i + 2), "b"),)),
            )
            for i in range(len(text) - 1)
            if text.startswith("aa", i)
        ]

    return analyze


def test_fix_file_defers_overlapping_fixes_until_they_converge(tmp_path: Path) -> None:
    path = write(tmp_path / "f.txt", "aaaaa x\n")
    data = path.read_bytes()
    analyze = _aa_rule(str(path))
    result = fix_file(str(path), data, os.stat(path), analyze(data), analyze)
    assert result.refused is None and result.written
    assert path.read_bytes() == b"bba x\n"  # aaaaa -> bba (pass 1: two, pass 2: none left)
    assert result.diagnostics == []
    assert len(result.fixed) == 2


def test_fix_file_refuses_fixes_that_undo_each_other(tmp_path: Path) -> None:
    path = write(tmp_path / "f.txt", "a\n")
    data = path.read_bytes()

    def flip(content: bytes) -> list[Diagnostic]:
        new = "b" if content.startswith(b"a") else "a"
        edit = TextEdit(str(path), Range.of(0, 0, end=1), new)
        return [Diagnostic("CRED201", "x", str(path), edit.range, fix=Fix("t", (edit,)))]

    result = fix_file(str(path), data, os.stat(path), flip(data), flip)
    assert result.refused == "its fixes undo each other (CRED201); fix it by hand"
    assert not result.written and path.read_bytes() == data
    assert result.diagnostics == flip(data)


def test_fix_file_refuses_fixes_that_never_settle(tmp_path: Path) -> None:
    path = write(tmp_path / "f.txt", "a\n")
    data = path.read_bytes()

    def grow(content: bytes) -> list[Diagnostic]:  # every pass asks for one more "a"
        edit = TextEdit(str(path), Range.of(0, 0), "a")
        return [Diagnostic("CRED401", "x", str(path), edit.range, fix=Fix("t", (edit,)))]

    result = fix_file(str(path), data, os.stat(path), grow(data), grow, max_passes=3)
    assert result.refused == "its fixes did not settle after 3 passes"
    assert path.read_bytes() == data


def test_fix_file_without_an_applicable_fix_refuses_nothing(tmp_path: Path) -> None:
    # Undecodable bytes only matter when something would be written.
    path = write(tmp_path / "f.txt", b"a\xff\n")
    data = path.read_bytes()
    elsewhere = diag((0, 0, 0, 1, "b"), path=str(tmp_path / "other.txt"))
    result = fix_file(str(path), data, os.stat(path), [elsewhere], _aa_rule(str(path)))
    assert (result.refused, result.written, result.diagnostics) == (None, False, [elsewhere])


def test_fix_file_refuses_when_the_file_changes_meanwhile(tmp_path: Path) -> None:
    path = write(tmp_path / "f.txt", "aa\n")
    data = path.read_bytes()
    before = os.stat(path)
    rule = _aa_rule(str(path))

    def editor_saves_meanwhile(new: bytes) -> list[Diagnostic]:
        path.write_bytes(b"aa\nsaved by the editor\n")
        return rule(new)

    result = fix_file(str(path), data, before, rule(data), editor_saves_meanwhile)
    assert result.refused == "it changed on disk while it was being fixed"
    assert path.read_bytes() == b"aa\nsaved by the editor\n"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]  # no temporary file left


def test_fix_file_refuses_when_analysis_fails(tmp_path: Path) -> None:
    path = write(tmp_path / "f.txt", "aa\n")
    data = path.read_bytes()
    result = fix_file(str(path), data, os.stat(path), _aa_rule(str(path))(data), lambda _: None)
    assert result.refused is not None and "analysis failed" in result.refused
    assert path.read_bytes() == data


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fix_file_refuses_a_file_that_is_not_regular(tmp_path: Path) -> None:
    fifo = tmp_path / "f.ps1"
    os.mkfifo(fifo)
    data = b"aa\n"
    result = fix_file(str(fifo), data, os.stat(fifo), _aa_rule(str(fifo))(data), _aa_rule("x"))
    assert result.refused == "not a regular file"


def test_write_atomically_refuses_a_changed_file(tmp_path: Path) -> None:
    path = write(tmp_path / "f.txt", "one\n")
    before = os.stat(path)
    with pytest.raises(FixRefused, match="changed on disk"):
        write_atomically(str(path), b"two\n", b"zero\n", before)
    assert path.read_bytes() == b"one\n"
    write_atomically(str(path), b"two\n", b"one\n", before)
    assert path.read_bytes() == b"two\n"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


# --- the command line ------------------------------------------------------------------------


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    """The checked folder; the credentials file lives beside it, outside the walk."""
    write(tmp_path / "stores" / "creds", CREDS)
    (tmp_path / "proj").mkdir()
    return tmp_path / "proj"


def _stores(root: Path) -> tuple[str, ...]:
    creds = root.parent / "stores" / "creds"
    return ("--credentials-file", str(creds), "--platform", "linux")


def fix(root: Path, *args: str, **kw: object):  # type: ignore[no-untyped-def]
    return check("--fix", *_stores(root), *args, cwd=root, **kw)


def plain(root: Path, *args: str, **kw: object):  # type: ignore[no-untyped-def]
    return check(*_stores(root), *args, cwd=root, **kw)


@pytest.mark.parametrize(
    ("code", "before", "after"),
    [
        ("CRED201", "Get-S3Bucket -ProfileName 'prodd'\n", "Get-S3Bucket -ProfileName 'prod'\n"),
        ("CRED201", '$p = "prodd"\nGet-S3Bucket -ProfileName $p\n', None),
        ("CRED209", "Get-S3Bucket -ProfileName staging\n", "Get-S3Bucket -ProfileName Staging\n"),
        (
            "CRED401",
            "Set-AWSCredentials -ProfileName prod\n",
            "Set-AWSCredential -ProfileName prod\n",
        ),
        ("CRED402", "Set-AWSCredential -StoredCredentials prod\n", None),
        ("CRED402", "Get-AWSCredential -ListProfile\n", "Get-AWSCredential -ListProfileDetail\n"),
    ],
)
def test_each_fixable_code_is_fixed_in_place(
    proj: Path, code: str, before: str, after: str | None
) -> None:
    script = write(proj / "a.ps1", before)
    found = json.loads(plain(proj, "--format", "json", "a.ps1").stdout)["diagnostics"]
    assert [d["code"] for d in found] == [code]
    out = fix(proj, "--format", "json", "a.ps1")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["diagnostics"] == []
    assert out.stderr == "fixed 1 problems in 1 files\n"
    fixed = script.read_text("utf-8")
    assert fixed != before
    if after is not None:
        assert fixed == after
    # The fixed file checks clean without --fix too.
    assert plain(proj, "--format", "json", "a.ps1").stdout == out.stdout


LINE_FIXES = "Set-AWSCredentials -StoredCredentials prodd\n"
LINE_FIXED = "Set-AWSCredential -ProfileName prod\n"


def _clean_script(newline: str) -> tuple[str, str]:
    """A script with three fixes on one line, and its fixed text, using ``newline``."""
    before = ["# héllo ✓", LINE_FIXES.rstrip("\n"), "Write-Host 'ok'", ""]
    after = ["# héllo ✓", LINE_FIXED.rstrip("\n"), "Write-Host 'ok'", ""]
    return newline.join(before), newline.join(after)


@pytest.mark.parametrize(
    ("encoding", "bom", "newline"),
    [
        pytest.param("utf-16-le", codecs.BOM_UTF16_LE, "\r\n", id="utf16le-bom-crlf"),
        pytest.param("utf-16-le", codecs.BOM_UTF16_LE, "\n", id="utf16le-bom-lf"),
        pytest.param("utf-16-be", codecs.BOM_UTF16_BE, "\r\n", id="utf16be-bom-crlf"),
        pytest.param("utf-8", codecs.BOM_UTF8, "\n", id="utf8-bom"),
        pytest.param("utf-8", codecs.BOM_UTF8, "\r\n", id="utf8-bom-crlf"),
        pytest.param("utf-8", b"", "\r\n", id="utf8-crlf"),
        pytest.param("utf-8", b"", "\r", id="utf8-cr"),
    ],
)
def test_encoding_bom_and_line_endings_are_kept(
    proj: Path, encoding: str, bom: bytes, newline: str
) -> None:
    before, after = _clean_script(newline)
    script = write(proj / "a.ps1", bom + before.encode(encoding))
    out = fix(proj, "a.ps1")
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stderr == "fixed 3 problems in 1 files\n"
    assert script.read_bytes() == bom + after.encode(encoding)


def test_mixed_line_endings_are_kept_byte_for_byte(proj: Path) -> None:
    before = b"# a\r\n" + LINE_FIXES.encode() + b"# b\r\n# c\r# d"
    script = write(proj / "a.ps1", before)
    assert fix(proj, "a.ps1").returncode == 0
    assert script.read_bytes() == before.replace(LINE_FIXES.encode(), LINE_FIXED.encode())


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
@pytest.mark.parametrize("mode", [0o640, 0o600, 0o755])
def test_permissions_are_kept(proj: Path, mode: int) -> None:
    script = write(proj / "a.ps1", LINE_FIXES)
    script.chmod(mode)
    assert fix(proj, "a.ps1").returncode == 0
    assert script.read_text("utf-8") == LINE_FIXED
    assert stat.S_IMODE(script.stat().st_mode) == mode
    assert [p.name for p in proj.iterdir()] == ["a.ps1"]  # no temporary file left


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(
            LINE_FIXES.encode() + b"# caf\xe9\n",
            "bytes that are not valid UTF-8 on line 2",
            id="invalid-utf8",
        ),
        pytest.param(
            codecs.BOM_UTF16_LE + LINE_FIXES.encode("utf-16-le") + b"\x00\xd8A\x00",
            "bytes that are not valid UTF-16-LE on line 2",
            id="broken-utf16",
        ),
    ],
)
def test_undecodable_file_is_refused_and_left_alone(proj: Path, data: bytes, reason: str) -> None:
    script = write(proj / "a.ps1", data)
    out = fix(proj, "--format", "json", "a.ps1")
    assert script.read_bytes() == data
    assert out.stderr.splitlines() == [
        f"credls: cannot fix a.ps1: {reason}",
        "fixed 0 problems in 0 files",
    ]
    # The findings are those of the file as it is.
    codes = sorted(d["code"] for d in json.loads(out.stdout)["diagnostics"])
    assert codes == ["CRED201", "CRED401", "CRED402"]
    assert out.returncode == 1


def test_unchanged_files_are_not_rewritten(proj: Path) -> None:
    clean = write(proj / "clean.ps1", "Get-S3Bucket -ProfileName prod\n")
    # Findings, but none with a fix: no suggestion is close, and CRED001 is left to the user.
    unfixable = write(
        proj / "unfixable.ps1",
        "Get-S3Bucket -ProfileName zzzzzz\n$x = 1 # credls: ignore[CRED201]\n",
    )
    before = {p: os.stat(p) for p in (clean, unfixable)}
    out = fix(proj, "--format", "json", "--fail-on", "hint")
    assert out.stderr == "fixed 0 problems in 0 files\n"
    codes = sorted(d["code"] for d in json.loads(out.stdout)["diagnostics"])
    assert codes == ["CRED001", "CRED201"]
    assert out.returncode == 1
    for p, was in before.items():
        now = os.stat(p)
        assert (now.st_ino, now.st_mtime_ns) == (was.st_ino, was.st_mtime_ns)


def test_second_run_is_a_no_op(proj: Path) -> None:
    script = write(proj / "a.ps1", LINE_FIXES + "Get-S3Bucket -ProfileName zzzzzz\n")
    first = fix(proj, "a.ps1")
    assert first.stderr == "fixed 3 problems in 1 files\n"
    was = os.stat(script)
    second = fix(proj, "a.ps1")
    assert second.stderr == "fixed 0 problems in 0 files\n"
    assert second.stdout == first.stdout
    now = os.stat(script)
    assert (now.st_ino, now.st_mtime_ns) == (was.st_ino, was.st_mtime_ns)


@pytest.mark.parametrize("bad", [("-",), ("a.ps1", "-")])
def test_fix_with_stdin_is_a_usage_error(proj: Path, bad: tuple[str, ...]) -> None:
    script = write(proj / "a.ps1", LINE_FIXES)
    out = fix(proj, *bad, stdin=LINE_FIXES.encode())
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.splitlines() == [
        "credls: --fix cannot fix standard input (-); pass file paths"
    ]
    assert script.read_text("utf-8") == LINE_FIXES


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_remaining_findings_are_reported_as_check_would(proj: Path, fmt: str) -> None:
    write(proj / "a.ps1", LINE_FIXES + "Get-S3Bucket -ProfileName zzzzzz\n")
    write(proj / "b.ps1", "Get-AWSCredential -ListProfile\n")
    write(proj / "c.ps1", "Write-Host 'nothing to see'\n")
    out = fix(proj, "--format", fmt)
    assert out.stderr == "fixed 4 problems in 2 files\n"
    assert out.returncode == 1  # the CRED201 without a suggestion remains
    again = plain(proj, "--format", fmt)
    assert (again.stdout, again.returncode) == (out.stdout, out.returncode)
    if fmt == "json":
        diags = json.loads(out.stdout)["diagnostics"]
        assert [(d["path"], d["code"]) for d in diags] == [("a.ps1", "CRED201")]


def test_exit_status_follows_the_remaining_findings(proj: Path) -> None:
    write(proj / "a.ps1", "Get-S3Bucket -ProfileName 'prodd'\n")
    assert plain(proj).returncode == 1
    out = fix(proj)
    assert out.returncode == 0, out.stdout
    assert out.stdout == "0 problems (0 errors, 0 warnings, 0 information, 0 hints) in 1 files\n"


def test_select_and_ignore_limit_the_fixes(proj: Path) -> None:
    script = write(proj / "a.ps1", LINE_FIXES)
    out = fix(proj, "--select", "CRED401", "a.ps1")
    assert out.stderr == "fixed 1 problems in 1 files\n"
    assert script.read_text("utf-8") == "Set-AWSCredential -StoredCredentials prodd\n"
    out = fix(proj, "--ignore", "CRED402", "a.ps1")
    assert out.stderr == "fixed 1 problems in 1 files\n"
    assert script.read_text("utf-8") == "Set-AWSCredential -StoredCredentials prod\n"
    assert "CRED402" not in out.stdout


def test_suppressed_findings_are_not_fixed(proj: Path) -> None:
    text = "Get-AWSCredential -ListProfile # credls: ignore[CRED402]\n"
    script = write(proj / "a.ps1", text)
    out = fix(proj, "a.ps1")
    assert out.stderr == "fixed 0 problems in 0 files\n"
    assert script.read_text("utf-8") == text


def test_one_literal_used_by_two_calls(proj: Path) -> None:
    text = "$p = 'prodd'\nGet-S3Bucket -ProfileName $p\nGet-EC2Instance -ProfileName $p\n"
    script = write(proj / "a.ps1", text)
    out = fix(proj, "a.ps1")
    assert out.stderr == "fixed 2 problems in 1 files\n"
    assert script.read_text("utf-8") == text.replace("prodd", "prod")


def test_fixes_that_undo_each_other_are_refused(proj: Path) -> None:
    # One literal, two calls searching different stores, each suggesting its own name:
    # applying either breaks the other call, so the file is left alone.
    write(proj / "other", "[prodx]\naws_access_key_id = " + AKID + "\n")
    text = (
        "$p = 'prodd'\nGet-S3Bucket -ProfileName $p\n"
        "Get-EC2Instance -ProfileName $p -ProfileLocation ./other\n"
    )
    script = write(proj / "a.ps1", text)
    out = fix(proj, "a.ps1")
    assert script.read_text("utf-8") == text
    (first, summary) = out.stderr.splitlines()
    assert first.startswith("credls: cannot fix a.ps1: its fixes undo each other (")
    assert summary == "fixed 0 problems in 0 files"
    assert out.returncode == 1


@pytest.mark.skipif(os.name != "posix", reason="symbolic and hard links")
def test_links(proj: Path) -> None:
    target = write(proj / "real" / "a.ps1", LINE_FIXES)
    link = proj / "w" / "link.ps1"
    link.parent.mkdir()
    link.symlink_to(target)
    out = fix(proj, "w/link.ps1")
    assert out.stderr == "fixed 3 problems in 1 files\n"
    assert link.is_symlink() and target.read_text("utf-8") == LINE_FIXED
    # A hard-linked file cannot be replaced without splitting the links: refused.
    hard = write(proj / "h" / "a.ps1", LINE_FIXES)
    os.link(hard, proj / "h" / "b.ps1")
    out = fix(proj, "h/a.ps1")
    assert out.stderr.splitlines()[0] == (
        "credls: cannot fix h/a.ps1: it has 2 hard links; replacing it would split them"
    )
    assert hard.read_text("utf-8") == LINE_FIXES


def test_parallel_workers_fix_every_file(proj: Path) -> None:
    for i in range(60):
        write(proj / "w" / f"f{i:02}.ps1", LINE_FIXES)
    out = fix(proj, "--jobs", "2", "--format", "json", "w")
    assert out.returncode == 0, out.stderr
    assert out.stderr == "fixed 180 problems in 60 files\n"
    assert json.loads(out.stdout)["summary"]["files"] == 60
    assert all(p.read_text("utf-8") == LINE_FIXED for p in (proj / "w").iterdir())


_BOOM = """\
import credls.rules.cmdlets as c
_check = c.check
def check(doc, ctx):
    if "boom" in doc.text:
        raise RuntimeError("exploded")
    return _check(doc, ctx)
c.check = check
"""


def test_a_file_whose_analysis_fails_is_not_fixed(proj: Path) -> None:
    hook = write(proj / "hook" / "sitecustomize.py", _BOOM)
    script = write(proj / "w" / "a.ps1", LINE_FIXES + "# boom\n")
    out = fix(proj, "w", env={"PYTHONPATH": str(hook.parent)})
    assert out.returncode == 2
    assert script.read_text("utf-8") == LINE_FIXES + "# boom\n"
    assert out.stderr.splitlines()[-1] == "fixed 0 problems in 0 files"


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_no_secret_in_any_output(proj: Path, fmt: str) -> None:
    token = "IQoJb3JpZ2luX2VjEJr" + "x9Q" * 40
    script_text = (
        f"Set-AWSCredentials -AccessKey {AKID} -SecretKey {SECRET} "
        f"-SessionToken {token} -StoreAs prodd\n"
        "Get-S3Bucket -ProfileName 'prodd'\n"
    )
    script = write(proj / "a.ps1", script_text)
    refused = write(proj / "b.ps1", script_text.encode() + b"# \xff\n")
    out = fix(proj, "--format", fmt, "--log-level", "debug")
    fixed = script.read_text("utf-8")
    assert fixed.startswith("Set-AWSCredential -AccessKey") and SECRET in fixed
    assert refused.read_bytes().endswith(b"\xff\n")
    assert "cannot fix b.ps1" in out.stderr
    for stream in (out.stdout, out.stderr):
        for secret in (SECRET, token, token[:40], SECRET[:20], AKID):
            assert secret not in stream


def test_help_documents_fix(proj: Path) -> None:
    out = check("--help", cwd=proj)
    assert "--fix" in out.stdout and "in place" in out.stdout


def test_a_fix_that_changes_behaviour_is_left_to_the_user(proj: Path) -> None:
    """Clear-AWSCredential -> Remove-AWSCredentialProfile would start deleting a profile."""
    before = "Clear-AWSCredential -ProfileName prod\n"
    script = write(proj / "a.ps1", before)
    found = json.loads(plain(proj, "--format", "json", "a.ps1").stdout)["diagnostics"]
    assert [d["code"] for d in found] == ["CRED401"]
    out = fix(proj, "--format", "json", "a.ps1")
    assert [d["code"] for d in json.loads(out.stdout)["diagnostics"]] == ["CRED401"]
    assert out.stderr == "fixed 0 problems in 0 files\n"
    assert script.read_text("utf-8") == before
