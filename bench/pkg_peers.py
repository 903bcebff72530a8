"""The package-licence corpus read by the peers: pip-licenses, liccheck and licensecheck,
side by side with license-gate, scored by the same rules (bench/pkg_licence_score.py).

Each peer is installed from PyPI in its own virtual environment. The 447 snapshots of
``tests/assets/pkgmeta/`` are laid out as ``<name>-<version>.dist-info`` folders on
``PYTHONPATH`` (as bench/pkg_files_speed.py does), so every tool reads the same real
headers and licence files as installed metadata, offline.

A peer answers with licence *strings* (``BSD License``, ``Apache Software``), not SPDX
expressions. To score them, each string is read with license-gate's own alias table
(``normalize``), a list of several as alternatives (``OR``: the most lenient reading,
and the one liccheck's default level applies). A string the table cannot read counts as
unknown: the user gets no licence they can check a policy against either.

    python bench/pkg_peers.py [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import pkg_files_speed  # noqa: E402
import pkg_licence_score  # noqa: E402

PEERS = ("pip-licenses", "liccheck", "licensecheck")
STRATEGY = "[Licenses]\nauthorized_licenses:\n  mit\nunauthorized_licenses:\n  gpl\n"


def venv(work: Path, tool: str) -> Path:
    path = work / "venvs" / tool
    if not (path / "bin" / tool).exists():
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
        subprocess.run([str(path / "bin" / "pip"), "install", "--quiet",
                        "--disable-pip-version-check", tool], check=True)
    return path / "bin"


def version(bin_dir: Path, tool: str) -> str:
    out = subprocess.run([str(bin_dir / "pip"), "show", tool], capture_output=True, text=True).stdout
    match = re.search(r"^Version: (\S+)", out, re.M)
    return match.group(1) if match else "?"


def as_spdx(strings: list[str]) -> str | None:
    """A peer's licence strings as one SPDX expression, or None if any is unreadable."""
    from license_gate.knowledge import licensing
    from license_gate.knowledge.normalize import normalize

    found = []
    for text in strings:
        text = text.strip()
        if not text or text.upper() == "UNKNOWN":
            return None
        result = normalize(text)
        if result.expression is None:
            return None
        found.append(result.expression)
    if not found:
        return None
    parsed = licensing.try_parse(" OR ".join(f"({e})" for e in dict.fromkeys(found)),
                                 allow_custom_refs=True)
    return licensing.render(parsed) if parsed is not None else None


def env(site: Path, **extra: str) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {**out, "PYTHONPATH": str(site), **extra}


def run_pip_licenses(bin_dir: Path, site: Path, dists: dict[tuple[str, str], str]
                     ) -> dict[str, str | None]:
    done = subprocess.run([str(bin_dir / "pip-licenses"), "--from=mixed", "--format=json",
                           "--with-system"], env=env(site), capture_output=True, text=True)
    out: dict[str, str | None] = {}
    for item in json.loads(done.stdout):
        key = (_canonical(item["Name"]), item["Version"])
        if key in dists:
            out[dists[key]] = as_spdx(item["License"].split("; "))
    return out


def run_liccheck(bin_dir: Path, site: Path, repo: Path, dists: dict[tuple[str, str], str]
                 ) -> dict[str, str | None]:
    (repo / "strategy.ini").write_text(STRATEGY)
    done = subprocess.run([str(bin_dir / "liccheck"), "-s", "strategy.ini", "-r", "requirements.txt",
                           "-R", "liccheck-report.txt", "--no-deps"], env=env(site),
                          capture_output=True, text=True, cwd=repo)
    out: dict[str, str | None] = {}
    # The report has one line per package, "name version licence status", with the first
    # licence only; the console lists every licence of the packages it could not approve.
    for line in (repo / "liccheck-report.txt").read_text().splitlines():
        parts = line.split(" ")
        if len(parts) >= 4 and (_canonical(parts[0]), parts[1]) in dists:
            out[dists[(_canonical(parts[0]), parts[1])]] = as_spdx([" ".join(parts[2:-1])])
    # "    name (version): ['BSD', 'Public Domain']": every licence liccheck read
    for name, ver, listed in re.findall(r"^\s+(\S+) \(([^)]+)\): (\[.*\])$",
                                        done.stdout + done.stderr, re.M):
        key = (_canonical(name), ver)
        if key in dists:
            import ast

            out[dists[key]] = as_spdx([str(x) for x in ast.literal_eval(listed)])
    return out


def run_licensecheck(bin_dir: Path, site: Path, repo: Path, work: Path,
                     dists: dict[tuple[str, str], str]) -> tuple[dict[str, str | None], list[str]]:
    """licensecheck stops with a traceback on any WITH expression it meets, losing the
    whole run. Packages are run in batches; a batch that crashes is halved until the
    packages that crash it alone are found, and those count as crashes (no answer)."""
    out: dict[str, str | None] = {}
    crashed: list[str] = []

    def attempt(batch: list[tuple[str, str]]) -> None:
        (repo / "lc-requirements.txt").write_text("".join(f"{n}=={v}\n" for n, v in batch))
        done = subprocess.run([str(bin_dir / "licensecheck"), "-r", "lc-requirements.txt",
                               "--format", "json", "--pypi-api", "http://127.0.0.1:9"],
                              env=env(site, XDG_CACHE_HOME=str(work / "lc-cache"), UV_OFFLINE="1",
                                      UV_CACHE_DIR=str(work / "uv-empty")),
                              capture_output=True, text=True, cwd=repo)
        if not done.stdout.strip().startswith("{"):
            if len(batch) == 1:
                crashed.append(dists[batch[0]])
                return
            half = len(batch) // 2
            attempt(batch[:half])
            attempt(batch[half:])
            return
        for item in json.loads(done.stdout).get("packages", []):
            key = (_canonical(item.get("name", "")), item.get("version", ""))
            if key in dists:
                # licensecheck upper-cases and turns parentheses into underscores
                text = re.sub(r"_([^_]+)_", r"(\1)", item.get("license") or "")
                out[dists[key]] = as_spdx(re.split(r" ;; |;; |; ", text))

    keys = sorted(dists)
    for start in range(0, len(keys), 64):
        attempt(keys[start:start + 64])
    return out, crashed


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, help="keep venvs here between runs")
    args = parser.parse_args(argv)
    labels: list[dict[str, Any]] = json.loads(
        (pkg_licence_score.CORPUS / "labels.json").read_text("utf-8"))["rows"]
    with tempfile.TemporaryDirectory(dir=os.environ.get("LICENSE_GATE_BENCH_DIR")) as tmp:
        work = args.work or Path(tmp)
        build = work / "corpus-site"
        if build.exists():
            import shutil

            shutil.rmtree(build)
        build.mkdir(parents=True)
        site, repo = pkg_files_speed.build(build, 10_000)
        import email.parser

        dists: dict[tuple[str, str], str] = {}
        for row in labels:
            headers = email.parser.HeaderParser().parsestr(
                (pkg_licence_score.CORPUS / row["dist"] / "METADATA").read_text("utf-8"))
            dists[(_canonical(headers["Name"]), headers["Version"])] = row["dist"]
        answers: dict[str, dict[str, str | None]] = {"license-gate": pkg_licence_score.ours(labels)}
        versions = {"license-gate": "this checkout"}
        crashed: dict[str, list[str]] = {}
        for tool in PEERS:
            bin_dir = venv(work, tool)
            versions[tool] = version(bin_dir, tool)
            if tool == "pip-licenses":
                answers[tool] = run_pip_licenses(bin_dir, site, dists)
            elif tool == "liccheck":
                answers[tool] = run_liccheck(bin_dir, site, repo, dists)
            else:
                answers[tool], crashed[tool] = run_licensecheck(bin_dir, site, repo, work, dists)
    print("| tool | right | wrong | copyleft errors | unknown | exact where a file states "
          "the variant |")
    print("|---|---|---|---|---|---|")
    for tool, got in answers.items():
        s = pkg_licence_score.score(labels, answers={r["dist"]: got.get(r["dist"]) for r in labels})
        note = f" (+{len(crashed[tool])} crashes)" if crashed.get(tool) else ""
        print(f"| {tool} {versions[tool]} | {s.right} ({s.right_share:.1%}) | {s.wrong} | "
              f"{s.copyleft_errors} | {s.unknown}{note} | {s.exact}/{s.variant_rows} |")
    for tool, got in answers.items():
        s = pkg_licence_score.score(labels, answers={r["dist"]: got.get(r["dist"]) for r in labels})
        errors = [f"{d[1]} ({d[3]})" for d in s.details if d[0] == "copyleft-error"]
        if errors:
            print(f"\n{tool} copyleft errors: " + ", ".join(errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
