"""Resolvers are looked up by ecosystem: a new ecosystem needs an extractor, a resolver
and one entry, and nothing else in the pipeline."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from license_gate import pipeline
from license_gate.model import (
    Component,
    Evidence,
    Place,
    Reference,
    Resolution,
    ResolvedComponent,
)
from license_gate.policy import load_policy
from license_gate.resolve import ecosystems
from license_gate.resolve.ecosystems import Entry, RunSettings, entry_for, is_package


def test_each_ecosystem_has_its_resolver() -> None:
    assert entry_for("pypi").name == "python packages" and is_package("pypi")
    for ecosystem in ("huggingface", "ollama", "openai"):
        assert entry_for(ecosystem).name == "models" and not is_package(ecosystem)


class FakeNpm:
    """A resolver for an ecosystem the tool does not have, as a test would add one."""

    def __init__(self, settings: RunSettings) -> None:
        self.notes = ["npm: answered from the fake"]
        self.offline = settings.offline

    def resolve(self, refs: Sequence[Reference]) -> list[ResolvedComponent]:
        return [ResolvedComponent(Component("npm", r.name, r.version),
                                  Resolution("MIT", (Evidence("npm", "license", "MIT"),)),
                                  (r.place,)) for r in refs]


def test_a_new_ecosystem_needs_only_a_resolver_and_an_entry(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ecosystems, "ENTRIES", (
        Entry("npm packages", frozenset({"npm"}), FakeNpm), *ecosystems.ENTRIES))
    extracted = pipeline.Extracted(references=(
        Reference("npm", "left-pad", Place("package-lock.json", 3), version="1.3.0"),))
    policy = load_policy(None, tmp_path)
    report = pipeline.judge(tmp_path, policy, extracted, pipeline.CheckOptions(offline=True))
    (result,) = report.components
    assert (result.component.ecosystem, result.component.name) == ("npm", "left-pad")
    assert result.resolved.outcome.expression == "MIT"  # type: ignore[union-attr]
    assert "npm: answered from the fake" in report.notes
