"""Turn what package metadata says about a licence into an SPDX expression.

Order of trust for one string: a valid SPDX expression as written; a known alias
("Apache 2.0", "GPLv3+"); a compound of aliases ("MIT/Apache-2.0", "BSD or GPL"); the
fingerprint of a pasted licence text. Anything else is unknown, and the raw value is
kept so the report can show it. We never guess: a name that does not pin a version maps
to an explicit ``-unspecified`` id instead of the most popular version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from license_gate.knowledge import licensing

# Values that mean "nothing stated" rather than a licence.
_EMPTY = {"", "unknown", "none", "null", "n/a", "na", "-", "license", "other", "see license",
          "see license file", "see license.txt", "see license.md", "licence", "dual license",
          "free", "free software", "osi approved", "custom", "copyright"}


@dataclass(frozen=True)
class Normalized:
    expression: str | None
    how: str  # spdx | alias | compound | text | classifier | empty | unknown
    source: str | None = None  # URL of the data entry that decided it


def alias_key(text: str) -> str:
    """The comparison key for licence names: case, punctuation, 'the', the licence/license
    spelling and 'version'/'v' before a number do not matter; "or later" means '+'."""
    s = text.lower().strip()
    s = s.replace("licence", "license").replace("’", "'")
    s = re.sub(r"\bor (any )?(later|newer|greater)( version)?\b", "+", s)
    s = re.sub(r"[\"'(),;:]", " ", s)
    s = re.sub(r"\bversion\b|\bver\.", " ", s)
    s = re.sub(r"(?<=[a-z])v(?=\d)", " ", s)  # gplv3 -> gpl 3
    s = re.sub(r"\bv\s*(?=\d)", " ", s)  # v2.0 -> 2.0
    s = re.sub(r"(?<=[a-z])(?=\d)", " ", s)  # apache2 -> apache 2
    s = s.replace("-", " ").replace("_", " ")
    s = re.sub(r"\blicense\b", " ", s)
    s = re.sub(r"\s+\+", "+", s)
    s = re.sub(r"(?<![.\d])(\d+)(?![.\d])", r"\1.0", s)  # '2' and '2.0' compare equal
    s = re.sub(r"\s+", " ", s).strip()
    s = s.removeprefix("the ").strip()
    return s


@lru_cache(maxsize=1)
def _aliases() -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for group in licensing.load_data("aliases.json")["aliases"]:
        for name in [group["expression"], *group["names"]]:
            table[alias_key(name)] = (group["expression"], group["source"])
    return table


@lru_cache(maxsize=1)
def _classifiers() -> dict[str, tuple[str, str]]:
    return {
        entry["classifier"]: (entry["expression"], entry["source"][0])
        for entry in licensing.load_data("classifiers.json")["classifiers"]
    }


@lru_cache(maxsize=1)
def _texts() -> list[tuple[str, str, list[list[str]], list[str]]]:
    return [
        (e["id"], e["source"], e["patterns"], e["unless"])
        for e in licensing.load_data("texts.json")["texts"]
    ]


def _text_key(text: str) -> str:
    lines = [re.sub(r"^\s*(#|//|\*|/\*|\*/|;|--|\|)+", " ", line) for line in text.splitlines()]
    joined = " ".join(lines).lower().replace("’", "'").replace("‘", "'")
    joined = joined.replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", joined)


def from_text(text: str) -> Normalized | None:
    """Recognise a pasted licence text or standard notice by its fingerprint phrases."""
    key = _text_key(text)
    for license_id, source, patterns, unless in _texts():
        if any(all(p in key for p in group) for group in patterns) and not any(
            u in key for u in unless
        ):
            return Normalized(license_id, "text", source)
    return None


# "X or Artifex Commercial License": a commercial licence sold by the copyright holder is
# a real alternative, but not one an SPDX id names; ScanCode's id for it keeps it visible
# (category Commercial) so a policy can see what the choice is.
COMMERCIAL = "LicenseRef-scancode-commercial-license"
COMMERCIAL_SOURCE = "https://scancode-licensedb.aboutcode.org/commercial-license.html"
_COMMERCIAL = re.compile(r"^[\w .,-]{0,40}\bcommercial (license|licence|terms)$", re.IGNORECASE)
# "Dual Licensed - X or Y", "Dual license: X or Y": the words before the names.
_DUAL = re.compile(r"^\s*(dual|double)[ -]licen[cs](ed|e)\s*[-:]?\s*(under\s+)?", re.IGNORECASE)


def _single(text: str) -> Normalized | None:
    # Aliases first: license-expression reads a bare "GPL" as GPL-1.0-or-later, where the
    # metadata names no version at all (-unspecified, as the README promises).
    hit = _aliases().get(alias_key(text))
    if hit and "-unspecified" in hit[0]:
        return Normalized(hit[0], "alias", hit[1])
    parsed = licensing.try_parse(text)
    if parsed is not None:
        return Normalized(licensing.render(parsed), "spdx")
    if hit:
        return Normalized(hit[0], "alias", hit[1])
    if _COMMERCIAL.match(text.strip()):
        return Normalized(COMMERCIAL, "alias", COMMERCIAL_SOURCE)
    return None


_SPLIT = re.compile(r"\s+(or|and)\s+|\s*(/|\|)\s*", re.IGNORECASE)


def _compound(text: str) -> Normalized | None:
    """'MIT/Apache-2.0', 'Apache 2.0 or MIT', 'BSD and GPLv2': each part must be known."""
    pieces = _SPLIT.split(text)
    # re.split with two groups yields: part, op-word, op-symbol, part, ...
    parts = pieces[0::3]
    ops = [(w or s) for w, s in zip(pieces[1::3], pieces[2::3], strict=True)]
    if len(parts) < 2:
        return None
    rendered: list[str] = []
    for index, part in enumerate(parts):
        single = _single(part.strip())
        if single is None or single.expression is None:
            return None
        rendered.append(f"({single.expression})")
        if index < len(ops):
            rendered.append("AND" if ops[index].lower() == "and" else "OR")
    parsed = licensing.try_parse(" ".join(rendered))
    return Normalized(licensing.render(parsed), "compound") if parsed is not None else None


@lru_cache(maxsize=4096)
def normalize(raw: str | None) -> Normalized:
    """Memoised: a resolver asks for the same strings ("MIT", a classifier) hundreds of
    times in one run, and the answer is a pure function of the string."""
    return _normalize(raw)


def _normalize(raw: str | None) -> Normalized:
    if raw is None:
        return Normalized(None, "empty")
    text = raw.strip()
    if text.lower().strip(" .") in _EMPTY:
        return Normalized(None, "empty")
    looks_like_text = "\n" in text or len(text) > 200
    if not looks_like_text:
        stripped = _DUAL.sub("", text)
        found = _single(text) or _compound(text) or (
            _compound(stripped) if stripped != text else None)
        if found:
            return found
    recognised = from_text(text)
    if recognised:
        return recognised
    return Normalized(None, "unknown")


def from_classifiers(classifiers: list[str]) -> tuple[Normalized, list[str]]:
    """Licence classifiers to one expression. Returns the result and the classifiers used.

    Several licence classifiers do not say whether they are alternatives or all apply,
    so they are combined with AND: a policy must accept every one of them. That is the
    reading that can never let a licence through by accident.
    """
    table = _classifiers()
    used = [c for c in classifiers if c.startswith("License ::")]
    known = [(c, table[c]) for c in used if c in table]
    if not known:
        return Normalized(None, "unknown" if used else "empty"), used
    exprs = sorted({expr for _, (expr, _) in known})
    expression = " AND ".join(f"({e})" if " " in e else e for e in exprs)
    parsed = licensing.parse(expression)
    return Normalized(licensing.render(parsed), "classifier", known[0][1][1]), [c for c, _ in known]
