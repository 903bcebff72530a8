"""The GitHub Action's logic, run by ``action.yml`` as ``python -m license_gate.action``.

Inputs arrive only as environment variables (``INPUT_*``, set through the step's
``env:``), never interpolated into a script, and are validated here: a value that looks
like an option is refused, so an input can never smuggle a flag into the command line.
One run writes the JSON report, the Markdown job summary, the SARIF file and (on request)
the annotations, then sets the step outputs and picks the exit code from ``fail-on``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from license_gate import cli

BOOLEANS = {"true": True, "false": False}
FAIL_ON = ("error", "warning", "never")
EXTRA_FORMATS = ("text", "json", "markdown", "sarif", "cyclonedx")


class InputError(ValueError):
    pass


def _input(name: str, default: str = "") -> str:
    return os.environ.get(f"INPUT_{name.upper().replace('-', '_')}", default).strip()


def _no_flag(name: str, value: str) -> str:
    if value.startswith("-"):
        raise InputError(f"input {name} is {value!r}, which looks like an option; refusing it")
    if "\n" in value or "\0" in value:
        raise InputError(f"input {name} must be a single line")
    return value


def _boolean(name: str, default: str) -> bool:
    value = _input(name, default).lower()
    if value not in BOOLEANS:
        raise InputError(f"input {name} must be true or false, got {value!r}")
    return BOOLEANS[value]


def build(reports: Path) -> tuple[list[str], dict[str, str], str, bool]:
    """The check's argv, the report paths by output name, fail-on, and whether to write
    the summary. Raises InputError for anything malformed."""
    path = _no_flag("path", _input("path", ".") or ".")
    policy = _no_flag("policy", _input("policy"))
    baseline = _no_flag("baseline", _input("baseline"))
    exclude = [_no_flag("exclude", g.strip()) for g in _input("exclude").split(",") if g.strip()]
    sarif = _no_flag("sarif-file", _input("sarif-file", "license-gate.sarif"))
    fail_on = _input("fail-on", "error").lower()
    if fail_on not in FAIL_ON:
        raise InputError(f"input fail-on must be one of {', '.join(FAIL_ON)}, got {fail_on!r}")
    extra = [f.strip().lower() for f in _input("formats", "json").split(",") if f.strip()]
    unknown = [f for f in extra if f not in EXTRA_FORMATS]
    if unknown:
        raise InputError(f"input formats: unknown {', '.join(unknown)} (have: "
                         f"{', '.join(EXTRA_FORMATS)})")
    offline = _boolean("offline", "false")
    summary = _boolean("summary", "true")
    annotations = _boolean("annotations", "true")

    paths = {"report-json": str(reports / "report.json"),
             "markdown-file": str(reports / "summary.md")}
    if sarif:
        paths["sarif-file"] = sarif
    argv = ["check", path, "--format", "json", "--output", paths["report-json"],
            "--format", "markdown", "--output", paths["markdown-file"]]
    if sarif:
        argv += ["--format", "sarif", "--output", sarif]
    for fmt in dict.fromkeys(extra):
        if fmt in ("json", "markdown") or (fmt == "sarif" and sarif):
            continue
        suffix = {"text": "txt", "sarif": "sarif", "cyclonedx": "cdx.json"}.get(fmt, fmt)
        paths[f"report-{fmt}"] = str(reports / f"report.{suffix}")
        argv += ["--format", fmt, "--output", paths[f"report-{fmt}"]]
    if annotations:
        argv += ["--format", "github"]  # the one report on standard output
    prefix = os.path.normpath(path).replace(os.sep, "/")
    if prefix not in (".", "") and not os.path.isabs(prefix):
        # Annotations and SARIF locations are relative to the repository root.
        argv += ["--path-prefix", prefix]
    if policy:
        argv += ["--policy", policy]
    if baseline:
        argv += ["--baseline", baseline]
    for glob in exclude:
        argv += ["--exclude", glob]
    if offline:
        argv.append("--offline")
    return argv, paths, fail_on, summary


def _append(variable: str, text: str) -> None:
    target = os.environ.get(variable)
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(text)


def main() -> int:
    reports = Path(os.environ.get("RUNNER_TEMP") or ".") / "license-gate"
    try:
        argv, paths, fail_on, summary = build(reports)
    except InputError as exc:
        print(f"::error title=license-gate::{exc}")
        return cli.EXIT_USAGE
    code = cli.main(argv)
    if code == cli.EXIT_USAGE:
        print("::error title=license-gate::the check could not run (usage or policy error); "
              "see the log above")
        return code
    report = json.loads(Path(paths["report-json"]).read_text("utf-8"))
    errors, warnings = report["summary"]["errors"], report["summary"]["warnings"]
    outputs = {"errors": str(errors), "warnings": str(warnings), "passed": str(report["passed"]).lower(),
               **paths}
    _append("GITHUB_OUTPUT", "".join(f"{k}={v}\n" for k, v in outputs.items()))
    if summary:
        _append("GITHUB_STEP_SUMMARY", Path(paths["markdown-file"]).read_text("utf-8") + "\n")
    if fail_on == "never":
        return cli.EXIT_OK
    failing = errors + (warnings if fail_on == "warning" else 0)
    return cli.EXIT_VIOLATIONS if failing else cli.EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
