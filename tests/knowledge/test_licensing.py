"""The licence-expression engine is built without per-run validation and tokenises with
the library's simple tokenizer plus an alias map (knowledge/licensing.py). These tests
are what make that safe: the index passes the library's validation, and our parse gives
exactly what the library's fully built engine gives, for every key and alias in three
cases and for expressions that should and should not parse."""

from __future__ import annotations

import license_expression
import pytest

from license_gate.knowledge import licensing


@pytest.fixture(scope="module")
def reference() -> license_expression.Licensing:
    # What build_spdx_licensing makes: validated symbols, advanced tokenizer.
    return license_expression.Licensing(licensing._symbols())


def expected(reference: license_expression.Licensing, text: str) -> str | None:
    """Our parse's contract, computed with the full engine: the canonical rendering, or
    None when the text does not parse or names an unknown id."""
    try:
        parsed = reference.parse(text, validate=False, strict=False)
    except Exception:  # the library raises several parse error types
        return None
    if parsed is None or reference.unknown_license_keys(parsed):
        return None
    return str(parsed.render("{symbol.key}"))


def ours(text: str) -> str | None:
    parsed = licensing.try_parse(text)
    return None if parsed is None else str(licensing.render(parsed))


def test_the_index_passes_the_libraries_validation() -> None:
    warnings, errors = license_expression.validate_symbols(tuple(licensing._symbols()))
    assert errors == [] and warnings == []


def test_every_key_and_alias_parses_as_the_full_engine_parses_it(
        reference: license_expression.Licensing) -> None:
    names = [n for s in licensing._symbols() for n in (s.key, *s.aliases)]
    assert len(names) > 2000
    assert licensing._spaced_aliases()  # the case the simple tokenizer cannot read
    for name in names:
        for text in (name, name.lower(), name.upper(), f"({name}) OR MIT"):
            assert ours(text) == expected(reference, text), text


@pytest.mark.parametrize("text", [
    "MIT OR Apache-2.0", "(MIT AND BSD-3-Clause) OR GPL-2.0-only WITH Classpath-exception-2.0",
    "gpl-2.0+ and lgpl-2.1-or-later", "Apache-2.0 AND (MIT OR ISC)", "mit or apache-2.0",
    "LicenseRef-license-gate-mistral-mnpl-0.1 OR MIT", "((MIT))", "MIT AND", "GPL 2.0",
    "GPL 2.0+ OR MIT", "MIT/Apache-2.0", "Apache 2.0", "BSD-3-Clause,MIT", "GPL-2.0 WITH",
    "not-a-licence OR MIT", "", "   ", "MIT WITH MIT",
])
def test_expressions_parse_and_fail_alike(reference: license_expression.Licensing, text: str) -> None:
    assert ours(text) == expected(reference, text)
