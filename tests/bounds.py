"""Bounds for property-based cases: every generated input is parsed under a memory and a
time budget, and counted, so the run can report how many cases each parser saw.

A parser that hangs must fail the test rather than stall the suite, so the time bound is
an interval timer whose exception derives from BaseException: a parser's own
``except Exception`` cannot swallow it. The memory bound is the peak of Python
allocations during the case (tracemalloc), which is what a crafted length field or an
alias flood would blow up.
"""

from __future__ import annotations

import signal
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

# Inputs are at most a few kilobytes; a parser that needs more than this for one of them
# has a blow-up, not a large input.
MEMORY_LIMIT = 16 * 2**20
TIME_LIMIT = 5.0

CASES: Counter[str] = Counter()
PEAKS: dict[str, int] = {}


class CaseTimeout(BaseException):
    """Raised inside a case that runs past TIME_LIMIT."""


def _alarm(signum: int, frame: Any) -> None:
    raise CaseTimeout(f"case ran past {TIME_LIMIT} s")


def bounded(name: str, parse: Callable[..., T], *args: Any) -> T:
    """``parse(*args)`` under the bounds; the case is counted under ``name``. An
    exception from ``parse`` (a PolicyError, say) is re-raised after the bounds are
    checked: an input rejected slowly or expensively still fails."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    start = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT)
    try:
        return parse(*args)
    except CaseTimeout as exc:
        raise AssertionError(f"{name}: one case ran past {TIME_LIMIT} s") from exc
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        if not tracing:
            tracemalloc.stop()
        CASES[name] += 1
        PEAKS[name] = max(PEAKS.get(name, 0), peak)
        assert peak < MEMORY_LIMIT, f"{name}: one case allocated {peak:,} bytes at peak"
        # C code (a regular expression, say) only sees the timer when it returns, so
        # the elapsed time is checked as well
        assert elapsed < TIME_LIMIT * 1.5, f"{name}: one case took {elapsed:.1f} s"


def summary() -> list[str]:
    """Lines for the end of the test run."""
    if not CASES:
        return []
    total = sum(CASES.values())
    lines = [f"{total:,} generated cases across {len(CASES)} parsers, each under "
             f"{MEMORY_LIMIT // 2**20} MiB and {TIME_LIMIT:.0f} s:"]
    for name in sorted(CASES):
        lines.append(f"  {name}: {CASES[name]:,} cases, largest peak {PEAKS[name] / 1024:,.0f} KiB")
    return lines
