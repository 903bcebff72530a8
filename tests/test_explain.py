"""``license-gate explain``: licence facts with sources, and a component's evidence chain."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.fake_hub import FakeHub


def test_explain_licence_slug_prints_facts_and_sources(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("explain", "llama3.2", "--offline")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].startswith("llama3.2: licence, read as hub-id")
    assert "licence: LicenseRef-scancode-llama-3.2-license-2024" in lines
    assert "  LicenseRef-scancode-llama-3.2-license-2024  (Llama 3.2 Community License)" in lines
    assert "    OSI-approved: no" in lines
    assert "    category: Proprietary Free" in lines
    assert ("      - user-threshold (700,000,000 monthly active users): more than 700 million "
            "monthly active users need a separate licence from Meta") in lines
    territory = [line for line in lines if "territory (EU, multimodal models)" in line]
    assert territory
    following = lines[lines.index(territory[0]) + 1]
    assert following.strip().startswith("source: https://")
    # llama3.2 is also an Ollama model name: say how to ask about that instead
    assert "note: for the Ollama model of that name, run: license-gate explain ollama:llama3.2" in lines


def test_explain_osi_expression(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("explain", "MIT OR Apache-2.0")
    assert result.code == 0
    assert result.out.count("OSI-approved: yes") == 2
    assert "restrictions: none beyond the licence's own conditions" in result.out
    assert "note:" not in result.out


def test_explain_hub_model_shows_the_lineage_chain(tmp_path: Path, fake_hub: FakeHub,  # type: ignore[no-untyped-def]
                                                   run_cli) -> None:
    fake_hub.model("meta-llama/Llama-3.1-8B", {"license": "llama3.1"})
    fake_hub.model("acme/chat-ft", {"license": "apache-2.0", "base_model": "meta-llama/Llama-3.1-8B",
                                     "base_model_relation": "finetune"})
    result = run_cli("explain", "pkg:huggingface/acme/chat-ft", "--cache-dir", str(tmp_path))
    assert result.code == 0, result.err
    out = result.out
    assert "component: pkg:huggingface/acme/chat-ft (model)" in out
    assert "  evidence: from hub cardData.license 'apache-2.0'" in out
    assert ("  lineage: acme/chat-ft <-finetune- meta-llama/Llama-3.1-8B "
            "[LicenseRef-scancode-llama-3.1-license-2024, hub card]") in out
    assert "licence: Apache-2.0" in out
    # facts for the model's own licence and for its ancestor's
    assert "  Apache-2.0" in out and "(Llama 3.1 Community License)" in out


def test_explain_ollama_offline_from_the_catalog(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("explain", "llama3.1:8b", "--offline", "--cache-dir", str(tmp_path))
    assert result.code == 0
    assert "component: pkg:ollama/llama3.1@8b (model)" in result.out
    assert "from catalog Llama 3.1 family" in result.out


def test_explain_unknown_component_and_nonsense(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    unknown = run_cli("explain", "someone/unlisted-model", "--offline", "--cache-dir", str(tmp_path))
    assert unknown.code == 1
    assert "licence: unknown:" in unknown.out
    nonsense = run_cli("explain", "definitely not a licence")
    assert nonsense.code == 2
    assert "is not a known licence id" in nonsense.err


# Every form check reads as a Hub repository, and the component explain then shows.
FORMS = [
    ("bert-base-uncased", "pkg:huggingface/google-bert/bert-base-uncased"),
    ("gpt2", "pkg:huggingface/openai-community/gpt2"),
    ("google-bert/bert-base-uncased", "pkg:huggingface/google-bert/bert-base-uncased"),
    ("hf:bert-base-uncased", "pkg:huggingface/google-bert/bert-base-uncased"),
    ("https://huggingface.co/google-bert/bert-base-uncased/tree/main",
     "pkg:huggingface/google-bert/bert-base-uncased"),
    ("hf.co/google-bert/bert-base-uncased", "pkg:huggingface/google-bert/bert-base-uncased"),
    ("models--google-bert--bert-base-uncased", "pkg:huggingface/google-bert/bert-base-uncased"),
    ("google-bert/bert-base-uncased@86b5e0934494bd15c9632b12f734a8a67f723594",
     "pkg:huggingface/google-bert/bert-base-uncased@86b5e0934494bd15c9632b12f734a8a67f723594"),
    ("https://huggingface.co/datasets/rajpurkar/squad", "pkg:huggingface/rajpurkar/squad"),
    ("pkg:huggingface/google-bert/bert-base-uncased", "pkg:huggingface/google-bert/bert-base-uncased"),
]


@pytest.mark.parametrize(("subject", "purl"), FORMS)
def test_explain_accepts_every_id_form_check_accepts(subject: str, purl: str, tmp_path: Path,
                                                     run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("explain", subject, "--offline", "--cache-dir", str(tmp_path / "c"),
                     "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["component"]["id"] == purl
    assert data["license"] in ("Apache-2.0", "MIT", "CC-BY-SA-4.0")


def test_explain_json_component_has_the_check_report_fields(tmp_path: Path, fake_hub: FakeHub,
                                                            run_cli) -> None:  # type: ignore[no-untyped-def]
    fake_hub.model("meta-llama/Llama-3.1-8B", {"license": "llama3.1"}, gated="manual")
    fake_hub.model("acme/chat-ft", {"license": "apache-2.0", "base_model": "meta-llama/Llama-3.1-8B"})
    result = run_cli("explain", "acme/chat-ft", "--cache-dir", str(tmp_path / "c"), "--format", "json")
    assert result.code == 0
    data = json.loads(result.out)
    schema = json.loads((Path(__file__).resolve().parents[1] / "schemas" /
                         "report-v1.schema.json").read_text())
    component_schema = {"$schema": schema["$schema"], "$defs": schema["$defs"],
                        "$ref": "#/$defs/component"}
    jsonschema.validate(data["component"], component_schema)
    assert data["component"]["verdict"] == "denied"
    assert {f["rule"] for f in data["findings"]} == {"lineage-drift"}
    assert data["component"]["lineage"][0]["parent"] == "meta-llama/Llama-3.1-8B"
    assert data["policy"]["sources"] == ["builtin:default"]
    text = run_cli("explain", "acme/chat-ft", "--cache-dir", str(tmp_path / "c"))
    assert "verdict under builtin:default: denied" in text.out
    assert "error [lineage-drift]" in text.out


def test_explain_still_refuses_what_is_no_id(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("explain", "requests", "--offline")
    assert result.code == 2
