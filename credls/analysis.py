"""The one entry point both front ends call: documents + settings + stores -> diagnostics.

``Workspace.analyze(doc)`` dispatches by document kind to the rule families, then
applies rule selection and severity overrides (``RuleSelection``) and
``credls: ignore`` comments (``rules.suppression``), adding CRED001 for unused
ones. A rule family that raises does not stop the run: the error is recorded as
one line (``credls: internal error in RULE on PATH: ...``) with secrets scrubbed,
and the other families still report.

Rule modules are imported inside functions so that ``credls check`` only pays
for the families a file needs (no tree-sitter for a run without PowerShell).
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from credls.diagnostic import Diagnostic
from credls.document import POWERSHELL_SUFFIXES, Document, DocumentKind, kind_of_path
from credls.rules.context import CheckContext
from credls.rules.registry import RuleSelection
from credls.secret import mask_key_id
from credls.settings import Settings
from credls.source import SourceText, decode, looks_binary

if TYPE_CHECKING:
    from credls.store.chain import StoreChain

_INI_KINDS = (DocumentKind.CREDENTIALS, DocumentKind.CONFIG)
# Rule families that need a parsed INI file or script; without any of them
# selected (e.g. `--select CRED3`), files take the literal scanner's fast path.
_PARSED_INI_FAMILIES = ("CRED1", "CRED2")
_SCRIPT_FAMILIES = ("CRED2", "CRED4")
_NO_TEXT = SourceText("")
_MISSING = ModuleType("missing")
# Names kind_of_path may classify as a store (document.py).
_STORE_NAMES = frozenset({"credentials", "config", "RegisteredAccounts.json"})
_STORE_SUFFIXES = ".credentials"
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF32_BE_BOM = b"\x00\x00\xfe\xff"

_KEY_ID = re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b")
# Long base64-alphabet runs: secret keys and session tokens are among them.
_BASE64_RUN = re.compile(r"[A-Za-z0-9/+=]{20,}")


def _mask_random(m: re.Match[str]) -> str:
    # Random key material mixes upper case, lower case and digits; paths and
    # words rarely do, so error messages keep their file names.
    run = m.group(0)
    mixed = (
        any(c.isupper() for c in run)
        and any(c.islower() for c in run)
        and any(c.isdigit() for c in run)
    )
    return "********" if mixed else run


def redact(text: str) -> str:
    """``text`` with access key IDs masked and random key-like tokens elided."""
    text = _KEY_ID.sub(lambda m: mask_key_id(m.group(0)), text)
    return _BASE64_RUN.sub(_mask_random, text)


def scrub(text: str) -> str:
    """An exception message made safe to print on one line (``redact``, then shortened)."""
    return " ".join(redact(text).split())[:300]


def user_store_paths(settings: Settings) -> dict[str, DocumentKind]:
    """The user's configured stores (options > env > defaults), keyed by normalised path."""
    from credls.store.locations import resolve_locations

    locations = resolve_locations(settings.stores, os.environ, settings.platform)
    out: dict[str, DocumentKind] = {}
    for loc, kind in (
        (locations.credentials_file, DocumentKind.CREDENTIALS),
        (locations.config_file, DocumentKind.CONFIG),
        (locations.sdk_store, DocumentKind.SDK_STORE),
    ):
        if loc is not None:
            out[_norm(loc.path)] = kind
    return out


def _norm(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))


class Workspace:
    """Settings, the store chain and rule selection for one project root.

    ``errors`` collects internal-error lines; ``on_error`` (if given) also receives
    each one as it happens (the server logs them; ``check`` prints them at the end).
    """

    def __init__(
        self,
        settings: Settings,
        root: str | None = None,
        *,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings
        self.root = os.path.abspath(root or os.getcwd())
        self.selection = RuleSelection(settings.select, settings.ignore, settings.severity)
        self.errors: list[str] = []
        self.on_error = on_error
        self._chain: StoreChain | None = None
        self._chain_built = False
        self._store_paths: dict[str, DocumentKind] | None = None
        self._names: frozenset[str] | None = None

    # --- stores ----------------------------------------------------------------

    @property
    def store_paths(self) -> dict[str, DocumentKind]:
        """Configured store files (for kind detection and ``is_user_store``)."""
        if self._store_paths is None:
            try:
                self._store_paths = user_store_paths(self.settings)
            except Exception as exc:  # the stores layer must not break analysis
                self._error("store locations", "<settings>", exc)
                self._store_paths = {}
        return self._store_paths

    @property
    def chain(self) -> StoreChain | None:
        """The configured stores (built on first use; ``None`` if it cannot be built)."""
        if not self._chain_built:
            self._chain_built = True
            try:
                self._chain = _build_chain(self.settings)
            except Exception as exc:
                self._error("store chain", "<settings>", exc)
        return self._chain

    def invalidate(self) -> None:
        """Forget cached store data (settings or store files changed)."""
        self._chain = None
        self._chain_built = False
        self._store_paths = None
        self._names = None

    def kind_of(self, path: str) -> DocumentKind:
        """``document.kind_of_path`` with the configured stores, minus per-file path work.

        Only names that can be a store (``credentials``, ``config``, ``*.credentials``,
        ``RegisteredAccounts.json``, the configured stores' names) need the full test,
        which resolves the absolute path; every other file is a script or plain text
        by its extension (tests/test_analysis.py checks the two agree).
        """
        base = path.rpartition("/")[2]
        if os.sep != "/":
            base = base.rpartition(os.sep)[2]
        if base in self._store_names or base.lower().endswith(_STORE_SUFFIXES):
            return kind_of_path(path, self.store_paths)
        if base.lower().endswith(POWERSHELL_SUFFIXES):
            return DocumentKind.POWERSHELL
        return DocumentKind.TEXT

    @property
    def _store_names(self) -> frozenset[str]:
        names = self._names
        if names is None:
            stores = {os.path.basename(p) for p in self.store_paths}
            names = self._names = frozenset({*_STORE_NAMES, *stores})
        return names

    def context_for(self, doc: Document, fs_path: str | None) -> CheckContext:
        is_user_store = fs_path is not None and _norm(fs_path) in self.store_paths
        # Plain text files only get the literal-key rules, which need no stores.
        chain = self.chain if doc.kind is not DocumentKind.TEXT else None
        if chain is not None and fs_path is not None and doc.kind in _INI_KINDS:
            chain = _with_pair(chain, doc, fs_path)
        return CheckContext(self.settings, chain, is_user_store)

    # --- analysis ----------------------------------------------------------------

    def analyze(self, doc: Document, fs_path: str | None = None) -> list[Diagnostic]:
        """Diagnostics for ``doc``: selected, severity resolved, suppressions applied, sorted.

        ``fs_path`` is the file on disk the document came from (for file
        permissions, the sibling store file and ``is_user_store``); ``None`` for
        standard input or an unsaved buffer.
        """
        ctx = self.context_for(doc, fs_path)
        raw = self._run_rules(doc, ctx, fs_path)
        return self.finish(doc, raw)

    def analyze_bytes(
        self,
        data: bytes,
        path: str,
        fs_path: str | None = None,
        kind: DocumentKind | None = None,
    ) -> list[Diagnostic] | None:
        """Decode and analyze file content; ``None`` for binary content (not checked)."""
        if looks_binary(data):
            return None
        doc = Document(path, decode(data), kind or self.kind_of(fs_path or path))
        return self.analyze(doc, fs_path)

    def analyze_file(self, path: str, data: bytes) -> list[Diagnostic] | None:
        """A file of the ``check`` walk; ``path`` is relative to the cwd or absolute.

        ``None`` for binary content (the file is not checked). Scripts and plain
        text files whose only rules are the literal-key rules take the scanner's
        bytes fast path, which rejects most files without decoding them: plain
        text always, a script when no cmdlet rules are loaded or when its bytes
        can hold no AWS call (``powershell.prefilter``; no parse then).
        """
        # A NUL byte early on is rare in text; only then is the full test needed.
        if b"\x00" in data[:8192] and looks_binary(data):
            return None
        kind = self.kind_of(path)
        if kind in _INI_KINDS and not self._selects(_PARSED_INI_FAMILIES):
            return self.finish(Document(path, _NO_TEXT, kind), self._ini_literals(path, data, kind))
        if kind is DocumentKind.TEXT or (
            kind is DocumentKind.POWERSHELL and not self._needs_script_analysis(data)
        ):
            raw = self._rules("credls.rules.security", "scan_file_bytes", path, path, data, kind)
            if b"credls:" in data or data[:2] in _WIDE_BOMS or data[:4] == _UTF32_BE_BOM:
                # Suppression comments (or a UTF-16/32 file that may hold some).
                return self.finish(Document(path, decode(data), kind), raw)
            return self.finish(Document(path, _NO_TEXT, kind), raw)
        doc = Document(path, decode(data), kind)
        if kind is not DocumentKind.POWERSHELL:
            return self.analyze(doc, path)
        # Each file of the walk is analysed once: its model is dropped before the
        # collector runs again. Collecting while the model is alive would only
        # promote its many objects to older generations, to be scanned again and
        # again (a third of the time of a walk over scripts); dropped first, one
        # young-generation pass frees its few reference cycles.
        enabled = gc.isenabled()
        gc.disable()
        try:
            found = self.analyze(doc, path)
            forget = _function("credls.powershell.script", "forget")
            if forget is not None:
                forget(path)
        finally:
            if enabled:
                gc.enable()
        return found

    def _ini_literals(self, path: str, data: bytes, kind: DocumentKind) -> list[Diagnostic]:
        """CRED301-306 and CRED304 of an INI file without parsing it.

        Only when the literal-key rules are all that is selected: the user's own
        store is not scanned (keys belong there), only its permissions checked and
        its long-term keys named (CRED305).
        """
        from credls.rules import security

        try:
            user_store = _norm(path) in self.store_paths
            found = security.scan_file_bytes(path, data, kind, is_user_store=user_store)
            if user_store and self.selection.is_enabled(security.LONG_TERM_KEYS.code):
                text = decode(data).text
                found += security.long_term_key_diagnostics(path, text, kind)
            first = data.split(b"\n", 1)[0].rstrip(b"\r")
            return found + security.check_permissions(
                path, kind, line_length=len(first.decode("utf-8", "replace"))
            )
        except Exception as exc:
            self._error("rules.security", path, exc)
            return []

    def _selects(self, prefixes: tuple[str, ...]) -> bool:
        """Whether any enabled rule's code starts with one of ``prefixes``."""
        return any(code.startswith(prefixes) for code in self.selection.enabled)

    def _needs_script_analysis(self, data: bytes) -> bool:
        """Whether a script's bytes need the parser and the cmdlet rules.

        A script that can hold no AWS cmdlet call gets no finding from them; its
        literal keys are the text scanner's, the same on the fast path.
        """
        if not self._has_cmdlet_rules():
            return False
        prefilter = _function("credls.powershell.prefilter", "may_need_analysis")
        return prefilter is None or bool(prefilter(data))

    def needs_script_parser(self) -> bool:
        """Whether scripts get the full PowerShell analysis (else only the literal scan)."""
        return self._has_cmdlet_rules()

    def _has_cmdlet_rules(self) -> bool:
        """Whether a selected rule needs the script parsed (CRED2xx, CRED4xx)."""
        return self._selects(_SCRIPT_FAMILIES)

    def preload(self) -> None:
        """Import every rule family now (before forking workers, so they inherit them),
        then freeze what exists for the collector (it lives as long as the process)."""
        import importlib

        from credls.rules.registry import load_all

        load_all()
        for module in (
            "credls.ini.parser",
            "credls.rules.suppression",
            "credls.store.locations",
            "credls.powershell.prefilter",
        ):
            with contextlib.suppress(ImportError):
                importlib.import_module(module)
        _ = self.store_paths
        # Modules and the rule catalog: out of every later collection, in the
        # workers too (the gc documentation's advice before forking).
        gc.freeze()

    def finish(self, doc: Document, raw: Iterable[Diagnostic]) -> list[Diagnostic]:
        """Selection, severity and suppression over raw rule output; sorted."""
        raw = list(raw)
        if not raw and "credls:" not in doc.text:
            return []  # the common case: nothing found, nothing to suppress
        from credls.rules.suppression import apply_suppressions

        selection = self.selection
        selected = [d for d in raw if selection.is_enabled(d.code)]
        kept = apply_suppressions(selected, doc.text, doc.kind, doc.path, selection.is_enabled)
        out = []
        for d in kept:
            sev = selection.severity_of(d.code, d.severity)
            if d.severity is not sev:
                # Direct construction: dataclasses.replace costs ten times more,
                # and a large run resolves tens of thousands of these.
                d = Diagnostic(
                    d.code, d.message, d.path, d.range, sev, d.related, d.fix, d.tags, d.data
                )
            out.append(d)
        out.sort(key=_sort_key)
        return out

    def _run_rules(self, doc: Document, ctx: CheckContext, fs_path: str | None) -> list[Diagnostic]:
        out: list[Diagnostic] = []
        kind = doc.kind
        if kind in _INI_KINDS:
            ini = self._call("credls.ini.parser", "parse", doc.path, doc.text)
            if ini is not None:
                out += self._rules("credls.rules.ini", "check", doc.path, doc, ini, ctx)
                out += self._rules("credls.rules.profiles", "check", doc.path, doc, ini, ctx)
            out += self._rules("credls.rules.security", "check", doc.path, doc, ctx)
        elif kind is DocumentKind.SDK_STORE:
            out += self._rules("credls.rules.profiles", "check_sdk_store", doc.path, doc, ctx)
            if fs_path is not None:  # CRED304: the SDK store holds secrets too
                out += self._rules(
                    "credls.rules.security", "check_permissions", doc.path, fs_path, kind
                )
        else:  # POWERSHELL, TEXT
            literal = self._rules("credls.rules.security", "check", doc.path, doc, ctx)
            script: list[Diagnostic] = []
            if kind is DocumentKind.POWERSHELL:
                script = self._rules("credls.rules.cmdlets", "check", doc.path, doc, ctx)
            # One finding per literal: the script analysis' binding-aware findings
            # replace the text scanner's for the same literal.
            merged = None
            if script:
                merged = self._call(
                    "credls.rules.scripts", "merge_literal_findings", doc.path, literal, script
                )
            out += list(merged) if merged is not None else literal + script
        # CRED304 (file permissions) is part of rules.security.check.
        return out

    def _call(self, module: str, func: str, path: str, *args: Any) -> Any:
        """Call ``module.func(*args)``; ``None`` when missing (not written yet) or failing."""
        fn = _function(module, func)
        if fn is None:
            return None
        try:
            return fn(*args)
        except Exception as exc:
            self._error(f"{module.removeprefix('credls.')}.{func}", path, exc)
            return None

    def _rules(self, module: str, func: str, path: str, *args: Any) -> list[Diagnostic]:
        result = self._call(module, func, path, *args)
        if result is None:
            return []
        return list(result)

    def _error(self, where: str, path: str, exc: BaseException) -> None:
        line = (
            f"credls: internal error in {where} on {path}: {type(exc).__name__}: {scrub(str(exc))}"
        )
        self.errors.append(line)
        if self.on_error is not None:
            self.on_error(line)


_MODULES: dict[str, ModuleType | None] = {}


def _function(module: str, func: str) -> Callable[..., Any] | None:
    """``module.func`` if both exist (a rule family may not be written yet).

    Modules are imported once; the attribute is looked up on every call so that
    a replaced function (tests, plugins) takes effect.
    """
    mod = _MODULES.get(module, _MISSING)
    if mod is _MISSING:
        import importlib

        try:
            mod = importlib.import_module(module)
        except ImportError:
            mod = None
        _MODULES[module] = mod
    fn = getattr(mod, func, None) if mod is not None else None
    return fn if callable(fn) else None


def _build_chain(settings: Settings) -> StoreChain:
    """The configured stores as a StoreChain."""
    from credls.store.chain import StoreChain

    return StoreChain.from_settings(settings)


def _with_pair(chain: StoreChain, doc: Document, fs_path: str) -> StoreChain:
    """The chain plus the checked INI file (its text as analysed) and its sibling.

    interfaces.md: a checked credentials or config file forms a store pair with
    its sibling; the stores layer picks the sibling.
    """
    fs_path = os.path.abspath(fs_path)
    if doc.kind is DocumentKind.CREDENTIALS:
        return chain.with_pair(credentials_path=fs_path, credentials_text=doc.text)
    return chain.with_pair(config_path=fs_path, config_text=doc.text)


def _sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    return d.sort_key


__all__ = ["Workspace", "redact", "scrub", "user_store_paths"]
