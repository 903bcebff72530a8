"""Extractors: one module per input format, each a pure function from file text to
references. This module holds one record per format (``FORMATS``), and every table the
other stages need (which files discovery keeps, which are binary, which a prefilter may
skip) is derived from those records, so a new format is one module plus one record.
Nothing here imports a parser: discovery runs on a large tree without them.
"""

from __future__ import annotations

import fnmatch
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from license_gate.extract.interface import Extractor, FileExtractor


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


@dataclass(frozen=True)
class FormatSpec:
    """Everything the pipeline knows about one input format.

    ``role`` is ``dependency`` (must be read, an oversized file is an error),
    ``reference`` (scanned for model references; oversized files are skipped with a note)
    or ``binary`` (a bounded header is read from the file itself). ``triggered`` formats
    are parsed only when their bytes contain one of the module's ``TRIGGERS``
    (case-insensitively), which lets a whole-tree prefilter skip most files.
    ``suffixes`` and ``names`` are what a file must have for ``matches`` to be worth
    asking; ``prefixes`` covers names like ``Dockerfile.gpu``.
    """

    name: str
    module: str
    matches: Callable[[_Name], bool]
    role: str = "reference"
    triggered: bool = False
    suffixes: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()


_NOT_CONFIG = frozenset({"package.json", "package-lock.json", "composer.lock", "tsconfig.json",
                         ".license-gate.yaml", ".license-gate.yml", ".pre-commit-config.yaml",
                         ".pre-commit-hooks.yaml", "action.yml", "action.yaml"})
_SCRIPT_NAMES = frozenset({"Dockerfile", "Containerfile", "Makefile", "GNUmakefile", "makefile"})
_CARD_NAMES = frozenset({"readme.md", "model_card.md", "modelcard.md", "dataset_card.md"})
_CONFIG_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".toml"})
_JS_SUFFIXES = frozenset({".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".vue",
                          ".svelte"})
_SCRIPT_SUFFIXES = frozenset({".sh", ".bash", ".zsh", ".mk", ".dockerfile"})


def _is_workflow(p: _Name) -> bool:
    return (len(p.parts) >= 3 and p.parts[-3] == ".github" and p.parts[-2] == "workflows"
            and p.suffix in (".yml", ".yaml"))


def _is_script(p: _Name) -> bool:
    name = p.name
    return (name in _SCRIPT_NAMES or name.startswith(("Dockerfile.", "Containerfile."))
            or name.endswith(".dockerfile") or p.suffix in (".sh", ".bash", ".zsh", ".mk"))


def _is_modelfile(p: _Name) -> bool:
    name = p.name
    return name == "Modelfile" or name.startswith("Modelfile.") or name.endswith(".Modelfile")


def _is_env(p: _Name) -> bool:
    # .env, .env.example, .env.local, app.env; not .envrc or environment.yml
    name = p.name
    return (name == ".env" or name.startswith((".env.", "env.example", "env.sample"))
            or (p.suffix == ".env" and name != ".env"))


def _is_requirements(p: _Name) -> bool:
    name = p.name.lower()
    if not name.endswith((".txt", ".in")):
        return False
    # requirements.txt, requirements-dev.txt, dev-requirements.in, requirements/base.txt
    return "requirements" in name or p.parent.lower() == "requirements"


# Order matters: the first record that matches a file decides its format.
FORMATS: tuple[FormatSpec, ...] = (
    FormatSpec("pyproject", "pyproject", lambda p: p.name == "pyproject.toml", "dependency",
               names=frozenset({"pyproject.toml"})),
    FormatSpec("uv-lock", "uv_lock", lambda p: p.name == "uv.lock", "dependency",
               names=frozenset({"uv.lock"})),
    FormatSpec("poetry-lock", "poetry_lock", lambda p: p.name == "poetry.lock", "dependency",
               names=frozenset({"poetry.lock"})),
    # PEP 751: pylock.toml or pylock.<name>.toml
    FormatSpec("pylock", "pylock", lambda p: fnmatch.fnmatchcase(p.name, "pylock.toml")
               or fnmatch.fnmatchcase(p.name, "pylock.*.toml"), "dependency",
               suffixes=frozenset({".toml"})),
    FormatSpec("pipfile-lock", "pipfile_lock", lambda p: p.name == "Pipfile.lock", "dependency",
               names=frozenset({"Pipfile.lock"})),
    FormatSpec("requirements", "requirements", _is_requirements, "dependency",
               suffixes=frozenset({".txt", ".in"})),
    FormatSpec("python", "python_source", lambda p: p.suffix == ".py", triggered=True,
               suffixes=frozenset({".py"})),
    FormatSpec("notebook", "notebook", lambda p: p.suffix == ".ipynb", triggered=True,
               suffixes=frozenset({".ipynb"})),
    FormatSpec("gguf", "gguf", lambda p: p.suffix == ".gguf", "binary",
               suffixes=frozenset({".gguf"})),
    FormatSpec("safetensors", "safetensors", lambda p: p.suffix == ".safetensors", "binary",
               suffixes=frozenset({".safetensors"})),
    FormatSpec("modelfile", "modelfile", _is_modelfile, names=frozenset({"Modelfile"}),
               prefixes=("Modelfile",), suffixes=frozenset({".modelfile"})),
    FormatSpec("model-card", "model_card", lambda p: p.name.lower() in _CARD_NAMES,
               suffixes=frozenset({".md"})),
    FormatSpec("markdown", "markdown", lambda p: p.suffix in (".md", ".mdx"), triggered=True,
               suffixes=frozenset({".md", ".mdx"})),
    FormatSpec("env", "env_file", _is_env, triggered=True, names=frozenset({".env"}),
               prefixes=(".env.", "env.example", "env.sample"), suffixes=frozenset({".env"})),
    FormatSpec("workflow", "workflow", _is_workflow, triggered=True,
               suffixes=frozenset({".yml", ".yaml"})),
    FormatSpec("script", "scripts", _is_script, triggered=True, names=_SCRIPT_NAMES,
               prefixes=("Dockerfile", "Containerfile"), suffixes=_SCRIPT_SUFFIXES),
    FormatSpec("javascript", "javascript", lambda p: p.suffix in _JS_SUFFIXES
               and not p.name.endswith((".min.js", ".d.ts")), triggered=True,
               suffixes=_JS_SUFFIXES),
    FormatSpec("config", "configs",
               lambda p: p.suffix in _CONFIG_SUFFIXES and p.name not in _NOT_CONFIG,
               triggered=True, suffixes=_CONFIG_SUFFIXES),
)

_BY_NAME = {spec.name: spec for spec in FORMATS}
FORMAT_NAMES = tuple(_BY_NAME)
BINARY_FORMATS = frozenset(s.name for s in FORMATS if s.role == "binary")
# Dependency files must be read; a reference scan of other files is opportunistic, so an
# oversized one is skipped with a note rather than failing the run.
DEPENDENCY_FORMATS = frozenset(s.name for s in FORMATS if s.role == "dependency")
# Formats whose files can hold a reference only if they contain one of their TRIGGERS.
TRIGGERED_FORMATS = frozenset(s.name for s in FORMATS if s.triggered)
_SUFFIXES = frozenset().union(*(s.suffixes for s in FORMATS))
_NAMES = frozenset().union(*(s.names for s in FORMATS))
_PREFIXES = tuple(p for s in FORMATS for p in s.prefixes)


def format_of(path: str) -> str | None:
    """The input format a file name implies, or None when we do not read it."""
    p = _Name.of(path.replace("\\", "/"))
    # Most files in a large tree have no format; rule them out first.
    if p.suffix not in _SUFFIXES and p.name not in _NAMES and not p.name.startswith(_PREFIXES):
        return None
    for spec in FORMATS:
        if spec.matches(p):
            return spec.name
    return None


def _module(fmt: str):  # type: ignore[no-untyped-def]
    return importlib.import_module(f"license_gate.extract.{_BY_NAME[fmt].module}")


def triggers_for(fmt: str) -> tuple[bytes, ...] | None:
    """Lowercase byte strings at least one of which a file of this format must contain
    (case-insensitively) to hold a reference; None when every file must be parsed.
    Checking them on the raw bytes lets a large tree be skimmed without decoding or
    parsing what cannot matter."""
    if not _BY_NAME[fmt].triggered:
        return None
    triggers = getattr(_module(fmt), "TRIGGERS", None)
    return tuple(t.lower().encode() for t in triggers) if triggers else None


def all_triggers() -> tuple[str, ...]:
    """Every trigger of every triggered format, for a whole-tree prefilter."""
    found: dict[str, None] = {}
    for fmt in sorted(TRIGGERED_FORMATS):
        found.update(dict.fromkeys(t.lower() for t in _module(fmt).TRIGGERS))
    return tuple(found)


def extractor_for(fmt: str) -> Extractor:
    extract: Extractor = _module(fmt).extract
    return extract


def file_extractor_for(fmt: str) -> FileExtractor:
    extract: FileExtractor = _module(fmt).extract_file
    return extract
