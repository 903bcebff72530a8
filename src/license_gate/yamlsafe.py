"""Safe YAML reading shared by the policy loader and the config extractors.

Safe loading means no tag can construct a Python object. Dates stay text so that a bad
date is reported against its key. Aliases share their anchor's node, so walking the node
graph once per node keeps "billion laughs" anchor floods linear.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

MAX_DEPTH = 64


class YAMLLoadError(ValueError):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def _loader_class() -> Any:
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    resolvers = {
        first: [(tag, regexp) for tag, regexp in entries if tag != "tag:yaml.org,2002:timestamp"]
        for first, entries in base.yaml_implicit_resolvers.items()
    }
    return type("TextDatesSafeLoader", (base,), {"yaml_implicit_resolvers": resolvers})


def compose(text: str) -> Any:
    """The node graph of a single-document YAML text (None when empty)."""
    import yaml

    loader = _loader_class()(text)
    try:
        return loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise YAMLLoadError(f"invalid YAML: {exc}".splitlines()[0], line) from exc
    finally:
        loader.dispose()


def construct(text: str) -> tuple[Any, Any]:
    """(data, node graph) of a single-document YAML text."""
    import yaml

    loader = _loader_class()(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise YAMLLoadError(f"invalid YAML: {exc}".splitlines()[0], line) from exc
    except RecursionError as exc:
        raise YAMLLoadError("invalid YAML: nested too deeply", None) from exc
    finally:
        loader.dispose()
    return data, node


def walk(node: Any) -> Iterator[tuple[tuple[Any, ...], Any, Any]]:
    """Yield (path, key node or None, value node) for every node, each node once.

    Mapping keys are scalars' values; sequence items are indexes. Depth is bounded.
    """
    import yaml

    seen: set[int] = set()
    stack: list[tuple[tuple[Any, ...], Any, Any]] = [((), None, node)]
    while stack:
        path, key_node, current = stack.pop()
        if current is None or id(current) in seen or len(path) > MAX_DEPTH:
            continue
        seen.add(id(current))
        yield path, key_node, current
        if isinstance(current, yaml.MappingNode):
            for k, v in reversed(current.value):
                key = k.value if isinstance(k, yaml.ScalarNode) else None
                stack.append(((*path, key), k, v))
        elif isinstance(current, yaml.SequenceNode):
            for index in range(len(current.value) - 1, -1, -1):
                stack.append(((*path, index), None, current.value[index]))
