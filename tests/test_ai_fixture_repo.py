"""A fixture repository that exercises every reference extractor at once, with
look-alikes that must not be reported, checked end to end through the CLI (offline)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import ASSETS

gguf = pytest.importorskip("gguf")

EXPECTED = {
    # (ecosystem, name, kind): where it is referenced
    ("huggingface", "mistralai/Mistral-7B-v0.1", "model"): {
        "app/train.py", "configs/sft.yaml", "configs/adapter_config.json", "models/ft/README.md"},
    ("huggingface", "acme/mistral-support-lora", "model"): {"app/train.py"},
    ("huggingface", "databricks/databricks-dolly-15k", "dataset"): {"app/train.py"},
    ("huggingface", "sentence-transformers/all-MiniLM-L6-v2", "model"): {"notebooks/explore.ipynb"},
    ("ollama", "gemma2:9b", "model"): {"notebooks/explore.ipynb"},
    ("huggingface", "OpenAssistant/oasst1", "dataset"): {"configs/sft.yaml", "models/ft/README.md"},
    ("huggingface", "acme/mistral-support", "model"): {"configs/sft.yaml"},
    ("file", "models/ft/README.md", "model"): {"models/ft/README.md"},
    ("file", "serve/Modelfile", "model"): {"serve/Modelfile"},
    ("ollama", "llama3.1:8b", "model"): {"serve/Modelfile"},
    ("huggingface", "meta-llama/Llama-3.2-1B", "model"): {"scripts/download.sh"},
    ("huggingface", "rajpurkar/squad", "dataset"): {"scripts/download.sh"},
    ("huggingface", "google/gemma-2-2b", "model"): {".github/workflows/eval.yml"},
    ("huggingface", "Qwen/Qwen3-8B", "model"): {".github/workflows/eval.yml"},
    ("huggingface", "microsoft/phi-4", "model"): {"Dockerfile"},
    ("ollama", "phi4:14b", "model"): {"Makefile"},
    ("file", "weights/support.gguf", "model"): {"weights/support.gguf"},
    ("huggingface", "meta-llama/Llama-3.1-8B-Instruct", "model"): {"weights/support.gguf"},
}
NEVER = ("not/a-model", "data/train.json", "checkpoints", "huggingface/peft", "huggingface/transformers",
         "ghcr.io", "acme/trainer", "acme/tools", "outputs/mistral-sft", "sft/run-3", "local-extra")


def test_fixture_repository(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "repo"
    shutil.copytree(ASSETS / "ai-repo", root)
    (root / "weights").mkdir()
    writer = gguf.GGUFWriter(str(root / "weights" / "support.gguf"), "llama")
    writer.add_license("mit")
    writer.add_base_model_count(1)
    writer.add_base_model_repo_url(0, "https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct")
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()

    result = run_cli("check", str(root), "--offline", "--format", "json")
    report = result.json()
    found = {(c["ecosystem"], c["name"], c["kind"]): {r["path"] for r in c["references"]}
             for c in report["components"]}
    assert found == EXPECTED
    assert [f for f in report["findings"] if f["rule"] == "parse-error"] == []
    text = result.out
    assert not any(word in text for word in NEVER)
    card = next(c for c in report["components"] if c["name"] == "models/ft/README.md")
    assert card["claims"][0] == {"value": "apache-2.0", "field": "card license",
                                 "path": "models/ft/README.md", "line": 2}
    gguf_model = next(c for c in report["components"] if c["name"] == "weights/support.gguf")
    assert gguf_model["claims"][0]["value"] == "mit"
    assert gguf_model["license"] == "LicenseRef-scancode-llama-3.1-license-2024"  # from the catalog
