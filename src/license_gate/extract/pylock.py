"""PEP 751 ``pylock.toml`` / ``pylock.<name>.toml``.

Packages installed from an index carry ``index``, ``sdist`` or ``wheels``. Those from
``vcs``, ``directory`` or ``archive`` are not registry releases, so nothing can vouch for
their licence by name and version.
"""

from __future__ import annotations

from license_gate.extract._common import NameLines, canonical_name, load_toml
from license_gate.extract.interface import ReadInclude
from license_gate.model import ExtractResult, ParseError, Place, Reference


def extract(text: str, path: str, read_include: ReadInclude | None = None) -> ExtractResult:
    data = load_toml(text, path)
    if isinstance(data, ParseError):
        return ExtractResult(errors=(data,))
    errors: list[ParseError] = []
    lock_version = data.get("lock-version")
    if lock_version is not None and not str(lock_version).startswith("1."):
        # PEP 751: tools must refuse a major version they do not know
        return ExtractResult(errors=(ParseError(
            Place(path, 1), f"unsupported lock-version {lock_version!r} (this tool reads 1.x)"
        ),))
    packages = data.get("packages", [])
    if not isinstance(packages, list):
        return ExtractResult(errors=(ParseError(Place(path, 1), "'packages' must be an array"),))
    lines = NameLines(text)
    refs: list[Reference] = []
    for entry in packages:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            errors.append(ParseError(Place(path, None), "a [[packages]] entry has no name"))
            continue
        place = Place(path, lines.take(entry["name"]))
        problem = None
        for key in ("vcs", "directory", "archive"):
            if isinstance(entry.get(key), dict):
                where = entry[key].get("url") or entry[key].get("path")
                problem = f"{key} source {where!r}: not a registry release"
                break
        version = entry.get("version")
        refs.append(Reference(
            "pypi", canonical_name(entry["name"]), place,
            version=str(version) if version is not None else None,
            marker=entry.get("marker") if isinstance(entry.get("marker"), str) else None,
            unresolvable=problem,
        ))
    return ExtractResult(tuple(refs), tuple(errors))
