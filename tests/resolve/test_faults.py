"""Fault injection against the fake PyPI on 127.0.0.1: each fault in turn hits one
package while another resolves. The run ends in bounded time, the hit package is
unresolved with its cause, the cache holds nothing for it, and a second run after the
fault clears resolves everything."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from license_gate.model import Cause, Place, Reference, Resolution, Unresolved
from license_gate.resolve import Resolver, ResolveSettings
from license_gate.resolve.cache import Cache
from license_gate.resolve.pypi import HttpSettings
from tests.fake_pypi import FakePyPI

PATH = "/pypi/hit-pkg/1.0/json"


def resolver(tmp_path: Path, pypi: FakePyPI) -> Resolver:
    http = HttpSettings(timeout=0.5, retries=2, backoff=0.01)
    return Resolver(ResolveSettings(pypi_url=pypi.base_url, cache_dir=tmp_path / "cache",
                                    http=http, search_path=[]))


REFS = [Reference("pypi", "hit-pkg", Place("requirements.txt", 1), version="1.0"),
        Reference("pypi", "fine-pkg", Place("requirements.txt", 2), version="2.0")]


@pytest.mark.parametrize(("fault", "says"), [
    ("timeout", "timed out"),
    ("reset", "Connection reset by peer"),
    ("truncated", "IncompleteRead"),
    ("badjson", "invalid JSON"),
    ("500", "500"),
    ("trickle", "timed out"),  # the whole-body deadline, not a per-read timeout
])
def test_fault_then_recovery(tmp_path: Path, fake_pypi: FakePyPI, fault: str, says: str) -> None:
    fake_pypi.add("hit-pkg", "1.0", license="MIT")
    fake_pypi.add("fine-pkg", "2.0", license="Apache-2.0")
    fake_pypi.fault(PATH, *[fault] * 3)  # more than the retries allow
    start = time.monotonic()
    got = {r.component.name: r.outcome for r in resolver(tmp_path, fake_pypi).resolve(REFS)}
    elapsed = time.monotonic() - start
    assert elapsed < 12, elapsed
    hit = got["hit-pkg"]
    assert isinstance(hit, Unresolved), hit
    assert says in hit.reason
    assert hit.cause is Cause.NETWORK
    assert isinstance(got["fine-pkg"], Resolution) and got["fine-pkg"].expression == "Apache-2.0"
    cached = Cache(tmp_path / "cache").get_releases("pypi", [("hit-pkg", "1.0"), ("fine-pkg", "2.0")])
    assert set(cached) == {("fine-pkg", "2.0")}  # nothing poisoned, nothing for the failure
    # the fault clears: a second run resolves everything
    fake_pypi.faults.clear()
    again = {r.component.name: r.outcome for r in resolver(tmp_path, fake_pypi).resolve(REFS)}
    assert all(isinstance(o, Resolution) for o in again.values()), again


def test_429_with_retry_after_then_success(tmp_path: Path, fake_pypi: FakePyPI) -> None:
    fake_pypi.add("hit-pkg", "1.0", license="MIT")
    fake_pypi.add("fine-pkg", "2.0", license="Apache-2.0")
    fake_pypi.fault(PATH, "429", "429")
    got = {r.component.name: r.outcome for r in resolver(tmp_path, fake_pypi).resolve(REFS)}
    assert all(isinstance(o, Resolution) for o in got.values()), got
    assert fake_pypi.hits[PATH] == 3


def test_burst_of_500s_on_every_package_fails_fast_and_recovers(tmp_path: Path,
                                                                fake_pypi: FakePyPI) -> None:
    names = [f"pkg-{i}" for i in range(30)]
    for name in names:
        fake_pypi.add(name, "1.0", license="MIT")
        fake_pypi.fault(f"/pypi/{name}/1.0/json", "500", "500", "500", "500")
    refs = [Reference("pypi", n, Place("requirements.txt", i + 1), version="1.0")
            for i, n in enumerate(names)]
    start = time.monotonic()
    got = resolver(tmp_path, fake_pypi).resolve(refs)
    assert time.monotonic() - start < 15
    assert all(isinstance(r.outcome, Unresolved) for r in got)
    assert Cache(tmp_path / "cache").get_releases("pypi", [(n, "1.0") for n in names]) == {}
    fake_pypi.faults.clear()
    again = resolver(tmp_path, fake_pypi).resolve(refs)
    assert all(isinstance(r.outcome, Resolution) for r in again)
