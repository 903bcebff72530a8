"""Resolution against the fake PyPI: a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from license_gate.model import Place, Reference, Resolution, Unresolved
from license_gate.resolve import Resolver, ResolveSettings
from license_gate.resolve.cache import Cache
from license_gate.resolve.pypi import HttpSettings
from tests.fake_pypi import FakePyPI

GPL_TEXT = """                    GNU GENERAL PUBLIC LICENSE
                       Version 3, 29 June 2007

 Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>
 Everyone is permitted to copy and distribute verbatim copies
 of this license document, but changing it is not allowed."""


@pytest.fixture
def pypi(fake_pypi: FakePyPI) -> FakePyPI:
    fake_pypi.add("pep639-pkg", "1.0", license_expression="Apache-2.0 OR MIT", license=None)
    fake_pypi.add("legacy-pkg", "2.0", license="BSD 3-Clause")
    fake_pypi.add("pasted-pkg", "3.0", license=GPL_TEXT)
    fake_pypi.add("classifier-pkg", "4.0", classifiers=[
        "Programming Language :: Python :: 3", "License :: OSI Approved :: MIT License"])
    fake_pypi.add("silent-pkg", "5.0", license="", classifiers=[])
    fake_pypi.add("odd-pkg", "6.0", license="Frobnicator Public Terms")
    fake_pypi.add("flaky-pkg", "1.0", license="MIT")
    fake_pypi.add("broken-pkg", "1.0", license="MIT")
    fake_pypi.add("slow-pkg", "1.0", license="MIT")
    return fake_pypi


def resolver(tmp_path: Path, pypi: FakePyPI, **kw) -> Resolver:  # type: ignore[no-untyped-def]
    http = HttpSettings(timeout=kw.pop("timeout", 5.0), retries=kw.pop("retries", 2), backoff=0.01)
    return Resolver(ResolveSettings(pypi_url=pypi.base_url, cache_dir=tmp_path / "cache", http=http,
                                    search_path=[], **kw))


def ref(name: str, version: str | None = None, spec: str = "") -> Reference:
    return Reference("pypi", name, Place("requirements.txt", 1), version=version, specifier=spec)


def outcomes(results):  # type: ignore[no-untyped-def]
    return {r.component.name: r.outcome for r in results}


def test_each_metadata_shape(tmp_path: Path, pypi: FakePyPI) -> None:
    got = outcomes(resolver(tmp_path, pypi).resolve([
        ref("pep639-pkg", "1.0"), ref("legacy-pkg", "2.0"), ref("pasted-pkg", "3.0"),
        ref("classifier-pkg", "4.0"), ref("silent-pkg", "5.0"), ref("odd-pkg", "6.0"),
    ]))
    assert got["pep639-pkg"] == Resolution("Apache-2.0 OR MIT", got["pep639-pkg"].evidence)
    assert got["pep639-pkg"].evidence[0].field == "License-Expression"
    assert got["pep639-pkg"].evidence[0].source == "pypi"
    assert got["legacy-pkg"].expression == "BSD-3-Clause"  # type: ignore[union-attr]
    assert got["legacy-pkg"].evidence[0].raw == "BSD 3-Clause"
    assert got["pasted-pkg"].expression == "GPL-3.0-only"  # type: ignore[union-attr]
    assert got["pasted-pkg"].evidence[0].note == "recognised pasted licence text"
    assert got["classifier-pkg"].expression == "MIT"  # type: ignore[union-attr]
    assert got["classifier-pkg"].evidence[0].field == "classifier"
    assert isinstance(got["silent-pkg"], Unresolved)
    assert "states no licence" in got["silent-pkg"].reason
    assert isinstance(got["odd-pkg"], Unresolved)
    assert "Frobnicator Public Terms" in got["odd-pkg"].reason  # the raw value is shown


def test_404_is_not_found(tmp_path: Path, pypi: FakePyPI) -> None:
    got = outcomes(resolver(tmp_path, pypi).resolve([ref("no-such-pkg", "1.0")]))
    assert isinstance(got["no-such-pkg"], Unresolved)
    # the message names the index actually asked, here the fake one
    assert got["no-such-pkg"].reason.startswith("not found on http://127.0.0.1:")
    assert not got["no-such-pkg"].network


def test_429_then_success_honours_retry_after(tmp_path: Path, pypi: FakePyPI) -> None:
    pypi.fault("/pypi/flaky-pkg/1.0/json", "429")
    got = outcomes(resolver(tmp_path, pypi).resolve([ref("flaky-pkg", "1.0")]))
    assert got["flaky-pkg"].expression == "MIT"  # type: ignore[union-attr]
    assert pypi.hits["/pypi/flaky-pkg/1.0/json"] == 2


def test_too_long_retry_after_is_not_waited_for(tmp_path: Path, pypi: FakePyPI) -> None:
    pypi.fault("/pypi/flaky-pkg/1.0/json", "429-long")
    start = time.monotonic()
    got = outcomes(resolver(tmp_path, pypi).resolve([ref("flaky-pkg", "1.0")]))
    assert time.monotonic() - start < 5
    assert isinstance(got["flaky-pkg"], Unresolved) and "Retry-After" in got["flaky-pkg"].reason


def test_500s_are_retried_within_bounds_then_unresolved(tmp_path: Path, pypi: FakePyPI) -> None:
    pypi.fault("/pypi/broken-pkg/1.0/json", "500", "500", "500", "500")
    got = outcomes(resolver(tmp_path, pypi, retries=2).resolve([
        ref("broken-pkg", "1.0"), ref("legacy-pkg", "2.0")]))
    outcome = got["broken-pkg"]
    assert isinstance(outcome, Unresolved) and outcome.network
    assert outcome.reason.startswith("network: HTTP 500 after 3 attempts")
    assert pypi.hits["/pypi/broken-pkg/1.0/json"] == 3
    assert got["legacy-pkg"].expression == "BSD-3-Clause"  # type: ignore[union-attr]
    # the failure is not an answer: nothing was cached for it
    cached = Cache(tmp_path / "cache").get_releases("pypi", [("broken-pkg", "1.0"), ("legacy-pkg", "2.0")])
    assert set(cached) == {("legacy-pkg", "2.0")}


def test_timeout_is_unresolved(tmp_path: Path, pypi: FakePyPI) -> None:
    pypi.fault("/pypi/slow-pkg/1.0/json", "timeout", "timeout")
    start = time.monotonic()
    got = outcomes(resolver(tmp_path, pypi, timeout=0.3, retries=1).resolve([ref("slow-pkg", "1.0")]))
    assert time.monotonic() - start < 4
    outcome = got["slow-pkg"]
    assert isinstance(outcome, Unresolved) and "timed out" in outcome.reason


def test_invalid_json_is_retried_then_unresolved(tmp_path: Path, pypi: FakePyPI) -> None:
    pypi.fault("/pypi/legacy-pkg/2.0/json", "badjson", "badjson")
    got = outcomes(resolver(tmp_path, pypi, retries=1).resolve([ref("legacy-pkg", "2.0")]))
    assert isinstance(got["legacy-pkg"], Unresolved)
    assert "invalid JSON" in got["legacy-pkg"].reason


def test_unpinned_takes_latest_matching_non_yanked_release(tmp_path: Path, pypi: FakePyPI) -> None:
    pypi.add("ranged", "1.0", license="MIT")
    pypi.add("ranged", "1.5", license="MIT")
    pypi.add("ranged", "1.6", license="MIT", yanked=True)
    pypi.add("ranged", "2.0", license="GPL-3.0-only")
    (result,) = resolver(tmp_path, pypi).resolve([ref("ranged", spec="<2")])
    assert result.component.version == "1.5"
    assert result.version_evidence is not None
    assert result.version_evidence.note == "not pinned; latest matching release"
    assert result.outcome.expression == "MIT"  # type: ignore[union-attr]


def test_warm_cache_needs_no_network(tmp_path: Path, pypi: FakePyPI) -> None:
    refs = [ref("legacy-pkg", "2.0"), ref("pep639-pkg", "1.0")]
    resolver(tmp_path, pypi).resolve(refs)
    pypi.stop()
    got = outcomes(resolver(tmp_path, pypi, offline=True).resolve(refs))
    assert got["legacy-pkg"].expression == "BSD-3-Clause"  # type: ignore[union-attr]
    assert got["legacy-pkg"].evidence[0].source == "cache"


def test_offline_without_cache_says_so(tmp_path: Path, pypi: FakePyPI) -> None:
    got = outcomes(resolver(tmp_path, pypi, offline=True).resolve([ref("legacy-pkg", "2.0"),
                                                                   ref("unpinned")]))
    assert got["legacy-pkg"].reason.startswith("offline:")  # type: ignore[union-attr]
    assert "no pinned version" in got["unpinned"].reason  # type: ignore[union-attr]
    assert sum(pypi.hits.values()) == 0


def test_dead_registry_fails_fast_and_is_network_unresolved(tmp_path: Path) -> None:
    http = HttpSettings(timeout=1, retries=3, backoff=0.01)
    res = Resolver(ResolveSettings(pypi_url="http://127.0.0.1:9/pypi", cache_dir=tmp_path / "c",
                                   http=http, search_path=[]))
    start = time.monotonic()
    got = outcomes(res.resolve([ref(f"pkg-{i}", "1.0") for i in range(40)]))
    assert time.monotonic() - start < 10
    assert all(isinstance(o, Unresolved) and o.network for o in got.values())
    assert all(o.reason.startswith("network:") for o in got.values())  # type: ignore[union-attr]


def test_concurrent_requests_are_bounded_and_all_answered(tmp_path: Path, pypi: FakePyPI) -> None:
    for i in range(30):
        pypi.add(f"many-{i}", "1.0", license="MIT")
    pypi.latency = 0.05
    got = outcomes(resolver(tmp_path, pypi).resolve([ref(f"many-{i}", "1.0") for i in range(30)]))
    assert all(o.expression == "MIT" for o in got.values())  # type: ignore[union-attr]


def test_index_credentials_never_reach_the_report(tmp_path: Path, pypi: FakePyPI) -> None:
    authed = pypi.base_url.replace("http://", "http://builder:s3cr3t-token@")
    http = HttpSettings(timeout=5, retries=0, backoff=0.01)
    res = Resolver(ResolveSettings(pypi_url=authed, cache_dir=tmp_path / "c", http=http, search_path=[]))
    got = outcomes(res.resolve([ref("legacy-pkg", "2.0"), ref("no-such-pkg", "1.0")]))
    assert got["legacy-pkg"].expression == "BSD-3-Clause"  # type: ignore[union-attr]
    shown = repr(got)
    assert "s3cr3t-token" not in shown and "builder" not in shown
    assert "***@127.0.0.1" in got["no-such-pkg"].reason  # type: ignore[union-attr]
