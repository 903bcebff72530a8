"""Small helpers shared by the tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: text}`` under root, creating folders; returns root."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def write_gguf(path: Path, arch: str, keys: Callable[[Any], None]) -> Path:
    """A small real GGUF file made with the gguf library: ``keys(writer)`` adds the
    metadata, then one tiny tensor and the header, KV data and tensor data are written."""
    import gguf
    import numpy as np

    writer = gguf.GGUFWriter(str(path), arch)
    keys(writer)
    writer.add_tensor("token_embd.weight", np.zeros((4, 4), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
