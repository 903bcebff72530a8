"""Score license-gate on real derivative model cards, hand-labelled (bench/lineage/cards.json).

Each card's front matter is written as ``cards/<id>/README.md`` in one temporary
repository, and ``license-gate check`` runs over it once, offline by default. A card is
*flagged* when its own component gets an ``open-washing`` or ``lineage-drift`` finding: the
tool says it drops its base's terms. Against the labels:

- drift  + flagged  = true positive;  drift  + not flagged = false negative;
- honest + flagged  = false positive; honest + not flagged = true negative;
- no-claim and unclear cards are not scored for precision or recall; what the tool said
  about them is listed.

``lineage-unknown`` is counted on its own: it fails the build, but it says "could not
check", not "drifts", so it is neither a hit nor a false alarm.

    python bench/lineage_score.py                 # offline, the bundled catalog only
    python bench/lineage_score.py --json out.json
    python bench/lineage_score.py --online --cache-dir DIR   # the real Hub (needs network)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CARDS = HERE / "lineage" / "cards.json"
CAUGHT = frozenset({"open-washing", "lineage-drift"})


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    unknown_lineage: Counter[str] = field(default_factory=Counter)  # label -> cards
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load_cards(path: Path = CARDS) -> list[dict[str, Any]]:
    return list(json.loads(path.read_text("utf-8"))["cards"])


def write_repo(cards: list[dict[str, Any]], root: Path) -> None:
    for card in cards:
        folder = root / "cards" / card["id"]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "README.md").write_text(f"---\n{card['front_matter'].rstrip()}\n---\n\n# {card['id']}\n",
                                          "utf-8")


def run_tool(root: Path, online: bool, cache_dir: Path | None) -> dict[str, Any]:
    command = [sys.executable, "-m", "license_gate", "check", str(root), "--format", "json",
               "--no-confirm"]
    command += [] if online else ["--offline"]
    if cache_dir is not None:
        command += ["--cache-dir", str(cache_dir)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"license-gate failed ({done.returncode}): {done.stderr}")
    return dict(json.loads(done.stdout))


def score(cards: list[dict[str, Any]], report: dict[str, Any]) -> Scores:
    rules: dict[str, set[str]] = {}
    for finding in report["findings"]:
        rules.setdefault(finding.get("component") or "", set()).add(finding["rule"])
    out = Scores()
    for card in cards:
        said = rules.get(f"pkg:file/cards/{card['id']}/README.md", set())
        flagged = bool(said & CAUGHT)
        label = card["label"]
        if "lineage-unknown" in said:
            out.unknown_lineage[label] += 1
        if label == "drift":
            if flagged:
                out.tp += 1
            else:
                out.fn += 1
                out.misses.append(f"{card['id']}: {sorted(said) or 'nothing'}")
        elif label == "honest":
            if flagged:
                out.fp += 1
                out.false_alarms.append(f"{card['id']}: {sorted(said)}")
            else:
                out.tn += 1
        else:
            out.others.append(f"{card['id']} ({label}): {sorted(said) or 'nothing'}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=Path, default=CARDS)
    parser.add_argument("--online", action="store_true", help="let the tool ask the Hub (network)")
    parser.add_argument("--cache-dir", type=Path)
    parser.add_argument("--json", type=Path, help="write the scores here")
    args = parser.parse_args(argv)
    cards = load_cards(args.cards)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        write_repo(cards, root)
        cache = args.cache_dir or Path(tmp) / "cache"
        report = run_tool(root, args.online, cache)
    result = score(cards, report)
    labels = Counter(c["label"] for c in cards)
    mode = "online" if args.online else "offline"
    print(f"{len(cards)} cards ({', '.join(f'{k} {v}' for k, v in sorted(labels.items()))}), {mode}")
    print(f"precision {result.precision:.2f}  recall {result.recall:.2f}  "
          f"(tp {result.tp}, fp {result.fp}, fn {result.fn}, tn {result.tn})")
    if result.unknown_lineage:
        print("lineage-unknown (could not check): "
              + ", ".join(f"{k} {v}" for k, v in sorted(result.unknown_lineage.items())))
    for title, items in (("missed drift", result.misses), ("false alarms", result.false_alarms),
                         ("not scored", result.others)):
        if items:
            print(f"{title}:")
            for item in items:
                print(f"  {item}")
    if args.json:
        args.json.write_text(json.dumps({
            "mode": mode, "cards": len(cards), "precision": result.precision, "recall": result.recall,
            "tp": result.tp, "fp": result.fp, "fn": result.fn, "tn": result.tn,
            "lineage_unknown": dict(result.unknown_lineage), "misses": result.misses,
            "false_alarms": result.false_alarms,
        }, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
