"""Issue scenarios for open-washing, lineage drift and facet findings, end to end through
the CLI (bundled catalog offline, or the fake Hub on 127.0.0.1), plus the context table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from license_gate.evaluate import judge_facet
from license_gate.knowledge import terms
from license_gate.policy import Context
from tests import helpers
from tests.fake_hub import FakeHub
from tests.helpers import write_tree

LLAMA31 = "LicenseRef-scancode-llama-3.1-license-2024"


repo = write_tree


SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "schemas" /
                     "report-v1.schema.json").read_text())


def findings(result, rule: str | None = None) -> list[dict]:  # type: ignore[no-untyped-def]
    report = result.json()
    jsonschema.validate(report, SCHEMA)
    return [f for f in report["findings"] if rule is None or f["rule"] == rule]


# ------------------------------------------------------------------ must be flagged


def test_finetune_card_relabelled_apache_is_open_washing(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    repo(tmp_path, {"models/ft/README.md": "---\nlicense: apache-2.0\n"
                    "base_model: meta-llama/Llama-3.1-8B\n---\n# My fine-tune\n"})
    result = run_cli("check", str(tmp_path), "--offline", "--format", "json")
    assert result.code == 1
    (washing,) = findings(result, "open-washing")
    assert washing["severity"] == "error"
    assert washing["references"] == [{"path": "models/ft/README.md", "line": 2}]
    assert "'apache-2.0'" in washing["message"]
    assert "Llama 3.1 Community License" in washing["message"]
    assert "user-threshold (700,000,000 monthly active users)" in washing["message"]


def test_hub_finetune_relicensed_is_lineage_drift_with_chain(tmp_path: Path, fake_hub: FakeHub,
                                                             run_cli) -> None:  # type: ignore[no-untyped-def]
    fake_hub.model("meta-llama/Llama-3.1-8B", {"license": "llama3.1"})
    fake_hub.model("acme/llama-sft", {"license": "llama3.1", "base_model": "meta-llama/Llama-3.1-8B"})
    fake_hub.model("acme/chat-ft", {"license": "apache-2.0", "base_model": "acme/llama-sft"})
    repo(tmp_path, {"app.py": 'from transformers import AutoModel\n'
                    'm = AutoModel.from_pretrained("acme/chat-ft")\n'})
    result = run_cli("check", str(tmp_path), "--format", "json")
    assert result.code == 1
    (drift,) = findings(result, "lineage-drift")
    assert drift["references"] == [{"path": "app.py", "line": 2, "relation": "use"}]
    assert drift["message"].startswith("declares Apache-2.0, which drops terms of its ancestor "
                                       "acme/llama-sft")
    assert ("acme/chat-ft <-finetune- acme/llama-sft [" + LLAMA31 + "]") in drift["message"]
    assert "acceptable-use-policy" in drift["message"]


def write_gguf(path: Path, license: str, base_repo: str) -> Path:
    def keys(writer: Any) -> None:
        writer.add_name("Gemma 2 9B It")
        writer.add_license(license)
        writer.add_base_model_count(1)
        writer.add_base_model_repo_url(0, f"https://huggingface.co/{base_repo}")

    return helpers.write_gguf(path, "gemma2", keys)


def test_gguf_header_says_mit_for_gemma(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "models").mkdir()
    write_gguf(tmp_path / "models" / "gemma-2-9b-it.Q4_K_M.gguf", "mit", "google/gemma-2-9b-it")
    result = run_cli("check", str(tmp_path), "--offline", "--format", "json")
    assert result.code == 1
    (washing,) = findings(result, "open-washing")
    assert washing["references"][0]["path"] == "models/gemma-2-9b-it.Q4_K_M.gguf"
    assert "general.license says 'mit'" in washing["message"]
    assert "Gemma Terms of Use" in washing["message"] and "pass-through" in washing["message"]


def test_modelfile_from_llama_with_mit_licence(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    repo(tmp_path, {"Modelfile": 'FROM llama3.1\nPARAMETER temperature 0.2\nLICENSE """MIT"""\n'})
    result = run_cli("check", str(tmp_path), "--offline", "--format", "json")
    assert result.code == 1
    (washing,) = findings(result, "open-washing")
    assert washing["references"] == [{"path": "Modelfile", "line": 3}]
    assert "Llama 3.1 Community License" in washing["message"]


def test_osi_classifier_repository_using_a_non_commercial_model(tmp_path: Path, fake_hub: FakeHub,
                                                                run_cli) -> None:  # type: ignore[no-untyped-def]
    fake_hub.model("acme/nc-embedder", {"license": "cc-by-nc-4.0"})
    repo(tmp_path, {
        "pyproject.toml": '[project]\nname = "app"\nversion = "1.0"\nlicense = "MIT"\n'
        'classifiers = [\n  "License :: OSI Approved :: MIT License",\n]\n',
        "app/embed.py": 'from sentence_transformers import SentenceTransformer\n'
        'model = SentenceTransformer("acme/nc-embedder")\n',
    })
    result = run_cli("check", str(tmp_path), "--format", "json")
    assert result.code == 1
    washing = findings(result, "open-washing")
    places = sorted((f["references"][0]["path"], f["references"][0]["line"]) for f in washing)
    assert places == [("pyproject.toml", 4), ("pyproject.toml", 6)]
    assert all("acme/nc-embedder" in f["message"] and "non-commercial" in f["message"]
               for f in washing)
    (restricted,) = findings(result, "ai-restriction")
    assert restricted["severity"] == "error" and "non-commercial" in restricted["message"]


def test_config_declaring_mit_for_a_gemma_model(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    repo(tmp_path, {"configs/serve.yaml": "server:\n  model_name_or_path: google/gemma-2-9b-it\n"
                    "  license: mit\n"})
    result = run_cli("check", str(tmp_path), "--offline", "--format", "json")
    assert result.code == 1
    (washing,) = findings(result, "open-washing")
    assert washing["references"] == [{"path": "configs/serve.yaml", "line": 3}]
    assert "config license says 'mit'" in washing["message"]


# ------------------------------------------------------------------ must not be flagged


def test_genuine_apache_models_pass(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    repo(tmp_path, {
        "pyproject.toml": '[project]\nname = "app"\nversion = "1"\nlicense = "Apache-2.0"\n',
        "app.py": 'from transformers import AutoModel\n'
        'a = AutoModel.from_pretrained("mistralai/Mistral-7B-v0.1")\n'
        'b = AutoModel.from_pretrained("allenai/OLMo-7B")\n',
        "models/ft/README.md": "---\nlicense: apache-2.0\nbase_model: mistralai/Mistral-7B-v0.1\n---\n",
    })
    result = run_cli("check", str(tmp_path), "--offline", "--format", "json")
    assert result.code == 0, result.out
    assert findings(result) == []


def test_honest_llama_gives_only_the_facet_findings_asked_for(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    repo(tmp_path, {
        "models/ft/README.md": "---\nlicense: llama3.1\nbase_model: meta-llama/Llama-3.1-8B\n---\n",
        ".license-gate.yaml": "version: 1\nextends: [builtin:default]\n"
        "context: {monthly-active-users: 5000000, commercial: true}\n"
        "ai:\n  restrictions: {naming: ignore}\n",
    })
    result = run_cli("check", str(tmp_path), "--offline", "--format", "json")
    assert result.code == 0, result.out
    got = findings(result)
    assert {f["rule"] for f in got} == {"ai-restriction"}
    by_severity = {f["severity"]: f["message"] for f in got}
    assert set(by_severity) == {"warning", "info"}
    assert "acceptable-use-policy" in by_severity["warning"]
    assert "naming" not in json.dumps(got)  # ignored by the policy
    assert ("satisfied: context.monthly-active-users 5,000,000 is within the cap of 700,000,000"
            in by_severity["info"])
    text = run_cli("check", str(tmp_path), "--offline").out
    assert text.index("warning [ai-restriction]") < text.index("info [ai-restriction]")
    assert "PASSED: 0 error(s), 2 warning(s)" in text  # the card and its base reference


def test_exception_waives_open_washing_and_facets(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    repo(tmp_path, {
        "Modelfile": 'FROM llama3.1\nLICENSE """MIT"""\n',
        ".license-gate.yaml": "version: 1\nextends: [builtin:default]\nexceptions:\n"
        "  - component: pkg:ollama/llama3.1\n    license: " + LLAMA31 + "\n    reason: reviewed\n"
        "  - component: pkg:file/Modelfile\n    license: " + LLAMA31 + "\n"
        "    reason: legal accepted the Llama terms; LICENSE line to be fixed\n",
    })
    result = run_cli("check", str(tmp_path), "--offline")
    assert result.code == 0, result.out
    assert "allowed by an exception (2)" in result.out


# ------------------------------------------------------------------ context table


def facet(licence: str, name: str) -> terms.Facet:
    found = [f for f in terms.facets_of(licence) if f.facet == name]
    assert found, (licence, name)
    return found[0]


LLAMA32 = "LicenseRef-scancode-llama-3.2-license-2024"
STABILITY = "LicenseRef-scancode-stability-ai-community-2024"
HUNYUAN = "LicenseRef-license-gate-tencent-hunyuan-community"


@pytest.mark.parametrize(("licence", "name", "action", "context", "expected", "says"), [
    # a 700M cap with 5M users is satisfied
    (LLAMA31, "user-threshold", "error", Context(monthly_active_users=5_000_000), "info",
     "5,000,000 is within the cap of 700,000,000"),
    (LLAMA31, "user-threshold", "warn", Context(monthly_active_users=800_000_000), "error",
     "800,000,000 exceeds the cap of 700,000,000"),
    (LLAMA31, "user-threshold", "warn", Context(), "warn", "state context.monthly-active-users"),
    # an EU exclusion with EU among the regions is an error
    (LLAMA32, "territory", "warn", Context(regions=("EU", "US")), "error", "include EU"),
    (LLAMA32, "territory", "error", Context(regions=("US", "JP")), "info", "none of"),
    (HUNYUAN, "territory", "warn", Context(regions=("KR",)), "error", "include KR"),
    # a member state meets an exclusion of its group, and UK means GB
    (LLAMA32, "territory", "warn", Context(regions=("DE", "US")), "error", "include DE (EU)"),
    (HUNYUAN, "territory", "warn", Context(regions=("GB",)), "error", "include GB (UK)"),
    (HUNYUAN, "territory", "error", Context(regions=("CH", "NO")), "info", "none of"),
    # a revenue cap of US$1M with US$20M revenue is an error
    (STABILITY, "revenue-threshold", "warn", Context(annual_revenue_usd=20_000_000), "error",
     "US$20,000,000 exceeds US$1,000,000"),
    (STABILITY, "revenue-threshold", "error", Context(annual_revenue_usd=400_000), "info",
     "within US$1,000,000"),
    ("CC-BY-NC-4.0", "non-commercial", "error", Context(commercial=False), "info", "false"),
    ("CC-BY-NC-4.0", "non-commercial", "warn", Context(commercial=True), "error", "true"),
    ("LicenseRef-scancode-deepseek-la-1.0", "no-military", "warn", Context(military=True), "error",
     "context.military is true"),
    # facets the context cannot decide keep the policy's action, and ignore always wins
    (LLAMA31, "acceptable-use-policy", "warn", Context(commercial=True), "warn", "warn by"),
    (LLAMA32, "territory", "ignore", Context(regions=("EU",)), "ignore", "ignored"),
])
def test_context_table(licence: str, name: str, action: str, context: Context, expected: str,
                       says: str) -> None:
    verdict = judge_facet(facet(licence, name), action, context)
    assert verdict.action == expected
    assert says in verdict.why


# ------------------------------------------------------------------ built-in profiles


def test_osi_strict_passes_only_osi_approved(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    repo(tmp_path, {
        ".license-gate.yaml": "version: 1\nextends: [builtin:osi-strict]\n",
        "app.py": 'from transformers import AutoModel\n'
        'a = AutoModel.from_pretrained("mistralai/Mistral-7B-v0.1")\n'
        'b = AutoModel.from_pretrained("meta-llama/Llama-3.1-8B")\n',
    })
    result = run_cli("check", str(tmp_path), "--offline", "--format", "json")
    assert result.code == 1
    verdicts = {c["name"]: c["verdict"] for c in result.json()["components"]}
    assert verdicts == {"mistralai/Mistral-7B-v0.1": "allowed", "meta-llama/Llama-3.1-8B": "denied"}
    (restricted,) = findings(result, "ai-restriction")
    assert restricted["severity"] == "error" and "acceptable-use-policy" in restricted["message"]


def test_commercial_saas_judges_territory_and_caps_against_the_context(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    code = ('from transformers import AutoModel\n'
            'm = AutoModel.from_pretrained("meta-llama/Llama-3.2-11B-Vision-Instruct")\n')
    repo(tmp_path, {"app.py": code,
                    ".license-gate.yaml": "version: 1\nextends: [builtin:commercial-saas]\n"})
    silent = run_cli("check", str(tmp_path), "--offline", "--format", "json")
    assert silent.code == 1
    (errors,) = [f for f in findings(silent, "ai-restriction") if f["severity"] == "error"]
    assert "state context.monthly-active-users" in errors["message"]
    assert "state context.regions" in errors["message"]

    (tmp_path / ".license-gate.yaml").write_text(
        "version: 1\nextends: [builtin:commercial-saas]\n"
        "context: {monthly-active-users: 5000000, regions: [EU, US]}\n")
    in_eu = run_cli("check", str(tmp_path), "--offline", "--format", "json")
    assert in_eu.code == 1
    (errors,) = [f for f in findings(in_eu, "ai-restriction") if f["severity"] == "error"]
    assert "territory (EU, multimodal models)" in errors["message"]
    assert "context.regions include EU" in errors["message"]
    assert "user-threshold" not in errors["message"]

    (tmp_path / ".license-gate.yaml").write_text(
        "version: 1\nextends: [builtin:commercial-saas]\n"
        "context: {monthly-active-users: 5000000, regions: [US, JP]}\n")
    outside = run_cli("check", str(tmp_path), "--offline", "--format", "json")
    assert outside.code == 0
    severities = sorted(f["severity"] for f in findings(outside, "ai-restriction"))
    assert severities == ["info", "warning"]
