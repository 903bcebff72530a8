"""Pure policy logic: (policy, resolved components, parse errors) -> report.

SPDX semantics, explicitly:
- ``A OR B`` passes when either alternative passes; the report names the one chosen.
- ``A AND B`` needs every part to pass.
- ``L WITH E`` is judged as a unit first (a policy may allow exactly
  ``GPL-2.0-only WITH Classpath-exception-2.0``); otherwise it is judged as ``L``. The
  exception is never split off and judged as a licence of its own.
- ``X-or-later`` (and ``X+``, which parses to it) lets the licensee pick any later
  version, so it passes when ``X-only`` or any later ``-only`` version passes.
- Allow and deny entries may be whole expressions; they match a component whose
  expression, or a sub-expression of it, is equivalent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from license_gate.knowledge import licensing, terms
from license_gate.knowledge.terms import Facet
from license_gate.model import (
    Cause,
    Claim,
    ComponentResult,
    Evidence,
    Finding,
    LineageHop,
    ParseError,
    Relation,
    Report,
    Resolution,
    ResolvedComponent,
    Severity,
    Unresolved,
    Verdict,
)
from license_gate.policy import Context, Policy, PolicyException

RANK = {"allow": 0, "warn": 1, "error": 2}

# Families whose "-or-later" ids let the licensee choose a later version.
_LATER_VERSIONS = {
    "GPL": ("1.0", "2.0", "3.0"),
    "LGPL": ("2.0", "2.1", "3.0"),
    "AGPL": ("1.0", "3.0"),
}


def later_alternatives(license_id: str) -> list[str]:
    """``GPL-2.0-or-later`` -> ``['GPL-2.0-only', 'GPL-3.0-only']``; other ids -> []."""
    if not license_id.endswith("-or-later"):
        return []
    family, _, version = license_id.removesuffix("-or-later").rpartition("-")
    versions = _LATER_VERSIONS.get(family)
    if not versions or version not in versions:
        return []
    return [f"{family}-{v}-only" for v in versions[versions.index(version):]]


@dataclass(frozen=True)
class FacetVerdict:
    """One restriction of one licence, judged against the policy and its context."""

    facet: Facet
    action: str  # error | warn | info | ignore
    why: str

    def describe(self) -> str:
        name = _licence_name(self.facet.licence)
        return f"{name}: {self.facet.describe()} -> {self.why}"


@dataclass(frozen=True)
class Decision:
    action: str  # allow | warn | error
    why: str
    chosen: str | None = None  # the licence(s) that satisfied the policy, when a choice was made
    facets: tuple[FacetVerdict, ...] = ()


def _licence_name(key: str) -> str:
    found = terms.terms_of(key)
    return found.name if found else key


def _num(value: int) -> str:
    return f"{value:,}"


def judge_facet(facet: Facet, action: str, context: Context, origin: str = "") -> FacetVerdict:
    """A facet against the organisation's context. ``action`` is what the policy says for
    the facet; the context can show it satisfied (info) or broken (error). Where the
    context is silent the policy's action stands, and the reason says what to state."""
    if action == "ignore":
        return FacetVerdict(facet, "ignore", f"ignored by ai.restrictions{origin}")
    plain = f"{action} by ai.restrictions.{facet.facet}{origin}"
    params = facet.params
    cap_rule = _CAPS.get(facet.facet)
    if cap_rule is not None and cap_rule[0] in params:
        param, attr, key, money = cap_rule
        cap, value = params[param], getattr(context, attr)

        def show(n: int) -> str:
            return f"US${_num(n)}" if money else _num(n)

        if value is None:
            return FacetVerdict(facet, action, f"{plain}; state context.{key} to judge it")
        of = "" if money else "the cap of "
        if value <= cap:
            return FacetVerdict(facet, "info", f"satisfied: context.{key} {show(value)} is within "
                                f"{of}{show(cap)}")
        return FacetVerdict(facet, "error", f"broken: context.{key} {show(value)} exceeds "
                            f"{of}{show(cap)}; a separate licence from the licensor is needed")
    if facet.facet == "territory" and params.get("regions"):
        excluded = {r.upper() for r in params["regions"]}
        if context.regions is None:
            return FacetVerdict(facet, action, f"{plain}; state context.regions to judge it")
        hits = {f"{region} ({code})" if region != code.upper() else code.upper()
                for code in excluded for region in terms.region_matches(code, context.regions)}
        overlap = sorted(hits)
        if overlap:
            return FacetVerdict(facet, "error", f"broken: context.regions include "
                                f"{', '.join(overlap)}, which the licence excludes")
        return FacetVerdict(facet, "info", f"satisfied: none of context.regions "
                            f"({', '.join(context.regions) or 'none'}) is excluded")
    if facet.facet in ("non-commercial", "research-only"):
        if context.commercial is None:
            return FacetVerdict(facet, action, f"{plain}; state context.commercial to judge it")
        if context.commercial:
            return FacetVerdict(facet, "error", "broken: context.commercial is true")
        return FacetVerdict(facet, "info", "satisfied: context.commercial is false")
    if facet.facet == "no-military" and context.military is not None:
        if context.military:
            return FacetVerdict(facet, "error", "broken: context.military is true")
        return FacetVerdict(facet, "info", "satisfied: context.military is false")
    return FacetVerdict(facet, action, plain)


_FACET_RANK = {"ignore": 0, "info": 0, "warn": 1, "error": 2}
# facet -> (parameter in the licence data, Context attribute, policy key, is money)
_CAPS = {
    "user-threshold": ("monthly_active_users", "monthly_active_users", "monthly-active-users", False),
    "revenue-threshold": ("annual_revenue_usd", "annual_revenue_usd", "annual-revenue-usd", True),
}


_CATEGORY_WEIGHT = {"Public Domain": 0, "Permissive": 1, "Copyleft Limited": 2, "Copyleft": 3}


def _weight(node: Any) -> int:
    """How heavy a licence's obligations are, for choosing between allowed alternatives."""
    keys = [str(s.key) for s in licensing.licensing().license_symbols(node, unique=True,
                                                                       decompose=True)]
    return max((_CATEGORY_WEIGHT.get(licensing.category_of(k) or "", 4) for k in keys), default=4)


class Judge:
    """Decides one licence expression. Layers are consulted nearest first (the
    repository's own file, then what it extends): the first layer with an opinion about a
    licence decides, and within a layer the order is deny, allow, the facets of an AI
    licence with known terms (when the layer sets ai.restrictions), osi-approved, the
    category. licenses.default decides what no layer does. Locked deny entries stand above
    every layer."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.layers = policy.rule_layers()
        self._allow = [{e.lower(): e for e in layer.allow} for layer in self.layers]
        self._deny = [{e.lower(): e for e in layer.deny} for layer in self.layers]
        self._locked = {e.lower(): e for e in policy.locked_deny}
        # Compound entries are compared by their simplified canonical form.
        self._allow_compound = [self._compound(tuple(layer.allow)) for layer in self.layers]
        self._deny_compound = [self._compound(tuple(layer.deny)) for layer in self.layers]

    @staticmethod
    def _canonical(node: Any) -> str:
        return str(licensing.render(node.simplify())).lower()

    def _compound(self, entries: Sequence[str]) -> dict[str, str]:
        out = {}
        for entry in entries:
            parsed = licensing.parse(entry, allow_custom_refs=True)
            if getattr(parsed, "args", None) and not hasattr(parsed, "license_symbol"):
                out[self._canonical(parsed)] = entry
        return out

    def decide(self, expression: str) -> Decision:
        parsed = licensing.parse(expression, allow_custom_refs=True)
        return self._node(parsed)

    def _node(self, node: Any) -> Decision:
        import license_expression as le

        if isinstance(node, (le.AND, le.OR)) and (any(self._allow_compound) or any(self._deny_compound)):
            key = self._canonical(node)
            for layer, deny, allow in zip(self.layers, self._deny_compound, self._allow_compound,
                                          strict=True):
                if key in deny:
                    entry = deny[key]
                    return Decision("error", f"denied by licenses.deny {entry!r}"
                                    f"{layer.place(layer.deny[entry])}")
                if key in allow:
                    entry = allow[key]
                    return Decision("allow", f"allowed by licenses.allow {entry!r}"
                                    f"{layer.place(layer.allow[entry])}")
        if isinstance(node, le.OR):
            options = [(self._node(arg), arg) for arg in node.args]
            # Among equally acceptable alternatives, take the one with the lightest
            # obligations: MIT over LGPL when both pass.
            best, arg = min(options, key=lambda o: (RANK[o[0].action], _weight(o[1])))
            picked = best.chosen or str(licensing.render(arg))
            if best.action == "allow":
                return Decision("allow", f"alternative {picked} chosen: {best.why}", picked,
                                best.facets)
            whys = "; ".join(f"{licensing.render(a)}: {d.why}" for d, a in options)
            return Decision(best.action, f"no alternative is allowed ({whys})", picked, best.facets)
        if isinstance(node, le.AND):
            parts = [(self._node(arg), arg) for arg in node.args]
            worst = max((d for d, _ in parts), key=lambda d: RANK[d.action])
            chosen: str | None = None
            if any(d.chosen for d, _ in parts):
                picks = [d.chosen or str(licensing.render(a)) for d, a in parts]
                chosen = " AND ".join(f"({p})" if " " in p else p for p in picks)
            failing = [f"{licensing.render(a)}: {d.why}" for d, a in parts if d.action != "allow"]
            facets = tuple(v for d, _ in parts for v in d.facets)  # AND: every part's terms apply
            if not failing:
                return Decision("allow", "every part is allowed", chosen, facets)
            return Decision(worst.action, "; ".join(failing), chosen, facets)
        if isinstance(node, le.LicenseWithExceptionSymbol):
            whole = str(licensing.render(node))
            explicit = self._explicit(whole)
            if explicit:
                return explicit
            base = str(node.license_symbol.key)
            inner = self._symbol(base)
            return Decision(inner.action, f"{inner.why} (with {node.exception_symbol.key})",
                            f"{inner.chosen} WITH {node.exception_symbol.key}" if inner.chosen else None,
                            inner.facets)
        return self._symbol(str(node.key))

    def _entry(self, key: str, index: int) -> Decision | None:
        """The allow or deny entry of layer ``index`` naming ``key``, if any."""
        lowered = key.lower()
        layer = self.layers[index]
        if lowered in self._deny[index]:
            entry = self._deny[index][lowered]
            return Decision("error", f"denied by licenses.deny{layer.place(layer.deny[entry])}")
        if lowered in self._allow[index]:
            entry = self._allow[index][lowered]
            return self._shown_facets(key, Decision(
                "allow", f"allowed by licenses.allow{layer.place(layer.allow[entry])}"))
        return None

    def _explicit(self, key: str) -> Decision | None:
        """A locked deny entry, else the nearest layer's own entry for exactly ``key`` when
        that layer is the nearest with any opinion about it."""
        lowered = key.lower()
        if lowered in self._locked:
            entry = self._locked[lowered]
            return Decision("error", f"denied by licenses.deny ({self.policy.locked_deny[entry]}, "
                            "locked)")
        for index in range(len(self.layers)):
            if self._opinion(key, index):
                return self._entry(key, index)
        return None

    def _opinion(self, key: str, index: int) -> bool:
        layer = self.layers[index]
        lowered = key.lower()
        if lowered in self._deny[index] or lowered in self._allow[index]:
            return True
        if layer.restrictions and terms.terms_of(key) is not None and self.policy.restrictions:
            return True
        if layer.osi_approved and terms.is_osi_approved(key):
            return True
        category = licensing.category_of(key)
        return bool(category and category in layer.categories)

    def _shown_facets(self, key: str, decision: Decision) -> Decision:
        """An AI licence allowed by an entry keeps its terms on show, as information."""
        known = terms.terms_of(key)
        if known is None or not known.facets:
            return decision
        shown = tuple(FacetVerdict(f, "info", decision.why.replace("allowed by", "accepted by"))
                      for f in known.facets)
        return replace(decision, facets=shown)

    def _plain(self, key: str) -> Decision:
        lowered = key.lower()
        if lowered in self._locked:
            return self._explicit(key)  # type: ignore[return-value]
        # Looked up once: the same for every layer.
        known = terms.terms_of(key)
        osi = terms.is_osi_approved(key)
        category = licensing.category_of(key)
        for index, layer in enumerate(self.layers):
            entry = self._entry(key, index)
            if entry is not None:
                return entry
            if known is not None and layer.restrictions and self.policy.restrictions:
                return self._facets(known)
            if layer.osi_approved and osi:
                action, line = layer.osi_approved
                verb = {"allow": "allowed", "warn": "warned", "error": "denied"}[action]
                return Decision(action, f"OSI-approved licences are {verb} by licenses.osi-approved"
                                f"{layer.place(line)}")
            if category and category in layer.categories:
                action, line = layer.categories[category]
                verb = {"allow": "allowed", "warn": "warned", "error": "denied"}[action]
                return Decision(action, f"category {category} is {verb}{layer.place(line)}")
        action = self.policy.default
        what = f"category {category} has no rule" if category else "its category is unknown"
        return Decision(action, f"not in licenses.allow and {what}; licenses.default is {action}"
                        f"{self.policy.origin('licenses.default')}")

    def _facets(self, known: terms.LicenceTerms) -> Decision:
        """An AI licence with known terms is judged by its restrictions, not its category:
        the policy decides per facet, in the light of the organisation's context."""
        verdicts = tuple(
            judge_facet(facet, self.policy.restrictions.get(facet.facet, "warn"),
                        self.policy.context, self.policy.origin(f"ai.restrictions.{facet.facet}"))
            for facet in known.facets
        )
        worst = max((_FACET_RANK[v.action] for v in verdicts), default=0)
        action = ("allow", "warn", "error")[worst]
        failing = [v for v in verdicts if _FACET_RANK[v.action] > 0]
        if not failing:
            return Decision("allow", f"{known.name}: every restriction is allowed or satisfied",
                            facets=verdicts)
        listed = "; ".join(f"{v.facet.facet} ({v.action})" for v in failing)
        return Decision(action, f"{known.name}: {listed}", facets=verdicts)

    def _symbol(self, key: str) -> Decision:
        explicit = self._explicit(key)
        if explicit:
            return explicit  # an entry naming this exact id outranks any later-version choice
        own = self._plain(key)
        best, best_key = own, key
        for alternative in later_alternatives(key):
            decision = self._plain(alternative)
            if RANK[decision.action] < RANK[best.action]:
                best, best_key = decision, alternative
        if best_key != key:
            return Decision(best.action, f"{key} permits {best_key}, and {best.why}", best_key)
        return own


def _exception_matches(exc: PolicyException, result: ResolvedComponent) -> bool:
    from packaging.specifiers import SpecifierSet

    component = result.component
    if exc.component != component.unversioned_purl:
        return False
    if exc.versions is not None:
        if component.version is None:
            return False
        try:
            if not SpecifierSet(exc.versions).contains(component.version, prereleases=True):
                return False
        except Exception:  # a legacy version string that PEP 440 cannot order
            return False
    return True


def _same_licence(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        return bool(licensing.licensing().is_equivalent(
            licensing.parse(a, allow_custom_refs=True), licensing.parse(b, allow_custom_refs=True)))
    except Exception:
        return False


UNKNOWN_LICENCE = "<the licence you found>"


def exception_entry(result: ResolvedComponent, licence: str | None, reason: str,
                    days: int, today: dt.date | None = None) -> dict[str, str]:
    """One policy exception for a component: its purl, its version when it is a package
    release, the licence pinned when known, the reason, and an expiry ``days`` out."""
    c = result.component
    entry = {"component": c.unversioned_purl}
    if c.version and c.kind.value == "package":
        entry["versions"] = f"=={c.version}"
    if licence:
        entry["license"] = licence
    entry["reason"] = reason
    entry["expires"] = ((today or dt.date.today()) + dt.timedelta(days=days)).isoformat()
    return entry


def exception_snippet(result: ResolvedComponent, licence: str | None) -> str:
    """An exceptions entry that works when pasted into the policy: the component's purl,
    its version when it has one, the licence pinned (a placeholder to fill in for an
    unknown one), and an expiry a year out."""
    entry = exception_entry(result, licence, "...", 365)
    fields = ", ".join(f"{k}: {v}" if k in ("component", "expires") else f"{k}: '{v}'"
                       for k, v in entry.items())
    return f"exceptions: [{{{fields}}}]"


def _hint_denied(result: ResolvedComponent, expression: str) -> str:
    return (f"replace {result.component.name}, or if its terms are acceptable add to the policy: "
            + exception_snippet(result, expression))


_UNKNOWN_HINTS = {
    Cause.NETWORK: "the registry could not be reached: rerun when it is, or run with --offline "
    "using a cache warmed by an earlier online run (--cache-dir)",
    Cause.OFFLINE: "run once online to fill the cache, or install the package, then rerun --offline",
    Cause.NOT_FOUND: "check the name and version; for a private package, check its licence by hand "
    "and add an exception with that licence pinned",
    Cause.NOT_REGISTRY: "check its licence by hand, then add an exception with that licence pinned",
    Cause.NO_LICENSE: "read the package's licence file, then add an exception with that licence "
    "pinned and a reason",
    Cause.UNRECOGNISED: "read the package's licence file, then add an exception with that licence "
    "pinned and a reason",
    Cause.ACCESS: "the Hub would not show it (private, or missing: without a token the Hub answers "
    "401 for both): check the id, set HF_TOKEN to a token that can read it, or check the licence "
    "by hand and add an exception with that licence pinned",
    Cause.NOT_IN_CATALOG: "run online so the Hub can answer, or check the licence by hand and add an "
    "exception with that licence pinned",
    Cause.NO_TERMS: "read the provider's or hub's terms for this model, then add an exception with "
    "the licence you found pinned and the terms as reason",
    Cause.TOO_DEEP: "read the rest of the lineage by hand, then add an exception with the root's "
    "licence pinned",
}
# A package index, not the Hub, refused: its credentials are the fix.
_PACKAGE_ACCESS_HINT = ("the package index refused access: check the credentials for that index "
                        "(user:token@ in --index-url, PIP_INDEX_URL or pip.conf, or a .netrc entry "
                        "for its host), or check the licence by hand and add an exception with "
                        "that licence pinned")


def _unknown_hint(result: ResolvedComponent, cause: Cause) -> str:
    from license_gate.resolve.ecosystems import is_package

    if cause is Cause.ACCESS and is_package(result.component.ecosystem):
        return _PACKAGE_ACCESS_HINT
    return _UNKNOWN_HINTS[cause]


_SEVERITY = {"error": Severity.ERROR, "warn": Severity.WARNING, "info": Severity.INFO}


def _all_apply(expression: str) -> str | None:
    """The other reading of alternatives: every one of them applies."""
    parsed = licensing.parse(expression, allow_custom_refs=True)
    if type(parsed).__name__ != "OR":
        return None
    return " AND ".join(f"({licensing.render(arg)})" for arg in parsed.args)


def _package_findings(policy: Policy, judge: Judge, result: ResolvedComponent,
                      outcome: Resolution, decision: Decision) -> list[Finding]:
    """What a package's metadata says beyond its own licence: licences bundled inside it,
    and licences named without saying whether all apply. Each is reported at the policy's
    severity only where it matters for the gate (a bundled licence the policy does not
    allow; an AND reading the policy would judge differently); otherwise as info."""
    out: list[Finding] = []
    if not outcome.bundled and not outcome.ambiguous:
        return out
    purl = result.component.purl
    name = f"{result.component.name} {result.component.version or ''}".strip()
    if outcome.bundled and policy.bundled_license != "ignore":
        parts = []
        blocked = []
        for bundled in outcome.bundled:
            verdict = judge.decide(bundled.license)
            where = f"{bundled.evidence.raw}" + (f", {bundled.evidence.note}"
                                                 if bundled.evidence.note else "")
            parts.append(f"{bundled.license} ({where})")
            if verdict.action != "allow":
                blocked.append(f"{bundled.license}: {verdict.why}")
        severity = _SEVERITY[policy.bundled_license] if blocked else Severity.INFO
        message = (f"{name} bundles code under other licences than its own "
                   f"({outcome.expression}): " + "; ".join(parts))
        if blocked:
            message += ". Not allowed by the policy: " + "; ".join(blocked)
        out.append(Finding(
            "bundled-license", severity, message, purl, result.places,
            "these are the licences of libraries vendored into the package (read from its "
            "licence files), not the package's own; the policy's packages.bundled-license "
            "sets how they are reported"))
    if outcome.ambiguous and policy.license_ambiguous != "ignore":
        reading = _all_apply(outcome.expression)
        other = judge.decide(reading) if reading else None
        matters = other is not None and RANK[other.action] > RANK[decision.action]
        message = (f"{name}: the metadata names several licences without saying whether all "
                   f"apply ({'; '.join(outcome.ambiguous)}); judged as alternatives, "
                   f"{outcome.expression}")
        if matters and other is not None:
            message += f". If all apply, the policy says {other.action}: {other.why}"
        out.append(Finding(
            "license-ambiguous", _SEVERITY[policy.license_ambiguous] if matters else Severity.INFO,
            message, purl, result.places,
            "read the package's licence files or ask its maintainers which applies; once "
            "known, pin it with an exception: " + exception_snippet(result, outcome.expression)))
    return out


def _facet_list(facets: Sequence[Facet]) -> str:
    return ", ".join(dict.fromkeys(f.describe().split(":", 1)[0] for f in facets)) or "none known"


def _licence_findings(result: ResolvedComponent, expression: str,
                      decision: Decision) -> list[Finding]:
    """license-denied for what the licence itself breaks; ai-restriction per facet."""
    purl = result.component.purl
    out: list[Finding] = []
    facet_rank = 0
    # One finding per severity, naming each term: a licence with five facets is one
    # decision for the reader, not five.
    for action in ("error", "warn", "info"):
        group = [v for v in decision.facets if v.action == action]
        if not group:
            continue
        facet_rank = max(facet_rank, _FACET_RANK[action])
        name = _licence_name(group[0].facet.licence)
        message = f"{name}: " + "; ".join(f"{v.facet.describe()} -> {v.why}" for v in group)
        hint = None
        if action != "info":
            keys = ", ".join(f"{v.facet.facet}: ignore" for v in group)
            hint = (f"if these terms are acceptable, state the context that meets them, set "
                    f"ai.restrictions: {{{keys}}}, or add an exception: "
                    + exception_snippet(result, expression))
        out.append(Finding("ai-restriction", _SEVERITY[action], message, purl, result.places, hint))
    if RANK[decision.action] > facet_rank:
        # Something other than the facets fails too (a denied or uncategorised part).
        severity = Severity.ERROR if decision.action == "error" else Severity.WARNING
        out.append(Finding("license-denied", severity, f"{expression}: {decision.why}", purl,
                           result.places, _hint_denied(result, expression)))
    return out


def _restricted(expression: str) -> bool:
    return not terms.expression_is_open(expression)


def _claim_is_open(claim: Claim) -> str | None:
    """The open licence a claim asserts, or None when it asserts nothing open."""
    from license_gate.knowledge.hf import from_claim

    if "OSI Approved" in claim.value:
        return claim.value
    mapped = from_claim(claim.value)
    if mapped.expression and terms.expression_is_open(mapped.expression):
        return mapped.expression
    return None


def _restricted_ancestors(result: ResolvedComponent) -> list[LineageHop]:
    return [h for h in result.lineage if h.license and _restricted(h.license)]


def _terms_summary(expression: str) -> str:
    facets = terms.facets_of(expression)
    names = [_licence_name(k) for k in terms.symbols(expression)]
    if facets:
        return f"{' AND '.join(names)} ({_facet_list(facets)})"
    return f"{' AND '.join(names)} (not an open licence)"


def _claim_findings(policy: Policy, result: ResolvedComponent, expression: str,
                    decision: Decision) -> list[Finding]:
    """open-washing: a claim in the repository says open, the real terms are not."""
    if policy.open_washing == "ignore" or not result.claims:
        return []
    real = decision.chosen or expression
    ancestors = _restricted_ancestors(result)
    if not _restricted(real) and not ancestors:
        return []
    out = []
    for claim in result.claims:
        claimed = _claim_is_open(claim)
        if claimed is None:
            continue
        if _restricted(real):
            actual = f"the real licence is {_terms_summary(real)}"
        else:
            hop = ancestors[0]
            assert hop.license is not None
            actual = (f"it derives from {hop.parent}, licensed {_terms_summary(hop.license)}, "
                      "whose terms still apply")
        out.append(Finding(
            "open-washing", _SEVERITY[policy.open_washing],
            f"{claim.field} says {claim.value!r}, an open licence, but {actual}",
            result.component.purl, (claim.place,),
            f"state the real licence at {claim.place} (for example the base model's licence id), "
            "or if the component is really relicensed, add the evidence as the reason of: "
            + exception_snippet(result, real),
        ))
    return out


def _chain(result: ResolvedComponent, target: LineageHop) -> str:
    """component <- ... <- the restricted ancestor, each with its licence."""
    by_parent = {h.parent: h for h in result.lineage}
    path = [target]
    while path[-1].child in by_parent and len(path) <= len(result.lineage):
        path.append(by_parent[path[-1].child])
    path.reverse()
    text = path[0].child
    for hop in path:
        text += f" <-{hop.relation}- {hop.parent} [{hop.license or 'unknown'}]"
    return text


def _declared(result: ResolvedComponent, expression: str) -> list[tuple[str, Claim | None]]:
    """What the component says its licence is, to hold against its ancestors. A Hub
    repository says it in its card (the resolved licence). A local model's resolved licence
    is its bases' by construction, so what it says is its claims; an open claim is left to
    open-washing, which reports the same drift in stronger words."""
    if result.component.ecosystem != "file":
        return [(expression, None)]
    from license_gate.knowledge.hf import from_claim

    out: list[tuple[str, Claim | None]] = []
    for claim in result.claims:
        mapped = from_claim(claim.value)
        if mapped.expression and _claim_is_open(claim) is None:
            out.append((mapped.expression, claim))
    return out


def _lineage_findings(policy: Policy, result: ResolvedComponent, expression: str) -> list[Finding]:
    """lineage-drift: what the component declares drops terms a base model imposes, whatever
    the declared licence is. lineage-unknown: an ancestor could not be read, so the check
    cannot be made; it fails closed at the same severity."""
    if policy.lineage == "ignore" or not result.lineage:
        return []
    out: list[Finding] = []
    for declared, claim in _declared(result, expression):
        own = {f.facet for f in terms.facets_of(declared)}
        own_open = not _restricted(declared)
        for hop in result.lineage:
            if not hop.license or not _restricted(hop.license):
                continue
            lost = {f.facet for f in terms.facets_of(hop.license)} - own
            if not (lost or own_open):
                continue
            dropped = ", ".join(sorted(lost)) or "its terms"
            said = f"{claim.field} says {claim.value!r}" if claim else f"declares {declared}"
            out.append(Finding(
                "lineage-drift", _SEVERITY[policy.lineage],
                f"{said}, which drops terms of its ancestor {hop.parent} "
                f"({_licence_name(hop.license)}): {dropped}; {_chain(result, hop)}",
                result.component.purl, (claim.place,) if claim else result.places,
                "a derivative stays bound by its base model's licence: "
                + (f"state {hop.license} at {claim.place}" if claim else f"treat it under {hop.license}")
                + ", or if the base's licensor granted the relicensing: "
                + exception_snippet(result, expression),
            ))
            break
    unreadable = [h for h in result.lineage if h.unreadable]
    if unreadable:
        shown = "; ".join(f"{_chain(result, h)}: {h.note}" for h in unreadable)
        out.append(Finding(
            "lineage-unknown", _SEVERITY[policy.lineage],
            f"derives from {len(unreadable)} model(s) whose terms could not be read, so its "
            f"lineage cannot be checked: {shown}",
            result.component.purl, result.places, _LINEAGE_HINTS.get(
                unreadable[0].cause or Cause.NOT_FOUND, _LINEAGE_HINTS[Cause.NOT_FOUND])
            + ": " + exception_snippet(result, expression),
        ))
    return out


_LINEAGE_HINTS = {
    Cause.ACCESS: "set HF_TOKEN to a token that can read the base (for a gated base, one whose "
    "account accepted its licence), or read the base's licence by hand and add an exception for "
    "this component with that licence as reason",
    Cause.NOT_FOUND: "the base may have been deleted or renamed: correct base_model in the card, "
    "or read the base's licence by hand and add an exception for this component with that "
    "licence as reason",
    Cause.NETWORK: "rerun when the Hub can be reached, or add an exception for this component with "
    "the base's licence as reason",
    Cause.NOT_IN_CATALOG: "run once online so the Hub can answer (the cache then serves offline "
    "runs), or add an exception for this component with the base's licence as reason",
    Cause.TOO_DEEP: "read the rest of the lineage by hand, then add an exception for this "
    "component with the root's licence as reason",
}


def _gated_findings(result: ResolvedComponent) -> list[Finding]:
    if result.gated is None:
        return []
    how = "approved by hand" if result.gated == "manual" else "approved automatically"
    page = next((e.url for e in (result.outcome.evidence if isinstance(result.outcome, Resolution)
                                 else ()) if e.source == "hub" and e.url), None)
    return [Finding(
        "gated", Severity.INFO,
        f"gated on the Hub ({how}): its licence must be accepted on the Hub, by the account "
        "that downloads it, before the weights can be downloaded",
        result.component.purl, result.places,
        f"accept the licence{' at ' + page if page else ' on its Hub page'}; a CI job that "
        "downloads the weights needs HF_TOKEN from an account that has accepted it",
    )]


def _project_claim_findings(policy: Policy, claims: Sequence[Claim],
                            results: Sequence[ComponentResult]) -> list[Finding]:
    """open-washing at the project level: the repository presents itself as open source
    while it references models whose terms are not open."""
    if policy.open_washing == "ignore" or not claims:
        return []
    restricted: list[str] = []
    for r in results:
        if r.component.kind.value == "package" or r.verdict is Verdict.EXCEPTED:
            continue
        outcome = r.resolved.outcome
        if not isinstance(outcome, Resolution):
            continue
        if _restricted(outcome.expression):
            restricted.append(f"{r.component.name} ({_terms_summary(outcome.expression)})")
        elif _restricted_ancestors(r.resolved):
            hop = _restricted_ancestors(r.resolved)[0]
            assert hop.license is not None
            restricted.append(f"{r.component.name} (via {hop.parent}: "
                              f"{_terms_summary(hop.license)})")
    if not restricted:
        return []
    out = []
    for claim in claims:
        if _claim_is_open(claim) is None:
            continue
        out.append(Finding(
            "open-washing", _SEVERITY[policy.open_washing],
            f"the project declares {claim.value!r} ({claim.field}), but it uses models whose "
            f"terms are not open: {'; '.join(sorted(set(restricted)))}",
            None, (claim.place,),
            "say in the project's licence metadata and README which models it uses and under "
            "which terms (e.g. a License-Expression naming them), or stop shipping them as open "
            "source",
        ))
    return out


_CAP = {"error": Severity.ERROR, "warn": Severity.WARNING, "info": Severity.INFO}
_RANK = {Severity.ERROR: 2, Severity.WARNING: 1, Severity.INFO: 0}
# A published target's own claim and lineage are the repository's statement: never capped.
_PUBLISH_KEEPS = frozenset({"open-washing", "lineage-drift", "lineage-unknown"})


def _cap_mentions(policy: Policy, findings: list[Finding], results: list[ComponentResult]
                  ) -> tuple[list[Finding], list[ComponentResult]]:
    """Components only mentioned (docs, comments) or only published to are reported at
    the severity ``ai.mentions`` allows; ``ignore`` drops them. A component that any
    place uses is judged in full."""
    relation = {r.component.purl: r.resolved.relation for r in results}
    if all(rel is Relation.USE for rel in relation.values()):
        return findings, results
    if policy.mentions == "ignore":
        gone = {purl for purl, rel in relation.items() if rel is Relation.MENTION}
        findings = [f for f in findings if f.component not in gone]
        results = [r for r in results if r.component.purl not in gone]
        cap = Severity.INFO
    else:
        cap = _CAP[policy.mentions]
    capped: list[Finding] = []
    for finding in findings:
        rel = relation.get(finding.component or "")
        if rel is None or rel is Relation.USE or _RANK[finding.severity] <= _RANK[cap] or (
                rel is Relation.PUBLISH and finding.rule in _PUBLISH_KEEPS):
            capped.append(finding)
            continue
        capped.append(replace(finding, severity=cap, message=f"{finding.message} "
                              f"({rel.value} only: ai.mentions is {policy.mentions})"))
    still = {f.component for f in capped if f.severity is not Severity.INFO}
    adjusted: list[ComponentResult] = []
    for result in results:
        if result.resolved.relation is not Relation.USE and result.component.purl not in still \
                and result.verdict in (Verdict.DENIED, Verdict.WARNED):
            result = replace(result, verdict=Verdict.ALLOWED)
        elif result.resolved.relation is not Relation.USE and cap is Severity.WARNING \
                and result.verdict is Verdict.DENIED:
            result = replace(result, verdict=Verdict.WARNED)
        adjusted.append(result)
    return capped, adjusted


def evaluate(
    policy: Policy,
    resolved: Sequence[ResolvedComponent],
    parse_errors: Sequence[ParseError] = (),
    today: dt.date | None = None,
    inputs: Sequence[str] = (),
    offline: bool = False,
    notes: Sequence[str] = (),
    project_claims: Sequence[Claim] = (),
    indexes: Sequence[str] = (),
    indexes_origin: str = "",
) -> Report:
    today = today or dt.date.today()
    judge = Judge(policy)
    findings: list[Finding] = []
    results: list[ComponentResult] = []
    used: set[int] = set()
    live = [(i, e) for i, e in enumerate(policy.exceptions)
            if e.expires is None or e.expires >= today]

    def find_exception(result: ResolvedComponent, expression: str | None) -> tuple[
            PolicyException | None, PolicyException | None]:
        """(matching exception, exception that matched but is pinned to another licence)."""
        stale = None
        for index, exc in live:
            if not _exception_matches(exc, result):
                continue
            if exc.license is not None and (expression is None or not _same_licence(exc.license, expression)):
                stale = exc
                continue
            used.add(index)
            return exc, None
        return None, stale

    for result in sorted(resolved, key=lambda r: (r.component.name, r.component.version or "")):
        outcome = result.outcome
        purl = result.component.purl
        if isinstance(outcome, Unresolved):
            found = next(((i, e) for i, e in live if e.license and _exception_matches(e, result)),
                         None)
            if found is not None and found[1].license is not None:
                index, pinned = found
                licence = found[1].license
                used.add(index)
                # The licence someone found by hand: the component is judged under it (and
                # the same exception then covers what that licence breaks).
                outcome = Resolution(licence, (Evidence(
                    "exception", "license", licence,
                    f"stated by the exception at {pinned.place} ({pinned.reason}); "
                    f"not determined: {outcome.reason}"),))
                result = replace(result, outcome=outcome)
        if isinstance(outcome, Unresolved):
            if policy.unknown == "ignore":
                results.append(ComponentResult(result, Verdict.UNKNOWN, outcome.reason))
                continue
            exc, stale = find_exception(result, None)
            if exc is not None:
                results.append(ComponentResult(result, Verdict.EXCEPTED, outcome.reason,
                                               exception_reason=exc.reason))
                continue
            severity = Severity.ERROR if policy.unknown == "error" else Severity.WARNING
            message = f"licence unknown: {outcome.reason}"
            if stale is not None:
                message += (f"; the exception at {stale.place} is pinned to {stale.license}, "
                            "which cannot be confirmed")
            findings.append(Finding("license-unknown", severity, message, purl, result.places,
                                    f"{_unknown_hint(result, outcome.cause)}; once you know it: "
                                    + exception_snippet(result, UNKNOWN_LICENCE)))
            results.append(ComponentResult(result, Verdict.UNKNOWN, outcome.reason))
            continue
        assert isinstance(outcome, Resolution)
        decision = judge.decide(outcome.expression)
        own = _licence_findings(result, outcome.expression, decision)
        own += _claim_findings(policy, result, outcome.expression, decision)
        own += _lineage_findings(policy, result, outcome.expression)
        own += _gated_findings(result)
        own += _package_findings(policy, judge, result, outcome, decision)
        blocking = [f for f in own if f.severity is not Severity.INFO]
        info = [f for f in own if f.severity is Severity.INFO]
        if not blocking:
            findings.extend(info)
            results.append(ComponentResult(result, Verdict.ALLOWED, decision.why, decision.chosen))
            continue
        exc, stale = find_exception(result, outcome.expression)
        if exc is not None:
            findings.extend(info)
            results.append(ComponentResult(result, Verdict.EXCEPTED, decision.why, decision.chosen,
                                           exception_reason=exc.reason))
            continue
        if stale is not None:
            first = blocking[0]
            blocking[0] = Finding(first.rule, first.severity, first.message + (
                f"; the exception at {stale.place} no longer applies: it is pinned to "
                f"{stale.license}, but the licence is now {outcome.expression}"),
                first.component, first.places, first.hint)
        findings.extend(blocking + info)
        denied = any(f.severity is Severity.ERROR for f in blocking)
        verdict = Verdict.DENIED if denied else Verdict.WARNED
        detail = decision.why if decision.action != "allow" else "; ".join(
            f.message for f in blocking)
        washed = next((f for f in blocking if f.rule == "open-washing"), None)
        if washed is not None and washed.message not in detail:
            # the verdict's reason says the word, and shows the claim beside the truth
            detail = f"open-washing: {washed.message}; {detail}"
        results.append(ComponentResult(result, verdict, detail, decision.chosen))

    findings, results = _cap_mentions(policy, findings, results)
    findings.extend(_project_claim_findings(policy, project_claims, results))

    for index, exc in enumerate(policy.exceptions):
        if exc.expires is not None and exc.expires < today:
            findings.append(Finding(
                "exception-expired", Severity.ERROR,
                f"exception for {exc.component} expired on {exc.expires.isoformat()} "
                f"(reason was: {exc.reason})",
                exc.component, (exc.place,),
                "review the component again, then renew the exception with a new expires date "
                "or remove it",
            ))
        elif index not in used:
            findings.append(Finding(
                "exception-unused", Severity.WARNING,
                f"exception for {exc.component}"
                f"{' ' + exc.versions if exc.versions else ''} matches no component",
                exc.component, (exc.place,), "remove it, or correct its component or versions",
            ))

    for error in parse_errors:
        leave_out = f"paths: {{exclude: ['{error.place.path}']}}"
        if error.template:
            findings.append(Finding("template-skipped", Severity.INFO, error.message, None,
                                    (error.place,), "check the rendered file (helm template, ...), "
                                    f"or say it is not checked: {leave_out}"))
            continue
        findings.append(Finding("parse-error", _SEVERITY[policy.parse_errors], error.message, None,
                                (error.place,), "fix the file (every other file was still "
                                f"checked), or leave it out of the check: {leave_out}"))

    return Report(
        components=tuple(results), findings=tuple(findings), policy_sources=policy.sources,
        inputs=tuple(inputs), offline=offline, notes=tuple(notes), indexes=tuple(indexes),
        indexes_origin=indexes_origin,
    )
