"""action.yml, run the way a runner runs a composite action: each step's `env:` is
evaluated from the inputs, then its script runs under bash with the GITHUB_* files of a
simulated runner. The install step is replaced by this test environment, which has the
same checkout installed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
EXPRESSION = re.compile(r"\$\{\{\s*inputs\.([a-z-]+)\s*\}\}")


@dataclass
class Run:
    code: int
    stdout: str
    outputs: dict[str, str]
    summary: str


def run_action(tmp_path: Path, workspace: Path, **given: str) -> Run:
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir(exist_ok=True)
    output, summary, genv = (tmp_path / "output", tmp_path / "summary.md", tmp_path / "env")
    for f in (output, summary, genv):
        f.write_text("")
    inputs = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    for key, value in given.items():
        name = key.replace("_", "-")
        assert name in inputs, name
        inputs[name] = value
    base = {**os.environ, "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_ENV": str(genv), "RUNNER_TEMP": str(runner_temp), "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(workspace), "GITHUB_ACTION_PATH": str(ROOT),
            "LICENSE_GATE_PYTHON": sys.executable}
    code, stdout = 0, ""
    for step in ACTION["runs"]["steps"]:
        if step["id"] == "install":
            continue
        env = dict(base)
        for key, value in step.get("env", {}).items():
            env[key] = EXPRESSION.sub(lambda m: inputs[m.group(1)], str(value))
        proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=workspace, env=env,
                              capture_output=True, text=True)
        code, stdout = proc.returncode, proc.stdout + proc.stderr
        if code:
            break
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return Run(code, stdout, outputs, summary.read_text())


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    (ws / "models" / "ft").mkdir(parents=True)
    (ws / "models" / "ft" / "README.md").write_text(
        "---\nlicense: apache-2.0\nbase_model: meta-llama/Llama-3.1-8B\n---\n")
    (ws / "app.py").write_text('from transformers import AutoModel\n'
                               'm = AutoModel.from_pretrained("mistralai/Mistral-7B-v0.1")\n')
    return ws


def test_no_input_is_interpolated_into_a_script() -> None:
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step["run"], step["id"]
        assert step["shell"] == "bash"
    used = {m.group(1) for step in ACTION["runs"]["steps"]
            for v in step.get("env", {}).values() for m in EXPRESSION.finditer(str(v))}
    assert used == set(ACTION["inputs"])  # every input is wired, and only through env


def test_failing_run_writes_summary_outputs_annotations_and_sarif(tmp_path: Path, workspace: Path) -> None:
    run = run_action(tmp_path, workspace, offline="true")
    assert run.code == 1, run.stdout
    assert run.outputs["errors"] == "1" and run.outputs["passed"] == "false"
    assert run.summary.startswith("## license-gate: failed")
    assert "`open-washing`" in run.summary
    assert "::error file=models/ft/README.md,line=2,title=license-gate open-washing::" in run.stdout
    sarif = workspace / run.outputs["sarif-file"]
    assert sarif.is_file() and '"version": "2.1.0"' in sarif.read_text()
    assert Path(run.outputs["report-json"]).is_file()


def test_fail_on_never_and_switches_off(tmp_path: Path, workspace: Path) -> None:
    run = run_action(tmp_path, workspace, offline="true", fail_on="never", summary="false",
                     annotations="false", formats="text,cyclonedx", sarif_file="")
    assert run.code == 0, run.stdout
    assert run.outputs["errors"] == "1"
    assert run.summary == ""
    assert "::error" not in run.stdout
    assert "sarif-file" not in run.outputs
    assert Path(run.outputs["report-text"]).read_text().startswith("license-gate ")
    assert Path(run.outputs["report-cyclonedx"]).name == "report.cdx.json"


def test_exclude_leaves_paths_out(tmp_path: Path, workspace: Path) -> None:
    run = run_action(tmp_path, workspace, offline="true", exclude="models/, docs/")
    assert run.code == 0, run.stdout
    assert run.outputs["errors"] == "0"


def test_fail_on_warning(tmp_path: Path, workspace: Path) -> None:
    (workspace / "models" / "ft" / "README.md").write_text(
        "---\nlicense: llama3.1\nbase_model: meta-llama/Llama-3.1-8B\n---\n")
    assert run_action(tmp_path, workspace, offline="true").code == 0
    run = run_action(tmp_path, workspace, offline="true", fail_on="warning")
    assert run.code == 1 and run.outputs["warnings"] != "0"


@pytest.mark.parametrize(("inputs", "says"), [
    ({"path": "--policy=/etc/passwd"}, "input path is '--policy=/etc/passwd', which looks like an option"),
    ({"baseline": "--upload-pack=touch /tmp/x"}, "input baseline"),
    ({"fail_on": "sometimes"}, "input fail-on must be one of"),
    ({"offline": "yes"}, "input offline must be true or false"),
    ({"formats": "xml"}, "input formats: unknown xml"),
    ({"exclude": "models/,--policy=/etc/passwd"}, "input exclude is '--policy=/etc/passwd'"),
])
def test_malformed_inputs_are_refused(tmp_path: Path, workspace: Path, inputs: dict[str, str],
                                      says: str) -> None:
    run = run_action(tmp_path, workspace, **inputs)
    assert run.code == 2
    assert f"::error title=license-gate::{says}" in run.stdout
    assert run.outputs == {}


def test_shell_metacharacters_stay_data(tmp_path: Path, workspace: Path) -> None:
    marker = tmp_path / "pwned"
    run = run_action(tmp_path, workspace, policy=f"x; touch {marker}", offline="true")
    assert run.code == 2  # no such policy file
    assert not marker.exists()


def test_workflow_example_uses_the_action_and_uploads_sarif() -> None:
    example = yaml.safe_load((ROOT / "examples" / "workflows" / "license-gate.yml").read_text())
    steps = [s for job in example["jobs"].values() for s in job["steps"]]
    ours = [s for s in steps if "license-gate" in str(s.get("uses", ""))]
    assert ours and ours[0]["with"]["sarif-file"] == "license-gate.sarif"
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif") for s in steps)
    readme = (ROOT / "README.md").read_text()
    assert "examples/workflows/license-gate.yml" in readme


def test_a_subdirectory_is_annotated_relative_to_the_workspace(tmp_path: Path, workspace: Path) -> None:
    (workspace / "svc").mkdir()
    (workspace / "models").rename(workspace / "svc" / "models")
    run = run_action(tmp_path, workspace, path="svc", offline="true")
    assert run.code == 1, run.stdout
    assert "::error file=svc/models/ft/README.md,line=2," in run.stdout
    sarif = (workspace / run.outputs["sarif-file"]).read_text()
    assert '"uri": "svc/models/ft/README.md"' in sarif


def test_an_index_input_resolves_packages_from_it_and_keeps_its_token_out_of_argv(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.fake_simple import ASSETS, FakeSimpleIndex, wheel_bytes

    index = FakeSimpleIndex()
    index.auth = ("ci", "tok3n")
    index.add_project("sixlike", [("sixlike-1.17.0-py2.py3-none-any.whl", False)])
    index.files["sixlike-1.17.0-py2.py3-none-any.whl"] = wheel_bytes(
        "sixlike", "1.17.0", (ASSETS / "six-1.17.0.METADATA").read_text().replace(
            "Name: six", "Name: sixlike"), None)
    index.start()
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "requirements.txt").write_text("sixlike==1.17.0\n")
    monkeypatch.delenv("LICENSE_GATE_PYPI_URL")
    try:
        run = run_action(tmp_path, ws, index_url=index.url_with("ci", "tok3n"))
    finally:
        index.stop()
    assert run.code == 0, run.stdout
    report = json.loads(Path(run.outputs["report-json"]).read_text())
    assert [(c["name"], c["license"]) for c in report["components"]] == [("sixlike", "MIT")]
    assert "tok3n" not in run.stdout + Path(run.outputs["report-json"]).read_text()
