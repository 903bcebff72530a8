"""The one interface every extractor implements.

An extractor is a pure function: it receives the file's text and its display path (and,
for formats with includes, a reader confined to the repository) and returns references
and parse errors. It never raises for bad input; bad input becomes a ParseError.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from license_gate.model import ExtractResult

# Reads another file by display path relative to the including file's directory. Raises
# OSError (or ValueError for paths outside the tree) so includes can report them.
ReadInclude = Callable[[str], tuple[str, str]]


class Extractor(Protocol):
    def __call__(
        self, text: str, path: str, read_include: ReadInclude | None = None
    ) -> ExtractResult: ...


class FileExtractor(Protocol):
    """For binary formats: reads a bounded header from the file itself."""

    def __call__(self, path: Path, display: str) -> ExtractResult: ...

