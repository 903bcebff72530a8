"""The explicit-stack composer in yamlsafe gives the same documents, and the same
accept/reject decisions, as PyYAML's own composer on any input shallow enough for
PyYAML to survive."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from license_gate.yamlsafe import YAMLLoadError, _loader_class, construct
from tests.bounds import bounded

TOKENS = st.lists(st.sampled_from([
    "a", "b", ": ", ":", "- ", "-", "\n", "  ", " ", "[", "]", "{", "}", ", ", "&x ", "*x",
    "&y ", "*y", "!!str ", "!!int ", "'q'", '"d"', "? ", "---\n", "...\n", "1", "2024-01-01",
    "null", "true", "|\n", ">\n", "#c", "!tag ", "<<: ", "~",
]), max_size=40).map("".join)


def pyyaml(text: str) -> tuple[bool, Any]:
    """PyYAML's own composer and the same constructor. Its plain Python errors for a
    value that does not fit an explicit tag count as rejections: yamlsafe reports those
    as YAML errors with a line."""
    loader = _loader_class()(text)
    try:
        return True, loader.get_single_data()
    except (yaml.YAMLError, ValueError, KeyError, IndexError, TypeError, OverflowError) as exc:
        return False, type(exc).__name__
    finally:
        loader.dispose()


def ours(text: str) -> tuple[bool, Any]:
    try:
        return True, construct(text)[0]
    except YAMLLoadError:
        return False, None


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TOKENS)
def test_same_documents_as_pyyaml(text: str) -> None:
    ok, data = bounded("YAML composer (against PyYAML)", ours, text)
    their_ok, their_data = pyyaml(text)
    assert ok == their_ok, (text, data, their_data)
    if ok:
        # NaN (``!!float .nan``) is the one value not equal to itself
        assert data == their_data or (data != data and their_data != their_data)


def test_a_value_that_does_not_fit_its_tag_is_a_yaml_error_with_its_line() -> None:
    for text, line in (("version: 1\nx: !!int a\n", 2), ("a:\n  b: !!bool maybe\n", 2),
                       ("- !!float ''\n", 1)):
        try:
            construct(text)
        except YAMLLoadError as exc:
            assert exc.line == line and "cannot read" in str(exc)
        else:
            raise AssertionError(f"accepted {text!r}")
