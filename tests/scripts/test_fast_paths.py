"""Fast paths of script analysis give the answers of the slow ones.

* ``StoreChain.snapshot``: one consistent read of the stores per analysis;
* ``Workspace.analyze_file``: a script that can hold no AWS call is not parsed
  (``powershell.prefilter``) and gets the same findings;
* ``rules.scripts`` suggestions: the bit-parallel distance equals the table one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from script_helpers import make_workspace

from credls.analysis import Workspace
from credls.powershell import script
from credls.powershell.parser import PowerShellDocument
from credls.rules.scripts import _distance, suggestions
from credls.settings import Platform, Settings, StoreSettings
from credls.store import files
from credls.store.chain import StoreChain

# --- StoreChain.snapshot ------------------------------------------------------------------


def _chain(tmp_path: Path) -> tuple[StoreChain, Path]:
    creds = tmp_path / "credentials"
    creds.write_text("[a]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n", encoding="utf-8")
    settings = Settings(
        platform=Platform.LINUX,
        stores=StoreSettings(
            credentials_file=str(creds),
            config_file=str(tmp_path / "config"),
            use_user_stores=False,
        ),
    )
    return StoreChain.from_settings(settings, env={}), creds


def _rewrite(creds: Path, text: str) -> None:
    creds.write_text(text, encoding="utf-8")
    st = creds.stat()
    os.utime(creds, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # a visible change


def test_snapshot_answers_repeated_lookups_from_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chain, _ = _chain(tmp_path)
    chain.refresh()
    stats: list[str] = []
    real = files.stamp_of

    def counting(path: str) -> files.Stamp | None:
        stats.append(path)
        return real(path)

    monkeypatch.setattr(files, "stamp_of", counting)
    overlay = chain.overlay()
    with chain.snapshot():
        for i in range(50):
            assert overlay.lookup("a") is not None
            assert chain.find("b") == []
            assert [p.name for p in overlay.all_profiles()] == ["a"]
            if i == 0:
                first = len(stats)
    # Each distinct question reads the files once; asking again reads nothing.
    assert 0 < first <= 6
    assert len(stats) == first
    stats.clear()
    for _ in range(3):
        chain.lookup("a")
    assert len(stats) >= 3  # outside a snapshot every lookup checks again


def test_snapshot_is_consistent_and_changes_show_after_it(tmp_path: Path) -> None:
    chain, creds = _chain(tmp_path)
    with chain.snapshot():
        assert chain.lookup("a") is not None
        _rewrite(creds, "[b]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n")
        assert chain.lookup("a") is not None  # the view of this analysis
        assert chain.lookup("b") is None
        with chain.snapshot():  # nested: still the same view
            assert chain.lookup("b") is None
        assert chain.lookup("b") is None
    assert chain.lookup("a") is None
    assert chain.lookup("b") is not None


def test_snapshot_ends_on_error(tmp_path: Path) -> None:
    chain, creds = _chain(tmp_path)
    with pytest.raises(RuntimeError), chain.snapshot():
        chain.lookup("a")
        raise RuntimeError
    _rewrite(creds, "[b]\n")
    assert chain.lookup("a") is None


# --- the prefilter in Workspace.analyze_file -----------------------------------------------

NO_AWS = (
    "param([string]$Path = '.')\n"
    "Get-ChildItem -Path $Path | Where-Object { $_.Length -gt 10 }\n"
    "$key = 'AKIAIOSFODNN7EXAMPLE'  # credls: ignore[CRED301]\n"
    "$secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'\n"
)
NO_AWS_NO_KEY = "Get-ChildItem -Path . | Sort-Object Length\nWrite-Output 'done'\n"
AWS = "Get-S3Bucket -ProfileName nope -AccessKey AKIAIOSFODNN7EXAMPLE\n"


def _workspace(tmp_path: Path) -> Workspace:
    ws = make_workspace(tmp_path)
    return Workspace(ws.settings(), str(ws.root))


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        (NO_AWS, True),  # a credential literal: the prefilter lets it through
        (NO_AWS_NO_KEY, False),
        (AWS, True),
        ("Set-AWSCredential -ProfileName x\n", True),
        ("# only a comment\n", False),
    ],
    ids=["literal-keys", "plain", "service-call", "credential-cmdlet", "comment"],
)
def test_prefilter_skips_the_parse_with_the_same_findings(
    text: str, parsed: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _workspace(tmp_path)
    path = tmp_path / "s.ps1"
    data = text.encode("utf-8")
    path.write_bytes(data)
    parses: list[str] = []
    real = PowerShellDocument

    def counting(source: str) -> PowerShellDocument:
        parses.append(source)
        return real(source)

    monkeypatch.setattr(script, "PowerShellDocument", counting)
    script.clear_cache()
    fast = ws.analyze_file(str(path), data)
    assert bool(parses) is parsed
    monkeypatch.setattr(Workspace, "_needs_script_analysis", lambda self, data: True)
    script.clear_cache()
    full = ws.analyze_file(str(path), data)
    assert fast == full
    assert ws.errors == []


def test_utf16_scripts_are_always_analysed(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    data = "\ufeff" + AWS
    raw = data.encode("utf-16-le")
    found = ws.analyze_file(str(tmp_path / "w.ps1"), raw)
    assert found is not None
    assert any(d.code == "CRED201" for d in found)


# --- suggestions ----------------------------------------------------------------------------


def _table_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


_NAMES = st.text(alphabet="abcAB-_é1", max_size=14)


@given(_NAMES, _NAMES)
def test_bit_parallel_distance_equals_the_table(a: str, b: str) -> None:
    assert _distance(a, b) == _table_distance(a, b)


@given(_NAMES, st.lists(_NAMES, max_size=6))
def test_suggestions_are_the_names_within_the_limit(name: str, candidates: list[str]) -> None:
    limit = 1 if len(name) <= 4 else 2
    wanted = name.casefold()
    want: dict[str, int] = {}
    for c in candidates:
        if not c or c.casefold() == wanted or c in want:
            continue
        d = _table_distance(wanted, c.casefold())
        if d <= limit and d < len(name):
            want[c] = d
    assert suggestions(name, candidates) == sorted(want, key=lambda c: (want[c], c))
