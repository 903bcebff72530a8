"""CycloneDX 1.6 JSON: an SBOM of what the repository uses, with the licence of each
component as an SPDX expression. Packages are ``library`` components, models
``machine-learning-model`` and datasets ``data``; the verdict and what the licence was
claimed to be travel as ``license-gate:*`` properties. Components whose licence is unknown
carry no ``licenses`` (the spec has no "unknown") and a property that says why."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from license_gate import __version__
from license_gate.model import ComponentResult, Kind, Report, Resolution, Unresolved

_TYPE = {Kind.PACKAGE: "library", Kind.MODEL: "machine-learning-model", Kind.DATASET: "data"}
# purl types that name a registry; local files get a bom-ref but no purl.
_PURL_TYPES = ("pypi", "huggingface", "ollama")


def _component(result: ComponentResult, ref: str) -> dict[str, Any]:
    c = result.component
    outcome = result.resolved.outcome
    out: dict[str, Any] = {"type": _TYPE[c.kind], "bom-ref": ref, "name": c.name}
    if c.version:
        out["version"] = c.version
    if c.ecosystem in _PURL_TYPES:
        out["purl"] = c.purl
    if isinstance(outcome, Resolution):
        out["licenses"] = [{"expression": outcome.expression}]
    properties = [{"name": "license-gate:verdict", "value": result.verdict.value}]
    if isinstance(outcome, Unresolved):
        properties.append({"name": "license-gate:unknown-reason", "value": outcome.reason})
    if result.chosen:
        properties.append({"name": "license-gate:chosen", "value": result.chosen})
    for claim in result.resolved.claims:
        properties.append({"name": "license-gate:claimed-license",
                           "value": f"{claim.value} ({claim.field} at {claim.place})"})
    for place in result.resolved.places:
        properties.append({"name": "license-gate:referenced-at", "value": str(place)})
    out["properties"] = properties
    return out


def to_dict(report: Report, serial: str | None = None,
            timestamp: dt.datetime | None = None) -> dict[str, Any]:
    components = []
    refs: dict[str, ComponentResult] = {}
    for result in report.components:
        base = result.component.purl
        ref, n = base, 1
        while ref in refs:  # bom-refs must be unique within the BOM
            n += 1
            ref = f"{base}#{n}"
        refs[ref] = result
        components.append(_component(result, ref))
    # Lineage: a model depends on the base models it was derived from, when they are
    # themselves components of this BOM.
    by_name = {r.component.name: ref for ref, r in refs.items()}
    dependencies = []
    for ref, result in refs.items():
        parents = sorted({by_name[h.parent] for h in result.resolved.lineage
                          if h.child == result.component.name and h.parent in by_name})
        if parents:
            dependencies.append({"ref": ref, "dependsOn": parents})
    when = (timestamp or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
    bom: dict[str, Any] = {
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": serial or f"urn:uuid:{uuid.uuid4()}",
        "version": 1,
        "metadata": {
            "timestamp": when.isoformat().replace("+00:00", "Z"),
            "tools": {"components": [{"type": "application", "name": "license-gate",
                                      "version": __version__}]},
        },
        "components": components,
    }
    if dependencies:
        bom["dependencies"] = dependencies
    return bom


def format_cyclonedx(report: Report) -> str:
    return json.dumps(to_dict(report), indent=2) + "\n"
