"""Model references in shell scripts, Dockerfiles, Makefiles and GitHub workflow files.

Only these command shapes count; anything else on the line (a ``docker run org/image:tag``,
a ``git clone github.com/org/repo``) is never read as a model:

- ``huggingface-cli download ID`` and ``hf download ID`` (``--repo-type dataset`` makes it
  a dataset; ``space`` is skipped);
- ``ollama pull NAME`` and ``ollama run NAME``;
- ``vllm serve ID``;
- ``--model-id ID`` (text-generation-inference) and ``--model ID`` after ``vllm``.
"""

from __future__ import annotations

import re
import shlex

from license_gate.extract._ids import is_hub_id, is_ollama_name, ollama_name
from license_gate.extract.interface import ReadInclude
from license_gate.model import ExtractResult, Kind, Place, Reference

TRIGGERS = ("download", "ollama", "vllm", "--model-id")
_SEPARATORS = re.compile(r"&&|\|\||;|\|")
_EXEC_FORM = re.compile(r"[\[\],]")


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
            skip = "=" not in token and token in (
                "--repo-type", "--revision", "--local-dir", "--cache-dir", "--token", "--include",
                "--exclude", "--port", "--host", "--tensor-parallel-size", "--max-model-len",
                "--dtype", "--quantization",
            )
            continue
        return token
    return None


def scan_line(line: str, place: Place) -> list[Reference]:
    refs: list[Reference] = []
    for segment in _SEPARATORS.split(line):
        if not any(t in segment for t in TRIGGERS):
            continue
        if '["' in segment:
            # Dockerfile exec form: CMD ["vllm", "serve", "org/model"]
            segment = _EXEC_FORM.sub(" ", segment)
        tokens = _tokens(segment)
        for index, token in enumerate(tokens):
            base = token.rsplit("/", 1)[-1]
            following = tokens[index + 1] if index + 1 < len(tokens) else ""
            if base in ("huggingface-cli", "hf") and following == "download":
                value = _positional_after(tokens, index + 1)
                repo_type = _option_value(tokens, "--repo-type") or "model"
                if value and repo_type in ("model", "dataset") and is_hub_id(value, allow_bare=True):
                    kind = Kind.DATASET if repo_type == "dataset" else Kind.MODEL
                    refs.append(Reference("huggingface", value, place, kind=kind,
                                          revision=_option_value(tokens, "--revision")))
            elif base == "ollama" and following in ("pull", "run"):
                value = _positional_after(tokens, index + 1)
                if value and value.startswith("hf.co/"):
                    hub = value.removeprefix("hf.co/").split(":", 1)[0]
                    if is_hub_id(hub):
                        refs.append(Reference("huggingface", hub, place, kind=Kind.MODEL))
                elif value and is_ollama_name(value):
                    refs.append(Reference("ollama", ollama_name(value), place, kind=Kind.MODEL))
            elif base == "vllm" and following == "serve":
                value = _positional_after(tokens, index + 1)
                if value and is_hub_id(value, allow_bare=True):
                    refs.append(Reference("huggingface", value, place, kind=Kind.MODEL,
                                          revision=_option_value(tokens, "--revision")))
        model_id = _option_value(tokens, "--model-id")
        if model_id is None and any(t.rsplit("/", 1)[-1] == "vllm" or "vllm." in t for t in tokens):
            model_id = _option_value(tokens, "--model")
        if model_id and is_hub_id(model_id) and not any(r.name == model_id for r in refs):
            refs.append(Reference("huggingface", model_id, place, kind=Kind.MODEL,
                                  revision=_option_value(tokens, "--revision")))
    return refs


def extract(text: str, path: str, read_include: ReadInclude | None = None) -> ExtractResult:
    if not any(trigger in text for trigger in TRIGGERS):
        return ExtractResult()
    refs: list[Reference] = []
    lines = text.splitlines()
    number = 0
    while number < len(lines):
        start = number
        line = lines[number]
        # Shell and Makefile continuations: the command starts on the first line.
        while line.endswith("\\") and number + 1 < len(lines):
            number += 1
            line = line[:-1] + " " + lines[number]
        refs.extend(scan_line(line, Place(path, start + 1)))
        number += 1
    return ExtractResult(tuple(refs))
