"""Reproducible benchmarks: ``python bench/run.py`` (add ``--skip-peers`` to skip the
side-by-side part). Rewrites the results table in bench/README.md.

Own scenarios run license-gate (as installed in the current interpreter) against
bench/fake_registry.py on 127.0.0.1 with added latency, on generated uv.lock files.
The peer scenario builds one virtual environment with a fixed set of real packages plus
license-gate, pip-licenses and licensecheck, and asks each tool for the licences of the
same installed packages.

Wall time is the median of the repetitions; peak RSS is the largest ``ru_maxrss`` of the
process tree, read with os.wait4.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Outside any git work tree: license-gate honours .gitignore, and bench inputs are not
# the repository's own files.
WORK = Path(os.environ.get("LICENSE_GATE_BENCH_DIR") or Path(tempfile.gettempdir()) / "license-gate-bench")

# Real packages for the side-by-side run: popular, pure Python, with licences declared
# in every metadata style (PEP 639 expressions, free text, classifiers only).
PEER_PACKAGES = [
    "requests", "flask", "click", "jinja2", "rich", "attrs", "pydantic", "sqlalchemy", "httpx",
    "tqdm", "python-dateutil", "pytz", "toml", "tabulate", "markdown", "pygments", "docutils",
    "chardet", "cachetools", "more-itertools", "wrapt", "decorator", "simplejson", "six",
    "colorama", "mccabe", "pyflakes", "pycodestyle", "isort", "babel",
]


@dataclass
class Measure:
    wall: float
    rss_mb: float
    code: int
    stdout: str
    stderr: str = ""


def measure(cmd: list[str], reps: int, env: dict[str, str] | None = None,
            cwd: Path | None = None, before: object = None) -> Measure:
    walls: list[float] = []
    rss = 0.0
    code = 0
    stdout = stderr = ""
    for _ in range(reps):
        if callable(before):
            before()
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=cwd)
            _, status, usage = os.wait4(proc.pid, 0)
            walls.append(time.perf_counter() - start)
            proc.returncode = os.waitstatus_to_exitcode(status)
            code = proc.returncode
            rss = max(rss, usage.ru_maxrss / 1024)
            out.seek(0)
            stdout = out.read().decode("utf-8", "replace")
            err.seek(0)
            stderr = err.read().decode("utf-8", "replace")
    return Measure(statistics.median(walls), rss, code, stdout, stderr)


def write_uv_lock(path: Path, count: int) -> None:
    lines = ["version = 1", "revision = 2", 'requires-python = ">=3.10"', ""]
    for i in range(count):
        name, version = f"bench-pkg-{i:04d}", f"1.0.{i}"
        lines += ["[[package]]", f'name = "{name}"', f'version = "{version}"',
                  'source = { registry = "https://pypi.org/simple" }', ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))


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


PY_FILLER = """def handler_{i}_{j}(request):
    value = request.get("key_{j}")
    if value is None:
        return {{"status": 404}}
    return {{"status": 200, "value": value * {j}}}
"""


def write_ai_repo(root: Path, files: int = 10_000, lines_per_file: int = 100) -> int:
    """A repository of .py, .yaml, .json and .ipynb files, about ``files * lines_per_file``
    lines, with a model reference in one file out of a hundred. Returns the line count."""
    import random

    rng = random.Random(42)
    total = 0
    for i in range(files):
        kind = rng.choices(["py", "yaml", "json", "ipynb"], weights=[60, 15, 15, 10])[0]
        folder = root / f"pkg{i % 50:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        refer = i % 100 == 0
        if kind == "py":
            body = "".join(PY_FILLER.format(i=i, j=j) for j in range(lines_per_file // 5))
            if refer:
                body += 'model = AutoModel.from_pretrained("mistralai/Mistral-7B-v0.1")\n'
            (folder / f"mod{i}.py").write_text(body)
        elif kind == "yaml":
            body = "".join(f"setting_{j}: value-{j}\n" for j in range(lines_per_file))
            if refer:
                body += "model_name_or_path: meta-llama/Llama-3.1-8B\n"
            (folder / f"conf{i}.yaml").write_text(body)
        elif kind == "json":
            data = {f"key_{j}": j for j in range(lines_per_file - 2)}
            if refer:
                data["base_model"] = "google/gemma-2-9b"
            (folder / f"data{i}.json").write_text(json.dumps(data, indent=1))
        else:
            source = [f"x_{j} = {j}\n" for j in range(lines_per_file - 20)]
            if refer:
                source.append('pipe = pipeline("text-generation", model="Qwen/Qwen2.5-0.5B-Instruct")\n')
            nb = {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {},
                             "outputs": [], "source": source}],
                  "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
            (folder / f"nb{i}.ipynb").write_text(json.dumps(nb, indent=1))
    for path in root.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                total += sum(1 for _ in handle)
    return total


def ai_scenarios(reps: int) -> list[tuple[str, str, Measure, str]]:
    root = WORK / "ai-repo-10k"
    marker = root / ".generated"
    if not marker.exists():
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        lines = write_ai_repo(root)
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
        marker.write_text(str(lines))
    lines = int(marker.read_text())
    env = {**os.environ, "LICENSE_GATE_CACHE_DIR": str(WORK / "ai-cache")}
    ours = measure([*lg(), "check", str(root), "--offline", "--format", "json"], reps, env=env)
    summary = json.loads(ours.stdout)["summary"]
    from license_gate.extract import all_triggers

    words = [arg for word in all_triggers() for arg in ("-e", word)]
    grep = measure(["git", "-C", str(root), "grep", "-l", "-F", *words], reps)
    found = len(grep.stdout.splitlines())
    rows = [
        (f"AI reference scan: 10,000 files (.py/.yaml/.json/.ipynb), {lines:,} lines, offline",
         "< 3 s", ours, f"{summary['components']} models found"),
        ("git grep -l -F for the same trigger words over the same tree (reference)", "-", grep,
         f"{found} files matched; license-gate / git grep = {ours.wall / grep.wall:.1f}x (target < 5x)"),
    ]
    return rows


def gguf_scenarios(reps: int) -> list[tuple[str, str, Measure, str]]:
    """Header reading must not depend on file size: a 1 MB and a sparse 2 GB GGUF."""
    script = (
        "import sys, time; from pathlib import Path; "
        "from license_gate.extract.gguf import read_metadata; "
        "t = time.perf_counter(); [read_metadata(Path(sys.argv[1])) for _ in range(200)]; "
        "print((time.perf_counter() - t) / 200)"
    )
    rows = []
    base = _write_bench_gguf(WORK / "gguf" / "small.gguf")
    for label, size in (("1 MB", 1024**2), ("2 GB (sparse)", 2 * 1024**3)):
        path = WORK / "gguf" / f"{label.split()[0]}.gguf"
        path.write_bytes(base.read_bytes())
        with path.open("r+b") as handle:
            handle.truncate(size)
        m = measure([sys.executable, "-c", script, str(path)], reps)
        per_read = float(m.stdout.strip())
        rows.append((f"GGUF header read, {label} file", "same for both", m,
                     f"{per_read * 1e6:.0f} µs per header read"))
    return rows


def _write_bench_gguf(path: Path) -> Path:
    """A header like llama.cpp writes: general.* keys, then a 32,000-token vocabulary."""
    import struct

    path.parent.mkdir(parents=True, exist_ok=True)

    def string(text: str) -> bytes:
        raw = text.encode()
        return struct.pack("<Q", len(raw)) + raw

    kvs = [(b"general.architecture", 8, string("llama")), (b"general.name", 8, string("Bench 1B")),
           (b"general.license", 8, string("apache-2.0"))]
    tokens = b"".join(string(f"tok{i}") for i in range(32_000))
    kvs.append((b"tokenizer.ggml.tokens", 9, struct.pack("<IQ", 8, 32_000) + tokens))
    body = b"".join(struct.pack("<Q", len(k)) + k + struct.pack("<I", t) + v for k, t, v in kvs)
    path.write_bytes(b"GGUF" + struct.pack("<IQQ", 3, 0, len(kvs)) + body)
    return path


def lg() -> list[str]:
    return [sys.executable, "-m", "license_gate"]


def own_scenarios(reps: int) -> list[tuple[str, str, Measure, str]]:
    rows: list[tuple[str, str, Measure, str]] = []
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


def venv(path: Path, *packages: str) -> Path:
    if not (path / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    subprocess.run([str(path / "bin" / "pip"), "install", "--quiet", *packages], check=True)
    return path / "bin"


def peer_scenarios(reps: int) -> list[tuple[str, str, Measure, str]]:
    env_bin = venv(WORK / "peer-env", *PEER_PACKAGES, str(ROOT), "licensecheck", "pip-licenses",
                   "liccheck", "weight-audit")
    repo = WORK / "peer-repo"
    repo.mkdir(parents=True, exist_ok=True)
    # Pin what pip chose, so every tool is asked about the same releases.
    listed = subprocess.run([str(env_bin / "pip"), "list", "--format", "json"], check=True,
                            capture_output=True, text=True).stdout
    versions = {p["name"].lower(): p["version"] for p in json.loads(listed)}
    (repo / "requirements.txt").write_text(
        "".join(f"{name}=={versions[name.lower()]}\n" for name in PEER_PACKAGES))
    rows: list[tuple[str, str, Measure, str]] = []
    offline_env = {**os.environ, "LICENSE_GATE_CACHE_DIR": str(WORK / "peer-cache")}

    ours = measure([str(env_bin / "license-gate"), "check", "requirements.txt", "--offline",
                    "--format", "json"], reps, env=offline_env, cwd=repo)
    summary = json.loads(ours.stdout)["summary"]
    rows.append(("license-gate check requirements.txt --offline (installed metadata)", "-", ours,
                 f"{summary['components']} packages, {summary['unresolved']} unknown"))

    pip_licenses = measure([str(env_bin / "pip-licenses"), "--format=json", "--from=mixed",
                            "--packages", *PEER_PACKAGES], reps, cwd=repo)
    listed = json.loads(pip_licenses.stdout)
    unknown = sum(1 for p in listed if p.get("License", "UNKNOWN") == "UNKNOWN")
    rows.append(("pip-licenses --from=mixed --format=json --packages <the same 30>", "-", pip_licenses,
                 f"{len(listed)} packages, {unknown} UNKNOWN"))

    licensecheck = measure([str(env_bin / "licensecheck"), "-r", "requirements.txt", "--format",
                            "json"], reps, cwd=repo)
    if licensecheck.code == 0 and licensecheck.stdout.strip().startswith("{"):
        data = json.loads(licensecheck.stdout)
        packages = data.get("packages", [])
        unknown = sum(1 for p in packages if "UNKNOWN" in str(p.get("license", "")).upper())
        found = f"{len(packages)} packages (with direct dependencies), {unknown} unknown"
    else:
        found = f"exit {licensecheck.code}: could not complete"
    rows.append(("licensecheck -r requirements.txt --format json", "-", licensecheck, found))

    # liccheck judges installed packages against a strategy file of licence names.
    (repo / "strategy.ini").write_text(
        "[Licenses]\nauthorized_licenses:\n  mit\n  apache\n  bsd\n  isc\n  psf\n"
        "  python software foundation\n  mozilla public license 2.0 (mpl 2.0)\n"
        "unauthorized_licenses:\n  gpl v3\n")
    liccheck = measure([str(env_bin / "liccheck"), "-s", "strategy.ini", "-r", "requirements.txt",
                        "--no-deps"], reps, cwd=repo)
    text = liccheck.stdout + liccheck.stderr
    if "Traceback" in text:
        found = f"exit {liccheck.code}: could not complete ({text.strip().splitlines()[-1][:80]})"
    else:
        unknown = text.lower().count("unknown")
        found = f"exit {liccheck.code}; {len(PEER_PACKAGES)} packages judged, {unknown} unknown"
    rows.append(("liccheck -s strategy.ini -r requirements.txt --no-deps", "-", liccheck, found))
    return rows


def ai_peer_scenarios(reps: int) -> list[tuple[str, str, Measure, str]]:
    """license-gate and weight-audit on the same AI application repositories, offline."""
    env_bin = WORK / "peer-env" / "bin"
    env = {**os.environ, "LICENSE_GATE_CACHE_DIR": str(WORK / "ai-cache")}
    rows: list[tuple[str, str, Measure, str]] = []
    for label, repo in (("the bundled example (examples/python-app)", ROOT / "examples" / "python-app"),
                        ("the AI fixture repository (tests/assets/ai-repo)",
                         ROOT / "tests" / "assets" / "ai-repo"),
                        ("the generated 10,000-file repository", WORK / "ai-repo-10k")):
        ours = measure([str(env_bin / "license-gate"), "check", str(repo), "--offline", "--format",
                        "json"], reps, env=env)
        data = json.loads(ours.stdout)
        models = sum(1 for c in data["components"] if c.get("kind") in ("model", "dataset"))
        rows.append((f"license-gate check --offline: {label}", "-", ours,
                     f"{models} models/datasets, {data['summary']['errors']} errors"))
        theirs = measure([str(env_bin / "weight-audit"), "scan", str(repo), "--json"], reps)
        try:
            found = f"{len(json.loads(theirs.stdout))} models"
        except json.JSONDecodeError:
            # Machine paths stay out of the committed table.
            said = (theirs.stdout + theirs.stderr).replace(f"{ROOT}/", "").replace(
                str(WORK), "$WORK").strip().splitlines()
            found = f"0 models ('{said[0][:60]}')" if said else f"exit {theirs.code}, no output"
        rows.append((f"weight-audit scan --json: {label}", "-", theirs, found))
    return rows


def render(own: list, peers: list, ai_peers: list) -> str:  # type: ignore[type-arg]
    out = [
        f"Measured on {platform.machine()} with {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, on {time.strftime('%Y-%m-%d')}.",
        "",
        "| scenario | target | median wall | peak RSS | result |",
        "|---|---|---|---|---|",
    ]
    for name, target, m, found in own:
        out.append(f"| {name} | {target} | {m.wall:.3f} s | {m.rss_mb:.0f} MB | {found} |")
    if peers:
        ours = peers[0][2].wall
        out += ["", "Side by side, on the same installed packages (a virtual environment with "
                f"{len(PEER_PACKAGES)} real packages pinned in requirements.txt, plus what they and "
                "the tools depend on):", "",
                "| tool and command | median wall | peak RSS | ratio (license-gate / tool) | what it found |",
                "|---|---|---|---|---|"]
        for name, _, m, found in peers:
            out.append(f"| {name} | {m.wall:.3f} s | {m.rss_mb:.0f} MB | {ours / m.wall:.2f} | {found} |")
    if ai_peers:
        out += ["", "AI side by side: license-gate and weight-audit (the one peer that looks for "
                "model references) on the same repositories, offline; the ratio pairs each "
                "weight-audit row with the license-gate row above it:", "",
                "| tool and repository | median wall | peak RSS | ratio (license-gate / tool) "
                "| what it found |",
                "|---|---|---|---|---|"]
        for i, (name, _, m, found) in enumerate(ai_peers):
            ratio = "1.00" if i % 2 == 0 else f"{ai_peers[i - 1][2].wall / m.wall:.2f}"
            out.append(f"| {name} | {m.wall:.3f} s | {m.rss_mb:.0f} MB | {ratio} | {found} |")
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--skip-peers", action="store_true")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    own = own_scenarios(args.reps) + ai_scenarios(args.reps) + gguf_scenarios(args.reps)
    peers = [] if args.skip_peers else peer_scenarios(args.reps)
    ai_peers = [] if args.skip_peers else ai_peer_scenarios(args.reps)
    table = render(own, peers, ai_peers)
    print(table)
    readme = HERE / "README.md"
    text = readme.read_text()
    start, end = "<!-- results:start -->", "<!-- results:end -->"
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    readme.write_text(f"{head}{start}\n{table}{end}{tail}")


if __name__ == "__main__":
    main()
