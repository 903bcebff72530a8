"""Restriction facets and OSI approval: the knowledge base behind open-washing checks."""

from __future__ import annotations

import re

import pytest

from license_gate.knowledge import licensing, terms
from license_gate.knowledge.hf import from_claim, hub_ids

# The Hub's licence list (huggingface/hub-docs, docs/hub/repositories-licenses.md).
HUB_IDS = """
apache-2.0 mit openrail bigscience-openrail-m creativeml-openrail-m bigscience-bloom-rail-1.0
bigcode-openrail-m afl-3.0 artistic-2.0 bsl-1.0 bsd bsd-2-clause bsd-3-clause
bsd-3-clause-clear c-uda cc cc0-1.0 cc-by-2.0 cc-by-2.5 cc-by-3.0 cc-by-4.0 cc-by-sa-3.0
cc-by-sa-4.0 cc-by-nc-2.0 cc-by-nc-3.0 cc-by-nc-4.0 cc-by-nd-4.0 cc-by-nc-nd-3.0
cc-by-nc-nd-4.0 cc-by-nc-sa-2.0 cc-by-nc-sa-3.0 cc-by-nc-sa-4.0 cdla-sharing-1.0
cdla-permissive-1.0 cdla-permissive-2.0 wtfpl ecl-2.0 epl-1.0 epl-2.0 etalab-2.0 eupl-1.1
eupl-1.2 agpl-3.0 gfdl gpl gpl-2.0 gpl-3.0 lgpl lgpl-2.1 lgpl-3.0 isc h-research
intel-research lppl-1.3c ms-pl apple-ascl apple-amlr mpl-2.0 odc-by odbl openmdw-1.0
openmdw-1.1 openrail++ osl-3.0 postgresql ofl-1.1 ncsa unlicense zlib pddl lgpl-lr
deepfloyd-if-license fair-noncommercial-research-license llama2 llama3 llama3.1 llama3.2
llama3.3 llama4 grok2-community gemma unknown other
""".split()  # noqa: SIM905 - pasted as the Hub docs list it

RESTRICTIVE_CATEGORIES = ("Proprietary Free", "Source-available", "Free Restricted", "Commercial")


def test_all_83_hub_ids_are_mapped() -> None:
    assert len(HUB_IDS) == 83
    assert set(hub_ids()) == set(HUB_IDS)
    # Only the ids that name no licence at all stay without a key, each with a reason.
    unmapped = {hub_id for hub_id, (key, _s, why) in hub_ids().items() if key is None and why}
    assert unmapped == {"cc", "unknown", "other"}
    assert hub_ids()["apple-ascl"][0] == "AML"
    for hub_id, (key, _source, _why) in hub_ids().items():
        for symbol in terms.symbols(key) if key else []:
            assert licensing.category_of(symbol) is not None, (hub_id, symbol)


def test_the_vocabulary_is_the_design_vocabulary() -> None:
    assert tuple(licensing.load_data("ai_terms.json")["vocabulary"]) == terms.FACETS


def test_every_facet_entry_is_sourced_in_vocabulary_and_parses() -> None:
    for entry in licensing.load_data("ai_terms.json")["licenses"]:
        assert entry["source"].startswith("https://"), entry["key"]
        assert licensing.try_parse(entry["key"]) is not None, entry["key"]
        assert entry["facets"], entry["key"]
        for facet in entry["facets"]:
            assert facet["facet"] in terms.FACETS, (entry["key"], facet)
            assert facet["source"].startswith("https://"), (entry["key"], facet)
            assert facet["term"]
        assert not terms.is_osi_approved(entry["key"]), entry["key"]


def test_every_restrictive_ai_licence_the_hub_names_has_facets() -> None:
    # A Hub id that maps to a non-free licence must say what it restricts, except
    # C-UDA and CC-BY-ND which restrict use or derivatives without being AI licences.
    not_ai = {"C-UDA-1.0", "CC-BY-ND-4.0"}
    for hub_id, (key, _source, _why) in hub_ids().items():
        if key is None:
            continue
        for symbol in terms.symbols(key):
            if licensing.category_of(symbol) in RESTRICTIVE_CATEGORIES and symbol not in not_ai:
                assert terms.terms_of(symbol) is not None, (hub_id, symbol)


def test_osi_list_is_spdx_and_parses() -> None:
    osi = licensing.load_data("osi_approved.json")["osi_approved"]
    assert len(osi) > 100
    # The SPDX list moves faster than the index bundled with license-expression, so a few
    # newer ids (WordNet, OSC-1.0, ...) are not known to it; they still match by key.
    known = [key for key in osi if licensing.try_parse(key) is not None]
    assert len(known) >= len(osi) - 10
    assert all(re.fullmatch(r"[A-Za-z0-9.+-]+", key) for key in osi)
    assert terms.is_osi_approved("apache-2.0")
    assert not terms.is_osi_approved("CC-BY-4.0")


@pytest.mark.parametrize(("expression", "is_open"), [
    ("Apache-2.0", True),
    ("MIT OR Apache-2.0", True),
    ("CC-BY-4.0", True),  # not OSI, but a permissive open data licence
    ("GPL-3.0-only", True),
    ("CC-BY-NC-4.0", False),
    ("LicenseRef-scancode-llama-3.1-license-2024", False),
    ("MIT AND LicenseRef-scancode-gemma-tou-2024-04-01", False),
    ("CC-BY-ND-4.0", False),
])
def test_openness_of_expressions(expression: str, is_open: bool) -> None:
    assert terms.expression_is_open(expression) is is_open


def test_facets_carry_parameters_and_combine_over_and() -> None:
    llama32 = terms.facets_of("LicenseRef-scancode-llama-3.2-license-2024")
    by_name = {f.facet: f for f in llama32}
    assert by_name["user-threshold"].params["monthly_active_users"] == 700_000_000
    assert by_name["territory"].params["regions"] == ["EU"]
    combined = terms.facets_of("LicenseRef-scancode-llama-3.2-license-2024 AND CC-BY-NC-4.0")
    assert {f.facet for f in combined} == set(by_name) | {"non-commercial"}
    stability = {f.facet: f for f in terms.facets_of("LicenseRef-scancode-stability-ai-community-2024")}
    assert stability["revenue-threshold"].params["annual_revenue_usd"] == 1_000_000


@pytest.mark.parametrize(("slug", "key"), [
    ("mrl", "LicenseRef-license-gate-mistral-mrl-0.1"),
    ("yi-license", "LicenseRef-license-gate-yi-1.0"),
    ("stabilityai-ai-community", "LicenseRef-scancode-stability-ai-community-2024"),
    ("nvidia-open-model-license", "LicenseRef-license-gate-nvidia-open-model-unspecified"),
    ("tencent-hunyuan-community", "LicenseRef-license-gate-tencent-hunyuan-community"),
    ("coqui-public-model-license", "LicenseRef-license-gate-coqui-cpml-1.0"),
    ("qwen", "LicenseRef-license-gate-qwen-2024"),
    ("tongyi-qianwen", "LicenseRef-license-gate-tongyi-qianwen-2024"),
    ("deepseek", "LicenseRef-scancode-deepseek-la-1.0"),
    ("falcon-llm-license", "LicenseRef-license-gate-falcon-llm-tii"),
    ("flux-1-dev-non-commercial-license", "LicenseRef-scancode-flux-1-nc"),
    ("other: MRL", "LicenseRef-license-gate-mistral-mrl-0.1"),
    ("https://mistral.ai/licenses/MRL-0.1.md", "LicenseRef-license-gate-mistral-mrl-0.1"),
    ("http://huggingface.co/black-forest-labs/FLUX.1-dev/resolve/main/LICENSE.md/",
     "LicenseRef-scancode-flux-1-nc"),
])
def test_license_name_slugs_and_links_seen_in_the_wild(slug: str, key: str) -> None:
    mapped = from_claim(slug)
    assert mapped.expression == key
    assert mapped.source and mapped.source.startswith("https://")


def test_slug_and_link_table_is_sourced_and_points_one_way() -> None:
    data = licensing.load_data("hf_license_names.json")
    seen: dict[str, str] = {}
    for entry in [*data["names"], *data["links"]]:
        assert entry["source"].startswith("https://"), entry
        assert licensing.try_parse(entry["key"]) is not None, entry
        assert licensing.category_of(entry["key"]) is not None, entry
        label = (entry.get("slug") or entry["url"]).lower()
        assert seen.setdefault(label, entry["key"]) == entry["key"], label


def test_own_restrictive_refs_carry_facets() -> None:
    # The NVIDIA slug names no version, and the Qwen2 text may differ from the 2023 one
    # ScanCode describes: their terms are left unstated rather than guessed.
    unstated = {"LicenseRef-license-gate-nvidia-open-model-unspecified",
                "LicenseRef-license-gate-tongyi-qianwen-2024"}
    for own in licensing.own_licenses().values():
        if own.category in RESTRICTIVE_CATEGORIES and own.id not in unstated:
            assert terms.terms_of(own.id) is not None, own.id


def test_numbers_the_text_gives_are_parameters() -> None:
    needs = {"user-threshold": "monthly_active_users", "revenue-threshold": "annual_revenue_usd",
             "territory": "regions"}
    for entry in licensing.load_data("ai_terms.json")["licenses"]:
        for facet in entry["facets"]:
            if facet["facet"] in needs:
                assert needs[facet["facet"]] in facet.get("params", {}), (entry["key"], facet)


def test_region_groups_are_sourced() -> None:
    data = licensing.load_data("regions.json")
    for name, group in data["groups"].items():
        assert group["source"].startswith("https://"), name
        assert all(re.fullmatch(r"[A-Z]{2}", m) for m in group["members"]), name
    assert len(data["groups"]["EU"]["members"]) == 27
