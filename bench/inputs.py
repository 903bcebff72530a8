"""Generated benchmark inputs. Every generator is deterministic, so two runs of
``bench/run.py`` measure the same bytes.

- ``write_uv_lock``: a uv.lock of N generated packages, the ones fake_registry.py serves;
- ``write_installed``: the same N packages as installed distributions (``*.dist-info``
  with core metadata in the three licence styles), in a folder put on ``PYTHONPATH``;
- ``write_pins``: the same packages as ``name==version`` lines, for tools that read
  requirements files but not uv.lock;
- ``write_big_tree``: the 10,000-file repository;
- ``gguf_bytes``: a GGUF header like llama.cpp writes.
"""

from __future__ import annotations

import json
import random
import struct
from pathlib import Path

from fake_registry import core_metadata, package


def write_uv_lock(path: Path, count: int) -> None:
    lines = ["version = 1", "revision = 2", 'requires-python = ">=3.10"', ""]
    for i in range(count):
        name, version = package(i)
        lines += ["[[package]]", f'name = "{name}"', f'version = "{version}"',
                  'source = { registry = "https://pypi.org/simple" }', ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))


def write_pins(path: Path, count: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join("{}=={}\n".format(*package(i)) for i in range(count)))


def write_installed(site: Path, count: int) -> None:
    """What ``pip install`` leaves behind for each package: a module, and a dist-info
    folder with METADATA, RECORD and INSTALLER. Writing them directly takes a second for
    2,000 packages where pip takes minutes, and every metadata reader sees the same
    thing. The licence of package i is the one fake_registry.py serves for it."""
    marker = site / f".generated-v2-{count}"
    if marker.exists():
        return
    site.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        name, version = package(i)
        module = name.replace("-", "_")
        (site / module).mkdir(exist_ok=True)
        code = f'"""Package {i}."""\nVALUE = {i}\n'
        (site / module / "__init__.py").write_text(code)
        info = site / f"{module}-{version}.dist-info"
        info.mkdir(exist_ok=True)
        metadata = core_metadata(i)
        (info / "METADATA").write_text(metadata)
        (info / "INSTALLER").write_text("pip\n")
        (info / "RECORD").write_text(
            f"{module}/__init__.py,,{len(code)}\n{info.name}/METADATA,,{len(metadata)}\n"
            f"{info.name}/INSTALLER,,4\n{info.name}/RECORD,,\n")
    marker.write_text("")


PY_FILLER = """def handler_{i}_{j}(request):
    value = request.get("key_{j}")
    if value is None:
        return {{"status": 404}}
    return {{"status": 200, "value": value * {j}}}
"""


def write_big_tree(root: Path, files: int = 10_000, lines_per_file: int = 100) -> int:
    """A repository of .py, .yaml, .json and .ipynb files, about ``files * lines_per_file``
    lines, with a model reference in one file out of a hundred. Returns the line count."""
    rng = random.Random(42)
    total = 0
    for i in range(files):
        kind = rng.choices(["py", "yaml", "json", "ipynb"], weights=[60, 15, 15, 10])[0]
        folder = root / f"pkg{i % 50:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        refer = i % 100 == 0
        if kind == "py":
            body = "".join(PY_FILLER.format(i=i, j=j) for j in range(lines_per_file // 5))
            if refer:
                body += 'model = AutoModel.from_pretrained("mistralai/Mistral-7B-v0.1")\n'
            (folder / f"mod{i}.py").write_text(body)
        elif kind == "yaml":
            body = "".join(f"setting_{j}: value-{j}\n" for j in range(lines_per_file))
            if refer:
                body += "model_name_or_path: meta-llama/Llama-3.1-8B\n"
            (folder / f"conf{i}.yaml").write_text(body)
        elif kind == "json":
            data = {f"key_{j}": j for j in range(lines_per_file - 2)}
            if refer:
                data["base_model"] = "google/gemma-2-9b"
            (folder / f"data{i}.json").write_text(json.dumps(data, indent=1))
        else:
            source = [f"x_{j} = {j}\n" for j in range(lines_per_file - 20)]
            if refer:
                source.append('pipe = pipeline("text-generation", model="Qwen/Qwen2.5-0.5B-Instruct")\n')
            nb = {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {},
                             "outputs": [], "source": source}],
                  "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
            (folder / f"nb{i}.ipynb").write_text(json.dumps(nb, indent=1))
    for path in root.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                total += sum(1 for _ in handle)
    return total


def gguf_string(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("<Q", len(raw)) + raw


def gguf_bytes(kvs: dict[str, str | int], vocabulary: int = 0) -> bytes:
    """A GGUF v3 header with string and uint32 keys, then optionally a
    ``vocabulary``-token list, as llama.cpp writes them. No tensors: readers stop at the
    header."""
    pairs = [(k.encode(), 4, struct.pack("<I", v)) if isinstance(v, int)
             else (k.encode(), 8, gguf_string(v)) for k, v in kvs.items()]
    if vocabulary:
        tokens = b"".join(gguf_string(f"tok{i}") for i in range(vocabulary))
        pairs.append((b"tokenizer.ggml.tokens", 9, struct.pack("<IQ", 8, vocabulary) + tokens))
    body = b"".join(struct.pack("<Q", len(k)) + k + struct.pack("<I", t) + v for k, t, v in pairs)
    return b"GGUF" + struct.pack("<IQQ", 3, 0, len(pairs)) + body
