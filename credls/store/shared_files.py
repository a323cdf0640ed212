"""The shared credentials + config files as one store, per consumer.

Built on the INI layer: ``credls.ini.parser.parse`` then
``credls.ini.semantics.interpret``/``merge`` (file-format.md §8: credentials wins
per property). Lookups use the ``powershell`` consumer by default (.NET's
``SharedCredentialsFile``, powershell.md §4.2); rules may ask for any other
consumer's view. Each file is re-read when its stamp changes; a missing file
is empty; an unusable one is empty plus a recorded problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from credls.ini.parser import IniFile, parse
from credls.ini.semantics import ConsumerProfile, ConsumerView, FileKind, interpret, merge
from credls.secret import Secret
from credls.store.files import CachedFile, FileRead
from credls.store.model import (
    CONFIG_FILE,
    CREDENTIALS_FILE,
    SECRET_KEYS,
    Profile,
    ProfileSource,
    Property,
    StoreKind,
    StoreProblem,
)
from credls.text import Position

DEFAULT_CONSUMER = "powershell"
SHARED_FILES = "shared-files"


@lru_cache(maxsize=32)
def _parse(text: str, bom: bool) -> IniFile:
    # The same text is often parsed twice (the checked document and its store).
    return parse(text, bom=bom)


@dataclass(frozen=True)
class SsoSession:
    """An ``[sso-session NAME]`` section as one consumer sees it."""

    name: str
    source: ProfileSource
    properties: Mapping[str, Property]


@dataclass(frozen=True)
class PairView:
    """One consumer's reading of the pair: profiles in listing order, sessions, problems.

    ``rejected`` maps a file kind (``credentials``/``config``) to the reason the
    consumer cannot use that file at all.
    """

    consumer: str
    profiles: tuple[Profile, ...]
    by_name: Mapping[str, Profile]
    sso_sessions: Mapping[str, SsoSession]
    problems: tuple[StoreProblem, ...]
    rejected: Mapping[str, str]


@dataclass(frozen=True)
class _FileState:
    read: FileRead
    ini: IniFile | None


def _store_of(file_kind: str) -> StoreKind:
    return CREDENTIALS_FILE if file_kind == "credentials" else CONFIG_FILE


class SharedFilesStore:
    """A credentials file and its config file, read as PowerShell (or another consumer) does."""

    kind = SHARED_FILES
    case_sensitive = True

    def __init__(
        self,
        credentials_path: str | None,
        config_path: str | None,
        *,
        consumer: str = DEFAULT_CONSUMER,
        credentials_text: str | None = None,
        config_text: str | None = None,
    ) -> None:
        self.credentials_path = credentials_path
        self.config_path = config_path
        self.consumer = consumer
        self._files: dict[str, CachedFile[_FileState]] = {}
        if credentials_path is not None:
            self._files["credentials"] = CachedFile(credentials_path, _load, credentials_text)
        if config_path is not None:
            self._files["config"] = CachedFile(config_path, _load, config_text)
        self._views: dict[str, tuple[tuple[int, ...], PairView]] = {}

    # --- identity ---------------------------------------------------------------

    @property
    def key(self) -> str:
        return f"{SHARED_FILES}:{self.credentials_path or ''}|{self.config_path or ''}"

    @property
    def path(self) -> str:
        """The file a profile is written to: the credentials file (else the config file)."""
        return self.credentials_path or self.config_path or ""

    def locations(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        if self.credentials_path is not None:
            out.append((CREDENTIALS_FILE, self.credentials_path))
        if self.config_path is not None:
            out.append((CONFIG_FILE, self.config_path))
        return out

    def path_of(self, file_kind: str) -> str:
        path = self.credentials_path if file_kind == "credentials" else self.config_path
        return path or ""

    # --- reading ----------------------------------------------------------------

    def _states(self) -> dict[str, _FileState]:
        return {kind: cached.get() for kind, cached in self._files.items()}

    def ini(self, file_kind: FileKind) -> IniFile | None:
        """The parsed file (None when absent or unusable)."""
        cached = self._files.get(file_kind)
        return cached.get().ini if cached is not None else None

    def view(self, consumer: str | None = None) -> PairView:
        """The pair as ``consumer`` reads it (default: this store's consumer)."""
        who = consumer or self.consumer
        states = self._states()
        stamp = tuple(c.generation for c in self._files.values())
        cached = self._views.get(who)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        view = self._build_view(who, states)
        self._views[who] = (stamp, view)
        return view

    def _build_view(self, consumer: str, states: dict[str, _FileState]) -> PairView:
        problems: list[StoreProblem] = []
        views: dict[str, ConsumerView] = {}
        for kind, state in states.items():
            if state.read.problem is not None:
                problems.append(state.read.problem)
            if state.ini is not None:
                file_kind: FileKind = "credentials" if kind == "credentials" else "config"
                view = interpret(state.ini, file_kind, consumer)
                views[kind] = view
                if view.rejected is not None:
                    where = (
                        Position(view.rejected_line, 0) if view.rejected_line is not None else None
                    )
                    problems.append(StoreProblem(self.path_of(kind), view.rejected, where))
        merged = merge(views.get("config"), views.get("credentials"), consumer)
        profiles = [self._profile(cp) for cp in merged.profiles.values()]
        # Listing order: the credentials file's profiles, then config-only ones.
        profiles.sort(key=lambda p: (p.store != CREDENTIALS_FILE, p.source.range.start.line))
        sessions = {
            name: SsoSession(name, self._sections(cp)[0], self._properties(cp))
            for name, cp in merged.sso_sessions.items()
            if cp.sections
        }
        return PairView(
            consumer,
            tuple(profiles),
            {p.name: p for p in profiles},
            sessions,
            tuple(problems),
            dict(merged.rejected),
        )

    def _sections(self, cp: ConsumerProfile) -> list[ProfileSource]:
        refs = sorted(cp.sections, key=lambda r: (r.file_kind != "credentials", r.line))
        return [
            ProfileSource(_store_of(r.file_kind), self.path_of(r.file_kind), r.name_range)
            for r in refs
        ]

    def _properties(self, cp: ConsumerProfile) -> dict[str, Property]:
        props: dict[str, Property] = {}
        for key, rp in cp.properties.items():
            loc = rp.location
            value: str | Secret = Secret(rp.value) if key in SECRET_KEYS else rp.value
            source = ProfileSource(
                _store_of(loc.file_kind), self.path_of(loc.file_kind), loc.key_range
            )
            props[key] = Property(key, value, source, loc.value_range)
        return props

    def _profile(self, cp: ConsumerProfile) -> Profile:
        sections = self._sections(cp)
        return Profile.build(cp.name, sections[0], self._properties(cp), tuple(sections))

    # --- the store protocol -------------------------------------------------------

    def get(self, name: str) -> Profile | None:
        """Case-sensitive lookup (``[profile x]`` in the credentials file per consumer rules)."""
        return self.view().by_name.get(name)

    def profiles(self) -> tuple[Profile, ...]:
        return self.view().profiles

    def sso_session(self, name: str, consumer: str | None = None) -> SsoSession | None:
        return self.view(consumer).sso_sessions.get(name)

    @property
    def problems(self) -> tuple[StoreProblem, ...]:
        return self.view().problems

    def defined_by_any(self, name: str, consumers: tuple[str, ...]) -> Profile | None:
        """The profile as the first of ``consumers`` that sees it reads it."""
        for consumer in consumers:
            found = self.view(consumer).by_name.get(name)
            if found is not None:
                return found
        return None


def _load(read: FileRead) -> _FileState:
    if read.text is None:
        return _FileState(read, None)
    return _FileState(read, _parse(read.text, read.bom))
