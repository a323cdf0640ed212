"""analysis.Workspace and rules.suppression: selection, suppression comments, CRED001, errors."""

from __future__ import annotations

import os
import types
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credls.analysis import Workspace, scrub
from credls.diagnostic import Diagnostic, Severity, Tag
from credls.document import Document, DocumentKind
from credls.rules import registry, security
from credls.rules.context import CheckContext
from credls.rules.suppression import apply_suppressions, parse_directives
from credls.settings import Settings, StoreSettings
from credls.source import SourceText, decode
from credls.text import Range

PS = DocumentKind.POWERSHELL
CREDS = DocumentKind.CREDENTIALS
TEXT = DocumentKind.TEXT

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzREALKEY"


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make sure the rules these tests name exist, whatever other families have landed."""
    registry.load_all()
    for code, name, sev in (
        ("CRED109", "unknown-key", Severity.WARNING),
        ("CRED301", "literal-access-key", Severity.WARNING),
        ("CRED302", "literal-secret-key", Severity.WARNING),
        ("CRED306", "example-key", Severity.HINT),
    ):
        if code not in registry._RULES:
            stub = registry.Rule(code, name, sev, "stub", "stub", "", "")
            monkeypatch.setitem(registry._RULES, code, stub)
            monkeypatch.setitem(registry._BY_NAME, name, stub)


def diag(code: str, line: int, col: int = 0) -> Diagnostic:
    return Diagnostic(code, f"{code} finding", "f", Range.of(line, col, end=col + 4))


def run(
    text: str, kind: DocumentKind, found: list[Diagnostic], enabled: Callable[[str], bool] = bool
) -> tuple[list[tuple[str, int]], list[Diagnostic]]:
    out = apply_suppressions(found, text, kind, "f", enabled)
    kept = sorted((d.code, d.range.start.line) for d in out if d.code != "CRED001")
    unused = [d for d in out if d.code == "CRED001"]
    return kept, unused


# (id, kind, text, findings as (code, line), kept as (code, line), CRED001 lines)
CASES = [
    ("ps-trailing", PS, "$a = 1 # credls: ignore[CRED301]\n", [("CRED301", 0)], [], []),
    (
        "ps-trailing-other-code",
        PS,
        "$a = 1 # credls: ignore[CRED302]\n",
        [("CRED301", 0)],
        [("CRED301", 0)],
        [0],
    ),
    (
        "ps-trailing-by-name",
        PS,
        "$a # credls: ignore[literal-access-key]\n",
        [("CRED301", 0)],
        [],
        [],
    ),
    ("ps-trailing-all", PS, "$a = 1 # credls: ignore\n", [("CRED301", 0), ("CRED302", 0)], [], []),
    (
        "ps-trailing-only-own-line",
        PS,
        "$a = 1 # credls: ignore\n$b = 2\n",
        [("CRED301", 1)],
        [("CRED301", 1)],
        [0],
    ),
    ("ps-next-line", PS, "# credls: ignore-next-line[CRED301]\n$a\n", [("CRED301", 1)], [], []),
    (
        "ps-next-line-not-two-below",
        PS,
        "# credls: ignore-next-line[CRED301]\n$a\n$b\n",
        [("CRED301", 2)],
        [("CRED301", 2)],
        [0],
    ),
    (
        "ps-next-line-stacked",
        PS,
        "# credls: ignore-next-line[CRED301]\n  # credls: ignore-next-line[CRED302]\n$a\n",
        [("CRED301", 2), ("CRED302", 2)],
        [],
        [],
    ),
    (
        "ps-file",
        PS,
        "$a\n$b\n# credls: ignore-file[CRED306]\n",
        [("CRED306", 0), ("CRED306", 1), ("CRED301", 1)],
        [("CRED301", 1)],
        [],
    ),
    (
        "ps-several-codes-one-unused",
        PS,
        "$a # credls: ignore[CRED301, CRED302]\n",
        [("CRED301", 0)],
        [],
        [0],
    ),
    (
        "ps-unknown-code",
        PS,
        "$a # credls: ignore[CRED999]\n",
        [("CRED301", 0)],
        [("CRED301", 0)],
        [0],
    ),
    ("ps-empty-brackets", PS, "$a # credls: ignore[]\n", [("CRED301", 0)], [("CRED301", 0)], [0]),
    (
        "ps-not-a-directive",
        PS,
        "$a # credls: ignored[CRED301]\n",
        [("CRED301", 0)],
        [("CRED301", 0)],
        [],
    ),
    (
        "ps-semicolon-is-not-a-comment",
        PS,
        "$a ; credls: ignore[CRED301]\n",
        [("CRED301", 0)],
        [("CRED301", 0)],
        [],
    ),
    (
        "ini-next-line",
        CREDS,
        "# credls: ignore-next-line[CRED109]\nfoo = 1\n",
        [("CRED109", 1)],
        [],
        [],
    ),
    (
        "ini-next-line-semicolon",
        CREDS,
        "; credls: ignore-next-line[CRED109]\nfoo = 1\n",
        [("CRED109", 1)],
        [],
        [],
    ),
    (
        "ini-file",
        CREDS,
        "[a]\nfoo = 1\n# credls: ignore-file[unknown-key]\n",
        [("CRED109", 1)],
        [],
        [],
    ),
    (
        "ini-trailing-not-honoured",
        CREDS,
        "foo = 1 # credls: ignore[CRED109]\n",
        [("CRED109", 0)],
        [("CRED109", 0)],
        [0],
    ),
    (
        "ini-trailing-next-line-not-honoured",
        CREDS,
        "[a] # credls: ignore-next-line[CRED109]\nfoo = 1\n",
        [("CRED109", 1)],
        [("CRED109", 1)],
        [0],
    ),
    (
        "ini-full-line-ignore-form",
        CREDS,
        "# credls: ignore[CRED109]\nfoo = 1\n",
        [("CRED109", 1)],
        [("CRED109", 1)],
        [0],
    ),
    ("text-slashes", TEXT, 'key = "AKIA" // credls: ignore[CRED301]\n', [("CRED301", 0)], [], []),
    ("text-html", TEXT, "<!-- credls: ignore-file -->\nAKIA\n", [("CRED301", 1)], [], []),
    (
        "next-line-at-eof",
        PS,
        "$a\n# credls: ignore-next-line[CRED301]",
        [("CRED301", 0)],
        [("CRED301", 0)],
        [1],
    ),
    ("crlf", PS, "# credls: ignore-next-line[CRED301]\r\n$a\r\n", [("CRED301", 1)], [], []),
    ("lone-cr", PS, "# credls: ignore-next-line[CRED301]\r$a\r", [("CRED301", 1)], [], []),
    (
        "unused-suppression-of-cred001-is-not-reported",
        PS,
        "# credls: ignore-file[CRED001]\n$a # credls: ignore[CRED301]\n",
        [],
        [],
        [],
    ),
    ("no-directive", PS, "$a\n", [("CRED301", 0)], [("CRED301", 0)], []),
]


@pytest.mark.parametrize(
    ("kind", "text", "found", "kept", "unused_lines"),
    [pytest.param(*c[1:], id=c[0]) for c in CASES],
)
def test_suppression_table(
    kind: DocumentKind,
    text: str,
    found: list[tuple[str, int]],
    kept: list[tuple[str, int]],
    unused_lines: list[int],
) -> None:
    got_kept, unused = run(text, kind, [diag(c, ln) for c, ln in found], lambda c: True)
    assert got_kept == sorted(kept)
    assert sorted(d.range.start.line for d in unused) == unused_lines
    for d in unused:
        assert d.tags == (Tag.UNNECESSARY,)
        assert d.fix is not None and d.fix.edits


def test_unused_codes_are_named_and_fix_keeps_the_used_ones() -> None:
    text = "$a = 1 # credls: ignore[CRED301, CRED302]\n"
    _, unused = run(text, PS, [diag("CRED301", 0)], lambda c: True)
    (d,) = unused
    assert "CRED302" in d.message and "CRED301" not in d.message
    assert d.range == Range.of(0, 9, end=41)
    assert d.fix is not None
    (edit,) = d.fix.edits
    assert edit.new_text == "credls: ignore[CRED301]"
    assert edit.range == d.range


def test_fix_removes_whole_comment_line() -> None:
    text = "[a]\n# credls: ignore-next-line[CRED109]\nfoo = 1\n"
    _, (d,) = run(text, CREDS, [], lambda c: True)
    assert d.fix is not None
    (edit,) = d.fix.edits
    assert edit.range == Range.of(1, 0, end_line=2, end=0) and edit.new_text == ""


def test_fix_removes_trailing_comment_only() -> None:
    text = "$a = 1   # credls: ignore[CRED301]\n"
    _, (d,) = run(text, PS, [], lambda c: True)
    assert d.fix is not None
    (edit,) = d.fix.edits
    assert edit.range == Range.of(0, 6, end=len(text) - 1)


def test_codes_of_rules_not_selected_are_not_reported_unused() -> None:
    text = "$a # credls: ignore[CRED301]\n"
    _, unused = run(text, PS, [], lambda c: c != "CRED301")
    assert unused == []


def test_cred001_disabled_means_no_unused_report() -> None:
    text = "$a # credls: ignore[CRED301]\n"
    _, unused = run(text, PS, [], lambda c: c != "CRED001")
    assert unused == []


def test_json_sdk_store_has_no_comments() -> None:
    assert parse_directives('{"a": "# credls: ignore-file"}', DocumentKind.SDK_STORE) == []


def test_directive_positions_count_code_points() -> None:
    text = "$é = '日本' # credls: ignore[CRED301]\n"
    (d,) = parse_directives(text, PS)
    assert text[d.start : d.end] == "credls: ignore[CRED301]"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.sampled_from(list("ab #;[]\n\r\t,-:credlsignorefilextCRED301")), max_size=200
    )
)
def test_suppression_never_raises_and_keeps_unsuppressed(text: str) -> None:
    for kind in (PS, CREDS, TEXT):
        found = [diag("CRED301", 0), diag("CRED302", 1)]
        out = apply_suppressions(found, text, kind, "f")
        # Only CRED001 can be added, and nothing but the given findings survive.
        assert all(d.code == "CRED001" or d in found for d in out)


# --- Workspace -----------------------------------------------------------------------


def _doc(tmp_path: Path, name: str, text: str) -> tuple[Document, str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    kind = DocumentKind.POWERSHELL if name.endswith(".ps1") else DocumentKind.TEXT
    return Document(name, SourceText(text), kind), str(path)


def _fake_security(
    monkeypatch: pytest.MonkeyPatch, behaviour: Callable[[Document, CheckContext], list[Diagnostic]]
) -> None:
    """Replace the literal-key family (full and bytes entry points) by ``behaviour``."""
    monkeypatch.setattr(security, "check", behaviour, raising=False)

    def from_bytes(
        path: str, data: bytes, kind: DocumentKind | None = None, **kw: object
    ) -> list[Diagnostic]:
        doc = Document(path, decode(data), kind or DocumentKind.TEXT)
        return behaviour(doc, CheckContext(Settings()))

    monkeypatch.setattr(security, "scan_file_bytes", from_bytes, raising=False)


def _mark_lines(doc: Document, ctx: CheckContext) -> list[Diagnostic]:
    """One CRED301 per line containing `KEY`, one CRED306 per line with `EXAMPLE`."""
    out = []
    for i, line in enumerate(doc.text.splitlines()):
        if "KEY" in line:
            out.append(
                Diagnostic(
                    "CRED301",
                    "literal key",
                    doc.path,
                    Range.of(i, line.index("KEY"), end=line.index("KEY") + 3),
                )
            )
        if "EXAMPLE" in line:
            out.append(Diagnostic("CRED306", "example", doc.path, Range.of(i, 0, end=1)))
    return out


@pytest.fixture
def no_stores() -> Settings:
    return Settings(stores=StoreSettings(use_user_stores=False))


def test_analyze_applies_severity_selection_and_sorting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_stores: Settings
) -> None:
    _fake_security(monkeypatch, _mark_lines)
    doc, fs = _doc(tmp_path, "a.txt", "EXAMPLE\nx KEY\nKEY EXAMPLE\n")
    ws = Workspace(no_stores)
    got = [(d.code, d.range.start.line, d.severity) for d in ws.analyze(doc, fs)]
    assert got == [
        ("CRED306", 0, Severity.HINT),
        ("CRED301", 1, Severity.WARNING),
        ("CRED301", 2, Severity.WARNING),
        ("CRED306", 2, Severity.HINT),
    ]
    ws = Workspace(
        Settings(select=["CRED3"], ignore=["example-key"], severity={"CRED301": "error"})
    )
    got = [(d.code, d.range.start.line, d.severity) for d in ws.analyze(doc, fs)]
    assert got == [("CRED301", 1, Severity.ERROR), ("CRED301", 2, Severity.ERROR)]


def test_analyze_suppression_and_unused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_stores: Settings
) -> None:
    _fake_security(monkeypatch, _mark_lines)
    text = "$k = 'KEY' # credls: ignore[CRED301]\n$j = 1 # credls: ignore[CRED301]\n"
    doc, fs = _doc(tmp_path, "s.ps1", text)
    got = Workspace(no_stores).analyze(doc, fs)
    assert [(d.code, d.range.start.line, d.severity) for d in got] == [
        ("CRED001", 1, Severity.HINT)
    ]


def test_rule_exception_is_reported_scrubbed_and_run_continues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_stores: Settings
) -> None:
    def boom(doc: Document, ctx: CheckContext) -> list[Diagnostic]:
        raise ValueError(f"bad value {SECRET} near AKIAIOSFODNN7REALKEY")

    _fake_security(monkeypatch, boom)
    errors: list[str] = []
    doc, fs = _doc(tmp_path, "s.txt", "$a # credls: ignore[CRED301]\n")
    ws = Workspace(no_stores, on_error=errors.append)
    got = ws.analyze(doc, fs)
    # The suppression machinery still ran after the failure.
    assert [d.code for d in got] == ["CRED001"]
    assert errors == ws.errors
    (line,) = errors
    assert line.startswith("credls: internal error in rules.security.check on s.txt: ValueError:")
    assert SECRET not in line and "AKIAIOSFODNN7REALKEY" not in line
    assert "AKIA…LKEY" in line


def test_analyze_file_skips_binary(no_stores: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_security(monkeypatch, _mark_lines)
    ws = Workspace(no_stores)
    assert ws.analyze_file("x.bin", b"KEY\x00\x01") is None
    assert [d.code for d in ws.analyze_file("x.txt", b"KEY\n") or []] == ["CRED301"]


def test_is_user_store_for_configured_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    creds = tmp_path / "store" / "credentials"
    creds.parent.mkdir()
    creds.write_text("[default]\n", encoding="utf-8")
    seen: list[bool] = []

    def record(doc: Document, ctx: CheckContext) -> list[Diagnostic]:
        seen.append(ctx.is_user_store)
        return []

    _fake_security(monkeypatch, record)
    ws = Workspace(
        Settings(stores=StoreSettings(credentials_file=str(creds), use_user_stores=False))
    )
    assert ws.kind_of(str(creds)) is DocumentKind.CREDENTIALS
    other = tmp_path / "repo.credentials"
    other.write_text("[default]\n", encoding="utf-8")
    for path in (creds, other):
        doc = Document(str(path), SourceText(path.read_text()), ws.kind_of(str(path)))
        ws.analyze(doc, str(path))
    assert seen == [True, False]


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("key AKIAIOSFODNN7REALKEY here", "AKIAIOSFODNN7REALKEY"),
        (f"secret={SECRET}", SECRET),
        ("token IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ", "IQoJb3JpZ2luX2VjEJr"),
    ],
)
def test_scrub(text: str, hidden: str) -> None:
    assert hidden not in scrub(text)


@pytest.mark.parametrize(
    "text",
    [
        "No such file: /home/user/projects/deploy/credentials",
        "bad value for region_name_in_profile_section",
        "hash 0123456789abcdef0123456789abcdef",
    ],
)
def test_scrub_keeps_ordinary_text(text: str) -> None:
    assert scrub(text) == text


def test_module_without_function_is_skipped(
    no_stores: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = types.ModuleType("credls.rules.security")
    monkeypatch.setitem(__import__("sys").modules, "credls.rules.security", fake)
    ws = Workspace(no_stores)
    assert ws.analyze_file("x.txt", b"KEY\n") == []
    assert ws.errors == []


_NAMES = [
    "a.ps1", "B.PSM1", "x.psd1", "notes.txt", "credentials", "config", "x.credentials",
    "X.CREDENTIALS", "RegisteredAccounts.json", "registeredaccounts.json", "config.ini",
    "credentials.bak", ".env", "Makefile", "ps1", "a.ps1.txt",
]  # fmt: skip
_FOLDERS = ["", ".aws", "repo/.aws", "repo", ".AWS"]


@pytest.mark.parametrize("folder", _FOLDERS)
@pytest.mark.parametrize("name", _NAMES)
def test_kind_of_agrees_with_kind_of_path(tmp_path: Path, folder: str, name: str) -> None:
    from credls.document import kind_of_path

    store = tmp_path / "store" / "mycreds"
    ws = Workspace(
        Settings(stores=StoreSettings(credentials_file=str(store), use_user_stores=False))
    )
    for path in (os.path.join(folder, name), str(tmp_path / folder / name), str(store)):
        assert ws.kind_of(path) is kind_of_path(path, ws.store_paths), path
