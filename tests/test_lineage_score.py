"""The derivative-card scorer counts what it claims: a drift card flagged with open-washing
or lineage-drift is a hit, anything else on it a miss; an honest card flagged is a false
alarm; lineage-unknown is counted apart and is neither; no-claim and unclear cards are not
scored. Also: the labelled cards are well formed, each base's licence has a source, and
each card's front matter is a model card the tool reads."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(scope="module")
def scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lineage_score", BENCH / "lineage_score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["lineage_score"] = module
    spec.loader.exec_module(module)
    return module


def _card(ident: str, label: str) -> dict[str, str]:
    return {"id": ident, "label": label, "front_matter": "license: mit\nbase_model: a/b"}


def _finding(ident: str, rule: str) -> dict[str, str]:
    return {"component": f"pkg:file/cards/{ident}/README.md", "rule": rule}


def test_scoring_rules(scorer: ModuleType) -> None:
    cards = [_card("d1", "drift"), _card("d2", "drift"), _card("d3", "drift"), _card("h1", "honest"),
             _card("h2", "honest"), _card("n1", "no-claim")]
    report = {"findings": [
        _finding("d1", "open-washing"), _finding("d2", "lineage-drift"),
        _finding("d3", "lineage-unknown"), _finding("d3", "ai-restriction"),
        _finding("h1", "lineage-drift"), _finding("h2", "lineage-unknown"),
        _finding("n1", "open-washing"),
        {"component": "pkg:huggingface/a/b", "rule": "open-washing"},  # the base, not the card
    ]}
    got = scorer.score(cards, report)
    assert (got.tp, got.fn, got.fp, got.tn) == (2, 1, 1, 1)
    assert got.precision == pytest.approx(2 / 3) and got.recall == pytest.approx(2 / 3)
    assert dict(got.unknown_lineage) == {"drift": 1, "honest": 1}
    assert got.misses == ["d3: ['ai-restriction', 'lineage-unknown']"]
    assert got.others == ["n1 (no-claim): ['open-washing']"]


@pytest.mark.parametrize("name", ["cards.json", "heldout.json"])
def test_cards_are_well_formed(scorer: ModuleType, tmp_path: Path, name: str) -> None:
    cards = scorer.load_cards(BENCH / "lineage" / name)
    assert len(cards) >= 30
    assert len({c["id"] for c in cards}) == len(cards)
    for card in cards:
        assert card["label"] in ("drift", "honest", "no-claim", "unclear"), card["id"]
        assert card["why"], card["id"]
        assert card.get("repo") or card.get("find_string_id"), card["id"]
        data = yaml.safe_load(card["front_matter"])
        assert isinstance(data, dict) and data.get("base_model"), card["id"]
        for base in card["bases"]:
            assert card["base_licences"][base]["source"], (card["id"], base)
    labels = {c["label"] for c in cards}
    assert {"drift", "honest"} <= labels
    scorer.write_repo(cards[:3], tmp_path)
    first = (tmp_path / "cards" / cards[0]["id"] / "README.md").read_text()
    assert first.startswith("---\n") and "base_model" in first


def test_held_out_cards_are_not_tuning_cards(scorer: ModuleType) -> None:
    tuning = scorer.load_cards()
    held = scorer.load_cards(BENCH / "lineage" / "heldout.json")
    assert not {c["front_matter"] for c in tuning} & {c["front_matter"] for c in held}
    assert not {c["id"] for c in tuning} & {c["id"] for c in held}


def test_replay_hub_answers_labelled_bases_in_the_hubs_shape(scorer: ModuleType) -> None:
    import requests

    cards = [{"id": "x", "label": "drift", "front_matter": "", "bases": ["Qwen/Qwen2.5-3B", "a/b"],
              "base_licences": {"Qwen/Qwen2.5-3B": {"licence": "other:qwen-research", "source": "s"},
                                "a/b": {"licence": "unknown", "source": "s"}}}]
    server = scorer.replay_hub(cards)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/api/models/"
        body = requests.get(base + "qwen/qwen2.5-3b", timeout=5).json()
        assert body["cardData"] == {"license": "other", "license_name": "qwen-research"}
        assert body["id"] == "Qwen/Qwen2.5-3B" and body["tags"] == ["license:other"]
        assert requests.get(base + "a/b", timeout=5).status_code == 401
        assert requests.get(base + "never/labelled", timeout=5).status_code == 401
    finally:
        server.shutdown()
