"""AI resolution against the fake Hub on 127.0.0.1 (HF_ENDPOINT)."""

from __future__ import annotations

from pathlib import Path

import pytest

from license_gate.model import Cause, Claim, Kind, Place, Reference, Resolution, Unresolved
from license_gate.resolve.ai import AIResolver, AISettings
from license_gate.resolve.http import HttpSettings
from tests.fake_hub import FakeHub

SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def hub(fake_hub: FakeHub) -> FakeHub:
    fake_hub.model("meta-llama/Llama-3.1-8B", {"license": "llama3.1", "extra_gated_prompt": "..."},
                   tags=["transformers", "license:llama3.1"])
    fake_hub.model("acme/llama-mid", {"license": "llama3.1", "base_model": "meta-llama/Llama-3.1-8B"},
                   tags=["base_model:finetune:meta-llama/Llama-3.1-8B"])
    fake_hub.model("acme/chat-ft", {"license": "apache-2.0", "base_model": ["acme/llama-mid"],
                                     "base_model_relation": "finetune"})
    fake_hub.model("acme/gguf", {"license": "mit"}, tags=["base_model:quantized:acme/chat-ft"])
    fake_hub.model("loop/a", {"license": "mit", "base_model": "loop/b"})
    fake_hub.model("loop/b", {"license": "mit", "base_model": "loop/a"})
    fake_hub.model("mergers/merged", {"license": "apache-2.0", "base_model": ["mistralai/Mistral-7B-v0.1",
                                       "acme/chat-ft"], "base_model_relation": "merge"})
    fake_hub.model("mistralai/Mistral-7B-v0.1", {"license": "apache-2.0"})
    fake_hub.model("tags-only/model", None, tags=["license:cc-by-nc-4.0"])
    fake_hub.model("custom/mrl", {"license": "other", "license_name": "totally-custom",
                                   "license_link": "LICENSE"})
    fake_hub.model("meta-llama/Llama-3.2-1B", {"license": "llama3.2"}, gated="manual")
    fake_hub.model("private/forbidden", {"license": "mit"})
    fake_hub.forbidden.add(("models", "private/forbidden"))
    fake_hub.model("google-bert/bert-base-uncased", {"license": "apache-2.0"})
    fake_hub.redirects["bert-base-uncased"] = "google-bert/bert-base-uncased"
    fake_hub.dataset("HuggingFaceH4/ultrachat_200k", {"license": "mit"})
    return fake_hub


def resolver(tmp_path: Path, hub: FakeHub | None, **kw) -> AIResolver:  # type: ignore[no-untyped-def]
    endpoint = hub.endpoint if hub else "http://127.0.0.1:9"
    http = HttpSettings(timeout=kw.pop("timeout", 5.0), retries=kw.pop("retries", 2), backoff=0.01)
    return AIResolver(AISettings(hf_endpoint=endpoint, cache_dir=tmp_path / "cache", http=http, **kw))


def ref(name: str, kind: Kind = Kind.MODEL, revision: str | None = None, eco: str = "huggingface",
        **kw) -> Reference:  # type: ignore[no-untyped-def]
    return Reference(eco, name, Place("app.py", 3), kind=kind, revision=revision, **kw)


def by_name(results):  # type: ignore[no-untyped-def]
    return {r.component.name: r for r in results}


def test_card_licence_and_three_hop_lineage(tmp_path: Path, hub: FakeHub) -> None:
    got = by_name(resolver(tmp_path, hub).resolve([ref("acme/chat-ft")]))["acme/chat-ft"]
    assert isinstance(got.outcome, Resolution) and got.outcome.expression == "Apache-2.0"
    assert got.outcome.evidence[0].source == "hub"
    assert got.outcome.evidence[0].url == f"{hub.endpoint}/acme/chat-ft"
    chain = [(h.child, h.parent, h.relation, h.license) for h in got.lineage]
    llama = "LicenseRef-scancode-llama-3.1-license-2024"
    assert chain == [
        ("acme/chat-ft", "acme/llama-mid", "finetune", llama),
        ("acme/llama-mid", "meta-llama/Llama-3.1-8B", "finetune", llama),
    ]


def test_tags_give_relation_and_licence(tmp_path: Path, hub: FakeHub) -> None:
    results = by_name(resolver(tmp_path, hub).resolve([ref("acme/gguf"), ref("tags-only/model")]))
    assert results["acme/gguf"].lineage[0].relation == "quantized"
    assert len(results["acme/gguf"].lineage) == 3  # gguf <- chat-ft <- mid <- llama
    tagged = results["tags-only/model"].outcome
    assert tagged.expression == "CC-BY-NC-4.0"  # type: ignore[union-attr]
    assert tagged.evidence[0].field == "tags"


def test_cycle_is_detected(tmp_path: Path, hub: FakeHub) -> None:
    got = by_name(resolver(tmp_path, hub).resolve([ref("loop/a")]))["loop/a"]
    assert [h.parent for h in got.lineage] == ["loop/b", "loop/a"]
    assert "cycle" in (got.lineage[-1].note or "")


def test_merge_has_several_parents(tmp_path: Path, hub: FakeHub) -> None:
    got = by_name(resolver(tmp_path, hub).resolve([ref("mergers/merged")]))["mergers/merged"]
    parents = {(h.parent, h.relation) for h in got.lineage if h.child == "mergers/merged"}
    assert parents == {("mistralai/Mistral-7B-v0.1", "merge"), ("acme/chat-ft", "merge")}


def test_a_gated_repository_answers_its_card_to_anyone(tmp_path: Path, hub: FakeHub) -> None:
    (got,) = resolver(tmp_path, hub).resolve([ref("meta-llama/Llama-3.2-1B")])
    assert got.outcome.expression == "LicenseRef-scancode-llama-3.2-license-2024"  # type: ignore[union-attr]
    assert got.gated == "manual"
    assert hub.auth == [None]


def test_anonymous_401_means_private_or_missing_alike(tmp_path: Path, hub: FakeHub) -> None:
    hub.model("acme/secret", {"license": "mit"}, private=True)
    got = by_name(resolver(tmp_path, hub).resolve([ref("acme/secret"), ref("nobody/nothing")]))
    for name in ("acme/secret", "nobody/nothing"):
        outcome = got[name].outcome
        assert isinstance(outcome, Unresolved) and outcome.cause is Cause.ACCESS
        assert "HTTP 401" in outcome.reason and "private or missing" in outcome.reason
        assert "HF_TOKEN" in outcome.reason


def test_with_a_token_missing_is_404_private_opens_and_403_is_refused(tmp_path: Path, hub: FakeHub) -> None:
    hub.model("acme/secret", {"license": "mit"}, private=True)
    got = by_name(resolver(tmp_path, hub, hf_token="hf_reader").resolve([
        ref("acme/secret"), ref("nobody/nothing"), ref("private/forbidden")]))
    assert got["acme/secret"].outcome.expression == "MIT"  # type: ignore[union-attr]
    missing = got["nobody/nothing"].outcome
    assert isinstance(missing, Unresolved) and missing.cause is Cause.NOT_FOUND
    assert "404" in missing.reason
    forbidden = got["private/forbidden"].outcome
    assert isinstance(forbidden, Unresolved) and forbidden.cause is Cause.ACCESS
    assert "HTTP 403" in forbidden.reason


def test_a_token_the_hub_does_not_know_is_reported_as_refused(tmp_path: Path, hub: FakeHub) -> None:
    (got,) = resolver(tmp_path, hub, hf_token="hf_expired").resolve([ref("acme/llama-mid")])
    assert isinstance(got.outcome, Unresolved) and got.outcome.cause is Cause.ACCESS
    assert "Invalid credentials in Authorization header" in got.outcome.reason


def test_unrecognised_other_licence(tmp_path: Path, hub: FakeHub) -> None:
    outcome = by_name(resolver(tmp_path, hub).resolve([ref("custom/mrl")]))["custom/mrl"].outcome
    assert isinstance(outcome, Unresolved) and outcome.cause is Cause.UNRECOGNISED
    assert "totally-custom" in outcome.reason


def test_legacy_id_follows_redirect(tmp_path: Path, hub: FakeHub) -> None:
    (got,) = resolver(tmp_path, hub).resolve([ref("bert-base-uncased")])
    assert got.component.name == "google-bert/bert-base-uncased"
    assert got.outcome.expression == "Apache-2.0"  # type: ignore[union-attr]


def test_dataset_endpoint_and_revision_pin(tmp_path: Path, hub: FakeHub) -> None:
    results = resolver(tmp_path, hub).resolve([
        ref("HuggingFaceH4/ultrachat_200k", Kind.DATASET), ref("mistralai/Mistral-7B-v0.1", revision=SHA)])
    assert hub.hits["/api/datasets/HuggingFaceH4/ultrachat_200k"] == 1
    assert hub.hits[f"/api/models/mistralai/Mistral-7B-v0.1/revision/{SHA}"] == 1
    pinned = next(r for r in results if r.component.version == SHA)
    assert pinned.component.purl == f"pkg:huggingface/mistralai/Mistral-7B-v0.1@{SHA}"


def test_429_then_success_and_500_falls_back_to_catalog(tmp_path: Path, hub: FakeHub) -> None:
    hub.fault("/api/models/acme/llama-mid", "429")
    hub.fault("/api/models/meta-llama/Llama-3.1-8B", "500", "500", "500")
    got = by_name(resolver(tmp_path, hub, retries=2).resolve([ref("acme/llama-mid"),
                                                             ref("meta-llama/Llama-3.1-8B")]))
    assert got["acme/llama-mid"].outcome.expression == "LicenseRef-scancode-llama-3.1-license-2024"  # type: ignore[union-attr]
    fallback = got["meta-llama/Llama-3.1-8B"].outcome
    assert isinstance(fallback, Resolution) and fallback.evidence[0].source == "catalog"
    assert fallback.evidence[0].url and fallback.evidence[0].url.startswith("https://")


def test_cache_serves_offline_runs_and_unknown_offline_is_honest(tmp_path: Path, hub: FakeHub) -> None:
    resolver(tmp_path, hub).resolve([ref("acme/chat-ft")])
    hub.stop()
    got = by_name(resolver(tmp_path, None, offline=True).resolve([
        ref("acme/chat-ft"), ref("unknown-org/unknown-model"), ref("mistralai/Codestral-22B-v0.1")]))
    assert got["acme/chat-ft"].outcome.expression == "Apache-2.0"  # type: ignore[union-attr]
    assert len(got["acme/chat-ft"].lineage) == 2
    assert got["unknown-org/unknown-model"].outcome.cause is Cause.NOT_IN_CATALOG  # type: ignore[union-attr]
    codestral = got["mistralai/Codestral-22B-v0.1"].outcome
    assert codestral.expression == "LicenseRef-license-gate-mistral-mnpl-0.1"  # type: ignore[union-attr]


def test_ollama_names_use_the_catalog(tmp_path: Path) -> None:
    got = by_name(resolver(tmp_path, None, offline=True).resolve([
        ref("llama3.1:8b", eco="ollama"), ref("mystery:7b", eco="ollama")]))
    assert got["llama3.1:8b"].outcome.expression == "LicenseRef-scancode-llama-3.1-license-2024"  # type: ignore[union-attr]
    # online or not, Ollama's library is never asked: the hint must not say "run online"
    assert got["mystery:7b"].outcome.cause is Cause.NO_TERMS  # type: ignore[union-attr]


def test_local_model_carries_its_bases_licence(tmp_path: Path, hub: FakeHub) -> None:
    claim = Claim("apache-2.0", Place("models/ft/README.md", 3), "card license")
    card = Reference("file", "models/ft/README.md", Place("models/ft/README.md", 1), kind=Kind.MODEL,
                     claims=(claim,), bases=(("huggingface", "acme/llama-mid", "finetune"),))
    (got,) = resolver(tmp_path, hub).resolve([card])
    assert got.outcome.expression == "LicenseRef-scancode-llama-3.1-license-2024"  # type: ignore[union-attr]
    assert got.claims == (claim,)
    assert [h.parent for h in got.lineage] == ["acme/llama-mid", "meta-llama/Llama-3.1-8B"]


def test_local_model_without_bases_takes_its_claim_as_such(tmp_path: Path) -> None:
    claim = Claim("mit", Place("m.gguf"), "general.license")
    (got,) = resolver(tmp_path, None, offline=True).resolve([
        Reference("file", "m.gguf", Place("m.gguf"), kind=Kind.MODEL, claims=(claim,))])
    assert got.outcome.expression == "MIT"  # type: ignore[union-attr]
    assert got.outcome.evidence[0].source == "claim"  # type: ignore[union-attr]
    assert "no base model" in (got.outcome.evidence[0].note or "")  # type: ignore[union-attr]


def test_token_is_not_forwarded_to_another_host_on_redirect(tmp_path: Path, hub: FakeHub) -> None:
    other = FakeHub()
    other.start()
    try:
        other.model("elsewhere/model", {"license": "mit"})
        # same machine, different host name: requests must drop Authorization
        hub.redirects["moved/model"] = f"http://localhost:{other.server.port}/api/models/elsewhere/model"
        (got,) = resolver(tmp_path, hub, hf_token="hf_secret_456").resolve([ref("moved/model")])
        assert got.outcome.expression == "MIT"  # type: ignore[union-attr]
        assert hub.auth[-1] == "Bearer hf_secret_456"
        assert other.auth == [None]
    finally:
        other.stop()


def test_commit_pins_are_cached_forever_and_branches_expire(tmp_path: Path, hub: FakeHub) -> None:
    import sqlite3

    refs = [ref("mistralai/Mistral-7B-v0.1", revision=SHA), ref("tags-only/model")]
    resolver(tmp_path, hub).resolve(refs)
    with sqlite3.connect(tmp_path / "cache" / "cache.sqlite3") as conn:
        conn.execute("UPDATE entry SET fetched = 0")  # make every entry ancient
    hub.stop()
    got = {r.component.name: r for r in resolver(tmp_path, hub, retries=0, timeout=1).resolve(refs)}
    assert got["mistralai/Mistral-7B-v0.1"].outcome.expression == "Apache-2.0"  # type: ignore[union-attr]
    expired = got["tags-only/model"].outcome
    assert isinstance(expired, Unresolved) and expired.cause is Cause.NETWORK


def test_lineage_depth_is_bounded(tmp_path: Path, hub: FakeHub) -> None:
    for i in range(12):
        hub.model(f"deep/m{i}", {"license": "mit", "base_model": f"deep/m{i + 1}"})
    hub.model("deep/m12", {"license": "mit"})
    (got,) = resolver(tmp_path, hub).resolve([ref("deep/m0")])
    assert [h.parent for h in got.lineage if h.license] == [f"deep/m{i}" for i in range(1, 9)]
    last = got.lineage[-1]
    assert "deeper than 8" in (last.note or "") and last.cause is Cause.TOO_DEEP
    assert last.unreadable  # the rest of the chain is unchecked: the lineage check fails closed


def test_other_licence_by_known_slug_or_known_link(tmp_path: Path, hub: FakeHub) -> None:
    hub.model("mistralai/Mistral-Large-Instruct-2407", {
        "license": "other", "license_name": "mrl",
        "license_link": "https://mistral.ai/licenses/MRL-0.1.md"})
    hub.model("someone/falcon-ft", {
        "license": "other", "license_name": "my-own-words",
        "license_link": "https://falconllm.tii.ae/falcon-terms-and-conditions.html"})
    got = by_name(resolver(tmp_path, hub).resolve([ref("mistralai/Mistral-Large-Instruct-2407"),
                                                    ref("someone/falcon-ft")]))
    mrl = got["mistralai/Mistral-Large-Instruct-2407"].outcome
    assert isinstance(mrl, Resolution)
    assert mrl.expression == "LicenseRef-license-gate-mistral-mrl-0.1"
    falcon = got["someone/falcon-ft"].outcome
    assert isinstance(falcon, Resolution)
    assert falcon.expression == "LicenseRef-license-gate-falcon-llm-tii"


def test_other_licence_linking_a_known_repository_licence(tmp_path: Path, hub: FakeHub) -> None:
    hub.model("someone/llama-chat", {
        "license": "other", "license_name": "llama-community",
        "license_link": "https://huggingface.co/meta-llama/Llama-3.1-8B/blob/main/LICENSE"})
    hub.model("someone/own-licence", {"license": "other", "license_name": "mine",
                                      "license_link": "https://huggingface.co/someone/own-licence/blob/main/LICENSE"})
    got = by_name(resolver(tmp_path, hub).resolve([ref("someone/llama-chat"), ref("someone/own-licence")]))
    linked = got["someone/llama-chat"].outcome
    assert isinstance(linked, Resolution)
    assert linked.expression == "LicenseRef-scancode-llama-3.1-license-2024"
    assert [e.source for e in linked.evidence] == ["hub", "catalog"]
    assert "linking the licence of meta-llama/Llama-3.1-8B" in (linked.evidence[0].note or "")
    own = got["someone/own-licence"].outcome
    assert isinstance(own, Unresolved) and own.cause is Cause.UNRECOGNISED
