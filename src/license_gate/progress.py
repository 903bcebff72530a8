"""Progress on stderr for a run long enough to wonder about: files scanned, components
being resolved, registry requests answered. Shown only on a terminal (or when asked for
with --progress), never in CI logs, pre-commit output or a pipe, and only once a run has
lasted ``DELAY`` seconds, so a quick run prints nothing at all.

A few lines rather than a library: one status line, rewritten in place, is all it needs,
and the hook stays light to import.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import Protocol, TextIO

DELAY = 2.0  # seconds before anything is shown
_INTERVAL_TTY = 0.1  # redraws a second, at most ten
_INTERVAL_LOG = 5.0  # a forced progress into a log: a line every five seconds


class ProgressSink(Protocol):
    """What the pipeline and the HTTP clients report to; counts per stage."""

    def set(self, stage: str, done: int, total: int) -> None: ...

    def add(self, stage: str, done: int = 0, total: int = 0) -> None: ...

    def close(self) -> None: ...


def wanted(flag: bool | None, stream: TextIO, environ: Mapping[str, str] = os.environ) -> bool:
    """``--progress`` (True) or ``--no-progress`` (False) decide; otherwise only on a
    terminal, and not under CI or pre-commit (which set CI and PRE_COMMIT)."""
    if flag is not None:
        return flag
    if environ.get("CI") or environ.get("PRE_COMMIT"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


class Progress:
    """A status line on ``stream``: rewritten in place on a terminal, one line every few
    seconds otherwise. Safe to call from the resolvers' worker threads."""

    def __init__(self, stream: TextIO, delay: float | None = None,
                 clock: Callable[[], float] = time.monotonic, columns: int | None = None) -> None:
        self._stream = stream
        self._clock = clock
        self._start = self._clock()
        self._delay = DELAY if delay is None else delay
        self._tty = _isatty(stream)
        if columns is None and self._tty:
            import shutil

            columns = shutil.get_terminal_size((80, 24)).columns
        # one column short: a line that fills the terminal wraps, and \r then misses it
        self._columns = max(20, (columns or 1000) - 1)
        self._interval = _INTERVAL_TTY if self._tty else _INTERVAL_LOG
        self._last = float("-inf")
        self._shown = False
        self._width = 0
        self._lock = threading.Lock()
        self._counts: dict[str, list[int]] = {}

    def set(self, stage: str, done: int, total: int) -> None:
        with self._lock:
            self._counts[stage] = [done, total]
            self._draw()

    def add(self, stage: str, done: int = 0, total: int = 0) -> None:
        with self._lock:
            count = self._counts.setdefault(stage, [0, 0])
            count[0] += done
            count[1] += total
            self._draw()

    def line(self) -> str:
        parts = [f"{stage} {done:,}/{total:,}" if total else f"{stage} {done:,}"
                 for stage, (done, total) in self._counts.items()]
        return f"license-gate: {' · '.join(parts)} ({self._clock() - self._start:.0f} s)"

    def _draw(self) -> None:
        now = self._clock()
        if now - self._start < self._delay or now - self._last < self._interval:
            return
        self._last = now
        text = self.line()[:self._columns] if self._tty else self.line()
        try:
            if self._tty:
                self._stream.write("\r" + text + " " * max(0, self._width - len(text)))
            else:
                self._stream.write(text + "\n")
            self._stream.flush()
        except (OSError, ValueError):  # stderr closed: progress is never worth failing for
            return
        self._width = len(text)
        self._shown = True

    def close(self) -> None:
        """Clear the status line, so the report starts on a clean line."""
        with self._lock:
            if self._shown and self._tty:
                try:
                    self._stream.write("\r" + " " * self._width + "\r")
                    self._stream.flush()
                except (OSError, ValueError):
                    pass
            self._shown = False


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
