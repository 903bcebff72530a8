"""Property-based checks: no parser may raise on arbitrary input; bad input becomes a
ParseError (extractors), an unknown licence (normalisation) or a PolicyError (policies)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from license_gate.extract import extractor_for
from license_gate.knowledge.normalize import normalize
from license_gate.model import ExtractResult
from license_gate.policy import PolicyError, load_policy
from tests.bounds import bounded

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)
# Text built from the grammar's own tokens finds deeper paths than random characters.
TOKENS = st.lists(st.sampled_from([
    "requests", "==", ">=", "1.0", "[", "]", "=", '"', "'", "{", "}", ",", "\n", " ", "-r", "-c",
    "-e", "\\\n", "#", ";", "@", "git+https://x/y", "name", "version", "[[package]]",
    "[[packages]]", "source", "{ git = 'u' }", "lock-version", "[project]", "dependencies",
    "[tool.poetry.dependencies]", "^1.2", "~1", "--hash=sha256:00", "default", ":", "null",
]), max_size=60).map("".join)


def no_include(target: str) -> tuple[str, str]:
    raise OSError("includes disabled in this test")


@pytest.mark.parametrize("fmt", ["requirements", "pyproject", "uv-lock", "poetry-lock", "pylock",
                                 "pipfile-lock"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(TEXT, TOKENS))
def test_extractors_never_raise(fmt: str, text: str) -> None:
    result = bounded(fmt, extractor_for(fmt), text, "input", no_include)
    assert isinstance(result, ExtractResult)
    for error in result.errors:
        assert error.place.path.startswith("input") or error.place.path


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(TEXT, TOKENS))
def test_normalize_never_raises(text: str) -> None:
    result = bounded("licence expressions (normalize)", normalize, text)
    assert result.expression is None or isinstance(result.expression, str)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(TEXT, st.lists(st.sampled_from([
    "version: 1\n", "licenses:\n", "  allow: [MIT]\n", "  deny: x\n", "exceptions:\n",
    "  - component: pkg:pypi/x\n", "    reason: r\n", "    expires: 2020-01-01\n", "unknown: warn\n",
    "extends: [builtin:default]\n", "  categories: {Copyleft: error}\n", "- a\n", ": b\n", "{", "&a [*a]\n",
    "version: !!int a\n", "  allow: !!bool maybe\n", "[[[[[[[[[[", "]]]]]]]]]]",
]), max_size=12).map("".join)))
def test_policy_loader_only_raises_policy_errors(tmp_path: Path, text: str) -> None:
    (tmp_path / ".license-gate.yaml").write_text(text)
    try:
        bounded("policy files", load_policy, None, tmp_path)
    except PolicyError as exc:
        assert exc.file == ".license-gate.yaml" or exc.file.startswith("builtin:")
