"""Shared helpers for the script-analysis tests: corpus, stores, expectations."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from credls.diagnostic import Diagnostic
from credls.document import Document, DocumentKind
from credls.rules.context import CheckContext
from credls.rules.scripts import check_script
from credls.settings import Platform, Settings, StoreSettings
from credls.source import decode
from credls.store.chain import StoreChain

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"
STORES = HERE / "stores"
CORPUS_FILES = sorted(p.name for p in CORPUS.glob("*.ps1"))

# ci/credentials beside the corpus scripts (10_location.ps1 reads it relatively).
CI_CREDENTIALS = """[ci]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
"""

_EXPECT = re.compile(r"#\s*expect:\s*(CRED\d{3}(?:\s*,\s*CRED\d{3})*)")
_EXPECT_AT = re.compile(r"^\s*#\s*expect-at:\s*(\d+)\s+(CRED\d{3}(?:\s*,\s*CRED\d{3})*)", re.M)
_HEADER = re.compile(r"^#\s*corpus:\s*(.*)$", re.M)


@dataclass
class Workspace:
    root: Path  # the copied corpus folder
    stores: Path

    def settings(self, platform: Platform = Platform.LINUX) -> Settings:
        return Settings(
            platform=platform,
            known_profiles=["ci-runtime"],
            stores=StoreSettings(
                credentials_file=str(self.stores / "credentials"),
                config_file=str(self.stores / "config"),
                sdk_store=str(self.stores / "RegisteredAccounts.json"),
                use_user_stores=False,
            ),
        )


def make_workspace(tmp: Path) -> Workspace:
    """The corpus and the store fixtures copied into ``tmp`` (never ~/.aws)."""
    root = tmp / "corpus"
    shutil.copytree(CORPUS, root)
    (root / "ci").mkdir()
    (root / "ci" / "credentials").write_text(CI_CREDENTIALS, encoding="utf-8")
    stores = tmp / "stores"
    shutil.copytree(STORES, stores)
    return Workspace(root, stores)


def platform_of(text: str) -> Platform:
    m = _HEADER.search(text)
    if m and "platform=windows" in m.group(1):
        return Platform.WINDOWS
    return Platform.LINUX


def analyze_bytes(
    path: Path, data: bytes, settings: Settings, chain: StoreChain | None = None
) -> list[Diagnostic]:
    """What analysis.py does for a script: scanner + cmdlets merged (scripts.check_script)."""
    doc = Document(str(path), decode(data), DocumentKind.POWERSHELL)
    chain = chain or StoreChain.from_settings(settings, env={})
    return check_script(doc, CheckContext(settings, chain))


def analyze_text(path: Path, text: str, settings: Settings) -> list[Diagnostic]:
    return analyze_bytes(path, text.encode("utf-8"), settings)


def expected(text: str) -> Counter[tuple[int, str]]:
    """(1-based line, code) of every `# expect:` / `# expect-at:` comment."""
    out: Counter[tuple[int, str]] = Counter()
    for i, line in enumerate(text.splitlines(), 1):
        m = _EXPECT.search(line)
        if m:
            for code in m.group(1).split(","):
                out[(i, code.strip())] += 1
    for m in _EXPECT_AT.finditer(text):
        for code in m.group(2).split(","):
            out[(int(m.group(1)), code.strip())] += 1
    return out


def found(diags: list[Diagnostic]) -> Counter[tuple[int, str]]:
    return Counter((d.range.start.line + 1, d.code) for d in diags)


def digest(diags: list[Diagnostic]) -> list[tuple[object, ...]]:
    """Comparable view of findings: code, range, message, severity, fix edits."""
    return sorted(
        (
            d.code,
            d.range,
            d.message,
            d.severity,
            tuple((e.range, e.new_text) for e in d.fix.edits) if d.fix else (),
        )
        for d in diags
    )
