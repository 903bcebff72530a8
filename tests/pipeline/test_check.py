"""``pipeline.check`` is the whole run as a function: options in, a Report out, the same
report the command line prints."""

from __future__ import annotations

import subprocess
from pathlib import Path

from license_gate import pipeline
from license_gate.policy import load_policy


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "requirements.txt").write_text("zz-unknown==1.0\n")
    (repo / "app.py").write_text('from transformers import AutoModel\n'
                                 'AutoModel.from_pretrained("mistralai/Mistral-7B-v0.1")\n')
    return repo


def test_check_gives_the_report_the_command_line_prints(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    repo = _repo(tmp_path)
    report = pipeline.check([str(repo)], repo, load_policy(None, repo),
                            pipeline.CheckOptions(offline=True))
    printed = run_cli("check", str(repo), "--offline", "--no-cache", "--format", "json").json()
    assert sorted(c.component.purl for c in report.components) == sorted(
        c["id"] for c in printed["components"])
    assert (report.errors, report.warnings) == (printed["summary"]["errors"],
                                                printed["summary"]["warnings"])


def test_check_against_a_baseline_keeps_only_what_is_new(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@e.x"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "base"], check=True)
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()
    (repo / "requirements.txt").write_text("zz-unknown==1.0\nzz-new==2.0\n")
    report = pipeline.check([str(repo)], repo, load_policy(None, repo),
                            pipeline.CheckOptions(offline=True), baseline=(head, "HEAD"))
    failing = {f.component for f in report.findings if f.severity.value == "error"}
    assert failing == {"pkg:pypi/zz-new@2.0"}
