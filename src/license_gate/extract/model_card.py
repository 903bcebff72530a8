"""Model and dataset cards: a README (or model card) whose YAML front matter carries
Hub card metadata.

The card's ``license`` (with ``license_name``/``license_link`` for ``other``) is the
card's *claim* about the model it describes, which becomes a local component (ecosystem
``file``) so the claim can later be checked against its bases. ``base_model`` (a string
or a list) and ``datasets`` are references. Front matter without any card key (a blog
post's ``title:``/``layout:``) is not a model card.
"""

from __future__ import annotations

from typing import Any

from license_gate.extract._common import string_list
from license_gate.extract._ids import is_hub_id
from license_gate.extract.interface import ReadInclude
from license_gate.model import Claim, ExtractResult, Kind, ParseError, Place, Reference

CARD_KEYS = frozenset({"license", "license_name", "license_link", "base_model", "datasets",
                       "library_name", "pipeline_tag", "model-index", "base_model_relation"})
DATASET_CARD_KEYS = frozenset({"task_categories", "size_categories", "configs", "dataset_info"})
MAX_FRONT_MATTER = 256 * 1024


def front_matter(text: str) -> tuple[str, int] | None:
    """(YAML text, 1-based line where it starts) of a ``---`` fenced block at the top."""
    if not text.startswith("---"):
        return None
    lines = text.splitlines()
    if lines[0].strip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            body = "\n".join(lines[1:index])
            return (body, 2) if len(body) <= MAX_FRONT_MATTER else None
    return None


def extract(text: str, path: str, read_include: ReadInclude | None = None) -> ExtractResult:
    from license_gate.extract import markdown

    body = markdown.extract(text, path)
    card = _card(text, path)
    return ExtractResult(card.references + body.references, card.errors + body.errors)


def _card(text: str, path: str) -> ExtractResult:
    found = front_matter(text)
    if found is None:
        return ExtractResult()
    body, first_line = found
    if not any(f"{key}:" in body for key in CARD_KEYS):
        return ExtractResult()
    import yaml

    from license_gate.yamlsafe import YAMLLoadError, construct, walk

    try:
        data, root = construct(body)
    except YAMLLoadError as exc:
        line = exc.line + first_line - 1 if exc.line else None
        return ExtractResult(errors=(ParseError(Place(path, line), f"model card front matter: {exc}"),))
    if not isinstance(data, dict) or not CARD_KEYS & set(data):
        return ExtractResult()
    lines: dict[tuple[Any, ...], int] = {}
    for key_path, key_node, node in walk(root):
        anchor = key_node if key_node is not None else node
        lines[key_path] = anchor.start_mark.line + first_line
        if isinstance(node, yaml.ScalarNode):
            scalar_key = (*key_path, "=", node.value)
            lines[scalar_key] = node.start_mark.line + first_line

    def place(*key_path: Any) -> Place:
        return Place(path, lines.get(key_path) or lines.get(key_path[:1]))

    dataset_card = bool(DATASET_CARD_KEYS & set(data)) and "base_model" not in data
    refs: list[Reference] = []
    claims: list[Claim] = []
    licence = data.get("license")
    for value in string_list(licence):
        if value.strip().lower() == "other":
            named = data.get("license_name") or data.get("license_link")
            if isinstance(named, str):
                key = "license_name" if data.get("license_name") else "license_link"
                claims.append(Claim(f"other: {named}", place(key), f"card {key}"))
                continue
        claims.append(Claim(value, place("license"), "card license"))
    relation = data.get("base_model_relation")
    relation = relation if relation in ("adapter", "merge", "quantized", "finetune") else "base"
    bases: list[tuple[str, str, str]] = []
    for index, base in enumerate(string_list(data.get("base_model"))):
        if is_hub_id(base, allow_bare=True):
            key_path = ("base_model", index) if isinstance(data.get("base_model"), list) else ("base_model",)
            refs.append(Reference("huggingface", base, place(*key_path), kind=Kind.MODEL))
            bases.append(("huggingface", base, relation))
    for index, dataset in enumerate(string_list(data.get("datasets"))):
        if is_hub_id(dataset, allow_bare=False):
            key_path = ("datasets", index) if isinstance(data.get("datasets"), list) else ("datasets",)
            refs.append(Reference("huggingface", dataset, place(*key_path), kind=Kind.DATASET))
    if claims or bases:
        refs.insert(0, Reference(
            "file", path, Place(path, first_line - 1),
            kind=Kind.DATASET if dataset_card else Kind.MODEL,
            claims=tuple(claims), bases=tuple(bases),
        ))
    return ExtractResult(tuple(refs))
