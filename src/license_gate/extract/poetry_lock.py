"""``poetry.lock``: every ``[[package]]`` with its exact version.

A ``[package.source]`` of type git, directory, file or url is not a registry release.
"""

from __future__ import annotations

from license_gate.extract._common import canonical_name, locked_packages
from license_gate.extract.interface import ReadInclude
from license_gate.model import ExtractResult, Reference

_NOT_REGISTRY = {"git", "directory", "file", "url"}


def extract(text: str, path: str, read_include: ReadInclude | None = None) -> ExtractResult:
    _, entries, errors = locked_packages(text, path, "package")
    refs: list[Reference] = []
    for entry, place in entries:
        source = entry.get("source")
        problem = None
        if isinstance(source, dict) and source.get("type") in _NOT_REGISTRY:
            problem = f"{source['type']} source {source.get('url')!r}: not a registry release"
        version = entry.get("version")
        refs.append(Reference(
            "pypi", canonical_name(entry["name"]), place,
            version=str(version) if version is not None else None,
            unresolvable=problem,
        ))
    return ExtractResult(tuple(refs), tuple(errors))
