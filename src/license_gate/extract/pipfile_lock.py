"""``Pipfile.lock``: the ``default`` and ``develop`` sections, each pinned with ``==``.

Entries with ``git``, ``path`` or ``file`` keys are not registry releases.
"""

from __future__ import annotations

import re

from license_gate.extract._common import canonical_name, load_json, locked_indexes
from license_gate.extract.interface import ReadInclude
from license_gate.model import ExtractResult, ParseError, Place, Reference


def extract(text: str, path: str, read_include: ReadInclude | None = None) -> ExtractResult:
    data = load_json(text, path)
    if isinstance(data, ParseError):
        return ExtractResult(errors=(data,))
    if not isinstance(data, dict):
        return ExtractResult(errors=(ParseError(Place(path, 1), "top level must be an object"),))
    lines = text.splitlines()
    refs: list[Reference] = []
    errors: list[ParseError] = []
    for section in ("default", "develop"):
        entries = data.get(section, {})
        if not isinstance(entries, dict):
            errors.append(ParseError(Place(path, None), f"'{section}' must be an object"))
            continue
        section_line = next(
            (i for i, line in enumerate(lines, 1) if f'"{section}"' in line), 1
        )
        for raw_name, entry in entries.items():
            pattern = re.compile(rf'^\s*"{re.escape(raw_name)}"\s*:')
            line = next(
                (i for i, text_line in enumerate(lines[section_line:], section_line + 1)
                 if pattern.match(text_line)), None,
            )
            place = Place(path, line)
            if not isinstance(entry, dict):
                errors.append(ParseError(place, f"{section}.{raw_name} must be an object"))
                continue
            problem = next(
                (f"{k} source {entry[k]!r}: not a registry release"
                 for k in ("git", "path", "file") if k in entry), None,
            )
            version = entry.get("version")
            exact = None
            if isinstance(version, str) and version.startswith("=="):
                exact = version[2:].strip()
            refs.append(Reference(
                "pypi", canonical_name(raw_name), place,
                version=exact,
                specifier=version if isinstance(version, str) and not exact else "",
                marker=entry.get("markers") if isinstance(entry.get("markers"), str) else None,
                unresolvable=problem,
            ))
    meta = data.get("_meta")
    sources = meta.get("sources") if isinstance(meta, dict) else None
    registries = [(s["url"], Place(path, next((i for i, line in enumerate(lines, 1)
                                               if s["url"] in line), None)))
                  for s in (sources if isinstance(sources, list) else [])
                  if isinstance(s, dict) and isinstance(s.get("url"), str)]
    return ExtractResult(tuple(refs), tuple(errors), indexes=locked_indexes(registries))
