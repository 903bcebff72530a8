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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
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
        """The licence a Hub repository carries, from its card or, when the Hub cannot
        show the card (offline, unreachable, 401, 403, 404), from the bundled catalog."""
        kind, repo_id, revision = key
        card = self.cards.get(key)
        if isinstance(card, HubCard):
            return self._licence_of(card, revision), card
        failure = card if isinstance(card, Unresolved) else Unresolved("not looked up", Cause.NOT_FOUND)
        entry = catalog.lookup("huggingface", repo_id, kind)
        if entry is not None:
            why = (None if failure.cause is Cause.OFFLINE
                   else f"the Hub could not show the card ({failure.reason})")
            return Resolution(entry.expression, (entry.evidence(repo_id, why),)), None
        if failure.cause is Cause.OFFLINE:
            return Unresolved(f"{failure.reason}, and the bundled catalog has no entry",
                              Cause.NOT_IN_CATALOG), None
        return failure, None

    def _identity(self, key: HubKey) -> str:
        """What makes two names one repository: the Hub's ``_id`` once a card is read (a
        legacy name answers with its current one's), else the current name the bundled
        rename table knows."""
        card = self.cards.get(key)
        if isinstance(card, HubCard):
            return card.identity
        return catalog.canonical_hub_id(key[1], key[0]).lower()

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
        """Walk base_model links breadth-first, fetching each level concurrently. A parent
        named twice (the card's old name and the tags' current one) is one parent; a parent
        that cannot be read is a hop with no licence and its cause, never dropped."""
        hops: list[LineageHop] = []
        seen = {self._identity(root)}
        # each walked repository's chain back to the root, to tell a cycle from a diamond
        chains: dict[HubKey, frozenset[str]] = {root: frozenset(seen)}
        frontier = [root]
        for depth in range(MAX_LINEAGE_DEPTH + 1):
            wanted: list[tuple[HubKey, HubKey, str]] = []
            for key in frontier:
                card = self.cards.get(key)
                if isinstance(card, HubCard):
                    wanted.extend((key, (Kind.MODEL, catalog.canonical_hub_id(base), None), relation)
                                  for base, relation in card.bases)
            if not wanted:
                break
            if depth == MAX_LINEAGE_DEPTH:
                hops.append(LineageHop(self._name(wanted[0][0]), wanted[0][1][1], wanted[0][2], None,
                                       "hub card", f"lineage deeper than {MAX_LINEAGE_DEPTH}; not "
                                       "followed", Cause.TOO_DEEP))
                break
            self._fetch([parent for _, parent, _ in wanted])
            parents: dict[tuple[HubKey, str], tuple[HubKey, str]] = {}
            for child, parent, relation in wanted:
                slot = (child, self._identity(parent))
                if slot in parents:
                    # The tags say how the child derives; the card's own base_model often not.
                    if parents[slot][1] == "base" and relation != "base":
                        parents[slot] = (parents[slot][0], relation)
                    continue
                parents[slot] = (parent, relation)
            frontier = []
            for (child, identity), (parent, relation) in parents.items():
                outcome, card = self._card_outcome(parent)
                name = card.repo_id if card is not None else parent[1]
                if isinstance(outcome, Resolution):
                    source = "hub card" if card is not None else "catalog"
                    note = None if card is not None else outcome.evidence[0].note
                    hop = LineageHop(self._name(child), name, relation, outcome.expression, source, note)
                else:
                    hop = LineageHop(self._name(child), name, relation, None, "unresolved",
                                     outcome.reason, outcome.cause)
                if identity in seen:
                    # A cycle, or two bases that share an ancestor: reported once, walked once.
                    what = "cycle" if identity in chains.get(child, frozenset()) else "shared ancestor"
                    hops.append(replace(hop, note=f"{what}: already in the lineage; not followed again"))
                    continue
                seen.add(identity)
                hops.append(hop)
                if card is not None:
                    chains[parent] = chains.get(child, frozenset()) | {identity}
                    frontier.append(parent)
        return tuple(hops)

    def _name(self, key: HubKey) -> str:
        card = self.cards.get(key)
        return card.repo_id if isinstance(card, HubCard) else key[1]

    # -- weak candidates

    def confirm(self, refs: Sequence[Reference]) -> list[Reference]:
        """The weak candidates (id-shaped literals whose context says nothing) that the Hub
        confirms are repositories. What the Hub says is not one is remembered in the cache
        like a card: a 404, or, asked without a token, a 401 (the Hub answers an anonymous
        caller 401 for a private and a missing repository alike, so neither can ever be
        confirmed without one; asked again once a token is set). A refusal of a token or a
        failure confirms nothing and is not remembered. At most MAX_CONFIRM distinct ids
        are asked per run."""
        ids = list(dict.fromkeys((r.kind, r.name) for r in refs))
        asked = ids[:MAX_CONFIRM]
        anonymous = not self.settings.hf_token
        scope = "anonymous:" if anonymous else ""
        absent: set[tuple[Kind, str]] = set()
        keys: list[HubKey] = []
        for kind, name in asked:
            cached = None
            if self.cache is not None:
                try:
                    cached = self.cache.get_entry("hub-absent", f"{scope}{kind.value}:{name.lower()}",
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
        not_there = {Cause.NOT_FOUND, Cause.ACCESS} if anonymous else {Cause.NOT_FOUND}
        missing = [(k, n) for k, n, _ in keys
                   if isinstance(self.cards.get((k, n, None)), Unresolved)
                   and self.cards[(k, n, None)].cause in not_there]  # type: ignore[union-attr]
        if missing and self.cache is not None:
            try:
                self.cache.put_entries("hub-absent", [(f"{scope}{k.value}:{n.lower()}", {"absent": True})
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
            if ref.ecosystem == "huggingface":
                name = catalog.canonical_hub_id(name, ref.kind)
            # "main" is the Hub's default branch: the same thing as no revision at all.
            revision = None if ref.revision == "main" else ref.revision
            pinned = pins.get((ref.ecosystem, ref.name.lower(), ref.kind), set())
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
        hub_keys += [(Kind.MODEL, catalog.canonical_hub_id(name), None) for g in groups.values()
                     for eco, name, _ in g.bases if eco == "huggingface"]
        if hub_keys:
            self._fetch(hub_keys)
        resolved: list[ResolvedComponent] = []
        for group in self._merge_renamed(groups.values()):
            # Where the model is used comes first: a finding points there, not at a README.
            places = tuple(sorted(group.places, key=lambda p: (
                _RELATION_ORDER[p.relation or Relation.USE], p.path, p.line or 0, p.role or "")))
            outcome, lineage, name = self._resolve_group(group)
            card = self.cards.get((group.kind, group.name, group.revision)) \
                if group.ecosystem == "huggingface" else None
            resolved.append(ResolvedComponent(
                Component(group.ecosystem, name, group.revision, group.kind), outcome, places,
                claims=tuple(group.claims), lineage=lineage,
                gated=card.gated if isinstance(card, HubCard) else None,
            ))
        if self.cache is not None:
            self.cache.close()
        return resolved

    def _merge_renamed(self, groups: Iterable[_Group]) -> list[_Group]:
        """One component per repository: a legacy name and its current name (the Hub
        redirected one to the other, or answered both with the same ``_id``) merge, with
        the places of both."""
        merged: dict[tuple[str, str, Kind, str | None], _Group] = {}
        for group in groups:
            identity = (self._identity((group.kind, group.name, group.revision))
                        if group.ecosystem == "huggingface" else group.name)
            key = (group.ecosystem, identity, group.kind, group.revision)
            into = merged.get(key)
            if into is None:
                merged[key] = group
                continue
            into.places |= group.places
            into.claims.extend(c for c in group.claims if c not in into.claims)
            into.bases.extend(b for b in group.bases if b not in into.bases)
        return list(merged.values())

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
            return self._card_outcome((Kind.MODEL, catalog.canonical_hub_id(name), None))[0]
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
                note = outcome.evidence[0].note if source == "catalog" else None
                hops.append(LineageHop(group.name, name, relation, outcome.expression, source, note))
            else:
                hops.append(LineageHop(group.name, name, relation, None, "unresolved", outcome.reason,
                                       outcome.cause))
            if ecosystem == "huggingface":
                hops.extend(self._lineage((Kind.MODEL, catalog.canonical_hub_id(name), None)))
        return tuple(hops)

    def _resolve_local(self, group: _Group) -> Outcome:
        """A local model's licence is its bases', combined: every base that can be read
        counts, so one unreadable base never hides a restrictive one (the lineage check
        reports the unreadable one). With no readable base, the file's own claim is all
        there is."""
        registry_bases = [(e, n, r) for e, n, r in group.bases
                          if e != "file" or n in self._local]
        if registry_bases:
            outcomes = [(n, self._base_outcome(e, n)) for e, n, _ in registry_bases]
            known = [(n, o) for n, o in outcomes if isinstance(o, Resolution)]
            if known:
                evidence = tuple(Evidence("lineage", "base model", n, f"licence {o.expression} carries "
                                          "through to derived models", None) for n, o in known)
                return Resolution(_combine([o.expression for _, o in known]), evidence)
            claimed = self._claimed(group, "its base model could not be read")
            if claimed is not None:
                return claimed
            name, failure = outcomes[0]
            assert isinstance(failure, Unresolved)
            return Unresolved(f"base model {name}: {failure.reason}", failure.cause)
        claimed = self._claimed(group, "no base model to check it against")
        if claimed is not None:
            return claimed
        if group.claims:
            shown = "; ".join(c.value[:60] for c in group.claims)
            return Unresolved(f"the licence claimed here is not recognised ({shown})", Cause.UNRECOGNISED)
        return Unresolved("the file states no licence and names no base model", Cause.NO_LICENSE)

    @staticmethod
    def _claimed(group: _Group, why: str) -> Resolution | None:
        for claim in group.claims:
            mapped = from_claim(claim.value)
            if mapped.expression:
                return Resolution(mapped.expression, (Evidence(
                    "claim", claim.field, claim.value, f"stated at {claim.place}; {why}",
                    mapped.source),))
        return None
