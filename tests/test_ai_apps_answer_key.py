"""The generated AI application repositories of the benchmark (bench/ai_apps.py) carry an
answer key; license-gate must find every planted reference and nothing else. This keeps
the benchmark's found/planted figure true as extractors change."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(scope="module")
def ai_apps():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(BENCH))
    try:
        import ai_apps

        yield ai_apps
    finally:
        sys.path.remove(str(BENCH))


def test_every_planted_reference_is_found_and_nothing_else(tmp_path: Path, run_cli, ai_apps) -> None:  # type: ignore[no-untyped-def]
    # eight repositories, every kind twice; every style belongs to some kind
    apps = ai_apps.write_ai_apps(tmp_path, count=8, seed=11, filler=5)
    styles = {name for kind in ai_apps.KINDS.values() for group in kind for name in group}
    assert styles == set(ai_apps.STYLES)
    for repo, kind, planted in apps:
        result = run_cli("check", str(repo), "--offline", "--format", "json")
        found = {ai_apps.Planted(c["ecosystem"], c["name"]) for c in result.json()["components"]
                 if c["kind"] in ("model", "dataset")}
        assert found == planted, (kind, sorted(planted - found), sorted(found - planted))
