"""Decide which files to read.

Order of preference: the file names given (pre-commit passes them), else ``git ls-files``
when the directory is a git work tree (so ignored files stay ignored), else a walk that
skips virtual environments and vendored trees. Files above a size bound are never read,
and symlinks that leave the tree are never followed.
"""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from license_gate.extract import (
    BINARY_FORMATS,
    DEPENDENCY_FORMATS,
    TRIGGERED_FORMATS,
    all_triggers,
    format_of,
)
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
    """Whether a path, its links followed, stays in the tree. os.path.realpath, not
    Path.resolve: on Python before 3.13 the latter raises RuntimeError on a symlink loop,
    which the caller then meets as ELOOP from os.stat and reports."""
    real = Path(os.path.realpath(path))
    top = Path(os.path.realpath(root))
    return real == top or top in real.parents


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


def _git_grep(directory: Path, needles: Sequence[str]) -> set[str] | None:
    """Files (tracked, or untracked and not ignored) that contain any needle, found by
    ``git grep`` in one multi-threaded pass; None when git cannot answer. Reading every
    source and config file of a large tree in Python only to find that most hold no
    model reference would cost many times more."""
    args = ["git", "-C", str(directory), "grep", "-l", "-z", "-F", "-i", "--untracked", "--no-color"]
    for needle in needles:
        args += ["-e", needle]
    try:
        proc = subprocess.run(args, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode not in (0, 1):  # 1 means "no match", which is an answer
        return None
    return {p for p in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if p}


def _walk(directory: Path) -> Iterable[str]:
    for current, dirs, files in os.walk(directory, followlinks=False):
        dirs[:] = sorted(
            d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info")
            and not (d.startswith(".") and d not in (".github",))
        )
        rel = Path(current).relative_to(directory)
        for name in sorted(files):
            yield (rel / name).as_posix()


def _listed(directory: Path) -> tuple[list[str], bool]:
    """(files to consider, whether git listed them)."""
    listed = _git_files(directory)
    if listed is None:
        return list(_walk(directory)), False
    return [p for p in listed if not any(part in SKIP_DIRS for part in p.split("/")[:-1])], True


def excluded(display: str, globs: Sequence[str]) -> bool:
    """Whether a repository path matches one of ``globs``: a glob on the whole path
    (``charts/*/templates/*.yaml``, ``*`` crossing folders), a folder and everything under
    it (``charts``, ``charts/``, ``charts/**``), a name anywhere (``*.j2``, ``values.yaml``),
    or ``**/`` followed by any of these."""
    import fnmatch

    name = display.rsplit("/", 1)[-1]
    for glob in globs:
        glob = glob.strip().removeprefix("./")
        anywhere = glob.startswith("**/")
        pattern = glob[3:] if anywhere else glob
        folder = pattern.removesuffix("/**").rstrip("/")
        # "**/x" is "x" tried from every folder down the path
        tails = [display] + ([display[i + 1:] for i, c in enumerate(display) if c == "/"]
                             if anywhere else [])
        for tail in tails:
            if (fnmatch.fnmatchcase(tail, pattern) or tail.startswith(folder + "/")
                    or ("/" not in pattern and fnmatch.fnmatchcase(name, pattern))):
                return True
    return False


def discover(paths: Sequence[str], root: Path, exclude: Sequence[str] = (),
             cached: Callable[[Path], bool] | None = None) -> Discovery:
    """Find the inputs under ``paths`` (files or directories), displayed relative to root,
    leaving out what ``exclude`` matches.

    A folder's files are prefiltered by ``git grep`` for the extractors' trigger words,
    unless ``cached(folder)`` says the extraction cache knows them from an earlier run:
    git reads every file to answer, while the cache answers for an unchanged file by its
    stat, and a changed file without a trigger is then found so by its extractor (which
    checks the same words), with the same result."""
    root = root.resolve()
    inputs: dict[Path, Input] = {}
    problems: list[ParseError] = []
    skipped: list[str] = []
    left_out = 0

    def consider(path: Path, fmt: str | None, explicit: bool, display: str | None = None) -> None:
        nonlocal left_out
        if fmt is None:
            return
        display = display or _display(path, root)
        if exclude and excluded(display, exclude):
            left_out += 1
            return
        try:
            # One lstat tells both whether it is a symlink and, usually, its size.
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                if not _inside(path, root):
                    skipped.append(f"{display}: a symlink out of the repository; not read")
                    return
                info = os.stat(path)
        except OSError as exc:
            # a symlink loop (ELOOP) or a file gone since it was listed
            if explicit:
                problems.append(ParseError(Place(display), f"cannot read: {exc.strerror}"))
            else:
                skipped.append(f"{display}: {exc.strerror}; not read")
            return
        if not stat.S_ISREG(info.st_mode):
            # a FIFO would block the run for ever, a device never end: never opened
            what = ("a named pipe" if stat.S_ISFIFO(info.st_mode) else "a socket"
                    if stat.S_ISSOCK(info.st_mode) else "a device"
                    if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else "not a file")
            if explicit:
                problems.append(ParseError(Place(display), f"{what}, not a regular file; not read"))
            else:
                skipped.append(f"{display}: {what}, not a regular file; not read")
            return
        size = info.st_size
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
            prefix = _display(path, root)
            prefix = "" if prefix in (".", "") else prefix + "/"
            if prefix.startswith("/"):
                prefix = path.as_posix() + "/"
            base = str(path)
            files, in_git = _listed(path)
            formats = [(rel, fmt) for rel in files if (fmt := format_of(rel)) is not None]
            triggered: set[str] | None = None
            if in_git and any(fmt in TRIGGERED_FORMATS for _, fmt in formats) \
                    and not (cached is not None and cached(path)):
                triggered = _git_grep(path, all_triggers())
            for rel, fmt in formats:
                # Most files of a large tree: sources and configs without any trigger.
                if triggered is not None and fmt in TRIGGERED_FORMATS and rel not in triggered:
                    continue
                consider(Path(base, rel), fmt, explicit=False, display=prefix + rel)
        elif os.path.lexists(path):
            # A file named on the command line is read even if its name is unusual:
            # anything we cannot place is taken to be a requirements file.
            consider(path, format_of(path.name) or "requirements", explicit=True)
        else:
            problems.append(ParseError(Place(_display(path, root)), "no such file or directory"))
    ordered = sorted(inputs.values(), key=lambda i: i.display)
    if left_out:
        skipped.append(f"{left_out} file(s) left out by paths.exclude / --exclude")
    return Discovery(root, tuple(ordered), tuple(problems), tuple(skipped))
