"""Reproducible benchmarks: ``python bench/run.py`` (``--skip-peers`` skips the side-by-side
part and keeps its last tables, ``--reps N`` sets the repetitions). Rewrites the results
tables in bench/README.md.

Own scenarios run license-gate as installed in the current interpreter, against
bench/fake_registry.py on 127.0.0.1 with added latency, on generated inputs
(bench/inputs.py). The side-by-side part (bench/peers.py) installs each peer from PyPI
in its own virtual environment and gives every tool the same tasks, including the
generated AI application repositories of bench/ai_apps.py.

Wall time is the median of the repetitions; peak RSS is the largest ``ru_maxrss`` of
the measured process tree, taken through a small launcher (bench/measure.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ai_apps import write_ai_apps
from fake_registry import LICENSES
from inputs import gguf_bytes, write_big_tree, write_installed, write_pins, write_uv_lock
from measure import Measure, measure
from peers import TOOLS, Peers, Task, ai_task, installed_task, registry_tasks

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Outside any git work tree: license-gate honours .gitignore, and bench inputs are not
# the repository's own files.
WORK = Path(os.environ.get("LICENSE_GATE_BENCH_DIR") or Path(tempfile.gettempdir()) / "license-gate-bench")
LATENCY_MS = 50

Row = tuple[str, str, Measure, str]


class Registry:
    def __init__(self, count: int, latency_ms: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "fake_registry.py"), str(count), str(latency_ms)],
            stdout=subprocess.PIPE, text=True,
        )
        assert self.proc.stdout is not None
        self.url = f"http://127.0.0.1:{self.proc.stdout.readline().strip()}/pypi"

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


def redact(text: str) -> str:
    """Machine paths stay out of the committed tables."""
    return text.replace(f"{ROOT}/", "").replace(str(WORK), "$WORK")


def big_tree() -> tuple[Path, int]:
    root = WORK / "ai-repo-10k"
    marker = root / ".generated"
    if not marker.exists():
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        lines = write_big_tree(root)
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
        marker.write_text(str(lines))
    return root, int(marker.read_text())


def lg() -> list[str]:
    return [sys.executable, "-m", "license_gate"]


def own_scenarios(reps: int) -> list[Row]:
    rows: list[Row] = []
    empty = WORK / "empty-repo"
    empty.mkdir(parents=True, exist_ok=True)
    (empty / "README.md").write_text("nothing to check\n")
    baseline = measure([sys.executable, "-c", "pass"], reps * 3)
    rows.append(("python -c pass (interpreter start-up, for reference)", "-", baseline, "-"))
    nothing = measure([*lg(), "check", str(empty)], reps * 3)
    rows.append(("nothing to do: repository without dependency files", "< 0.15 s", nothing,
                 "exit 0"))

    for count, latency in ((300, 50), (2000, 50)):
        repo = WORK / f"lock-{count}"
        write_uv_lock(repo / "uv.lock", count)
        registry = Registry(count, latency)
        try:
            cache = WORK / f"cache-{count}"
            env = {**os.environ, "LICENSE_GATE_PYPI_URL": registry.url,
                   "LICENSE_GATE_CACHE_DIR": str(cache)}
            cold = measure([*lg(), "check", str(repo), "--format", "json"], reps, env=env,
                           before=lambda cache=cache: shutil.rmtree(cache, ignore_errors=True))
            summary = json.loads(cold.stdout)["summary"]
            found = f"{summary['components']} packages, {summary['unresolved']} unresolved"
            target = "< 3 s" if count == 300 else "-"
            rows.append((f"cold cache: uv.lock with {count} packages, fake PyPI +{latency} ms per request",
                         target, cold, found))
            warm = measure([*lg(), "check", str(repo), "--format", "json"], reps, env=env)
            summary = json.loads(warm.stdout)["summary"]
            found = f"{summary['components']} packages, {summary['unresolved']} unresolved"
            target = "< 0.5 s" if count == 300 else "-"
            rows.append((f"warm cache: uv.lock with {count} packages", target, warm, found))
        finally:
            registry.stop()
    return rows


def ai_scenarios(reps: int) -> list[Row]:
    root, lines = big_tree()
    env = {**os.environ, "LICENSE_GATE_CACHE_DIR": str(WORK / "ai-cache")}
    ours = measure([*lg(), "check", str(root), "--offline", "--format", "json"], reps, env=env)
    summary = json.loads(ours.stdout)["summary"]
    from license_gate.extract import all_triggers

    words = [arg for word in all_triggers() for arg in ("-e", word)]
    grep = measure(["git", "-C", str(root), "grep", "-l", "-F", "-i", *words], reps)
    found = len(grep.stdout.splitlines())
    rows = [
        (f"AI reference scan: 10,000 files (.py/.yaml/.json/.ipynb), {lines:,} lines, offline",
         "< 3 s", ours, f"{summary['components']} models found"),
        ("git grep -l -F -i for the same trigger words over the same tree (reference)", "-", grep,
         f"{found} files matched; license-gate / git grep = {ours.wall / grep.wall:.1f}x (target < 5x)"),
    ]
    return rows


def gguf_scenarios(reps: int) -> list[Row]:
    """Header reading must not depend on file size: a 1 MB and a sparse 2 GB GGUF."""
    script = (
        "import sys, time; from pathlib import Path; "
        "from license_gate.extract.gguf import read_metadata; "
        "t = time.perf_counter(); [read_metadata(Path(sys.argv[1])) for _ in range(200)]; "
        "print((time.perf_counter() - t) / 200)"
    )
    rows = []
    # a header like llama.cpp writes: general.* keys, then a 32,000-token vocabulary
    header = gguf_bytes({"general.architecture": "llama", "general.name": "Bench 1B",
                         "general.license": "apache-2.0"}, vocabulary=32_000)
    (WORK / "gguf").mkdir(parents=True, exist_ok=True)
    for label, size in (("1 MB", 1024**2), ("2 GB (sparse)", 2 * 1024**3)):
        path = WORK / "gguf" / f"{label.split()[0]}.gguf"
        path.write_bytes(header)
        with path.open("r+b") as handle:
            handle.truncate(size)
        m = measure([sys.executable, "-c", script, str(path)], reps)
        per_read = float(m.stdout.strip())
        rows.append((f"GGUF header read, {label} file (200 reads in one process)", "same for both", m,
                     f"{per_read * 1e6:.0f} µs per header read"))
    return rows


def side_by_side(reps: int) -> tuple[list[Task], dict[str, str]]:
    peers = Peers(WORK, ROOT)
    versions = {tool: peers.version(tool) for tool in TOOLS}
    tasks = [installed_task(peers, reps, f"{len(peers.pins.read_text().split())} real packages, "
                            "installed (requirements.txt), offline", WORK / "peer-repo",
                            peers.pins, None)]
    for count in (300, 2000):
        lock_dir = WORK / f"lock-{count}"
        write_uv_lock(lock_dir / "uv.lock", count)
        pins = WORK / f"pins-{count}" / "requirements.txt"
        write_pins(pins, count)
        site = WORK / f"site-{count}"
        write_installed(site, count)
        tasks.append(installed_task(peers, reps, f"{count} locked packages, installed, offline",
                                    lock_dir, pins, site))
    for count in (300, 2000):
        registry = Registry(count, LATENCY_MS)
        try:
            tasks += registry_tasks(peers, reps, count, WORK / f"lock-{count}",
                                    WORK / f"pins-{count}" / "requirements.txt", registry.url,
                                    LATENCY_MS)
        finally:
            registry.stop()
    apps_root = WORK / "ai-apps"
    shutil.rmtree(apps_root, ignore_errors=True)
    apps = write_ai_apps(apps_root)
    files = sum(1 for p in apps_root.rglob("*") if p.is_file())
    tasks.append(ai_task(peers, reps, "AI: the bundled example (examples/python-app)",
                         [ROOT / "examples" / "python-app"], None, redact))
    tasks.append(ai_task(peers, reps, "AI: the test fixture repository (tests/assets/ai-repo)",
                         [ROOT / "tests" / "assets" / "ai-repo"], None, redact))
    tasks.append(ai_task(peers, reps, f"AI: {len(apps)} generated AI application repositories "
                         f"({files} files), with an answer key; wall time summed",
                         [repo for repo, _, _ in apps], [planted for _, _, planted in apps], redact))
    tree, _ = big_tree()
    tasks.append(ai_task(peers, reps, "AI: the generated 10,000-file repository", [tree], None, redact))
    return tasks, versions


def render_own(rows: list[Row]) -> list[str]:
    out = ["| scenario | target | median wall | peak RSS | result |", "|---|---|---|---|---|"]
    for name, target, m, found in rows:
        out.append(f"| {name} | {target} | {m.wall:.3f} s | {m.rss_mb:.0f} MB | {found} |")
    return out


def render_tasks(tasks: list[Task], versions: dict[str, str], reps: int) -> list[str]:
    out = ["| task | " + " | ".join(f"{tool} {versions[tool]}" for tool in TOOLS) + " |",
           "|---|" + "---|" * len(TOOLS)]
    for task in tasks:
        ours = task.cells["license-gate"].measure
        cells = []
        for tool in TOOLS:
            cell = task.cells[tool]
            if cell.measure is None:
                cells.append(f"*{cell.found}*")
                continue
            m = cell.measure
            text = (f"> {m.wall:.0f} s" if m.timed_out else f"{m.wall:.3f} s") + f", {m.rss_mb:.0f} MB"
            if tool != "license-gate" and ours is not None and cell.answered:
                text += f", **ratio {ours.wall / m.wall:.2f}**"
            elif m.timed_out and ours is not None:
                text += f", **ratio < {ours.wall / m.wall:.2f}**"
            elif tool != "license-gate":
                text += ", no ratio (no answer)"
            if m.runs < reps:
                text += f" ({m.runs} run{'s' if m.runs > 1 else ''})"
            cells.append(f"{text}; {cell.found}")
        out.append(f"| {task.name} | " + " | ".join(cells) + " |")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--skip-peers", action="store_true")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    own = own_scenarios(args.reps) + ai_scenarios(args.reps) + gguf_scenarios(args.reps)
    lines = [f"Measured on {platform.machine()} with {os.cpu_count()} cores, Python "
             f"{platform.python_version()}, on {time.strftime('%Y-%m-%d')}.", "",
             *render_own(own)]
    if not args.skip_peers:
        tasks, versions = side_by_side(args.reps)
        lines += ["", f"Side by side: each cell is median wall time, peak RSS, ratio "
                  f"(license-gate / tool; below 1 means license-gate is faster) and what the "
                  f"tool found; medians of {args.reps} runs unless a cell says otherwise. "
                  f"The generated packages carry these licence fields in turn: "
                  + ", ".join(f"`{field}: {value}`" for field, value in LICENSES) + ".", "",
                  *render_tasks(tasks, versions, args.reps)]
    readme = HERE / "README.md"
    text = readme.read_text()
    start, end = "<!-- results:start -->", "<!-- results:end -->"
    head, _, rest = text.partition(start)
    previous, _, tail = rest.partition(end)
    if args.skip_peers and "\nSide by side:" in previous:
        # keep the last side-by-side tables rather than dropping them
        lines += ["", "Side by side:" + previous.split("\nSide by side:", 1)[1].rstrip("\n")]
    table = "\n".join(lines) + "\n"
    print(table)
    readme.write_text(f"{head}{start}\n{table}{end}{tail}")


if __name__ == "__main__":
    main()
