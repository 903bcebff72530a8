"""The three policies the README's policy section opens with, read from the README as
written, do what their descriptions say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from license_gate.evaluate import Judge
from license_gate.knowledge.hf import from_claim
from license_gate.policy import load_policy

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
BLOCKS = dict(re.findall(r"```yaml\n# \.license-gate\.yaml: ([\w-]+)\n(.*?)```", README, re.S))


def decide(tmp_path: Path, name: str, licence: str) -> str:
    (tmp_path / ".license-gate.yaml").write_text(BLOCKS[name])
    expression = from_claim(licence).expression or licence
    return Judge(load_policy(None, tmp_path)).decide(expression).action


def test_the_readme_has_the_three_policies() -> None:
    assert set(BLOCKS) == {"default-no-strong-copyleft", "allow-list-only",
                           "commercial-saas-with-our-numbers"}


@pytest.mark.parametrize(("name", "licence", "action"), [
    ("default-no-strong-copyleft", "GPL-3.0-only", "error"),
    ("default-no-strong-copyleft", "AGPL-3.0-only", "error"),
    ("default-no-strong-copyleft", "GPL-2.0-or-later", "error"),
    ("default-no-strong-copyleft", "MPL-2.0", "allow"),
    ("default-no-strong-copyleft", "LGPL-2.1-only", "allow"),
    ("default-no-strong-copyleft", "MIT", "allow"),
    ("default-no-strong-copyleft", "Apache-2.0", "allow"),
    ("allow-list-only", "MIT", "allow"),
    ("allow-list-only", "MIT OR GPL-3.0-only", "allow"),
    ("allow-list-only", "MPL-2.0", "error"),
    ("allow-list-only", "Zlib", "error"),
    ("commercial-saas-with-our-numbers", "llama3.1", "warn"),
    ("commercial-saas-with-our-numbers", "cc-by-nc-4.0", "error"),
    ("commercial-saas-with-our-numbers", "llama3.2", "error"),
    ("commercial-saas-with-our-numbers", "MIT", "allow"),
])
def test_each_policy_does_what_it_says(tmp_path: Path, name: str, licence: str, action: str) -> None:
    assert decide(tmp_path, name, licence) == action


def test_the_saas_numbers_decide_the_caps(tmp_path: Path) -> None:
    (tmp_path / ".license-gate.yaml").write_text(BLOCKS["commercial-saas-with-our-numbers"])
    decision = Judge(load_policy(None, tmp_path)).decide(from_claim("llama3.1").expression or "")
    by_facet = {v.facet.facet: v for v in decision.facets}
    assert by_facet["user-threshold"].action == "info"  # 2.5M is within 700M
    assert by_facet["naming"].action == "ignore"
    assert by_facet["acceptable-use-policy"].action == "warn"
