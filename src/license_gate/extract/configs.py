"""Model and dataset references in YAML, JSON and TOML configuration files, Docker
Compose files included.

Every scalar is judged by ``extract.literals`` with the key it sits under as its name:
any key whose words say model, tokenizer, dataset, checkpoint, repo id or embedding
(``model_name_or_path``, ``embedding_hf_model_name``, ``llm_hf_repo_id``...). A key that
says nothing (``path``, ``name``, ``id``) takes its meaning from the nearest enclosing key
that does (``datasets: [{path: org/x}]``); a key that says something else (``output_dir``,
``template``, ``image``) rules its value out. Ollama library names count without a tag
when the file or the enclosing section is about Ollama.

Also read: ``${VAR:-default}`` defaults inside values; Compose ``environment:`` entries
(``KEY=value`` or a mapping) and the commands in ``command:``/``entrypoint:``; keys that
are themselves ids under a dataset key (``dataset_mixer: {org/data: 0.5}``); commented-out
``key: value`` lines, as mentions. A ``license`` key beside a model key is kept as a claim
about that model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from license_gate.extract import literals
from license_gate.extract._common import load_json, load_toml
from license_gate.extract.interface import ReadInclude
from license_gate.extract.literals import Candidate, Context
from license_gate.model import Claim, ExtractResult, Kind, ParseError, Place, Reference, Relation

TRIGGERS = literals.TRIGGERS
_ENV_ENTRY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$")
_COMMENTED = re.compile(r"^\s*#+\s*-?\s*[\"']?([A-Za-z_][\w.-]*)[\"']?\s*[:=]\s*[\"']?([^\s\"'#,]+)")
_COMMAND_KEYS = frozenset({"command", "entrypoint", "run", "cmd", "args", "script"})
MAX_DEPTH = 64


def _name_for(key: str, section: str) -> str:
    """The name a value is judged by: its own key, unless that says nothing."""
    if literals.name_says(key) is not None or literals.rules_out(key):
        return key
    return section


class _Collector:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.ollama = "ollama" in text.lower()
        self.dataset_file = "dataset" in path.rsplit("/", 1)[-1].lower()
        self.refs: list[Reference] = []
        self.seen: set[tuple[str, str, int | None]] = set()

    def judge(self, value: str, name: str, section: str = "") -> Candidate | None:
        candidate = literals.judge(value, Context(name=name, section=section, ollama=self.ollama))
        if candidate is not None and self.dataset_file and candidate.kind is Kind.MODEL and not \
                set(literals.words(name)) & (literals.MODEL_WORDS - {"hub"}):
            # dataset_info.json: {"alpaca": {"hf_hub_url": "org/x"}} lists datasets
            candidate = Candidate(candidate.ecosystem, candidate.name, Kind.DATASET)
        return candidate

    def add(self, candidate: Candidate | None, line: Line, name: str = "",
            claims: tuple[Claim, ...] = (), relation: Relation = Relation.USE) -> None:
        if candidate is None:
            return
        line = _at(line)
        key = (candidate.ecosystem, candidate.name, line)
        if key in self.seen:
            return
        self.seen.add(key)
        if name in literals.PUBLISH_NAMES and relation is Relation.USE:
            relation = Relation.PUBLISH
        self.refs.append(Reference(candidate.ecosystem, candidate.name,
                                   Place(self.path, line, relation), kind=candidate.kind,
                                   claims=claims if candidate.kind is Kind.MODEL else ()))

    def scalar(self, value: str, key: str, section: str, line: Line,
               claims: tuple[Claim, ...] = ()) -> None:
        name = _name_for(key, section)
        if key.lower() in _COMMAND_KEYS and (" " in value.strip() or "\n" in value):
            self.command(value, line)
            return
        for var, default in literals.ENV_DEFAULT.findall(value):
            self.add(self.judge(default, name if literals.name_says(name) else var, section),
                     line, name)
        entry = _ENV_ENTRY.match(value.strip())
        if entry is not None and key.lower() in ("environment", "env", "args", "build_args"):
            self.scalar(entry.group(2), entry.group(1), section, line)
            return
        if "${" in value:
            return
        if "huggingface.co/" in value or "hf.co/" in value:
            for _, candidate in literals.urls_in(value):
                self.add(candidate, line, name)
            if " " in value.strip():
                return
        if not name:
            return
        self.add(self.judge(value, name, section), line, name, claims)

    def command(self, value: str, line: Line) -> None:
        line = _at(line)
        from license_gate.extract import scripts

        for offset, physical in enumerate(value.split("\n")):
            where = line + offset if line is not None and "\n" in value else line
            for ref in scripts.scan_line(physical, Place(self.path, where), ollama=self.ollama):
                self.add(Candidate(ref.ecosystem, ref.name, ref.kind), ref.place.line or where)

    def comments(self, text: str) -> None:
        """``# model: org/x`` is a commented-out alternative: a mention."""
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.lstrip()
            if not stripped.startswith("#"):
                continue
            for _, candidate in literals.prose(stripped):
                self.add(candidate, number, relation=Relation.MENTION)
            match = _COMMENTED.match(stripped)
            if match is not None:
                self.add(self.judge(match.group(2), match.group(1)), number,
                         relation=Relation.MENTION)


def _claim(mapping: dict[str, Any], line_of: Any, path: str) -> tuple[Claim, ...]:
    value = mapping.get("license")
    if isinstance(value, str) and value.strip():
        return (Claim(value, Place(path, line_of("license", value)), "config license"),)
    return ()


def extract_yaml(text: str, path: str) -> ExtractResult:
    import yaml

    from license_gate.yamlsafe import YAMLLoadError, compose

    try:
        root = compose(text)
    except YAMLLoadError as exc:
        return ExtractResult(errors=(ParseError(Place(path, exc.line), str(exc)),))
    except RecursionError:
        return ExtractResult(errors=(ParseError(Place(path, None), "invalid YAML: nested too deeply"),))
    out = _Collector(path, text)
    seen: set[int] = set()
    # (node, the key it sits under, the nearest enclosing key that says something, depth)
    stack: list[tuple[Any, str, str, int]] = [(root, "", "", 0)]
    while stack:
        node, key, section, depth = stack.pop()
        if node is None or depth > MAX_DEPTH or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            if isinstance(node.value, str) and key:
                out.scalar(node.value, key, section, node.start_mark.line + 1)
        elif isinstance(node, yaml.SequenceNode):
            if key.lower() in _COMMAND_KEYS and all(isinstance(i, yaml.ScalarNode) for i in node.value):
                # command: ["vllm", "serve", "org/x"]: one command line, found at each item
                words = [i.value for i in node.value]
                from license_gate.extract import scripts

                for ref in scripts.scan_line(" ".join(shell_quote(w) for w in words),
                                             Place(path, None), ollama=out.ollama):
                    item = next((i for i in node.value if ref.name.split(":")[0] in i.value),
                                node.value[0] if node.value else None)
                    line = item.start_mark.line + 1 if item is not None else None
                    out.add(Candidate(ref.ecosystem, ref.name, ref.kind), line)
                continue
            for item in reversed(node.value):
                stack.append((item, key, section, depth + 1))
        elif isinstance(node, yaml.MappingNode):
            inner_section = _name_for(key, section) if key else section
            scalars = {k.value: v for k, v in node.value
                       if isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode)}
            claims: tuple[Claim, ...] = ()
            if "license" in scalars:
                licence = scalars["license"]
                claims = (Claim(licence.value, Place(path, licence.start_mark.line + 1),
                                "config license"),)
            ids_as_keys = literals.name_says(key) is not None if key else False
            for key_node, value_node in reversed(node.value):
                if not isinstance(key_node, yaml.ScalarNode) or not isinstance(key_node.value, str):
                    continue
                sub = key_node.value
                if ids_as_keys and "/" in sub:
                    out.scalar(sub, key, section, key_node.start_mark.line + 1)
                if isinstance(value_node, yaml.ScalarNode) and claims and sub != "license":
                    out.scalar(value_node.value, sub, inner_section,
                               value_node.start_mark.line + 1, claims)
                    continue
                stack.append((value_node, sub, inner_section, depth + 1))
    out.comments(text)
    return ExtractResult(tuple(out.refs))


def shell_quote(word: str) -> str:
    import shlex

    return shlex.quote(word)


# A value's line, or how to find it: searching a large data file for a value that is
# never quoted as written (escapes) costs a pass each, so it is made only for the
# values that turn out to be references.
Line = int | None | Callable[[], int | None]


def _at(line: Line) -> int | None:
    return line() if callable(line) else line


_QUOTED = re.compile(r'"([^"\n]*)"|\'([^\'\n]*)\'')


class _Lines:
    """Lines of values in a JSON or TOML text, handed out in document order so repeated
    values land on their own lines (the loaders keep no positions). The quoted strings
    of every line are indexed once: a data file of thousands of values costs one pass,
    not one pass per value."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.cursor: dict[str, int] = {}
        self.quoted: dict[str, list[int]] = {}
        for number, line in enumerate(self.lines, start=1):
            if "'" not in line and '"' not in line:
                continue
            for match in _QUOTED.finditer(line):
                found = self.quoted.setdefault(match.group(1) if match.group(1) is not None
                                               else match.group(2), [])
                if not found or found[-1] != number:
                    found.append(number)
        self.anywhere: dict[str, int | None] = {}

    def find(self, key: str, value: str) -> int | None:
        return _at(self.lazy(key, value))

    def lazy(self, key: str, value: str) -> Line:
        """The next quoted line of ``value`` now (document order counts every value),
        else a search of every line, made when it is asked for."""
        numbers = self.quoted.get(value)
        if numbers:
            start = self.cursor.get(value, 0)
            if start < len(numbers):
                self.cursor[value] = start + 1
                return numbers[start]
        return lambda: self._anywhere(value)

    def _anywhere(self, value: str) -> int | None:
        if value not in self.anywhere:
            self.anywhere[value] = next(
                (index for index, line in enumerate(self.lines, start=1) if value in line), None)
        return self.anywhere[value]


def _walk_data(data: Any, key: str = "", section: str = "", depth: int = 0
               ) -> Iterator[tuple[str, str, str, dict[str, Any] | None]]:
    """(value, key, section, the mapping holding it) for every string in a document."""
    if depth > MAX_DEPTH:
        return
    if isinstance(data, str):
        yield data, key, section, None
    elif isinstance(data, list):
        for item in data:
            yield from _walk_data(item, key, section, depth + 1)
    elif isinstance(data, dict):
        inner = _name_for(key, section) if key else section
        ids_as_keys = literals.name_says(key) is not None if key else False
        for sub, value in data.items():
            if not isinstance(sub, str):
                continue
            if ids_as_keys and "/" in sub:
                yield sub, key, section, None
            if isinstance(value, str):
                yield value, sub, inner, data
            else:
                yield from _walk_data(value, sub, inner, depth + 1)


def _extract_data(text: str, path: str, load: Any) -> ExtractResult:
    """JSON and TOML: load the whole document, then judge every string in it."""
    data = load(text, path)
    if isinstance(data, ParseError):
        return ExtractResult(errors=(data,))
    out = _Collector(path, text)
    lines = _Lines(text)
    for value, key, section, mapping in _walk_data(data):
        if not key:
            continue
        claims = _claim(mapping, lines.find, path) if mapping is not None and key != "license" \
            and "license" in mapping else ()
        out.scalar(value, key, section, lines.lazy(key, value), claims)
    return ExtractResult(tuple(out.refs))


def extract_json(text: str, path: str) -> ExtractResult:
    return _extract_data(text, path, load_json)


def extract_toml(text: str, path: str) -> ExtractResult:
    return _extract_data(text, path, load_toml)


def extract(text: str, path: str, read_include: ReadInclude | None = None) -> ExtractResult:
    if not literals.may_hold_reference(text):
        return ExtractResult()
    lowered = path.lower()
    if lowered.endswith(".json"):
        return extract_json(text, path)
    if lowered.endswith(".toml"):
        return extract_toml(text, path)
    return extract_yaml(text, path)
