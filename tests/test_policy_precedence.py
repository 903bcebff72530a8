"""Precedence that follows intent: the nearest layer with an opinion about a licence
decides. Each row of the README's worked-examples table is a case here, written as a user
writes the files."""

from __future__ import annotations

from pathlib import Path

import pytest

from license_gate.evaluate import Judge
from license_gate.policy import PolicyError, load_policy

BASE_DENIES_AGPL = "version: 1\nextends: [builtin:default]\nlicenses: {deny: [AGPL-3.0-only]}\n"

# (files: name -> text, the repository's file is .license-gate.yaml), licence, action
CASES = [
    ({".license-gate.yaml": "version: 1\nextends: [builtin:default]\n"
      "licenses: {categories: {Copyleft: error}}\n"}, "GPL-3.0-only", "error"),
    ({".license-gate.yaml": "version: 1\nextends: [builtin:default]\n"
      "licenses: {categories: {Copyleft: error}}\n"}, "MIT", "allow"),
    ({".license-gate.yaml": "version: 1\nextends: [builtin:default]\n"
      "licenses: {categories: {Copyleft: error}}\n"}, "MPL-2.0", "allow"),
    ({".license-gate.yaml": "version: 1\nextends: [builtin:default]\n"
      "licenses: {osi-approved: warn}\n"}, "MIT", "warn"),
    ({".license-gate.yaml": "version: 1\nextends: [builtin:default]\n"
      "licenses: {allow: [CC-BY-NC-4.0]}\n"}, "CC-BY-NC-4.0", "allow"),
    ({"base.yaml": BASE_DENIES_AGPL, ".license-gate.yaml": "version: 1\nextends: [base.yaml]\n"
      "licenses: {allow: [AGPL-3.0-only]}\n"}, "AGPL-3.0-only", "allow"),
    # a file without extends refines the default: one exception does not deny the world
    ({".license-gate.yaml": "version: 1\nexceptions:\n  - {component: pkg:pypi/x, reason: ok}\n"},
     "Apache-2.0", "allow"),
    # extends: [] stands alone: nothing but licenses.default (error) decides
    ({".license-gate.yaml": "version: 1\nextends: []\n"}, "Apache-2.0", "error"),
    # a base's locked deny stands above a nearer layer's blanket allow
    ({"base.yaml": BASE_DENIES_AGPL + "locked: [licenses.deny]\n",
      ".license-gate.yaml": "version: 1\nextends: [base.yaml]\nlicenses: {osi-approved: allow}\n"},
     "AGPL-3.0-only", "error"),
    # an unlocked one does not: the repository's own rule is nearer
    ({"base.yaml": BASE_DENIES_AGPL,
      ".license-gate.yaml": "version: 1\nextends: [base.yaml]\n"
      "licenses: {categories: {Copyleft: warn}}\n"}, "AGPL-3.0-only", "warn"),
]


def _policy(tmp_path: Path, files: dict[str, str]):  # type: ignore[no-untyped-def]
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return load_policy(None, tmp_path)


@pytest.mark.parametrize(("files", "licence", "action"), CASES)
def test_the_nearest_layer_with_an_opinion_decides(tmp_path: Path, files: dict[str, str],
                                                   licence: str, action: str) -> None:
    decision = Judge(_policy(tmp_path, files)).decide(licence)
    assert decision.action == action, decision.why


def test_the_reason_names_the_deciding_layer(tmp_path: Path) -> None:
    policy = _policy(tmp_path, CASES[0][0])
    assert Judge(policy).decide("GPL-3.0-only").why == \
        "category Copyleft is denied (.license-gate.yaml:3)"
    assert Judge(policy).decide("MIT").why.endswith("(builtin:default:13)")


def test_an_allowed_ai_licence_keeps_its_terms_on_show(tmp_path: Path) -> None:
    decision = Judge(_policy(tmp_path, CASES[4][0])).decide("CC-BY-NC-4.0")
    assert [f.facet.facet for f in decision.facets] == ["non-commercial"]
    assert {f.action for f in decision.facets} == {"info"}


def test_a_locked_deny_still_stops_an_allow_with_exit_2(tmp_path: Path) -> None:
    files = {"base.yaml": BASE_DENIES_AGPL + "locked: [licenses.deny]\n",
             ".license-gate.yaml": "version: 1\nextends: [base.yaml]\n"
             "licenses: {allow: [AGPL-3.0-only]}\n"}
    with pytest.raises(PolicyError, match=r"licenses\.deny is locked by base\.yaml"):
        _policy(tmp_path, files)


def test_an_implied_default_is_said(tmp_path: Path) -> None:
    policy = _policy(tmp_path, CASES[6][0])
    assert policy.sources == ("builtin:default", ".license-gate.yaml")
    assert any("has no extends, so it refines builtin:default" in n for n in policy.notes)
    alone = _policy(tmp_path, {".license-gate.yaml": "version: 1\nextends: []\n"})
    assert alone.sources == (".license-gate.yaml",) and not alone.notes


def test_the_text_header_names_the_layers_nearest_first(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "base.yaml").write_text("version: 1\nextends: [builtin:default]\n")
    (tmp_path / ".license-gate.yaml").write_text("version: 1\nextends: [base.yaml]\n")
    (tmp_path / "requirements.txt").write_text("requests==2.32.3\n")
    result = run_cli("check", str(tmp_path), "--offline", "--cache-dir", str(tmp_path / "c"))
    assert "policy: .license-gate.yaml, extending base.yaml > builtin:default" in result.out
