"""Inline base64 payloads (images in notebook markdown, data URIs in docs) are not read
as text: they are most of a notebook collection's bytes, full of slashes, and never
name a model; what the line says around them is still read."""

from __future__ import annotations

import base64

from license_gate.extract import literals


def test_an_id_beside_an_inline_image_is_found_and_the_payload_is_not_read() -> None:
    # a payload whose text happens to read like a known publisher's versioned id
    payload = base64.b64encode(b"\x00" * 3000).decode() + "+Qwen/Qwen2-7B+" + "A" * 200
    line = (f"![chart](data:image/png;base64,{payload}) fine-tuned from "
            "meta-llama/Llama-3.1-8B, see https://huggingface.co/mistralai/Mistral-7B-v0.1")
    names = [c.name for _, c in literals.prose(line)]
    assert names == ["meta-llama/Llama-3.1-8B", "mistralai/Mistral-7B-v0.1"]
    assert [c.name for _, c in literals.urls_in(line)] == ["mistralai/Mistral-7B-v0.1"]
    assert "Qwen/Qwen2-7B" in payload  # the look-alike was there to be misread


def test_short_base64_words_are_left_alone() -> None:
    assert literals.without_blobs("base64,abc/def") == "base64,abc/def"
    assert literals.without_blobs("no payload here") == "no payload here"
