"""What a licence allows: OSI approval, and the restriction facets of AI licences.

Facets come from ``data/ai_terms.json`` (each citing the licence text it summarises);
OSI approval from the SPDX License List (``data/osi_approved.json``). A licence with no
facet entry carries no facet knowledge: OSI-approved ones need none, the rest are judged
by their category.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from license_gate.knowledge import licensing

FACETS = (
    "non-commercial", "research-only", "user-threshold", "revenue-threshold",
    "acceptable-use-policy", "no-military", "output-use", "naming", "territory",
    "remote-revocation", "pass-through",
)


@dataclass(frozen=True)
class Facet:
    facet: str
    term: str  # the restriction in plain words
    source: str
    licence: str  # the licence key it belongs to
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def describe(self) -> str:
        extra = ""
        if "monthly_active_users" in self.params:
            extra = f" ({self.params['monthly_active_users']:,} monthly active users)"
        elif "annual_revenue_usd" in self.params:
            extra = f" (US${self.params['annual_revenue_usd']:,} annual revenue)"
        elif "regions" in self.params:
            scope = f", {self.params['scope']}" if self.params.get("scope") else ""
            extra = f" ({', '.join(self.params['regions'])}{scope})"
        return f"{self.facet}{extra}: {self.term}"


@dataclass(frozen=True)
class LicenceTerms:
    key: str
    name: str
    source: str
    facets: tuple[Facet, ...]


@lru_cache(maxsize=1)
def _terms() -> dict[str, LicenceTerms]:
    out: dict[str, LicenceTerms] = {}
    for entry in licensing.load_data("ai_terms.json")["licenses"]:
        facets = tuple(
            Facet(f["facet"], f["term"], f["source"], entry["key"], dict(f.get("params", {})))
            for f in entry["facets"]
        )
        out[entry["key"].lower()] = LicenceTerms(entry["key"], entry["name"], entry["source"], facets)
    return out


@lru_cache(maxsize=1)
def _osi() -> frozenset[str]:
    return frozenset(k.lower() for k in licensing.load_data("osi_approved.json")["osi_approved"])


def terms_of(key: str) -> LicenceTerms | None:
    return _terms().get(key.lower())


def is_osi_approved(key: str) -> bool:
    return key.lower() in _osi()


OPEN_CATEGORIES = ("Permissive", "Public Domain", "Copyleft Limited", "Copyleft")


def is_open(key: str) -> bool:
    """Open in the sense a claim of "open source" makes: OSI-approved, or a free licence by
    ScanCode category (permissive, public domain or copyleft, which covers the open data
    licences such as CC-BY-SA and ODbL), and with no restriction facet. Copyleft counts as
    open here: relicensing GPL as MIT is a licence mismatch, not open-washing."""
    if terms_of(key) is not None:
        return False
    return is_osi_approved(key) or licensing.category_of(key) in OPEN_CATEGORIES


def symbols(expression: str) -> list[str]:
    """The licence keys of an expression (WITH exceptions folded into their licence)."""
    parsed = licensing.parse(expression, allow_custom_refs=True)
    keys: list[str] = []
    for symbol in licensing.licensing().license_symbols(parsed, unique=True, decompose=True):
        if not getattr(symbol, "is_exception", False):
            keys.append(str(symbol.key))
    return keys


def facets_of(expression: str) -> list[Facet]:
    """Every facet of every licence in an expression (for an AND, all apply)."""
    out: list[Facet] = []
    for key in symbols(expression):
        terms = terms_of(key)
        if terms is not None:
            out.extend(terms.facets)
    return out


def expression_is_open(expression: str) -> bool:
    return all(is_open(key) for key in symbols(expression))


@dataclass(frozen=True)
class LicenceFacts:
    """What the knowledge base knows about one licence key, with where it learned it."""

    key: str
    name: str
    osi_approved: bool
    category: str | None
    facets: tuple[Facet, ...]
    source: str | None


def facts_of(key: str) -> LicenceFacts:
    found = terms_of(key)
    own = licensing.own_licenses().get(key)
    if found is not None:
        name, source = found.name, found.source
    elif own is not None:
        name, source = own.name, own.source
    elif key.startswith("LicenseRef-scancode-"):
        scancode = key.removeprefix("LicenseRef-scancode-")
        name, source = key, f"https://scancode-licensedb.aboutcode.org/{scancode}.html"
    elif licensing.category_of(key) is not None:
        name, source = key, f"https://spdx.org/licenses/{key}.html"
    else:
        name, source = key, None
    return LicenceFacts(key, name, is_osi_approved(key), licensing.category_of(key),
                        found.facets if found else (), source)


@lru_cache(maxsize=1)
def _regions() -> tuple[dict[str, frozenset[str]], dict[str, str]]:
    data = licensing.load_data("regions.json")
    groups = {name: frozenset(g["members"]) for name, g in data["groups"].items()}
    return groups, dict(data["aliases"])


def region_matches(excluded: str, regions: tuple[str, ...]) -> list[str]:
    """The context regions an exclusion covers: the region itself, or a member of the
    excluded group (DE for EU). Codes compare case-insensitively; UK means GB."""
    groups, aliases = _regions()

    def canon(code: str) -> str:
        code = code.strip().upper()
        return aliases.get(code, code)

    target = canon(excluded)
    members = groups.get(target, frozenset())
    return [r for r in regions if canon(r) == target or canon(r) in members]
