"""Timing and peak memory of one command, measured the same way for every tool.

Peak RSS comes from ``ru_maxrss``. On Linux a new process inherits the high-water mark of
the process that spawned it (exec records the old address space's peak), so measuring
from the benchmark driver would floor every figure at the driver's own size, tens of MB.
Each repetition therefore goes through a launcher: a bare ``python -S`` that does nothing
but spawn the command and report its ``wait4`` usage. The launcher's own ~8 MB is the
floor, below any tool measured here, and wall time is taken inside the launcher, so its
start-up is not counted either.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

LAUNCHER = (
    "import os, sys, time\n"
    "fd = int(sys.argv[1]); cmd = sys.argv[2:]\n"
    "start = time.perf_counter()\n"
    "pid = os.posix_spawnp(cmd[0], cmd, os.environ)\n"
    "_, status, usage = os.wait4(pid, 0)\n"
    "wall = time.perf_counter() - start\n"
    "os.write(fd, f'{wall} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}'.encode())\n"
)

# A repetition slower than this is not repeated: a cell that takes minutes is dominated
# by the work, not by noise, and the table says how many runs it is based on.
SLOW_SECONDS = 20.0
# A run still going after this is stopped and reported as such.
TIMEOUT_SECONDS = 600.0


@dataclass(frozen=True)
class Measure:
    wall: float
    rss_mb: float
    code: int
    stdout: str
    stderr: str
    runs: int
    timed_out: bool = False


def measure(cmd: list[str], reps: int, env: dict[str, str] | None = None,
            cwd: Path | None = None, before: Callable[[], object] | None = None) -> Measure:
    """Median wall time and largest peak RSS over ``reps`` runs of ``cmd``.

    ``before`` runs ahead of every repetition (for example to empty a cache)."""
    walls: list[float] = []
    rss = 0.0
    code = 0
    stdout = stderr = ""
    for _ in range(reps):
        if before is not None:
            before()
        read, write = os.pipe()
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            proc = subprocess.Popen([sys.executable, "-S", "-c", LAUNCHER, str(write), *cmd],
                                    stdout=out, stderr=err, env=env, cwd=cwd, pass_fds=(write,),
                                    start_new_session=True)
            os.close(write)
            try:
                proc.wait(timeout=TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                os.close(read)
                return Measure(TIMEOUT_SECONDS, rss, -9, "", "", len(walls) + 1, timed_out=True)
            with os.fdopen(read, "rb") as pipe:
                report = pipe.read().decode()
            if proc.returncode != 0 or not report:
                err.seek(0)
                raise RuntimeError(f"launcher failed for {cmd[0]}: {err.read().decode()[-500:]}")
            wall, maxrss_kb, exit_code = report.split()
            walls.append(float(wall))
            rss = max(rss, int(maxrss_kb) / 1024)
            code = int(exit_code)
            out.seek(0)
            stdout = out.read().decode("utf-8", "replace")
            err.seek(0)
            stderr = err.read().decode("utf-8", "replace")
        if walls[-1] > SLOW_SECONDS:
            break
    return Measure(statistics.median(walls), rss, code, stdout, stderr, len(walls))
