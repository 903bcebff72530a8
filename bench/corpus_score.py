"""Score license-gate's model and dataset references against the hand-labelled corpus of
real public repositories in bench/corpus/ (see bench/corpus/LABELLING.md).

For each repository the labelled commit is exported from a local bare clone with
``git archive`` (never checked out in place, nothing run), license-gate checks the tree
offline with its JSON report, and every reference the report places in a labelled file is
compared with the labels of that file:

- a positive is found when a reference names the same id at the same path and line;
- a reported reference that matches no positive at its path and line is a false alarm
  (whether or not a reviewer listed it as a negative look-alike);
- references at a ``role: use`` place (where a followed constant is used) are not
  scored: the literal's own place is.

Prints recall and precision overall, per pattern, per repository, per ecosystem and for
the gated relations (use and publish), and writes a JSON summary with ``--json``.

    python bench/corpus_score.py --mirrors /path/to/mirrors [--repo owner/name] [--json out]

``--mirrors`` is a folder of bare clones named ``owner+name/repo`` (how this workplace's
fetch lays them out) or ``owner+name`` (a plain ``git clone --bare``).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"


@dataclass
class Tally:
    positives: int = 0
    found: int = 0
    predictions: int = 0
    correct: int = 0
    relation_right: int = 0
    ecosystem_right: int = 0
    misplaced: int = 0  # missed at its line, though the same id is reported elsewhere in the file

    @property
    def recall(self) -> float | None:
        return self.found / self.positives if self.positives else None

    @property
    def precision(self) -> float | None:
        return self.correct / self.predictions if self.predictions else None


@dataclass
class Scores:
    overall: Tally = field(default_factory=Tally)
    gated: Tally = field(default_factory=Tally)
    by_pattern: dict[str, Tally] = field(default_factory=lambda: collections.defaultdict(Tally))
    by_repo: dict[str, Tally] = field(default_factory=lambda: collections.defaultdict(Tally))
    by_ecosystem: dict[str, Tally] = field(default_factory=lambda: collections.defaultdict(Tally))
    misses: list[dict[str, object]] = field(default_factory=list)
    false_alarms: list[dict[str, object]] = field(default_factory=list)


def normalise(ecosystem: str, name: str) -> str:
    """One spelling for an id: case-insensitive as the Hub and Ollama are, Ollama's
    implied ``:latest`` and the sentence-transformers owner made explicit on neither side."""
    name = name.strip().lower()
    name = name.removesuffix(":latest")
    name = name.removeprefix("sentence-transformers/")
    for prefix in ("models/", "openai/", "anthropic/", "gemini/"):
        name = name.removeprefix(prefix)
    return name


def export(mirror: Path, commit: str, into: Path) -> None:
    """The tree at ``commit``, written under ``into`` without a checkout. Blobs a partial
    clone lacks (large data files) are left out, as a reviewer's clone might."""
    listing = subprocess.run(["git", "-C", str(mirror), "ls-tree", "-r", "-z", commit],
                             capture_output=True, check=True).stdout
    entries = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, path = record.split(b"\t", 1)
        mode, kind, sha = meta.split()
        if kind == b"blob" and mode != b"120000":
            entries.append((sha.decode(), path.decode("utf-8", "surrogateescape")))
    batch = subprocess.run(["git", "-C", str(mirror), "cat-file", "--batch"],
                           input="".join(f"{sha}\n" for sha, _ in entries).encode(),
                           capture_output=True, check=True).stdout
    offset = 0
    for _sha, path in entries:
        header_end = batch.index(b"\n", offset)
        header = batch[offset:header_end].split()
        offset = header_end + 1
        if header[-1] == b"missing":
            continue
        size = int(header[2])
        data = batch[offset:offset + size]
        offset += size + 1
        target = into / path
        if ".." in Path(path).parts:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def mirror_of(mirrors: Path, repo: str) -> Path:
    owner_name = repo.replace("/", "+")
    for candidate in (mirrors / owner_name / "repo", mirrors / owner_name,
                      mirrors / f"{owner_name}.git"):
        if candidate.is_dir():
            return candidate
    raise SystemExit(f"no bare clone of {repo} under {mirrors}")


def predictions(tree: Path, policy: Path) -> list[dict[str, object]]:
    """Every model or dataset reference license-gate reports, one per scored place."""
    env = dict(os.environ, LICENSE_GATE_OFFLINE="1")
    proc = subprocess.run(
        [sys.executable, "-m", "license_gate", "check", ".", "--offline", "--no-cache",
         "--format", "json", "--policy", str(policy)],
        cwd=tree, capture_output=True, text=True, env=env, check=False)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"license-gate failed on {tree} ({proc.returncode}): {proc.stderr}")
    report = json.loads(proc.stdout)
    out = []
    for component in report["components"]:
        if component["kind"] == "package":
            continue
        for ref in component["references"]:
            if ref.get("role") == "use":
                continue
            out.append({"path": ref["path"], "line": ref["line"], "ecosystem": component["ecosystem"],
                        "name": component["name"], "relation": ref.get("relation") or "use"})
    return out


def score_repo(entry: dict[str, object], predicted: list[dict[str, object]], scores: Scores) -> None:
    repo = str(entry["repo"])
    files = set(entry["files"])  # type: ignore[arg-type]
    labels = entry["labels"]  # type: ignore[assignment]
    positives: dict[tuple[str, int, str], dict[str, object]] = {}
    negatives: dict[tuple[str, int, str], dict[str, object]] = {}
    for label in labels:  # type: ignore[union-attr]
        key = (label["path"], int(label["line"]), normalise(label["ecosystem"], label["id"]))
        (positives if label["label"] == "positive" else negatives)[key] = label
    seen: dict[tuple[str, int, str], dict[str, object]] = {}
    for p in predicted:
        if p["path"] in files and p["line"] is not None:
            key = (str(p["path"]), int(p["line"]), normalise(str(p["ecosystem"]), str(p["name"])))
            seen.setdefault(key, p)
    found_ids = {(path, name) for path, _, name in seen}
    for key, label in positives.items():
        tallies = [scores.overall, scores.by_pattern[str(label["pattern"])], scores.by_repo[repo],
                   scores.by_ecosystem[str(label["ecosystem"])]]
        if label["relation"] in ("use", "publish"):
            tallies.append(scores.gated)
        hit = seen.get(key)
        for tally in tallies:
            tally.positives += 1
            if hit is not None:
                tally.found += 1
                tally.relation_right += hit["relation"] == label["relation"]
                tally.ecosystem_right += hit["ecosystem"] == label["ecosystem"]
            elif (key[0], key[2]) in found_ids:
                tally.misplaced += 1
        if hit is None:
            scores.misses.append({"repo": repo, **label})
    for key, p in seen.items():
        label = positives.get(key)
        negative = negatives.get(key)
        pattern = str((label or negative or {}).get("pattern", "unlabelled"))
        tallies = [scores.overall, scores.by_pattern[pattern], scores.by_repo[repo],
                   scores.by_ecosystem[str(p["ecosystem"])]]
        if p["relation"] in ("use", "publish"):
            tallies.append(scores.gated)
        for tally in tallies:
            tally.predictions += 1
            tally.correct += label is not None
        if label is None:
            scores.false_alarms.append({"repo": repo, "path": key[0], "line": key[1],
                                        "id": p["name"], "ecosystem": p["ecosystem"],
                                        "relation": p["relation"],
                                        "labelled_negative": negative is not None,
                                        "pattern": pattern})


def _head() -> str:
    proc = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True, check=False)
    return proc.stdout.strip() or "unknown"


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def table(title: str, rows: dict[str, Tally]) -> list[str]:
    out = [f"| {title} | positives | found | recall | reported | right | precision | "
           "elsewhere in file |",
           "|---|---|---|---|---|---|---|---|"]
    for name in sorted(rows, key=lambda n: (-rows[n].positives, n)):
        t = rows[name]
        out.append(f"| {name} | {t.positives} | {t.found} | {_cell(t.recall)} | {t.predictions} | "
                   f"{t.correct} | {_cell(t.precision)} | {t.misplaced} |")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, required=True)
    parser.add_argument("--repo", action="append", help="score only these owner/name")
    parser.add_argument("--set", choices=("tuning", "heldout"), default="tuning",
                        help="tuning: bench/corpus/*.json, the repositories the extractors were "
                        "improved against; heldout: bench/corpus/heldout/*.json, labelled "
                        "afterwards and never tuned on")
    parser.add_argument("--json", type=Path, help="write the scores and every miss and false alarm")
    parser.add_argument("--work", type=Path, help="keep exported trees here (default: temporary)")
    parser.add_argument("--readme", action="store_true",
                        help="also write the tables into bench/README.md between its markers")
    parser.add_argument("--policy", type=Path, default=CORPUS / "score-policy.yaml",
                        help="policy to check with (an older license-gate without ai.mentions "
                        "needs one without it)")
    args = parser.parse_args(argv)
    scores = Scores()
    folder = CORPUS / "heldout" if args.set == "heldout" else CORPUS
    entries = [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]
    if args.repo:
        entries = [e for e in entries if e["repo"] in args.repo]
    with tempfile.TemporaryDirectory(prefix="corpus-") as scratch:
        work = args.work or Path(scratch)
        for entry in entries:
            tree = work / str(entry["repo"]).replace("/", "+")
            if not tree.is_dir():
                tree.mkdir(parents=True)
                export(mirror_of(args.mirrors, str(entry["repo"])), str(entry["commit"]), tree)
            score_repo(entry, predictions(tree, args.policy.resolve()), scores)
    o, g = scores.overall, scores.gated
    lines = [
        f"labels: {sum(len(e['labels']) for e in entries)} in {len(entries)} repositories; "
        f"positives {o.positives}",
        f"all references: recall {_cell(o.recall)} ({o.found}/{o.positives}), precision "
        f"{_cell(o.precision)} ({o.correct}/{o.predictions}), relation right "
        f"{o.relation_right}/{o.found}, ecosystem right {o.ecosystem_right}/{o.found}, "
        f"missed at their line but reported elsewhere in the same file {o.misplaced}",
        f"gated (use and publish): recall {_cell(g.recall)} ({g.found}/{g.positives}), precision "
        f"{_cell(g.precision)} ({g.correct}/{g.predictions})",
        "", *table("pattern", scores.by_pattern), "", *table("repository", scores.by_repo), "",
        *table("ecosystem", scores.by_ecosystem),
    ]
    print("\n".join(lines))
    if args.readme:
        import datetime as dt

        title = ("Tuning set" if args.set == "tuning" else "Held-out set")
        block = [f"**{title}**, scored {dt.date.today().isoformat()} with license-gate at "
                 f"`{_head()}`:", "", *(f"- {line}" for line in lines[:3]), "", *lines[4:]]
        readme = HERE / "README.md"
        text = readme.read_text()
        start, end = f"<!-- corpus-{args.set}:start -->", f"<!-- corpus-{args.set}:end -->"
        before, _, rest = text.partition(start)
        _, _, after = rest.partition(end)
        readme.write_text(before + start + "\n" + "\n".join(block) + "\n" + end + after)
    if args.json:
        def tally(t: Tally) -> dict[str, object]:
            return {"positives": t.positives, "found": t.found, "recall": t.recall,
                    "predictions": t.predictions, "correct": t.correct,
                    "precision": t.precision, "misplaced": t.misplaced}

        args.json.write_text(json.dumps({
            "overall": tally(o), "gated": tally(g),
            "by_pattern": {k: tally(v) for k, v in scores.by_pattern.items()},
            "by_repo": {k: tally(v) for k, v in scores.by_repo.items()},
            "misses": scores.misses, "false_alarms": scores.false_alarms,
        }, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
