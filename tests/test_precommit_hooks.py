"""The pre-commit hooks: the manifest is valid for pre-commit itself, the README lists
every hook, and the `files` pattern that decides when they run covers every file
license-gate reads."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from license_gate.extract import format_of

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / ".pre-commit-hooks.yaml"

SAMPLES = [
    "requirements.txt", "requirements-dev.txt", "dev-requirements.in", "requirements/base.txt",
    "Requirements.TXT", "sub/pyproject.toml", "uv.lock", "poetry.lock", "Pipfile.lock",
    "pylock.toml", "pylock.dev.toml", "app/train.py", "notebooks/explore.ipynb",
    "models/ft/README.md", "model_card.md", "models/x.gguf", "w/model.safetensors",
    "configs/sft.yaml", "cfg/a.yml", "adapter_config.json", "conf/app.toml", "Modelfile",
    "serve/Modelfile.prod", "llama.Modelfile", "Dockerfile", "Dockerfile.gpu", "x.dockerfile",
    "Containerfile", "Makefile", "scripts/download.sh", ".github/workflows/ci.yml",
    "docs/guide.md", "docs/page.mdx", ".env", "deploy/.env.production", "env.example", "app.env",
]
NOT_INPUTS = ["LICENSE", "src/main.c", "setup.cfg", "notes.txt", "image.png", "CHANGELOG.rst",
              ".envrc", "environment.txt"]


def manifest() -> list[dict]:  # type: ignore[type-arg]
    from pre_commit.clientlib import load_manifest  # a test dependency: never skipped

    hooks: list[dict] = load_manifest(str(MANIFEST))  # type: ignore[type-arg]
    return hooks


def test_manifest_is_valid_for_pre_commit() -> None:
    hooks = manifest()
    assert [h["id"] for h in hooks] == ["license-gate", "license-gate-offline"]
    for hook in hooks:
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False
        assert hook["entry"].startswith("license-gate check")
    assert "--offline" in hooks[1]["entry"]


def test_readme_lists_every_hook_id() -> None:
    readme = (ROOT / "README.md").read_text()
    for hook in manifest():
        assert f"id: {hook['id']}" in readme, hook["id"]


def test_files_pattern_covers_everything_license_gate_reads() -> None:
    pattern = re.compile(manifest()[0]["files"])
    paths = list(SAMPLES)
    for base in (ROOT / "tests" / "assets", ROOT / "examples"):
        paths += [p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file()]
    read = [p for p in paths if format_of(p) is not None]
    assert len(read) > 40
    missed = [p for p in read if not pattern.search(p)]
    assert missed == []
    assert pattern.search(".license-gate.yaml") and pattern.search("team/.license-gate.yml")
    assert [p for p in NOT_INPUTS if pattern.search(p)] == []


def test_try_repo_runs_the_hook_offline(tmp_path: Path) -> None:
    """The real pre-commit installs the hook into an environment of its own and runs it
    on a temporary repository. Nothing is downloaded: the hook environment sees this
    environment's packages on PYTHONPATH (so the runtime dependencies are already there),
    pip has no index, and the build backend (hatchling, a test dependency) is used
    without build isolation."""
    import site
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pc-home"), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@e.x", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e.x",
           "PYTHONPATH": os.pathsep.join(site.getsitepackages()), "PIP_NO_INDEX": "1",
           "PIP_NO_BUILD_ISOLATION": "0", "LICENSE_GATE_CACHE_DIR": str(tmp_path / "cache")}
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (repo / "Modelfile").write_text('FROM llama3.1\nLICENSE """MIT"""\n')
    (repo / "notes.txt").write_text("nothing to check\n")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    run = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT),
                          "license-gate-offline", "--all-files"], cwd=repo, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Modelfile:2: error [open-washing]" in run.stdout
    only_text = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT),
                                "license-gate-offline", "--files", "notes.txt"], cwd=repo, env=env,
                               capture_output=True, text=True)
    assert only_text.returncode == 0, only_text.stdout
    assert "(no files to check)Skipped" in only_text.stdout


def _readme_block(after: str) -> str:
    readme = (ROOT / "README.md").read_text()
    return readme.split(after, 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)


def test_the_readme_snippets_pin_a_real_commit_that_has_the_hooks_and_the_action() -> None:
    import yaml

    (entry,) = yaml.safe_load(_readme_block("### pre-commit"))["repos"]
    rev = entry["rev"]
    assert re.fullmatch(r"[0-9a-f]{40}", rev), rev  # a commit, not a tag that does not exist
    assert [h["id"] for h in entry["hooks"]] == ["license-gate"]
    workflow = (ROOT / "examples" / "workflows" / "license-gate.yml").read_text()
    assert f"license-gate@{rev}" in _readme_block("### GitHub Action")
    assert f"license-gate@{rev}" in workflow
    if _git("rev-parse", "--git-dir").returncode != 0:
        return  # an unpacked source tree: there is no history to look the commit up in
    if _git("cat-file", "-e", f"{rev}^{{commit}}").returncode != 0:
        assert _git("rev-parse", "--is-shallow-repository").stdout.strip() == "true", (
            f"README pins {rev}, which is not a commit of this repository")
        return
    assert _git("merge-base", "--is-ancestor", rev, "HEAD").returncode == 0  # on main's line
    hooks = _git("show", f"{rev}:.pre-commit-hooks.yaml").stdout
    assert "id: license-gate\n" in hooks and "id: license-gate-offline\n" in hooks
    assert _git("cat-file", "-e", f"{rev}:action.yml").returncode == 0
