"""Extractors: one module per input format, each a pure function from file text to
references. This module only knows which file names belong to which format, so that
discovery can run without importing any parser."""

from __future__ import annotations

import fnmatch
import importlib
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from license_gate.extract.interface import Extractor

# format name -> module under license_gate.extract that defines ``extract``
_MODULES = {
    "requirements": "requirements",
    "pyproject": "pyproject",
    "uv-lock": "uv_lock",
    "poetry-lock": "poetry_lock",
    "pylock": "pylock",
    "pipfile-lock": "pipfile_lock",
}


def _is_requirements(path: PurePosixPath) -> bool:
    name = path.name.lower()
    if not name.endswith((".txt", ".in")):
        return False
    # requirements.txt, requirements-dev.txt, dev-requirements.in, requirements/base.txt
    return "requirements" in name or path.parent.name.lower() == "requirements"


_MATCHERS: list[tuple[str, Callable[[PurePosixPath], bool]]] = [
    ("pyproject", lambda p: p.name == "pyproject.toml"),
    ("uv-lock", lambda p: p.name == "uv.lock"),
    ("poetry-lock", lambda p: p.name == "poetry.lock"),
    # PEP 751: pylock.toml or pylock.<name>.toml
    ("pylock", lambda p: fnmatch.fnmatchcase(p.name, "pylock.toml")
     or fnmatch.fnmatchcase(p.name, "pylock.*.toml")),
    ("pipfile-lock", lambda p: p.name == "Pipfile.lock"),
    ("requirements", _is_requirements),
]

FORMATS = tuple(_MODULES)


def format_of(path: str) -> str | None:
    """The input format a file name implies, or None when we do not read it."""
    p = PurePosixPath(path.replace("\\", "/"))
    for fmt, matches in _MATCHERS:
        if matches(p):
            return fmt
    return None


def extractor_for(fmt: str) -> Extractor:
    module = importlib.import_module(f"license_gate.extract.{_MODULES[fmt]}")
    extract: Extractor = module.extract
    return extract
