"""Baseline mode for pull requests: fail only on what the change introduced.

The baseline's inputs are read with ``git ls-tree`` and ``git cat-file --batch`` (the
equivalent of ``git show <ref>:<path>`` for many files in one process), never by
checking out, and written into a scratch directory that the ordinary pipeline then
checks. A finding is new when no baseline finding has the same key: rule and component,
as dependency-review-action matches, or rule, file and message for findings that have
no component (a parse error, an expired exception).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from license_gate.model import Finding, Report

MAX_BLOB_BYTES = 16 * 1024 * 1024


class BaselineError(Exception):
    """The baseline cannot be read; the message says what to do (exit code 2)."""


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        proc = subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True,
                              check=False, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BaselineError(f"cannot run git: {exc}") from exc
    if proc.returncode != 0:
        raise BaselineError(proc.stderr.decode("utf-8", "replace").strip() or "git failed")
    return proc.stdout


def resolve_ref(root: Path, ref: str) -> str:
    if ref.startswith("-"):
        raise BaselineError(f"baseline {ref!r} looks like an option, not a git ref")
    try:
        _git(root, "rev-parse", "--is-inside-work-tree")
    except BaselineError as exc:
        raise BaselineError(f"--baseline needs a git work tree: {exc}") from exc
    try:
        return _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options",
                    f"{ref}^{{commit}}").decode().strip()
    except BaselineError:
        shallow = _git(root, "rev-parse", "--is-shallow-repository").decode().strip() == "true"
        hint = (f"fetch it first, e.g. `git fetch --no-tags --depth=1 origin {ref}` "
                "(with actions/checkout, or set fetch-depth: 0)")
        where = "this shallow clone" if shallow else "this repository"
        raise BaselineError(f"baseline ref {ref!r} is not in {where}: {hint}") from None


def materialise(root: Path, commit: str, dest: Path, wanted: Sequence[str] | None,
                is_input: Callable[[str], bool]) -> int:
    """Write the baseline's candidate input files under ``dest``, keeping their paths
    relative to ``root``. ``wanted``: explicit relative paths, or None for every file that
    ``is_input(path)`` accepts. Returns how many files were written."""
    prefix = _git(root, "rev-parse", "--show-prefix").decode().strip()
    listing = _git(root, "ls-tree", "-r", "-z", "--full-tree", commit, "--", prefix or ".")
    blobs: list[tuple[str, str]] = []  # (object id, path relative to root)
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, oid = meta.decode().split()
        path = raw_path.decode("utf-8", "surrogateescape")
        # Regular files only: symlinks and submodules are not inputs.
        if kind != "blob" or mode not in ("100644", "100755"):
            continue
        relative = path[len(prefix):] if prefix and path.startswith(prefix) else path
        if wanted is not None:
            if relative not in wanted:
                continue
        elif not is_input(relative):
            continue
        blobs.append((oid, relative))
    if not blobs:
        return 0
    batch = _git(root, "cat-file", "--batch", stdin=b"".join(f"{o}\n".encode() for o, _ in blobs))
    offset = 0
    written = 0
    for _oid, relative in blobs:
        header_end = batch.index(b"\n", offset)
        size = int(batch[offset:header_end].split()[2])
        body = batch[header_end + 1: header_end + 1 + size]
        offset = header_end + 1 + size + 1  # the object and its trailing newline
        if size > MAX_BLOB_BYTES:
            continue
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        written += 1
    return written


def finding_key(finding: Finding) -> tuple[str, str, str]:
    if finding.component:
        # Versions change in a PR without making an old problem new.
        return finding.rule, finding.component.split("@", 1)[0], ""
    where = finding.places[0].path if finding.places else ""
    return finding.rule, where, finding.message


def only_new(current: Report, baseline: Report, ref: str) -> Report:
    """The current report with the findings already present at the baseline taken out."""
    seen = {finding_key(f) for f in baseline.findings}
    kept = tuple(f for f in current.findings if finding_key(f) not in seen)
    dropped = len(current.findings) - len(kept)
    note = (f"baseline {ref}: {dropped} finding(s) already present there were not counted; "
            f"{len(kept)} new")
    return replace(current, findings=kept, notes=(*current.notes, note))
