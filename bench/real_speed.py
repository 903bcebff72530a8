"""Scan speed on real public AI repositories, side by side with weight-audit and git grep.

    python bench/real_speed.py --mirrors /work/.mirror [--reps 3] [--repo owner/name]

Each repository is exported at a pinned commit (no checkout, no code run) from a bare
clone under ``--mirrors`` (``owner+name/repo``, as the workplace's fetch leaves them)
and committed into a fresh git work tree, as a user's clone would be; absent ones are
skipped with a message. For each, offline:

- license-gate cold: an empty cache, every repetition;
- license-gate warm: the same command again over the unchanged tree with the cache
  the cold run filled (a pre-commit run on a commit that changed nothing it reads);
- license-gate with one changed file: one Python file gains a line, then a warm run;
- weight-audit 0.1.3 (``scan DIR --json``), the other AI-model scanner on PyPI: a
  regular expression over ``*.py``, installed in a venv of its own;
- ``git grep`` for an id-shaped quoted literal over the same tree: the floor of any
  scan that reads every file.

Run it with the Python of a regular install (``pip install .``), not an editable one:
license-gate is the ``license-gate`` beside ``sys.executable``, and an editable install
run under PYTHONDONTWRITEBYTECODE compiles every module at every start. Wall times are
medians over ``--reps`` (see measure.py: peak RSS via wait4 through a bare launcher, so
the driver's size is not counted; the pool's workers are separate processes, and each
is smaller than the run that forks it). The table ends with the sums and
the two ratios the issue sets goals for: cold <= 2x weight-audit, warm <= 0.5x.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_score import export, mirror_of  # noqa: E402
from measure import Measure, measure  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

# (repository, pinned commit, what kind of repository it stands for)
REPOS = [
    ("huggingface/diffusers", "58eb52c0803ea9af3abec60841c2a093bdf1f951", "large library"),
    ("huggingface/notebooks", "5068b1142e8ed1e691c8b1e9f98e4473ebe55790", "notebook collection"),
    ("zylon-ai/private-gpt", "ab89a0d67bf6a30481081bdc7c487b484d82f91b", "RAG application"),
    ("hiyouga/LLaMA-Factory", "ff6d4d12eeb035d6ce06805a5733dd7b29f2ac30", "fine-tuning framework"),
    ("oobabooga/text-generation-webui", "1dcde41d03d13fc768316f4d2256a8a6dd044268",
     "inference UI"),
    ("sugarforever/chat-ollama", "c7cca20dcd5bbb7136f23321d39da354ecd487ca", "Ollama app"),
    ("artidoro/qlora", "7f4e95a68dc076bea9b3a413d2b512eca6d004e5", "fine-tuning scripts"),
    ("PromtEngineer/localGPT", "34f3107f56a88203859092312231b945a711c619", "RAG application"),
    ("haotian-liu/LLaVA", "c121f0432da27facab705978f83c4ada465e46fd", "multimodal model"),
    ("huggingface/cookbook", "ed2c6467015cee5bd962606a5caa0ece10483982", "notebook collection"),
    ("abetlen/llama-cpp-python", "3691546f1c9e0c1bf93323dff02230bd959cf562", "bindings"),
    ("huggingface/alignment-handbook", "925acdfe4b2b4e38c3dabd1851bc418f0b656351", "recipes"),
]
WEIGHT_AUDIT = "weight-audit==0.1.3"
# an id-shaped quoted literal: what every model reference in code comes down to
GREP = r"""["'][A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9_.-]+["']"""


@dataclass(frozen=True)
class Row:
    repo: str
    kind: str
    files: int
    cold: Measure
    warm: Measure
    one_changed: Measure
    weight_audit: Measure
    grep: Measure


def _venv(work: Path) -> Path:
    path = work / "weight-audit-venv"
    marker = path / ".installed"
    if not marker.exists():
        shutil.rmtree(path, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
        subprocess.run([str(path / "bin" / "pip"), "install", "--quiet",
                        "--disable-pip-version-check", WEIGHT_AUDIT], check=True)
        marker.write_text(WEIGHT_AUDIT)
    return path / "bin" / "weight-audit"


def _env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(LICENSE_GATE_CACHE_DIR=str(cache), LICENSE_GATE_OFFLINE="1")
    return env


def _changed_file(tree: Path) -> Path | None:
    """A Python file to touch between warm runs: the largest that names a model."""
    files = [p for p in tree.rglob("*.py") if b"from_pretrained" in p.read_bytes()]
    return max(files, key=lambda p: p.stat().st_size, default=None)


def bench_repo(repo: str, commit: str, kind: str, mirrors: Path, work: Path, reps: int,
               audit: Path) -> Row | None:
    try:
        mirror = mirror_of(mirrors, repo)
    except SystemExit:
        print(f"skipped {repo}: no bare clone under {mirrors} (fetch github:{repo})",
              file=sys.stderr)
        return None
    tree = work / "trees" / repo.replace("/", "+")
    if not (tree / ".git").exists():
        shutil.rmtree(tree, ignore_errors=True)
        export(mirror, commit, tree)
        # a git work tree, as a user's clone is: discovery then lists files with git and
        # prefilters them with git grep, as it does in real use
        git = ["git", "-C", str(tree), "-c", "user.name=bench", "-c", "user.email=bench@localhost"]
        subprocess.run([*git, "init", "-q"], check=True)
        subprocess.run([*git, "add", "-A"], check=True)
        subprocess.run([*git, "commit", "-q", "-m", f"{repo} at {commit}"], check=True)
    files = len(subprocess.run(["git", "-C", str(tree), "ls-files", "-z"], capture_output=True,
                               check=True).stdout.split(b"\0")) - 1
    cache = work / "cache" / repo.replace("/", "+")
    env = _env(cache)
    gate = [str(Path(sys.executable).parent / "license-gate"), "check", str(tree), "--format",
            "json", "--output", os.devnull, "--no-progress"]

    def empty_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    cold = measure(gate, reps, env=env, before=empty_cache)
    measure(gate, 1, env=env)  # fill the cache for the warm runs
    warm = measure(gate, reps, env=env)
    target = _changed_file(tree)
    original = target.read_bytes() if target else b""

    def touch_one() -> None:
        if target is not None:
            target.write_bytes(original + f"\n# changed {os.urandom(4).hex()}\n".encode())

    try:
        one = measure(gate, reps, env=env, before=touch_one)
    finally:
        if target is not None:
            target.write_bytes(original)
    wa = measure([str(audit), "scan", str(tree), "--json"], reps, env=env)
    grep = measure(["git", "grep", "-I", "-c", "-E", GREP], reps, env=env, cwd=tree)
    return Row(repo, kind, files, cold, warm, one, wa, grep)


def table(rows: list[Row]) -> str:
    out = ["| repository | kind | files | cold (s) | warm (s) | one file changed (s) | "
           "weight-audit (s) | git grep (s) | peak RSS cold / warm (MB) |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r.repo} | {r.kind} | {r.files:,} | {r.cold.wall:.2f} | {r.warm.wall:.2f} | "
                   f"{r.one_changed.wall:.2f} | {r.weight_audit.wall:.2f} | {r.grep.wall:.2f} | "
                   f"{r.cold.rss_mb:.0f} / {r.warm.rss_mb:.0f} |")
    cold = sum(r.cold.wall for r in rows)
    warm = sum(r.warm.wall for r in rows)
    one = sum(r.one_changed.wall for r in rows)
    wa = sum(r.weight_audit.wall for r in rows)
    grep = sum(r.grep.wall for r in rows)
    peak = max((max(r.cold.rss_mb, r.warm.rss_mb) for r in rows), default=0.0)
    out.append(f"| **sum** | | {sum(r.files for r in rows):,} | **{cold:.2f}** | **{warm:.2f}** | "
               f"{one:.2f} | **{wa:.2f}** | {grep:.2f} | {peak:.0f} (largest) |")
    if wa:
        out.append("")
        out.append(f"cold / weight-audit = {cold / wa:.1f}x (goal <= 2x); warm / weight-audit = "
                   f"{warm / wa:.2f}x (goal <= 0.5x); peak {peak:.0f} MB (goal < 200 MB)")
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirrors", type=Path, required=True)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--repo", action="append", help="only this repository (repeatable)")
    parser.add_argument("--work", type=Path, help="where trees, caches and the venv go "
                        "(default: a temporary folder)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="license-gate-real-speed-"))
    audit = _venv(work)
    rows = []
    for repo, commit, kind in REPOS:
        if args.repo and repo not in args.repo:
            continue
        row = bench_repo(repo, commit, kind, args.mirrors, work, args.reps, audit)
        if row is not None:
            rows.append(row)
            print(f"{repo}: cold {row.cold.wall:.2f} s, warm {row.warm.wall:.2f} s, "
                  f"weight-audit {row.weight_audit.wall:.2f} s", file=sys.stderr)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
