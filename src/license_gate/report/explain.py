"""``license-gate explain``: the facts behind a licence or a component, as text or JSON.

Pure functions of what the CLI gathered: how the input was read, the component's
resolution (evidence and lineage) and its verdict under the policy when it names one, and
the knowledge base's facts for every licence involved, each with its source. The JSON
form shows the component with the same fields as check's JSON report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from license_gate.knowledge.terms import LicenceFacts
from license_gate.model import ComponentResult, Finding, Resolution, ResolvedComponent, Unresolved


def _facts(facts: LicenceFacts) -> list[str]:
    lines = [f"  {facts.key}" + (f"  ({facts.name})" if facts.name != facts.key else "")]
    lines.append(f"    OSI-approved: {'yes' if facts.osi_approved else 'no'}")
    lines.append(f"    category: {facts.category or 'unknown'}")
    if facts.source:
        lines.append(f"    source: {facts.source}")
    if facts.facets:
        lines.append("    restrictions:")
        for facet in facts.facets:
            lines.append(f"      - {facet.describe()}")
            lines.append(f"        source: {facet.source}")
    elif facts.osi_approved or facts.category in ("Permissive", "Public Domain"):
        lines.append("    restrictions: none beyond the licence's own conditions")
    else:
        lines.append("    restrictions: none recorded in the knowledge base")
    return lines


def format_explain(subject: str, reading: str, expression: str | None,
                   facts: Sequence[LicenceFacts],
                   component: ResolvedComponent | None = None,
                   notes: Sequence[str] = (),
                   result: ComponentResult | None = None,
                   findings: Sequence[Finding] = (),
                   policy_sources: Sequence[str] = ()) -> str:
    out = [f"{subject}: {reading}"]
    if component is not None:
        outcome = component.outcome
        c = component.component
        out.append(f"component: {c.purl} ({c.kind.value})")
        if isinstance(outcome, Unresolved):
            out.append(f"licence: unknown: {outcome.reason}")
        for evidence in outcome.evidence:
            out.append(f"  evidence: {evidence.describe()}"
                       + (f" <{evidence.url}>" if evidence.url else ""))
        if isinstance(outcome, Resolution):
            for bundled in outcome.bundled:
                out.append(f"  bundled: {bundled.license} ({bundled.evidence.describe()})")
            if outcome.ambiguous:
                out.append("  ambiguous: " + "; ".join(outcome.ambiguous))
        for hop in component.lineage:
            note = f"; {hop.note}" if hop.note else ""
            out.append(f"  lineage: {hop.child} <-{hop.relation}- {hop.parent} "
                       f"[{hop.license or 'unknown'}, {hop.source}{note}]")
        if component.gated:
            out.append(f"  gated: {component.gated} (the licence is accepted on the Hub before download)")
        if isinstance(outcome, Resolution):
            out.append(f"licence: {outcome.expression}")
        if result is not None:
            under = ", ".join(policy_sources) or "the policy"
            out.append(f"verdict under {under}: {result.verdict.value}"
                       + (f" ({result.detail})" if result.detail else ""))
        for finding in findings:
            out.append(f"  {finding.severity.value} [{finding.rule}] {finding.message}")
            if finding.hint:
                out.append(f"    fix: {finding.hint}")
    elif expression is not None:
        out.append(f"licence: {expression}")
    if facts:
        out.append("facts:")
        for item in facts:
            out.extend(_facts(item))
    for note in notes:
        out.append(f"note: {note}")
    return "\n".join(out) + "\n"


def _facts_dict(facts: LicenceFacts) -> dict[str, Any]:
    return {
        "key": facts.key, "name": facts.name, "osi_approved": facts.osi_approved,
        "category": facts.category, "source": facts.source,
        "restrictions": [{"facet": f.facet, "term": f.term, "params": f.params, "source": f.source}
                         for f in facts.facets],
    }


def explain_to_dict(subject: str, reading: str, expression: str | None,
                    facts: Sequence[LicenceFacts], result: ComponentResult | None = None,
                    findings: Sequence[Finding] = (), policy_sources: Sequence[str] = (),
                    notes: Sequence[str] = ()) -> dict[str, Any]:
    from license_gate.report.json import SCHEMA_VERSION, component_to_dict, finding_to_dict

    component = component_to_dict(result) if result is not None else None
    return {
        "schema_version": SCHEMA_VERSION,
        "subject": subject,
        "reading": reading,
        "license": component["license"] if component else expression,
        "component": component,
        "findings": [finding_to_dict(f) for f in findings],
        "policy": {"sources": list(policy_sources)},
        "facts": [_facts_dict(f) for f in facts],
        "notes": list(notes),
    }
