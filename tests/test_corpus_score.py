"""The real-repository scorer counts what it claims: a reference found at the labelled
path, line and id is found; the same id at another line is a miss and a false alarm;
anything in a labelled file that no positive matches is a false alarm; a followed
constant's use place is not scored; files nobody labelled are not scored. Also: every
corpus file is well formed, so a broken label cannot silently drop out of the score."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
PATTERNS = {
    "py-call", "py-keyword", "py-assign", "py-collection", "py-default", "py-argparse",
    "py-env-default", "py-cmdline", "py-comment", "nb-code", "nb-shell", "nb-markdown",
    "env-file", "compose", "dockerfile", "shell", "workflow", "config", "model-card", "modelfile",
    "markdown-url", "markdown-code", "markdown-prose", "hub-cache-path", "hosted-api",
}


@pytest.fixture(scope="module")
def scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpus_score", BENCH / "corpus_score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["corpus_score"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _label(path: str, line: int, ident: str, label: str = "positive", **extra: str) -> dict:  # type: ignore[type-arg]
    return {"path": path, "line": line, "id": ident, "kind": "model", "ecosystem": "huggingface",
            "relation": "use", "label": label, "pattern": "py-call", "note": "", **extra}


def test_scoring_rules(scorer: ModuleType) -> None:
    entry = {"repo": "acme/app", "commit": "0" * 40, "files": ["a.py", "README.md"], "labels": [
        _label("a.py", 1, "acme/one"), _label("a.py", 2, "acme/two"),
        _label("README.md", 3, "llama3.1", ecosystem="ollama", relation="mention",
               pattern="markdown-prose"),
        _label("a.py", 4, "acme/not-a-model", "negative"),
    ]}
    predicted = [
        {"path": "a.py", "line": 1, "ecosystem": "huggingface", "name": "ACME/one", "relation": "use"},
        {"path": "a.py", "line": 9, "ecosystem": "huggingface", "name": "acme/two", "relation": "use"},
        {"path": "a.py", "line": 4, "ecosystem": "huggingface", "name": "acme/not-a-model",
         "relation": "use"},
        {"path": "README.md", "line": 3, "ecosystem": "ollama", "name": "llama3.1:latest",
         "relation": "use"},
        {"path": "other.py", "line": 1, "ecosystem": "huggingface", "name": "x/y", "relation": "use"},
    ]
    scores = scorer.Scores()
    scorer.score_repo(entry, predicted, scores)
    overall = scores.overall
    assert (overall.positives, overall.found) == (3, 2)  # acme/two is at the wrong line
    assert (overall.predictions, overall.correct) == (4, 2)  # other.py is not labelled
    assert overall.misplaced == 1 and overall.relation_right == 1  # llama3.1 said use, not mention
    alarms = {(a["path"], a["line"], a["labelled_negative"]) for a in scores.false_alarms}
    assert alarms == {("a.py", 9, False), ("a.py", 4, True)}
    assert scores.gated.positives == 2 and scores.by_pattern["markdown-prose"].found == 1


def test_corpus_files_are_well_formed() -> None:
    files = sorted((BENCH / "corpus").glob("*.json"))
    assert len(files) >= 12
    total = 0
    for path in files + sorted((BENCH / "corpus" / "heldout").glob("*.json")):
        entry = json.loads(path.read_text())
        assert re.fullmatch(r"[0-9a-f]{40}", entry["commit"]), path
        assert path.name == entry["repo"].replace("/", "+") + ".json"
        listed = set(entry["files"])
        seen = set()
        for label in entry["labels"]:
            assert label["path"] in listed, (path.name, label)
            assert label["label"] in ("positive", "negative") and label["kind"] in ("model", "dataset")
            assert label["relation"] in ("use", "publish", "mention"), (path.name, label)
            assert label["pattern"] in PATTERNS, (path.name, label["pattern"])
            assert isinstance(label["line"], int) and label["line"] >= 1
            key = (label["path"], label["line"], label["id"])
            assert key not in seen, (path.name, key)
            seen.add(key)
        total += len(entry["labels"])
    assert total >= 300
