"""ai.mentions: a model only mentioned (docs, comments) or only published to is reported at
the severity the policy sets; one place that uses it makes it a use, judged in full."""

from __future__ import annotations

from pathlib import Path

import pytest

from license_gate.cli import main
from license_gate.evaluate import evaluate
from license_gate.model import (
    Cause,
    Component,
    Evidence,
    Kind,
    Place,
    Relation,
    Resolution,
    ResolvedComponent,
    Severity,
    Unresolved,
    Verdict,
)
from license_gate.policy import Policy, PolicyError, load_policy

NC = "CC-BY-NC-4.0"  # non-commercial: an error under the default restrictions


def _model(name: str, *relations: Relation, outcome: object = None) -> ResolvedComponent:
    places = tuple(Place("README.md" if r is Relation.MENTION else "app.py", i + 1, r)
                   for i, r in enumerate(relations))
    resolved = outcome or Resolution(NC, (Evidence("catalog", "family", "cc-by-nc-4.0"),))
    return ResolvedComponent(Component("huggingface", name, None, Kind.MODEL), resolved,  # type: ignore[arg-type]
                             places)


def _policy(mentions: str) -> Policy:
    return Policy(restrictions={"non-commercial": "error"}, categories={"Source-available": "error"},
                  mentions=mentions)


@pytest.mark.parametrize(("mentions", "severity", "verdict"), [
    ("error", Severity.ERROR, Verdict.DENIED),
    ("warn", Severity.WARNING, Verdict.WARNED),
    ("info", Severity.INFO, Verdict.ALLOWED),
])
def test_mention_only_severity_follows_the_policy(mentions: str, severity: Severity,
                                                  verdict: Verdict) -> None:
    report = evaluate(_policy(mentions), [_model("acme/nc-7b", Relation.MENTION)])
    assert {f.severity for f in report.findings if f.component} == {severity}
    assert report.components[0].verdict is verdict
    assert report.is_compliant is (severity is not Severity.ERROR)


def test_ignore_drops_mentions_and_a_use_is_judged_in_full() -> None:
    report = evaluate(_policy("ignore"), [_model("acme/nc-7b", Relation.MENTION)])
    assert report.components == () and report.findings == ()
    both = evaluate(_policy("ignore"), [_model("acme/nc-7b", Relation.MENTION, Relation.USE)])
    assert both.components[0].resolved.relation is Relation.USE
    assert both.errors == 1 and not both.is_compliant


def test_unknown_mention_is_capped_too() -> None:
    unknown = Unresolved("offline", Cause.OFFLINE)
    report = evaluate(Policy(), [_model("acme/unknown-7b", Relation.MENTION, outcome=unknown)])
    (finding,) = report.findings
    assert finding.rule == "license-unknown" and finding.severity is Severity.INFO
    assert "mention only" in finding.message and report.is_compliant


def test_publish_target_keeps_open_washing() -> None:
    claim_place = Place("README.md", 2)
    from license_gate.model import Claim

    resolved = ResolvedComponent(
        Component("huggingface", "acme/our-llama-ft", None, Kind.MODEL),
        Resolution("LicenseRef-scancode-llama-3.1-license-2024",
                   (Evidence("catalog", "family", "llama3.1"),)),
        (Place("train.py", 9, Relation.PUBLISH),),
        claims=(Claim("apache-2.0", claim_place, "card license"),))
    report = evaluate(Policy(restrictions={"acceptable-use-policy": "warn"}), [resolved])
    rules = {f.rule: f.severity for f in report.findings}
    assert rules["open-washing"] is Severity.ERROR
    assert rules["ai-restriction"] is Severity.INFO


def test_policy_key_is_validated(tmp_path: Path) -> None:
    (tmp_path / ".license-gate.yaml").write_text("version: 1\nai:\n  mentions: loud\n")
    with pytest.raises(PolicyError) as raised:
        load_policy(None, tmp_path)
    assert "ai.mentions" in str(raised.value) and ":3" in str(raised.value)
    (tmp_path / ".license-gate.yaml").write_text(
        "version: 1\nextends: [builtin:default]\nai:\n  mentions: warn\n")
    assert load_policy(None, tmp_path).mentions == "warn"
    assert load_policy(None, tmp_path / "elsewhere").mentions == "info"


def test_report_lists_mentions_apart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "app.py").write_text('m = AutoModel.from_pretrained("mistralai/Mistral-7B-v0.1")\n')
    (tmp_path / "NOTES.md").write_text("We tried https://huggingface.co/acme/unknown-notes-7b once.\n")
    assert main(["check", str(tmp_path), "--offline", "--no-cache"]) == 0
    out = capsys.readouterr().out
    mentioned = out.split("mentioned only")[1]
    assert "huggingface:acme/unknown-notes-7b" in mentioned and "NOTES.md:1" in mentioned
    assert "mistralai/Mistral-7B-v0.1" not in mentioned
    assert "info [license-unknown]" in out
