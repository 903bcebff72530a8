"""Deep nesting hits a bound in every format: 100,000 levels of brackets, tables, objects
or expressions become one parse error each, with the file's path, and the rest of the
repository is still checked. The run is a subprocess, so a parser that overflows the C
stack (libyaml's composer did) fails this test instead of killing the test runner."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from license_gate.yamlsafe import MAX_NESTING, YAMLLoadError, construct
from tests.helpers import write_tree

DEPTH = 100_000
LIST = "[" * DEPTH + "]" * DEPTH
CALL = 'from transformers import AutoModel\nm = AutoModel.from_pretrained("org/model")\n'

DEEP_FILES = {
    # dependency files
    "uv.lock": f'version = 1\n[[package]]\nname = "a"\nversion = "1"\nx = {LIST}\n',
    "poetry.lock": f'[[package]]\nname = "a"\nversion = "1"\nx = {LIST}\n',
    "pylock.toml": f'lock-version = "1.0"\nx = {LIST}\n',
    "pyproject.toml": f'[project]\nname = "p"\nversion = "1"\nx = {LIST}\n',
    "Pipfile.lock": '{"default": ' + '{"a":' * DEPTH + "1" + "}" * DEPTH + "}",
    # AI references
    "configs/deep.yaml": f"model_name_or_path: org/model\nx: {LIST}\n",
    "configs/deep.json": '{"model": "org/model", "x": ' + LIST + "}",
    "configs/deep.toml": f'model_id = "org/model"\nx = {LIST}\n',
    "configs/block.yaml": "model: org/model\nx:\n" + "".join(" " * i + "- \n" for i in range(1, 400)),
    "notebooks/deep.ipynb": '{"cells": [], "metadata": ' + '{"a":' * DEPTH + "1" + "}" * DEPTH
                            + ', "x": "from_pretrained"}',
    "models/ft/README.md": f"---\nlicense: mit\nbase_model: org/model\nx: {LIST}\n---\n# card\n",
    ".github/workflows/ci.yml": f"# huggingface-cli download org/model\non: push\njobs: {LIST}\n",
    "src/brackets.py": CALL + "x = " + "(" * DEPTH + ")" * DEPTH + "\n",
    "src/binop.py": CALL + "x = 1" + "+1" * DEPTH + "\n",
    "src/nots.py": CALL + "x = " + "not " * DEPTH + "y\n",
    "src/attrs.py": CALL + "x = a" + ".b" * DEPTH + "\n",
    "src/calls.py": CALL + "x = f" + "()" * DEPTH + "\n",
}


def test_every_format_bounds_deep_nesting_and_the_rest_is_checked(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {**DEEP_FILES,
                                          "ok.yaml": "model_name_or_path: mistralai/Mistral-7B-v0.1\n"})
    header = (b'{"__metadata__": {"license": "mit"}, "x": ' + LIST.encode() + b"}")
    (repo / "models" / "deep.safetensors").write_bytes(struct.pack("<Q", len(header)) + header)
    run = subprocess.run([sys.executable, "-m", "license_gate", "check", str(repo), "--offline",
                          "--format", "json"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr[-2000:]
    report = json.loads(run.stdout)
    parse_errors = [f for f in report["findings"] if f["rule"] == "parse-error"]
    failed = {ref["path"] for f in parse_errors for ref in f["references"]}
    assert failed == {*DEEP_FILES, "models/deep.safetensors"}
    messages = [f["message"] for f in parse_errors]
    # the bound may be ours or the parser's own (newer libyaml refuses deep flow
    # nesting itself); either way the message says so
    assert all("nest" in m or "parentheses" in m for m in messages), messages
    (ok,) = [c for c in report["components"] if c["name"] == "mistralai/Mistral-7B-v0.1"]
    assert ok["verdict"] == "allowed"


def test_a_deep_policy_file_stops_the_run_with_exit_2_naming_the_file(tmp_path: Path) -> None:
    repo = write_tree(tmp_path, {".license-gate.yaml": f"version: 1\nlicenses: {LIST}\n",
                                 "requirements.txt": "requests==2.32.3\n"})
    run = subprocess.run([sys.executable, "-m", "license_gate", "check", str(repo), "--offline"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert ".license-gate.yaml" in run.stderr and "nest" in run.stderr


@pytest.mark.parametrize("depth,ok", [(MAX_NESTING, True), (MAX_NESTING + 1, False)])
def test_yaml_nesting_bound_is_exact(depth: int, ok: bool) -> None:
    text = "[" * depth + "]" * depth
    if ok:
        data, _ = construct(text)
        for _ in range(depth - 1):
            (data,) = data
        assert data == []
    else:
        with pytest.raises(YAMLLoadError, match=f"deeper than {MAX_NESTING}"):
            construct(text)
