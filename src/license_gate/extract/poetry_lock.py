"""``poetry.lock``: every ``[[package]]`` with its exact version.

A ``[package.source]`` of type git, directory, file or url is not a registry release.
"""

from __future__ import annotations

from license_gate.extract._common import canonical_name, locked_indexes, locked_packages
from license_gate.extract.interface import ReadInclude
from license_gate.model import ExtractResult, Place, Reference

_NOT_REGISTRY = {"git", "directory", "file", "url"}


def extract(text: str, path: str, read_include: ReadInclude | None = None) -> ExtractResult:
    _, entries, errors = locked_packages(text, path, "package")
    refs: list[Reference] = []
    registries: list[tuple[str, Place]] = []
    for entry, place in entries:
        source = entry.get("source")
        problem = None
        # a package without a source came from PyPI; "legacy" is a simple-API index
        if not isinstance(source, dict):
            registries.append(("https://pypi.org/simple", place))
        elif source.get("type") == "legacy" and isinstance(source.get("url"), str):
            registries.append((source["url"], place))
        if isinstance(source, dict) and source.get("type") in _NOT_REGISTRY:
            problem = f"{source['type']} source {source.get('url')!r}: not a registry release"
        version = entry.get("version")
        refs.append(Reference(
            "pypi", canonical_name(entry["name"]), place,
            version=str(version) if version is not None else None,
            unresolvable=problem,
        ))
    return ExtractResult(tuple(refs), tuple(errors), indexes=locked_indexes(registries))
