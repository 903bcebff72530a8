"""Eight `license-gate check` processes share one cache directory at once: no corruption,
no entry lost, identical results; then an offline run is answered wholly by the cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.fake_pypi import FakePyPI

PACKAGES = [(f"pkg-{i:02d}", f"1.{i}") for i in range(40)]


def test_eight_processes_share_a_cache(tmp_path: Path, fake_pypi: FakePyPI) -> None:
    for name, version in PACKAGES:
        fake_pypi.add(name, version, license="MIT" if int(name[-2:]) % 2 else "Apache-2.0")
    fake_pypi.latency = 0.01
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "requirements.txt").write_text("".join(f"{n}=={v}\n" for n, v in PACKAGES))
    cache = tmp_path / "cache"
    env = {**os.environ, "LICENSE_GATE_PYPI_URL": fake_pypi.base_url,
           "LICENSE_GATE_CACHE_DIR": str(cache)}
    procs = [subprocess.Popen([sys.executable, "-m", "license_gate", "check", str(repo),
                               "--format", "json", "--jobs", "4"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
             for _ in range(8)]
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        reports.append(json.loads(out))
    licences = [{c["name"]: c["license"] for c in r["components"]} for r in reports]
    assert all(lic == licences[0] for lic in licences)
    assert len(licences[0]) == len(PACKAGES) and None not in licences[0].values()
    # every entry made it to the cache: an offline run with the registry gone needs nothing else
    fake_pypi.stop()
    offline = subprocess.run([sys.executable, "-m", "license_gate", "check", str(repo), "--offline",
                              "--format", "json"], capture_output=True, text=True, env=env)
    assert offline.returncode == 0, offline.stderr
    again = {c["name"]: c["license"] for c in json.loads(offline.stdout)["components"]}
    assert again == licences[0]
    assert not list(cache.glob("*.corrupt*"))


def test_truncated_cache_is_set_aside_with_one_warning(tmp_path: Path, fake_pypi: FakePyPI) -> None:
    for name, version in PACKAGES[:5]:
        fake_pypi.add(name, version, license="MIT")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "requirements.txt").write_text("".join(f"{n}=={v}\n" for n, v in PACKAGES[:5]))
    cache = tmp_path / "cache"
    env = {**os.environ, "LICENSE_GATE_PYPI_URL": fake_pypi.base_url,
           "LICENSE_GATE_CACHE_DIR": str(cache)}
    run = [sys.executable, "-m", "license_gate", "check", str(repo), "--format", "json"]
    assert subprocess.run(run, capture_output=True, env=env).returncode == 0
    db = cache / "cache.sqlite3"
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 3])
    second = subprocess.run(run, capture_output=True, text=True, env=env)
    assert second.returncode == 0, second.stderr
    notes = json.loads(second.stdout)["notes"]
    assert len([n for n in notes if "damaged" in n]) == 1
    assert len(list(cache.glob("cache.sqlite3.corrupt-*"))) == 1
    third = subprocess.run(run, capture_output=True, text=True, env=env)
    assert not [n for n in json.loads(third.stdout)["notes"] if "damaged" in n]
