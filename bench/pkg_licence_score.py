"""Score license-gate's licence reading on real installed distributions, hand-labelled
(``tests/assets/pkgmeta/``: metadata headers and licence files snapshotted by
``bench/pkg_snapshot.py``; labels in ``labels.json``, decided by reading).

For each labelled distribution the tool reads the snapshot's ``METADATA`` as it reads an
installed dist-info, and its answer is compared with the label:

- **right**: the same licence (equivalent expressions count), or the right family named
  without its variant (``LicenseRef-license-gate-BSD-unspecified`` for BSD-3-Clause):
  right, but not exact;
- **unknown**: the tool says it cannot tell, though the label knows;
- **wrong**: any other answer; a **copyleft error** is a wrong answer that turns a
  non-copyleft licence copyleft or the reverse, the error that switches a gate off. An
  expression is copyleft when a policy denying copyleft must deny it: every alternative
  of an OR holds a copyleft licence;
- **exact**: among rows whose variant only a licence file states, the tool names it.

    python bench/pkg_licence_score.py [--json scores.json] [--show wrong|unknown|all]

The goals (issue 13): 0 copyleft errors, at most 2 wrong, at least 99% of knowable
licences right, at least 90% exact where a file states the variant.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "tests" / "assets" / "pkgmeta"
COPYLEFT = ("Copyleft", "Copyleft Limited")


@dataclass
class Scores:
    rows: int = 0
    knowable: int = 0
    right: int = 0
    unknown: int = 0
    wrong: int = 0
    copyleft_errors: int = 0
    variant_rows: int = 0
    exact: int = 0
    details: list[tuple[str, str, str, str | None]] = field(default_factory=list)  # kind, dist, label, got

    @property
    def right_share(self) -> float:
        return self.right / self.knowable if self.knowable else 1.0

    @property
    def exact_share(self) -> float:
        return self.exact / self.variant_rows if self.variant_rows else 1.0


def read_metadata(dist: Path) -> Any:
    """The snapshot read exactly as an installed dist-info is read; ``files.txt`` stands
    for the vendored libraries the tool lists beside site-packages."""
    from license_gate.resolve.installed import read_dist_info

    listed = dist / "files.txt"
    vendored = listed.read_text("utf-8").split() if listed.exists() else []
    return read_dist_info(dist, "METADATA", vendored)


def _copyleft(expression: str) -> bool:
    """Whether a policy that denies copyleft must deny this expression: some licence in
    every alternative is copyleft. ``BSD-3-Clause OR GPL-2.0-only`` is not (the policy
    takes the BSD), ``BSD-3-Clause AND GPL-2.0-only`` is."""
    from license_gate.knowledge import licensing

    def walk(node: Any) -> bool:
        name = type(node).__name__
        if name == "OR":
            return all(walk(arg) for arg in node.args)
        if name == "AND":
            return any(walk(arg) for arg in node.args)
        if name == "LicenseWithExceptionSymbol":
            node = node.license_symbol
        return licensing.category_of(node.key) in COPYLEFT

    try:
        return walk(licensing.parse(expression, allow_custom_refs=True))
    except Exception:  # an expression we cannot parse is judged by its words
        return bool(re.search(r"\b(A|L)?GPL", expression))


def same(a: str, b: str) -> bool:
    from license_gate.knowledge import licensing

    try:
        return bool(licensing.licensing().is_equivalent(
            licensing.parse(a, allow_custom_refs=True), licensing.parse(b, allow_custom_refs=True)))
    except Exception:
        return a == b


_FAMILY = re.compile(r"^LicenseRef-license-gate-([A-Za-z]+)-unspecified$")


def vague_match(got: str, label: str) -> bool:
    """The family right and the variant missing: BSD-unspecified for a BSD-3-Clause label."""
    match = _FAMILY.match(got)
    return bool(match and re.fullmatch(rf"{match.group(1)}-[\w.-]+", label))


def ours(labels: list[dict[str, Any]], corpus: Path = CORPUS) -> dict[str, str | None]:
    """license-gate's answer for each labelled distribution."""
    from license_gate.model import Resolution
    from license_gate.resolve.metadata import outcome_from_metadata

    answers: dict[str, str | None] = {}
    for row in labels:
        outcome = outcome_from_metadata(read_metadata(corpus / row["dist"]), "installed")
        answers[row["dist"]] = outcome.expression if isinstance(outcome, Resolution) else None
    return answers


def score(labels: list[dict[str, Any]], corpus: Path = CORPUS,
          answers: dict[str, str | None] | None = None) -> Scores:
    """Score answers (license-gate's by default; a peer's, as SPDX expressions, for
    bench/pkg_peers.py) against the labels."""
    if answers is None:
        answers = ours(labels, corpus)
    out = Scores()
    for row in labels:
        got = answers.get(row["dist"])
        label = row["license"]
        out.rows += 1
        if not row.get("knowable", label is not None) or label is None:
            continue
        out.knowable += 1
        if row.get("variant_from_file"):
            out.variant_rows += 1
        if got is None:
            out.unknown += 1
            out.details.append(("unknown", row["dist"], label, None))
        elif same(got, label):
            out.right += 1
            if row.get("variant_from_file"):
                out.exact += 1
        elif vague_match(got, label):
            out.right += 1
            out.details.append(("vague", row["dist"], label, got))
        else:
            out.wrong += 1
            flipped = _copyleft(got) != _copyleft(label)
            out.copyleft_errors += flipped
            out.details.append(("copyleft-error" if flipped else "wrong", row["dist"], label, got))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--labels", type=Path, default=CORPUS / "labels.json")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--show", choices=("wrong", "unknown", "all"), default="wrong")
    args = parser.parse_args(argv)
    labels = json.loads(args.labels.read_text("utf-8"))["rows"]
    s = score(labels)
    print(f"{s.rows} distributions, {s.knowable} with a knowable licence")
    print(f"right {s.right} ({s.right_share:.1%}), wrong {s.wrong} (copyleft errors "
          f"{s.copyleft_errors}), unknown {s.unknown}; exact where a file states the variant "
          f"{s.exact}/{s.variant_rows} ({s.exact_share:.1%})")
    shown = {"wrong": ("wrong", "copyleft-error"), "unknown": ("unknown",),
             "all": ("wrong", "copyleft-error", "unknown", "vague")}[args.show]
    for kind, dist, label, got in s.details:
        if kind in shown:
            print(f"  {kind}: {dist}: label {label}, got {got}")
    if args.json:
        args.json.write_text(json.dumps({
            "rows": s.rows, "knowable": s.knowable, "right": s.right, "wrong": s.wrong,
            "copyleft_errors": s.copyleft_errors, "unknown": s.unknown,
            "variant_rows": s.variant_rows, "exact": s.exact,
            "details": [list(d) for d in s.details]}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
