"""The offline catalog and the Hub licence table are data, held to the same bar as code."""

from __future__ import annotations

import datetime as dt

import pytest

from license_gate.knowledge import licensing
from license_gate.knowledge.hf import from_claim, hub_ids
from license_gate.model import Kind
from license_gate.resolve import catalog


def test_every_catalog_entry_is_sourced_dated_and_maps() -> None:
    raw = licensing.load_data("model_catalog.json")["entries"]
    assert len(raw) == len(catalog.entries())
    for entry in raw:
        assert entry["source"].startswith("https://"), entry
        assert dt.date.fromisoformat(entry["checked"]) <= dt.date.today()
        assert entry["checked_against"], entry
        # the Hub, Ollama's library, or a hosted API provider (never looked up on the Hub)
        assert entry["ecosystem"] in ("huggingface", "ollama", "openai")
        assert from_claim(entry["license"]).expression is not None, entry


LLAMA31 = "LicenseRef-scancode-llama-3.1-license-2024"
SD1 = "LicenseRef-scancode-stable-diffusion-2022-08-22"


@pytest.mark.parametrize(("ecosystem", "name", "kind", "expected"), [
    ("huggingface", "meta-llama/Llama-3.1-70B-Instruct", Kind.MODEL, LLAMA31),
    ("huggingface", "unsloth/Meta-Llama-3.1-8B-Instruct-bnb-4bit", Kind.MODEL, LLAMA31),
    ("huggingface", "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF", Kind.MODEL, LLAMA31),
    ("huggingface", "unsloth/qwen2.5-3b-instruct-bnb-4bit", Kind.MODEL,
     "LicenseRef-license-gate-qwen-research"),
    ("huggingface", "meta-llama/Meta-Llama-3-8B", Kind.MODEL, "LicenseRef-license-gate-llama-3-2024"),
    ("ollama", "llama3.2:3b", Kind.MODEL, "LicenseRef-scancode-llama-3.2-license-2024"),
    ("huggingface", "google/gemma-2-9b-it", Kind.MODEL, "LicenseRef-scancode-gemma-tou-2024-04-01"),
    ("huggingface", "mistralai/Mixtral-8x7B-Instruct-v0.1", Kind.MODEL, "Apache-2.0"),
    ("huggingface", "mistralai/Codestral-22B-v0.1", Kind.MODEL, "LicenseRef-license-gate-mistral-mnpl-0.1"),
    ("huggingface", "black-forest-labs/FLUX.1-dev", Kind.MODEL, "LicenseRef-scancode-flux-1-nc"),
    ("huggingface", "black-forest-labs/FLUX.1-schnell", Kind.MODEL, "Apache-2.0"),
    ("huggingface", "tiiuae/falcon-180B-chat", Kind.MODEL, "LicenseRef-license-gate-falcon-180b-tii-1.0"),
    ("huggingface", "runwayml/stable-diffusion-v1-5", Kind.MODEL, SD1),
    ("huggingface", "databricks/databricks-dolly-15k", Kind.DATASET, "CC-BY-SA-3.0"),
    # Qwen2.5's licence differs by size
    ("huggingface", "Qwen/Qwen2.5-7B-Instruct", Kind.MODEL, "Apache-2.0"),
    ("huggingface", "Qwen/Qwen2.5-72B-Instruct", Kind.MODEL, "LicenseRef-license-gate-qwen-2024"),
])
def test_catalog_lookups(ecosystem: str, name: str, kind: Kind, expected: str) -> None:
    entry = catalog.lookup(ecosystem, name, kind)
    assert entry is not None and entry.expression == expected


@pytest.mark.parametrize(("ecosystem", "name"), [
    # sizes or releases whose licence differs and could not be sourced stay unknown
    ("huggingface", "Qwen/Qwen2.5-Coder-3B"),
    ("ollama", "deepseek-r1:8b"),  # a Llama-based distill, not the MIT R1 release
    ("huggingface", "someone/llama-3.1-finetune"),
    ("huggingface", "google/gemma-4-27b-it"),  # Gemma 4 is under other terms
    ("huggingface", "01-ai/Yi-34B"),  # relicensed between revisions: only the Hub can say
    ("huggingface", "nvidia/Nemotron-4-340B-Instruct"),  # an older Open Model License version
    # a publisher's re-uploads are known by their exact ids only: the same namespace holds
    # third-party fine-tunes under other licences
    ("huggingface", "unsloth/Llama-3.1-Storm-8B"),
    ("huggingface", "TheBloke/Llama-2-70B-OASST-1-200-AWQ"),
    ("huggingface", "mlx-community/Llama-3.2-3B-Instruct-bf16"),
])
def test_catalog_never_guesses(ecosystem: str, name: str) -> None:
    assert catalog.lookup(ecosystem, name, Kind.MODEL) is None


def test_every_hub_licence_id_is_listed_and_mapped_or_explained() -> None:
    ids = hub_ids()
    assert len(ids) >= 82
    for hub_id, (key, source, why) in ids.items():
        assert source.startswith("https://"), hub_id
        if key is None:
            assert why, hub_id
        else:
            assert licensing.try_parse(key) is not None, (hub_id, key)
    assert ids["llama3.1"][0] == "LicenseRef-scancode-llama-3.1-license-2024"
    assert ids["gemma"][0] == "LicenseRef-scancode-gemma-tou-2024-04-01"


def test_catalog_covers_at_least_fifteen_datasets() -> None:
    datasets = {e.family for e in catalog.entries() if e.kind is Kind.DATASET}
    assert len(datasets) >= 15, sorted(datasets)


def test_every_rename_is_sourced_and_leads_somewhere_new() -> None:
    table = licensing.load_data("hub_renames.json")["renames"]
    assert table
    olds = {r["from"].lower() for r in table}
    for rename in table:
        assert rename["source"].startswith("https://"), rename
        assert rename["observed"] and dt.date.fromisoformat(rename["checked"]) <= dt.date.today()
        assert rename["to"].lower() not in olds, f"{rename['to']} is itself renamed: chain it"
        assert catalog.canonical_hub_id(rename["from"].upper()) == rename["to"]
    assert catalog.canonical_hub_id("acme/never-renamed") == "acme/never-renamed"


def test_the_indexed_matcher_answers_as_every_glob_in_catalog_order_would() -> None:
    import fnmatch

    def brute(ecosystem: str, lowered: str, kind: Kind) -> catalog.CatalogEntry | None:
        for entry in catalog.entries():
            if entry.ecosystem == ecosystem and entry.kind is kind and any(
                    fnmatch.fnmatchcase(lowered, p.lower()) for p in entry.patterns):
                return entry
        return None

    probes = {("huggingface", Kind.MODEL, "meta-llama/llama-2-70b-chat-hf"),
              ("huggingface", Kind.MODEL, "nobody/nothing"), ("ollama", Kind.MODEL, "")}
    for entry in catalog.entries():
        for pattern in entry.patterns:
            stem = pattern.lower().replace("*", "")
            for name in (stem, stem + "x", stem + "-instruct", stem[:-1]):
                probes.add((entry.ecosystem, entry.kind, name))
    assert len(probes) > 1000
    for probe in probes:
        assert catalog._match(*probe) is brute(*probe), probe
