"""The tools users would pick instead, each in its own virtual environment, asked the
same question on the same inputs.

Every task yields one cell per tool. A tool that cannot do a task gets a cell that says
so and why, never an empty one. Ratios are license-gate's median wall time over the
tool's: below 1 means license-gate is faster.

How each tool is pointed at a task, and why:

- Tools that read installed metadata (pip-licenses, liccheck, licensecheck, and
  license-gate with ``--offline``) find the generated lockfile packages through
  ``PYTHONPATH``, which holds their dist-info folders (see inputs.write_installed).
- licensecheck has no offline switch: it calls PyPI for a package's home page and author
  even when the package is installed. For the offline tasks it is given a registry URL
  on a closed local port, so those calls fail at once instead of going to pypi.org. It
  first tries ``uv pip compile``; with ``UV_OFFLINE`` and an empty uv cache that fails
  at once too, and it uses its own resolver.
- For the registry tasks, license-gate and licensecheck both talk to
  bench/fake_registry.py: licensecheck resolves with its uv against the simple index,
  then reads each licence from the JSON API. pip-licenses and liccheck cannot look a
  package up.
- liccheck is given a strategy that authorises every licence string the packages use,
  so its verdict is not the point; its work is.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ai_apps import Planted
from measure import TIMEOUT_SECONDS, Measure, measure

TOOLS = ["license-gate", "pip-licenses", "licensecheck", "liccheck", "weight-audit"]

# Real packages for the installed task: popular, pure Python, with licences declared in
# every metadata style (PEP 639 expressions, free text, classifiers only).
PEER_PACKAGES = [
    "requests", "flask", "click", "jinja2", "rich", "attrs", "pydantic", "sqlalchemy", "httpx",
    "tqdm", "python-dateutil", "pytz", "toml", "tabulate", "markdown", "pygments", "docutils",
    "chardet", "cachetools", "more-itertools", "wrapt", "decorator", "simplejson", "six",
    "colorama", "mccabe", "pyflakes", "pycodestyle", "isort", "babel",
]

STRATEGY = """[Licenses]
authorized_licenses:
  mit
  mit license
  apache
  apache 2.0
  apache-2.0
  apache software
  apache license, version 2.0
  apache software license
  apache-2.0 or mit
  bsd
  bsd license
  bsd-2-clause
  bsd-3-clause
  0bsd
  isc
  isc license (iscl)
  psf
  psf-2.0
  python software foundation
  python software foundation license
  mpl 2.0
  mpl-2.0
  mpl-2.0 and mit
  mozilla public license 2.0 (mpl 2.0)
unauthorized_licenses:
  gpl v3
"""

CANNOT_PACKAGES = "cannot: it looks for model references only, not packages"
CANNOT_MODELS = "cannot: it has no model or dataset detection"
CANNOT_REGISTRY = "cannot: it reads installed packages only and has no registry lookup"


@dataclass(frozen=True)
class Cell:
    measure: Measure | None
    found: str  # what it found, or why it cannot do the task
    answered: bool = True  # False: it ran but gave no usable answer (no ratio then)


class NoAnswer(Exception):
    """A tool ran but its output holds no answer; the message says what happened."""


def crash_line(m: Measure) -> str:
    lines = (m.stdout + m.stderr).strip().splitlines()
    if any(line.startswith("Traceback") for line in lines):
        return f"exit {m.code}: crashed ({lines[-1][:90]})"
    return f"exit {m.code}: no report"


@dataclass(frozen=True)
class Task:
    name: str
    cells: dict[str, Cell]


class Peers:
    """One virtual environment per tool under ``work/venvs``, each with the same pinned
    releases of the shared packages, so every tool reads the same metadata."""

    def __init__(self, work: Path, root: Path) -> None:
        self.work = work
        self.venvs = work / "venvs"
        self.pins = work / "peer-repo" / "requirements.txt"
        self.bins: dict[str, Path] = {}
        self._build(root)

    def _venv(self, name: str, *packages: str) -> Path:
        path = self.venvs / name
        marker = path / ".bench-installed"
        wanted = " ".join(packages)
        if not marker.exists() or marker.read_text() != wanted:
            shutil.rmtree(path, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
            subprocess.run([str(path / "bin" / "pip"), "install", "--quiet",
                            "--disable-pip-version-check", *packages], check=True)
            marker.write_text(wanted)
        return path / "bin"

    def _pins(self, root: Path) -> list[str]:
        """Versions of the shared packages that every tool can live with: one pip
        resolution (dry run) of all the tools and the packages together."""
        python = self.venvs / "resolver" / "bin" / "python"
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(python.parent.parent)], check=True)
        report = self.work / "pins-report.json"
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "--dry-run", "--ignore-installed", "--report", str(report), str(root),
                        "pip-licenses", "licensecheck", "liccheck", "weight-audit", *PEER_PACKAGES],
                       check=True)
        chosen = {item["metadata"]["name"].lower(): item["metadata"]["version"]
                  for item in json.loads(report.read_text())["install"]}
        return [f"{name}=={chosen[name.lower()]}" for name in PEER_PACKAGES]

    def _build(self, root: Path) -> None:
        pins = self._pins(root)
        self.pins.parent.mkdir(parents=True, exist_ok=True)
        self.pins.write_text("".join(f"{pin}\n" for pin in pins))
        (self.pins.parent / "strategy.ini").write_text(STRATEGY)
        # license-gate from this checkout; rebuilt every run so it measures this code
        (self.venvs / "license-gate" / ".bench-installed").unlink(missing_ok=True)
        self.bins["license-gate"] = self._venv("license-gate", str(root), *pins)
        for tool in ("pip-licenses", "licensecheck", "liccheck"):
            self.bins[tool] = self._venv(tool, tool, *pins)
        self.bins["weight-audit"] = self._venv("weight-audit", "weight-audit")

    def version(self, tool: str) -> str:
        out = subprocess.run([str(self.bins[tool] / "pip"), "show", tool], capture_output=True,
                             text=True).stdout
        match = re.search(r"^Version: (\S+)", out, re.M)
        return match.group(1) if match else "?"

    def exe(self, tool: str, name: str | None = None) -> str:
        return str(self.bins[tool] / (name or tool))


def emptier(*paths: Path) -> Callable[[], None]:
    def empty() -> None:
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)
    return empty


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PIP_REQUIRE_VIRTUALENV")}
    env.update(extra)
    return env


def cell(m: Measure, found: Callable[[Measure], str]) -> Cell:
    if m.timed_out:
        return Cell(m, f"stopped after {TIMEOUT_SECONDS:.0f} s without an answer", answered=False)
    try:
        return Cell(m, found(m))
    except NoAnswer as exc:
        return Cell(m, str(exc), answered=False)


def licensecheck_found(m: Measure) -> str:
    text = m.stdout.strip()
    if not text.startswith("{"):
        raise NoAnswer(crash_line(m))
    packages = json.loads(text).get("packages", [])
    unknown = sum(1 for p in packages if not p.get("license") or "UNKNOWN" in p["license"].upper())
    return f"{len(packages)} packages, {unknown} without a licence"


def liccheck_found(m: Measure) -> str:
    text = m.stdout + m.stderr
    if "Traceback" in text:
        raise NoAnswer(crash_line(m))
    counts = {kind: int(n) for kind, n in
              re.findall(r"check (\w+) packages\.\.\.\n(\d+) packages?", text)}
    judged = sum(counts.values())
    return (f"{judged} packages judged, {counts.get('unknown', 0)} unknown to the strategy "
            f"(exit {m.code})")


def pip_licenses_found(m: Measure) -> str:
    if not m.stdout.strip().startswith("["):
        raise NoAnswer(crash_line(m))
    listed = json.loads(m.stdout)
    unknown = sum(1 for p in listed if p.get("License", "UNKNOWN") == "UNKNOWN")
    return f"{len(listed)} packages, {unknown} UNKNOWN"


def ours_found(m: Measure) -> str:
    summary = json.loads(m.stdout)["summary"]
    return f"{summary['components']} packages, {summary['unresolved']} unresolved"


def installed_task(peers: Peers, reps: int, name: str, lock_dir: Path, pins: Path,
                   site: Path | None) -> Task:
    """Licences of packages that are installed, offline. ``site`` (on PYTHONPATH) holds
    generated distributions; None means the real packages in each tool's venv."""
    extra = {"PYTHONPATH": str(site)} if site else {}
    names = [line.split("==")[0] for line in pins.read_text().split()]
    cwd = pins.parent
    ours_env = clean_env(LICENSE_GATE_CACHE_DIR=str(peers.work / "cache-installed"), **extra)
    target = "requirements.txt" if site is None else str(lock_dir)
    ours = measure([peers.exe("license-gate"), "check", target, "--offline", "--format", "json"],
                   reps, env=ours_env, cwd=cwd)
    pip_licenses = measure([peers.exe("pip-licenses"), "--from=mixed", "--format=json",
                            "--packages", *names], reps, env=clean_env(**extra), cwd=cwd)
    lc_env = clean_env(XDG_CACHE_HOME=str(peers.work / "licensecheck-cache"), UV_OFFLINE="1",
                       UV_CACHE_DIR=str(peers.work / "uv-empty"), **extra)
    licensecheck = measure([peers.exe("licensecheck"), "-r", pins.name, "--format", "json",
                            "--pypi-api", "http://127.0.0.1:9"], reps, env=lc_env, cwd=cwd)
    # Without --no-deps: that mode rebuilds pkg_resources' view of every installed
    # distribution once per requirement, which is quadratic (over ten minutes for the
    # 2,000-package task); the default mode resolves once and also checks dependencies.
    liccheck = measure([peers.exe("liccheck"), "-s", str(peers.pins.parent / "strategy.ini"),
                        "-r", pins.name], reps, env=clean_env(**extra), cwd=cwd)
    return Task(name, {
        "license-gate": cell(ours, ours_found),
        "pip-licenses": cell(pip_licenses, pip_licenses_found),
        "licensecheck": cell(licensecheck, licensecheck_found),
        "liccheck": cell(liccheck, liccheck_found),
        "weight-audit": Cell(None, CANNOT_PACKAGES),
    })


def registry_tasks(peers: Peers, reps: int, count: int, lock_dir: Path, pins: Path,
                   registry_url: str, latency_ms: int) -> list[Task]:
    """Licences of packages that are not installed, from a registry: cold (empty caches
    before every run), then warm."""
    ours_cache = peers.work / f"cache-registry-{count}"
    lc_cache = peers.work / f"licensecheck-registry-{count}"
    uv_cache = peers.work / f"uv-registry-{count}"
    ours_env = clean_env(LICENSE_GATE_PYPI_URL=registry_url, LICENSE_GATE_CACHE_DIR=str(ours_cache))
    base = registry_url.removesuffix("/pypi")
    # licensecheck resolves with uv first (uv comes with it; its venv goes on PATH), from
    # the fake's simple index, then asks the fake's JSON API for each licence.
    lc_env = clean_env(XDG_CACHE_HOME=str(lc_cache), UV_CACHE_DIR=str(uv_cache),
                       UV_DEFAULT_INDEX=f"{base}/simple/",
                       PATH=f"{peers.bins['licensecheck']}{os.pathsep}{os.environ.get('PATH', '')}")
    ours_cmd = [peers.exe("license-gate"), "check", str(lock_dir), "--format", "json"]
    lc_cmd = [peers.exe("licensecheck"), "-r", pins.name, "--format", "json", "--pypi-api", base]
    tasks = []
    for temperature in ("cold", "warm"):
        cold = temperature == "cold"
        ours = measure(ours_cmd, reps, env=ours_env, cwd=pins.parent,
                       before=emptier(ours_cache) if cold else None)
        theirs = measure(lc_cmd, reps, env=lc_env, cwd=pins.parent,
                         before=emptier(lc_cache, uv_cache) if cold else None)
        label = (f"{count} locked packages from a registry (fake PyPI, +{latency_ms} ms per request), "
                 f"{temperature} cache")
        tasks.append(Task(label, {
            "license-gate": cell(ours, ours_found),
            "pip-licenses": Cell(None, CANNOT_REGISTRY),
            "licensecheck": cell(theirs, licensecheck_found),
            "liccheck": Cell(None, CANNOT_REGISTRY),
            "weight-audit": Cell(None, CANNOT_PACKAGES),
        }))
    return tasks


def models_of(report: dict[str, object]) -> set[Planted]:
    return {Planted(str(c["ecosystem"]), str(c["name"])) for c in report["components"]  # type: ignore[attr-defined]
            if c.get("kind") in ("model", "dataset")}


def ai_task(peers: Peers, reps: int, name: str, repos: list[Path],
            answers: list[set[Planted]] | None, redact: Callable[[str], str]) -> Task:
    """license-gate and weight-audit on AI repositories, offline. With several
    repositories the wall time is the sum of the per-repository medians. With an answer
    key, what each tool found is scored as found/planted plus false finds."""
    env = clean_env(LICENSE_GATE_CACHE_DIR=str(peers.work / "ai-cache"))
    ours_wall = theirs_wall = 0.0
    ours_rss = theirs_rss = 0.0
    ours_found: list[set[Planted]] = []
    theirs_found: list[set[str]] = []
    errors = 0
    said = ""
    last_ours = last_theirs = None
    for repo in repos:
        ours = measure([peers.exe("license-gate"), "check", str(repo), "--offline", "--format",
                        "json"], reps, env=env)
        report = json.loads(ours.stdout)
        ours_found.append(models_of(report))
        errors += report["summary"]["errors"]
        theirs = measure([peers.exe("weight-audit"), "scan", str(repo), "--json"], reps,
                         env=clean_env())
        try:
            theirs_found.append({m["model_id"] for m in json.loads(theirs.stdout)})
        except json.JSONDecodeError:
            # weight-audit prints a sentence instead of JSON when it finds nothing
            theirs_found.append(set())
            said = said or redact((theirs.stdout + theirs.stderr).strip().splitlines()[0][:60])
        ours_wall += ours.wall
        theirs_wall += theirs.wall
        ours_rss = max(ours_rss, ours.rss_mb)
        theirs_rss = max(theirs_rss, theirs.rss_mb)
        last_ours, last_theirs = ours, theirs
    assert last_ours is not None and last_theirs is not None
    if answers is not None:
        planted = sum(len(a) for a in answers)
        hit = sum(len(a & f) for a, f in zip(answers, ours_found, strict=True))
        extra = sum(len(f - a) for a, f in zip(answers, ours_found, strict=True))
        # weight-audit reports bare ids without an ecosystem: score them by name
        names = [{p.name for p in a} for a in answers]
        their_hit = sum(len(n & f) for n, f in zip(names, theirs_found, strict=True))
        their_extra = sum(len(f - n) for n, f in zip(names, theirs_found, strict=True))
        ours_text = f"{hit}/{planted} planted references found, {extra} false finds, {errors} errors"
        theirs_text = f"{their_hit}/{planted} planted references found, {their_extra} false finds"
    else:
        ours_text = f"{sum(len(f) for f in ours_found)} models/datasets, {errors} errors"
        count = sum(len(f) for f in theirs_found)
        theirs_text = f"{count} models" + (f" ('{said}')" if said and not count else "")
    combine = len(repos) > 1
    ours_m = Measure(ours_wall, ours_rss, last_ours.code, "", "", last_ours.runs) if combine else last_ours
    theirs_m = (Measure(theirs_wall, theirs_rss, last_theirs.code, "", "", last_theirs.runs)
                if combine else last_theirs)
    return Task(name, {
        "license-gate": Cell(ours_m, ours_text),
        "pip-licenses": Cell(None, CANNOT_MODELS),
        "licensecheck": Cell(None, CANNOT_MODELS),
        "liccheck": Cell(None, CANNOT_MODELS),
        "weight-audit": Cell(theirs_m, theirs_text),
    })
