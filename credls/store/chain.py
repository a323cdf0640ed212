"""The store chain: which stores a profile lookup searches, in which order.

powershell.md §4.2 (``CredentialProfileStoreChain``): without a profile
location, the SDK store is searched first on Windows (skipped elsewhere), then
the shared credentials file merged with its config file; the first store that
has the name wins. With a profile location only that credentials file (and
its ``config`` sibling) is searched. Listing returns the SDK store's profiles
then the file's, without de-duplication, and only those that can create
credentials.

Lookup is case-insensitive in the SDK store and case-sensitive in the files.
``known-profiles`` from the settings count as existing everywhere.

``overlay()`` gives a copy-on-write view where profiles can be registered,
copied and removed without touching disk: the PowerShell flow analysis
simulates ``Set-AWSCredential -StoreAs`` and ``Remove-AWSCredentialProfile``
with it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from credls.secret import Secret
from credls.settings import Platform, Settings
from credls.store.locations import ENV_CONFIG, resolve_locations, sibling_config
from credls.store.model import (
    CREDENTIALS_FILE,
    SDK_STORE,
    SECRET_KEYS,
    Profile,
    ProfileSource,
    Property,
    StoreKind,
    StoreProblem,
)
from credls.store.sdk_store import SdkStore
from credls.store.shared_files import SharedFilesStore

# PowerShell's legacy default profile name (powershell.md §3.1, step 7).
LEGACY_DEFAULT = "AWS PS Default"


class ProfileStore(Protocol):
    """What the chain needs of a store."""

    @property
    def key(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def case_sensitive(self) -> bool: ...

    @property
    def path(self) -> str: ...

    def get(self, name: str) -> Profile | None: ...

    def profiles(self) -> Sequence[Profile]: ...

    def locations(self) -> list[tuple[str, str]]:
        """(store kind, path) of each file behind the store, in lookup order."""
        ...

    @property
    def problems(self) -> Sequence[StoreProblem]: ...


def _norm(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and _norm(a) == _norm(b)


class _EmptyStore:
    """A store with no file (no home directory, no SDK store): always empty."""

    problems: tuple[StoreProblem, ...] = ()

    def __init__(self, kind: str, path: str, case_sensitive: bool) -> None:
        self._kind = kind
        self._path = path
        self._case_sensitive = case_sensitive

    @property
    def key(self) -> str:
        return f"{self._kind}:{self._path}"

    @property
    def kind(self) -> str:
        return self._kind

    @property
    def case_sensitive(self) -> bool:
        return self._case_sensitive

    @property
    def path(self) -> str:
        return self._path

    def get(self, name: str) -> Profile | None:
        return None

    def profiles(self) -> Sequence[Profile]:
        return ()

    def locations(self) -> list[tuple[str, str]]:
        return [(self._kind, self._path)] if self._path else []


# Where a script's writes go when that store does not exist (no SDK store, no home
# directory, ``--no-user-stores``): PowerShell would create it. Searched in its place,
# so that a profile the script itself creates is found by its later calls.
_NO_SDK_STORE = _EmptyStore(SDK_STORE, "", case_sensitive=False)
_NO_SHARED_FILES = _EmptyStore("shared-files", "", case_sensitive=True)


class _StoreView:
    """A store in front of another: its identity and problems are the base's."""

    __slots__ = ("_base",)

    def __init__(self, base: ProfileStore) -> None:
        self._base = base

    @property
    def key(self) -> str:
        return self._base.key

    @property
    def kind(self) -> str:
        return self._base.kind

    @property
    def case_sensitive(self) -> bool:
        return self._base.case_sensitive

    @property
    def path(self) -> str:
        return self._base.path

    @property
    def problems(self) -> Sequence[StoreProblem]:
        return self._base.problems

    def locations(self) -> list[tuple[str, str]]:
        return self._base.locations()


class _PinnedStore(_StoreView):
    """A store read once: ``get``/``profiles`` answered from one consistent read
    (``StoreChain.snapshot``)."""

    __slots__ = ("_found", "_get", "_profiles")

    def __init__(self, base: ProfileStore) -> None:
        super().__init__(base)
        self._found: dict[str, Profile | None] = {}
        self._get: Callable[[str], Profile | None] | None = None
        self._profiles: Sequence[Profile] = ()

    def _load(self) -> Callable[[str], Profile | None]:
        base = self._base
        get: Callable[[str], Profile | None]
        # One read of the files: the parsed view both answers come from.
        view = getattr(base, "view", None)  # SharedFilesStore
        data = getattr(base, "data", None) if view is None else None  # SdkStore
        if callable(view):
            read = view()
            get, self._profiles = read.by_name.get, read.profiles
        elif data is not None and callable(getattr(data, "get", None)):
            get, self._profiles = data.get, data.profiles
        else:
            get, self._profiles = base.get, base.profiles()
        self._get = get
        return get

    def get(self, name: str) -> Profile | None:
        found = self._found
        if name in found:
            return found[name]
        get = self._get or self._load()
        hit = found[name] = get(name)
        return hit

    def profiles(self) -> Sequence[Profile]:
        if self._get is None:
            self._load()
        return self._profiles

    def __getattr__(self, name: str) -> Any:
        # credentials_path, config_path, …: whatever else the store offers.
        return getattr(self._base, name)


class _Pins:
    """Snapshot state shared by a chain, its overlays and its paired copies."""

    __slots__ = ("depth", "stores")

    def __init__(self) -> None:
        self.depth = 0
        self.stores: dict[int, _PinnedStore] = {}

    def wrap(self, store: ProfileStore) -> ProfileStore:
        pinned = self.stores.get(id(store))
        if pinned is None:
            # The wrapper holds the store, so its id cannot be reused meanwhile.
            pinned = self.stores[id(store)] = _PinnedStore(store)
        return pinned


class StoreChain:
    """Stores in search order for one modelled platform.

    ``sdk_store`` is searched only when the platform is Windows; ``pair`` is the
    file pair of a document being checked (searched before the configured
    shared files, which it replaces when it is the same credentials file).
    """

    def __init__(
        self,
        platform: Platform,
        *,
        sdk_store: SdkStore | None = None,
        shared: SharedFilesStore | None = None,
        pair: SharedFilesStore | None = None,
        known_profiles: Iterable[str] = (),
        config_override: str | None = None,
    ) -> None:
        self.platform = platform
        self.sdk_store = sdk_store
        self.shared = shared
        self.pair = pair
        self.known_profiles = tuple(dict.fromkeys(known_profiles))
        # AWS_CONFIG_FILE as .NET applies it to an explicit profile location (§4.2).
        self.config_override = config_override
        self._located: dict[str, SharedFilesStore] = {}
        self._pins = _Pins()

    # --- construction ---------------------------------------------------------

    @classmethod
    def from_settings(cls, settings: Settings, env: Mapping[str, str] | None = None) -> StoreChain:
        """The chain the settings describe; ``env`` defaults to the process environment."""
        environ: Mapping[str, str] = os.environ if env is None else env
        where = resolve_locations(settings.stores, environ, settings.platform)
        sdk = SdkStore(where.sdk_store.path) if where.sdk_store else None
        shared = None
        if where.credentials_file or where.config_file:
            shared = SharedFilesStore(
                where.credentials_file.path if where.credentials_file else None,
                where.config_file.path if where.config_file else None,
            )
        override = environ.get(ENV_CONFIG) if settings.stores.use_user_stores else None
        return cls(
            settings.platform,
            sdk_store=sdk,
            shared=shared,
            known_profiles=settings.known_profiles,
            config_override=override or None,
        )

    def with_pair(
        self,
        credentials_path: str | None = None,
        config_path: str | None = None,
        *,
        credentials_text: str | None = None,
        config_text: str | None = None,
    ) -> StoreChain:
        """This chain plus the file pair of a document being checked.

        A half given as None is no file, except when the other half is one of
        the configured store files: then the configured partner completes the
        pair (callers pass the ``config``/``credentials`` sibling explicitly,
        interfaces.md). ``*_text`` pins a file's content (an unsaved buffer).
        A pair given here replaces any pair this chain already has.
        """
        cred, conf = credentials_path, config_path
        shared = self.shared
        if shared is not None:
            if cred is None and _same(conf, shared.config_path):
                cred = shared.credentials_path
            if conf is None and _same(cred, shared.credentials_path):
                conf = shared.config_path
        pair = SharedFilesStore(
            cred, conf, credentials_text=credentials_text, config_text=config_text
        )
        chain = StoreChain(
            self.platform,
            sdk_store=self.sdk_store,
            shared=self.shared,
            pair=pair,
            known_profiles=self.known_profiles,
            config_override=self.config_override,
        )
        chain._located = self._located
        chain._pins = self._pins
        return chain

    # --- stores ---------------------------------------------------------------

    def _located_store(self, profile_location: str) -> SharedFilesStore:
        if self.pair is not None and _same(self.pair.credentials_path, profile_location):
            return self.pair
        key = _norm(profile_location)
        store = self._located.get(key)
        if store is None:
            config = self.config_override or sibling_config(profile_location)
            store = SharedFilesStore(profile_location, config)
            self._located[key] = store
        return store

    def _base_stores(self, profile_location: str | None) -> list[ProfileStore]:
        stores: list[ProfileStore]
        if profile_location:
            stores = [self._located_store(profile_location)]
        else:
            stores = []
            if self.platform is Platform.WINDOWS:
                stores.append(self.sdk_store or _NO_SDK_STORE)
            if self.pair is not None:
                stores.append(self.pair)
            if self.shared is None:
                stores.append(_NO_SHARED_FILES)
            elif not self._pair_replaces_shared():
                stores.append(self.shared)
        pins = self._pins
        if pins.depth > 0:
            return [pins.wrap(s) for s in stores]
        return stores

    def _pair_replaces_shared(self) -> bool:
        """The checked pair is (half of) the configured files: search it in their place."""
        if self.pair is None or self.shared is None:
            return False
        return _same(self.pair.credentials_path, self.shared.credentials_path) or _same(
            self.pair.config_path, self.shared.config_path
        )

    def stores(self, profile_location: str | None = None) -> list[ProfileStore]:
        """The stores a lookup searches, in order."""
        return self._base_stores(profile_location)

    def searched_locations(self, profile_location: str | None = None) -> list[tuple[str, str]]:
        """(store kind, path) of each store searched: for messages ("looked in …")."""
        return [loc for store in self.stores(profile_location) for loc in store.locations()]

    # --- queries --------------------------------------------------------------

    def find(self, name: str, profile_location: str | None = None) -> list[Profile]:
        """Every store's profile of that name, in search order; the first one wins.

        A declared known profile comes last (it exists only at run time).
        """
        hits = [p for s in self.stores(profile_location) if (p := s.get(name)) is not None]
        if name in self.known_profiles:
            hits.append(Profile.known(name))
        return hits

    def lookup(self, name: str, profile_location: str | None = None) -> Profile | None:
        """The profile PowerShell's ``TryGetProfile`` returns: the first hit."""
        hits = self.find(name, profile_location)
        return hits[0] if hits else None

    def exists(self, name: str, profile_location: str | None = None) -> bool:
        return bool(self.find(name, profile_location))

    def list_profiles(self, profile_location: str | None = None) -> list[Profile]:
        """Profiles PowerShell lists (``Get-AWSCredential -ListProfileDetail``), in order."""
        return [
            p
            for s in self.stores(profile_location)
            for p in s.profiles()
            if p.can_create_credentials
        ]

    def all_profiles(self, profile_location: str | None = None) -> list[Profile]:
        """Every profile of every searched store, usable or not (completion, rules)."""
        return [p for s in self.stores(profile_location) for p in s.profiles()]

    def find_case_insensitive(
        self, name: str, profile_location: str | None = None
    ) -> list[Profile]:
        """Profiles whose name equals ``name`` ignoring case, in search order."""
        wanted = name.casefold()
        hits = [p for p in self.all_profiles(profile_location) if p.name.casefold() == wanted]
        hits.extend(Profile.known(k) for k in self.known_profiles if k.casefold() == wanted)
        return hits

    def has_sso_session(self, name: str, consumers: Sequence[str] = ("powershell",)) -> bool:
        """An ``[sso-session NAME]`` exists in the checked pair or the configured files."""
        pairs = [s for s in (self.pair, self.shared) if s is not None]
        return any(s.sso_session(name, c) is not None for s in pairs for c in consumers)

    @property
    def problems(self) -> list[StoreProblem]:
        seen: list[StoreProblem] = []
        for store in [self.sdk_store, self.pair, self.shared]:
            if store is not None:
                seen.extend(p for p in store.problems if p not in seen)
        return seen

    def refresh(self) -> None:
        """Re-read any store file that changed (lookups also do this lazily)."""
        for store in [self.sdk_store, self.pair, self.shared, *self._located.values()]:
            if store is not None:
                store.profiles()

    @contextmanager
    def snapshot(self) -> Iterator[StoreChain]:
        """Within the block, each store file is read (and stat-ed) at most once.

        Lookups otherwise re-check every store file on every access to notice
        changes; one analysis of a script makes thousands of lookups and needs
        one consistent view. Overlays and paired copies of this chain share the
        snapshot; blocks nest.
        """
        pins = self._pins
        pins.depth += 1
        try:
            yield self
        finally:
            pins.depth -= 1
            if pins.depth <= 0:
                pins.depth = 0
                pins.stores.clear()

    # --- overlay --------------------------------------------------------------

    def overlay(self) -> OverlayChain:
        """A copy-on-write view of this chain for simulating store changes."""
        return OverlayChain(self, {})


class _OverlayStore(_StoreView):
    """A store seen through edits: name -> Profile (added/replaced) or None (removed)."""

    __slots__ = ("_edits",)

    def __init__(self, base: ProfileStore, edits: dict[str, Profile | None]) -> None:
        super().__init__(base)
        self._edits = edits

    def _k(self, name: str) -> str:
        return name if self._base.case_sensitive else name.casefold()

    def get(self, name: str) -> Profile | None:
        key = self._k(name)
        if key in self._edits:
            return self._edits[key]
        return self._base.get(name)

    def profiles(self) -> Sequence[Profile]:
        out: list[Profile] = []
        seen: set[str] = set()
        for p in self._base.profiles():
            key = self._k(p.name)
            if key in self._edits:
                edited = self._edits[key]
                if edited is not None and key not in seen:
                    out.append(edited)
                seen.add(key)
            else:
                out.append(p)
        out.extend(p for k, p in self._edits.items() if p is not None and k not in seen)
        return out

    def locations(self) -> list[tuple[str, str]]:
        return self._base.locations()


class OverlayChain(StoreChain):
    """A chain whose stores carry in-memory edits; the disk is never written."""

    def __init__(self, base: StoreChain, edits: dict[str, dict[str, Profile | None]]) -> None:
        super().__init__(
            base.platform,
            sdk_store=base.sdk_store,
            shared=base.shared,
            pair=base.pair,
            known_profiles=base.known_profiles,
            config_override=base.config_override,
        )
        self._located = base._located
        self._pins = base._pins
        self._base_chain = base
        self._edits = edits

    def overlay(self) -> OverlayChain:
        """A child view: edits here do not reach this overlay."""
        return OverlayChain(self._base_chain, {k: dict(v) for k, v in self._edits.items()})

    def stores(self, profile_location: str | None = None) -> list[ProfileStore]:
        return [
            _OverlayStore(s, self._edits.setdefault(s.key, {}))
            for s in self._base_stores(profile_location)
        ]

    # -- simulated writes (powershell.md §2 store routing) ---------------------

    def _write_target(self, profile_location: str | None) -> ProfileStore:
        """SDK store on Windows without a location; else the credentials file."""
        if profile_location:
            return self._located_store(profile_location)
        if self.platform is Platform.WINDOWS:
            return self.sdk_store or _NO_SDK_STORE
        if self.pair is not None and self._pair_replaces_shared():
            return self.pair
        return self.shared or _NO_SHARED_FILES

    def _store_edits(self, store: ProfileStore) -> dict[str, Profile | None]:
        return self._edits.setdefault(store.key, {})

    def _put(self, store: ProfileStore, profile: Profile) -> None:
        key = profile.name if store.case_sensitive else profile.name.casefold()
        self._store_edits(store)[key] = profile

    def register(
        self,
        name: str,
        values: Mapping[str, str | Secret],
        profile_location: str | None = None,
        origin: ProfileSource | None = None,
    ) -> Profile:
        """Simulate ``RegisterProfile``: keys given replace the stored ones, others stay.

        ``values`` uses INI key names; ``origin`` is where the script creates it
        (defaults to the target store's file).
        """
        target = self._write_target(profile_location)
        view = _OverlayStore(target, self._store_edits(target))
        existing = view.get(name)
        kind: StoreKind = SDK_STORE if target.kind == SDK_STORE else CREDENTIALS_FILE
        where = origin or ProfileSource(
            kind, getattr(target, "credentials_path", None) or target.path
        )
        props: dict[str, Property] = dict(existing.properties) if existing else {}
        for key, value in values.items():
            if not value:
                props.pop(key.lower(), None)
                continue
            stored: str | Secret = value
            if key.lower() in SECRET_KEYS and isinstance(value, str):
                stored = Secret(value)
            props[key.lower()] = Property(key, stored, where)
        stored_name = existing.name if existing else name
        profile = Profile.build(stored_name, where, props)
        self._put(target, profile)
        return profile

    def unregister(self, name: str, profile_location: str | None = None) -> Profile | None:
        """Simulate ``UnregisterProfile``: remove from the first store that has it."""
        for store in self._base_stores(profile_location):
            view = _OverlayStore(store, self._store_edits(store))
            found = view.get(name)
            if found is not None:
                key = found.name if store.case_sensitive else found.name.casefold()
                self._store_edits(store)[key] = None
                return found
        return None

    def copy(
        self,
        source_name: str,
        target_name: str,
        profile_location: str | None = None,
        origin: ProfileSource | None = None,
    ) -> Profile | None:
        """Simulate ``CopyProfile`` inside the store where ``source_name`` is found."""
        for store in self._base_stores(profile_location):
            view = _OverlayStore(store, self._store_edits(store))
            found = view.get(source_name)
            if found is not None:
                where = origin or found.source
                copied = Profile.build(target_name, where, found.properties, found.sections)
                self._put(store, copied)
                return copied
        return None
