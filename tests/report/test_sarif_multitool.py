"""SARIF as Microsoft's SARIF multitool judges it, with the rules GitHub code scanning
adds (``validate --rule-kind "Sarif;Gh"``): nothing but the missing ``informationUri``
warning (SARIF2005) when the tool declares no home, and nothing at all when it does.

The multitool is a .NET program from npm (@microsoft/sarif-multitool); .ci/run installs
it and names its binary in SARIF_MULTITOOL. Without it these tests are skipped."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from license_gate import about

TOOL = os.environ.get("SARIF_MULTITOOL", "")
# Skipped only when nobody named the tool: named but missing is a failure, so CI, which
# names it, cannot pass by skipping.
pytestmark = pytest.mark.skipif(not TOOL, reason="SARIF_MULTITOOL is not set")


def _validate(sarif: Path, tmp_path: Path) -> list[str]:
    assert os.access(TOOL, os.X_OK), f"SARIF_MULTITOOL={TOOL} is not an executable"
    verdict = tmp_path / "validation.sarif"
    run = subprocess.run([TOOL, "validate", "--rule-kind", "Sarif;Gh", "--output", str(verdict),
                          str(sarif)], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "DOTNET_CLI_TELEMETRY_OPTOUT": "1"})
    assert run.returncode == 0, run.stdout + run.stderr
    found = json.loads(verdict.read_text())["runs"][0]
    assert found["invocations"][0]["executionSuccessful"] is True
    return sorted(r["ruleId"] for r in found.get("results", []))


def _report(ai_repo: Path, tmp_path: Path, run_cli) -> Path:  # type: ignore[no-untyped-def]
    out = tmp_path / "report.sarif"
    assert run_cli("check", str(ai_repo), "--offline", "--format", "sarif",
                   "--output", str(out)).code == 1
    assert json.loads(out.read_text())["runs"][0]["results"]  # errors, warnings, unknowns
    return out


def test_a_declared_home_leaves_the_multitool_nothing_to_say(
        ai_repo: Path, tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(about, "home_url", lambda: "https://git.example.com/tools/license-gate")
    sarif = _report(ai_repo, tmp_path, run_cli)
    driver = json.loads(sarif.read_text())["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == "https://git.example.com/tools/license-gate"
    assert _validate(sarif, tmp_path) == []


def test_without_a_home_only_sarif2005_is_raised(
        ai_repo: Path, tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(about, "home_url", lambda: None)
    sarif = _report(ai_repo, tmp_path, run_cli)
    assert "informationUri" not in json.loads(sarif.read_text())["runs"][0]["tool"]["driver"]
    assert _validate(sarif, tmp_path) == ["SARIF2005"]
