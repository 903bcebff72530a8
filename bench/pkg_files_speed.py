"""What reading licence files and splitting texts costs a warm check (issue 13: at most
10% on a 300-package check).

The 300 packages are real: the first 300 distributions of the package-licence corpus
(``tests/assets/pkgmeta/``: real METADATA headers and licence files), laid out as
``<name>-<version>.dist-info`` folders on ``PYTHONPATH``, with an empty ``<pkg>.libs/``
file for each vendored library the snapshot lists. A requirements file pins all 300, and
``license-gate check --offline`` resolves them from the installed metadata (the warm
path: nothing to fetch). The same run is timed for this checkout and for a base revision
(a ``git worktree``), alternating, so both see the same machine state.

    python bench/pkg_files_speed.py [--base 68578db] [--reps 41] [--count 300]
"""

from __future__ import annotations

import argparse
import email.parser
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT / "tests" / "assets" / "pkgmeta"


def build(work: Path, count: int) -> tuple[Path, Path]:
    site, repo = work / "site", work / "repo"
    site.mkdir()
    repo.mkdir()
    pins = []
    for snapshot in sorted(p for p in CORPUS.iterdir() if p.is_dir())[:count]:
        headers = email.parser.HeaderParser().parsestr((snapshot / "METADATA").read_text("utf-8"))
        name, version = headers["Name"], headers["Version"]
        info = site / f"{name.replace('-', '_')}-{version}.dist-info"
        shutil.copytree(snapshot, info, ignore=shutil.ignore_patterns("files.txt"))
        listed = snapshot / "files.txt"
        for lib in (listed.read_text("utf-8").split() if listed.exists() else []):
            (site / lib).parent.mkdir(parents=True, exist_ok=True)
            (site / lib).write_bytes(b"")
        pins.append(f"{name}=={version}")
    (repo / "requirements.txt").write_text("\n".join(pins) + "\n")
    return site, repo


def run(src: Path, site: Path, repo: Path) -> tuple[float, float, int]:
    """Wall time, CPU time (user + system, of the child alone) and licences resolved.
    CPU time is reported beside wall time because this 2-core machine's wall times of a
    quarter-second run swing by +-10% between identical runs; CPU time is steadier."""
    env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{site}",
           "LICENSE_GATE_CACHE_DIR": str(repo.parent / "cache")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "license_gate", "check", str(repo), "--offline",
                           "--format", "json"], env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise SystemExit(f"check failed ({done.returncode}): {done.stderr[-2000:]}")
    import json

    components = json.loads(done.stdout)["components"]
    return took, cpu, sum(1 for c in components if c["license"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="68578db", help="revision to compare with")
    parser.add_argument("--reps", type=int, default=41)
    parser.add_argument("--count", type=int, default=300)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=os.environ.get("LICENSE_GATE_BENCH_DIR")) as tmp:
        work = Path(tmp)
        site, repo = build(work, args.count)
        base = work / "base"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base), args.base],
                       check=True, capture_output=True)
        try:
            # Byte-compile both trees as pip does on install: with PYTHONDONTWRITEBYTECODE
            # set, every run would otherwise compile the sources again, and the larger
            # tree would pay for it.
            for src in (base / "src", ROOT / "src"):
                subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], check=True)
            times: dict[str, list[float]] = {"base": [], "head": []}
            cpus: dict[str, list[float]] = {"base": [], "head": []}
            found: dict[str, int] = {}
            for src in (base / "src", ROOT / "src"):
                run(src, site, repo)  # warm the OS file cache and Python's bytecode
            pairs = (("base", base / "src"), ("head", ROOT / "src"))
            for rep in range(args.reps):
                # ABBA order, so that neither revision always runs second
                for label, src in (pairs if rep % 2 == 0 else pairs[::-1]):
                    took, cpu, resolved = run(src, site, repo)
                    times[label].append(took)
                    cpus[label].append(cpu)
                    found[label] = resolved
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)],
                           capture_output=True)
    wall = {k: statistics.median(v) for k, v in times.items()}
    cpu = {k: statistics.median(v) for k, v in cpus.items()}
    print(f"| revision | wall, median of {args.reps} (s) | CPU, median (s) | "
          f"licences resolved of {args.count} |")
    print("|---|---|---|---|")
    print(f"| {args.base} (headers only) | {wall['base']:.3f} | {cpu['base']:.3f} | {found['base']} |")
    print(f"| this checkout (headers + licence files) | {wall['head']:.3f} | {cpu['head']:.3f} | "
          f"{found['head']} |")
    # The machine's speed drifts between runs by more than the difference measured, so
    # each repetition's pair is compared, and the median of those ratios reported.
    paired = statistics.median(h / b for h, b in zip(cpus["head"], cpus["base"], strict=True))
    print(f"\nslower by {(wall['head'] / wall['base'] - 1):+.1%} (wall medians), "
          f"{(cpu['head'] / cpu['base'] - 1):+.1%} (CPU medians), "
          f"{paired - 1:+.1%} (median of paired CPU ratios)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
