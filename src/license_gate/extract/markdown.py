"""Markdown that is not card metadata: READMEs, docs pages, model card bodies and the
markdown cells of notebooks. Everything found here is a *mention*:

- Hub URLs (``huggingface.co/<id>``, ``hf.co/<id>``, ``/datasets/<id>``, ``resolve/``
  download links); Spaces, docs and blog pages are not repositories;
- fenced code blocks, read with the Python rules (``python``, ``py``) or the script
  rules (``bash``, ``sh``, ``shell``, ``console``, ``dockerfile``, or no language).
"""

from __future__ import annotations

import re

from license_gate.extract import literals
from license_gate.extract.interface import ReadInclude
from license_gate.model import ExtractResult, Place, Reference, Relation

TRIGGERS = ("huggingface", "hf.co/", "from_pretrained", "load_dataset", "ollama", "--model",
            "model", "dataset")
_FENCE = re.compile(r"^\s*(```+|~~~+)\s*([\w+-]*)")
_PYTHON = frozenset({"python", "py", "python3", "ipython", "pycon", "jupyter"})
_SHELL = frozenset({"", "bash", "sh", "shell", "console", "zsh", "shell-session", "dockerfile",
                    "docker", "make", "makefile", "text", "powershell", "cmd", "env", "dotenv"})
_YAML = frozenset({"yaml", "yml"})
_JSON = frozenset({"json", "jsonc", "json5"})


def _mention(refs: list[Reference], line: int | None) -> list[Reference]:
    return [Reference(r.ecosystem, r.name, Place(r.place.path, r.place.line or line,
                                                 Relation.MENTION, r.place.role),
                      kind=r.kind, revision=r.revision) for r in refs]


def _block(language: str, body: list[str], body_lines: list[int], path: str) -> list[Reference]:
    from license_gate.extract import configs, python_source, scripts

    text = "\n".join(body)
    if not literals.may_hold_reference(text):
        return []
    if language in _PYTHON:
        cleaned = [re.sub(r"^(>>>|\.\.\.) ?", "", line) for line in body]
        result = python_source.scan_source("\n".join(cleaned), path, body_lines,
                                           relation=Relation.MENTION)
        return _mention(list(result.references), None)
    if language in _YAML or language in _JSON:
        result = (configs.extract_yaml if language in _YAML else configs.extract_json)(text, path)
        out = []
        for ref in result.references:
            line = ref.place.line
            mapped = body_lines[line - 1] if line and 0 < line <= len(body_lines) else None
            out.append(Reference(ref.ecosystem, ref.name, Place(path, mapped, Relation.MENTION),
                                 kind=ref.kind))
        return out
    if language in _SHELL:
        commands = "\n".join(re.sub(r"^\s*\$ ", "", line) for line in body)
        out = []
        for ref in scripts.scan_text(commands, path, relation=Relation.MENTION):
            line = ref.place.line
            mapped = body_lines[line - 1] if line and 0 < line <= len(body_lines) else None
            out.append(Reference(ref.ecosystem, ref.name, Place(path, mapped, Relation.MENTION,
                                                                ref.place.role), kind=ref.kind))
        return out
    return []


def scan(lines: list[str], path: str, file_lines: list[int] | None = None) -> list[Reference]:
    """Mentions in markdown lines; ``file_lines`` maps each to its line in the file."""
    refs: list[Reference] = []
    fence: str | None = None
    language = ""
    body: list[str] = []
    body_lines: list[int] = []
    for index, line in enumerate(lines):
        number = file_lines[index] if file_lines is not None else index + 1
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1).startswith(fence) and not opened.group(2):
                refs.extend(_block(language, body, body_lines, path))
                fence, body, body_lines = None, [], []
                continue
            body.append(line)
            body_lines.append(number)
            for _, candidate in literals.urls_in(line):
                if not any(r.name == candidate.name and r.place.line == number for r in refs):
                    refs.append(Reference(candidate.ecosystem, candidate.name,
                                          Place(path, number or None, Relation.MENTION),
                                          kind=candidate.kind))
            continue
        if opened:
            fence, language = opened.group(1), opened.group(2).lower()
            continue
        for _, candidate in literals.prose(line):
            refs.append(Reference(candidate.ecosystem, candidate.name,
                                  Place(path, number or None, Relation.MENTION),
                                  kind=candidate.kind))
    # Code found by both the URL pass and the block pass is one mention.
    unique: dict[tuple[str, str, int | None], Reference] = {}
    for ref in refs:
        unique.setdefault((ref.ecosystem, ref.name, ref.place.line), ref)
    return list(unique.values())


def extract(text: str, path: str, read_include: ReadInclude | None = None) -> ExtractResult:
    if not literals.may_hold_reference(text):
        return ExtractResult()
    lines = text.split("\n")
    start = 0
    if text.startswith("---"):
        # Front matter is card metadata, read by the model-card rules.
        for index in range(1, len(lines)):
            if lines[index].strip() in ("---", "..."):
                start = index + 1
                break
    found = scan(lines[start:], path, list(range(start + 1, len(lines) + 1)))
    return ExtractResult(tuple(found))
