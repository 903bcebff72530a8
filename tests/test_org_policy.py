"""Organisation-wide policy: extends by URL (a real HTTP server on 127.0.0.1), sha256
pins, the cache when the URL is down, and locked rules that repositories cannot loosen."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from license_gate.policy import PolicyError, load_policy

ORG = """version: 1
extends: [builtin:default]
unknown: error
licenses:
  deny: [AGPL-3.0-only]
  categories: {Copyleft: error}
ai:
  restrictions: {non-commercial: error}
locked: [unknown, licenses.deny, licenses.categories.Copyleft, ai.restrictions, exceptions]
"""


def serve(httpserver: HTTPServer, text: str, path: str = "/org/policy.yaml") -> str:
    httpserver.expect_request(path).respond_with_data(text, content_type="application/yaml")
    return httpserver.url_for(path)


def repo_policy(tmp_path: Path, text: str) -> Path:
    (tmp_path / ".license-gate.yaml").write_text(text)
    return tmp_path


def test_extends_a_url_with_a_pin_and_caches_it(tmp_path: Path, httpserver: HTTPServer) -> None:
    url = serve(httpserver, ORG)
    pin = hashlib.sha256(ORG.encode()).hexdigest()
    root = repo_policy(tmp_path, f"version: 1\nextends: ['{url}#sha256={pin}']\n"
                       "licenses: {categories: {Copyleft Limited: error}}\n")
    policy = load_policy(None, root, cache_dir=tmp_path / "cache")
    assert policy.sources == ("builtin:default", url, ".license-gate.yaml")
    assert "AGPL-3.0-only" in policy.deny
    assert policy.notes == ()
    # the URL goes away: the cached copy is used, and the run says so
    httpserver.clear()
    httpserver.expect_request("/org/policy.yaml").respond_with_data("down", status=503)
    cached = load_policy(None, root, cache_dir=tmp_path / "cache")
    assert "AGPL-3.0-only" in cached.deny
    assert cached.notes and "used the cached copy" in cached.notes[0]
    offline = load_policy(None, root, cache_dir=tmp_path / "cache", offline=True)
    assert "offline" in offline.notes[0]


def test_unreachable_without_cache_and_pin_mismatch_stop_the_run(tmp_path: Path,
                                                                 httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone.yaml").respond_with_data("", status=404)
    root = repo_policy(tmp_path, f"version: 1\nextends: ['{httpserver.url_for('/gone.yaml')}']\n")
    with pytest.raises(PolicyError) as info:
        load_policy(None, root, cache_dir=tmp_path / "cache")
    assert info.value.file == ".license-gate.yaml" and info.value.key == "extends"
    assert "HTTP 404" in info.value.message and "no cached copy" in info.value.message

    url = serve(httpserver, ORG)
    root = repo_policy(tmp_path, f"version: 1\nextends: ['{url}#sha256={'0' * 64}']\n")
    with pytest.raises(PolicyError) as info:
        load_policy(None, root, cache_dir=tmp_path / "cache")
    assert "but the extends pin says 0000" in info.value.message


def test_oversized_policy_is_refused(tmp_path: Path, httpserver: HTTPServer) -> None:
    url = serve(httpserver, "version: 1\n" + "#" * (1024 * 1024 + 10))
    root = repo_policy(tmp_path, f"version: 1\nextends: ['{url}']\n")
    with pytest.raises(PolicyError) as info:
        load_policy(None, root, cache_dir=tmp_path / "cache")
    assert "larger than" in info.value.message


def test_relative_extends_inside_a_remote_policy(tmp_path: Path, httpserver: HTTPServer) -> None:
    serve(httpserver, "version: 1\nlicenses: {deny: [SSPL-1.0]}\n", "/org/base.yaml")
    url = serve(httpserver, "version: 1\nextends: [base.yaml]\nunknown: warn\n", "/org/team.yaml")
    root = repo_policy(tmp_path, f"version: 1\nextends: ['{url}']\n")
    policy = load_policy(None, root, cache_dir=tmp_path / "cache")
    assert "SSPL-1.0" in policy.deny and policy.unknown == "warn"
    # the remote base says nothing about extends, so it refines builtin:default
    assert policy.sources == ("builtin:default", httpserver.url_for("/org/base.yaml"), url,
                              ".license-gate.yaml")


@pytest.mark.parametrize(("repo", "key", "rule"), [
    ("unknown: warn\n", "unknown", "unknown"),
    ("licenses: {allow: [AGPL-3.0-only]}\n", "licenses.allow", "licenses.deny"),
    ("licenses: {categories: {Copyleft: warn}}\n", "licenses.categories.Copyleft",
     "licenses.categories.Copyleft"),
    ("ai: {restrictions: {non-commercial: ignore}}\n", "ai.restrictions.non-commercial",
     "ai.restrictions"),
    ("exceptions:\n  - {component: pkg:pypi/x, reason: because}\n", "exceptions", "exceptions"),
])
def test_locked_rules_cannot_be_loosened(tmp_path: Path, httpserver: HTTPServer, repo: str,
                                         key: str, rule: str) -> None:
    url = serve(httpserver, ORG)
    root = repo_policy(tmp_path, f"version: 1\nextends: ['{url}']\n{repo}")
    with pytest.raises(PolicyError) as info:
        load_policy(None, root, cache_dir=tmp_path / "cache")
    error = info.value
    assert error.file == ".license-gate.yaml" and error.key == key
    assert f"{rule} is locked by {url}:" in error.message
    assert error.line is not None


def test_tightening_a_locked_rule_is_fine(tmp_path: Path, httpserver: HTTPServer) -> None:
    url = serve(httpserver, ORG)
    root = repo_policy(tmp_path, f"version: 1\nextends: ['{url}']\n"
                       "licenses: {deny: [GPL-3.0-only], categories: {Copyleft Limited: error}}\n"
                       "ai: {restrictions: {territory: error}}\n")
    policy = load_policy(None, root, cache_dir=tmp_path / "cache")
    assert policy.restrictions["territory"] == "error"


def test_unknown_lock_key(tmp_path: Path) -> None:
    root = repo_policy(tmp_path, "version: 1\nlocked: [licenses.everything]\n")
    with pytest.raises(PolicyError) as info:
        load_policy(None, root)
    assert info.value.key == "locked[0]" and info.value.line == 2


def test_cli_exits_2_naming_rule_and_file(tmp_path: Path, httpserver: HTTPServer, run_cli) -> None:  # type: ignore[no-untyped-def]
    url = serve(httpserver, ORG)
    repo_policy(tmp_path, f"version: 1\nextends: ['{url}']\nunknown: ignore\n")
    (tmp_path / "requirements.txt").write_text("x==1\n")
    result = run_cli("check", str(tmp_path), "--cache-dir", str(tmp_path / "c"))
    assert result.code == 2
    assert ".license-gate.yaml:3: unknown: loosens unknown from error to ignore, but unknown is " \
           f"locked by {url}:" in result.err
