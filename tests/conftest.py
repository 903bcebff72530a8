"""Shared fixtures: asset paths, a CLI runner, an isolated environment, and a fake PyPI
that is a real HTTP server on 127.0.0.1 reached through LICENSE_GATE_PYPI_URL."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import bounds
from tests.fake_hub import FakeHub
from tests.fake_pypi import FakePyPI

ASSETS = Path(__file__).parent / "assets"


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """No test reads the user's cache or a real registry: the cache is per test and the
    PyPI URL points at a closed local port unless a test starts the fake."""
    cache = tmp_path_factory.mktemp("cache")
    for name in ("LICENSE_GATE_PYPI_URL", "LICENSE_GATE_OFFLINE", "HF_TOKEN", "HF_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LICENSE_GATE_CACHE_DIR", str(cache))
    monkeypatch.setenv("LICENSE_GATE_PYPI_URL", "http://127.0.0.1:9/pypi")
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    # nor the machine's pip or uv settings: an index a test wants, it names itself
    for name in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "UV_INDEX_URL", "UV_DEFAULT_INDEX",
                 "UV_INDEX", "UV_EXTRA_INDEX_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    return cache


@pytest.fixture
def fake_pypi(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePyPI]:
    with FakePyPI() as fake:
        monkeypatch.setenv("LICENSE_GATE_PYPI_URL", fake.base_url)
        yield fake


@pytest.fixture
def fake_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    with FakeHub() as fake:
        monkeypatch.setenv("HF_ENDPOINT", fake.endpoint)
        yield fake


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> dict:  # type: ignore[type-arg]
        return json.loads(self.out)


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from license_gate.cli import main

    # Tests here read whole report lines; the wrapping at a width is tested on its own
    # (tests/report/test_wrap.py), so a run here wraps only past 1000 columns.
    monkeypatch.setenv("COLUMNS", "1000")

    def run(*args: str, cwd: Path | None = None) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """How many cases the property-based tests generated, per parser, and the largest
    memory peak of one case: the figures the hardening suite promises."""
    lines = bounds.summary()
    if lines:
        terminalreporter.section("property-based cases")
        for line in lines:
            terminalreporter.write_line(line)
