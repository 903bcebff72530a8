"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` annotation
per finding at its ``file:line``.

GitHub shows at most 10 error and 10 warning annotations per step (and 50 per job), so
annotations beyond those limits are not emitted; one notice says how many were left out
and where the full report is. Messages are escaped as the workflow-command syntax requires.
"""

from __future__ import annotations

from license_gate.model import Report, Severity

PER_STEP = {Severity.ERROR: 10, Severity.WARNING: 10, Severity.INFO: 10}
_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(report: Report, limits: dict[Severity, int] | None = None) -> str:
    limits = limits or PER_STEP
    shown = {s: 0 for s in Severity}
    left = 0
    out: list[str] = []
    for f in report.findings:
        if shown[f.severity] >= limits[f.severity]:
            left += 1
            continue
        shown[f.severity] += 1
        props = []
        if f.places:
            props.append(f"file={_property(f.places[0].path)}")
            if f.places[0].line:
                props.append(f"line={f.places[0].line}")
        props.append(f"title={_property(f'license-gate {f.rule}')}")
        message = f"{f.component}: {f.message}" if f.component else f.message
        if f.hint:
            message += f"\nFix: {f.hint}"
        out.append(f"::{_COMMAND[f.severity]} {','.join(props)}::{_data(message)}")
    if left:
        out.append(f"::notice title=license-gate::{left} more finding(s) not annotated "
                   "(GitHub shows 10 errors and 10 warnings per step); see the job summary or "
                   "the full report")
    verdict = "passed" if report.is_compliant else "failed"
    out.append(f"license-gate {verdict}: {report.errors} error(s), {report.warnings} warning(s), "
               f"{report.unresolved} unresolved")
    return "\n".join(out) + "\n"
