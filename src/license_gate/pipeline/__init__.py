"""The check pipeline, one function for the command line, the action and the bench:
``check(paths, root, policy, options) -> Report``.

Stages: discover the files (``license_gate.discover``), ``scan`` them into references,
``judge`` those (resolve, then evaluate against the policy), and, with a baseline, keep
only what is new since it. Nothing here parses arguments, prints or picks an exit code.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from license_gate.pipeline.extraction import Extracted, scan
from license_gate.pipeline.judgement import judge
from license_gate.pipeline.options import CheckOptions

if TYPE_CHECKING:
    from license_gate.model import Report
    from license_gate.policy import Policy

__all__ = ["CheckOptions", "Extracted", "against_baseline", "check", "judge",
           "scan", "scan_paths"]


def scan_paths(paths: Sequence[str], root: Path, policy_exclude: Sequence[str],
               options: CheckOptions) -> Extracted:
    """Discover and scan: the policy's ``paths.exclude`` and the options' exclusions both
    leave files unread."""
    from license_gate.discover import discover
    from license_gate.pipeline.extraction import _Remembered

    exclude = (*policy_exclude, *options.exclude)
    opened: list[_Remembered | None] = []

    def cached(folder: Path) -> bool:
        # opened only once a folder has files to read: a run with nothing to check opens
        # no database
        if not opened:
            opened.append(_Remembered.open(options))
        return opened[0] is not None and opened[0].knows(folder)

    found = discover(list(paths), root, exclude, cached=cached)
    return scan(found, root, options, remembered=opened[0] if opened else None)


def against_baseline(report: Report, commit: str, label: str, paths: Sequence[str], root: Path,
                     policy: Policy, options: CheckOptions) -> Report:
    """Only the findings that are new since ``commit``: the baseline's files are read
    from git into a scratch folder (never checked out) and judged under the same policy.
    Raises ``BaselineError`` when git cannot give them."""
    import os
    import tempfile

    from license_gate.baseline import materialise, only_new
    from license_gate.extract import format_of

    whole = list(paths) == ["."] or (len(paths) == 1 and os.path.isdir(paths[0]))
    explicit = None if whole else [_display_of(Path(p), root) for p in paths]
    with tempfile.TemporaryDirectory(prefix="license-gate-baseline-") as scratch:
        base_root = Path(scratch)
        materialise(root, commit, base_root, explicit, lambda path: format_of(path) is not None)
        base = judge(base_root, policy,
                     scan_paths([str(base_root)], base_root, policy.exclude, options), options)
    return only_new(report, base, label)


def check(paths: Sequence[str], root: Path, policy: Policy, options: CheckOptions,
          baseline: tuple[str, str] | None = None) -> Report:
    """The whole run. ``baseline``: (commit, the ref as the user named it)."""
    report = judge(root, policy, scan_paths(paths, root, policy.exclude, options), options)
    if baseline is not None:
        report = against_baseline(report, *baseline, paths, root, policy, options)
    return report


def _display_of(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
