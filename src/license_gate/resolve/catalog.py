"""The bundled offline catalog: well-known model families, Ollama library names and
popular datasets mapped to their licences, each entry with a source URL and the date it
was checked. It answers only when the Hub cannot (offline, unreachable) and for Ollama
names, and the evidence then says "catalog". An id no entry matches stays unknown.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from functools import cached_property, lru_cache

from license_gate.knowledge import licensing
from license_gate.knowledge.hf import from_claim
from license_gate.model import Evidence, Kind


@dataclass(frozen=True)
class CatalogEntry:
    ecosystem: str
    kind: Kind
    patterns: tuple[str, ...]
    license: str  # as the source states it: a Hub licence id or an SPDX expression
    family: str
    source: str
    checked: str

    @cached_property
    def expression(self) -> str:
        """The licence as an SPDX expression, worked out when an entry is first matched:
        mapping all four hundred entries cost every run 40 ms (each is tested to map)."""
        mapped = from_claim(self.license).expression
        if mapped is None:
            raise ValueError(f"catalog entry {self.family!r}: licence {self.license!r} does "
                             "not map")
        return mapped

    def evidence(self, name: str, why: str | None = None) -> Evidence:
        note = f"bundled catalog, checked {self.checked}; matched {name}"
        return Evidence("catalog", f"{self.family} family", self.license,
                        f"{why}; {note}" if why else note, self.source)


@lru_cache(maxsize=1)
def entries() -> tuple[CatalogEntry, ...]:
    out: list[CatalogEntry] = []
    for raw in licensing.load_data("model_catalog.json")["entries"]:
        out.append(CatalogEntry(
            raw["ecosystem"], Kind(raw.get("kind", "model")), tuple(raw["match"]), raw["license"],
            raw["family"], raw["source"], raw["checked"],
        ))
    return tuple(out)


def lookup(ecosystem: str, name: str, kind: Kind) -> CatalogEntry | None:
    """The first entry whose pattern matches the id (case-insensitively, as the Hub and
    Ollama treat ids). Entries are ordered specific before general."""
    lowered = name.lower()
    if ecosystem == "huggingface":
        current = canonical_hub_id(name, kind).lower()
        if current != lowered:
            return _match(ecosystem, current, kind) or _match(ecosystem, lowered, kind)
    return _match(ecosystem, lowered, kind)


def _match(ecosystem: str, lowered: str, kind: Kind) -> CatalogEntry | None:
    for entry, exact, prefixes, globs in _matchers():
        if entry.ecosystem != ecosystem or entry.kind is not kind:
            continue
        if lowered in exact or lowered.startswith(prefixes) or any(
                fnmatch.fnmatchcase(lowered, glob) for glob in globs):
            return entry
    return None


_WILD = frozenset("*?[")


@lru_cache(maxsize=1)
def _matchers() -> tuple[tuple[CatalogEntry, frozenset[str], tuple[str, ...], tuple[str, ...]],
                         ...]:
    """Each entry's patterns sorted into exact ids, ``prefix*`` patterns and the rest:
    nearly all are the first two, which need no regular expression (compiling the
    catalog's four hundred globs cost a warm run 80 ms)."""
    out = []
    for entry in entries():
        exact: set[str] = set()
        prefixes: list[str] = []
        globs: list[str] = []
        for pattern in (p.lower() for p in entry.patterns):
            if not _WILD & set(pattern):
                exact.add(pattern)
            elif pattern.endswith("*") and not _WILD & set(pattern[:-1]):
                prefixes.append(pattern[:-1])
            else:
                globs.append(pattern)
        out.append((entry, frozenset(exact), tuple(prefixes), tuple(globs)))
    return tuple(out)


@lru_cache(maxsize=1)
def _renames() -> dict[tuple[Kind, str], str]:
    table = licensing.load_data("hub_renames.json")["renames"]
    return {(Kind(r.get("kind", "model")), r["from"].lower()): r["to"] for r in table}


def canonical_hub_id(name: str, kind: Kind = Kind.MODEL) -> str:
    """The current name of a Hub repository the bundled rename table knows under an old
    one; any other name unchanged. Online, the Hub's redirect answers the same question."""
    return _renames().get((kind, name.lower()), name)
