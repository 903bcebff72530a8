"""One licence vocabulary for the whole tool.

It is license-expression's SPDX licensing (which also accepts every ScanCode key as
``LicenseRef-scancode-<key>``), extended with our own ``LicenseRef-license-gate-*`` ids
from ``data/licenserefs.json``. Categories come from the ScanCode index bundled with
license-expression, so a policy can speak of "Permissive" or "Copyleft".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

CATEGORIES = (
    "Permissive", "Public Domain", "Copyleft Limited", "Copyleft", "Proprietary Free",
    "Source-available", "Free Restricted", "Commercial", "CLA", "Patent License",
    "Unstated License",
)


class LicenseParseError(ValueError):
    """A string that is not a valid licence expression in our vocabulary."""


def load_data(name: str) -> Any:
    # The data files sit next to this module in every install (wheels are unpacked).
    return json.loads((Path(__file__).parent / "data" / name).read_text("utf-8"))


@dataclass(frozen=True)
class OwnLicense:
    id: str
    name: str
    category: str
    source: str


@lru_cache(maxsize=1)
def own_licenses() -> dict[str, OwnLicense]:
    data = load_data("licenserefs.json")
    return {
        entry["id"]: OwnLicense(entry["id"], entry["name"], entry["category"], entry["source"])
        for entry in data["licenses"]
    }


@lru_cache(maxsize=1)
def _index() -> list[dict[str, Any]]:
    import license_expression

    index: list[dict[str, Any]] = list(license_expression.get_license_index())
    for own in own_licenses().values():
        index.append({
            "license_key": own.id.lower(),
            "spdx_license_key": own.id,
            "other_spdx_license_keys": [],
            "is_exception": False,
            "is_deprecated": False,
            "category": own.category,
        })
    return index


def _symbols() -> list[Any]:
    """One LicenseSymbol per SPDX key of the index, as build_spdx_licensing makes them."""
    import license_expression

    return [license_expression.LicenseSymbol(
        key=entry["spdx_license_key"], aliases=entry.get("other_spdx_license_keys", []),
        is_exception=entry.get("is_exception", False),
        is_deprecated=entry.get("is_deprecated", False),
    ) for entry in _index() if entry.get("spdx_license_key")]


@lru_cache(maxsize=1)
def licensing() -> Any:
    """The licence-expression engine over the bundled index plus our own refs.

    Built without the per-run symbol validation of ``Licensing(symbols)``: the index is
    package data, validated once by tests (tests/knowledge/test_licensing.py). Expressions
    are tokenised by the library's simple tokenizer (no key contains a space), which
    needs only a lowercase key map; ours also maps every alias. That spares building the
    Aho-Corasick tokenizer, about a third of the start-up this engine costs; see
    ``_tokenize_simply`` for the two aliases that do contain a space.
    """
    import license_expression

    symbols = _symbols()
    engine = license_expression.Licensing()
    engine.known_symbols = {symbol.key: symbol for symbol in symbols}
    lowercase = {symbol.key.lower(): symbol for symbol in symbols}
    for symbol in symbols:
        for alias in symbol.aliases:
            lowercase.setdefault(alias.lower(), symbol)
    engine.known_symbols_lowercase = lowercase
    return engine


@lru_cache(maxsize=1)
def _categories() -> dict[str, str]:
    out: dict[str, str] = {}
    for entry in _index():
        category = entry.get("category")
        if not category:
            continue
        for key in [entry.get("spdx_license_key"), *entry.get("other_spdx_license_keys", [])]:
            if key:
                out.setdefault(key.lower(), category)
        out.setdefault(f"licenseref-scancode-{entry['license_key']}".lower(), category)
    return out


def category_of(license_id: str) -> str | None:
    return _categories().get(license_id.lower())


@lru_cache(maxsize=1)
def _spaced_aliases() -> tuple[str, ...]:
    # from the index entries, not _symbols(): building 2,700 symbols a second time on
    # the first parse would cost as much as the engine saves
    return tuple(alias.lower() for entry in _index() if entry.get("spdx_license_key")
                 for alias in entry.get("other_spdx_license_keys", []) if " " in alias)


def _tokenize_simply(expression: str) -> bool:
    """False when the text holds an alias with a space ("GPL 2.0"): only the library's
    advanced tokenizer, built on first use, reads those as one licence."""
    lowered = expression.lower()
    return not any(alias in lowered for alias in _spaced_aliases())


def parse(expression: str, allow_custom_refs: bool = False) -> Any:
    """Parse and validate, returning a license-expression object with canonical keys.

    Raises LicenseParseError naming the unknown ids, so callers can say which part of
    a policy or a metadata field is wrong.
    """
    lic = licensing()
    try:
        parsed = lic.parse(expression, validate=False, strict=False,
                           simple=_tokenize_simply(expression))
    except Exception as exc:  # license-expression raises several parse error types
        raise LicenseParseError(f"not a licence expression: {expression!r} ({exc})") from exc
    if parsed is None:
        raise LicenseParseError("empty licence expression")
    unknown = lic.unknown_license_keys(parsed)
    if allow_custom_refs:
        # PEP 639 lets a project name its own licence as LicenseRef-<anything>.
        unknown = [key for key in unknown if not key.startswith("LicenseRef-")]
    if unknown:
        raise LicenseParseError(f"unknown licence id(s) {', '.join(map(repr, unknown))}")
    return parsed


def render(parsed: Any) -> str:
    text: str = parsed.render("{symbol.key}")
    return text


def try_parse(expression: str, allow_custom_refs: bool = False) -> Any | None:
    try:
        return parse(expression, allow_custom_refs)
    except LicenseParseError:
        return None
