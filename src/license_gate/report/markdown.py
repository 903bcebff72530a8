"""Markdown for a CI job summary or a pull-request comment: the verdict first, then a
table of problems, then the components by verdict in a collapsed section."""

from __future__ import annotations

from license_gate import __version__
from license_gate.model import Report, Resolution, Severity, Verdict

_ICON = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}
_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
MAX_ROWS = 200  # a job summary is capped at 1 MiB; keep far below it


def _cell(text: str) -> str:
    # Pipes and newlines would break the table; backslashes would escape them away.
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def format_markdown(report: Report) -> str:
    status = "passed" if report.is_compliant else "failed"
    out = [
        f"## license-gate: {status}",
        "",
        f"**{report.errors}** error(s), **{report.warnings}** warning(s), "
        f"**{report.unresolved}** unresolved, {len(report.components)} components from "
        f"{len(report.inputs)} files. Policy: {', '.join(report.policy_sources) or 'none'}"
        f"{'; offline' if report.offline else ''}"
        + (f"; package index: {', '.join(report.indexes)} (from {report.indexes_origin})"
           if report.indexes else "") + ".",
        "",
    ]
    problems = sorted(report.findings, key=lambda f: (_ORDER[f.severity], f.rule,
                                                      str(f.places[0]) if f.places else ""))
    if problems:
        out += ["| severity | rule | where | component | message |", "|---|---|---|---|---|"]
        for f in problems[:MAX_ROWS]:
            where = f"`{f.places[0]}`" if f.places else "policy"
            component = f"`{f.component}`" if f.component else ""
            message = f.message + (f"<br>**Fix:** {f.hint}" if f.hint else "")
            out.append(f"| {_ICON[f.severity]} | `{f.rule}` | {_cell(where)} | {_cell(component)} "
                       f"| {_cell(message)} |")
        if len(problems) > MAX_ROWS:
            out.append(f"\n{len(problems) - MAX_ROWS} more finding(s) left out; see the full "
                       "report.")
        out.append("")
    if report.components:
        out += ["<details><summary>Components</summary>", "",
                "| component | kind | licence | verdict |", "|---|---|---|---|"]
        order = list(Verdict)
        for r in sorted(report.components, key=lambda r: (order.index(r.verdict),
                                                          r.component.name))[:MAX_ROWS]:
            outcome = r.resolved.outcome
            licence = outcome.expression if isinstance(outcome, Resolution) else "unknown"
            c = r.component
            name = f"{c.name} {c.version}" if c.version else c.name
            out.append(f"| {_cell(name)} | {c.kind.value} | `{_cell(licence)}` | "
                       f"{r.verdict.value} |")
        out += ["", "</details>", ""]
    out.append(f"<sub>license-gate {__version__}</sub>")
    return "\n".join(out) + "\n"
