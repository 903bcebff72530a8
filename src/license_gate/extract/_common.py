"""Helpers shared by the TOML- and JSON-based extractors.

Both loaders turn input nested too deeply for the parser (its RecursionError) into a
ParseError like any other malformed file: the CPython JSON decoder and tomllib both
recurse once per nesting level, and a crafted file must not stop the run.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from typing import Any

from license_gate.model import IndexOption, ParseError, Place

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

_TOML_LINE = re.compile(r"at line (\d+)")


def load_toml(text: str, path: str) -> dict[str, Any] | ParseError:
    try:
        data: dict[str, Any] = tomllib.loads(text)
        return data
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_LINE.search(str(exc))
        if match:
            line: int | None = int(match.group(1))
        elif "end of document" in str(exc):
            line = max(1, len(text.splitlines()))
        else:
            line = None
        return ParseError(Place(path, line), f"invalid TOML: {exc}")
    except RecursionError:
        return ParseError(Place(path, None), "invalid TOML: nested too deeply")


def load_json(text: str | bytes, path: str, what: str = "JSON") -> Any | ParseError:
    """The parsed document, or a ParseError naming ``what`` failed to parse."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        return ParseError(Place(path, exc.lineno), f"invalid {what}: {exc.msg}")
    except RecursionError:
        return ParseError(Place(path, None), f"invalid {what}: nested too deeply")


def locked_packages(
    text: str, path: str, key: str
) -> tuple[dict[str, Any], list[tuple[dict[str, Any], Place]], list[ParseError]]:
    """The ``[[<key>]]`` tables of a TOML lockfile, each with the place of its ``name``.

    Returns (document, entries, errors); a document that does not parse gives one error
    and no entries, and an entry without a name is reported and skipped.
    """
    data = load_toml(text, path)
    if isinstance(data, ParseError):
        return {}, [], [data]
    packages = data.get(key, [])
    if not isinstance(packages, list):
        return data, [], [ParseError(Place(path, 1), f"'{key}' must be an array of tables")]
    lines = NameLines(text)
    entries: list[tuple[dict[str, Any], Place]] = []
    errors: list[ParseError] = []
    for entry in packages:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            errors.append(ParseError(Place(path, None), f"a [[{key}]] entry has no name"))
            continue
        entries.append((entry, Place(path, lines.take(entry["name"]))))
    return data, entries, errors


def string_list(value: Any) -> list[str]:
    """A card field that may be one string or a list of them (``base_model``, ``license``)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def canonical_name(name: str) -> str:
    """PEP 503 normalisation, so ``Foo_Bar`` and ``foo-bar`` are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


class NameLines:
    """Finds the line of each ``name = "..."`` entry in a TOML lockfile.

    tomllib keeps no positions, so we scan the text once. Entries with the same name
    (one package locked at two versions for different markers) are handed out in file
    order, which is the order tomllib returns them in.
    """

    def __init__(self, text: str, key: str = "name") -> None:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=\s*[\"']([^\"']+)[\"']")
        self._lines: dict[str, list[int]] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            match = pattern.match(line)
            if match:
                self._lines.setdefault(canonical_name(match.group(1)), []).append(number)

    def take(self, name: str) -> int | None:
        lines = self._lines.get(canonical_name(name))
        if not lines:
            return None
        return lines.pop(0) if len(lines) > 1 else lines[0]


def line_of(text: str, needle: str, start: int = 1) -> int | None:
    """1-based line of the first occurrence of ``needle`` at or after line ``start``."""
    for number, line in enumerate(text.splitlines()[start - 1 :], start=start):
        if needle in line:
            return number
    return None


def locked_indexes(urls: Iterable[tuple[str, Place]]) -> tuple[IndexOption, ...]:
    """The registries a lockfile recorded, each once, in the order first seen."""
    seen: dict[str, Place] = {}
    for url, place in urls:
        if isinstance(url, str) and url.strip():
            seen.setdefault(url.strip(), place)
    return tuple(IndexOption(url, False, place, locked=True) for url, place in seen.items())

