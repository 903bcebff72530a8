"""schemas/policy-v1.schema.json (for editors) agrees with the tool's own validation:
the built-in profiles and a full policy pass both; each malformed policy fails both."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from license_gate.policy import PolicyError, load_policy

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "schemas" / "policy-v1.schema.json").read_text())

FULL = """version: 1
extends: [builtin:default, https://policies.example/org.yaml#sha256=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]
unknown: warn
licenses:
  allow: [MIT, "Apache-2.0 OR MIT"]
  deny: AGPL-3.0-only
  osi-approved: allow
  categories: {Permissive: allow, Copyleft: warn}
  default: error
ai:
  restrictions: {non-commercial: error, territory: warn, naming: ignore}
  open-washing: error
  lineage: warn
context:
  commercial: true
  monthly-active-users: 5000000
  annual-revenue-usd: 20000000
  regions: [EU, US]
  military: false
exceptions:
  - component: pkg:pypi/some-package
    versions: ">=1.0,<2"
    license: GPL-3.0-only
    reason: internal tooling only
    owner: platform-team
    expires: 2027-06-30
locked: [unknown, licenses.deny, ai.restrictions.non-commercial, context.regions]
"""


def as_json(text: str) -> Any:
    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value.isoformat() if isinstance(value, dt.date) else value

    return plain(yaml.safe_load(text))


def test_schema_is_valid_and_accepts_profiles_and_a_full_policy() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    for profile in (ROOT / "policies").glob("*.yaml"):
        jsonschema.validate(as_json(profile.read_text()), SCHEMA)
    jsonschema.validate(as_json(FULL), SCHEMA)


BAD = [
    "version: 2\n",
    "version: 1\nunknown: maybe\n",
    "version: 1\nlicences: {}\n",
    "version: 1\nlicenses: {categories: {Permisive: allow}}\n",
    "version: 1\nlicenses: {osi-approved: ignore}\n",
    "version: 1\nai: {restrictions: {non-comercial: error}}\n",
    "version: 1\nai: {open-washing: allow}\n",
    "version: 1\ncontext: {monthly-active-users: lots}\n",
    "version: 1\ncontext: {commercial: 'yes please'}\n",
    "version: 1\nexceptions: [{component: pkg:pypi/x}]\n",
    "version: 1\nexceptions: [{component: pkg:pypi/x@1.0, reason: r}]\n",
    "version: 1\nlocked: [licenses.everything]\n",
]


@pytest.mark.parametrize("text", BAD)
def test_schema_and_tool_reject_the_same_mistakes(tmp_path: Path, text: str) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(as_json(text), SCHEMA)
    (tmp_path / ".license-gate.yaml").write_text(text)
    with pytest.raises(PolicyError):
        load_policy(None, tmp_path)
