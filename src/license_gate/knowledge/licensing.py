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


@lru_cache(maxsize=1)
def licensing() -> Any:
    import license_expression

    return license_expression.build_spdx_licensing(_index())


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


def parse(expression: str, allow_custom_refs: bool = False) -> Any:
    """Parse and validate, returning a license-expression object with canonical keys.

    Raises LicenseParseError naming the unknown ids, so callers can say which part of
    a policy or a metadata field is wrong.
    """
    lic = licensing()
    try:
        parsed = lic.parse(expression, validate=False, strict=False)
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
