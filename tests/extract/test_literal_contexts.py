"""Literal-first extraction: each way real repositories name a model or dataset, with a
look-alike beside it that must not count. The shapes come from the labelled corpus of
real repositories (bench/corpus); the code here is written for the test."""

from __future__ import annotations

import json

import pytest

from license_gate.extract import (
    configs,
    env_file,
    format_of,
    javascript,
    markdown,
    modelfile,
    notebook,
    python_source,
    scripts,
)
from license_gate.extract.literals import Context, judge
from license_gate.model import ExtractResult, Relation, Role


def found(result: ExtractResult) -> set[tuple[str, str, int | None, str]]:
    """What is reported without asking the Hub (weak candidates are only counted offline)."""
    return {(r.ecosystem, r.name, r.place.line, r.relation.value) for r in result.references
            if not r.weak}


def names(result: ExtractResult) -> set[str]:
    return {r.name for r in result.references if not r.weak}


def py(source: str, path: str = "app.py", read_include=None) -> ExtractResult:  # type: ignore[no-untyped-def]
    return python_source.extract(source, path, read_include)


# -- 1. Python literals that reach a model without a known call ---------------------------

@pytest.mark.parametrize(("source", "expected", "absent"), [
    # a table of supported models, and a list of GitHub repositories beside it
    ('SUPPORTED_MODELS = [\n    "Qwen/Qwen2.5-7B-Instruct",\n    "mistralai/Mistral-7B-v0.1",\n]\n'
     'REPOS = ["huggingface/transformers", "pytorch/pytorch"]\n',
     {("huggingface", "Qwen/Qwen2.5-7B-Instruct", 2, "use"),
      ("huggingface", "mistralai/Mistral-7B-v0.1", 3, "use")},
     {"huggingface/transformers", "pytorch/pytorch"}),
    # a dict keyed by short names, and a set
    ('EMBEDDINGS = {"small": "BAAI/bge-small-en-v1.5", "large": "BAAI/bge-large-en-v1.5"}\n'
     'TEMPLATES = {"llama": "templates/llama3.jinja"}\n',
     {("huggingface", "BAAI/bge-small-en-v1.5", 1, "use"),
      ("huggingface", "BAAI/bge-large-en-v1.5", 1, "use")},
     {"templates/llama3.jinja"}),
    # dataclass, pydantic and attrs fields; output directories beside them
    ('from dataclasses import dataclass, field\n@dataclass\nclass Args:\n'
     '    model_name_or_path: str = field(default="facebook/opt-125m")\n'
     '    data_path: str = "yahma/alpaca-cleaned"\n'
     '    output_dir: str = "runs/opt-sft"\n'
     'class Settings(BaseModel):\n    embedding_model: str = Field("intfloat/e5-base-v2")\n'
     '    cache_dir: str = Field("hf-cache/models")\n',
     {("huggingface", "facebook/opt-125m", 4, "use"), ("huggingface", "yahma/alpaca-cleaned", 5, "use"),
      ("huggingface", "intfloat/e5-base-v2", 8, "use")},
     {"runs/opt-sft", "hf-cache/models"}),
    # function parameter defaults, including a neutral name inside a model class
    ('def load(base_model="meta-llama/Llama-2-7b-hf", save_to="acme/exports"):\n    pass\n'
     'class FrozenT5Embedder:\n    def __init__(self, version="google/t5-v1_1-large"):\n        pass\n'
     'class Report:\n    def __init__(self, version="acme/report-v2"):\n        pass\n',
     {("huggingface", "meta-llama/Llama-2-7b-hf", 1, "use"),
      ("huggingface", "google/t5-v1_1-large", 4, "use")},
     {"acme/exports", "acme/report-v2"}),
    # argparse default= and choices=, and a help string that only mentions
    ('parser.add_argument("--model_name_or_path", default="EleutherAI/pythia-160m",\n'
     '                    choices=["EleutherAI/pythia-160m", "EleutherAI/pythia-410m"],\n'
     '                    help="for example EleutherAI/pythia-1b")\n'
     'parser.add_argument("--output_dir", default="checkpoints/pythia")\n',
     {("huggingface", "EleutherAI/pythia-160m", 1, "use"),
      ("huggingface", "EleutherAI/pythia-160m", 2, "use"),
      ("huggingface", "EleutherAI/pythia-410m", 2, "use"),
      ("huggingface", "EleutherAI/pythia-1b", 3, "mention")},
     {"checkpoints/pythia"}),
    # env var defaults and "x or default"
    ('import os\nLLM = os.getenv("LLM_MODEL", "Qwen/Qwen2.5-1.5B-Instruct")\n'
     'emb = os.environ.get("EMBEDDING_MODEL", "sentence-transformers/all-MiniLM-L6-v2")\n'
     'model_id = args.model or "microsoft/phi-2"\n'
     'home = os.getenv("HF_HOME", "cache/huggingface")\n'
     'key = os.environ.get("OPENAI_API_KEY", "sk-test/xyz")\n',
     {("huggingface", "Qwen/Qwen2.5-1.5B-Instruct", 2, "use"),
      ("huggingface", "sentence-transformers/all-MiniLM-L6-v2", 3, "use"),
      ("huggingface", "microsoft/phi-2", 4, "use")},
     {"cache/huggingface", "sk-test/xyz"}),
])
def test_python_literals_judged_by_context(source: str, expected: set, absent: set) -> None:  # type: ignore[type-arg]
    result = py(source)
    assert expected <= found(result)
    assert not absent & names(result)


def test_a_same_named_variable_in_another_function_does_not_bind() -> None:
    source = (
        'def first():\n    name = "acme/first-model-7b"\n    return name\n'
        'def second(name):\n    return AutoModel.from_pretrained(name)\n'
        'def third():\n    name = "acme/third-7b"\n    return AutoModel.from_pretrained(name)\n'
    )
    result = py(source)
    # "name" says nothing: only the function that passes its own literal to a call counts
    assert "acme/first-model-7b" not in names(result)
    assert {("huggingface", "acme/third-7b", 7, "use"), ("huggingface", "acme/third-7b", 8, "use")} \
        <= found(result)
    roles = {(r.place.line, r.place.role) for r in result.references if r.name == "acme/third-7b"}
    assert roles == {(7, Role.LITERAL), (8, Role.USE)}


def test_constant_followed_into_an_imported_module() -> None:
    constants = 'DEFAULT = "acme/imported-base-7b"\nOTHER = 3\n'

    def read_include(target: str) -> tuple[str, str]:
        if target in ("./constants.py", "./pkg/constants.py"):
            return "pkg/constants.py", constants
        raise OSError("no such file")

    source = "from .constants import DEFAULT\nmodel = AutoModel.from_pretrained(DEFAULT)\n"
    result = py(source, "pkg/app.py", read_include)
    places = {(r.place.path, r.place.line, r.place.role) for r in result.references}
    assert ("pkg/constants.py", 1, Role.LITERAL) in places
    assert ("pkg/app.py", 2, Role.USE) in places
    # a name imported from a module that defines no such string is not guessed at
    assert py("from .constants import OTHER\nAutoModel.from_pretrained(OTHER)\n", "pkg/app.py",
              read_include).references == ()


def test_constant_followed_across_notebook_cells() -> None:
    nb = {"cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": ['checkpoint = "acme/cell-one-7b"\n']},
        {"cell_type": "markdown", "metadata": {}, "source": ["See https://hf.co/acme/docs-model-1b\n"]},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": ["tok = AutoTokenizer.from_pretrained(checkpoint)\n"]},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    text = json.dumps(nb, indent=1)
    lines = text.splitlines()
    literal = next(i for i, line in enumerate(lines, 1) if "acme/cell-one-7b" in line)
    use = next(i for i, line in enumerate(lines, 1) if "from_pretrained(checkpoint)" in line)
    link = next(i for i, line in enumerate(lines, 1) if "docs-model-1b" in line)
    result = notebook.extract(text, "nb.ipynb")
    roles = {(r.place.line, r.place.role) for r in result.references if r.name == "acme/cell-one-7b"}
    assert roles == {(literal, Role.LITERAL), (use, Role.USE)}
    assert ("huggingface", "acme/docs-model-1b", link, "mention") in found(result)


# -- 3. more calls -------------------------------------------------------------------------

def test_more_loading_calls_and_keywords() -> None:
    source = '''\
from langchain_ollama import ChatOllama, OllamaEmbeddings
from langchain_huggingface import HuggingFaceEmbeddings, HuggingFaceEndpoint
from sentence_transformers import CrossEncoder
pipe.load_lora_weights("acme/style-lora")
model.load_adapter("acme/adapter-v1")
ranker = CrossEncoder("cross-encoder/ms-marco-MiniLM-L-6-v2")
llm = ChatOllama(model="llama3.1")
emb = OllamaEmbeddings(model="nomic-embed-text")
hf = HuggingFaceEmbeddings(model_name="BAAI/bge-m3")
ep = HuggingFaceEndpoint(repo_id="HuggingFaceH4/zephyr-7b-beta", task="text-generation")
evaluate(model_name="acme/eval-target-3b", metric="rouge/rougeL")
trainer = Trainer(dataset_name="acme/chat-data", output_dir="acme/out")
'''
    got = found(py(source))
    for expected in [
        ("huggingface", "acme/style-lora", 4, "use"), ("huggingface", "acme/adapter-v1", 5, "use"),
        ("huggingface", "cross-encoder/ms-marco-MiniLM-L-6-v2", 6, "use"),
        ("ollama", "llama3.1:latest", 7, "use"), ("ollama", "nomic-embed-text:latest", 8, "use"),
        ("huggingface", "BAAI/bge-m3", 9, "use"),
        ("huggingface", "HuggingFaceH4/zephyr-7b-beta", 10, "use"),
        ("huggingface", "acme/eval-target-3b", 11, "use"),
        ("huggingface", "acme/chat-data", 12, "use"),
    ]:
        assert expected in got
    assert not {"rouge/rougeL", "acme/out", "text-generation"} & {n for _, n, _, _ in got}


def test_ollama_client_objects() -> None:
    source = '''\
from ollama import Client, AsyncClient, chat
client = Client(host="http://localhost:11434")
client.chat(model="gemma3", messages=[])
client.generate("llava", "describe")
client.embed(model="mxbai-embed-large", input="x")
client.pull("qwen2.5:7b")
client.create(model="my-assistant", from_="llama3.2", system="be brief")
chat("deepseek-r1", messages=[])
if "llama" in model_name:
    pass
'''
    got = found(py(source))
    assert {("ollama", "gemma3:latest", 3, "use"), ("ollama", "llava:latest", 4, "use"),
            ("ollama", "mxbai-embed-large:latest", 5, "use"), ("ollama", "qwen2.5:7b", 6, "use"),
            ("ollama", "llama3.2:latest", 7, "use"), ("ollama", "deepseek-r1:latest", 8, "use")} <= got
    # the name a create gives is the repository's own; a substring test names nothing
    assert not {"my-assistant:latest", "llama:latest"} & {n for _, n, _, _ in got}


# -- 4. command lines written in Python ---------------------------------------------------

def test_command_lines_in_python() -> None:
    source = '''\
import subprocess
subprocess.run(["vllm", "serve", "Qwen/Qwen2.5-7B-Instruct", "--port", "8000"])
subprocess.run(["python", "train.py", "--model_name_or_path",
                "meta-llama/Llama-3.2-1B", "--output_dir", "out/llama"])
cmd = f"python eval.py --tokenizer acme/tok-v2 --model {path}"
subprocess.run(["git", "clone", "https://github.com/acme/tools"])
'''
    got = found(py(source))
    assert {("huggingface", "Qwen/Qwen2.5-7B-Instruct", 2, "use"),
            ("huggingface", "meta-llama/Llama-3.2-1B", 4, "use"),
            ("huggingface", "acme/tok-v2", 5, "use")} <= got
    assert not {"out/llama", "acme/tools"} & {n for _, n, _, _ in got}


# -- 5. .env files -------------------------------------------------------------------------

def test_env_files() -> None:
    text = '''\
LLM_MODEL=llama3.1:8b
EMBEDDING_MODEL="nomic-embed-text"
HF_MODEL_ID=mistralai/Mistral-7B-Instruct-v0.3
# LLM_MODEL=qwen2.5:14b  # or qwen2.5:32b
MODEL_CACHE_DIR=models/cache
OLLAMA_HOST=http://localhost:11434
'''
    got = found(env_file.extract(text, ".env.example"))
    assert got == {
        ("ollama", "llama3.1:8b", 1, "use"), ("ollama", "nomic-embed-text:latest", 2, "use"),
        ("huggingface", "mistralai/Mistral-7B-Instruct-v0.3", 3, "use"),
        ("ollama", "qwen2.5:14b", 4, "mention"), ("ollama", "qwen2.5:32b", 4, "mention"),
    }
    assert format_of(".env") == format_of("deploy/.env.local") == format_of("app.env") == "env"
    assert format_of(".envrc") is None


# -- 6. Compose files and Dockerfiles ----------------------------------------------------

def test_compose_environment_command_and_defaults() -> None:
    text = '''\
services:
  llm:
    image: vllm/vllm-openai:latest
    command: --model ${MODEL:-Qwen/Qwen2.5-3B-Instruct} --port 8000
    ports: ["8000:8000"]
  app:
    image: acme/app:1.2
    environment:
      - EMBEDDING_MODEL=BAAI/bge-small-en-v1.5
      - LOG_DIR=logs/app
    entrypoint: ["ollama", "run", "phi3:mini"]
  worker:
    environment:
      RERANKER_MODEL: cross-encoder/ms-marco-MiniLM-L-6-v2
'''
    got = found(configs.extract(text, "docker-compose.yml"))
    assert {("huggingface", "Qwen/Qwen2.5-3B-Instruct", 4, "use"),
            ("huggingface", "BAAI/bge-small-en-v1.5", 9, "use"),
            ("ollama", "phi3:mini", 11, "use"),
            ("huggingface", "cross-encoder/ms-marco-MiniLM-L-6-v2", 14, "use")} <= got
    assert not {"vllm/vllm-openai", "acme/app", "logs/app"} & {n for _, n, _, _ in got}


def test_dockerfile_env_and_arg() -> None:
    text = '''\
FROM python:3.11-slim
ARG MODEL_ID=TinyLlama/TinyLlama-1.1B-Chat-v1.0
ENV EMBEDDING_MODEL=BAAI/bge-base-en-v1.5 APP_HOME=/srv/app
ENV TOKENIZER_NAME acme/tokenizer-v3
CMD ["python", "serve.py", "--model", "$MODEL_ID"]
'''
    got = found(scripts.extract(text, "Dockerfile"))
    assert {("huggingface", "TinyLlama/TinyLlama-1.1B-Chat-v1.0", 2, "use"),
            ("huggingface", "BAAI/bge-base-en-v1.5", 3, "use"),
            ("huggingface", "acme/tokenizer-v3", 4, "use")} <= got
    assert "python:3.11-slim" not in {n for _, n, _, _ in got}


# -- 7. config keys --------------------------------------------------------------------------

def test_config_keys_by_their_words() -> None:
    text = '''\
embedding:
  embedding_hf_model_name: nomic-ai/nomic-embed-text-v1.5
llm:
  llm_hf_repo_id: TheBloke/Mistral-7B-Instruct-v0.2-GGUF
  tokenizer: mistralai/Mistral-7B-Instruct-v0.2
  context_window: 4096
ollama:
  llm_model: llama3.1
  embedding_model: nomic-embed-text
server:
  default_model: ${DEFAULT_MODEL:acme/served-model-1b}
chat_template: llama3
output_dir: outputs/mistral
monitor: val/loss
'''
    got = found(configs.extract(text, "settings.yaml"))
    assert got == {
        ("huggingface", "nomic-ai/nomic-embed-text-v1.5", 2, "use"),
        ("huggingface", "TheBloke/Mistral-7B-Instruct-v0.2-GGUF", 4, "use"),
        ("huggingface", "mistralai/Mistral-7B-Instruct-v0.2", 5, "use"),
        ("ollama", "llama3.1:latest", 8, "use"), ("ollama", "nomic-embed-text:latest", 9, "use"),
        ("huggingface", "acme/served-model-1b", 11, "use"),
    }


def test_dataset_registry_and_other_hubs() -> None:
    text = json.dumps({"alpaca_en": {"hf_hub_url": "llamafactory/alpaca_en",
                                     "ms_hub_url": "llamafactory/alpaca_en"},
                       "identity": {"file_name": "identity.json"}}, indent=2)
    got = found(configs.extract(text, "data/dataset_info.json"))
    assert got == {("huggingface", "llamafactory/alpaca_en", 3, "use"),
                   ("modelscope", "llamafactory/alpaca_en", 4, "use")}
    assert {r.kind.value for r in configs.extract(text, "data/dataset_info.json").references} == {
        "dataset"}


def test_commented_out_config_is_a_mention() -> None:
    got = found(configs.extract("model: acme/current-7b\n# model: acme/previous-7b\n", "c.yaml"))
    assert got == {("huggingface", "acme/current-7b", 1, "use"),
                   ("huggingface", "acme/previous-7b", 2, "mention")}


# -- 8. shell scripts ------------------------------------------------------------------------

def test_shell_variables_flags_and_commands() -> None:
    text = '''\
#!/bin/bash
BASE=huggyllama/llama-7b
DATA=acme/instructions
python train.py \\
    --model_name_or_path $BASE \\
    --dataset_name ${DATA} \\
    --output_dir out/run1 \\
    --tokenizer acme/tok-7b
ollama pull llama3.2:3b
# python train.py --model_name_or_path acme/old-base-7b
git clone https://github.com/acme/data
'''
    result = scripts.extract(text, "train.sh")
    got = found(result)
    assert {("huggingface", "huggyllama/llama-7b", 2, "use"),
            ("huggingface", "huggyllama/llama-7b", 5, "use"),
            ("huggingface", "acme/instructions", 3, "use"), ("huggingface", "acme/tok-7b", 8, "use"),
            ("ollama", "llama3.2:3b", 9, "use"), ("huggingface", "acme/old-base-7b", 10, "mention")} <= got
    assert {r.kind.value for r in result.references if r.name == "acme/instructions"} == {"dataset"}
    assert not {"out/run1", "acme/data"} & {n for _, n, _, _ in got}


# -- 9. markdown -------------------------------------------------------------------------

def test_markdown_links_and_code_blocks_are_mentions() -> None:
    text = '''\
# Demo

Weights: [model](https://huggingface.co/acme/demo-7b) and
[data](https://huggingface.co/datasets/acme/demo-data), or
`wget https://huggingface.co/acme/gguf-7b/resolve/main/model.Q4_K_M.gguf`.
A Space is no model: https://huggingface.co/spaces/acme/demo, nor are the docs:
https://huggingface.co/docs/transformers. Code: https://github.com/acme/demo-7b

```python
model = AutoModel.from_pretrained("acme/block-model-1b")
```

```bash
ollama run qwen2.5:7b
```
'''
    got = found(markdown.extract(text, "docs/usage.md"))
    assert got == {
        ("huggingface", "acme/demo-7b", 3, "mention"),
        ("huggingface", "acme/demo-data", 4, "mention"),
        ("huggingface", "acme/gguf-7b", 5, "mention"),
        ("huggingface", "acme/block-model-1b", 10, "mention"),
        ("ollama", "qwen2.5:7b", 14, "mention"),
    }
    assert format_of("docs/usage.md") == "markdown" and format_of("README.md") == "model-card"


# -- 10, 11. Modelfiles and Hub cache directories ------------------------------------------

def test_hub_cache_directories() -> None:
    path = ("~/.cache/huggingface/hub/models--bartowski--Llama-3.2-3B-Instruct-GGUF/snapshots/"
            "abc/Llama-3.2-3B-Instruct-Q4_K_M.gguf")
    result = modelfile.extract(f"FROM {path}\n", "Modelfile")
    assert ("huggingface", "bartowski/Llama-3.2-3B-Instruct-GGUF", 1, "use") in found(result)
    assert ("huggingface", "bartowski/Llama-3.2-3B-Instruct-GGUF", "quantized") in result.references[0].bases
    local = modelfile.extract("FROM ./weights/mine.gguf\n", "Modelfile")
    assert [r.ecosystem for r in local.references] == ["file"]
    code = py('w = load_weights("/data/hub/datasets--acme--corpus/snapshots/1/x.parquet")\n')
    assert ("huggingface", "acme/corpus", 1, "use") in found(code)
    assert {r.kind.value for r in code.references} == {"dataset"}


# -- 12. hosted APIs -----------------------------------------------------------------------

def test_hosted_api_model_names() -> None:
    source = '''\
client.chat.completions.create(model="gpt-4o-mini", messages=[])
anthropic.messages.create(model="claude-3-5-sonnet-20241022", max_tokens=10)
genai.GenerativeModel("models/gemini-1.5-pro")
embeddings = OpenAIEmbeddings(model="text-embedding-3-small")
litellm.completion(model="openai/gpt-4o")
response_format = "gpt-json"
'''
    got = found(py(source))
    assert {("openai", "gpt-4o-mini", 1, "use"),
            ("anthropic", "claude-3-5-sonnet-20241022", 2, "use"),
            ("google", "gemini-1.5-pro", 3, "use"),
            ("openai", "text-embedding-3-small", 4, "use"), ("openai", "gpt-4o", 5, "use")} <= got
    # never a Hub repository
    assert not any(e == "huggingface" for e, _, _, _ in got)
    assert judge("models/gemini-pro", Context(name="model")).ecosystem == "google"  # type: ignore[union-attr]


# -- 13. line attribution ----------------------------------------------------------------

def test_multi_line_call_reported_at_the_literal() -> None:
    source = ('model = AutoModelForCausalLM.from_pretrained(\n    "acme/multi-line-7b",\n'
              '    torch_dtype="auto",\n)\n')
    assert found(py(source)) == {("huggingface", "acme/multi-line-7b", 2, "use")}


# -- precision guards --------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "your-username/your-model", "<model-id>", "org/model-name", "username/my_model",
    "models/my-local-model", "outputs/checkpoint-500", "data/train.json", "./ckpt",
    "host.docker.internal:11434", "ghcr.io/acme/image:1.0", "4096", "0.7",
])
def test_placeholders_paths_and_numbers_are_not_models(value: str) -> None:
    assert judge(value, Context(name="model")) is None


def test_relations_of_push_targets_and_comments() -> None:
    source = ('trainer.push_to_hub("acme/my-finetune-7b")\n'
              '# AutoModel.from_pretrained("acme/commented-out-7b")\n'
              '"""Docs: https://huggingface.co/acme/doc-link-1b"""\n')
    got = found(py(source))
    assert {("huggingface", "acme/my-finetune-7b", 1, "publish"),
            ("huggingface", "acme/commented-out-7b", 2, "mention"),
            ("huggingface", "acme/doc-link-1b", 3, "mention")} <= got
    assert {r.relation for r in py(source).references} == {Relation.PUBLISH, Relation.MENTION}


# -- JavaScript and TypeScript ---------------------------------------------------------

def test_javascript_and_typescript() -> None:
    text = """\
// Models offered in the picker; see https://huggingface.co/acme/js-doc-1b
export const OPENAI_GPT_MODELS = ['gpt-4o-mini', 'gpt-4o']
export const FAMILIES = { mistral: 'Mistral', llama: 'Llama' }
const llm = new ChatOllama({ model: "llama3.1:8b", baseUrl: "http://localhost:11434" })
const extractor = await pipeline("feature-extraction", "Xenova/all-MiniLM-L6-v2")
if (model === "gpt-4-turbo" || name.startsWith("claude-3")) {}
import { thing } from "@acme/models-sdk"
"""
    got = found(javascript.extract(text, "src/models.ts"))
    assert got == {
        ("huggingface", "acme/js-doc-1b", 1, "mention"),
        ("openai", "gpt-4o-mini", 2, "use"), ("openai", "gpt-4o", 2, "use"),
        ("ollama", "llama3.1:8b", 4, "use"),
        ("huggingface", "Xenova/all-MiniLM-L6-v2", 5, "use"),
    }
    vue = ('<template><p>Don\'t pick "gpt-4"</p></template>\n'
           '<script setup>\nconst model = "gpt-4o"\n</script>\n')
    assert found(javascript.extract(vue, "Chat.vue")) == {("openai", "gpt-4o", 3, "use")}
    assert format_of("web/app.tsx") == "javascript" and format_of("dist/app.min.js") is None
