"""The JSON report: a stable, versioned contract (schemas/report-v1.schema.json).

Version 1 may gain fields; it never loses or renames one. A breaking change gets a new
``schema_version``.
"""

from __future__ import annotations

import json
from typing import Any

from license_gate import __version__
from license_gate.model import ComponentResult, Evidence, Finding, Place, Report, Resolution, Unresolved

SCHEMA_VERSION = 1


def _evidence(e: Evidence) -> dict[str, Any]:
    return {"source": e.source, "field": e.field, "value": e.raw, "note": e.note, "url": e.url}


def _places(places: tuple[Place, ...]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for p in places:
        entry: dict[str, Any] = {"path": p.path, "line": p.line}
        if p.relation is not None:
            entry["relation"] = p.relation.value
        if p.role is not None:
            entry["role"] = p.role.value
        out.append(entry)
    return out


def component_to_dict(result: ComponentResult) -> dict[str, Any]:
    """One component as the check report shows it (``explain --format json`` shows the same)."""
    resolved = result.resolved
    c = resolved.component
    outcome = resolved.outcome
    return {
        "id": c.purl,
        "kind": c.kind.value,
        "ecosystem": c.ecosystem,
        "name": c.name,
        "relation": resolved.relation.value if c.kind.value != "package" else None,
        "version": c.version,
        "license": outcome.expression if isinstance(outcome, Resolution) else None,
        "verdict": result.verdict.value,
        "reason": result.detail,
        "chosen": result.chosen,
        "unresolved_reason": outcome.reason if isinstance(outcome, Unresolved) else None,
        "unresolved_cause": outcome.cause.value if isinstance(outcome, Unresolved) else None,
        "exception_reason": result.exception_reason,
        "evidence": [_evidence(e) for e in outcome.evidence],
        # licences shipped inside the package for what it vendors, never its own
        "bundled": [{"license": b.license, "name": b.name, "evidence": _evidence(b.evidence)}
                    for b in outcome.bundled] if isinstance(outcome, Resolution) else [],
        "ambiguous": list(outcome.ambiguous) if isinstance(outcome, Resolution) else [],
        "version_evidence": _evidence(resolved.version_evidence)
        if resolved.version_evidence else None,
        "references": _places(resolved.places),
        "claims": [
            {"value": cl.value, "field": cl.field, "path": cl.place.path, "line": cl.place.line}
            for cl in resolved.claims
        ],
        "gated": resolved.gated,
        "lineage": [
            {"child": h.child, "parent": h.parent, "relation": h.relation, "license": h.license,
             "source": h.source, "note": h.note, "cause": h.cause.value if h.cause else None}
            for h in resolved.lineage
        ],
    }


def finding_to_dict(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "severity": f.severity.value,
        "component": f.component,
        "message": f.message,
        "hint": f.hint,
        "references": _places(f.places),
    }


def to_dict(report: Report) -> dict[str, Any]:
    components = [component_to_dict(result) for result in report.components]
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "license-gate", "version": __version__},
        "passed": report.is_compliant,
        "summary": {
            "components": len(report.components),
            "errors": report.errors,
            "warnings": report.warnings,
            "unresolved": report.unresolved,
        },
        "policy": {"sources": list(report.policy_sources)},
        "offline": report.offline,
        "inputs": list(report.inputs),
        "components": components,
        "findings": [finding_to_dict(f) for f in report.findings],
        "notes": list(report.notes),
        "indexes": {"urls": list(report.indexes), "origin": report.indexes_origin}
        if report.indexes else None,
    }


def format_json(report: Report) -> str:
    return json.dumps(to_dict(report), indent=2, sort_keys=False) + "\n"
