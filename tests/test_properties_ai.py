"""Property-based checks for the AI-side parsers: Python sources, notebooks, configs
(YAML, JSON, TOML), model cards, Modelfiles, scripts, workflows, GGUF and safetensors
headers, and licence claims. None may raise, and bad input becomes a ParseError or an
unknown licence. Each test generates `EXAMPLES` cases per parser and per run."""

from __future__ import annotations

import struct
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from license_gate.extract import extractor_for, file_extractor_for
from license_gate.knowledge import terms
from license_gate.knowledge.hf import from_claim
from license_gate.model import ExtractResult
from tests.bounds import bounded

EXAMPLES = 150
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)
TOKENS = st.lists(st.sampled_from([
    "from_pretrained(", "pipeline(", "load_dataset(", '"', "'", "(", ")", ",", "model=",
    "meta-llama/Llama-3.1-8B", "org/name", "revision=", "\n", " ", "---", "license:",
    "base_model:", "- ", "[", "]", "{", "}", ":", "&a", "*a", "!!python/object:os.system",
    "FROM ", "LICENSE", '"""', "ADAPTER", "ollama pull llama3.1", "huggingface-cli download",
    '{"cells": [', '"source":', '"cell_type": "code"', "model_name_or_path", "=", "#",
    "\t", "steps:", "run: ", "${{", "datasets:", "\\", "`", "apache-2.0", "llama3.1",
    "!!int ", "!!bool ", "!!float ", "[[[[[[[[", "]]]]]]]]",
]), max_size=80).map("".join)
TEXT_FORMATS = {
    "python": "app.py", "notebook": "x.ipynb", "config": "conf.yaml", "model-card": "README.md",
    "modelfile": "Modelfile", "script": "run.sh", "workflow": ".github/workflows/ci.yml",
}
SLOW = [HealthCheck.too_slow]


@pytest.mark.parametrize("fmt", sorted(TEXT_FORMATS))
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=SLOW)
@given(text=st.one_of(TEXT, TOKENS))
def test_ai_text_extractors_never_raise(fmt: str, text: str) -> None:
    result = bounded(f"{fmt} ({TEXT_FORMATS[fmt]})", extractor_for(fmt), text, TEXT_FORMATS[fmt], None)
    assert isinstance(result, ExtractResult)


@pytest.mark.parametrize("suffix", [".json", ".toml"])
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=SLOW)
@given(text=st.one_of(TEXT, TOKENS))
def test_json_and_toml_configs_never_raise(suffix: str, text: str) -> None:
    result = bounded(f"config (conf{suffix})", extractor_for("config"), text, f"conf{suffix}", None)
    assert isinstance(result, ExtractResult)


def _gguf_like() -> st.SearchStrategy[bytes]:
    count = st.one_of(st.integers(0, 8), st.just(2**60), st.integers(0, 2**64 - 1))
    return st.builds(
        lambda version, tensors, kvs, rest: b"GGUF" + struct.pack("<IQQ", version, tensors, kvs)
        + rest,
        st.sampled_from([1, 2, 3, 4]), count, count, st.binary(max_size=600))


@pytest.mark.parametrize("fmt", ["gguf", "safetensors"])
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=SLOW)
@given(data=st.one_of(st.binary(max_size=600), _gguf_like(),
                      st.builds(lambda n, rest: struct.pack("<Q", n) + rest,
                                st.one_of(st.integers(0, 4096), st.just(2**60)),
                                st.binary(max_size=600))))
def test_binary_headers_never_raise(fmt: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / f"model.{fmt}"
        path.write_bytes(data)
        result = bounded(fmt, file_extractor_for(fmt), path, path.name)
    assert isinstance(result, ExtractResult)


@settings(max_examples=EXAMPLES * 2, deadline=None)
@given(text=st.one_of(TEXT, st.lists(st.sampled_from([
    "MIT", "Apache-2.0", " AND ", " OR ", " WITH ", "(", ")", "GPL-2.0+", "llama3.1", "other:",
    "mrl", "LicenseRef-x", "https://mistral.ai/licenses/MRL-0.1.md", "cc-by-nc-4.0", "+", " ",
]), max_size=20).map("".join)))
def test_licence_claims_never_raise(text: str) -> None:
    def judge(claim: str) -> None:
        mapped = from_claim(claim)
        if mapped.expression is not None:
            terms.facets_of(mapped.expression)
            terms.expression_is_open(mapped.expression)

    bounded("licence claims (model cards, GGUF, Modelfiles)", judge, text)
