"""--baseline: only findings the change introduced count; the baseline is read with git,
never checked out; a missing ref (shallow clones) says what to fetch."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.fake_pypi import FakePyPI
from tests.helpers import write_tree


def git(repo: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "PATH": "/usr/bin:/bin:/usr/local/bin",
           "HOME": str(repo)}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True, env=env).stdout


write = write_tree


@pytest.fixture
def pypi(fake_pypi: FakePyPI) -> FakePyPI:
    fake_pypi.add("alpha-lib", "1.0", license_expression="MIT")
    fake_pypi.add("gamma-lib", "3.0", license="BUSL-1.1")
    fake_pypi.add("gamma-lib", "3.1", license="BUSL-1.1")
    fake_pypi.add("zeta-lib", "1.0", license="BUSL-1.1")
    return fake_pypi


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write(repo, {"requirements.txt": "alpha-lib==1.0\ngamma-lib==3.0\n",
                 "app.py": 'from transformers import AutoModel\n'
                 'm = AutoModel.from_pretrained("meta-llama/Llama-3.1-8B")\n'})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "feature")
    return repo


def test_only_new_findings_fail(repo: Path, pypi: FakePyPI, run_cli) -> None:  # type: ignore[no-untyped-def]
    write(repo, {"requirements.txt": "alpha-lib==1.0\ngamma-lib==3.1\nzeta-lib==1.0\n",
                 "models/ft/README.md": "---\nlicense: mit\nbase_model: meta-llama/Llama-3.1-8B\n---\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "change")
    full = run_cli("check", str(repo))
    assert "gamma-lib" in full.out and full.code == 1
    result = run_cli("check", str(repo), "--baseline", "main", "--format", "json")
    assert result.code == 1
    report = result.json()
    rules = sorted((f["rule"], f["component"]) for f in report["findings"]
                   if f["severity"] == "error")
    # gamma-lib was denied before (a version bump is not new); zeta-lib and the relabelled
    # card are new; the honest Llama reference's warnings were already there.
    assert rules == [("license-denied", "pkg:pypi/zeta-lib@1.0"),
                     ("open-washing", "pkg:file/models/ft/README.md")]
    assert any(n.startswith("baseline main: ") and "not counted" in n for n in report["notes"])
    # read with git, never checked out
    assert git(repo, "rev-parse", "--abbrev-ref", "HEAD").strip() == "feature"
    assert git(repo, "status", "--porcelain") == ""


def test_a_change_that_adds_nothing_passes(repo: Path, pypi: FakePyPI, run_cli) -> None:  # type: ignore[no-untyped-def]
    write(repo, {"requirements.txt": "alpha-lib==1.0\ngamma-lib==3.1\n"})
    git(repo, "commit", "-q", "-am", "bump")
    assert run_cli("check", str(repo)).code == 1
    result = run_cli("check", str(repo), "--baseline", "main")
    assert result.code == 0, result.out
    assert "note: baseline main:" in result.out


def test_missing_ref_and_shallow_clone_say_what_to_fetch(repo: Path, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    missing = run_cli("check", str(repo), "--baseline", "origin/nope")
    assert missing.code == 2
    assert "'origin/nope' is not in this repository" in missing.err
    assert "git fetch --no-tags --depth=1 origin origin/nope" in missing.err
    write(repo, {"extra.txt": "x\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "second")
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "feature",
                    f"file://{repo}", str(shallow)], check=True, capture_output=True)
    result = run_cli("check", str(shallow), "--baseline", "HEAD~1")
    assert result.code == 2
    assert "not in this shallow clone" in result.err
    flag = run_cli("check", str(repo), "--baseline", "--upload-pack=evil")
    assert flag.code == 2


def test_baseline_outside_a_git_work_tree(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    write(tmp_path, {"requirements.txt": "alpha-lib==1.0\n"})
    result = run_cli("check", str(tmp_path), "--baseline", "main", "--offline")
    assert result.code == 2
    assert "needs a git work tree" in result.err
