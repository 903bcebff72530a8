"""Hosted-API model names are components of their provider, never Hub repositories: a
provider whose terms the catalog holds is judged by their facets, any other is unknown
with a cause that says so."""

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
