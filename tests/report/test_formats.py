"""Markdown, GitHub workflow commands and SARIF from one real run (the AI checks on a
small repository, offline), plus several reports in one run written atomically."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from license_gate import cli
from license_gate.model import Finding, Place, Report, Severity
from license_gate.report import FORMATS
from license_gate.report.github import format_github

ASSETS = Path(__file__).resolve().parents[1] / "assets"
SARIF_SCHEMA = json.loads((ASSETS / "schemas" / "sarif-2.1.0-rtm.5.json").read_text())


def test_cli_and_report_formats_agree() -> None:
    assert cli.FORMATS == FORMATS


def test_sarif_is_valid_2_1_0_with_rules_and_locations(ai_repo: Path, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out" / "report.sarif"
    result = run_cli("check", str(ai_repo), "--offline", "--format", "sarif", "--output", str(out))
    assert result.code == 1
    sarif = json.loads(out.read_text())
    jsonschema.validate(sarif, SARIF_SCHEMA)
    run = sarif["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert {"open-washing", "ai-restriction", "license-unknown"} <= set(rules)
    assert all(r["help"]["text"] and r["shortDescription"]["text"] for r in rules.values())
    washing = [r for r in run["results"] if r["ruleId"] == "open-washing"]
    assert len(washing) == 1 and washing[0]["level"] == "error"
    location = washing[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "models/ft/README.md"
    assert location["region"] == {"startLine": 2}
    assert run["tool"]["driver"]["rules"][washing[0]["ruleIndex"]]["id"] == "open-washing"
    assert len({r["partialFingerprints"]["licenseGate/v1"] for r in run["results"]}) == len(run["results"])


def test_several_formats_in_one_run(ai_repo: Path, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    md, sarif = tmp_path / "summary.md", tmp_path / "r.sarif"
    result = run_cli("check", str(ai_repo), "--offline", "--format", "markdown", "--output", str(md),
                     "--format", "sarif", "--output", str(sarif), "--format", "github")
    assert result.code == 1
    summary = md.read_text()
    assert summary.startswith("## license-gate: failed")
    assert "| error | `open-washing` | `models/ft/README.md:2` |" in summary
    assert "<details><summary>Components</summary>" in summary
    json.loads(sarif.read_text())
    # the one format without --output goes to standard output: GitHub annotations
    lines = result.out.splitlines()
    assert any(line.startswith("::error file=models/ft/README.md,line=2,title=license-gate "
                               "open-washing::") for line in lines)
    assert lines[-1].startswith("license-gate failed:")
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize(("args", "says"), [
    (["--format", "json", "--output", "a.json", "--output", "b.json"],
     "give one --format for each --output"),
    (["--format", "json", "--format", "sarif"], "several reports would go to standard output"),
    (["--format", "json", "--output", "same", "--format", "sarif", "--output", "same"],
     "same --output file"),
])
def test_format_and_output_misuse_is_a_usage_error(ai_repo: Path, run_cli, args: list[str],  # type: ignore[no-untyped-def]
                                                   says: str) -> None:
    result = run_cli("check", str(ai_repo), "--offline", *args)
    assert result.code == 2
    assert says in result.err


def test_unknown_format_and_unwritable_output(ai_repo: Path, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("check", str(ai_repo), "--format", "xml").code == 2
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = run_cli("check", str(ai_repo), "--offline", "--format", "json", "--output",
                     str(blocker / "report.json"))
    assert result.code == 2
    assert "cannot write" in result.err
    assert blocker.read_text() == "not a directory"


def test_github_annotations_respect_limits_and_escape() -> None:
    denied = [Finding("license-denied", Severity.ERROR, f"bad 100%\nline {i}", "pkg:pypi/x",
                      (Place("dir,a:b/requirements.txt", i + 1),)) for i in range(13)]
    findings = (*denied, Finding("exception-unused", Severity.WARNING, "unused", None, ()))
    out = format_github(Report(components=(), findings=findings)).splitlines()
    errors = [line for line in out if line.startswith("::error ")]
    assert len(errors) == 10
    assert errors[0] == ("::error file=dir%2Ca%3Ab/requirements.txt,line=1,title=license-gate "
                         "license-denied::pkg:pypi/x: bad 100%25%0Aline 0")
    assert "::warning title=license-gate exception-unused::unused" in out
    assert out[-2].startswith("::notice title=license-gate::3 more finding(s) not annotated")


def test_cyclonedx_1_6_is_valid_with_model_and_data_components(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "train.py").write_text(
        'from datasets import load_dataset\nfrom transformers import AutoModel\n'
        'ds = load_dataset("HuggingFaceH4/ultrachat_200k")\n'
        'm = AutoModel.from_pretrained("meta-llama/Llama-3.1-8B")\n')
    (repo / "requirements.txt").write_text("private @ git+https://git.example.com/p.git\n")
    out = tmp_path / "bom.cdx.json"
    result = run_cli("check", str(repo), "--offline", "--format", "cyclonedx", "-o", str(out))
    assert result.code == 1
    text = out.read_text()
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    bom = json.loads(text)
    assert bom["specVersion"] == "1.6" and bom["serialNumber"].startswith("urn:uuid:")
    by_name = {c["name"]: c for c in bom["components"]}
    model = by_name["meta-llama/Llama-3.1-8B"]
    assert model["type"] == "machine-learning-model"
    assert model["purl"] == "pkg:huggingface/meta-llama/Llama-3.1-8B"
    assert model["licenses"] == [{"expression": "LicenseRef-scancode-llama-3.1-license-2024"}]
    assert by_name["HuggingFaceH4/ultrachat_200k"]["type"] == "data"
    package = by_name["private"]
    assert package["type"] == "library" and "licenses" not in package
    props = {p["name"]: p["value"] for p in package["properties"]}
    assert props["license-gate:verdict"] == "unknown" and "VCS" in props["license-gate:unknown-reason"]
