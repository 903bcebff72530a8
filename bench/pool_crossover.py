"""Where a pool of extraction processes starts to pay: generated repositories of N
Python files (each loads a model and defines F one-line functions), checked offline
without a cache with ``--workers 1`` and ``--workers 2``, best of ``--reps``.

    python bench/pool_crossover.py [--reps 5]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# (files, functions per file): about 3 KB and 19 KB of Python a file
CASES = [(4, 100), (8, 100), (16, 100), (16, 600), (32, 600), (64, 600), (128, 600)]


def make(root: Path, files: int, functions: int) -> Path:
    repo = root / f"r{files}x{functions}"
    repo.mkdir()
    body = "".join(f"def f{i}(x):\n    return x + {i}\n" for i in range(functions))
    for i in range(files):
        (repo / f"m{i}.py").write_text("from transformers import AutoModel\n"
                                       f'AutoModel.from_pretrained("org/m{i}")\n' + body)
    return repo


def best(repo: Path, workers: int, reps: int) -> float:
    gate = str(Path(sys.executable).parent / "license-gate")
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        subprocess.run([gate, "check", str(repo), "--offline", "--no-cache", "--workers",
                        str(workers), "--format", "json", "--output", "/dev/null"],
                       capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    print("| files | size each | 1 process (s) | 2 processes (s) |")
    print("|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as scratch:
        for files, functions in CASES:
            repo = make(Path(scratch), files, functions)
            size = (repo / "m0.py").stat().st_size // 1000
            print(f"| {files} | {size} KB | {best(repo, 1, args.reps):.2f} | "
                  f"{best(repo, 2, args.reps):.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
