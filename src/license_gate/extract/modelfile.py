"""Ollama ``Modelfile``s: ``FROM`` names the model built upon (a library ``name:tag``, an
``hf.co/owner/repo:quant`` or a local GGUF path) and ``LICENSE`` text is the file's claim.

The Modelfile itself becomes a local component whose base is the ``FROM`` target.
"""

from __future__ import annotations

import re
from dataclasses import replace

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


def _is_modelfile(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name == "Modelfile" or name.startswith("Modelfile.") or name.endswith(".Modelfile")


def _defined_name(path: str) -> str | None:
    """The Ollama name a Modelfile's path gives it by convention: ``bots/helper/Modelfile``
    defines ``helper``, ``Modelfile.helper`` and ``helper.Modelfile`` too."""
    parts = path.split("/")
    name = parts[-1]
    if name == "Modelfile":
        return parts[-2].lower() if len(parts) > 1 else None
    if name.startswith("Modelfile."):
        return name.removeprefix("Modelfile.").lower() or None
    if name.endswith(".Modelfile"):
        return name.removesuffix(".Modelfile").lower() or None
    return None


def link_local(refs: list[Reference]) -> list[Reference]:
    """A Modelfile built ``FROM`` a name another Modelfile of the repository defines is
    built from that Modelfile, not from an Ollama library model of the same name."""
    defined: dict[str, str] = {}
    for ref in refs:
        if ref.ecosystem == "file" and _defined_name(ref.name) is not None:
            defined.setdefault(_defined_name(ref.name) or "", ref.name)
    if not defined:
        return refs
    modelfiles = {r.name for r in refs if r.ecosystem == "file" and _is_modelfile(r.name)}
    out: list[Reference] = []
    for ref in refs:
        if ref.ecosystem == "ollama" and ref.place.path in modelfiles:
            local = defined.get(ref.name.removesuffix(":latest").lower())
            if local is not None and local != ref.place.path:
                continue  # the FROM line now names a local model: see the bases below
        if ref.ecosystem == "file" and any(e == "ollama" for e, _, _ in ref.bases):
            bases = tuple(
                ("file", defined[n.removesuffix(":latest").lower()], r)
                if e == "ollama" and defined.get(n.removesuffix(":latest").lower()) not in (
                    None, ref.name) else (e, n, r)
                for e, n, r in ref.bases)
            ref = replace(ref, bases=bases)
        out.append(ref)
    return out
