"""The scan stage: every discovered file through its extractor, into one ``Extracted``.

A file is a pure function of its bytes (and, for requirements files, the files they
include): ``extract_file`` reads one, and ``scan`` gathers them in discovery order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from license_gate.pipeline.reading import as_utf8, read_bounded, read_confined

if TYPE_CHECKING:
    from license_gate.discover import Discovery, Input
    from license_gate.model import Claim, IndexOption, ParseError, Project, Reference
    from license_gate.pipeline.options import CheckOptions


@dataclass(frozen=True)
class Extracted:
    """What the files said: references to resolve, problems, and the facts the later
    stages need (licence claims, index options, the repository's own projects)."""

    references: tuple[Reference, ...] = ()
    errors: tuple[ParseError, ...] = ()
    skipped: tuple[str, ...] = ()  # notes: files not read, and how some were read
    claims: tuple[Claim, ...] = ()
    indexes: tuple[IndexOption, ...] = ()
    projects: tuple[Project, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.references and not self.errors


# Template syntax of Helm, Jinja, Go templates and cookiecutter.
_TEMPLATE_MARKS = re.compile(r"\{\{|\{%")
# Formats where those marks are ordinary code, so a parse error is a real one.
_NO_TEMPLATES = frozenset({"python", "notebook", "javascript"})


def extract_file(item: Input, root: Path,
                 triggers: dict[str, tuple[bytes, ...] | None] | None = None) -> Extracted:
    """One file's references and problems. A file that cannot hold a reference (no
    trigger in its bytes, or binary under a source name) is not decoded or parsed."""
    from license_gate.discover import MAX_FILE_BYTES
    from license_gate.extract import (
        BINARY_FORMATS,
        DEPENDENCY_FORMATS,
        extractor_for,
        file_extractor_for,
        triggers_for,
    )
    from license_gate.model import ParseError, Place

    def problem(message: str, line: int | None = None) -> Extracted:
        return Extracted(errors=(ParseError(Place(item.display, line), message),))

    if item.format in BINARY_FORMATS:
        result = file_extractor_for(item.format)(item.path, item.display)
        return Extracted(references=tuple(result.references), errors=tuple(result.errors))
    try:
        raw = read_bounded(item.path)
        if raw is None:
            return problem(f"grew above the {MAX_FILE_BYTES}-byte bound since it was listed; "
                           "not read")
        if item.format in DEPENDENCY_FORMATS:
            # pip's encodings for pip's files; elsewhere FF FE may just start a blob
            raw = as_utf8(raw)
        elif b"\x00" in raw[:8192]:
            # A binary file under a source or config name cannot hold a reference.
            return Extracted(skipped=(f"skipped {item.display}: not text",))
        if triggers is None:
            triggers = {}
        if item.format not in triggers:
            triggers[item.format] = triggers_for(item.format)
        wanted = triggers[item.format]
        if item.format == "notebook" and not raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
            # Reported like any broken file, model words or not: one byte tells.
            return problem("invalid notebook JSON: not a JSON object", 1)
        if wanted is not None:
            lowered = raw.lower()
            if not any(t in lowered for t in wanted):
                return Extracted()
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        if item.format in DEPENDENCY_FORMATS:
            return problem("not UTF-8 text, nor UTF-16 or UTF-32 with a byte-order mark "
                           "(what pip reads)")
        return Extracted(skipped=(f"skipped {item.display}: not text",))
    except OSError as exc:
        return problem(f"cannot read: {exc.strerror}")
    base = item.path.parent

    def read_include(target: str) -> tuple[str, str]:
        return read_confined(root, base, target)

    result = extractor_for(item.format)(text, item.display, read_include)
    errors: tuple[ParseError, ...] = tuple(result.errors)
    if errors and item.format not in _NO_TEMPLATES and _TEMPLATE_MARKS.search(text):
        errors = (ParseError(Place(item.display, result.errors[0].place.line),
                             "template syntax ({{ }} or {% %}) that does not parse until it "
                             "is rendered; not read", template=True),)
    return Extracted(references=tuple(result.references), errors=errors,
                     skipped=tuple(result.notes), claims=tuple(result.claims),
                     indexes=tuple(result.indexes), projects=tuple(result.projects))


def scan(found: Discovery, root: Path, options: CheckOptions | None = None) -> Extracted:
    """Every input through its extractor, in discovery order."""
    progress = options.progress if options is not None else None
    parts: list[Extracted] = [Extracted(errors=found.problems,
                                        skipped=tuple(f"skipped {w}" for w in found.skipped))]
    triggers: dict[str, tuple[bytes, ...] | None] = {}
    total = len(found.inputs)
    for done, item in enumerate(found.inputs, start=1):
        parts.append(extract_file(item, root, triggers))
        if progress is not None:
            progress.set("files", done, total)
    merged = _merge(parts)
    if any(i.format == "modelfile" for i in found.inputs):
        from dataclasses import replace

        from license_gate.extract.modelfile import link_local

        merged = replace(merged, references=tuple(link_local(list(merged.references))))
    return merged


def _merge(parts: list[Extracted]) -> Extracted:
    return Extracted(
        references=tuple(r for p in parts for r in p.references),
        errors=tuple(e for p in parts for e in p.errors),
        skipped=tuple(s for p in parts for s in p.skipped),
        claims=tuple(c for p in parts for c in p.claims),
        indexes=tuple(i for p in parts for i in p.indexes),
        projects=tuple(p2 for p in parts for p2 in p.projects),
    )
