"""End to end through `check`: hosted-API model names are components of their provider,
never Hub repositories (a provider whose terms the catalog holds is judged by their
facets, any other is unknown with a cause that says so); a Modelfile built FROM a name
another Modelfile defines resolves through that Modelfile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from license_gate.cli import main


def test_hosted_models_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "app.py").write_text(
        'client.chat.completions.create(model="gpt-4o-mini", messages=[])\n'
        'anthropic.messages.create(model="claude-3-5-haiku-20241022", max_tokens=5)\n')
    code = main(["check", str(tmp_path), "--offline", "--no-cache", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    comps = {c["id"]: c for c in report["components"]}
    openai = comps["pkg:openai/gpt-4o-mini"]
    assert openai["license"] == "LicenseRef-license-gate-openai-terms"
    assert openai["evidence"][0]["url"] == "https://openai.com/policies/terms-of-use/"
    claude = comps["pkg:anthropic/claude-3-5-haiku-20241022"]
    assert claude["license"] is None and claude["unresolved_cause"] == "no-terms"
    rules = {(f["rule"], f["component"]): f for f in report["findings"]}
    restriction = rules[("ai-restriction", "pkg:openai/gpt-4o-mini")]
    assert restriction["severity"] == "warning" and "compete with OpenAI" in restriction["message"]
    unknown = rules[("license-unknown", "pkg:anthropic/claude-3-5-haiku-20241022")]
    assert unknown["severity"] == "error" and "provider's or hub's terms" in unknown["hint"]
    assert code == 1
    # no Hub lookup was even attempted for either
    assert not any(c["ecosystem"] == "huggingface" for c in report["components"])


def test_modelfile_from_a_local_name_resolves_through_that_modelfile(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bots" / "base").mkdir(parents=True)
    (tmp_path / "bots" / "helper").mkdir()
    (tmp_path / "bots" / "base" / "Modelfile").write_text("FROM llama3.1:8b\n")
    (tmp_path / "bots" / "helper" / "Modelfile").write_text("FROM base\nLICENSE Apache-2.0\n")
    code = main(["check", str(tmp_path), "--offline", "--no-cache", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    ids = {c["id"]: c for c in report["components"]}
    # "base" is the other Modelfile, not an Ollama library model of that name
    assert "pkg:ollama/base" not in ids
    helper = ids["pkg:file/bots/helper/Modelfile"]
    assert helper["license"] == "LicenseRef-scancode-llama-3.1-license-2024"
    assert helper["lineage"][0]["parent"] == "bots/base/Modelfile"
    washing = [f for f in report["findings"] if f["rule"] == "open-washing"]
    assert washing and washing[0]["references"] == [{"path": "bots/helper/Modelfile", "line": 2}]
    assert code == 1
