"""The extraction cache: a second run over an unchanged tree extracts nothing and says
the same; any change to a file, or to a file its extraction read, is seen; entries of
another build are not used; a tampered entry is never run."""

from __future__ import annotations

import os
import pickle
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from license_gate.discover import discover
from license_gate.pipeline import CheckOptions, scan
from license_gate.pipeline import extraction as scan_module
from license_gate.pipeline import extraction_cache as ec


class Counter:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.files: list[str] = []
        real = scan_module.extract_file

        def counting(item, *args, **kwargs):  # type: ignore[no-untyped-def]
            self.files.append(item.display)
            return real(item, *args, **kwargs)

        monkeypatch.setattr(scan_module, "extract_file", counting)


def _age(path: Path, seconds: float = 60) -> None:
    """Older than the racy window, as a file committed a minute ago is."""
    then = time.time() - seconds
    os.utime(path, (then, then))


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "app").mkdir(parents=True)
    (repo / "requirements.txt").write_text("-r base.txt\nrequests==2.32.3\n")
    (repo / "base.txt").write_text("pyyaml==6.0.2\n")
    (repo / "app" / "config.py").write_text('MODEL = "mistralai/Mistral-7B-v0.1"\n')
    (repo / "app" / "main.py").write_text(
        "from app.config import MODEL\nfrom transformers import AutoModel\n"
        "AutoModel.from_pretrained(MODEL)\n"
        'AutoModel.from_pretrained("sentence-transformers/all-MiniLM-L6-v2")\n')
    (repo / "notes.md").write_text("We fine-tune `meta-llama/Llama-3.1-8B` later.\n")
    for path in repo.rglob("*"):
        _age(path)
    return repo


def _scan(repo: Path, cache: Path | None) -> scan_module.Extracted:
    return scan(discover([str(repo)], repo), repo, CheckOptions(offline=True, cache_dir=cache))


def _names(extracted: scan_module.Extracted) -> list[tuple[str, str, int | None]]:
    return sorted((r.name, r.place.path, r.place.line) for r in extracted.references)


def test_a_second_run_extracts_nothing_and_finds_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, cache = _repo(tmp_path), tmp_path / "cache"
    first = _scan(repo, cache)
    counter = Counter(monkeypatch)
    second = _scan(repo, cache)
    assert counter.files == []
    assert second == first
    assert ("mistralai/Mistral-7B-v0.1", "app/main.py", 3) in _names(second)  # followed import
    assert _scan(repo, None) == first  # and the same as no cache at all


def test_a_changed_file_and_only_it_is_extracted_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, cache = _repo(tmp_path), tmp_path / "cache"
    _scan(repo, cache)
    main = repo / "app" / "main.py"
    main.write_text(main.read_text().replace("sentence-transformers/all-MiniLM-L6-v2",
                                             "BAAI/bge-small-en-v1.5"))
    _age(main, 30)
    counter = Counter(monkeypatch)
    names = _names(_scan(repo, cache))
    assert counter.files == ["app/main.py"]
    assert ("BAAI/bge-small-en-v1.5", "app/main.py", 4) in names
    assert not any(n == "sentence-transformers/all-MiniLM-L6-v2" for n, _, _ in names)


def test_a_change_to_an_included_or_imported_file_is_seen(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, cache = _repo(tmp_path), tmp_path / "cache"
    _scan(repo, cache)
    (repo / "base.txt").write_text("pyyaml==6.0.2\nsix==1.16.0\n")
    (repo / "app" / "config.py").write_text('MODEL = "Qwen/Qwen2.5-7B"\n')
    for path in (repo / "base.txt", repo / "app" / "config.py"):
        _age(path, 30)
    counter = Counter(monkeypatch)
    names = _names(_scan(repo, cache))
    assert "requirements.txt" in counter.files and "app/main.py" in counter.files
    assert ("six", "base.txt", 2) in names
    assert ("Qwen/Qwen2.5-7B", "app/main.py", 3) in names


def test_the_same_bytes_in_another_checkout_are_not_parsed_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, cache = _repo(tmp_path), tmp_path / "cache"
    first = _scan(repo, cache)
    other = tmp_path / "other-checkout"
    subprocess.run(["cp", "-r", str(repo), str(other)], check=True)  # new inodes and mtimes
    counter = Counter(monkeypatch)
    assert _names(_scan(other, cache)) == _names(first)
    assert counter.files == []  # every file, and every file they read, has the same bytes
    # a checkout at another commit: the imported module differs, so its importer is read
    (other / "app" / "config.py").write_text('MODEL = "Qwen/Qwen2.5-7B"\n')
    third = tmp_path / "third-checkout"
    subprocess.run(["cp", "-r", str(other), str(third)], check=True)
    assert ("Qwen/Qwen2.5-7B", "app/main.py", 3) in _names(_scan(third, cache))
    assert sorted(counter.files) == ["app/config.py", "app/main.py"]


def test_a_file_written_just_now_is_checked_by_its_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, cache = _repo(tmp_path), tmp_path / "cache"
    (repo / "notes.md").write_text("We fine-tune `meta-llama/Llama-3.1-8B` soon.\n")  # racy
    _scan(repo, cache)
    with sqlite3.connect(cache / "cache.sqlite3") as db:
        (mtime,) = db.execute("SELECT mtime_ns FROM extraction WHERE display='notes.md'").fetchone()
    assert mtime == -1  # no stat key: the same mtime could hide a second change
    counter = Counter(monkeypatch)
    _scan(repo, cache)
    assert counter.files == []  # found by its blob id


def test_another_build_does_not_use_the_entries(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, cache = _repo(tmp_path), tmp_path / "cache"
    _scan(repo, cache)
    monkeypatch.setattr(ec, "extractor_version", lambda: "9.9.9+other")
    counter = Counter(monkeypatch)
    _scan(repo, cache)
    assert len(counter.files) == 4  # every input: requirements.txt, two modules, notes.md


def test_the_version_changes_when_the_source_does(tmp_path: Path) -> None:
    ec.extractor_version.cache_clear()
    try:
        before = ec.extractor_version()
        assert before.startswith(ec.__version__ + "+")
        assert ec.extractor_version() == before
    finally:
        ec.extractor_version.cache_clear()


class Boom:
    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, ("touch pwned",))


def test_a_tampered_entry_is_a_miss_and_is_never_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, cache = _repo(tmp_path), tmp_path / "cache"
    first = _scan(repo, cache)
    with sqlite3.connect(cache / "cache.sqlite3") as db:
        db.execute("UPDATE extraction SET payload=?", (pickle.dumps(Boom()),))
    monkeypatch.chdir(tmp_path)
    counter = Counter(monkeypatch)
    assert _scan(repo, cache) == first
    assert len(counter.files) == 4  # every input: requirements.txt, two modules, notes.md
    assert not (tmp_path / "pwned").exists()


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    _scan(repo, None)
    assert list(tmp_path.rglob("*.sqlite3")) == []


def test_a_broken_cache_file_costs_a_note_not_the_run(tmp_path: Path) -> None:
    repo, cache = _repo(tmp_path), tmp_path / "cache"
    cache.mkdir()
    (cache / "cache.sqlite3").write_bytes(b"not a database" * 100)
    result = _scan(repo, cache)
    assert ("mistralai/Mistral-7B-v0.1", "app/main.py", 3) in _names(result)


def test_concurrent_runs_share_the_cache(tmp_path: Path) -> None:
    repo, cache = _repo(tmp_path), tmp_path / "cache"
    env = {**os.environ, "LICENSE_GATE_CACHE_DIR": str(cache), "COLUMNS": "1000"}
    runs = [subprocess.Popen([sys.executable, "-m", "license_gate", "check", str(repo),
                              "--offline", "--format", "json"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env) for _ in range(4)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode in (0, 1) for run in runs), [o[1] for o in outputs]
    assert all(b"mistralai/Mistral-7B-v0.1" in out for out, _ in outputs)
    with sqlite3.connect(cache / "cache.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM extraction").fetchone()[0] == 4


def test_a_pool_of_workers_finds_the_same_in_the_same_order(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    for i in range(30):
        (repo / "app" / f"m{i}.py").write_text(
            f'AutoModel.from_pretrained("org-{i}/model-{i}")\n' + "x = 1\n" * i)
    found = discover([str(repo)], repo)
    alone = scan(found, repo, CheckOptions(offline=True, workers=1))
    pooled = scan(found, repo, CheckOptions(offline=True, workers=2))
    assert pooled == alone
    assert len(alone.references) > 30
    # and with the cache: what a pool extracted is remembered like the rest
    cache = tmp_path / "cache"
    assert scan(found, repo, CheckOptions(offline=True, workers=2, cache_dir=cache)) == alone
    assert scan(found, repo, CheckOptions(offline=True, workers=2, cache_dir=cache)) == alone


def test_the_pool_is_only_for_large_scans(monkeypatch: pytest.MonkeyPatch) -> None:
    from license_gate.discover import Input

    def jobs(count: int, size: int) -> list[scan_module._Job]:
        return [scan_module._Job(i, Input(Path(f"/x/{i}.py"), f"{i}.py", "python"),
                                 raw=b"x" * size) for i in range(count)]

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    assert scan_module.pool_size(jobs(200, 50_000), None) == 4
    assert scan_module.pool_size(jobs(5, 500_000), None) == 1  # few files
    assert scan_module.pool_size(jobs(200, 100), None) == 1  # little to read
    assert scan_module.pool_size(jobs(200, 50_000), 1) == 1  # --workers 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert scan_module.pool_size(jobs(200, 50_000), None) == 1  # one core


def test_a_warm_run_over_a_git_tree_skips_the_prefilter_and_sees_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """git grep reads every file of the tree to prefilter it; once the cache knows the
    tree, it answers for unchanged files by their stat instead, and a changed file that
    gains a model reference is still found (its extractor checks the same trigger words)."""
    from license_gate import discover as discover_module
    from license_gate.pipeline import scan_paths

    repo = _repo(tmp_path)
    (repo / "app" / "util.py").write_text("def double(x):\n    return 2 * x\n")
    _age(repo / "app" / "util.py")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@localhost"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "x"], check=True)
    cache = tmp_path / "cache"
    greps: list[Path] = []
    real_grep = discover_module._git_grep

    def counting_grep(directory, needles):  # type: ignore[no-untyped-def]
        greps.append(directory)
        return real_grep(directory, needles)

    monkeypatch.setattr(discover_module, "_git_grep", counting_grep)
    options = CheckOptions(offline=True, cache_dir=cache)

    def run() -> scan_module.Extracted:
        return scan_paths([str(repo)], repo, (), options)

    first = run()
    assert len(greps) == 1  # a cold cache: the prefilter runs
    counter = Counter(monkeypatch)
    second = run()
    assert len(greps) == 1 and second == first
    # the files the prefilter had left out are read once, found empty and remembered
    assert counter.files == ["app/util.py", "notes.md"]
    counter.files.clear()
    assert run() == first and counter.files == [] and len(greps) == 1
    util = repo / "app" / "util.py"
    util.write_text('from transformers import AutoModel\nAutoModel.from_pretrained("Qwen/Qwen2.5-0.5B")\n')
    _age(util, 30)
    fourth = run()
    assert len(greps) == 1 and counter.files == ["app/util.py"]
    assert ("Qwen/Qwen2.5-0.5B", "app/util.py", 2) in _names(fourth)
    assert _names(scan_paths([str(repo)], repo, (), CheckOptions(offline=True))) == _names(fourth)
