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
    """The first entry, in catalog order, with a pattern that matches: an exact id is one
    dictionary look-up, and only the few ``prefix*`` and other patterns are tried in turn
    (a large library's thousand ids each tried all four hundred entries)."""
    exact, prefixed, globbed = _index()
    best = exact.get((ecosystem, kind, lowered), len(entries()))
    for order, prefix in prefixed.get((ecosystem, kind), ()):
        if order >= best:
            break
        if lowered.startswith(prefix):
            best = order
            break
    for order, glob in globbed.get((ecosystem, kind), ()):
        if order < best and fnmatch.fnmatchcase(lowered, glob):
            best = order
            break
    return entries()[best] if best < len(entries()) else None


_WILD = frozenset("*?[")
_Key = tuple[str, Kind]


@lru_cache(maxsize=1)
def _index() -> tuple[dict[tuple[str, Kind, str], int], dict[_Key, list[tuple[int, str]]],
                      dict[_Key, list[tuple[int, str]]]]:
    """Each entry's patterns sorted into exact ids (to the first entry that has it),
    ``prefix*`` patterns and the rest, each list in catalog order; lower-cased, as ids
    are matched case-insensitively. Nearly all patterns are the first two, which need no
    regular expression."""
    exact: dict[tuple[str, Kind, str], int] = {}
    prefixed: dict[_Key, list[tuple[int, str]]] = {}
    globbed: dict[_Key, list[tuple[int, str]]] = {}
    for order, entry in enumerate(entries()):
        key = (entry.ecosystem, entry.kind)
        for pattern in (p.lower() for p in entry.patterns):
            if not _WILD & set(pattern):
                exact.setdefault((*key, pattern), order)
            elif pattern.endswith("*") and not _WILD & set(pattern[:-1]):
                prefixed.setdefault(key, []).append((order, pattern[:-1]))
            else:
                globbed.setdefault(key, []).append((order, pattern))
    return exact, prefixed, globbed


@lru_cache(maxsize=1)
def _renames() -> dict[tuple[Kind, str], str]:
    # asked once per reference: a large library has thousands
    table = licensing.load_data("hub_renames.json")["renames"]
    return {(Kind(r.get("kind", "model")), r["from"].lower()): r["to"] for r in table}


def canonical_hub_id(name: str, kind: Kind = Kind.MODEL) -> str:
    """The current name of a Hub repository the bundled rename table knows under an old
    one; any other name unchanged. Online, the Hub's redirect answers the same question."""
    return _renames().get((kind, name.lower()), name)
