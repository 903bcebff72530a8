"""The human report: components grouped by verdict, each with its licence, the evidence
for it and where it is referenced; then every problem as ``path:line: severity rule:
message`` (the shape editors and pre-commit users expect); then the verdict."""

from __future__ import annotations

import re
import textwrap

from license_gate import __version__
from license_gate.model import (
    ComponentResult,
    Finding,
    Relation,
    Report,
    Resolution,
    Severity,
    Unresolved,
    Verdict,
)

_ORDER = (Verdict.DENIED, Verdict.UNKNOWN, Verdict.WARNED, Verdict.EXCEPTED, Verdict.ALLOWED)
_TITLE = {
    Verdict.DENIED: "denied",
    Verdict.UNKNOWN: "unknown licence",
    Verdict.WARNED: "allowed with a warning",
    Verdict.EXCEPTED: "allowed by an exception",
    Verdict.ALLOWED: "allowed",
}
MAX_PLACES = 3
_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def _places(result: ComponentResult) -> str:
    # A literal and the call it reaches may share a line; show each line once.
    places = tuple(dict.fromkeys(str(p) for p in result.resolved.places))
    shown = ", ".join(places[:MAX_PLACES])
    if len(places) > MAX_PLACES:
        shown += f" (+{len(places) - MAX_PLACES} more)"
    return shown


def _line(result: ComponentResult, detailed: bool) -> list[str]:
    resolved = result.resolved
    c = resolved.component
    outcome = resolved.outcome
    name = f"{c.name} {c.version}" if c.version else c.name
    if c.kind.value != "package":
        name = f"{c.kind.value} {c.ecosystem}:{c.name}" + (f"@{c.version}" if c.version else "")
    licence = outcome.expression if isinstance(outcome, Resolution) else "?"
    head = f"  {name}  {licence}"
    if result.chosen and result.chosen != licence:
        head += f"  (chosen: {result.chosen})"
    evidence = "; ".join(e.describe() for e in outcome.evidence) if outcome.evidence else ""
    if not detailed:
        extra = f"  [{evidence}]" if evidence else ""
        return [f"{head}{extra}  {_places(result)}"]
    lines = [head]
    if isinstance(outcome, Unresolved):
        lines.append(f"      why: {outcome.reason}")
    else:
        lines.append(f"      why: {result.detail}")
    if result.exception_reason:
        lines.append(f"      exception: {result.exception_reason}")
    if evidence:
        lines.append(f"      evidence: {evidence}")
    if resolved.version_evidence:
        lines.append(f"      version: {resolved.version_evidence.describe()}")
    for claim in resolved.claims:
        value = claim.value if len(claim.value) <= 60 else claim.value[:57].rstrip() + "..."
        lines.append(f"      claimed: {value!r} ({claim.field} at {claim.place})")
    if resolved.gated:
        lines.append(f"      gated: {resolved.gated} (accept the licence on the Hub to download)")
    for hop in resolved.lineage:
        licence = hop.license or "?"
        extra = f"; {hop.note}" if hop.note else ""
        lines.append(f"      lineage: {hop.child} <-{hop.relation}- {hop.parent} "
                     f"[{licence}, {hop.source}{extra}]")
    lines.append(f"      at: {_places(result)}")
    return lines


# From this many unknowns with one cause, they are one problem with a count: a first
# offline run on a real project has hundreds, each with the same fix.
COLLAPSE = 4
_SNIPPET = "; once you know it: "


# What differs between unknowns of one cause: the URL a reason quotes
# ("(http://.../x/1.0/json)") and whether that request was the one that gave up.
_QUOTED_URL = re.compile(r"\s*\([^()]*://[^()]*\)|; not retried| after \d+ attempts")


def _cause(finding: Finding) -> tuple[str, str, str] | None:
    """(severity, reason, fix) shared by unknowns of one cause, without the component."""
    if finding.rule != "license-unknown" or not finding.component or not finding.hint:
        return None
    reason = _QUOTED_URL.sub("", finding.message.removeprefix("licence unknown: "))
    return finding.severity.value, reason, finding.hint.split(_SNIPPET, 1)[0]


def _same_cause(problems: list[Finding]) -> dict[int, list[Finding]]:
    """Unknowns grouped by cause, for groups of COLLAPSE or more; keyed by finding id."""
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for f in problems:
        cause = _cause(f)
        if cause is not None:
            groups.setdefault(cause, []).append(f)
    return {id(f): group for group in groups.values() if len(group) >= COLLAPSE for f in group}


def _which(group: list[Finding]) -> str:
    """The first few components of a collapsed group, and how many more."""
    names = [f.component or "" for f in group]
    shown = ", ".join(names[:MAX_PLACES * 3])
    return shown + (f" (+{len(names) - MAX_PLACES * 3} more)" if len(names) > MAX_PLACES * 3
                    else "")


def _collapsed(group: list[Finding]) -> list[str]:
    first = group[0]
    cause = _cause(first)
    assert cause is not None
    severity, reason, fix = cause
    shown = _which(group)
    where = str(first.places[0]) if first.places else "<policy>"
    return [f"{where}: {severity} [license-unknown] {len(group)} components unknown: {reason}",
            f"    which: {shown}",
            f"    fix: {fix}; once you know a licence, add an exception for it "
            "(license-gate check --write-exceptions FILE writes them all to review)"]


def format_text(report: Report, show_allowed: bool = True, quiet: bool = False,
                width: int | None = None) -> str:
    """``quiet``: the header, one line per problem (no components, fixes or notes), and
    the verdict, for pre-commit and scripts; those lines are never wrapped, so each
    problem stays one line to grep. ``width``: wrap the full report's lines at this many
    columns (None: do not wrap)."""
    if quiet:
        return _quiet(report)
    text = _full(report, show_allowed)
    return text if width is None else wrap(text, width)


# A detail line's label ("      why: ", "    fix: "): its continuation lines start under
# the text after the label. A problem line ("path:3: error [rule] ...") continues four
# spaces in, as its "fix:" line does.
_LABEL = re.compile(r"^\s+[a-z][a-z ]*: ")
MIN_WIDTH = 40


def wrap(text: str, width: int) -> str:
    """Wrap each line longer than ``width`` at spaces, with a hanging indent. Words are
    never broken, so a path, a URL or a licence term stays whole: a longer one overflows
    rather than being cut, and can still be clicked or copied."""
    width = max(width, MIN_WIDTH)
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        label = _LABEL.match(line)
        lead = len(line) - len(line.lstrip(" "))
        hang = len(label.group(0)) if label else lead + 4
        out.extend(textwrap.wrap(line, width=width, subsequent_indent=" " * min(hang, width // 2),
                                 break_long_words=False, break_on_hyphens=False))
    return "\n".join(out)


def _quiet(report: Report) -> str:
    out = [f"license-gate {__version__}: {len(report.components)} components from "
           f"{len(report.inputs)} files"]
    problems = _sorted(report)
    collapsed = _same_cause(problems)
    for f in problems:
        same = collapsed.get(id(f))
        if same is not None:
            if same[0] is f:
                out.append(f"{_collapsed(same)[0]} ({_which(same)})")
            continue
        where = str(f.places[0]) if f.places else "<policy>"
        subject = f"{f.component}: " if f.component and f.rule.startswith("license") else ""
        out.append(f"{where}: {f.severity.value} [{f.rule}] {subject}{f.message}")
    summary = (f"{report.errors} error(s), {report.warnings} warning(s), "
               f"{report.unresolved} unresolved")
    out.append(("PASSED: " if report.is_compliant else "FAILED: ") + summary)
    return "\n".join(out) + "\n"


def _sorted(report: Report) -> list[Finding]:
    return sorted(
        report.findings,
        key=lambda f: (
            _SEVERITY_ORDER[f.severity],
            (f.places[0].path, f.places[0].line or 0) if f.places else ("", 0),
            f.rule,
        ),
    )


def _full(report: Report, show_allowed: bool) -> str:
    out: list[str] = []
    # The layers in force, nearest first: the one that decides when several have an opinion.
    layers = list(reversed(report.policy_sources))
    sources = (f"{layers[0]}, extending {' > '.join(layers[1:])}" if len(layers) > 1
               else layers[0] if layers else "none")
    out.append(
        f"license-gate {__version__}: {len(report.components)} components from "
        f"{len(report.inputs)} files; policy: {sources}{'; offline' if report.offline else ''}"
    )
    if report.indexes:
        out.append(f"package index: {', '.join(report.indexes)} (from {report.indexes_origin})")
    used = [r for r in report.components if r.resolved.relation is Relation.USE]
    for verdict in _ORDER:
        group = [r for r in used if r.verdict is verdict]
        if not group or (verdict is Verdict.ALLOWED and not show_allowed):
            continue
        out.append("")
        out.append(f"{_TITLE[verdict]} ({len(group)})")
        for result in group:
            # an unknown's why and fix are its problem line below: said once, not twice
            detailed = verdict not in (Verdict.ALLOWED, Verdict.UNKNOWN) or (
                verdict is Verdict.ALLOWED and result.component.kind.value != "package")
            out.extend(_line(result, detailed=detailed))
    # Models a repository only publishes or only mentions (docs, comments) are listed on
    # their own, one line each, so they do not drown the components it runs.
    for relation, title in ((Relation.PUBLISH, "published by this repository"),
                            (Relation.MENTION, "mentioned only (docs, comments; ai.mentions)")):
        group = [r for r in report.components if r.resolved.relation is relation]
        if not group or (not show_allowed and all(r.verdict is Verdict.ALLOWED for r in group)):
            continue
        out.append("")
        out.append(f"{title} ({len(group)})")
        for result in group:
            out.extend(_line(result, detailed=False))
    problems = _sorted(report)
    if problems:
        out.append("")
        out.append("problems:")
        collapsed = _same_cause(problems)
        for f in problems:
            same = collapsed.get(id(f))
            if same is not None:
                if same[0] is f:
                    out.extend(_collapsed(same))
                continue
            where = str(f.places[0]) if f.places else "<policy>"
            subject = f"{f.component}: " if f.component and f.rule.startswith("license") else ""
            out.append(f"{where}: {f.severity.value} [{f.rule}] {subject}{f.message}")
            if len(f.places) > 1:
                out.append(f"    also at: {', '.join(str(p) for p in f.places[1:MAX_PLACES + 1])}"
                           + (" ..." if len(f.places) > MAX_PLACES + 1 else ""))
            if f.hint:
                out.append(f"    fix: {f.hint}")
    for note in report.notes:
        out.append(f"note: {note}")
    out.append("")
    summary = (f"{report.errors} error(s), {report.warnings} warning(s), "
               f"{report.unresolved} unresolved")
    out.append(("PASSED: " if report.is_compliant else "FAILED: ") + summary)
    return "\n".join(out) + "\n"
