"""safetensors files: the JSON header's ``__metadata__`` (a string-to-string map), read
with bounds. The header length is the first 8 bytes (little-endian); it is checked
against a cap and the file size before it is read. Tensor data is never touched.

Licence keys seen in the wild (``license``, and ``modelspec.license`` from the Stability
model spec) are claims; ``base_model`` / ``modelspec.base_model`` name a base. A file whose
metadata says nothing about licence or origin is not reported: it has no identity to
resolve.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

from license_gate.extract._ids import hub_id_from_url, is_hub_id
from license_gate.model import Claim, ExtractResult, Kind, ParseError, Place, Reference

MAX_HEADER = 100 * 1024 * 1024
_LICENSE_KEYS = ("license", "modelspec.license", "license_name")
_BASE_KEYS = ("base_model", "modelspec.base_model", "base_model_name_or_path")


def read_metadata(path: Path) -> dict[str, str]:
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(8)
        if len(head) < 8:
            raise ValueError("truncated: no header length")
        length = struct.unpack("<Q", head)[0]
        if length > MAX_HEADER or length > size - 8:
            raise ValueError(f"header length {length} exceeds its bound or the file size")
        try:
            header = json.loads(handle.read(length))
        except RecursionError as exc:
            raise ValueError("header JSON nested too deeply") from exc
    if not isinstance(header, dict):
        raise ValueError("header is not a JSON object")
    meta = header.get("__metadata__") or {}
    if not isinstance(meta, dict):
        raise ValueError("__metadata__ is not an object")
    return {str(k): str(v) for k, v in meta.items()}


def extract_file(path: Path, display: str) -> ExtractResult:
    try:
        meta = read_metadata(path)
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        return ExtractResult(errors=(ParseError(Place(display), f"unreadable safetensors header: {exc}"),))
    place = Place(display)
    claims = tuple(Claim(meta[k].strip(), place, f"__metadata__.{k}") for k in _LICENSE_KEYS
                   if meta.get(k, "").strip())
    refs: list[Reference] = []
    bases: list[tuple[str, str, str]] = []
    for key in _BASE_KEYS:
        value = meta.get(key, "").strip()
        hub = hub_id_from_url(value) or (value if is_hub_id(value) else None)
        if hub:
            refs.append(Reference("huggingface", hub, place, kind=Kind.MODEL))
            bases.append(("huggingface", hub, "finetune"))
    if claims or bases:
        refs.insert(0, Reference("file", display, place, kind=Kind.MODEL, claims=claims,
                                 bases=tuple(bases)))
    return ExtractResult(tuple(refs))
