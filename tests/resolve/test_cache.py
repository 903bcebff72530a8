from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

from license_gate.resolve.cache import Cache
from license_gate.resolve.interface import RawMetadata


def test_round_trip_and_persistence(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    meta = RawMetadata("MIT", None, ("License :: OSI Approved :: MIT License",))
    cache.put_releases("pypi", [(("a", "1.0"), meta)])
    cache.close()
    assert Cache(tmp_path).get_releases("pypi", [("a", "1.0"), ("b", "1")]) == {("a", "1.0"): meta}


def test_project_lists_expire(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.put_project("pypi", "a", ["1.0", "2.0"])
    assert cache.get_project("pypi", "a", max_age=3600)[0] == ["1.0", "2.0"]  # type: ignore[index]
    assert cache.get_project("pypi", "a", max_age=-1) is None
    assert cache.get_project("pypi", "a", max_age=None) is not None  # offline takes any age


def test_garbage_file_is_set_aside_and_rebuilt(tmp_path: Path) -> None:
    (tmp_path / "cache.sqlite3").write_bytes(b"this is not a database" * 100)
    cache = Cache(tmp_path)
    cache.put_releases("pypi", [(("a", "1"), RawMetadata("MIT"))])
    assert cache.get_releases("pypi", [("a", "1")])
    assert len(cache.warnings) == 1 and "damaged" in cache.warnings[0]
    assert list(tmp_path.glob("cache.sqlite3.corrupt-*"))


def test_unreadable_entry_is_a_miss(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.put_releases("pypi", [(("a", "1"), RawMetadata("MIT"))])
    cache.close()
    with sqlite3.connect(tmp_path / "cache.sqlite3") as conn:
        conn.execute("UPDATE release SET payload = '{not json'")
    assert Cache(tmp_path).get_releases("pypi", [("a", "1")]) == {}


def _writer(directory: str, worker: int) -> None:
    cache = Cache(Path(directory))
    for i in range(50):
        cache.put_releases("pypi", [((f"pkg-{worker}-{i}", "1.0"), RawMetadata("MIT"))])
    cache.close()


def test_concurrent_processes_lose_nothing(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), w)) for w in range(6)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    keys = [(f"pkg-{w}-{i}", "1.0") for w in range(6) for i in range(50)]
    assert len(Cache(tmp_path).get_releases("pypi", keys)) == 300
