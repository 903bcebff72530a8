"""Hugging Face licence ids and free-form licence claims -> canonical licence keys."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from license_gate.knowledge import licensing
from license_gate.knowledge.normalize import normalize


@dataclass(frozen=True)
class Mapped:
    expression: str | None
    how: str  # hub-id | spdx | alias | text | unmapped | unknown
    source: str | None = None
    note: str | None = None


@lru_cache(maxsize=1)
def hub_ids() -> dict[str, tuple[str | None, str, str | None]]:
    """hub id -> (canonical key or None, source URL, why unmapped)."""
    return {
        entry["hf"]: (entry["key"], entry["source"][-1], entry.get("why"))
        for entry in licensing.load_data("hf_licenses.json")["licenses"]
    }


@lru_cache(maxsize=1)
def _custom() -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    data = licensing.load_data("hf_license_names.json")
    names = {e["slug"].lower(): (e["key"], e["source"]) for e in data["names"]}
    links = {_link_key(e["url"]): (e["key"], e["source"]) for e in data["links"]}
    return names, links


def _link_key(url: str) -> str:
    # Cards differ only in scheme, a trailing slash or a "resolve" vs "blob" view.
    text = url.strip().lower().split("://", 1)[-1].rstrip("/")
    return text.replace("/resolve/", "/blob/").replace("/raw/", "/blob/")


def from_license_name(value: str) -> Mapped | None:
    """A ``license_name`` slug or ``license_link`` URL of a ``license: other`` card."""
    names, links = _custom()
    hit = names.get(value.strip().lower())
    how = "hub-license-name"
    if hit is None:
        hit = links.get(_link_key(value))
        how = "hub-license-link"
    if hit is None:
        return None
    return Mapped(hit[0], how, hit[1])


def from_hub_id(value: str) -> Mapped | None:
    """A Hub ``license:`` id; None when the value is not a Hub id at all."""
    entry = hub_ids().get(value.strip().lower())
    if entry is None:
        return None
    key, source, why = entry
    if key is None:
        return Mapped(None, "unmapped", source, why)
    return Mapped(key, "hub-id", source)


def from_claim(value: str) -> Mapped:
    """Any licence statement found at a reference: a Hub id (``llama3.1``), an SPDX
    expression, a free-text name, a pasted licence text, or ``other: <name>``."""
    text = value.strip()
    if text.lower().startswith("other:"):
        text = text.split(":", 1)[1].strip()
    custom = from_license_name(text)
    if custom is not None:
        return custom
    hub = from_hub_id(text)
    if hub is not None and hub.how != "unmapped":
        return hub
    result = normalize(text)
    if result.expression:
        return Mapped(result.expression, result.how, result.source)
    return Mapped(None, "unknown" if hub is None else "unmapped", None, hub.note if hub else None)
