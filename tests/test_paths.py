"""What is read: paths.exclude and --exclude leave files out; a template that does not
parse until rendered is skipped with an info finding; parse-errors sets the severity of a
broken file; a notebook that is not JSON is reported like any broken file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from license_gate.discover import excluded
from tests.helpers import write_tree

HELM = ("{{- if .Values.enabled }}\nmodel:\n  name: {{ .Values.model | default "
        '"meta-llama/Llama-3.1-8B" }}\n{{- end }}\n')
BROKEN = "model_name: [unclosed\n"


def check(run_cli, root: Path, *args: str) -> tuple[int, dict[str, Any]]:  # type: ignore[no-untyped-def]
    result = run_cli("check", str(root), "--offline", "--cache-dir", str(root.parent / "c"),
                     "--format", "json", *args)
    return result.code, result.json()


def rules(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["rule"]: f for f in report["findings"]}


def test_a_template_is_skipped_with_an_info_finding(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = write_tree(tmp_path / "repo", {"charts/app/templates/deploy.yaml": HELM,
                                          "requirements.txt": "requests==2.32.3\n"})
    _, report = check(run_cli, root)
    found = rules(report)
    assert "parse-error" not in found
    skipped = found["template-skipped"]
    assert skipped["severity"] == "info"
    assert skipped["references"][0]["path"] == "charts/app/templates/deploy.yaml"
    assert "paths: {exclude: ['charts/app/templates/deploy.yaml']}" in skipped["hint"]


def test_a_broken_file_says_how_to_leave_it_out(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = write_tree(tmp_path / "repo", {"conf/model.yaml": BROKEN})
    code, report = check(run_cli, root)
    assert code == 1
    error = rules(report)["parse-error"]
    assert error["severity"] == "error"
    snippet = "paths: {exclude: ['conf/model.yaml']}"
    assert snippet in error["hint"]
    # pasted as the hint says, the file is left out and the run passes
    write_tree(root, {".license-gate.yaml": f"version: 1\n{snippet}\n"})
    code, report = check(run_cli, root)
    assert code == 0 and report["findings"] == []
    assert any("1 file(s) left out by paths.exclude" in n for n in report["notes"])


def test_parse_errors_warn(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = write_tree(tmp_path / "repo", {"conf/model.yaml": BROKEN,
                                          ".license-gate.yaml": "version: 1\nparse-errors: warn\n"})
    code, report = check(run_cli, root)
    assert code == 0 and rules(report)["parse-error"]["severity"] == "warning"


def test_exclude_on_the_command_line(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    load = "from transformers import AutoModel\nAutoModel.from_pretrained({!r})\n"
    root = write_tree(tmp_path / "repo", {
        "app.py": load.format("google-bert/bert-base-uncased"),
        "experiments/old.py": load.format("acme/nc-model")})
    _, report = check(run_cli, root, "--exclude", "experiments/")
    assert [c["name"] for c in report["components"]] == ["google-bert/bert-base-uncased"]


def test_a_base_can_lock_the_excludes(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = write_tree(tmp_path / "repo", {
        "base.yaml": "version: 1\nlocked: [paths.exclude]\n",
        ".license-gate.yaml": "version: 1\nextends: [base.yaml]\npaths: {exclude: [src]}\n",
        "requirements.txt": "requests==2.32.3\n"})
    result = run_cli("check", str(root), "--offline")
    assert result.code == 2 and "paths.exclude is locked by base.yaml" in result.err


def test_a_notebook_that_is_not_json_is_reported(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = write_tree(tmp_path / "repo", {"analysis.ipynb": "this was saved as text\n"})
    code, report = check(run_cli, root)
    assert code == 1
    assert rules(report)["parse-error"]["references"] == [{"path": "analysis.ipynb", "line": 1}]


@pytest.mark.parametrize(("path", "glob", "hit"), [
    ("charts/app/templates/d.yaml", "charts", True),
    ("charts/app/templates/d.yaml", "charts/**", True),
    ("x/charts/a.yaml", "charts", False),
    ("x/charts/a.yaml", "**/charts", True),
    ("x/y/templates/a.yaml", "**/templates/*.yaml", True),
    ("deploy/t.yaml.j2", "*.j2", True),
    ("a/values.yaml", "values.yaml", True),
    ("docs/x.md", "docs/", True),
    ("docsite/x.md", "docs", False),
    ("src/app.py", "./src/*.py", True),
])
def test_exclude_globs(path: str, glob: str, hit: bool) -> None:
    assert excluded(path, [glob]) is hit
