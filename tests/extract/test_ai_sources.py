"""Model and dataset references: positives and look-alike negatives for every extractor."""

from __future__ import annotations

import json

from license_gate.extract import configs, model_card, modelfile, notebook, python_source, scripts
from license_gate.model import Kind, Place


def names(result):  # type: ignore[no-untyped-def]
    return [(r.ecosystem, r.name, r.kind.value, r.place.line) for r in result.references]


PY = '''\
import ollama
from ollama import chat as ollama_chat
from transformers import AutoModelForCausalLM, AutoTokenizer, pipeline
from peft import PeftModel
from sentence_transformers import SentenceTransformer
from datasets import load_dataset
from huggingface_hub import hf_hub_download, snapshot_download
from vllm import LLM
import litellm

MODEL_ID = "meta-llama/Llama-3.1-8B-Instruct"
model = AutoModelForCausalLM.from_pretrained(MODEL_ID, revision="0123456789abcdef0123456789abcdef01234567")
tok = AutoTokenizer.from_pretrained("bert-base-uncased")
adapter = PeftModel.from_pretrained(model, "acme/llama-lora")
clf = pipeline("text-classification", model="distilbert/distilbert-base-uncased-finetuned-sst-2-english")
emb = SentenceTransformer("all-MiniLM-L6-v2")
ds = load_dataset("HuggingFaceH4/ultrachat_200k")
hf_hub_download(repo_id="TheBloke/Mistral-7B-GGUF", filename="x.gguf")
snapshot_download("allenai/c4", repo_type="dataset")
llm = LLM(model="Qwen/Qwen2.5-7B-Instruct")
ollama.chat(model="llama3.1:8b", messages=[])
ollama_chat(model="gemma2")
litellm.completion(model="huggingface/mistralai/Mistral-7B-Instruct-v0.3", messages=[])
litellm.completion(model="ollama/llama3.2", messages=[])
'''

PY_NEGATIVES = '''\
import subprocess
from datasets import load_dataset
from transformers import AutoModel
data = load_dataset("json", data_files="data/train.json")
local = AutoModel.from_pretrained("./checkpoints/run-1")
out = AutoModel.from_pretrained("output/model")
subprocess.run(["git", "clone", "https://github.com/huggingface/transformers"])
subprocess.run(["docker", "run", "ghcr/image:tag"])
url = "https://example.com/org/repo"
repo = "pytorch/pytorch"
name = f"{org}/{model}"
AutoModel.from_pretrained(name)
'''


def test_python_positives() -> None:
    result = python_source.extract(PY, "app.py")
    got = names(result)
    assert ("huggingface", "meta-llama/Llama-3.1-8B-Instruct", "model", 12) in got
    assert ("huggingface", "bert-base-uncased", "model", 13) in got
    assert ("huggingface", "acme/llama-lora", "model", 14) in got
    assert ("huggingface", "distilbert/distilbert-base-uncased-finetuned-sst-2-english", "model", 15) in got
    assert ("huggingface", "sentence-transformers/all-MiniLM-L6-v2", "model", 16) in got
    assert ("huggingface", "HuggingFaceH4/ultrachat_200k", "dataset", 17) in got
    assert ("huggingface", "TheBloke/Mistral-7B-GGUF", "model", 18) in got
    assert ("huggingface", "allenai/c4", "dataset", 19) in got
    assert ("huggingface", "Qwen/Qwen2.5-7B-Instruct", "model", 20) in got
    assert ("ollama", "llama3.1:8b", "model", 21) in got
    assert ("ollama", "gemma2:latest", "model", 22) in got
    assert ("huggingface", "mistralai/Mistral-7B-Instruct-v0.3", "model", 23) in got
    assert ("ollama", "llama3.2:latest", "model", 24) in got
    # the constant is reported where it is written and where it reaches the call
    llama = [r for r in result.references if r.name.startswith("meta-llama")]
    assert {(r.place.line, r.place.role.value if r.place.role else None) for r in llama} >= {
        (11, "literal"), (12, "use")}
    assert "0123456789abcdef0123456789abcdef01234567" in {r.revision for r in llama}


def test_python_look_alikes_are_not_models() -> None:
    assert names(python_source.extract(PY_NEGATIVES, "train.py")) == []


def test_python_syntax_error_is_reported() -> None:
    result = python_source.extract("x = AutoModel.from_pretrained(\"a/b\")\ndef broken(:\n", "bad.py")
    assert result.references == ()
    assert result.errors[0].place == Place("bad.py", 2)
    assert "syntax error" in result.errors[0].message


def test_notebook_lines_map_to_the_ipynb_file() -> None:
    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# from_pretrained('not/code')\n"]},
            {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
             "source": ["!ollama pull mistral:7b\n", "from transformers import AutoModel\n",
                        "m = AutoModel.from_pretrained(\"google/gemma-2-9b\")\n"]},
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    text = json.dumps(nb, indent=1)
    got = names(notebook.extract(text, "nb.ipynb"))
    lines = text.splitlines()
    gemma_line = next(i for i, line in enumerate(lines, 1) if "google/gemma-2-9b" in line)
    pull_line = next(i for i, line in enumerate(lines, 1) if "ollama pull" in line)
    assert ("huggingface", "google/gemma-2-9b", "model", gemma_line) in got
    assert ("ollama", "mistral:7b", "model", pull_line) in got
    assert not any(n == "not/code" for _, n, _, _ in got)


def test_notebook_lines_with_text_beyond_ascii_keep_their_line() -> None:
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": ["# 모델을 불러옵니다 ✨\n", "from diffusers import DiffusionPipeline\n",
                       "p = DiffusionPipeline.from_pretrained(\"CompVis/stable-diffusion-v1-4\")"
                       "  # 로드\n"]}
    nb = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    for ascii_only in (False, True):  # as nbformat writes it, and escaped as json.dumps does
        text = json.dumps(nb, indent=1, ensure_ascii=ascii_only)
        at = next(i for i, line in enumerate(text.splitlines(), 1) if "CompVis" in line)
        got = names(notebook.extract(text, "nb.ipynb"))
        assert ("huggingface", "CompVis/stable-diffusion-v1-4", "model", at) in got


def test_a_broken_cell_is_reported_and_the_other_cells_are_read() -> None:
    code = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": []}
    nb = {"cells": [{**code, "source": ["MODEL = \"google/gemma-2-9b\"\n"]},
                    {**code, "source": ["def broken(:\n"]},
                    {**code, "source": ["AutoModel.from_pretrained(MODEL)\n"]}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    text = json.dumps(nb, indent=1)
    result = notebook.extract(text, "nb.ipynb")
    bad = next(i for i, line in enumerate(text.splitlines(), 1) if "def broken" in line)
    assert [e.place.line for e in result.errors] == [bad]
    assert any(r.name == "google/gemma-2-9b" for r in result.references)


def test_invalid_notebook_json() -> None:
    result = notebook.extract('{"cells": [ {"source": "from_pretrained(', "broken.ipynb")
    assert result.errors and result.errors[0].place.path == "broken.ipynb"


YAML = """\
model_name_or_path: meta-llama/Llama-3.2-1B
tokenizer_name: meta-llama/Llama-3.2-1B
output_dir: outputs/llama-sft
dataset_mixer:
  HuggingFaceH4/ultrachat_200k: 1.0
  data/local.jsonl: 0.5
datasets:
  - path: tatsu-lab/alpaca
  - data/train.json
model: gpt-4o
serving:
  model: llama3.1:70b
  image: vllm/vllm-openai:latest
hub_model_id: acme/my-finetune
"""


def test_yaml_config() -> None:
    got = names(configs.extract(YAML, "train.yaml"))
    assert got == [
        ("huggingface", "meta-llama/Llama-3.2-1B", "model", 1),
        ("huggingface", "meta-llama/Llama-3.2-1B", "model", 2),
        ("huggingface", "HuggingFaceH4/ultrachat_200k", "dataset", 5),
        ("huggingface", "tatsu-lab/alpaca", "dataset", 8),
        ("openai", "gpt-4o", "model", 10),
        ("ollama", "llama3.1:70b", "model", 12),
        ("huggingface", "acme/my-finetune", "model", 14),
    ]
    relations = {r.name: r.relation.value for r in configs.extract(YAML, "train.yaml").references}
    assert relations["acme/my-finetune"] == "publish"
    assert relations["meta-llama/Llama-3.2-1B"] == "use"


def test_json_and_toml_configs() -> None:
    text = json.dumps({"base_model": "mistralai/Mistral-7B-v0.1", "output_dir": "checkpoints/x",
                       "license": "apache-2.0"}, indent=2)
    (ref,) = configs.extract(text, "adapter_config.json").references
    assert (ref.name, ref.place.line) == ("mistralai/Mistral-7B-v0.1", 2)
    assert ref.claims[0].value == "apache-2.0"
    toml = '[training]\nmodel_id = "google/gemma-2b"\nrepo = "github-org/repo"\n'
    assert names(configs.extract(toml, "cfg.toml")) == [("huggingface", "google/gemma-2b", "model", 2)]


def test_yaml_anchor_flood_is_linear_and_bad_yaml_reported() -> None:
    flood = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)) + "model: acme/base-7b\n"
    assert names(configs.extract(flood, "lol.yaml")) == [("huggingface", "acme/base-7b", "model", 10)]
    result = configs.extract("model: [unclosed\n", "bad.yaml")
    assert result.errors and result.errors[0].place.path == "bad.yaml"


CARD = """\
---
language: en
license: apache-2.0
base_model:
  - meta-llama/Llama-3.1-8B
datasets:
  - HuggingFaceH4/ultrachat_200k
pipeline_tag: text-generation
---
# My fine-tune
"""


def test_model_card() -> None:
    result = model_card.extract(CARD, "models/ft/README.md")
    own = result.references[0]
    assert (own.ecosystem, own.name, own.kind) == ("file", "models/ft/README.md", Kind.MODEL)
    assert own.claims[0].value == "apache-2.0" and own.claims[0].place.line == 3
    assert own.bases == (("huggingface", "meta-llama/Llama-3.1-8B", "base"),)
    assert names(result)[1:] == [("huggingface", "meta-llama/Llama-3.1-8B", "model", 5),
                                 ("huggingface", "HuggingFaceH4/ultrachat_200k", "dataset", 7)]


def test_card_with_other_licence_and_plain_readme() -> None:
    card = "---\nlicense: other\nlicense_name: mrl\nlicense_link: LICENSE\n---\n"
    (own,) = model_card.extract(card, "README.md").references
    assert own.claims[0].value == "other: mrl"
    assert model_card.extract("---\ntitle: Blog\nlayout: post\n---\n", "README.md").references == ()
    assert model_card.extract("# Just a readme\n", "README.md").references == ()


def test_modelfile() -> None:
    text = 'FROM llama3.1:8b\nPARAMETER temperature 0.2\nLICENSE """\nMIT License\n\nfree"""\n'
    result = modelfile.extract(text, "Modelfile")
    own, base = result.references
    assert own.claims[0].value.startswith("MIT License") and own.claims[0].place.line == 3
    assert own.bases == (("ollama", "llama3.1:8b", "base"),)
    assert (base.ecosystem, base.name) == ("ollama", "llama3.1:8b")
    hf = modelfile.extract("FROM hf.co/bartowski/Llama-3.2-3B-Instruct-GGUF:Q4_K_M\n", "Modelfile")
    assert names(hf)[1] == ("huggingface", "bartowski/Llama-3.2-3B-Instruct-GGUF", "model", 1)
    local = modelfile.extract("FROM ./weights/model.gguf\n", "Modelfile")
    assert local.references[0].bases == (("file", "./weights/model.gguf", "base"),)


def test_scripts_positives_and_negatives() -> None:
    text = """\
#!/bin/sh
huggingface-cli download meta-llama/Llama-3.1-8B --local-dir models/llama
hf download HuggingFaceFW/fineweb --repo-type dataset
ollama pull qwen2.5:7b && ollama run mistral
vllm serve Qwen/Qwen2.5-7B-Instruct --port 8000
docker run -p 8080:80 ghcr.io/huggingface/text-generation-inference:2.0 \\
    --model-id mistralai/Mistral-7B-Instruct-v0.3
git clone https://github.com/ggerganov/llama.cpp
docker run org/image:tag
"""
    assert names(scripts.extract(text, "setup.sh")) == [
        ("huggingface", "meta-llama/Llama-3.1-8B", "model", 2),
        ("huggingface", "HuggingFaceFW/fineweb", "dataset", 3),
        ("ollama", "qwen2.5:7b", "model", 4),
        ("ollama", "mistral:latest", "model", 4),
        ("huggingface", "Qwen/Qwen2.5-7B-Instruct", "model", 5),
        # a continued command is reported where its id is written, not where it starts
        ("huggingface", "mistralai/Mistral-7B-Instruct-v0.3", "model", 7),
    ]
