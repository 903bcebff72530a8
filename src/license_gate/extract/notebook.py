"""Jupyter notebooks: code cells are read with the Python rules, ``!`` and ``%`` shell lines
with the script rules, and every line is mapped back to its line in the ``.ipynb`` file."""

from __future__ import annotations

import json
from typing import Any

from license_gate.extract import python_source, scripts
from license_gate.extract._common import load_json
from license_gate.extract.interface import ReadInclude
from license_gate.model import ExtractResult, ParseError, Place, Reference


def _cell_lines(source: Any) -> list[str]:
    if isinstance(source, list):
        text = "".join(s for s in source if isinstance(s, str))
    elif isinstance(source, str):
        text = source
    else:
        return []
    return text.split("\n")


class _FileLines:
    """Finds each cell line in the raw JSON text, in order. nbformat writes one source
    line per JSON string, so the encoded line is a substring of exactly one file line."""

    def __init__(self, raw: str) -> None:
        self.lines = raw.splitlines()
        self.cursor = 0

    def find(self, source_line: str) -> int | None:
        if not source_line.strip():
            return None
        needle = json.dumps(source_line)[1:-1]
        for index in range(self.cursor, len(self.lines)):
            if needle in self.lines[index]:
                self.cursor = index
                return index + 1
        return None


TRIGGERS = (*python_source.TRIGGERS, *scripts.TRIGGERS)


def extract(text: str, path: str, read_include: ReadInclude | None = None) -> ExtractResult:
    if not any(t in text for t in TRIGGERS):
        return ExtractResult()
    notebook = load_json(text, path, "notebook JSON")
    if isinstance(notebook, ParseError):
        return ExtractResult(errors=(notebook,))
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return ExtractResult(errors=(ParseError(Place(path, 1), "not a notebook: no 'cells' list"),))
    finder = _FileLines(text)
    refs: list[Reference] = []
    errors: list[ParseError] = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        lines = _cell_lines(cell.get("source"))
        file_lines = [finder.find(line) or 0 for line in lines]
        python_lines: list[str] = []
        for line, file_line in zip(lines, file_lines, strict=True):
            stripped = line.lstrip()
            if stripped.startswith(("!", "%")):
                refs.extend(scripts.scan_line(stripped.lstrip("!%"), Place(path, file_line or None)))
                python_lines.append("")  # keep line numbers aligned for ast
            else:
                python_lines.append(line)
        source = "\n".join(python_lines)
        if not any(t in source for t in python_source.TRIGGERS):
            continue
        result = python_source.scan_source(source, path, file_lines)
        refs.extend(result.references)
        errors.extend(result.errors)
    return ExtractResult(tuple(refs), tuple(errors))
