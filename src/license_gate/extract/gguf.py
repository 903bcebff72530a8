"""GGUF files: the metadata header only, read with bounds; tensor data is never touched.

Layout (ggml docs/gguf.md): magic ``GGUF``, a uint32 version, the tensor count and the
key-value count (uint64 from version 2, uint32 in version 1), then the key-value pairs.
Every count and length is checked against fixed caps *and* against the bytes left in the
file before anything is allocated or skipped, so a crafted header that claims 2^60
entries or a 2^60-byte string is rejected at once.

``general.license`` (and ``.name``/``.link``) is the file's claim. ``general.base_model.N.*``
and ``general.source.*`` name what it was derived from; ``general.name`` is evidence.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any, BinaryIO

from license_gate.extract._ids import hub_id_from_url, is_hub_id
from license_gate.model import Claim, ExtractResult, Kind, ParseError, Place, Reference

MAX_KV = 100_000
MAX_KEY = 64 * 1024
MAX_STRING = 16 * 1024 * 1024
MAX_ARRAY = 50_000_000
MAX_HEADER_BYTES = 512 * 1024 * 1024

# value type -> (struct format, size) for fixed-size scalars
_SCALARS = {0: ("<B", 1), 1: ("<b", 1), 2: ("<H", 2), 3: ("<h", 2), 4: ("<I", 4), 5: ("<i", 4),
            6: ("<f", 4), 7: ("<?", 1), 10: ("<Q", 8), 11: ("<q", 8), 12: ("<d", 8)}
_STRING, _ARRAY = 8, 9


class GGUFError(ValueError):
    pass


class _Reader:
    """Bounded reads with the position tracked here (no tell() per value): a header can
    hold a vocabulary of 100,000+ strings that must be stepped over one by one."""

    def __init__(self, handle: BinaryIO, size: int, version: int, position: int) -> None:
        self.handle = handle
        self.size = size
        self.version = version
        self.position = position
        self._wide = version != 1

    @property
    def left(self) -> int:
        return self.size - self.position

    def read(self, count: int) -> bytes:
        if count > self.size - self.position:
            raise GGUFError(f"truncated: needs {count} bytes at offset {self.position}, "
                            f"{self.left} left")
        if self.position + count > MAX_HEADER_BYTES:
            raise GGUFError(f"metadata larger than {MAX_HEADER_BYTES} bytes")
        data = self.handle.read(count)
        if len(data) != count:
            raise GGUFError(f"truncated at offset {self.position}")
        self.position += count
        return data

    def unpack(self, fmt: str, size: int) -> Any:
        return struct.unpack(fmt, self.read(size))[0]

    def count(self, what: str, cap: int, unit: int = 1) -> int:
        value = int(self.unpack("<Q", 8) if self._wide else self.unpack("<I", 4))
        if value > cap or value * unit > self.size - self.position:
            raise GGUFError(f"{what} {value} exceeds its bound or the file size")
        return value

    def string(self, cap: int = MAX_STRING) -> str:
        length = self.count("string length", cap)
        return self.read(length).decode("utf-8", errors="replace")

    def skip(self, count: int) -> None:
        if count > self.size - self.position:
            raise GGUFError(f"truncated: cannot skip {count} bytes at offset {self.position}")
        if count <= 65536:
            self.read(count)  # a buffered read is cheaper than a seek for short runs
        else:
            self.handle.seek(count, 1)
            self.position += count

    def skip_strings(self, length: int) -> None:
        for _ in range(length):
            self.skip(self.count("string length", MAX_STRING))

    def value(self, kind: int, keep: bool, depth: int = 0) -> Any:
        if kind in _SCALARS:
            fmt, size = _SCALARS[kind]
            return self.unpack(fmt, size) if keep else self.skip(size)
        if kind == _STRING:
            if keep:
                return self.string()
            self.skip(self.count("string length", MAX_STRING))
            return None
        if kind == _ARRAY:
            if depth > 2:
                raise GGUFError("arrays nested too deeply")
            item = int(self.unpack("<I", 4))
            unit = _SCALARS[item][1] if item in _SCALARS else 1
            length = self.count("array length", MAX_ARRAY, unit)
            if item in _SCALARS and not keep:
                self.skip(length * unit)
                return None
            if item == _STRING and not keep:
                self.skip_strings(length)
                return None
            items = [self.value(item, keep, depth + 1) for _ in range(length)]
            return items if keep else None
        raise GGUFError(f"unknown value type {kind}")


def read_metadata(path: Path) -> dict[str, Any]:
    """The ``general.*`` key-value pairs of a GGUF file. Raises GGUFError for anything that
    is not a well-formed GGUF header within bounds."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        if handle.read(4) != b"GGUF":
            raise GGUFError("not a GGUF file (bad magic)")
        if size < 8:
            raise GGUFError("truncated: no version")
        version = struct.unpack("<I", handle.read(4))[0]
        if version not in (1, 2, 3):
            raise GGUFError(f"unsupported GGUF version {version}")
        reader = _Reader(handle, size, version, 8)
        reader.count("tensor count", 10_000_000, 0)
        kv_count = reader.count("key-value count", MAX_KV, 0)
        found: dict[str, Any] = {}
        for _ in range(kv_count):
            key = reader.string(MAX_KEY)
            kind = int(reader.unpack("<I", 4))
            keep = key.startswith("general.")
            value = reader.value(kind, keep)
            if keep:
                found[key] = value
        return found


def extract_file(path: Path, display: str) -> ExtractResult:
    try:
        meta = read_metadata(path)
    except (GGUFError, OSError, struct.error) as exc:
        return ExtractResult(errors=(ParseError(Place(display), f"unreadable GGUF header: {exc}"),))
    place = Place(display)
    claims: list[Claim] = []
    for key in ("general.license", "general.license.name", "general.license.link"):
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            claims.append(Claim(value.strip(), place, key))
    refs: list[Reference] = []
    bases: list[tuple[str, str, str]] = []

    def add_base(hub: str | None, relation: str) -> None:
        if hub and is_hub_id(hub) and ("huggingface", hub, relation) not in bases:
            refs.append(Reference("huggingface", hub, place, kind=Kind.MODEL))
            bases.append(("huggingface", hub, relation))

    count = meta.get("general.base_model.count")
    for index in range(count if isinstance(count, int) and 0 <= count <= 64 else 0):
        url = meta.get(f"general.base_model.{index}.repo_url")
        org = meta.get(f"general.base_model.{index}.organization")
        name = meta.get(f"general.base_model.{index}.name")
        hub = hub_id_from_url(url) if isinstance(url, str) else None
        if hub is None and isinstance(org, str) and isinstance(name, str):
            # the converter writes the display name; only a name that is itself a
            # valid repo name makes a Hub id
            candidate = f"{org}/{name}".replace(" ", "-")
            hub = candidate if is_hub_id(candidate) else None
        add_base(hub, "finetune")
    for key in ("general.source.repo_url", "general.source.url"):
        value = meta.get(key)
        if isinstance(value, str):
            add_base(hub_id_from_url(value), "quantized")
    if claims or bases or meta.get("general.name"):
        refs.insert(0, Reference("file", display, place, kind=Kind.MODEL, claims=tuple(claims),
                                 bases=tuple(bases)))
    return ExtractResult(tuple(refs))
