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
from dataclasses import dataclass
from typing import Any

from license_gate.knowledge import licensing
from license_gate.model import (
    Cause,
    ComponentResult,
    Finding,
    ParseError,
    Report,
    Resolution,
    ResolvedComponent,
    Severity,
    Unresolved,
    Verdict,
)
from license_gate.policy import Policy, PolicyException

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
class Decision:
    action: str  # allow | warn | error
    why: str
    chosen: str | None = None  # the licence(s) that satisfied the policy, when a choice was made


class Judge:
    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._allow = {e.lower(): e for e in policy.allow}
        self._deny = {e.lower(): e for e in policy.deny}
        # Compound entries are compared by their simplified canonical form.
        self._allow_compound = self._compound(policy.allow)
        self._deny_compound = self._compound(policy.deny)

    @staticmethod
    def _canonical(node: Any) -> str:
        return str(licensing.render(node.simplify())).lower()

    def _compound(self, entries: Sequence[str]) -> dict[str, str]:
        out = {}
        for entry in entries:
            parsed = licensing.parse(entry)
            if getattr(parsed, "args", None) and not hasattr(parsed, "license_symbol"):
                out[self._canonical(parsed)] = entry
        return out

    def decide(self, expression: str) -> Decision:
        parsed = licensing.parse(expression, allow_custom_refs=True)
        return self._node(parsed)

    def _node(self, node: Any) -> Decision:
        import license_expression as le

        if isinstance(node, (le.AND, le.OR)) and (self._allow_compound or self._deny_compound):
            key = self._canonical(node)
            if key in self._deny_compound:
                entry = self._deny_compound[key]
                return Decision("error", f"denied by licenses.deny {entry!r}"
                                f"{self.policy.origin('licenses.deny:' + entry)}")
            if key in self._allow_compound:
                entry = self._allow_compound[key]
                return Decision("allow", f"allowed by licenses.allow {entry!r}")
        if isinstance(node, le.OR):
            options = [(self._node(arg), arg) for arg in node.args]
            best, arg = min(options, key=lambda o: RANK[o[0].action])
            picked = best.chosen or str(licensing.render(arg))
            if best.action == "allow":
                return Decision("allow", f"alternative {picked} chosen: {best.why}", picked)
            whys = "; ".join(f"{licensing.render(a)}: {d.why}" for d, a in options)
            return Decision(best.action, f"no alternative is allowed ({whys})", picked)
        if isinstance(node, le.AND):
            parts = [(self._node(arg), arg) for arg in node.args]
            worst = max((d for d, _ in parts), key=lambda d: RANK[d.action])
            chosen: str | None = None
            if any(d.chosen for d, _ in parts):
                picks = [d.chosen or str(licensing.render(a)) for d, a in parts]
                chosen = " AND ".join(f"({p})" if " " in p else p for p in picks)
            failing = [f"{licensing.render(a)}: {d.why}" for d, a in parts if d.action != "allow"]
            if not failing:
                return Decision("allow", "every part is allowed", chosen)
            return Decision(worst.action, "; ".join(failing), chosen)
        if isinstance(node, le.LicenseWithExceptionSymbol):
            whole = str(licensing.render(node))
            explicit = self._explicit(whole)
            if explicit:
                return explicit
            base = str(node.license_symbol.key)
            inner = self._symbol(base)
            return Decision(inner.action, f"{inner.why} (with {node.exception_symbol.key})",
                            f"{inner.chosen} WITH {node.exception_symbol.key}" if inner.chosen else None)
        return self._symbol(str(node.key))

    def _explicit(self, key: str) -> Decision | None:
        lowered = key.lower()
        if lowered in self._deny:
            entry = self._deny[lowered]
            return Decision("error", f"denied by licenses.deny{self.policy.origin('licenses.deny:' + entry)}")
        if lowered in self._allow:
            entry = self._allow[lowered]
            origin = self.policy.origin("licenses.allow:" + entry)
            return Decision("allow", f"allowed by licenses.allow{origin}")
        return None

    def _plain(self, key: str) -> Decision:
        explicit = self._explicit(key)
        if explicit:
            return explicit
        category = licensing.category_of(key)
        if category and category in self.policy.categories:
            action = self.policy.categories[category]
            verb = {"allow": "allowed", "warn": "warned", "error": "denied"}[action]
            return Decision(action, f"category {category} is {verb}"
                            f"{self.policy.origin('licenses.categories.' + category)}")
        action = self.policy.default
        what = f"category {category} has no rule" if category else "its category is unknown"
        return Decision(action, f"not in licenses.allow and {what}; licenses.default is {action}"
                        f"{self.policy.origin('licenses.default')}")

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
    lic = licensing.licensing()
    try:
        return bool(lic.is_equivalent(a, b))
    except Exception:
        return False


def _hint_denied(result: ResolvedComponent, expression: str) -> str:
    c = result.component
    versions = f", versions: '=={c.version}'" if c.version else ""
    return (f"replace {c.name}, or if its terms are acceptable add to the policy: "
            f"exceptions: [{{component: {c.unversioned_purl}{versions}, "
            f"license: '{expression}', reason: '...', expires: YYYY-MM-DD}}]")


_UNKNOWN_HINTS = {
    Cause.NETWORK: "the registry could not be reached: rerun when it is, or run with --offline "
    "using a cache warmed by an earlier online run (--cache-dir)",
    Cause.OFFLINE: "run once online to fill the cache, or install the package, then rerun --offline",
    Cause.NOT_FOUND: "check the name and version; for a private package, check its licence by hand "
    "and add an exception with that licence pinned",
    Cause.NOT_REGISTRY: "check its licence by hand, then add an exception with that licence pinned "
    "(exceptions: [{component: ..., license: ..., reason: ...}])",
    Cause.NO_LICENSE: "read the package's licence file, then add an exception with that licence "
    "pinned and a reason",
    Cause.UNRECOGNISED: "read the package's licence file, then add an exception with that licence "
    "pinned and a reason",
    Cause.ACCESS: "the repository is gated or private: set HF_TOKEN to a token that can read it, "
    "or check the licence by hand and add an exception with that licence pinned",
    Cause.NOT_IN_CATALOG: "run online so the Hub can answer, or check the licence by hand and add an "
    "exception with that licence pinned",
}


def evaluate(
    policy: Policy,
    resolved: Sequence[ResolvedComponent],
    parse_errors: Sequence[ParseError] = (),
    today: dt.date | None = None,
    inputs: Sequence[str] = (),
    offline: bool = False,
    notes: Sequence[str] = (),
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
                                    _UNKNOWN_HINTS[outcome.cause]))
            results.append(ComponentResult(result, Verdict.UNKNOWN, outcome.reason))
            continue
        assert isinstance(outcome, Resolution)
        decision = judge.decide(outcome.expression)
        if decision.action == "allow":
            results.append(ComponentResult(result, Verdict.ALLOWED, decision.why, decision.chosen))
            continue
        exc, stale = find_exception(result, outcome.expression)
        if exc is not None:
            results.append(ComponentResult(result, Verdict.EXCEPTED, decision.why, decision.chosen,
                                           exception_reason=exc.reason))
            continue
        severity = Severity.ERROR if decision.action == "error" else Severity.WARNING
        message = f"{outcome.expression}: {decision.why}"
        if stale is not None:
            message += (f"; the exception at {stale.place} no longer applies: it is pinned to "
                        f"{stale.license}, but the licence is now {outcome.expression}")
        findings.append(Finding("license-denied", severity, message, purl, result.places,
                                _hint_denied(result, outcome.expression)))
        verdict = Verdict.DENIED if severity is Severity.ERROR else Verdict.WARNED
        results.append(ComponentResult(result, verdict, decision.why, decision.chosen))

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
        findings.append(Finding("parse-error", Severity.ERROR, error.message, None, (error.place,),
                                "fix the file; every other file was still checked"))

    return Report(
        components=tuple(results), findings=tuple(findings), policy_sources=policy.sources,
        inputs=tuple(inputs), offline=offline, notes=tuple(notes),
    )
