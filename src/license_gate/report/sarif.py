"""SARIF 2.1.0 for GitHub code scanning: one run, one rule per rule id with help text,
one result per finding at its first ``file:line`` (further places as related locations).

Only findings with a place in the repository become results: code scanning can show
nothing else. ``partialFingerprints`` keep alerts stable across runs while lines move.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from license_gate import __version__
from license_gate.model import Finding, Place, Report, Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

# Stable rule ids and what they mean, for the rule's short and full description.
RULES: dict[str, tuple[str, str]] = {
    "license-denied": ("Licence not allowed by the policy",
                       "The component's licence is denied or warned by the policy's licences "
                       "section (allow/deny, OSI approval, category or default)."),
    "license-unknown": ("Licence could not be determined",
                        "license-gate could not establish the component's licence; the message "
                        "says why. An unknown licence is never treated as a pass."),
    "ai-restriction": ("AI licence restriction",
                       "A restriction of an AI licence (non-commercial use, user or revenue "
                       "caps, acceptable-use policy, territory, ...) judged against the policy's "
                       "ai.restrictions and the organisation's context."),
    "open-washing": ("Claimed open licence, restrictive terms",
                     "A card, header, Modelfile, config or the project itself claims an open "
                     "licence for something whose real terms, or whose base model's terms, are "
                     "restrictive."),
    "lineage-drift": ("Derived model drops its base model's terms",
                      "A model, or a card, header or Modelfile describing it, declares a licence "
                      "that drops terms a restrictive ancestor in its base_model lineage imposes."),
    "lineage-unknown": ("Base model's terms could not be read",
                        "An ancestor in the base_model lineage could not be read (401, 403, 404, "
                        "the Hub unreachable, offline with no catalog entry), so the derivative "
                        "cannot be checked against it; the check fails closed."),
    "gated": ("Gated model",
              "The model is gated on the Hub: its licence must be accepted there before the "
              "weights can be downloaded."),
    "parse-error": ("File could not be read",
                    "A dependency file, config, notebook or model header is malformed; every "
                    "other file was still checked."),
    "template-skipped": ("Template not read",
                         "A file with template syntax ({{ }}, {% %}) that does not parse until "
                         "it is rendered was not read."),
    "exception-expired": ("Policy exception expired",
                          "An exception in the policy is past its expiry date."),
    "exception-unused": ("Policy exception matches nothing",
                         "An exception in the policy matches no component."),
}

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _location(place: Place) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": place.path, "uriBaseId": "%SRCROOT%"}}
    if place.line:
        physical["region"] = {"startLine": place.line}
    return {"physicalLocation": physical}


def _fingerprint(finding: Finding) -> str:
    # Component and rule identify a finding across runs; the line does not.
    key = f"{finding.rule}|{finding.component or ''}|{finding.places[0].path}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _rule(rule_id: str) -> dict[str, Any]:
    short, full = RULES.get(rule_id, (rule_id, rule_id))
    return {
        "id": rule_id,
        "name": "".join(part.title() for part in rule_id.split("-")),
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {"text": f"{full} Run `license-gate explain <component>` for the evidence.",
                 "markdown": f"{full}\n\nRun `license-gate explain <component>` for the evidence."},
    }


def to_dict(report: Report) -> dict[str, Any]:
    located = [f for f in report.findings if f.places]
    rule_ids = sorted({f.rule for f in located})
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    results = []
    for finding in located:
        text = finding.message
        if finding.component:
            text = f"{finding.component}: {text}"
        if finding.hint:
            text += f"\nFix: {finding.hint}"
        result: dict[str, Any] = {
            "ruleId": finding.rule,
            "ruleIndex": index[finding.rule],
            "level": _LEVEL[finding.severity],
            "message": {"text": text},
            "locations": [_location(finding.places[0])],
            "partialFingerprints": {"licenseGate/v1": _fingerprint(finding)},
        }
        if len(finding.places) > 1:
            result["relatedLocations"] = [
                {"id": i, **_location(p), "message": {"text": "also referenced here"}}
                for i, p in enumerate(finding.places[1:], start=1)
            ]
        if finding.component:
            result["properties"] = {"component": finding.component}
        results.append(result)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": _driver([_rule(r) for r in rule_ids])},
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    }


def _driver(rules: list[dict[str, Any]]) -> dict[str, Any]:
    from license_gate.about import home_url

    driver: dict[str, Any] = {"name": "license-gate", "version": __version__}
    url = home_url()
    if url:  # SARIF wants it absolute; a tool with no public home gives none
        driver["informationUri"] = url
    driver["rules"] = rules
    return driver


def format_sarif(report: Report) -> str:
    return json.dumps(to_dict(report), indent=2) + "\n"
