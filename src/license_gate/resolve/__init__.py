"""The resolve stage: references -> components with a version -> a licence outcome.

Sources are asked in order of cost and trust: installed metadata (only when the installed
release is the one asked for), the persistent cache, then the PyPI JSON API (unless
offline). Every component ends with a Resolution or an Unresolved with a reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from license_gate.model import (
    Cause,
    Component,
    Evidence,
    Outcome,
    Place,
    Reference,
    Resolution,
    ResolvedComponent,
    Unresolved,
)
from license_gate.resolve.cache import PROJECT_TTL_SECONDS, Cache, CacheError
from license_gate.resolve.installed import InstalledSource
from license_gate.resolve.interface import Index, Key, LicenceText, same_version
from license_gate.resolve.metadata import outcome_from_metadata
from license_gate.resolve.pypi import (
    DEFAULT_PYPI_URL,
    HttpSettings,
    PyPIClient,
    PyPISource,
    redact,
)

if TYPE_CHECKING:
    from license_gate.knowledge.textmatch import SplitText

T = TypeVar("T")
# Cache namespace of licence texts split into regions, keyed by digest and matcher.
TEXTS = "licence-text"


@dataclass(frozen=True)
class ResolveSettings:
    offline: bool = False
    # PyPI's JSON API, or a mirror of it (--pypi-url): the index when ``indexes`` is empty
    pypi_url: str = DEFAULT_PYPI_URL
    cache_dir: Path | None = None  # None: no cache at all
    http: HttpSettings = field(default_factory=HttpSettings)
    search_path: Sequence[str] | None = None  # None: this interpreter's sys.path
    # Simple-API indexes, primary first, as pip or uv would use them (resolve.indexes);
    # empty: the JSON API at ``pypi_url``, and PyPI's simple API behind it
    indexes: tuple[str, ...] = ()


@dataclass
class _Group:
    name: str
    version: str | None
    specifier: str = ""
    places: set[Place] = field(default_factory=set)
    unresolvable: str | None = None


def group_references(refs: Sequence[Reference]) -> list[_Group]:
    """Merge references to the same package. Exact versions (lockfiles, ``==``) make one
    component each; looser mentions join the pinned component their range admits, and
    only when nothing pins the package do they form an unpinned component."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    by_name: dict[str, list[Reference]] = defaultdict(list)
    for ref in refs:
        by_name[ref.name].append(ref)
    groups: list[_Group] = []
    for name, items in sorted(by_name.items()):
        direct: dict[str, _Group] = {}
        for ref in items:
            if ref.unresolvable:
                group = direct.setdefault(
                    ref.unresolvable, _Group(name, ref.version, unresolvable=ref.unresolvable)
                )
                group.places.add(ref.place)
        groups.extend(direct.values())
        registry = [r for r in items if not r.unresolvable]
        pinned: dict[str, _Group] = {}
        for ref in registry:
            if ref.version:
                key = next((v for v in pinned if same_version(v, ref.version)), ref.version)
                pinned.setdefault(key, _Group(name, key)).places.add(ref.place)
        loose = [r for r in registry if not r.version]
        if pinned:
            for ref in loose:
                try:
                    spec = SpecifierSet(ref.specifier)
                except InvalidSpecifier:
                    spec = SpecifierSet()
                targets = [g for v, g in pinned.items() if spec.contains(v, prereleases=True)]
                for group in targets or pinned.values():
                    group.places.add(ref.place)
            groups.extend(pinned.values())
        elif loose:
            specs = sorted({r.specifier for r in loose if r.specifier})
            group = _Group(name, None, ",".join(specs))
            group.places.update(r.place for r in loose)
            groups.append(group)
    return groups


def _choose(versions: Sequence[str], specifier: str) -> str | None:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version

    try:
        spec = SpecifierSet(specifier)
    except InvalidSpecifier:
        spec = SpecifierSet()
    parsed: list[Version] = []
    for v in versions:
        try:
            parsed.append(Version(v))
        except InvalidVersion:
            continue
    # As pip chooses: no pre-release unless the specifier names one, or only
    # pre-releases match. Said explicitly, since packaging 26 lets an empty specifier
    # admit pre-releases by default.
    matching = [v for v in parsed if spec.contains(v, prereleases=spec.prereleases or False)]
    if not matching:
        matching = [v for v in parsed if spec.contains(v, prereleases=True)]
    if not matching:
        return None
    best = max(matching)
    return next(v for v in versions if _safe_eq(v, best))


def _public(version: str) -> str:
    """The public part of a version: ``2.5.1`` of ``2.5.1+cu121`` (PEP 440 local label)."""
    from packaging.version import InvalidVersion, Version

    try:
        parsed = Version(version)
    except InvalidVersion:
        return version
    return parsed.public if parsed.local else version


def _safe_eq(text: str, version: object) -> bool:
    from packaging.version import InvalidVersion, Version

    try:
        return Version(text) == version
    except InvalidVersion:
        return False


class Resolver:
    def __init__(self, settings: ResolveSettings) -> None:
        self.settings = settings
        self.cache = Cache(settings.cache_dir) if settings.cache_dir else None
        self.installed = InstalledSource(settings.search_path, self._split)
        self._new_texts: list[tuple[str, dict[str, Any]]] = []
        self._client: PyPIClient | None = None
        self._indexes: list[Index] | None = None
        self.notes: list[str] = []

    def _split(self, file: LicenceText) -> SplitText:
        """A licence text split into its regions, remembered in the cache: matching costs
        milliseconds a text, and a text's answer never changes (the key names the
        matcher's version). An installed file is known by its path, size and mtime, so
        a warm run neither reads nor hashes it."""
        from license_gate.knowledge.textmatch import SplitText, fingerprint, split

        text = None if file.identity else file.read()
        key = fingerprint(text if text is not None else "", file.identity)
        hit = self._cache_call(self.cache.get_entry, TEXTS, key, None) if self.cache else None
        if hit is not None:
            try:
                return SplitText.from_json(hit)
            except (KeyError, TypeError, ValueError):
                pass  # an entry from a damaged or foreign cache is a miss
        found = split(file.read() if text is None else text)
        self._new_texts.append((key, found.to_json()))
        return found

    def _save_texts(self) -> None:
        if self._new_texts and self.cache is not None:
            self._cache_call(self.cache.put_entries, TEXTS, self._new_texts)
        self._new_texts = []

    @property
    def client(self) -> PyPIClient:
        if self._client is None:
            self._client = PyPIClient(self.settings.pypi_url, self.settings.http)
        return self._client

    @property
    def indexes(self) -> list[Index]:
        """The indexes asked, in order. PyPI is asked through its JSON API first (one
        request a release) and its simple API behind it, for a mirror that serves only
        the simple API; any other index only through the simple API, so that nothing
        goes to pypi.org unless pypi.org is configured."""
        if self._indexes is None:
            from license_gate.resolve.indexes import PYPI_SIMPLE, is_pypi
            from license_gate.resolve.simple import SimpleClient, SimpleSource

            def simple(url: str) -> SimpleSource:
                return SimpleSource(SimpleClient(url, self.settings.http), self._split)

            out: list[Index] = []
            if not self.settings.indexes:
                out.append(PyPISource(self.client, self._split))
                if self.settings.pypi_url == DEFAULT_PYPI_URL:
                    out.append(simple(PYPI_SIMPLE))
            for url in self.settings.indexes:
                if is_pypi(url):
                    out.append(PyPISource(PyPIClient(DEFAULT_PYPI_URL, self.settings.http),
                                          self._split))
                out.append(simple(url))
            self._indexes = out
        return self._indexes

    def _namespaces(self) -> list[str]:
        """Where the cache keeps each index's answers, in the order they are asked
        (building the sources sends nothing)."""
        return list(dict.fromkeys(index.namespace for index in self.indexes))

    @property
    def _project_namespace(self) -> str:
        """Release lists are merged over every index, as pip merges candidates."""
        return "pypi" if not self.settings.indexes else "pypi@" + " ".join(
            redact(u.rstrip("/")) for u in self.settings.indexes)

    def _cache_call(self, func: Callable[..., T], *args: object) -> T | None:
        """Run a cache operation; a broken cache degrades to no cache, with a note."""
        if self.cache is None:
            return None
        try:
            return func(*args)
        except CacheError as exc:
            self.notes.append(f"cache disabled for this run: {exc}")
            self.cache = None
            return None

    def _pick_versions(
        self, groups: list[_Group]
    ) -> dict[int, tuple[str | None, Evidence | Unresolved]]:
        """For unpinned groups: the installed version if it satisfies the range, else the
        latest matching release on PyPI (or in the cache when offline)."""
        from packaging.specifiers import InvalidSpecifier, SpecifierSet

        out: dict[int, tuple[str | None, Evidence | Unresolved]] = {}
        need_latest: list[int] = []
        for index, group in enumerate(groups):
            if group.version is not None or group.unresolvable:
                continue
            installed = self.installed.version_of(group.name)
            if installed is not None:
                try:
                    ok = SpecifierSet(group.specifier).contains(installed, prereleases=True)
                except InvalidSpecifier:
                    ok = False
                if ok:
                    out[index] = (installed, Evidence(
                        "installed", "version", installed, "not pinned; the installed version"
                    ))
                    continue
            need_latest.append(index)
        to_fetch: list[int] = []
        for index in need_latest:
            group = groups[index]
            max_age = None if self.settings.offline else PROJECT_TTL_SECONDS
            cached = self._cache_call(self._get_project, group.name, max_age)
            if cached:
                versions, fetched = cached
                chosen = _choose(versions, group.specifier)
                if chosen:
                    when = datetime.fromtimestamp(fetched, timezone.utc).strftime("%Y-%m-%d")
                    out[index] = (chosen, Evidence(
                        "cache", "version", chosen,
                        f"not pinned; latest matching release as of {when}",
                    ))
                    continue
            if self.settings.offline:
                out[index] = (None, Unresolved(
                    "offline: no pinned version, not installed, and no release list in the cache",
                    Cause.OFFLINE,
                ))
            else:
                to_fetch.append(index)
        if to_fetch:
            names = list(dict.fromkeys(groups[i].name for i in to_fetch))
            found = self._versions(names)
            for index in to_fetch:
                group = groups[index]
                listed, where = found[group.name]
                if isinstance(listed, Unresolved):
                    out[index] = (None, listed)
                    continue
                self._cache_call(self._put_project, group.name, listed)
                chosen = _choose(listed, group.specifier)
                if chosen:
                    out[index] = (chosen, Evidence(
                        where, "version", chosen, "not pinned; latest matching release"
                    ))
                else:
                    out[index] = (None, Unresolved(
                        f"no release on {self._labels()} matches {group.specifier or 'any version'}",
                        Cause.NOT_FOUND,
                    ))
        return out

    def _labels(self) -> str:
        return ", ".join(dict.fromkeys(i.label for i in self.indexes))

    def _versions(self, names: list[str]) -> dict[str, tuple[list[str] | Unresolved, str]]:
        """Each project's releases over every index (pip merges them), with the source
        named in evidence; an index that lacks the project is skipped, and when none has
        it the first index's answer stands."""
        merged: dict[str, list[str]] = {}
        where: dict[str, str] = {}
        failures: dict[str, Unresolved] = {}
        for index in self.indexes:
            for name, listed in index.versions(names).items():
                if isinstance(listed, Unresolved):
                    failures.setdefault(name, listed)
                    continue
                merged.setdefault(name, [])
                merged[name] += [v for v in listed if v not in merged[name]]
                where.setdefault(name, "pypi" if index.namespace == "pypi" else f"index {index.label}")
        return {name: (merged[name], where[name]) if name in merged else (failures[name], "")
                for name in names}

    def _get_project(self, name: str, max_age: float | None) -> tuple[list[str], float] | None:
        assert self.cache is not None
        return self.cache.get_project(self._project_namespace, name, max_age)

    def _put_project(self, name: str, versions: list[str]) -> None:
        assert self.cache is not None
        self.cache.put_project(self._project_namespace, name, versions)

    def _licences(self, keys: list[Key]) -> dict[Key, Outcome]:
        try:
            outcomes = self._licences_from_sources(keys)
            return self._public_releases(outcomes)
        finally:
            self._save_texts()  # the licence texts split on the way, for the next run

    def _public_releases(self, outcomes: dict[Key, Outcome]) -> dict[Key, Outcome]:
        """A local version (``torch==2.5.1+cu121``) that no source has: the licence of its
        public release (2.5.1), which a local build of it keeps, said in the evidence."""
        from dataclasses import replace

        local = {key: (key[0], public) for key, outcome in outcomes.items()
                 if isinstance(outcome, Unresolved)
                 and outcome.cause in (Cause.NOT_FOUND, Cause.OFFLINE)
                 and (public := _public(key[1])) != key[1]}
        if not local:
            return outcomes
        found = self._licences_from_sources(sorted(set(local.values())))
        for key, public_key in local.items():
            outcome, missing = found[public_key], outcomes[key]
            if isinstance(outcome, Resolution) and isinstance(missing, Unresolved):
                outcomes[key] = replace(outcome, evidence=(*outcome.evidence, Evidence(
                    "resolver", "version", key[1],
                    f"the local build {key[1]} was found nowhere ({missing.reason}); "
                    f"this is the licence of the public release {public_key[1]}")))
        return outcomes

    def _licences_from_sources(self, keys: list[Key]) -> dict[Key, Outcome]:
        outcomes: dict[Key, Outcome] = dict(self.installed.lookup(keys))
        remaining = [k for k in keys if k not in outcomes]
        if remaining and self.cache is not None:
            for namespace in self._namespaces():
                cached = self._cache_call(self.cache.get_releases, namespace, remaining) or {}
                for key, raw in cached.items():
                    outcomes[key] = outcome_from_metadata(raw, "cache", split=self._split)
                remaining = [k for k in remaining if k not in outcomes]
        if not remaining:
            return outcomes
        if self.settings.offline:
            for key in remaining:
                outcomes[key] = Unresolved(
                    "offline: not installed at this version and not in the cache", Cause.OFFLINE
                )
            return outcomes
        missing: dict[Key, list[Unresolved]] = defaultdict(list)
        for index in self.indexes:
            for key, outcome in index.lookup(remaining).items():
                if isinstance(outcome, Unresolved) and outcome.cause == Cause.NOT_FOUND:
                    missing[key].append(outcome)  # a later index may have it
                else:
                    outcomes[key] = outcome
            if index.fetched and self.cache is not None:
                self._cache_call(self.cache.put_releases, index.namespace,
                                 list(index.fetched.items()))
                index.fetched.clear()
            remaining = [k for k in remaining if k not in outcomes]
            if not remaining:
                break
        for key in remaining:
            said = list(dict.fromkeys(u.reason for u in missing[key]))
            outcomes[key] = Unresolved("; ".join(said), Cause.NOT_FOUND)
        return outcomes

    def resolve(self, refs: Sequence[Reference]) -> list[ResolvedComponent]:
        groups = group_references(refs)
        picked = self._pick_versions(groups)
        keys: list[Key] = []
        plan: list[tuple[_Group, str | None, Evidence | None, Unresolved | None]] = []
        for index, group in enumerate(groups):
            version, version_evidence, failure = group.version, None, None
            if group.unresolvable:
                failure = Unresolved(group.unresolvable, Cause.NOT_REGISTRY)
            elif index in picked:
                version, chosen = picked[index]
                if isinstance(chosen, Unresolved):
                    failure = chosen
                else:
                    version_evidence = chosen
            if failure is None and version is not None:
                keys.append((group.name, version))
            plan.append((group, version, version_evidence, failure))
        outcomes = self._licences(sorted(set(keys)))
        resolved: list[ResolvedComponent] = []
        for group, version, version_evidence, failure in plan:
            outcome: Outcome
            if failure is not None:
                outcome = failure
            else:
                assert version is not None
                outcome = outcomes[(group.name, version)]
            resolved.append(ResolvedComponent(
                Component("pypi", group.name, version),
                outcome,
                tuple(sorted(group.places, key=lambda p: (p.path, p.line or 0))),
                version_evidence,
            ))
        if self.cache is not None:
            self.notes.extend(self.cache.warnings)
            self.cache.close()
        return resolved
