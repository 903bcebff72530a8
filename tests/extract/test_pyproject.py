from __future__ import annotations

import pytest

from license_gate.extract.pyproject import extract, poetry_to_pep440
from tests.conftest import ASSETS


def refs(name: str):  # type: ignore[no-untyped-def]
    path = ASSETS / "pyproject" / name
    return extract(path.read_text(), f"pyproject/{name}")


def test_pep621_optional_and_dependency_groups() -> None:
    result = refs("pep621.toml")
    assert result.errors == ()
    got = {r.name: r for r in result.references}
    assert set(got) == {"requests", "click", "local-thing", "sphinx", "pytest", "ruff"}
    assert got["click"].version == "8.1.7"
    assert got["click"].place.line == 11
    assert got["requests"].specifier == ">=2.31"
    assert got["local-thing"].unresolvable is not None
    assert got["pytest"].place.line == 19


def test_poetry_tables() -> None:
    result = refs("poetry.toml")
    got: dict[str, list] = {}  # type: ignore[type-arg]
    for r in result.references:
        got.setdefault(r.name, []).append(r)
    assert "python" not in got
    assert got["requests"][0].specifier == ">=2.31,<3"
    assert got["flask"][0].version == "3.0.3"
    assert "git dependency" in (got["private-lib"][0].unresolvable or "")
    assert [r.specifier for r in got["numpy"]] == [">=1.26,<1.27", ">=2.0,<3"]
    assert got["pytest"][0].version == "8.3.3"
    assert got["requests"][0].place.line == 7


def test_broken_toml_is_a_parse_error_with_line() -> None:
    result = refs("broken.toml")
    assert result.references == ()
    (error,) = result.errors
    assert error.place.path == "pyproject/broken.toml"
    assert error.place.line is not None
    assert "invalid TOML" in error.message


@pytest.mark.parametrize(
    ("constraint", "spec", "exact"),
    [
        ("^1.2.3", ">=1.2.3,<2", None),
        ("^0.2.3", ">=0.2.3,<0.3", None),
        ("^0.0.3", ">=0.0.3,<0.0.4", None),
        ("~1.2.3", ">=1.2.3,<1.3", None),
        ("~1", ">=1,<2", None),
        ("1.4.0", "==1.4.0", "1.4.0"),
        ("*", "", None),
        (">=1.0,<2.0", ">=1.0,<2.0", None),
        (">=1.0 <2.0", ">=1.0,<2.0", None),
        ("^1.0 || ^2.0", "", None),
    ],
)
def test_poetry_constraints(constraint: str, spec: str, exact: str | None) -> None:
    assert poetry_to_pep440(constraint) == (spec, exact)
