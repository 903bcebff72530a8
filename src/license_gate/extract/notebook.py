"""Jupyter notebooks: the code cells are read together as one module with the Python
rules (so a constant set in one cell and used in another is followed), ``!`` and ``%``
shell lines with the script rules, markdown cells as prose that only mentions; every
line is mapped back to its line in the ``.ipynb`` file."""

from __future__ import annotations

import ast
import json
from typing import Any

from license_gate.extract import literals, markdown, python_source, scripts
from license_gate.extract._common import load_json
from license_gate.extract.interface import ReadInclude
from license_gate.model import ExtractResult, ParseError, Place, Reference, Relation


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
        # nbformat writes non-ASCII text as it is; other writers escape it
        needle = json.dumps(source_line, ensure_ascii=False)[1:-1]
        needles = (needle,) if source_line.isascii() else (
            needle, json.dumps(source_line)[1:-1])
        for needle in needles:
            for index in range(self.cursor, len(self.lines)):
                if needle in self.lines[index]:
                    self.cursor = index
                    return index + 1
        return None


TRIGGERS = literals.TRIGGERS


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _cell_problem(source: str, file_lines: list[int], path: str) -> ParseError | None:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError) as exc:
        bad: int | None = getattr(exc, "lineno", None)
        at = (file_lines[bad - 1] or None) if bad and 0 < bad <= len(file_lines) else None
        return ParseError(Place(path, at), f"Python syntax error: "
                          f"{getattr(exc, 'msg', None) or exc}")
    except (RecursionError, MemoryError):
        return ParseError(Place(path, None), "Python source nested too deeply to parse")
    return None


def extract(text: str, path: str, read_include: ReadInclude | None = None) -> ExtractResult:
    # A notebook is a JSON object; anything else is reported as malformed like any other
    # file, even when no model word is in it (a cheap look at the first character).
    if not text.lstrip("\ufeff \t\r\n").startswith("{"):  # the CLI checks first, too
        return ExtractResult(errors=(ParseError(Place(path, 1), "invalid notebook JSON: "
                                                "not a JSON object"),))
    if not literals.may_hold_reference(text):
        return ExtractResult()
    notebook = load_json(text, path, "notebook JSON")
    if isinstance(notebook, ParseError):
        return ExtractResult(errors=(notebook,))
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return ExtractResult(errors=(ParseError(Place(path, 1), "not a notebook: no 'cells' list"),))
    ollama = "ollama" in text.lower()
    finder = _FileLines(text)
    refs: list[Reference] = []
    errors: list[ParseError] = []
    module_lines: list[str] = []
    module_map: list[int] = []
    code_cells: list[tuple[list[str], list[int]]] = []
    for cell in cells:
        if not isinstance(cell, dict):
            continue
        lines = _cell_lines(cell.get("source"))
        file_lines = [finder.find(line) or 0 for line in lines]
        if cell.get("cell_type") == "markdown":
            found = markdown.scan(lines, path, file_lines)
            refs.extend(found)
            continue
        if cell.get("cell_type") != "code" or (lines and lines[0].lstrip().startswith("%%")):
            continue  # a cell magic (%%bash, %%capture...) is not Python
        python_lines: list[str] = []
        for line, file_line in zip(lines, file_lines, strict=True):
            stripped = line.lstrip()
            if stripped.startswith(("!", "%")):
                refs.extend(scripts.scan_line(stripped.lstrip("!%"), Place(path, file_line or None),
                                              ollama=ollama))
                python_lines.append("")  # keep line numbers aligned for ast
            else:
                python_lines.append(line)
        code_cells.append((python_lines, file_lines))
    if code_cells and not _parses("\n".join(line for lines, _ in code_cells for line in lines)):
        # Only when the cells together do not parse is each one parsed on its own, to
        # name the bad ones and read the rest: one parse for a notebook, not one a cell.
        good = []
        for python_lines, file_lines in code_cells:
            problem = _cell_problem("\n".join(python_lines), file_lines, path)
            if problem is None:
                good.append((python_lines, file_lines))
            else:
                errors.append(problem)
        code_cells = good
    for python_lines, file_lines in code_cells:
        module_lines.extend(python_lines)
        module_map.extend(file_lines)
    if module_lines:
        # The cells that parse, read as the one module the kernel runs them as.
        result = python_source.scan_source("\n".join(module_lines), path, module_map,
                                           relation=Relation.USE, ollama=ollama)
        refs.extend(result.references)
        errors.extend(result.errors)
    return ExtractResult(tuple(refs), tuple(errors))
