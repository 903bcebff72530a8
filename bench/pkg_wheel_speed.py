"""What reading wheels' licence files with HTTP range requests costs a cold check.

bench/fake_registry.py serves 300 generated packages with 50 ms added to every request.
In ``vague`` mode every fourth package states only the "BSD License" classifier and
lists a ~300 KB wheel served with range support, so license-gate reads the wheel's
directory and licence file (two ranged requests) to name the variant; otherwise the same
packages state exact licences and no wheel is read. Each cold run starts from an empty
cache; the warm run follows it on the filled cache.

    python bench/pkg_wheel_speed.py [--count 300] [--latency 50] [--reps 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import fake_registry  # noqa: E402


def check(repo: Path, url: str, cache: Path) -> tuple[float, dict[str, int]]:
    env = {**os.environ, "LICENSE_GATE_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "license_gate", "check", str(repo), "--pypi-url",
                           url, "--format", "json"], env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"check failed ({done.returncode}): {done.stderr[-2000:]}")
    components = json.loads(done.stdout)["components"]
    licences = [c["license"] or "unknown" for c in components]
    return took, {"BSD-3-Clause": licences.count("BSD-3-Clause"),
                  "BSD unspecified": sum("BSD-unspecified" in x for x in licences),
                  "unknown": licences.count("unknown")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--latency", type=int, default=50)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(dir=os.environ.get("LICENSE_GATE_BENCH_DIR")) as tmp:
        repo = Path(tmp) / "repo"
        repo.mkdir()
        (repo / "requirements.txt").write_text("".join(
            "{}=={}\n".format(*fake_registry.package(i)) for i in range(args.count)))
        for mode in ("exact", "vague"):
            server = subprocess.Popen(
                [sys.executable, str(HERE / "fake_registry.py"), str(args.count), str(args.latency),
                 *(["vague"] if mode == "vague" else [])], stdout=subprocess.PIPE, text=True)
            try:
                assert server.stdout is not None
                url = f"http://127.0.0.1:{server.stdout.readline().strip()}/pypi"
                cold, warm = [], []
                found: dict[str, int] = {}
                for rep in range(args.reps):
                    cache = Path(tmp) / f"cache-{mode}-{rep}"
                    took, found = check(repo, url, cache)
                    cold.append(took)
                    warm.append(check(repo, url, cache)[0])
                    shutil.rmtree(cache, ignore_errors=True)
            finally:
                server.kill()
            rows.append((mode, statistics.median(cold), statistics.median(warm), found))
    print(f"| registry ({args.count} packages, {args.latency} ms a request) | cold (s) | warm (s) "
          "| BSD-3-Clause | BSD unspecified | unknown |")
    print("|---|---|---|---|---|---|")
    for mode, cold_s, warm_s, found in rows:
        what = ("every 4th package only 'BSD License', wheel licence files read by range"
                if mode == "vague" else "exact licences, no wheel read")
        print(f"| {what} | {cold_s:.2f} | {warm_s:.2f} | {found['BSD-3-Clause']} | "
              f"{found['BSD unspecified']} | {found['unknown']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
