"""``license-gate explain``: the facts behind a licence or a component, as text.

A pure function of what the CLI gathered: how the input was read, the component's
resolution (evidence and lineage) when it names one, and the knowledge base's facts for
every licence involved, each with its source."""

from __future__ import annotations

from collections.abc import Sequence

from license_gate.knowledge.terms import LicenceFacts
from license_gate.model import Resolution, ResolvedComponent, Unresolved


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
                   notes: Sequence[str] = ()) -> str:
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
        for hop in component.lineage:
            note = f"; {hop.note}" if hop.note else ""
            out.append(f"  lineage: {hop.child} <-{hop.relation}- {hop.parent} "
                       f"[{hop.license or 'unknown'}, {hop.source}{note}]")
        if isinstance(outcome, Resolution):
            out.append(f"licence: {outcome.expression}")
    elif expression is not None:
        out.append(f"licence: {expression}")
    if facts:
        out.append("facts:")
        for item in facts:
            out.extend(_facts(item))
    for note in notes:
        out.append(f"note: {note}")
    return "\n".join(out) + "\n"
