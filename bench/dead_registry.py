"""What a run costs when the package registry is not there (issue 15: a 5-package run
under 2 s with the registry refusing connections; a host that accepts and never answers
costs one --timeout, not one per package).

Three hosts on 127.0.0.1: a closed port (connection refused), a listener that accepts
and never answers, and, for scale, nothing else. ``license-gate check`` runs on a
repository pinning N packages (default 5) with the default retries and backoff, and
``--timeout 2`` for the silent host.

    python bench/dead_registry.py [--count 5] [--reps 3]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def run(repo: Path, url: str, extra: list[str]) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_"))}
    env["PIP_CONFIG_FILE"] = os.devnull
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "license_gate", "check", str(repo), "--no-cache",
                    "--pypi-url", url, *extra], env=env, capture_output=True)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=5)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args(argv)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(256)
    held: list[socket.socket] = []
    threading.Thread(target=lambda: [held.append(silent.accept()[0]) for _ in iter(int, 1)],
                     daemon=True).start()
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp)
        (repo / "requirements.txt").write_text(
            "".join(f"bench-dead-{i:03d}==1.0\n" for i in range(args.count)))
        rows = [
            ("connection refused", statistics.median(
                run(repo, f"http://127.0.0.1:{closed}/pypi", []) for _ in range(args.reps))),
            ("accepts, never answers (--timeout 2)", statistics.median(
                run(repo, f"http://127.0.0.1:{silent.getsockname()[1]}/pypi", ["--timeout", "2"])
                for _ in range(args.reps))),
        ]
    print(f"| registry, {args.count} packages | median of {args.reps} (s) |")
    print("|---|---|")
    for label, took in rows:
        print(f"| {label} | {took:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
