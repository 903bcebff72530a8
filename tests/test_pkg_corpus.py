"""The package-licence scorer counts what it claims (right, wrong, copyleft errors in
either direction, unknown, exact where a file states the variant), and the snapshot of
real distributions is what bench/pkg_snapshot.py says: metadata headers and licence files
only, never a description body."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
CORPUS = Path(__file__).parent / "assets" / "pkgmeta"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scorer() -> ModuleType:
    return _load("pkg_licence_score")


def _dist(root: Path, name: str, headers: str) -> None:
    (root / name).mkdir(parents=True)
    (root / name / "METADATA").write_text(f"Metadata-Version: 2.4\nName: {name}\n{headers}")


def test_scoring_rules(scorer: ModuleType, tmp_path: Path) -> None:
    _dist(tmp_path, "a-1", "License-Expression: MIT\n")
    _dist(tmp_path, "b-1", "License: GPLv3\n")                       # labelled MIT: copyleft error
    _dist(tmp_path, "c-1", "License: Apache 2.0\n")                  # labelled MIT: wrong
    _dist(tmp_path, "d-1", "License: something odd\n")               # unknown
    _dist(tmp_path, "e-1", "Classifier: License :: OSI Approved :: BSD License\n")  # vague variant
    _dist(tmp_path, "f-1", "")                                       # nothing knowable
    labels = [
        {"dist": "a-1", "license": "MIT"},
        {"dist": "b-1", "license": "MIT"},
        {"dist": "c-1", "license": "MIT"},
        {"dist": "d-1", "license": "MIT"},
        {"dist": "e-1", "license": "BSD-3-Clause", "variant_from_file": True},
        {"dist": "f-1", "license": None, "knowable": False},
    ]
    got = scorer.score(labels, tmp_path)
    # e-1: the BSD family named without its variant is right, but not exact
    assert (got.rows, got.knowable, got.right, got.wrong, got.unknown) == (6, 5, 2, 2, 1)
    assert got.copyleft_errors == 1
    assert (got.variant_rows, got.exact) == (1, 0)
    kinds = {d[1]: d[0] for d in got.details}
    assert kinds == {"b-1": "copyleft-error", "c-1": "wrong", "d-1": "unknown", "e-1": "vague"}


def test_the_snapshot_holds_headers_and_licence_files_only() -> None:
    dists = [p for p in CORPUS.iterdir() if p.is_dir()]
    assert len(dists) >= 400
    for dist in dists:
        metadata = (dist / "METADATA").read_text("utf-8")
        assert "\n\n" not in metadata.rstrip("\n"), dist.name  # no description body
        assert metadata.startswith("Metadata-Version:"), dist.name


def test_labels_are_well_formed_when_present() -> None:
    path = CORPUS / "labels.json"
    if not path.exists():
        pytest.skip("labels not written yet")
    rows = json.loads(path.read_text())["rows"]
    names = {p.name for p in CORPUS.iterdir() if p.is_dir()}
    assert len({r["dist"] for r in rows}) == len(rows)
    for row in rows:
        assert row["dist"] in names
        assert row["license"] is None or isinstance(row["license"], str)
        for bundled in row.get("bundled", []):
            assert bundled["license"] and bundled["what"], row["dist"]


def test_the_real_corpus_meets_the_bar(scorer: ModuleType) -> None:
    """The normaliser over all labelled real distributions, read as installed dist-infos
    (licence files and vendored libraries included). Issue 13's bar: no copyleft error in
    either direction, >= 99% of knowable licences right, >= 90% exact where only a file
    states the variant, at most 2 wrong. Two are wrong today, each needing prose no rule
    reads: docutils (COPYING.rst lists which modules are BSD; the tool answers its three
    classifiers as alternatives, marked ambiguous) and text-unidecode ("GPL or GPLv2+" in
    prose, where the classifier says GPLv2+). The bound never loosens."""
    labels = json.loads((CORPUS / "labels.json").read_text("utf-8"))["rows"]
    got = scorer.score(labels)
    shown = [d for d in got.details if d[0] != "vague"]
    assert got.copyleft_errors == 0, shown
    assert got.wrong <= 2, shown
    assert got.right_share >= 0.99, shown
    assert got.exact_share >= 0.90, [d for d in got.details if d[0] == "vague"]
