"""``poetry.lock``: every ``[[package]]`` with its exact version.

A ``[package.source]`` of type git, directory, file or url is not a registry release.
"""

from __future__ import annotations

from license_gate.extract._common import NameLines, canonical_name, load_toml
from license_gate.extract.interface import ReadInclude
from license_gate.model import ExtractResult, ParseError, Place, Reference

_NOT_REGISTRY = {"git", "directory", "file", "url"}


def extract(text: str, path: str, read_include: ReadInclude | None = None) -> ExtractResult:
    data = load_toml(text, path)
    if isinstance(data, ParseError):
        return ExtractResult(errors=(data,))
    packages = data.get("package", [])
    if not isinstance(packages, list):
        return ExtractResult(errors=(ParseError(Place(path, 1), "'package' must be an array"),))
    lines = NameLines(text)
    refs: list[Reference] = []
    errors: list[ParseError] = []
    for entry in packages:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            errors.append(ParseError(Place(path, None), "a [[package]] entry has no name"))
            continue
        place = Place(path, lines.take(entry["name"]))
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
