"""The knowledge base is code: every entry must be sourced and must parse."""

from __future__ import annotations

from license_gate.knowledge import licensing
from license_gate.knowledge.normalize import alias_key


def test_every_alias_group_has_a_source_and_parses() -> None:
    groups = licensing.load_data("aliases.json")["aliases"]
    assert len(groups) > 40
    for group in groups:
        assert group["source"].startswith("https://"), group
        assert licensing.try_parse(group["expression"]) is not None, group["expression"]


def test_no_alias_points_two_ways() -> None:
    seen: dict[str, str] = {}
    for group in licensing.load_data("aliases.json")["aliases"]:
        for name in [group["expression"], *group["names"]]:
            key = alias_key(name)
            assert seen.setdefault(key, group["expression"]) == group["expression"], name


def test_classifier_and_text_entries_are_sourced_and_parse() -> None:
    for entry in licensing.load_data("classifiers.json")["classifiers"]:
        assert all(s.startswith("https://") for s in entry["source"]), entry
        assert entry["classifier"].startswith("License :: ")
        assert licensing.try_parse(entry["expression"]) is not None
    for entry in licensing.load_data("texts.json")["texts"]:
        assert entry["source"].startswith("https://"), entry
        assert licensing.try_parse(entry["id"]) is not None
        assert all(p == p.lower() for group in entry["patterns"] for p in group)


def test_own_licence_refs_have_categories_and_sources() -> None:
    for own in licensing.own_licenses().values():
        assert own.id.startswith("LicenseRef-license-gate-")
        assert own.category in licensing.CATEGORIES
        assert own.source.startswith("https://")
        assert licensing.category_of(own.id) == own.category


def test_categories_come_from_the_scancode_index() -> None:
    assert licensing.category_of("MIT") == "Permissive"
    assert licensing.category_of("GPL-3.0-only") == "Copyleft"
    assert licensing.category_of("LGPL-2.1-or-later") == "Copyleft Limited"
    assert licensing.category_of("LicenseRef-scancode-llama-2-license-2023") == "Proprietary Free"
