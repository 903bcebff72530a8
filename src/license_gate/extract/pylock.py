"""PEP 751 ``pylock.toml`` / ``pylock.<name>.toml``.

Packages installed from an index carry ``index``, ``sdist`` or ``wheels``. Those from
``vcs``, ``directory`` or ``archive`` are not registry releases, so nothing can vouch for
their licence by name and version.
"""

from __future__ import annotations

from license_gate.extract._common import canonical_name, locked_indexes, locked_packages
from license_gate.extract.interface import ReadInclude
from license_gate.model import ExtractResult, ParseError, Place, Reference


def extract(text: str, path: str, read_include: ReadInclude | None = None) -> ExtractResult:
    data, entries, errors = locked_packages(text, path, "packages")
    lock_version = data.get("lock-version")
    if lock_version is not None and not str(lock_version).startswith("1."):
        # PEP 751: tools must refuse a major version they do not know
        return ExtractResult(errors=(ParseError(
            Place(path, 1), f"unsupported lock-version {lock_version!r} (this tool reads 1.x)"
        ),))
    refs: list[Reference] = []
    registries: list[tuple[str, Place]] = []
    for entry, place in entries:
        problem = None
        if isinstance(entry.get("index"), str):
            registries.append((entry["index"], place))
        for key in ("vcs", "directory", "archive"):
            if isinstance(entry.get(key), dict):
                where = entry[key].get("url") or entry[key].get("path")
                problem = f"{key} source {where!r}: not a registry release"
                break
        version = entry.get("version")
        marker = entry.get("marker")
        refs.append(Reference(
            "pypi", canonical_name(entry["name"]), place,
            version=str(version) if version is not None else None,
            marker=marker if isinstance(marker, str) else None,
            unresolvable=problem,
        ))
    return ExtractResult(tuple(refs), tuple(errors), indexes=locked_indexes(registries))
