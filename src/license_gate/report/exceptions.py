"""Today's findings as policy exceptions to review: the one step that lets a repository
with existing findings adopt the gate without turning it off.

Each component that fails or warns becomes one ``exceptions:`` entry, pinned to its
version and to the licence it carries (none for an unknown one: a comment says to pin it
once known), with ``reason: TODO`` and an expiry 90 days out, so that nothing passes
for ever unreviewed. The output is YAML a policy file takes as it is.
"""

from __future__ import annotations

import datetime as dt
import json

from license_gate.evaluate import exception_entry
from license_gate.model import Report, Resolution, Severity

REVIEW_DAYS = 90


def _quoted(text: str) -> str:
    return json.dumps(text)  # a JSON string is a YAML string, whatever it holds


def format_exceptions(report: Report, today: dt.date | None = None) -> str:
    failing = {f.component: f for f in report.findings
               if f.component and f.severity in (Severity.ERROR, Severity.WARNING)}
    lines = [
        "# Exceptions for the findings license-gate reported on "
        f"{(today or dt.date.today()).isoformat()}.",
        "# Review each: write its reason, pin the licence where it is unknown, then merge",
        "# these entries into your policy's exceptions (or use this file as the policy:",
        f"# it is one). Each expires in {REVIEW_DAYS} days.",
        "version: 1",
        "exceptions:",
    ]
    seen: set[tuple[str, str | None]] = set()
    for result in report.components:
        component = result.component
        if component.purl not in failing:
            continue
        key = (component.unversioned_purl, component.version)
        if key in seen:
            continue
        seen.add(key)
        finding = failing[component.purl]
        lines.append(f"  # {finding.rule}: {finding.message.splitlines()[0][:200]}")
        outcome = result.resolved.outcome
        licence = outcome.expression if isinstance(outcome, Resolution) else None
        entry = exception_entry(result.resolved, licence, "TODO", REVIEW_DAYS, today)
        for index, (field, value) in enumerate(entry.items()):
            if field == "reason" and licence is None:
                lines.append("    # license: unknown today; pin the licence you find here")
            lines.append(f"{'  - ' if index == 0 else '    '}{field}: "
                         f"{value if field == 'expires' else _quoted(value)}")
    if lines[-1] == "exceptions:":
        lines[-1] = "exceptions: []"
    return "\n".join(lines) + "\n"
