"""Generated AI application repositories with a known answer.

Each repository is one of four kinds that teams actually ship (a RAG service, a
fine-tuning project, an inference service, an evaluation harness). It is assembled from
reference styles: how real code, configs, notebooks, cards, Modelfiles, Dockerfiles,
scripts and GGUF files name a model or a dataset. Every style records what it planted,
so the benchmark can report found/planted for each tool instead of a bare count, and
anything else a tool reports counts as a false find. Look-alikes that are not models
(container images, GitHub paths, output folders, local data files) are planted too.

Model and dataset ids come from the bundled catalog, so an offline run can resolve
them; the GGUF and card styles carry a licence claim, as fine-tunes do in the wild.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from inputs import gguf_bytes


@dataclass(frozen=True, order=True)
class Planted:
    ecosystem: str  # huggingface, ollama or file
    name: str


HF_LLMS = ["meta-llama/Llama-3.1-8B-Instruct", "mistralai/Mistral-7B-Instruct-v0.3",
           "Qwen/Qwen2.5-7B-Instruct", "google/gemma-2-9b-it", "microsoft/phi-4",
           "meta-llama/Llama-3.2-1B", "Qwen/Qwen3-8B", "tiiuae/falcon-7b-instruct",
           "allenai/OLMo-2-1124-7B", "deepseek-ai/DeepSeek-R1", "Qwen/Qwen2.5-72B-Instruct",
           "CohereForAI/c4ai-command-r-v01"]
EMBEDDERS = ["sentence-transformers/all-MiniLM-L6-v2", "sentence-transformers/all-mpnet-base-v2",
             "intfloat/e5-base-v2"]
DATASETS = ["openai/gsm8k", "cais/mmlu", "databricks/databricks-dolly-15k", "OpenAssistant/oasst1",
            "HuggingFaceH4/ultrachat_200k", "rajpurkar/squad", "allenai/openbookqa"]
OLLAMA = ["llama3.1:8b", "gemma2:9b", "mistral:7b", "phi4:14b", "command-r:35b", "llama3.2:3b"]

File = tuple[str, str | bytes]
Style = Callable[[random.Random, str], tuple[list[File], set[Planted]]]


def hf(name: str) -> Planted:
    return Planted("huggingface", name)


def py_literal(rng: random.Random, app: str) -> tuple[list[File], set[Planted]]:
    model = rng.choice(HF_LLMS)
    code = ("from transformers import AutoModelForCausalLM, AutoTokenizer\n\n\n"
            "def load():\n"
            f'    tokenizer = AutoTokenizer.from_pretrained("{model}")\n'
            f'    model = AutoModelForCausalLM.from_pretrained("{model}", torch_dtype="auto")\n'
            "    return tokenizer, model\n")
    return [(f"src/{app}/model.py", code)], {hf(model)}


def py_constant(rng: random.Random, app: str) -> tuple[list[File], set[Planted]]:
    model = rng.choice(HF_LLMS)
    code = ("import os\n\nfrom transformers import AutoModelForCausalLM\n\n"
            f'BASE_MODEL = "{model}"\nOUTPUT_DIR = "outputs/{app}-ft"\n\n\n'
            "def base():\n"
            "    return AutoModelForCausalLM.from_pretrained(BASE_MODEL, device_map=\"auto\")\n")
    return [(f"src/{app}/base.py", code)], {hf(model)}


def py_pipeline(rng: random.Random, app: str) -> tuple[list[File], set[Planted]]:
    model = rng.choice(HF_LLMS)
    code = ("from transformers import pipeline\n\n"
            f'generator = pipeline("text-generation", model="{model}", max_new_tokens=256)\n')
    return [(f"src/{app}/generate.py", code)], {hf(model)}


def py_embeddings(rng: random.Random, app: str) -> tuple[list[File], set[Planted]]:
    model = rng.choice(EMBEDDERS)
    code = ("from sentence_transformers import SentenceTransformer\n\n"
            f'encoder = SentenceTransformer("{model}")\n\n\n'
            "def embed(texts):\n    return encoder.encode(texts, normalize_embeddings=True)\n")
    return [(f"src/{app}/embeddings.py", code)], {hf(model)}


def py_dataset(rng: random.Random, app: str) -> tuple[list[File], set[Planted]]:
    dataset = rng.choice(DATASETS)
    code = ("from datasets import load_dataset\n\n\n"
            "def examples(split=\"train\"):\n"
            f'    return load_dataset("{dataset}", split=split)\n\n\n'
            "def local():\n"
            '    return load_dataset("json", data_files="data/train.jsonl")\n')
    return [(f"src/{app}/data.py", code)], {hf(dataset)}


def py_hub_download(rng: random.Random, app: str) -> tuple[list[File], set[Planted]]:
    model = rng.choice(HF_LLMS)
    code = ("from huggingface_hub import hf_hub_download\n\n"
            f'CONFIG = hf_hub_download(repo_id="{model}", filename="config.json")\n')
    return [(f"src/{app}/fetch.py", code)], {hf(model)}


def py_vllm(rng: random.Random, app: str) -> tuple[list[File], set[Planted]]:
    model = rng.choice(HF_LLMS)
    code = ("from vllm import LLM, SamplingParams\n\n"
            f'llm = LLM(model="{model}", tensor_parallel_size=1)\n'
            "params = SamplingParams(temperature=0.2)\n")
    return [(f"src/{app}/serve.py", code)], {hf(model)}


def py_ollama(rng: random.Random, app: str) -> tuple[list[File], set[Planted]]:
    tag = rng.choice(OLLAMA)
    code = ("import ollama\n\n\n"
            "def answer(question):\n"
            f'    reply = ollama.chat(model="{tag}", messages=[{{"role": "user", "content": question}}])\n'
            '    return reply["message"]["content"]\n')
    return [(f"src/{app}/chat.py", code)], {Planted("ollama", tag)}


def yaml_training(rng: random.Random, app: str) -> tuple[list[File], set[Planted]]:
    model, dataset = rng.choice(HF_LLMS), rng.choice(DATASETS)
    text = (f"base_model: {model}\nload_in_4bit: true\nadapter: qlora\n"
            f"datasets:\n  - path: {dataset}\n    type: alpaca\n  - path: data/extra.jsonl\n"
            f"    type: completion\noutput_dir: ./outputs/{app}-qlora\nnum_epochs: 3\n"
            f"learning_rate: 0.0002\nhub_model_id: acme-internal/{app}-assistant\n")
    # hub_model_id names the fine-tune this project publishes. license-gate reports it
    # on purpose: once pushed, its card's licence claim is checked against its base.
    return [("configs/train.yaml", text)], {hf(model), hf(dataset),
                                             hf(f"acme-internal/{app}-assistant")}


def json_config(rng: random.Random, app: str) -> tuple[list[File], set[Planted]]:
    model = rng.choice(HF_LLMS)
    data = {"model_name_or_path": model, "max_seq_length": 4096, "per_device_batch_size": 4,
            "image": "nvidia/cuda:12.4.1-runtime-ubuntu22.04", "output_dir": f"outputs/{app}"}
    return [("configs/serve.json", json.dumps(data, indent=2) + "\n")], {hf(model)}


def notebook(rng: random.Random, app: str) -> tuple[list[File], set[Planted]]:
    model, dataset = rng.choice(HF_LLMS), rng.choice(DATASETS)
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Evaluation\n"]},
        {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [],
         "source": ["!pip install -q transformers datasets\n"]},
        {"cell_type": "code", "execution_count": 2, "metadata": {}, "outputs": [],
         "source": ["from datasets import load_dataset\n",
                    "from transformers import AutoModelForCausalLM\n",
                    f'ds = load_dataset("{dataset}", split="test")\n',
                    f'model = AutoModelForCausalLM.from_pretrained("{model}")\n']},
    ]
    nb = {"cells": cells, "metadata": {"kernelspec": {"name": "python3"}}, "nbformat": 4,
          "nbformat_minor": 5}
    return [("notebooks/eval.ipynb", json.dumps(nb, indent=1) + "\n")], {hf(model), hf(dataset)}


def model_card(rng: random.Random, app: str) -> tuple[list[File], set[Planted]]:
    base = rng.choice(HF_LLMS)
    path = f"models/{app}-ft/README.md"
    text = (f"---\nlicense: apache-2.0\nbase_model: {base}\nlibrary_name: peft\n"
            "tags:\n  - fine-tuned\n---\n\n# Support assistant\n\nFine-tuned on internal tickets.\n")
    return [(path, text)], {hf(base), Planted("file", path)}


def modelfile(rng: random.Random, app: str) -> tuple[list[File], set[Planted]]:
    tag = rng.choice(OLLAMA)
    text = (f"# Local serving for {app}\nFROM {tag}\nPARAMETER temperature 0.3\n"
            'SYSTEM """You answer support questions."""\n')
    return [("deploy/Modelfile", text)], {Planted("ollama", tag), Planted("file", "deploy/Modelfile")}


def dockerfile(rng: random.Random, app: str) -> tuple[list[File], set[Planted]]:
    model = rng.choice(HF_LLMS)
    text = ("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n"
            "RUN pip install --no-cache-dir vllm huggingface_hub\n"
            f"RUN huggingface-cli download {model} --local-dir /models/main\n"
            'CMD ["python", "-m", "vllm.entrypoints.openai.api_server", "--model", "/models/main"]\n')
    return [("Dockerfile", text)], {hf(model)}


def shell_script(rng: random.Random, app: str) -> tuple[list[File], set[Planted]]:
    model = rng.choice(HF_LLMS)
    text = ("#!/usr/bin/env bash\nset -euo pipefail\n"
            "git clone https://github.com/huggingface/transformers.git vendor/transformers\n"
            f"huggingface-cli download {model} --local-dir models/base\n")
    return [("scripts/download.sh", text)], {hf(model)}


def gguf_file(rng: random.Random, app: str) -> tuple[list[File], set[Planted]]:
    base = rng.choice(HF_LLMS)
    path = f"models/{app}-q4.gguf"
    header = gguf_bytes({"general.architecture": "llama", "general.name": f"{app} q4",
                         "general.license": "mit", "general.base_model.count": 1,
                         "general.base_model.0.repo_url": f"https://huggingface.co/{base}"},
                        vocabulary=2000)
    return [(path, header)], {hf(base), Planted("file", path)}


STYLES: dict[str, Style] = {
    "py_literal": py_literal, "py_constant": py_constant, "py_pipeline": py_pipeline,
    "py_embeddings": py_embeddings, "py_dataset": py_dataset, "py_hub_download": py_hub_download,
    "py_vllm": py_vllm, "py_ollama": py_ollama, "yaml_training": yaml_training,
    "json_config": json_config, "notebook": notebook, "model_card": model_card,
    "modelfile": modelfile, "dockerfile": dockerfile, "shell_script": shell_script,
    "gguf_file": gguf_file,
}

# Which styles each kind of application is made of; a few optional ones are drawn per
# repository so no two repositories are alike.
KINDS: dict[str, tuple[list[str], list[str]]] = {
    "rag-service": (["py_embeddings", "py_ollama", "modelfile"],
                    ["py_literal", "json_config", "dockerfile", "py_hub_download"]),
    "finetune": (["py_constant", "yaml_training", "model_card"],
                 ["py_dataset", "notebook", "shell_script", "gguf_file"]),
    "inference": (["py_vllm", "dockerfile"],
                  ["py_pipeline", "gguf_file", "modelfile", "json_config", "shell_script"]),
    "eval-harness": (["py_dataset", "notebook"],
                     ["py_literal", "py_pipeline", "py_embeddings", "py_hub_download"]),
}

FILLER = '''"""{doc}"""

from dataclasses import dataclass


@dataclass
class {cls}:
    name: str
    retries: int = 3

    def describe(self) -> str:
        return f"{{self.name}} ({{self.retries}} retries)"


def handle_{n}(payload: dict) -> dict:
    items = payload.get("items", [])
    return {{"count": len(items), "first": items[0] if items else None}}
'''


def write_app(root: Path, kind: str, rng: random.Random, filler: int) -> set[Planted]:
    app = f"{kind.replace('-', '_')}"
    required, optional = KINDS[kind]
    chosen = required + rng.sample(optional, k=2)
    planted: set[Planted] = set()
    for style in chosen:
        files, found = STYLES[style](rng, app)
        planted |= found
        for rel, content in files:
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content)
    for n in range(filler):
        path = root / "src" / app / f"module_{n:03d}.py"
        path.write_text(FILLER.format(doc=f"Part {n} of the {kind}.", cls=f"Job{n}", n=n))
    for n in range(filler // 10):
        (root / "tests").mkdir(exist_ok=True)
        (root / "tests" / f"test_module_{n:03d}.py").write_text(
            f"from {app}.module_{n:03d} import handle_{n}\n\n\ndef test_empty():\n"
            f"    assert handle_{n}({{}})[\"count\"] == 0\n")
    (root / "README.md").write_text(f"# {kind}\n\nAn internal {kind} built on open models.\n")
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "{kind}"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n')
    return planted


def write_ai_apps(root: Path, count: int = 12, seed: int = 7, filler: int = 60
                  ) -> list[tuple[Path, str, set[Planted]]]:
    """``count`` repositories under ``root``, kinds in turn; returns (path, kind,
    planted) for each. The answer key is also written to ``root/answers.json``."""
    rng = random.Random(seed)
    apps: list[tuple[Path, str, set[Planted]]] = []
    for i in range(count):
        kind = list(KINDS)[i % len(KINDS)]
        repo = root / f"{i:02d}-{kind}"
        planted = write_app(repo, kind, rng, filler)
        apps.append((repo, kind, planted))
    answers = {repo.name: sorted([p.ecosystem, p.name] for p in planted) for repo, _, planted in apps}
    (root / "answers.json").write_text(json.dumps(answers, indent=1) + "\n")
    return apps
