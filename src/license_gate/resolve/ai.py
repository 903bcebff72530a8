"""The resolve stage for AI models and datasets.

- Hugging Face ids: the Hub card (through the cache: forever for a commit pin, a TTL
  otherwise), following ``base_model`` lineage to the roots with cycle detection and a
  depth bound; when the Hub cannot answer (offline, unreachable) the bundled catalog does,
  and the evidence says so.
- Ollama names: the bundled catalog (the Ollama library has no licence API).
- Local models (a model card, a GGUF, a Modelfile): their bases' licences carry through,
  combined with AND; with no base, the licence claimed in the file is all there is, and
  the evidence says it is only a claim.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from license_gate.knowledge import licensing
from license_gate.knowledge.hf import from_claim
from license_gate.model import (
    Cause,
    Claim,
    Component,
    Evidence,
    Kind,
    LineageHop,
    Outcome,
    Place,
    Reference,
    Relation,
    Resolution,
    ResolvedComponent,
    Unresolved,
)
from license_gate.resolve import catalog
from license_gate.resolve.cache import Cache, CacheError
from license_gate.resolve.http import HttpSettings, redact
from license_gate.resolve.huggingface import HubCard, HubClient, is_commit

MAX_LINEAGE_DEPTH = 8
HUB_TTL_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class AISettings:
    offline: bool = False
    hf_endpoint: str = "https://huggingface.co"
    hf_token: str | None = None
    cache_dir: Path | None = None
    http: HttpSettings = field(default_factory=HttpSettings)


@dataclass
class _Group:
    ecosystem: str
    name: str
    kind: Kind
    revision: str | None
    places: set[Place] = field(default_factory=set)
    claims: list[Claim] = field(default_factory=list)
    bases: list[tuple[str, str, str]] = field(default_factory=list)


HubKey = tuple[Kind, str, str | None]


def _combine(expressions: Sequence[str]) -> str:
    unique = list(dict.fromkeys(expressions))
    if len(unique) == 1:
        return unique[0]
    return str(licensing.render(licensing.parse(" AND ".join(f"({e})" for e in unique),
                                                allow_custom_refs=True)))


# Weak candidates asked of the Hub per run, so a repository of URL routes cannot turn a
# check into hundreds of requests.
MAX_CONFIRM = 200
_RELATION_ORDER = {Relation.USE: 0, Relation.PUBLISH: 1, Relation.MENTION: 2}
# Model hubs other than Hugging Face that configs name repositories on.
_OTHER_HUBS = {"modelscope": "ModelScope", "modelers": "Modelers"}


class AIResolver:
    def __init__(self, settings: AISettings) -> None:
        self.settings = settings
        self.cache = Cache(settings.cache_dir) if settings.cache_dir else None
        self._client: HubClient | None = None
        self.cards: dict[HubKey, HubCard | Unresolved] = {}
        self.notes: list[str] = []
        # Local models of this run by path, so one Modelfile built FROM another resolves
        # through it; with the outcomes worked out so far and the chain being resolved.
        self._local: dict[str, _Group] = {}
        self._local_outcomes: dict[str, Outcome] = {}
        self._resolving: set[str] = set()

    @property
    def client(self) -> HubClient:
        if self._client is None:
            self._client = HubClient(self.settings.hf_endpoint, self.settings.http,
                                     self.settings.hf_token)
        return self._client

    # -- the Hub, through the cache

    def _cache_key(self, key: HubKey) -> str:
        kind, repo_id, revision = key
        return f"{kind.value}:{repo_id.lower()}@{revision or ''}"

    def _fetch(self, keys: Sequence[HubKey]) -> None:
        missing = [k for k in dict.fromkeys(keys) if k not in self.cards]
        to_fetch: list[HubKey] = []
        for key in missing:
            cached = None
            if self.cache is not None:
                max_age = None if (self.settings.offline or is_commit(key[2])) else HUB_TTL_SECONDS
                try:
                    cached = self.cache.get_entry("hub", self._cache_key(key), max_age)
                except CacheError as exc:
                    self.notes.append(f"cache disabled for this run: {exc}")
                    self.cache = None
            if cached is not None:
                try:
                    self.cards[key] = HubCard.from_json(cached)
                    continue
                except (KeyError, ValueError, TypeError, IndexError):
                    pass  # an unreadable entry is a miss
            if self.settings.offline:
                self.cards[key] = Unresolved("offline: the Hub card is not in the cache", Cause.OFFLINE)
            else:
                to_fetch.append(key)
        if not to_fetch:
            return
        fresh: list[tuple[str, dict[str, object]]] = []
        for key, result in zip(to_fetch, self.client.cards(to_fetch), strict=True):
            self.cards[key] = result
            if isinstance(result, HubCard):
                fresh.append((self._cache_key(key), result.to_json()))
        if fresh and self.cache is not None:
            try:
                self.cache.put_entries("hub", fresh)
            except CacheError as exc:
                self.notes.append(f"cache disabled for this run: {exc}")
                self.cache = None

    def _card_outcome(self, key: HubKey) -> tuple[Outcome, HubCard | None]:
        """The licence a Hub repository carries, from its card or, failing the Hub, the
        catalog."""
        kind, repo_id, revision = key
        card = self.cards.get(key)
        if isinstance(card, HubCard):
            return self._licence_of(card, revision), card
        failure = card if isinstance(card, Unresolved) else Unresolved("not looked up", Cause.NOT_FOUND)
        if failure.cause in (Cause.NETWORK, Cause.OFFLINE):
            entry = catalog.lookup("huggingface", repo_id, kind)
            if entry is not None:
                return Resolution(entry.expression, (entry.evidence(repo_id),)), None
            if failure.cause is Cause.OFFLINE:
                return Unresolved(f"{failure.reason}, and the bundled catalog has no entry",
                                  Cause.NOT_IN_CATALOG), None
        return failure, None

    def _licence_of(self, card: HubCard, revision: str | None) -> Outcome:
        section = "datasets/" if card.kind is Kind.DATASET else ""
        page = f"{redact(self.settings.hf_endpoint)}/{section}{card.repo_id}"
        note = f"revision {revision}" if revision else None
        raw = ", ".join(card.licenses)
        if not card.licenses or all(v.strip().lower() == "unknown" for v in card.licenses):
            return Unresolved(f"the Hub card of {card.repo_id} states no licence", Cause.NO_LICENSE,
                              (Evidence("hub", card.license_field, raw, note, page),))
        expressions: list[str] = []
        for value in card.licenses:
            if value.strip().lower() == "other":
                named = card.license_name or card.license_link
                mapped = None
                # The slug is the more specific; a link is tried when the slug is unknown.
                for candidate in (card.license_name, card.license_link):
                    if candidate and (mapped is None or mapped.expression is None):
                        mapped = from_claim(candidate)
                linked = self._linked_licence(card) if (mapped is None or
                                                        mapped.expression is None) else None
                if linked is not None:
                    return linked
                if mapped is None or mapped.expression is None:
                    shown = f"other ({named})" if named else "other, with no license_name"
                    return Unresolved(f"the Hub card of {card.repo_id} names licence {shown}, "
                                      "which is not recognised", Cause.UNRECOGNISED,
                                      (Evidence("hub", "cardData.license_name", named or "other",
                                                note, page),))
                expressions.append(mapped.expression)
                raw = f"other: {named}"
            else:
                mapped = from_claim(value)
                if mapped.expression is None:
                    why = f" ({mapped.note})" if mapped.note else ""
                    return Unresolved(f"the Hub card of {card.repo_id} says licence {value!r}, which "
                                      f"does not map to a licence{why}", Cause.UNRECOGNISED,
                                      (Evidence("hub", card.license_field, value, note, page),))
                expressions.append(mapped.expression)
        return Resolution(_combine(expressions), (Evidence("hub", card.license_field, raw, note, page),))

    @staticmethod
    def _linked_licence(card: HubCard) -> Resolution | None:
        """``license: other`` whose ``license_link`` is another Hub repository's licence
        file (a fine-tune pointing at meta-llama/...'s LICENSE): that repository's licence,
        when the catalog knows it. A link to the card's own LICENSE says nothing more."""
        from license_gate.extract._ids import hub_id_from_url

        link = card.license_link or ""
        linked = hub_id_from_url(link)
        if not linked or linked.lower() == card.repo_id.lower():
            return None
        entry = catalog.lookup("huggingface", linked, Kind.MODEL)
        if entry is None:
            return None
        return Resolution(entry.expression, (
            Evidence("hub", "cardData.license_link", link,
                     f"license: other, linking the licence of {linked}"),
            entry.evidence(linked),
        ))

    # -- lineage

    def _lineage(self, root: HubKey) -> tuple[LineageHop, ...]:
        """Walk base_model links breadth-first, fetching each level concurrently."""
        hops: list[LineageHop] = []
        seen = {(root[0], root[1].lower())}
        frontier = [root]
        for depth in range(MAX_LINEAGE_DEPTH):
            nxt: list[tuple[HubKey, HubKey, str]] = []
            for key in frontier:
                card = self.cards.get(key)
                if not isinstance(card, HubCard):
                    continue
                for base, relation in card.bases:
                    parent: HubKey = (Kind.MODEL, base, None)
                    if (Kind.MODEL, base.lower()) in seen:
                        hops.append(LineageHop(card.repo_id, base, relation, None, "hub card",
                                               "cycle: already in the chain, not followed again"))
                        continue
                    seen.add((Kind.MODEL, base.lower()))
                    nxt.append((key, parent, relation))
            if not nxt:
                break
            self._fetch([parent for _, parent, _ in nxt])
            for child, parent, relation in nxt:
                outcome, card = self._card_outcome(parent)
                licence = outcome.expression if isinstance(outcome, Resolution) else None
                source = "hub card" if card is not None else (
                    "catalog" if isinstance(outcome, Resolution) else "unresolved")
                note = None if isinstance(outcome, Resolution) else outcome.reason
                child_card = self.cards.get(child)
                child_name = child_card.repo_id if isinstance(child_card, HubCard) else child[1]
                hops.append(LineageHop(child_name, card.repo_id if card else parent[1], relation,
                                       licence, source, note))
            frontier = [parent for _, parent, _ in nxt]
            if depth == MAX_LINEAGE_DEPTH - 1 and frontier:
                hops.append(LineageHop(frontier[0][1], "?", "base", None, "hub card",
                                       f"lineage deeper than {MAX_LINEAGE_DEPTH}; not followed"))
        return tuple(hops)

    # -- weak candidates

    def confirm(self, refs: Sequence[Reference]) -> list[Reference]:
        """The weak candidates (id-shaped literals whose context says nothing) that the Hub
        confirms are repositories. A definite 404 is remembered in the cache like a card;
        a refusal (401, 403: gated, private or missing) or a failure confirms nothing and is
        not remembered. At most MAX_CONFIRM distinct ids are asked per run."""
        ids = list(dict.fromkeys((r.kind, r.name) for r in refs))
        asked = ids[:MAX_CONFIRM]
        absent: set[tuple[Kind, str]] = set()
        keys: list[HubKey] = []
        for kind, name in asked:
            cached = None
            if self.cache is not None:
                try:
                    cached = self.cache.get_entry("hub-absent", f"{kind.value}:{name.lower()}",
                                                  HUB_TTL_SECONDS)
                except CacheError as exc:
                    self.notes.append(f"cache disabled for this run: {exc}")
                    self.cache = None
            if cached is not None:
                absent.add((kind, name))
            else:
                keys.append((kind, name, None))
        self._fetch(keys)
        confirmed = {(k, n) for k, n, _ in keys if isinstance(self.cards.get((k, n, None)), HubCard)}
        missing = [(k, n) for k, n, _ in keys
                   if isinstance(self.cards.get((k, n, None)), Unresolved)
                   and self.cards[(k, n, None)].cause is Cause.NOT_FOUND]  # type: ignore[union-attr]
        if missing and self.cache is not None:
            try:
                self.cache.put_entries("hub-absent", [(f"{k.value}:{n.lower()}", {"absent": True})
                                                      for k, n in missing])
            except CacheError as exc:
                self.notes.append(f"cache disabled for this run: {exc}")
                self.cache = None
        for key in keys:  # an unconfirmed id is no component; forget its failure
            if (key[0], key[1]) not in confirmed:
                self.cards.pop(key, None)
        unconfirmed = len(ids) - len(confirmed)
        if ids:
            self.notes.append(
                f"{len(ids)} id-shaped string(s) without model context were checked with the Hub: "
                f"{len(confirmed)} confirmed as repositories and reported, {unconfirmed} not"
                + (f" ({len(ids) - len(asked)} beyond the first {MAX_CONFIRM} not asked)"
                   if len(ids) > len(asked) else ""))
        return [r for r in refs if (r.kind, r.name) in confirmed]

    # -- the stage

    def resolve(self, refs: Sequence[Reference]) -> list[ResolvedComponent]:
        groups: dict[tuple[str, str, Kind, str | None], _Group] = {}
        # A constant written once and pinned where it is loaded (from_pretrained(MODEL,
        # revision=...)) is one component: an unpinned mention joins the one pin there is.
        pins: dict[tuple[str, str, Kind], set[str]] = {}
        for ref in refs:
            if ref.revision and ref.revision != "main":
                pins.setdefault((ref.ecosystem, ref.name.lower(), ref.kind), set()).add(ref.revision)
        for ref in refs:
            name = ref.name
            # "main" is the Hub's default branch: the same thing as no revision at all.
            revision = None if ref.revision == "main" else ref.revision
            pinned = pins.get((ref.ecosystem, name.lower(), ref.kind), set())
            if revision is None and len(pinned) == 1:
                revision = next(iter(pinned))
            key = (ref.ecosystem, name.lower() if ref.ecosystem == "huggingface" else name, ref.kind,
                   revision)
            group = groups.setdefault(key, _Group(ref.ecosystem, name, ref.kind, revision))
            group.places.add(ref.place)
            group.claims.extend(c for c in ref.claims if c not in group.claims)
            group.bases.extend(b for b in ref.bases if b not in group.bases)
        self._local = {g.name: g for g in groups.values() if g.ecosystem == "file"}
        hub_keys = [(g.kind, g.name, g.revision) for g in groups.values() if g.ecosystem == "huggingface"]
        hub_keys += [(Kind.MODEL, name, None) for g in groups.values() for eco, name, _ in g.bases
                     if eco == "huggingface"]
        if hub_keys:
            self._fetch(hub_keys)
        resolved: list[ResolvedComponent] = []
        for group in groups.values():
            # Where the model is used comes first: a finding points there, not at a README.
            places = tuple(sorted(group.places, key=lambda p: (
                _RELATION_ORDER[p.relation or Relation.USE], p.path, p.line or 0, p.role or "")))
            outcome, lineage, name = self._resolve_group(group)
            resolved.append(ResolvedComponent(
                Component(group.ecosystem, name, group.revision, group.kind), outcome, places,
                claims=tuple(group.claims), lineage=lineage,
            ))
        if self.cache is not None:
            self.cache.close()
        return resolved

    def _resolve_group(self, group: _Group) -> tuple[Outcome, tuple[LineageHop, ...], str]:
        if group.ecosystem == "huggingface":
            key: HubKey = (group.kind, group.name, group.revision)
            outcome, card = self._card_outcome(key)
            lineage = self._lineage(key) if card is not None else ()
            return outcome, lineage, card.repo_id if card is not None else group.name
        if group.ecosystem == "ollama":
            entry = catalog.lookup("ollama", group.name, group.kind)
            if entry is None:
                # license-gate does not query Ollama's library: going online cannot help
                return Unresolved("the bundled catalog has no entry for this Ollama name",
                                  Cause.NO_TERMS), (), group.name
            return Resolution(entry.expression, (entry.evidence(group.name),)), (), group.name
        if group.ecosystem != "file":
            # A hosted API's model: its terms are the provider's, never a Hub card.
            entry = catalog.lookup(group.ecosystem, group.name, group.kind)
            if entry is None:
                what = _OTHER_HUBS.get(group.ecosystem)
                reason = (f"a {what} repository; license-gate does not query {what}, and the "
                          "bundled catalog has no entry for it" if what else
                          f"served by the {group.ecosystem} API, whose terms the bundled catalog "
                          "does not hold")
                return Unresolved(reason, Cause.NO_TERMS), (), group.name
            return Resolution(entry.expression, (entry.evidence(group.name),)), (), group.name
        return self._local_outcome(group), self._local_lineage(group), group.name

    def _base_outcome(self, ecosystem: str, name: str) -> Outcome:
        if ecosystem == "huggingface":
            return self._card_outcome((Kind.MODEL, name, None))[0]
        if ecosystem == "ollama":
            entry = catalog.lookup("ollama", name, Kind.MODEL)
            if entry is not None:
                return Resolution(entry.expression, (entry.evidence(name),))
            return Unresolved("the bundled catalog has no entry for this Ollama name", Cause.NO_TERMS)
        local = self._local.get(name)
        if local is not None:
            return self._local_outcome(local)
        return Unresolved(f"local file {name!r} is a base of this model; its licence is checked "
                          "where the file itself is read", Cause.NOT_REGISTRY)

    def _local_outcome(self, group: _Group) -> Outcome:
        """A local model's licence, memoised; a chain of Modelfiles that loops is
        unresolved rather than followed forever."""
        if group.name in self._local_outcomes:
            return self._local_outcomes[group.name]
        if group.name in self._resolving:
            return Unresolved(f"local models built from each other in a cycle ({group.name})",
                              Cause.NOT_REGISTRY)
        self._resolving.add(group.name)
        try:
            outcome = self._resolve_local(group)
        finally:
            self._resolving.discard(group.name)
        self._local_outcomes[group.name] = outcome
        return outcome

    def _local_lineage(self, group: _Group) -> tuple[LineageHop, ...]:
        hops: list[LineageHop] = []
        for ecosystem, name, relation in group.bases:
            outcome = self._base_outcome(ecosystem, name)
            if isinstance(outcome, Resolution):
                source = outcome.evidence[0].source if outcome.evidence else "resolved"
                hops.append(LineageHop(group.name, name, relation, outcome.expression, source))
            else:
                hops.append(LineageHop(group.name, name, relation, None, "unresolved", outcome.reason))
            if ecosystem == "huggingface":
                hops.extend(self._lineage((Kind.MODEL, name, None)))
        return tuple(hops)

    def _resolve_local(self, group: _Group) -> Outcome:
        registry_bases = [(e, n, r) for e, n, r in group.bases
                          if e != "file" or n in self._local]
        if registry_bases:
            outcomes = [(n, self._base_outcome(e, n)) for e, n, _ in registry_bases]
            failed = [(n, o) for n, o in outcomes if isinstance(o, Unresolved)]
            if failed:
                name, failure = failed[0]
                return Unresolved(f"base model {name}: {failure.reason}", failure.cause)
            expressions = [o.expression for _, o in outcomes if isinstance(o, Resolution)]
            evidence = tuple(Evidence("lineage", "base model", n, f"licence {o.expression} carries "
                                      "through to derived models", None)
                             for n, o in outcomes if isinstance(o, Resolution))
            return Resolution(_combine(expressions), evidence)
        for claim in group.claims:
            mapped = from_claim(claim.value)
            if mapped.expression:
                return Resolution(mapped.expression, (Evidence(
                    "claim", claim.field, claim.value,
                    f"stated at {claim.place}; no base model to check it against", mapped.source),))
        if group.claims:
            shown = "; ".join(c.value[:60] for c in group.claims)
            return Unresolved(f"the licence claimed here is not recognised ({shown})", Cause.UNRECOGNISED)
        return Unresolved("the file states no licence and names no base model", Cause.NO_LICENSE)
