"""Extractors: one module per input format, each a pure function from file text to
references. This module only knows which file names belong to which format, so that
discovery can run without importing any parser."""

from __future__ import annotations

import fnmatch
import importlib
from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class _Name:
    """A file path split once into the pieces the matchers look at (no pathlib: format
    detection runs for every file of a large tree)."""

    parts: tuple[str, ...]
    name: str
    suffix: str  # lowercased, with the dot

    @classmethod
    def of(cls, path: str) -> _Name:
        parts = tuple(path.split("/"))
        name = parts[-1]
        dot = name.rfind(".")
        return cls(parts, name, name[dot:].lower() if dot > 0 else "")

    @property
    def parent(self) -> str:
        return self.parts[-2] if len(self.parts) > 1 else ""


def _is_workflow(p: _Name) -> bool:
    return (len(p.parts) >= 3 and p.parts[-3] == ".github" and p.parts[-2] == "workflows"
            and p.suffix in (".yml", ".yaml"))


def _is_config(p: _Name) -> bool:
    return p.suffix in (".yaml", ".yml", ".json", ".toml") and p.name not in _NOT_CONFIG


def _is_script(p: _Name) -> bool:
    name = p.name
    return (name in _SCRIPT_NAMES or name.startswith("Dockerfile.") or name.endswith(".dockerfile")
            or p.suffix in (".sh", ".bash", ".zsh", ".mk"))


def _is_modelfile(p: _Name) -> bool:
    name = p.name
    return name == "Modelfile" or name.startswith("Modelfile.") or name.endswith(".Modelfile")


def _is_requirements(p: _Name) -> bool:
    name = p.name.lower()
    if not name.endswith((".txt", ".in")):
        return False
    # requirements.txt, requirements-dev.txt, dev-requirements.in, requirements/base.txt
    return "requirements" in name or p.parent.lower() == "requirements"


_MATCHERS: list[tuple[str, Callable[[_Name], bool]]] = [
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
    ("gguf", lambda p: p.suffix == ".gguf"),
    ("safetensors", lambda p: p.suffix == ".safetensors"),
    ("modelfile", _is_modelfile),
    ("model-card", lambda p: p.name.lower() in _CARD_NAMES),
    ("workflow", _is_workflow),
    ("script", _is_script),
    ("config", _is_config),
]

FORMATS = tuple(_MODULES)


_INTERESTING_SUFFIXES = frozenset({
    ".txt", ".in", ".toml", ".lock", ".py", ".ipynb", ".gguf", ".safetensors", ".md", ".yml",
    ".yaml", ".json", ".sh", ".bash", ".zsh", ".mk", ".dockerfile", ".modelfile",
})


def format_of(path: str) -> str | None:
    """The input format a file name implies, or None when we do not read it."""
    p = _Name.of(path.replace("\\", "/"))
    # Most files in a large tree have no format; rule them out first.
    if (p.suffix not in _INTERESTING_SUFFIXES and p.name not in _SCRIPT_NAMES
            and p.name != "Pipfile.lock" and not p.name.startswith(("Modelfile", "Dockerfile"))):
        return None
    for fmt, matches in _MATCHERS:
        if matches(p):
            return fmt
    return None


def triggers_for(fmt: str) -> tuple[bytes, ...] | None:
    """Byte strings at least one of which a file of this format must contain to hold a
    reference; None when every file must be parsed. Checking them on the raw bytes lets a
    large tree be skimmed without decoding or parsing what cannot matter."""
    module = importlib.import_module(f"license_gate.extract.{_MODULES[fmt]}")
    triggers = getattr(module, "TRIGGERS", None)
    return tuple(t.encode() for t in triggers) if triggers else None


# Formats whose files can hold a reference only if they contain one of their TRIGGERS.
TRIGGERED_FORMATS = frozenset({"python", "notebook", "config", "workflow", "script"})


def all_triggers() -> tuple[str, ...]:
    """Every trigger of every triggered format, for a whole-tree prefilter."""
    found: dict[str, None] = {}
    for fmt in sorted(TRIGGERED_FORMATS):
        module = importlib.import_module(f"license_gate.extract.{_MODULES[fmt]}")
        found.update(dict.fromkeys(module.TRIGGERS))
    return tuple(found)


def extractor_for(fmt: str) -> Extractor:
    module = importlib.import_module(f"license_gate.extract.{_MODULES[fmt]}")
    extract: Extractor = module.extract
    return extract


def file_extractor_for(fmt: str) -> FileExtractor:
    module = importlib.import_module(f"license_gate.extract.{_MODULES[fmt]}")
    extract: FileExtractor = module.extract_file
    return extract
