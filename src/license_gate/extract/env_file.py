"""``.env`` files (``.env``, ``.env.example``, ``.env.local``, ``*.env``): ``KEY=value``
lines whose key says model or dataset (``LLM_MODEL=llama3.1``, ``EMBEDDING_MODEL=...``)
are judged by ``extract.literals``; a commented-out alternative is a mention."""

from __future__ import annotations

import re

from license_gate.extract import literals
from license_gate.extract.interface import ReadInclude
from license_gate.extract.literals import Context
from license_gate.model import ExtractResult, Place, Reference, Relation

TRIGGERS = literals.TRIGGERS
_LINE = re.compile(r"^\s*(#+)?\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*?)\s*$")


def _value(raw: str) -> str:
    raw = raw.strip()
    if raw[:1] in ("'", '"'):
        end = raw.find(raw[0], 1)
        return raw[1:end] if end > 0 else raw[1:]
    return raw.split(" #", 1)[0].strip()


def extract(text: str, path: str, read_include: ReadInclude | None = None) -> ExtractResult:
    if not literals.may_hold_reference(text):
        return ExtractResult()
    ollama = "ollama" in text.lower()
    refs: list[Reference] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _LINE.match(line)
        if line.lstrip().startswith("#"):
            # A commented-out alternative, or a note listing the choices: mentions.
            for _, candidate in literals.prose(line):
                refs.append(Reference(candidate.ecosystem, candidate.name,
                                      Place(path, number, Relation.MENTION), kind=candidate.kind))
        if match is None:
            continue
        commented, key, raw = match.groups()
        relation = Relation.MENTION if commented else Relation.USE
        value = _value(raw)
        values = [(var if not literals.name_says(key) else key, d)
                  for var, d in literals.ENV_DEFAULT.findall(value)] or [(key, value)]
        if commented:
            # "# LLM_MODEL=qwen3.6:27b  # or qwen3.5:4b": every alternative on the line
            values += [(key, word) for word in re.split(r"[\s,|]+", raw)[1:]
                       if word and word[0].isalnum()]
        for name, candidate_value in values:
            for part in candidate_value.split(","):
                judged = literals.judge(part.strip(), Context(name=name, ollama=ollama))
                if judged is not None:
                    refs.append(Reference(judged.ecosystem, judged.name,
                                          Place(path, number, relation), kind=judged.kind))
    unique: dict[tuple[str, str, int | None], Reference] = {}
    for ref in refs:
        unique.setdefault((ref.ecosystem, ref.name.lower(), ref.place.line), ref)
    return ExtractResult(tuple(unique.values()))
