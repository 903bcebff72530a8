"""What resolving through a simple-API index costs, beside PyPI's JSON API (issue 14:
cold 300 packages through a simple index with 50 ms latency under 3 s; warm unchanged).

bench/fake_registry.py serves 300 generated packages with the latency added to every
request, three ways:

- the JSON API (``--pypi-url``): one request a release, today's fast path on PyPI;
- a simple index announcing PEP 658 metadata files (``--index-url``): the project page,
  then the metadata file;
- a simple index announcing none (``nometa``), as GitLab, CodeArtifact and devpi serve:
  the project page, then the wheel's directory and METADATA by two range requests.

Each cold run starts from an empty cache; the warm run repeats on the filled cache.

    python bench/pkg_index_speed.py [--count 300] [--latency 50] [--reps 3]
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


def check(repo: Path, args: list[str], cache: Path) -> tuple[float, int]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "UV_")) and k != "LICENSE_GATE_PYPI_URL"}
    env.update(LICENSE_GATE_CACHE_DIR=str(cache), PIP_CONFIG_FILE=os.devnull)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "license_gate", "check", str(repo), *args,
                           "--format", "json"], env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"check failed ({done.returncode}): {done.stderr[-2000:]}")
    components = json.loads(done.stdout)["components"]
    return took, sum(1 for c in components if c["license"])


def serve(count: int, latency: float, mode: str | None) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, str(HERE / "fake_registry.py"), str(count), str(latency)]
    server = subprocess.Popen(command + ([mode] if mode else []), stdout=subprocess.PIPE,
                              text=True)
    assert server.stdout is not None
    return server, f"http://127.0.0.1:{server.stdout.readline().strip()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--latency", type=float, default=50.0, help="ms added to each request")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        repo.mkdir()
        pins = [f"{n}=={v}" for n, v in (fake_registry.package(i) for i in range(args.count))]
        (repo / "requirements.txt").write_text("\n".join(pins) + "\n")
        for label, mode, how in (
                ("JSON API (--pypi-url)", None, lambda url: ["--pypi-url", f"{url}/pypi"]),
                ("simple API with PEP 658 metadata files", None,
                 lambda url: ["--index-url", f"{url}/simple"]),
                ("simple API, no metadata files (wheel METADATA by range)", "nometa",
                 lambda url: ["--index-url", f"{url}/simple"])):
            server, url = serve(args.count, args.latency, mode)
            try:
                cold, warm, resolved = [], [], 0
                for rep in range(args.reps):
                    cache = Path(tmp) / f"cache-{rep}"
                    shutil.rmtree(cache, ignore_errors=True)
                    took, resolved = check(repo, how(url), cache)
                    cold.append(took)
                    warm.append(check(repo, how(url), cache)[0])
            finally:
                server.kill()
                server.wait()
            rows.append((label, statistics.median(cold), statistics.median(warm), resolved))
    print(f"| index, {args.count} packages, {args.latency:g} ms a request | cold, median of "
          f"{args.reps} (s) | warm (s) | licences resolved |")
    print("|---|---|---|---|")
    for label, cold_s, warm_s, resolved in rows:
        print(f"| {label} | {cold_s:.2f} | {warm_s:.2f} | {resolved} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
