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
    python bench/lineage_score.py --replay        # a loopback Hub serving the labelled bases
    python bench/lineage_score.py --online --cache-dir DIR   # the real Hub (needs network)

``--replay`` measures the online path without the network: a Hub on 127.0.0.1 answers
each labelled base with the licence the labellers read for it (in the real Hub's shape:
``cardData.license``, or ``other`` with ``license_name``; 401 for anything else, as the
Hub answers an anonymous caller). It shows what the logic makes of the cards when the Hub
answers; it says nothing about the catalog, and the base licences are the labels' own.
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


def replay_hub(cards: list[dict[str, Any]]) -> Any:
    """A ThreadingHTTPServer on 127.0.0.1 answering /api/models/<id> for the labelled bases."""
    import hashlib
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    bases: dict[str, tuple[str, str]] = {}
    for card in cards:
        for base, known in card["base_licences"].items():
            bases[base.lower()] = (base, known["licence"])

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            name = self.path.split("?")[0].removeprefix("/api/models/").split("/revision/")[0]
            found = bases.get(name.lower())
            if found is None or found[1] == "unknown":
                self.send_response(401)
                self.end_headers()
                return
            repo_id, licence = found
            slug, _, named = licence.partition(":")
            card = {"license": slug} | ({"license_name": named} if named else {})
            body = json.dumps({"_id": hashlib.sha1(repo_id.lower().encode()).hexdigest()[:24],
                               "id": repo_id, "modelId": repo_id, "sha": "0" * 40, "gated": False,
                               "tags": [f"license:{slug}"], "cardData": card}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run_tool(root: Path, online: bool, cache_dir: Path | None,
             endpoint: str | None = None) -> dict[str, Any]:
    import os

    command = [sys.executable, "-m", "license_gate", "check", str(root), "--format", "json",
               "--no-confirm"]
    command += [] if online else ["--offline"]
    if cache_dir is not None:
        command += ["--cache-dir", str(cache_dir)]
    env = dict(os.environ)
    if endpoint:
        env["HF_ENDPOINT"] = endpoint
        env.pop("HF_TOKEN", None)
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
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
    parser.add_argument("--replay", action="store_true",
                        help="online against a loopback Hub serving the labelled base licences")
    parser.add_argument("--cache-dir", type=Path)
    parser.add_argument("--json", type=Path, help="write the scores here")
    args = parser.parse_args(argv)
    cards = load_cards(args.cards)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        write_repo(cards, root)
        cache = args.cache_dir or Path(tmp) / "cache"
        if args.replay:
            server = replay_hub(cards)
            try:
                report = run_tool(root, True, cache, f"http://127.0.0.1:{server.server_address[1]}")
            finally:
                server.shutdown()
        else:
            report = run_tool(root, args.online, cache)
    result = score(cards, report)
    labels = Counter(c["label"] for c in cards)
    mode = "replayed Hub" if args.replay else "online" if args.online else "offline"
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
