"""``uv.lock``: every ``[[package]]`` with its exact version and source.

The workspace's own members (``editable``/``virtual`` sources) are the project, not a
dependency. Git, path and direct-URL sources have no registry record to resolve against.
"""

from __future__ import annotations

from typing import Any

from license_gate.extract._common import canonical_name, locked_indexes, locked_packages
from license_gate.extract.interface import ReadInclude
from license_gate.model import ExtractResult, Place, Reference


def _source_problem(source: Any) -> str | None:
    if not isinstance(source, dict):
        return None
    for key in ("git", "path", "directory", "url"):
        if key in source:
            return f"{key} source {source[key]!r}: not a registry release"
    return None


def extract(text: str, path: str, read_include: ReadInclude | None = None) -> ExtractResult:
    _, entries, errors = locked_packages(text, path, "package")
    refs: list[Reference] = []
    registries: list[tuple[str, Place]] = []
    for entry, place in entries:
        source = entry.get("source", {})
        if isinstance(source, dict) and isinstance(source.get("registry"), str):
            registries.append((source["registry"], place))
        if isinstance(source, dict) and ("editable" in source or "virtual" in source):
            continue
        version = entry.get("version")
        refs.append(Reference(
            "pypi", canonical_name(entry["name"]), place,
            version=str(version) if version is not None else None,
            unresolvable=_source_problem(source),
        ))
    return ExtractResult(tuple(refs), tuple(errors), indexes=locked_indexes(registries))
