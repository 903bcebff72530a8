"""Model and dataset references in YAML, JSON and TOML configuration files.

Only values under these keys count, and only when the value looks like a Hub id
(``owner/name``) or an Ollama name with a tag: training and serving configs put output
and checkpoint directories under other keys, and those fail the id test anyway
(``output/run1`` starts with a local directory name; ``./ckpt`` is a path).

A ``license`` key next to a model key is kept as a claim about that model.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from license_gate.extract._common import line_of, load_json, load_toml
from license_gate.extract._ids import is_hub_id, is_ollama_name, ollama_name
from license_gate.extract.interface import ReadInclude
from license_gate.model import Claim, ExtractResult, Kind, ParseError, Place, Reference

MODEL_KEYS = frozenset({
    "model_name_or_path", "pretrained_model_name_or_path", "base_model", "model_id", "model",
    "model_name", "tokenizer_name", "tokenizer_name_or_path", "base_model_name_or_path",
    "teacher_model", "reward_model", "ref_model", "hub_model_id",
})
DATASET_KEYS = frozenset({"dataset_name", "datasets", "dataset", "dataset_mixer", "dataset_id"})
TRIGGERS = tuple(sorted(MODEL_KEYS | DATASET_KEYS))


def _classify(value: str, kind: Kind) -> Reference | None:
    """A Reference without a place, or None when the value is not a model id."""
    value = value.strip()
    if value.startswith("hf.co/"):
        value = value.removeprefix("hf.co/").split(":", 1)[0]
    if is_hub_id(value):
        return Reference("huggingface", value, Place(""), kind=kind)
    # A bare Ollama name only when it has a tag (``llama3.1:8b``): untagged bare words
    # under "model:" are too often API model names ("gpt-4o") or class names.
    if kind is Kind.MODEL and ":" in value and "/" not in value and is_ollama_name(value):
        return Reference("ollama", ollama_name(value), Place(""), kind=kind)
    return None


def _values(key: str, value: Any) -> Iterator[tuple[str, Kind]]:
    kind = Kind.DATASET if key in DATASET_KEYS else Kind.MODEL
    if isinstance(value, str):
        yield value, kind
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, str):
                yield item, kind
            elif isinstance(item, dict):
                for sub in ("path", "name", "id", "dataset_name", "repo_id"):
                    if isinstance(item.get(sub), str):
                        yield item[sub], kind
                        break
    elif isinstance(value, dict) and key in ("dataset_mixer", "datasets"):
        # dataset_mixer: {"org/data": 0.5, ...}: the keys are the datasets
        for name in value:
            if isinstance(name, str):
                yield name, kind


def _from_mapping(mapping: dict[str, Any], line: Any, path: str) -> list[Reference]:
    refs: list[Reference] = []
    claim_value = mapping.get("license") if isinstance(mapping.get("license"), str) else None
    for key, value in mapping.items():
        if not isinstance(key, str) or key not in MODEL_KEYS | DATASET_KEYS:
            continue
        for text, kind in _values(key, value):
            ref = _classify(text, kind)
            if ref is None:
                continue
            place = Place(path, line(key, text))
            claims: tuple[Claim, ...] = ()
            if claim_value and kind is Kind.MODEL:
                claims = (Claim(claim_value, Place(path, line("license", claim_value)), "config license"),)
            refs.append(Reference(ref.ecosystem, ref.name, place, kind=ref.kind, claims=claims))
    return refs


def _walk_data(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 64:
        return
    if isinstance(data, dict):
        yield data
        for value in data.values():
            yield from _walk_data(value, depth + 1)
    elif isinstance(data, list):
        for item in data:
            yield from _walk_data(item, depth + 1)


def _text_line_finder(text: str):  # type: ignore[no-untyped-def]
    def line(key: str, value: str) -> int | None:
        return line_of(text, value) or line_of(text, key)
    return line


def extract_yaml(text: str, path: str) -> ExtractResult:
    import yaml

    from license_gate.yamlsafe import YAMLLoadError, compose, walk

    try:
        root = compose(text)
    except YAMLLoadError as exc:
        return ExtractResult(errors=(ParseError(Place(path, exc.line), str(exc)),))
    except RecursionError:
        return ExtractResult(errors=(ParseError(Place(path, None), "invalid YAML: nested too deeply"),))
    refs: list[Reference] = []
    for _, _, node in walk(root):
        if not isinstance(node, yaml.MappingNode):
            continue
        # Build a shallow mapping of this node with each scalar's line, without
        # constructing the whole document (anchor floods stay linear).
        mapping: dict[str, Any] = {}
        lines: dict[tuple[str, str], int] = {}
        key_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key = key_node.value
            key_lines[key] = key_node.start_mark.line + 1
            if isinstance(value_node, yaml.ScalarNode):
                mapping[key] = value_node.value
                lines[(key, value_node.value)] = value_node.start_mark.line + 1
            elif isinstance(value_node, yaml.SequenceNode):
                items: list[Any] = []
                for item in value_node.value:
                    if isinstance(item, yaml.ScalarNode):
                        items.append(item.value)
                        lines[(key, item.value)] = item.start_mark.line + 1
                    elif isinstance(item, yaml.MappingNode):
                        sub = {k.value: v.value for k, v in item.value
                               if isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode)}
                        items.append(sub)
                        for _, v in item.value:
                            if isinstance(v, yaml.ScalarNode):
                                lines[(key, v.value)] = v.start_mark.line + 1
                mapping[key] = items
            elif isinstance(value_node, yaml.MappingNode) and key in ("dataset_mixer", "datasets"):
                sub_keys: dict[str, None] = {}
                for k, _ in value_node.value:
                    if isinstance(k, yaml.ScalarNode):
                        sub_keys[k.value] = None
                        lines[(key, k.value)] = k.start_mark.line + 1
                mapping[key] = sub_keys

        def line(key: str, value: str, lines: dict[tuple[str, str], int] = lines,
                 key_lines: dict[str, int] = key_lines) -> int | None:
            return lines.get((key, value)) or key_lines.get(key)

        refs.extend(_from_mapping(mapping, line, path))
    return ExtractResult(tuple(refs))


def _extract_data(text: str, path: str, load: Any) -> ExtractResult:
    """JSON and TOML: load the whole document, then look at every mapping in it."""
    data = load(text, path)
    if isinstance(data, ParseError):
        return ExtractResult(errors=(data,))
    line = _text_line_finder(text)
    refs = [r for mapping in _walk_data(data) for r in _from_mapping(mapping, line, path)]
    return ExtractResult(tuple(refs))


def extract_json(text: str, path: str) -> ExtractResult:
    return _extract_data(text, path, load_json)


def extract_toml(text: str, path: str) -> ExtractResult:
    return _extract_data(text, path, load_toml)


def extract(text: str, path: str, read_include: ReadInclude | None = None) -> ExtractResult:
    if not any(trigger in text for trigger in TRIGGERS):
        return ExtractResult()
    lowered = path.lower()
    if lowered.endswith(".json"):
        return extract_json(text, path)
    if lowered.endswith(".toml"):
        return extract_toml(text, path)
    return extract_yaml(text, path)
