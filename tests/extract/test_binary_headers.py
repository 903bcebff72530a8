"""GGUF and safetensors headers, written with the real writers, plus hostile files."""

from __future__ import annotations

import json
import os
import struct
import time
from pathlib import Path
from typing import Any

import pytest

gguf = pytest.importorskip("gguf")

from license_gate.extract import gguf as gguf_reader  # noqa: E402
from license_gate.extract import safetensors as st_reader  # noqa: E402
from tests import helpers  # noqa: E402


def write_gguf(path: Path, *, license: str | None = "mit", base: bool = True,
               tokens: int = 0) -> Path:
    def keys(writer: Any) -> None:
        writer.add_name("Llama 3.1 8B Instruct")
        if license:
            writer.add_license(license)
        if base:
            writer.add_base_model_count(1)
            writer.add_base_model_name(0, "Llama 3.1 8B Instruct")
            writer.add_base_model_organization(0, "Meta Llama")
            writer.add_base_model_repo_url(0, "https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct")
        writer.add_string("general.source.repo_url", "https://huggingface.co/acme/llama-merge")
        writer.add_context_length(8192)
        if tokens:
            writer.add_token_list([f"tok{i}" for i in range(tokens)])

    return helpers.write_gguf(path, "llama", keys)


def test_gguf_claim_and_bases(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "model.gguf", tokens=1000)
    meta = gguf_reader.read_metadata(path)
    assert meta["general.license"] == "mit"
    result = gguf_reader.extract_file(path, "models/model.gguf")
    own, *refs = result.references
    assert own.ecosystem == "file" and own.claims[0].value == "mit"
    assert own.claims[0].field == "general.license"
    assert ("huggingface", "meta-llama/Llama-3.1-8B-Instruct", "finetune") in own.bases
    assert ("huggingface", "acme/llama-merge", "quantized") in own.bases
    assert {r.name for r in refs} == {"meta-llama/Llama-3.1-8B-Instruct", "acme/llama-merge"}


def test_truncated_and_corrupt_gguf(tmp_path: Path) -> None:
    good = write_gguf(tmp_path / "good.gguf").read_bytes()
    (tmp_path / "trunc.gguf").write_bytes(good[:60])
    result = gguf_reader.extract_file(tmp_path / "trunc.gguf", "trunc.gguf")
    assert result.references == () and "truncated" in result.errors[0].message
    (tmp_path / "junk.gguf").write_bytes(b"\x00\x01garbage" * 100)
    assert "bad magic" in gguf_reader.extract_file(tmp_path / "junk.gguf", "junk.gguf").errors[0].message


def test_crafted_huge_counts_are_rejected_at_once(tmp_path: Path) -> None:
    header = b"GGUF" + struct.pack("<I", 3) + struct.pack("<Q", 0)
    (tmp_path / "kv.gguf").write_bytes(header + struct.pack("<Q", 2**60))
    start = time.monotonic()
    errors = gguf_reader.extract_file(tmp_path / "kv.gguf", "kv.gguf").errors
    assert "key-value count" in errors[0].message
    long_string = header + struct.pack("<Q", 1) + struct.pack("<Q", 2**60) + b"general.license"
    (tmp_path / "str.gguf").write_bytes(long_string)
    errors = gguf_reader.extract_file(tmp_path / "str.gguf", "str.gguf").errors
    assert "string length" in errors[0].message
    assert time.monotonic() - start < 1


def test_header_cost_does_not_depend_on_file_size(tmp_path: Path) -> None:
    small = write_gguf(tmp_path / "small.gguf")
    big = tmp_path / "big.gguf"
    big.write_bytes(small.read_bytes())
    with big.open("r+b") as handle:  # a sparse 2 GB tail: tensor data we must never read
        handle.truncate(2 * 1024**3)
    assert gguf_reader.read_metadata(big) == gguf_reader.read_metadata(small)


def write_safetensors(path: Path, metadata: dict[str, str] | None) -> Path:
    header: dict[str, object] = {"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}
    if metadata is not None:
        header["__metadata__"] = metadata
    raw = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + b"\x00" * 8)
    return path


def test_safetensors_metadata(tmp_path: Path) -> None:
    path = write_safetensors(tmp_path / "m.safetensors",
                             {"modelspec.license": "creativeml-openrail-m",
                              "base_model": "stabilityai/stable-diffusion-xl-base-1.0"})
    own, base = st_reader.extract_file(path, "m.safetensors").references
    assert own.claims[0].value == "creativeml-openrail-m"
    assert base.name == "stabilityai/stable-diffusion-xl-base-1.0"
    assert st_reader.extract_file(write_safetensors(tmp_path / "n.safetensors", {"format": "pt"}),
                                  "n.safetensors").references == ()


def test_safetensors_hostile_header(tmp_path: Path) -> None:
    (tmp_path / "h.safetensors").write_bytes(struct.pack("<Q", 2**62) + b"{}")
    (error,) = st_reader.extract_file(tmp_path / "h.safetensors", "h.safetensors").errors
    assert "exceeds" in error.message
    (tmp_path / "j.safetensors").write_bytes(struct.pack("<Q", 5) + b"{nope")
    assert st_reader.extract_file(tmp_path / "j.safetensors", "j.safetensors").errors
    assert os.path.getsize(tmp_path / "j.safetensors") == 13
