from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from license_gate.policy import PolicyError, load_policy
from tests.conftest import ASSETS


def write(tmp_path: Path, text: str, name: str = ".license-gate.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def error_for(tmp_path: Path, text: str) -> PolicyError:
    write(tmp_path, text)
    with pytest.raises(PolicyError) as info:
        load_policy(None, tmp_path)
    return info.value


def test_builtin_default_when_no_policy(tmp_path: Path) -> None:
    policy = load_policy(None, tmp_path)
    assert policy.sources == ("builtin:default",)
    assert policy.unknown == "error"
    assert policy.categories["Permissive"] == "allow"
    assert policy.osi_approved == "allow"
    assert policy.restrictions["non-commercial"] == "error"
    assert policy.restrictions["acceptable-use-policy"] == "warn"
    assert policy.open_washing == "error" and policy.lineage == "error"
    assert policy.context.is_empty()


def test_full_policy_loads(tmp_path: Path) -> None:
    write(tmp_path, """
version: 1
extends: [builtin:default]
unknown: warn
licenses:
  allow: [MIT, "Apache-2.0 OR MIT", GPL-2.0-only WITH Classpath-exception-2.0]
  deny: [AGPL-3.0-only]
  categories: {Copyleft Limited: allow}
exceptions:
  - component: pkg:pypi/Some_Package
    versions: ">=1.0,<2"
    license: GPL-3.0-only
    reason: internal tooling only
    owner: platform-team
    expires: 2027-06-30
""")
    policy = load_policy(None, tmp_path)
    assert policy.sources == ("builtin:default", ".license-gate.yaml")
    assert policy.unknown == "warn"
    assert "Apache-2.0 OR MIT" in policy.allow
    assert policy.categories["Copyleft Limited"] == "allow"
    assert policy.categories["Proprietary Free"] == "error"  # inherited
    (exc,) = policy.exceptions
    assert exc.component == "pkg:pypi/some-package"
    assert exc.expires == dt.date(2027, 6, 30)
    assert str(exc.place) == ".license-gate.yaml:10"
    assert str(policy.origins["unknown"]) == ".license-gate.yaml:4"


def test_pyproject_table(tmp_path: Path) -> None:
    write(tmp_path, """
[project]
name = "x"

[tool.license-gate]
version = 1
extends = ["builtin:default"]
unknown = "warn"

[tool.license-gate.licenses]
deny = ["GPL-3.0-only"]
""", "pyproject.toml")
    policy = load_policy(None, tmp_path)
    assert policy.sources[-1] == "pyproject.toml"
    assert policy.deny == ("GPL-3.0-only",)


def test_pyproject_errors_name_the_key_and_line(tmp_path: Path) -> None:
    write(tmp_path, """[tool.license-gate]
version = 1
unknown = "sometimes"
""", "pyproject.toml")
    with pytest.raises(PolicyError) as info:
        load_policy(None, tmp_path)
    assert (info.value.file, info.value.key, info.value.line) == ("pyproject.toml", "unknown", 3)


@pytest.mark.parametrize(("text", "key", "line", "fragment"), [
    ("version: 1\nlicences: {}\n", "licences", 2, "unknown key"),
    ("version: 2\n", "version", 1, "must be 1"),
    ("unknown: error\n", "version", 1, "missing"),
    ("version: 1\nunknown: maybe\n", "unknown", 2, "must be one of"),
    ("version: 1\nlicenses:\n  allow: MIT-ish\n", "licenses.allow[0]", 3, "unknown licence id"),
    ("version: 1\nlicenses:\n  allow: [MIT, Apache 2]\n", "licenses.allow[1]", 3, "Apache 2"),
    ("version: 1\nlicenses:\n  deny: {a: b}\n", "licenses.deny", 3, "expected a list"),
    ("version: 1\nlicenses:\n  categories: {Permisive: allow}\n", "licenses.categories.Permisive", 3,
     "unknown category"),
    ("version: 1\nlicenses:\n  categories:\n    Permissive: ok\n", "licenses.categories.Permissive", 4,
     "must be one of"),
    ("version: 1\nlicenses:\n  colour: red\n", "licenses.colour", 3, "unknown key"),
    ("version: 1\nexceptions:\n  - component: pkg:pypi/x\n", "exceptions[0].reason", 3, "needs a reason"),
    ("version: 1\nexceptions:\n  - component: requests\n    reason: r\n", "exceptions[0].component", 3,
     "package URL"),
    ("version: 1\nexceptions:\n  - component: pkg:pypi/x@1.0\n    reason: r\n",
     "exceptions[0].component", 3, "versions"),
    ("version: 1\nexceptions:\n  - component: pkg:pypi/x\n    reason: r\n    expires: next year\n",
     "exceptions[0].expires", 5, "expected a date"),
    ("version: 1\nexceptions:\n  - component: pkg:pypi/x\n    reason: r\n    expires: 2027-02-30\n",
     "exceptions[0].expires", 5, "expected a date"),
    ("version: 1\nexceptions:\n  - component: pkg:pypi/x\n    reason: r\n    versions: '>>1'\n",
     "exceptions[0].versions", 5, "PEP 440"),
    ("version: 1\nexceptions:\n  - component: pkg:pypi/x\n    reason: r\n    license: Bogus-1.0\n",
     "exceptions[0].license", 5, "unknown licence id"),
    ("version: 1\nexceptions:\n  - component: pkg:pypi/x\n    reason: r\n    color: x\n",
     "exceptions[0].color", 5, "unknown key"),
    ("version: 1\nunknown: error\nunknown: warn\n", "unknown", 3, "duplicate key"),
    ("version: 1\nlicenses: [\n", "", 3, "invalid YAML"),
    ("- just\n- a list\n", "", 1, "mapping"),
    ("version: 1\nextends: [builtin:nope]\n", "extends", None, "no built-in profile"),
    ("version: 1\nextends: [missing.yaml]\n", "extends", None, "does not exist"),
    ("version: 1\nextends: ['http://example.org/p.yaml']\n", "extends", None, "https:// only"),
    ("version: 1\nextends: ['https://example.org/p.yaml#md5=00']\n", "extends", None,
     "#sha256=<64 hex digits>"),
])
def test_validation_errors(tmp_path: Path, text: str, key: str, line: int | None, fragment: str) -> None:
    error = error_for(tmp_path, text)
    assert error.file == ".license-gate.yaml"
    assert error.key == key
    assert error.line == line
    assert fragment in str(error)


def test_yaml_tags_cannot_construct_objects(tmp_path: Path) -> None:
    error = error_for(tmp_path, "version: 1\nunknown: !!python/object/apply:os.system ['true']\n")
    assert "invalid YAML" in str(error)


def test_extends_layers_and_later_layers_win(tmp_path: Path) -> None:
    shutil.copytree(ASSETS / "policies" / "org", tmp_path / "org")
    write(tmp_path, """version: 1
extends: [org/base.yaml]
licenses:
  allow: [AGPL-3.0-only]
""")
    policy = load_policy(None, tmp_path)
    assert policy.sources == ("builtin:default", "org/base.yaml", ".license-gate.yaml")
    assert "AGPL-3.0-only" in policy.allow and "AGPL-3.0-only" not in policy.deny
    assert "AGPL-3.0-or-later" in policy.deny
    assert "MPL-2.0" in policy.allow


def test_extends_cycle_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "version: 1\nextends: [b.yaml]\n", "a.yaml")
    write(tmp_path, "version: 1\nextends: [a.yaml]\n", "b.yaml")
    with pytest.raises(PolicyError) as info:
        load_policy(tmp_path / "a.yaml", tmp_path)
    assert "cycle" in str(info.value)


def test_explicit_policy_file_missing(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as info:
        load_policy(tmp_path / "nope.yaml", tmp_path)
    assert "does not exist" in str(info.value)


def test_builtin_profiles_are_valid(tmp_path: Path) -> None:
    from license_gate.policy import builtin_names

    names = builtin_names()
    assert {"default", "osi-strict", "commercial-saas"} <= set(names)
    for name in names:
        write(tmp_path, f"version: 1\nextends: ['builtin:{name}']\n")
        assert load_policy(None, tmp_path).sources[-2] == f"builtin:{name}"


def test_recursive_yaml_alias_is_an_error_not_a_hang(tmp_path: Path) -> None:
    error = error_for(tmp_path, "&a [*a]\n")
    assert "mapping" in str(error)


def test_ai_and_context_load_and_merge(tmp_path: Path) -> None:
    write(tmp_path, """
version: 1
extends: [builtin:commercial-saas]
ai:
  restrictions: {territory: warn}
  lineage: warn
context: {monthly-active-users: 5_000_000, regions: [eu, US]}
""")
    policy = load_policy(None, tmp_path)
    assert policy.restrictions["territory"] == "warn"
    assert policy.restrictions["user-threshold"] == "error"  # from commercial-saas
    assert policy.lineage == "warn" and policy.open_washing == "error"
    assert policy.context.commercial is True  # inherited key by key
    assert policy.context.monthly_active_users == 5_000_000
    assert policy.context.regions == ("EU", "US")
    assert policy.origin("ai.restrictions.territory") == " (.license-gate.yaml:5)"


@pytest.mark.parametrize(("text", "key", "line"), [
    ("ai:\n  restrictions: {non-comercial: error}\n", "ai.restrictions.non-comercial", 3),
    ("ai:\n  restrictions:\n    territory: deny\n", "ai.restrictions.territory", 4),
    ("ai:\n  open-washing: allow\n", "ai.open-washing", 3),
    ("ai:\n  lineage-drift: error\n", "ai.lineage-drift", 3),
    ("context:\n  monthly-active-users: lots\n", "context.monthly-active-users", 3),
    ("context:\n  commercial: yes please\n", "context.commercial", 3),
    ("context:\n  regions: [EU, 3]\n", "context.regions[1]", 3),
    ("context:\n  employees: 5\n", "context.employees", 3),
    ("licenses:\n  osi-approved: maybe\n", "licenses.osi-approved", 3),
])
def test_ai_and_context_errors_name_key_and_line(tmp_path: Path, text: str, key: str,
                                                 line: int) -> None:
    error = error_for(tmp_path, "version: 1\n" + text)
    assert error.key == key
    assert error.line == line
    assert error.file == ".license-gate.yaml"


@pytest.mark.parametrize(("text", "key", "fragment"), [
    ("licenses: {allow: [MIT]}\n", "version", "missing: a policy file starts with 'version: 1'"),
    ("version: 1\nlicences: {allow: [MIT]}\n", "licences", "did you mean licenses?"),
    ("version: 1\nexcepions: []\n", "excepions", "did you mean exceptions?"),
    ("version: 1\nlicenses: {alow: [MIT]}\n", "licenses.alow", "did you mean licenses.allow?"),
    ("version: 1\nlicenses: {osi_approved: allow}\n", "licenses.osi_approved",
     "did you mean licenses.osi-approved?"),
    ("version: 1\nai: {restriction: {}}\n", "ai.restriction", "did you mean ai.restrictions?"),
])
def test_mistakes_say_what_was_meant(tmp_path: Path, text: str, key: str, fragment: str) -> None:
    error = error_for(tmp_path, text)
    assert error.key == key and fragment in error.message


def test_policy_naming_a_directory_is_a_usage_error(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "requirements.txt").write_text("requests==2.32.3\n")
    result = run_cli("check", str(tmp_path), "--offline", "--policy", str(tmp_path))
    assert result.code == 2
    assert "is a directory: --policy names the policy file itself" in result.err
    missing = run_cli("check", str(tmp_path / "no-such-dir"), "--offline")
    assert missing.code == 2 and "no such file or directory" in missing.err
