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
    from license_gate.extract.interface import Extractor, FileExtractor

# format name -> module under license_gate.extract that defines ``extract``
_MODULES = {
    "requirements": "requirements",
    "pyproject": "pyproject",
    "uv-lock": "uv_lock",
    "poetry-lock": "poetry_lock",
    "pylock": "pylock",
    "pipfile-lock": "pipfile_lock",
    "python": "python_source",
    "notebook": "notebook",
    "config": "configs",
    "workflow": "workflow",
    "model-card": "model_card",
    "modelfile": "modelfile",
    "script": "scripts",
    "gguf": "gguf",
    "safetensors": "safetensors",
}

# Formats read from the file itself (only a bounded header), not as text.
BINARY_FORMATS = frozenset({"gguf", "safetensors"})
# Dependency files must be read; a reference scan of other files is opportunistic, so an
# oversized one is skipped with a note rather than failing the run.
DEPENDENCY_FORMATS = frozenset({"requirements", "pyproject", "uv-lock", "poetry-lock", "pylock",
                                "pipfile-lock"})

_NOT_CONFIG = frozenset({"package.json", "package-lock.json", "composer.lock", "tsconfig.json",
                         ".license-gate.yaml", ".license-gate.yml", ".pre-commit-config.yaml",
                         ".pre-commit-hooks.yaml", "action.yml", "action.yaml"})
_SCRIPT_NAMES = frozenset({"Dockerfile", "Containerfile", "Makefile", "GNUmakefile", "makefile"})
_CARD_NAMES = frozenset({"readme.md", "model_card.md", "modelcard.md", "dataset_card.md"})


def _is_workflow(p: PurePosixPath) -> bool:
    parts = p.parts
    return (len(parts) >= 3 and parts[-3] == ".github" and parts[-2] == "workflows"
            and p.suffix in (".yml", ".yaml"))


def _is_config(p: PurePosixPath) -> bool:
    return p.suffix.lower() in (".yaml", ".yml", ".json", ".toml") and p.name not in _NOT_CONFIG


def _is_script(p: PurePosixPath) -> bool:
    name = p.name
    return (name in _SCRIPT_NAMES or name.startswith("Dockerfile.") or name.endswith(".dockerfile")
            or p.suffix in (".sh", ".bash", ".zsh", ".mk"))


def _is_modelfile(p: PurePosixPath) -> bool:
    name = p.name
    return name == "Modelfile" or name.startswith("Modelfile.") or name.endswith(".Modelfile")


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
    ("python", lambda p: p.suffix == ".py"),
    ("notebook", lambda p: p.suffix == ".ipynb"),
    ("gguf", lambda p: p.suffix.lower() == ".gguf"),
    ("safetensors", lambda p: p.suffix.lower() == ".safetensors"),
    ("modelfile", _is_modelfile),
    ("model-card", lambda p: p.name.lower() in _CARD_NAMES),
    ("workflow", _is_workflow),
    ("script", _is_script),
    ("config", _is_config),
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


def file_extractor_for(fmt: str) -> FileExtractor:
    module = importlib.import_module(f"license_gate.extract.{_MODULES[fmt]}")
    extract: FileExtractor = module.extract_file
    return extract
