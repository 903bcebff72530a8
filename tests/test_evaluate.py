from __future__ import annotations

import datetime as dt

import pytest

from license_gate.evaluate import Judge, evaluate, later_alternatives
from license_gate.model import (
    Cause,
    Component,
    Evidence,
    ParseError,
    Place,
    Resolution,
    ResolvedComponent,
    Severity,
    Unresolved,
    Verdict,
)
from license_gate.policy import Policy, PolicyException

TABLE_POLICY = Policy(
    allow=("MIT", "Apache-2.0", "BSD-3-Clause", "GPL-3.0-only",
           "GPL-2.0-only WITH Classpath-exception-2.0", "LGPL-2.1-only OR MIT"),
    deny=("AGPL-3.0-only", "GPL-2.0-only", "MPL-2.0 AND Unlicense"),
    categories={"Permissive": "allow", "Public Domain": "allow", "Copyleft Limited": "warn",
                "Copyleft": "error", "Proprietary Free": "error"},
    default="error",
)

# (component licence expression, expected action, expected chosen alternative)
SPDX_TABLE = [
    ("MIT", "allow", None),
    ("Apache-2.0", "allow", None),
    ("ISC", "allow", None),  # by category Permissive
    ("LicenseRef-license-gate-BSD-unspecified", "allow", None),
    ("AGPL-3.0-only", "error", None),
    ("GPL-2.0-only", "error", None),
    ("MIT OR AGPL-3.0-only", "allow", "MIT"),
    ("AGPL-3.0-only OR MIT", "allow", "MIT"),
    ("AGPL-3.0-only OR GPL-2.0-only", "error", None),
    ("MIT AND AGPL-3.0-only", "error", None),
    ("MIT AND Apache-2.0", "allow", None),
    ("MIT AND (AGPL-3.0-only OR Apache-2.0)", "allow", "MIT AND Apache-2.0"),
    ("(MIT OR AGPL-3.0-only) AND (GPL-2.0-only OR BSD-3-Clause)", "allow", "MIT AND BSD-3-Clause"),
    ("BSD-2-Clause OR (AGPL-3.0-only AND MIT)", "allow", "BSD-2-Clause"),
    ("MIT OR LGPL-3.0-only", "allow", "MIT"),
    ("EPL-2.0 OR AGPL-3.0-only", "warn", "EPL-2.0"),
    ("LGPL-2.1-only AND MPL-2.0", "warn", None),
    ("LGPL-2.1-only", "warn", None),
    ("MPL-2.0", "warn", None),
    # WITH stays attached: the exact pair is allowed though the bare licence is denied
    ("GPL-2.0-only WITH Classpath-exception-2.0", "allow", None),
    ("GPL-2.0-only WITH Classpath-exception-2.0 OR AGPL-3.0-only", "allow",
     "GPL-2.0-only WITH Classpath-exception-2.0"),
    # otherwise WITH is judged by its licence, never by the exception as a licence
    ("Apache-2.0 WITH LLVM-exception", "allow", None),
    ("GPL-3.0-only WITH GCC-exception-3.1", "allow", None),
    ("AGPL-3.0-only WITH Classpath-exception-2.0", "error", None),
    # -or-later and + let the licensee choose a later version
    ("GPL-2.0-or-later", "allow", "GPL-3.0-only"),
    ("GPL-2.0+", "allow", "GPL-3.0-only"),
    ("GPL-3.0-or-later", "allow", "GPL-3.0-only"),
    ("GPL-1.0-or-later", "allow", "GPL-3.0-only"),
    ("LGPL-2.1-or-later", "warn", None),
    ("AGPL-3.0-or-later", "error", None),
    # whole-expression entries match equivalent expressions in any order
    ("LGPL-2.1-only OR MIT", "allow", None),
    ("MPL-2.0 AND Unlicense", "error", None),
    ("Unlicense AND MPL-2.0", "error", None),
    # categories and the default
    ("LicenseRef-scancode-llama-2-license-2023", "error", None),
    ("CC-BY-NC-4.0", "error", None),  # Source-available: no rule, so licenses.default
    ("LicenseRef-Corp-Internal", "error", None),  # unknown category
]


def test_table_has_at_least_thirty_cases() -> None:
    assert len(SPDX_TABLE) >= 30


@pytest.mark.parametrize(("expression", "action", "chosen"), SPDX_TABLE)
def test_spdx_semantics(expression: str, action: str, chosen: str | None) -> None:
    decision = Judge(TABLE_POLICY).decide(expression)
    assert decision.action == action, decision.why
    if chosen is not None:
        assert decision.chosen == chosen


def test_explicit_deny_of_an_or_later_id_is_not_bypassed() -> None:
    policy = Policy(allow=("GPL-3.0-only",), deny=("GPL-2.0-or-later",), default="error")
    assert Judge(policy).decide("GPL-2.0-or-later").action == "error"


def test_later_alternatives() -> None:
    assert later_alternatives("GPL-2.0-or-later") == ["GPL-2.0-only", "GPL-3.0-only"]
    assert later_alternatives("LGPL-2.1-or-later") == ["LGPL-2.1-only", "LGPL-3.0-only"]
    assert later_alternatives("MIT") == []


def test_reasons_name_the_deciding_rule() -> None:
    judge = Judge(TABLE_POLICY)
    assert "category Copyleft Limited" in judge.decide("MPL-2.0").why
    assert "licenses.deny" in judge.decide("AGPL-3.0-only").why
    assert "licenses.default" in judge.decide("LicenseRef-Corp-Internal").why


def component(name: str, version: str | None, outcome, line: int = 1) -> ResolvedComponent:  # type: ignore[no-untyped-def]
    return ResolvedComponent(Component("pypi", name, version), outcome, (Place("requirements.txt", line),))


def ok(expr: str) -> Resolution:
    return Resolution(expr, (Evidence("pypi", "License-Expression", expr),))


TODAY = dt.date(2026, 11, 29)


def exc(component: str, **kw) -> PolicyException:  # type: ignore[no-untyped-def]
    return PolicyException(component=component, reason=kw.pop("reason", "reviewed"),
                           place=Place(".license-gate.yaml", kw.pop("line", 10)), **kw)


def test_every_violation_is_listed_with_places_and_hints() -> None:
    report = evaluate(TABLE_POLICY, [
        component("a", "1", ok("AGPL-3.0-only"), 1),
        component("b", "1", ok("GPL-2.0-only"), 2),
        component("c", "1", ok("MIT"), 3),
        component("d", "1", ok("MPL-2.0"), 4),
    ], today=TODAY)
    denied = [f for f in report.findings if f.rule == "license-denied"]
    assert [(f.component, f.severity) for f in denied] == [
        ("pkg:pypi/a@1", Severity.ERROR), ("pkg:pypi/b@1", Severity.ERROR),
        ("pkg:pypi/d@1", Severity.WARNING),
    ]
    assert denied[0].places == (Place("requirements.txt", 1),)
    assert "exceptions:" in (denied[0].hint or "")
    assert report.errors == 2 and report.warnings == 1 and not report.is_compliant
    verdicts = {r.component.name: r.verdict for r in report.components}
    assert verdicts == {"a": Verdict.DENIED, "b": Verdict.DENIED, "c": Verdict.ALLOWED,
                        "d": Verdict.WARNED}


@pytest.mark.parametrize(("setting", "severity"), [("error", Severity.ERROR),
                                                   ("warn", Severity.WARNING), ("ignore", None)])
def test_unknown_setting(setting: str, severity: Severity | None) -> None:
    policy = Policy(unknown=setting, categories={"Permissive": "allow"})
    unknown = Unresolved("not found on PyPI", Cause.NOT_FOUND)
    report = evaluate(policy, [component("x", "1", unknown)], today=TODAY)
    findings = [f for f in report.findings if f.rule == "license-unknown"]
    if severity is None:
        assert findings == [] and report.is_compliant
    else:
        assert [f.severity for f in findings] == [severity]
        assert "not found on PyPI" in findings[0].message
    assert report.components[0].verdict is Verdict.UNKNOWN


def test_network_failures_are_never_a_pass() -> None:
    report = evaluate(Policy(), [component("x", "1", Unresolved("network: timed out", Cause.NETWORK))],
                      today=TODAY)
    (finding,) = report.findings
    assert finding.rule == "license-unknown" and finding.severity is Severity.ERROR
    assert "--offline" in (finding.hint or "")


def test_exception_with_version_range_and_pinned_licence() -> None:
    policy = Policy(categories={"Permissive": "allow"}, exceptions=(
        exc("pkg:pypi/gpl-tool", versions=">=1.0,<2", license="GPL-3.0-only", line=5),
    ))
    report = evaluate(policy, [component("gpl-tool", "1.5", ok("GPL-3.0-only"))], today=TODAY)
    assert report.is_compliant and report.findings == ()
    assert report.components[0].verdict is Verdict.EXCEPTED
    assert report.components[0].exception_reason == "reviewed"


def test_exception_stops_applying_when_the_licence_changes() -> None:
    policy = Policy(categories={"Permissive": "allow"}, exceptions=(
        exc("pkg:pypi/gpl-tool", license="GPL-3.0-only", line=5),
    ))
    report = evaluate(policy, [component("gpl-tool", "2.0", ok("AGPL-3.0-only"))], today=TODAY)
    rules = sorted(f.rule for f in report.findings)
    assert rules == ["exception-unused", "license-denied"]
    denied = next(f for f in report.findings if f.rule == "license-denied")
    assert "no longer applies" in denied.message and ".license-gate.yaml:5" in denied.message


def test_exception_outside_version_range_does_not_apply() -> None:
    policy = Policy(exceptions=(exc("pkg:pypi/lib", versions="<2"),))
    report = evaluate(policy, [component("lib", "2.1", ok("GPL-3.0-only"))], today=TODAY)
    assert {f.rule for f in report.findings} == {"license-denied", "exception-unused"}


def test_expired_exception_fails_and_does_not_waive() -> None:
    policy = Policy(exceptions=(exc("pkg:pypi/lib", expires=dt.date(2026, 1, 1)),))
    report = evaluate(policy, [component("lib", "1", ok("GPL-3.0-only"))], today=TODAY)
    rules = {f.rule: f for f in report.findings}
    assert set(rules) == {"license-denied", "exception-expired"}
    assert rules["exception-expired"].severity is Severity.ERROR
    assert rules["exception-expired"].places == (Place(".license-gate.yaml", 10),)


def test_exception_expiring_today_still_applies() -> None:
    policy = Policy(exceptions=(exc("pkg:pypi/lib", expires=TODAY),))
    report = evaluate(policy, [component("lib", "1", ok("GPL-3.0-only"))], today=TODAY)
    assert report.is_compliant and report.findings == ()


def test_unused_exception_warns() -> None:
    policy = Policy(categories={"Permissive": "allow"}, exceptions=(exc("pkg:pypi/ghost"),))
    report = evaluate(policy, [component("lib", "1", ok("MIT"))], today=TODAY)
    (finding,) = report.findings
    assert finding.rule == "exception-unused" and finding.severity is Severity.WARNING
    assert report.is_compliant


def test_exception_without_pinned_licence_waives_unknown() -> None:
    policy = Policy(exceptions=(exc("pkg:pypi/internal"),))
    unknown = Unresolved("VCS requirement", Cause.NOT_REGISTRY)
    report = evaluate(policy, [component("internal", None, unknown)], today=TODAY)
    assert report.is_compliant and report.components[0].verdict is Verdict.EXCEPTED


def test_parse_errors_fail_the_run() -> None:
    report = evaluate(Policy(), [], [ParseError(Place("uv.lock", 3), "invalid TOML")], today=TODAY)
    (finding,) = report.findings
    assert (finding.rule, finding.severity, finding.places) == (
        "parse-error", Severity.ERROR, (Place("uv.lock", 3),))


def test_every_cause_has_an_unknown_hint_and_every_unreadable_hop_a_lineage_hint() -> None:
    from license_gate.evaluate import _LINEAGE_HINTS, _UNKNOWN_HINTS
    from license_gate.model import Cause

    assert set(_UNKNOWN_HINTS) == set(Cause)
    # the causes a lineage hop can carry when its parent could not be read
    assert {Cause.ACCESS, Cause.NOT_FOUND, Cause.NETWORK, Cause.NOT_IN_CATALOG,
            Cause.TOO_DEEP} <= set(_LINEAGE_HINTS)
