from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from license_gate import discover as discover_mod
from license_gate.discover import discover


def touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x==1\n")


def displays(root: Path, paths: list[str] | None = None) -> list[str]:
    return [i.display for i in discover(paths or [str(root)], root).inputs]


def test_walk_skips_virtualenvs_and_vendored_trees(tmp_path: Path) -> None:
    touch(tmp_path, "requirements.txt", "svc/pyproject.toml", "svc/uv.lock",
          ".venv/lib/requirements.txt", "node_modules/x/requirements.txt",
          "vendor/poetry.lock", "build/pylock.toml", "notes.txt", "requirements/dev.txt")
    assert displays(tmp_path) == ["requirements.txt", "requirements/dev.txt", "svc/pyproject.toml",
                                  "svc/uv.lock"]


def test_git_ls_files_respects_gitignore(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    touch(tmp_path, "requirements.txt", "ignored/requirements.txt", "untracked/uv.lock")
    (tmp_path / ".gitignore").write_text("ignored/\n")
    subprocess.run(["git", "-C", str(tmp_path), "add", "requirements.txt", ".gitignore"], check=True)
    assert displays(tmp_path) == ["requirements.txt", "untracked/uv.lock"]


def test_git_prefilter_covers_tracked_and_untracked_files(tmp_path: Path) -> None:
    """git grep answers for tracked files; untracked ones (not ignored) are checked for
    the same triggers in Python, so a reference in a new, unstaged file is still found
    and a trigger-less untracked source is still skipped."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    call = 'm = AutoModel.from_pretrained("org/model")\n'
    files = {"tracked_ref.py": call, "tracked_plain.py": "x = 1\n", "new_ref.py": call,
             "new_plain.py": "y = 2\n", "ignored/ref.py": call, "new/conf.yaml": "model: org/m\n",
             "new/other.yaml": "name: x\n", "new/requirements.txt": "x==1\n"}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / ".gitignore").write_text("ignored/\n")
    subprocess.run(["git", "-C", str(tmp_path), "add", "tracked_ref.py", "tracked_plain.py",
                    ".gitignore"], check=True)
    assert displays(tmp_path) == ["new/conf.yaml", "new/requirements.txt", "new_ref.py",
                                  "tracked_ref.py"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlinks_out_of_the_tree_are_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    touch(outside, "requirements.txt")
    root = tmp_path / "repo"
    touch(root, "requirements.txt")
    os.symlink(outside / "requirements.txt", root / "requirements-extra.txt")
    os.symlink(root, root / "loop")  # a loop the walk must not follow
    found = discover([str(root)], root)
    assert [i.display for i in found.inputs] == ["requirements.txt"]
    # one info line, not an error: the link is not the repository's file to judge
    assert found.skipped == ("requirements-extra.txt: a symlink out of the repository; not read",)
    assert found.problems == ()


def test_files_above_the_size_bound_are_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(discover_mod, "MAX_FILE_BYTES", 10)
    (tmp_path / "uv.lock").write_text("x" * 100)
    found = discover([str(tmp_path)], tmp_path)
    assert found.inputs == ()
    assert "above the 10-byte bound" in found.problems[0].message
