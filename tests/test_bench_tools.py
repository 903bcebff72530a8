"""The benchmark's own instruments measure what they claim: peak RSS is the measured
command's, not the driver's; the fake registry's simple index and metadata files agree
with its JSON API; generated installed distributions read back as the registry serves
them. Timings themselves live in bench/, not here."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from importlib.metadata import PathDistribution
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(scope="module")
def bench() -> Iterator[dict[str, ModuleType]]:
    sys.path.insert(0, str(BENCH))
    try:
        import fake_registry
        import inputs
        import measure

        yield {"measure": measure, "inputs": inputs, "fake_registry": fake_registry}
    finally:
        sys.path.remove(str(BENCH))


def test_peak_rss_is_the_commands_not_the_drivers(bench: dict[str, ModuleType]) -> None:
    ballast = bytearray(150 * 2**20)
    for i in range(0, len(ballast), 4096):  # touch every page so it counts as resident
        ballast[i] = 1
    small = bench["measure"].measure([sys.executable, "-c", "print('hi')"], 1)
    big = bench["measure"].measure(
        [sys.executable, "-c", "b = bytearray(80 * 2**20)\nfor i in range(0, len(b), 4096): b[i] = 1"], 1)
    assert small.stdout == "hi\n" and small.code == 0 and small.runs == 1
    assert small.rss_mb < 60, small.rss_mb  # measured from the driver it would exceed 150
    assert 80 < big.rss_mb < 150, big.rss_mb
    del ballast


def test_exit_codes_and_slow_runs_are_reported(bench: dict[str, ModuleType],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    measure = bench["measure"]
    failed = measure.measure([sys.executable, "-c", "raise SystemExit(3)"], 2)
    assert failed.code == 3 and failed.runs == 2
    monkeypatch.setattr(measure, "TIMEOUT_SECONDS", 0.5)
    stopped = measure.measure([sys.executable, "-c", "import time; time.sleep(30)"], 3)
    assert stopped.timed_out and stopped.code == -9


def test_fake_registry_index_metadata_and_json_agree(bench: dict[str, ModuleType]) -> None:
    registry = bench["fake_registry"]
    proc = subprocess.Popen([sys.executable, str(BENCH / "fake_registry.py"), "8", "0"],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        base = f"http://127.0.0.1:{proc.stdout.readline().strip()}"

        def get(path: str) -> tuple[str, bytes]:
            with urllib.request.urlopen(base + path, timeout=5) as response:
                return response.headers["Content-Type"], response.read()

        for index in range(8):
            name, version = registry.package(index)
            kind, body = get(f"/simple/{name}/")
            assert kind == "application/vnd.pypi.simple.v1+json"
            page = json.loads(body)
            (wheel,) = page["files"]
            assert page["versions"] == [version] and wheel["filename"].endswith("-py3-none-any.whl")
            _, metadata = get(wheel["url"] + ".metadata")
            assert hashlib.sha256(metadata).hexdigest() == wheel["core-metadata"]["sha256"]
            info = json.loads(get(f"/pypi/{name}/{version}/json")[1])["info"]
            field, value = registry.LICENSES[index % len(registry.LICENSES)]
            assert info[field] == value or value[0] in info[field]
            header = {"license_expression": "License-Expression", "license": "License"}.get(field)
            text = metadata.decode()
            assert (f"{header}: {value}" if header else f"Classifier: {value[0]}") in text
    finally:
        proc.kill()
        proc.wait()


def test_generated_installed_distributions_read_back(bench: dict[str, ModuleType],
                                                     tmp_path: Path) -> None:
    bench["inputs"].write_installed(tmp_path, 8)
    registry = bench["fake_registry"]
    for index in range(8):
        name, version = registry.package(index)
        info = tmp_path / f"{name.replace('-', '_')}-{version}.dist-info"
        meta = PathDistribution(info).metadata
        assert (meta["Name"], meta["Version"]) == (name, version)
        assert meta.as_string() == registry.core_metadata(index)
