"""Decide which files to read.

Order of preference: the file names given (pre-commit passes them), else ``git ls-files``
when the directory is a git work tree (so ignored files stay ignored), else a walk that
skips virtual environments and vendored trees. Files above a size bound are never read,
and symlinks that leave the tree are never followed.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from license_gate.extract import BINARY_FORMATS, DEPENDENCY_FORMATS, format_of
from license_gate.model import ParseError, Place

MAX_FILE_BYTES = 20 * 1024 * 1024

# Directories that hold installed or vendored code rather than the project's own inputs.
SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", ".venv", "venv", "env", ".env", ".tox", ".nox", "node_modules",
    "site-packages", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    "build", "dist", "vendor", "_vendor", "third_party", ".eggs",
})


@dataclass(frozen=True)
class Input:
    path: Path  # absolute
    display: str  # relative to the root, with forward slashes
    format: str


@dataclass(frozen=True)
class Discovery:
    root: Path
    inputs: tuple[Input, ...]
    problems: tuple[ParseError, ...]
    skipped: tuple[str, ...] = ()  # opportunistic files not read, with why


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except (ValueError, OSError):
        return False


def _git_files(directory: Path) -> list[str] | None:
    """Tracked plus untracked-but-not-ignored files, or None outside a git work tree."""
    try:
        proc = subprocess.run(
            ["git", "-C", str(directory), "ls-files", "-z", "--cached", "--others",
             "--exclude-standard"],
            capture_output=True, timeout=30, check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        return None
    return [p for p in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if p]


def _walk(directory: Path) -> Iterable[str]:
    for current, dirs, files in os.walk(directory, followlinks=False):
        dirs[:] = sorted(
            d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info")
            and not (d.startswith(".") and d not in (".github",))
        )
        rel = Path(current).relative_to(directory)
        for name in sorted(files):
            yield (rel / name).as_posix()


def _candidate_files(directory: Path) -> Iterable[str]:
    listed = _git_files(directory)
    if listed is None:
        return _walk(directory)
    return (
        p for p in listed
        if not any(part in SKIP_DIRS for part in p.split("/")[:-1])
    )


def discover(paths: Sequence[str], root: Path) -> Discovery:
    """Find the inputs under ``paths`` (files or directories), displayed relative to root."""
    root = root.resolve()
    inputs: dict[Path, Input] = {}
    problems: list[ParseError] = []
    skipped: list[str] = []

    def consider(path: Path, fmt: str | None, explicit: bool) -> None:
        display = _display(path, root)
        if fmt is None:
            return
        if path.is_symlink() and not _inside(path, root):
            problems.append(ParseError(Place(display), "symlink points outside the repository; not read"))
            return
        try:
            size = path.stat().st_size
        except OSError as exc:
            if explicit:
                problems.append(ParseError(Place(display), f"cannot read: {exc.strerror}"))
            return
        # Binary model files are read only up to their bounded header, whatever their size.
        if size > MAX_FILE_BYTES and fmt not in BINARY_FORMATS:
            why = f"{display}: {size} bytes, above the {MAX_FILE_BYTES}-byte bound; not read"
            if fmt in DEPENDENCY_FORMATS or explicit:
                problems.append(ParseError(Place(display), why))
            else:
                skipped.append(why)
            return
        inputs.setdefault(path, Input(path, display, fmt))

    for raw in paths:
        path = (Path.cwd() / raw) if not os.path.isabs(raw) else Path(raw)
        path = Path(os.path.normpath(path))
        if path.is_dir():
            for rel in _candidate_files(path):
                fmt = format_of(rel)
                if fmt is not None:
                    consider(path / rel, fmt, explicit=False)
        elif path.exists() or path.is_symlink():
            # A file named on the command line is read even if its name is unusual:
            # anything we cannot place is taken to be a requirements file.
            consider(path, format_of(path.name) or "requirements", explicit=True)
        else:
            problems.append(ParseError(Place(_display(path, root)), "no such file or directory"))
    ordered = sorted(inputs.values(), key=lambda i: i.display)
    return Discovery(root, tuple(ordered), tuple(problems), tuple(skipped))
