"""Model references in shell scripts, Dockerfiles, Makefiles and the commands of CI
workflows, compose files and Python command lines.

A command line names a model in these ways, and each is judged by ``extract.literals``:

- the positional argument of a known command: ``huggingface-cli download ID`` and
  ``hf download ID`` (``--repo-type dataset`` makes it a dataset; ``space`` is skipped),
  ``ollama pull|run NAME``, ``vllm serve ID``;
- the value of any flag whose name says model, dataset, tokenizer, checkpoint or
  embedding (``--model_name_or_path``, ``--model-id``, ``--dataset_name``, ``--tokenizer``);
- a variable assignment (``MODEL=...``, ``export MODEL=...``, Makefile ``MODEL ?= ...``,
  Dockerfile ``ENV``/``ARG``), and a ``${VAR:-default}`` default;
- a variable that a flag uses (``--model $MODEL``) is followed to its assignment, and both
  lines are kept.

Anything else on the line (a ``docker run org/image:tag``, a ``git clone org/repo``) is
never read as a model. A commented-out command is a mention.
"""

from __future__ import annotations

import re
import shlex

from license_gate.extract import literals
from license_gate.extract._ids import is_hub_id, is_ollama_name, ollama_name
from license_gate.extract.interface import ReadInclude
from license_gate.extract.literals import Candidate, Context
from license_gate.model import ExtractResult, Kind, Place, Reference, Relation, Role

TRIGGERS = literals.TRIGGERS
_SEPARATORS = re.compile(r"&&|\|\||;|\|")
_EXEC_FORM = re.compile(r"[\[\],]")
_ASSIGNMENT = re.compile(r"^\s*(?:export\s+|ENV\s+|ARG\s+|readonly\s+|local\s+|declare\s+)?"
                         r"([A-Za-z_][A-Za-z0-9_]*)\s*(?::=|\?=|\+=|=)\s*(.*)$", re.IGNORECASE)
_DOCKER_ENV = re.compile(r"^\s*(ENV|ARG)\s+(.*)$", re.IGNORECASE)
_VARIABLE = re.compile(r"^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$")
_VALUE_OPTIONS = frozenset({
    "--repo-type", "--revision", "--local-dir", "--cache-dir", "--token", "--include",
    "--exclude", "--port", "--host", "--tensor-parallel-size", "--max-model-len", "--dtype",
    "--quantization", "-p", "--gpu-memory-utilization", "--served-model-name",
})

Variables = dict[str, tuple[str, int]]


def _tokens(segment: str) -> list[str]:
    try:
        return shlex.split(segment, comments=True)
    except ValueError:  # an unbalanced quote: fall back to whitespace
        return segment.split()


def _option_value(tokens: list[str], *names: str) -> str | None:
    for index, token in enumerate(tokens):
        for name in names:
            if token == name and index + 1 < len(tokens):
                return tokens[index + 1]
            if token.startswith(name + "="):
                return token.split("=", 1)[1]
    return None


def _positional_after(tokens: list[str], index: int) -> str | None:
    """The first non-option argument after tokens[index], skipping option values."""
    skip = False
    for token in tokens[index + 1:]:
        if skip:
            skip = False
            continue
        if token.startswith("-"):
            skip = "=" not in token and token in _VALUE_OPTIONS
            continue
        return token
    return None


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _ref(candidate: Candidate, place: Place, revision: str | None = None) -> Reference:
    return Reference(candidate.ecosystem, candidate.name, place, kind=candidate.kind,
                     revision=revision if candidate.ecosystem == "huggingface" else None)


class _Line:
    """One logical command line and what it yields."""

    def __init__(self, place: Place, ollama: bool, variables: Variables | None) -> None:
        self.place = place
        self.ollama = ollama
        self.variables = variables or {}
        self.refs: list[Reference] = []
        self.raw: list[str] = []  # the token each reference was read from, to find its line

    def judge(self, value: str, name: str = "", call: str = "") -> Candidate | None:
        return literals.judge(value, Context(name=name, call=call, ollama=self.ollama))

    def add(self, candidate: Candidate | None, revision: str | None = None, raw: str = "",
            place: Place | None = None) -> None:
        place = place or self.place
        if candidate is not None and not any(
                r.name == candidate.name and r.place == place for r in self.refs):
            self.refs.append(_ref(candidate, place, revision))
            self.raw.append(raw or candidate.name)

    def value(self, raw: str, name: str) -> None:
        """A flag's or variable's value: a literal, a ``$VAR`` followed to its assignment,
        or a ``${VAR:-default}``."""
        raw = _unquote(raw)
        for var, default in literals.ENV_DEFAULT.findall(raw):
            self.add(self.judge(_unquote(default), name=name if literals.name_says(name) else var),
                     raw=default)
        variable = _VARIABLE.match(raw)
        if variable is not None:
            bound = self.variables.get(variable.group(1))
            if bound is None:
                return
            candidate = self.judge(bound[0], name=name)
            if candidate is not None:
                literal = Place(self.place.path, bound[1], self.place.relation, Role.LITERAL)
                use = Place(self.place.path, self.place.line, self.place.relation, Role.USE)
                self.add(candidate, place=literal)
                self.add(candidate, raw=raw, place=use)
            return
        if "$" not in raw:
            self.add(self.judge(raw, name=name), raw=raw)

    def json_body(self, token: str) -> None:
        import json

        try:
            body = json.loads(token)
        except (ValueError, RecursionError):
            return
        if isinstance(body, dict):
            for key, value in body.items():
                if isinstance(key, str) and isinstance(value, str):
                    self.add(self.judge(value, name=key))

    def segment(self, segment: str) -> None:
        if '["' in segment:
            # Dockerfile and compose exec form: CMD ["vllm", "serve", "org/model"]
            segment = _EXEC_FORM.sub(" ", segment)
        tokens = _tokens(segment)
        revision = _option_value(tokens, "--revision")
        for index, token in enumerate(tokens):
            if token.startswith("{") and token.endswith("}") and len(token) < 100_000:
                self.json_body(token)  # curl -d '{"model": "..."}'
                continue
            base = token.rsplit("/", 1)[-1]
            following = tokens[index + 1] if index + 1 < len(tokens) else ""
            if index == 0 or tokens[index - 1] in ("export", "ENV", "ARG", "env"):
                assigned = _ASSIGNMENT.match(token)
                if assigned and not token.startswith("-"):
                    self.value(assigned.group(2), assigned.group(1))
            if base in ("huggingface-cli", "hf") and following == "download":
                value = _positional_after(tokens, index + 1)
                repo_type = _option_value(tokens, "--repo-type") or "model"
                if value and repo_type in ("model", "dataset") and is_hub_id(value, allow_bare=True):
                    kind = Kind.DATASET if repo_type == "dataset" else Kind.MODEL
                    self.add(Candidate("huggingface", value, kind), revision)
            elif base == "ollama" and following in ("pull", "run", "show", "cp", "push", "create"):
                value = _positional_after(tokens, index + 1)
                if following == "create":
                    continue  # the name being created is the repository's own
                if value and value.startswith(("hf.co/", "huggingface.co/")):
                    hub = value.split("/", 1)[1].split(":", 1)[0]
                    if is_hub_id(hub):
                        self.add(Candidate("huggingface", hub, Kind.MODEL))
                elif value and is_ollama_name(value) and not value.startswith("$"):
                    self.add(Candidate("ollama", ollama_name(value), Kind.MODEL))
                elif value:
                    self.value(value, "ollama_model")
            elif base == "vllm" and following == "serve":
                value = _positional_after(tokens, index + 1)
                if value and value.startswith("$"):
                    self.value(value, "model")
                elif value and is_hub_id(value, allow_bare=True):
                    self.add(Candidate("huggingface", value, Kind.MODEL), revision)
            elif token.startswith("-") and len(token) > 2 and not token.startswith("---"):
                flag, has_value, inline = token.lstrip("-").partition("=")
                if literals.name_says(flag) is None:
                    continue
                if has_value:
                    self.value(inline, flag)
                elif index + 1 < len(tokens) and not tokens[index + 1].startswith("-"):
                    self.value(tokens[index + 1], flag)


def scan_line(line: str, place: Place, ollama: bool = False,
              variables: Variables | None = None) -> list[Reference]:
    return _scan(line, place, ollama, variables).refs


def _scan(line: str, place: Place, ollama: bool, variables: Variables | None) -> _Line:
    scanned = _Line(place, ollama, variables)
    docker = _DOCKER_ENV.match(line)
    if docker is not None:
        _docker_env(scanned, docker.group(2))
        return scanned
    for segment in _SEPARATORS.split(line):
        scanned.segment(segment)
    return scanned


def _docker_env(scanned: _Line, rest: str) -> None:
    """``ENV A=1 B=2``, the legacy ``ENV NAME value`` and ``ARG NAME=default``."""
    tokens = _tokens(rest)
    if len(tokens) >= 2 and "=" not in tokens[0]:
        scanned.value(" ".join(tokens[1:]), tokens[0])
        return
    for token in tokens:
        name, has_value, value = token.partition("=")
        if has_value:
            scanned.value(value, name)


def _logical_lines(text: str) -> list[tuple[int, list[str]]]:
    """(first line number, physical lines) of each command, continuations joined."""
    out: list[tuple[int, list[str]]] = []
    lines = text.splitlines()
    number = 0
    while number < len(lines):
        start = number
        group = [lines[number]]
        while group[-1].endswith("\\") and number + 1 < len(lines):
            number += 1
            group.append(lines[number])
        out.append((start + 1, group))
        number += 1
    return out


def _written_at(needle: str, start: int, group: list[str]) -> int:
    """The physical line of a continued command where a token is written."""
    for offset, physical in enumerate(group):
        if needle in physical:
            return start + offset
    return start


def scan_text(text: str, path: str, ollama: bool | None = None,
              relation: Relation = Relation.USE) -> list[Reference]:
    """Every command and assignment of a script; comment lines are mentions."""
    ollama = "ollama" in text.lower() if ollama is None else ollama
    variables: Variables = {}
    refs: list[Reference] = []
    for start, group in _logical_lines(text):
        first = group[0].lstrip()
        if first.startswith("#"):
            body = first.lstrip("#").strip()
            if body and not body.startswith("!"):
                refs.extend(_at_lines(_scan(body, Place(path, start, Relation.MENTION), ollama,
                                            None), start, group))
                for _, candidate in literals.prose(body):
                    refs.append(_ref(candidate, Place(path, start, Relation.MENTION)))
            continue
        joined = " ".join(part.removesuffix("\\") for part in group)
        assigned = _ASSIGNMENT.match(joined)
        if assigned and not joined.lstrip().startswith(("ENV ", "ARG ", "env ", "arg ")):
            variables[assigned.group(1)] = (_unquote(assigned.group(2).split(" #")[0]), start)
        scanned = _scan(joined, Place(path, start, relation), ollama, variables)
        found = scanned.refs
        refs.extend(_at_lines(scanned, start, group))
        for _, candidate in literals.urls_in(joined):
            if not any(r.name == candidate.name for r in found):
                refs.append(_ref(candidate, Place(path, start, relation)))
    unique: dict[tuple[str, str, int | None, object, object], Reference] = {}
    for ref in refs:
        unique.setdefault((ref.ecosystem, ref.name, ref.place.line, ref.place.relation,
                           ref.place.role), ref)
    return list(unique.values())


def _at_lines(scanned: _Line, start: int, group: list[str]) -> list[Reference]:
    if len(group) == 1:
        return scanned.refs
    out = []
    for ref, raw in zip(scanned.refs, scanned.raw, strict=True):
        if ref.place.line == start and ref.place.role is not Role.LITERAL:
            line = _written_at(raw, start, group)
            ref = Reference(ref.ecosystem, ref.name, Place(ref.place.path, line, ref.place.relation,
                                                           ref.place.role),
                            kind=ref.kind, revision=ref.revision)
        out.append(ref)
    return out


def extract(text: str, path: str, read_include: ReadInclude | None = None) -> ExtractResult:
    if not literals.may_hold_reference(text):
        return ExtractResult()
    return ExtractResult(tuple(scan_text(text, path)))
