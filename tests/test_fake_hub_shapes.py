"""The fake Hub is held to facts about the real Hub's answers, read from the test
cassettes huggingface_hub records against the live Hub (tests/assets/hub/recorded-facts.json):
a fake that answered differently would hide exactly the bugs that matter."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.fake_hub import FakeHub

FACTS = json.loads((Path(__file__).parent / "assets" / "hub" / "recorded-facts.json").read_text())
RECORDED = FACTS["recorded"]
# What license-gate reads from a model_info body.
READ_KEYS = ("_id", "id", "modelId", "sha", "gated", "tags", "cardData")


def _json_type(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", int: "number",
            float: "number", type(None): "null"}[type(value)]


def _configure(hub: FakeHub) -> None:
    """The recorded repositories, described to the fake only by their card metadata and
    gating (the tags, ids and redirects are the fake's own doing)."""
    for rec in RECORDED:
        if rec["status"] == 307 and "?" not in rec["request"]:
            hub.rename(rec["request"].removeprefix("/api/models/"),
                       rec["location"].removeprefix("/api/models/"))
    hub.rename("meta-llama/Meta-Llama-3.1-8B", "meta-llama/Llama-3.1-8B")
    for rec in RECORDED:
        if rec["status"] == 200 and rec["id"] != "gpt2":
            hub.model(rec["id"], rec["cardData"], gated=rec["gated"])
    hub.rename("gpt2", "openai-community/gpt2", answer="alias")


@pytest.mark.parametrize("rec", RECORDED, ids=[r["request"] for r in RECORDED])
def test_the_fake_answers_as_recorded(rec: dict[str, Any], fake_hub: FakeHub) -> None:
    _configure(fake_hub)
    response = requests.get(fake_hub.endpoint + rec["request"], allow_redirects=False, timeout=5)
    assert response.status_code == rec["status"]
    if rec["status"] == 307:
        assert response.headers["Location"] == rec["location"]
        return
    body = response.json()
    for key in READ_KEYS:
        if key in rec["keys"]:
            assert _json_type(body[key]) == rec["keys"][key], key
        else:
            assert key not in body, key
    assert body["id"] == rec["id"] and body["gated"] == rec["gated"]
    if rec["cardData"] is None:
        assert "cardData" not in body
    else:
        assert {k: body["cardData"].get(k) for k in rec["cardData"]} == rec["cardData"]
    assert [t for t in body["tags"] if t.startswith(("license:", "base_model:"))] == \
        rec["licence_and_base_tags"]


def test_a_legacy_name_answering_200_keeps_the_current_ones_id(fake_hub: FakeHub) -> None:
    _configure(fake_hub)
    old, new = (requests.get(f"{fake_hub.endpoint}/api/models/{n}", timeout=5).json()
                for n in ("gpt2", "openai-community/gpt2"))
    recorded = {r["id"]: r["_id"] for r in RECORDED if r["status"] == 200}
    assert recorded["gpt2"] == recorded["openai-community/gpt2"]  # the fact
    assert old["_id"] == new["_id"] and old["id"] == "gpt2"  # the fake keeps it


def test_redirects_keep_the_revision_and_the_query(fake_hub: FakeHub) -> None:
    _configure(fake_hub)
    response = requests.get(f"{fake_hub.endpoint}/api/models/meta-llama/Meta-Llama-3.1-8B-Instruct"
                            "/revision/main?expand=inferenceProviderMapping",
                            allow_redirects=False, timeout=5)
    assert response.status_code == 307
    assert response.headers["Location"] == ("/api/models/meta-llama/Llama-3.1-8B-Instruct"
                                             "/revision/main?expand=inferenceProviderMapping")
