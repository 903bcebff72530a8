"""Lineage against a Hub that answers as the real one does: a base that cannot be read
never lets a derivative pass unchecked, a renamed base is one parent, a legacy name and
its current name are one component, and every base of a card is judged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from license_gate.model import Cause, Kind, Place, Reference
from license_gate.resolve.ai import AIResolver, AISettings
from license_gate.resolve.http import HttpSettings
from tests.fake_hub import FakeHub
from tests.helpers import write_tree

LLAMA31 = "LicenseRef-scancode-llama-3.1-license-2024"
SHA = "86b5e0934494bd15c9632b12f734a8a67f723594"
SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "schemas" /
                     "report-v1.schema.json").read_text())
USES_FT = {"app.py": 'from transformers import AutoModel\n'
                     'm = AutoModel.from_pretrained("acme/support-ft")\n'}


@pytest.fixture
def hub(fake_hub: FakeHub) -> FakeHub:
    # As recorded: Llama 3.1 repositories are gated "manual" and answer 200 to anyone;
    # the Instruct card keeps the base's old name, the tags give its current one.
    fake_hub.rename("meta-llama/Meta-Llama-3.1-8B", "meta-llama/Llama-3.1-8B")
    fake_hub.model("meta-llama/Llama-3.1-8B", {"license": "llama3.1"}, gated="manual")
    fake_hub.model("meta-llama/Llama-3.1-8B-Instruct", {
        "license": "llama3.1", "base_model": "meta-llama/Meta-Llama-3.1-8B"}, gated="manual")
    fake_hub.model("acme/support-ft", {"license": "apache-2.0",
                                        "base_model": "meta-llama/Llama-3.1-8B"})
    return fake_hub


def check(run_cli, root: Path, *args: str) -> tuple[int, dict[str, Any]]:  # type: ignore[no-untyped-def]
    result = run_cli("check", str(root), "--cache-dir", str(root.parent / "cache"), "--retries", "0",
                     "--format", "json", *args)
    report = result.json()
    jsonschema.validate(report, SCHEMA)
    return result.code, report


def rules(report: dict[str, Any], component: str | None = None) -> dict[str, dict[str, Any]]:
    return {f["rule"]: f for f in report["findings"]
            if component is None or f["component"] == component}


# ------------------------------------------------------------------ unreadable bases


@pytest.mark.parametrize("token", [None, "hf_reader"])
def test_finetune_of_a_gated_base_is_caught_with_and_without_a_token(
        tmp_path: Path, hub: FakeHub, run_cli, monkeypatch, token: str | None) -> None:  # type: ignore[no-untyped-def]
    if token:
        monkeypatch.setenv("HF_TOKEN", token)
    root = write_tree(tmp_path / "repo", USES_FT)
    code, report = check(run_cli, root)
    assert code == 1
    drift = rules(report, "pkg:huggingface/acme/support-ft")["lineage-drift"]
    assert "meta-llama/Llama-3.1-8B" in drift["message"] and "acceptable-use-policy" in drift["message"]
    (hop,) = next(c for c in report["components"] if c["name"] == "acme/support-ft")["lineage"]
    assert hop["source"] == "hub card" and hop["license"] == LLAMA31


@pytest.mark.parametrize("how", ["private-anonymous-401", "deleted-404-with-token", "500"])
def test_a_base_the_hub_will_not_show_is_looked_up_in_the_catalog(
        tmp_path: Path, hub: FakeHub, run_cli, monkeypatch, how: str) -> None:  # type: ignore[no-untyped-def]
    if how == "private-anonymous-401":
        hub.private.add(("models", "meta-llama/Llama-3.1-8B"))
    elif how == "deleted-404-with-token":
        hub.delete("meta-llama/Llama-3.1-8B")
        monkeypatch.setenv("HF_TOKEN", "hf_reader")
    else:
        hub.fault("/api/models/meta-llama/Llama-3.1-8B", "500")
    root = write_tree(tmp_path / "repo", USES_FT)
    code, report = check(run_cli, root)
    assert code == 1
    found = rules(report, "pkg:huggingface/acme/support-ft")
    assert "lineage-drift" in found and "lineage-unknown" not in found
    (hop,) = next(c for c in report["components"] if c["name"] == "acme/support-ft")["lineage"]
    assert hop["source"] == "catalog" and hop["license"] == LLAMA31
    assert "the Hub could not show the card" in hop["note"]


def test_an_unreadable_base_the_catalog_lacks_fails_closed(tmp_path: Path, hub: FakeHub,
                                                           run_cli) -> None:  # type: ignore[no-untyped-def]
    hub.model("acme/lost-ft", {"license": "apache-2.0", "base_model": "vanished/base-7b"})
    root = write_tree(tmp_path / "repo", {"app.py": 'from transformers import AutoModel\n'
                                          'm = AutoModel.from_pretrained("acme/lost-ft")\n'})
    code, report = check(run_cli, root)
    assert code == 1
    unknown = rules(report, "pkg:huggingface/acme/lost-ft")["lineage-unknown"]
    assert unknown["severity"] == "error"
    assert "acme/lost-ft <-finetune- vanished/base-7b [unknown]" in unknown["message"]
    assert "HTTP 401" in unknown["message"] and "HF_TOKEN" in unknown["hint"]
    (hop,) = next(c for c in report["components"] if c["name"] == "acme/lost-ft")["lineage"]
    assert hop["license"] is None and hop["cause"] == "access"

    # ai.lineage sets its severity, and an exception for the component waives it
    write_tree(root, {".license-gate.yaml": "version: 1\nextends: [builtin:default]\n"
                      "ai:\n  lineage: warn\n"})
    code, report = check(run_cli, root)
    assert code == 0 and rules(report)["lineage-unknown"]["severity"] == "warning"
    write_tree(root, {".license-gate.yaml": "version: 1\nextends: [builtin:default]\nexceptions:\n"
                      "  - component: pkg:huggingface/acme/lost-ft\n"
                      "    reason: base read by hand, Apache-2.0 per its archived card\n"})
    code, report = check(run_cli, root)
    assert code == 0 and "lineage-unknown" not in rules(report)
    (lost,) = [c for c in report["components"] if c["name"] == "acme/lost-ft"]
    assert lost["verdict"] == "excepted"


def test_offline_an_uncached_base_unknown_to_the_catalog_fails_closed(tmp_path: Path,
                                                                      run_cli) -> None:  # type: ignore[no-untyped-def]
    root = write_tree(tmp_path / "repo", {"models/ft/README.md": (
        "---\nlicense: apache-2.0\nbase_model:\n- someone/unknown-base\n---\n# ft\n")})
    code, report = check(run_cli, root, "--offline")
    assert code == 1
    unknown = rules(report, "pkg:file/models/ft/README.md")["lineage-unknown"]
    assert "someone/unknown-base" in unknown["message"] and "run once online" in unknown["hint"]


def test_a_model_without_a_base_is_judged_as_before(tmp_path: Path, hub: FakeHub, run_cli) -> None:  # type: ignore[no-untyped-def]
    hub.model("acme/scratch", {"license": "mit"})
    root = write_tree(tmp_path / "repo", {"app.py": 'from transformers import AutoModel\n'
                                          'm = AutoModel.from_pretrained("acme/scratch")\n'})
    code, report = check(run_cli, root)
    assert code == 0 and report["findings"] == []


# ------------------------------------------------------------------ one parent, one component


def resolver(tmp_path: Path, hub: FakeHub | None, **kw: Any) -> AIResolver:
    endpoint = hub.endpoint if hub else "http://127.0.0.1:9"
    return AIResolver(AISettings(hf_endpoint=endpoint, cache_dir=tmp_path / "cache",
                                 http=HttpSettings(timeout=5, retries=0, backoff=0.01), **kw))


def ref(name: str, line: int = 3, revision: str | None = None) -> Reference:
    return Reference("huggingface", name, Place("app.py", line), kind=Kind.MODEL, revision=revision)


def test_card_and_tags_naming_a_renamed_base_are_one_parent(tmp_path: Path, hub: FakeHub) -> None:
    (got,) = resolver(tmp_path, hub).resolve([ref("meta-llama/Llama-3.1-8B-Instruct")])
    assert [(h.parent, h.relation, h.source) for h in got.lineage] == [
        ("meta-llama/Llama-3.1-8B", "finetune", "hub card")]


def test_a_pinned_revision_of_a_renamed_repository(tmp_path: Path, fake_hub: FakeHub) -> None:
    fake_hub.rename("bert-base-uncased", "google-bert/bert-base-uncased")
    fake_hub.model("google-bert/bert-base-uncased", {"license": "apache-2.0"})
    (got,) = resolver(tmp_path, fake_hub).resolve([ref("bert-base-uncased", revision=SHA)])
    assert got.component.purl == f"pkg:huggingface/google-bert/bert-base-uncased@{SHA}"
    assert got.outcome.expression == "Apache-2.0"  # type: ignore[union-attr]
    assert fake_hub.hits[f"/api/models/google-bert/bert-base-uncased/revision/{SHA}"] == 1


@pytest.mark.parametrize("answer", ["redirect", "alias"])
def test_a_legacy_name_and_its_current_name_are_one_component(tmp_path: Path, fake_hub: FakeHub,
                                                               answer: str) -> None:
    # redirect: 307 to the new name; alias: 200 under the old name with the new one's _id
    fake_hub.rename("acme-legacy", "acme-org/acme-model", answer=answer)
    fake_hub.model("acme-org/acme-model", {"license": "apache-2.0"})
    results = resolver(tmp_path, fake_hub).resolve([ref("acme-legacy", 3), ref("acme-org/acme-model", 9)])
    assert len(results) == 1
    assert sorted(p.line for p in results[0].places) == [3, 9]


def test_offline_the_rename_table_merges_legacy_names(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = write_tree(tmp_path / "repo", {"app.py": (
        "from transformers import AutoModel\n"
        'a = AutoModel.from_pretrained("bert-base-uncased")\n'
        'b = AutoModel.from_pretrained("google-bert/bert-base-uncased")\n')})
    code, report = check(run_cli, root, "--offline")
    (bert,) = report["components"]
    assert bert["id"] == "pkg:huggingface/google-bert/bert-base-uncased"
    assert [r["line"] for r in bert["references"]] == [2, 3]
    assert code == 0 and report["findings"] == []


def test_a_body_without_card_data(tmp_path: Path, fake_hub: FakeHub) -> None:
    fake_hub.model("dbmdz/tagged", None, tags=["license:mit"])
    fake_hub.model("openai/bare", None)
    got = {r.component.name: r for r in resolver(tmp_path, fake_hub).resolve(
        [ref("dbmdz/tagged"), ref("openai/bare")])}
    assert got["dbmdz/tagged"].outcome.expression == "MIT"  # type: ignore[union-attr]
    assert got["openai/bare"].outcome.cause is Cause.NO_LICENSE  # type: ignore[union-attr]


# ------------------------------------------------------------------ every base is judged


def test_an_unknown_base_never_hides_a_known_restrictive_one(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = write_tree(tmp_path / "repo", {"models/merge/README.md": (
        "---\nlicense: apache-2.0\nbase_model:\n- someone/unknown-base\n"
        "- meta-llama/Llama-3.1-8B\nbase_model_relation: merge\n---\n# merge\n")})
    code, report = check(run_cli, root, "--offline")
    assert code == 1
    found = rules(report, "pkg:file/models/merge/README.md")
    assert "Llama 3.1" in found["open-washing"]["message"]
    assert "someone/unknown-base" in found["lineage-unknown"]["message"]
    (card,) = [c for c in report["components"] if c["id"] == "pkg:file/models/merge/README.md"]
    assert card["license"] == LLAMA31


def test_a_restrictive_claim_over_other_restrictive_terms_is_drift(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = write_tree(tmp_path / "repo", {"lora/README.md": (
        "---\nlicense: creativeml-openrail-m\nbase_model: black-forest-labs/FLUX.1-dev\n"
        "library_name: diffusers\n---\n# a FLUX LoRA\n")})
    code, report = check(run_cli, root, "--offline")
    assert code == 1
    drift = rules(report, "pkg:file/lora/README.md")["lineage-drift"]
    assert drift["references"] == [{"path": "lora/README.md", "line": 2}]
    assert "non-commercial" in drift["message"] and "black-forest-labs/FLUX.1-dev" in drift["message"]


def test_a_claim_keeping_its_base_terms_is_not_drift(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = write_tree(tmp_path / "repo", {"ft/README.md": (
        "---\nlicense: llama3.1\nbase_model: meta-llama/Llama-3.1-8B\n---\n# ft\n")})
    _, report = check(run_cli, root, "--offline")
    found = rules(report, "pkg:file/ft/README.md")
    assert not {"lineage-drift", "open-washing", "lineage-unknown"} & set(found)


# ------------------------------------------------------------------ gated


def test_a_gated_model_is_shown_as_gated(tmp_path: Path, hub: FakeHub, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = write_tree(tmp_path / "repo", {"app.py": 'from transformers import AutoModel\n'
                                          'm = AutoModel.from_pretrained("meta-llama/Llama-3.1-8B")\n'})
    _, report = check(run_cli, root)
    gated = rules(report, "pkg:huggingface/meta-llama/Llama-3.1-8B")["gated"]
    assert gated["severity"] == "info" and "accepted on the Hub" in gated["message"]
    assert f"{hub.endpoint}/meta-llama/Llama-3.1-8B" in gated["hint"]
    (llama,) = report["components"]
    assert llama["gated"] == "manual"
