"""``license-gate explain``: licence facts with sources, and a component's evidence chain."""

from __future__ import annotations

from pathlib import Path

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
