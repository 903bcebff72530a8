"""Ollama ``Modelfile``s: ``FROM`` names the model built upon (a library ``name:tag``, an
``hf.co/owner/repo:quant`` or a local GGUF path) and ``LICENSE`` text is the file's claim.

The Modelfile itself becomes a local component whose base is the ``FROM`` target.
"""

from __future__ import annotations

import re

from license_gate.extract import literals
from license_gate.extract._ids import is_hub_id, is_ollama_name, ollama_name
from license_gate.extract.interface import ReadInclude
from license_gate.model import Claim, ExtractResult, Kind, ParseError, Place, Reference

_INSTRUCTION = re.compile(r"^\s*([A-Za-z]+)\s+(.*)$")


def _instructions(text: str) -> list[tuple[int, str, str]]:
    """(line, INSTRUCTION, argument), with triple-quoted arguments joined."""
    out: list[tuple[int, str, str]] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        match = _INSTRUCTION.match(lines[index])
        start = index
        index += 1
        if not match or lines[start].lstrip().startswith("#"):
            continue
        name, argument = match.group(1).upper(), match.group(2).strip()
        if argument.startswith('"""'):
            body = argument[3:]
            while '"""' not in body and index < len(lines):
                body += "\n" + lines[index]
                index += 1
            argument = body.split('"""', 1)[0]
        out.append((start + 1, name, argument.strip()))
    return out


def extract(text: str, path: str, read_include: ReadInclude | None = None) -> ExtractResult:
    refs: list[Reference] = []
    claims: list[Claim] = []
    bases: list[tuple[str, str, str]] = []
    errors: list[ParseError] = []
    for line, name, argument in _instructions(text):
        place = Place(path, line)
        if name == "FROM":
            target = argument.strip().strip('"')
            if target.startswith(("hf.co/", "huggingface.co/")):
                hub = target.split("/", 1)[1].split(":", 1)[0]
                if is_hub_id(hub):
                    refs.append(Reference("huggingface", hub, place, kind=Kind.MODEL))
                    bases.append(("huggingface", hub, "quantized"))
            elif target.lower().endswith(".gguf") or target.startswith((".", "/", "~")):
                bases.append(("file", target, "base"))
                # A GGUF inside a Hub cache (models--org--name/snapshots/...) came from org/name.
                cached = literals.from_cache_dir(target)
                if cached is not None:
                    refs.append(Reference("huggingface", cached.name, place, kind=Kind.MODEL))
                    bases.append(("huggingface", cached.name, "quantized"))
            elif is_ollama_name(target):
                name_tag = ollama_name(target)
                refs.append(Reference("ollama", name_tag, place, kind=Kind.MODEL))
                bases.append(("ollama", name_tag, "base"))
            else:
                errors.append(ParseError(place, f"FROM {target!r} is not a model name, hf.co id or path"))
        elif name == "LICENSE" and argument:
            claims.append(Claim(argument, place, "Modelfile LICENSE"))
    if bases or claims:
        refs.insert(0, Reference("file", path, Place(path, 1), kind=Kind.MODEL,
                                 claims=tuple(claims), bases=tuple(bases)))
    return ExtractResult(tuple(refs), tuple(errors))
