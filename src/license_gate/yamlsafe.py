"""Safe YAML reading shared by the policy loader and the config extractors.

Safe loading means no tag can construct a Python object. Dates stay text so that a bad
date is reported against its key. Aliases share their anchor's node, so walking the node
graph once per node keeps "billion laughs" anchor floods linear.

The node graph is composed here, from the parser's events, with an explicit stack rather
than by PyYAML's composer: libyaml's composer recurses in C once per nesting level, so a
document of 100,000 nested ``[`` crashes the interpreter with a stack overflow instead of
raising. Nesting deeper than MAX_NESTING is an error with its line.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

MAX_DEPTH = 64
# Deeper than any configuration, card or policy a person writes, and shallow enough that
# the (recursive) constructors that run on the composed graph stay far from any limit.
MAX_NESTING = 100


class YAMLLoadError(ValueError):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


@lru_cache(maxsize=1)
def _loader_class() -> Any:
    """One loader class per process (it was built again for every YAML file)."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    resolvers = {
        first: [(tag, regexp) for tag, regexp in entries if tag != "tag:yaml.org,2002:timestamp"]
        for first, entries in base.yaml_implicit_resolvers.items()
    }

    def construct_object(self: Any, node: Any, deep: bool = False) -> Any:
        # PyYAML's scalar constructors raise plain Python errors for a value that does
        # not fit an explicit tag (``!!int a``, ``!!bool maybe``, ``!!float ''``);
        # give them the node's line like any other YAML error.
        try:
            return base.construct_object(self, node, deep)
        except (ValueError, KeyError, IndexError, TypeError, OverflowError) as exc:
            value = node.value if isinstance(node.value, str) else "a collection"
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {value[:40]!r} as {node.tag}", node.start_mark) from exc

    return type("TextDatesSafeLoader", (base,), {"yaml_implicit_resolvers": resolvers,
                                                 "construct_object": construct_object})


def _error(exc: Exception) -> YAMLLoadError:
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    # The problem says what is wrong; the context (the first line of str(exc)) only says
    # what the parser was doing ("while increasing flow level").
    problem, context = getattr(exc, "problem", None), getattr(exc, "context", None)
    if problem:
        return YAMLLoadError(f"invalid YAML: {problem}" + (f" ({context})" if context else ""), line)
    return YAMLLoadError(f"invalid YAML: {exc}".splitlines()[0], line)


def _compose(loader: Any) -> Any:
    """The single document's node graph, built from parser events with an explicit
    stack. Mirrors PyYAML's Composer: tags resolved the same way, anchors registered
    when their node starts, duplicate anchors and undefined aliases are errors.

    One loop over events with exact-type dispatch and no per-event helper calls: it
    runs once per scalar of every YAML file scanned."""
    import yaml
    from yaml.events import (
        AliasEvent,
        DocumentEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceStartEvent,
        StreamEndEvent,
    )
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    get_event, resolve = loader.get_event, loader.resolve
    get_event()  # StreamStartEvent
    if loader.check_event(StreamEndEvent):
        get_event()
        return None
    get_event()  # DocumentStartEvent
    anchors: dict[str, Any] = {}
    # Open collections, innermost last. For each: its node, whether it is a sequence,
    # and (mappings) the key still waiting for its value.
    stack: list[list[Any]] = []
    root: Any = None
    while True:
        # Any: libyaml's events carry its own Mark type, which the stubs do not accept
        event: Any = get_event()
        kind = type(event)
        if kind is ScalarEvent:
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve(ScalarNode, event.value, event.implicit)
            node: Any = ScalarNode(tag, event.value, event.start_mark, event.end_mark,
                                   style=event.style)
        elif kind is SequenceStartEvent or kind is MappingStartEvent:
            if len(stack) >= MAX_NESTING:
                raise YAMLLoadError(f"invalid YAML: nested deeper than {MAX_NESTING} levels",
                                    event.start_mark.line + 1)
            is_sequence = kind is SequenceStartEvent
            cls = SequenceNode if is_sequence else MappingNode
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve(cls, None, event.implicit)
            node = cls(tag, [], event.start_mark, None, flow_style=event.flow_style)
        elif kind is AliasEvent:
            if event.anchor not in anchors:
                raise yaml.composer.ComposerError(
                    None, None, f"found undefined alias {event.anchor!r}", event.start_mark)
            node = anchors[event.anchor]
        elif kind is DocumentEndEvent:
            break
        else:  # SequenceEndEvent or MappingEndEvent: close the innermost collection
            stack.pop()[0].end_mark = event.end_mark
            continue
        if kind is not AliasEvent and event.anchor is not None:
            if event.anchor in anchors:
                raise yaml.composer.ComposerError(
                    f"found duplicate anchor {event.anchor!r}", None, None, event.start_mark)
            anchors[event.anchor] = node
        # place the node in its parent
        if not stack:
            root = node
        else:
            top = stack[-1]
            if top[1]:
                top[0].value.append(node)
            elif top[2] is None:
                top[2] = node
            else:
                top[0].value.append((top[2], node))
                top[2] = None
        if kind is SequenceStartEvent or kind is MappingStartEvent:
            stack.append([node, kind is SequenceStartEvent, None])
    if not loader.check_event(StreamEndEvent):
        extra: Any = get_event()
        raise yaml.composer.ComposerError("expected a single document in the stream", None,
                                          "but found another document", extra.start_mark)
    return root


def compose(text: str) -> Any:
    """The node graph of a single-document YAML text (None when empty)."""
    import yaml

    loader = _loader_class()(text)
    try:
        return _compose(loader)
    except yaml.YAMLError as exc:
        raise _error(exc) from exc
    finally:
        loader.dispose()


def construct(text: str) -> tuple[Any, Any]:
    """(data, node graph) of a single-document YAML text."""
    import yaml

    loader = _loader_class()(text)
    try:
        node = _compose(loader)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise _error(exc) from exc
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
