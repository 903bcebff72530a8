from __future__ import annotations

from license_gate.extract import format_of, pipfile_lock, poetry_lock, pylock, uv_lock
from license_gate.model import Place
from tests.conftest import ASSETS

LOCK = ASSETS / "lockfiles"


def test_uv_lock_skips_the_project_and_flags_git() -> None:
    result = uv_lock.extract((LOCK / "uv.lock").read_text(), "uv.lock")
    got = {r.name: r for r in result.references}
    assert set(got) == {"certifi", "private-lib", "requests"}
    assert got["requests"].version == "2.32.3"
    assert got["requests"].place == Place("uv.lock", 25)
    assert got["certifi"].place == Place("uv.lock", 6)
    assert "git source" in (got["private-lib"].unresolvable or "")


def test_poetry_lock() -> None:
    result = poetry_lock.extract((LOCK / "poetry.lock").read_text(), "poetry.lock")
    got = {r.name: r for r in result.references}
    assert got["click"].version == "8.1.7" and got["click"].place.line == 4
    assert "directory source" in (got["local-tool"].unresolvable or "")


def test_pylock() -> None:
    result = pylock.extract((LOCK / "pylock.toml").read_text(), "pylock.toml")
    got = {r.name: r for r in result.references}
    assert got["attrs"].version == "24.2.0" and got["attrs"].unresolvable is None
    assert "vcs source" in (got["vendored-thing"].unresolvable or "")


def test_pylock_refuses_unknown_major_version() -> None:
    result = pylock.extract('lock-version = "2.0"\n[[packages]]\nname = "x"\n', "pylock.toml")
    assert result.references == ()
    assert "unsupported lock-version" in result.errors[0].message


def test_pipfile_lock() -> None:
    result = pipfile_lock.extract((LOCK / "Pipfile.lock").read_text(), "Pipfile.lock")
    got = {r.name: r for r in result.references}
    assert got["idna"].version == "3.10" and got["idna"].place.line == 9
    assert got["pytest"].version == "8.3.3"
    assert "git source" in (got["my-fork"].unresolvable or "")


def test_malformed_lockfiles_report_path_and_line() -> None:
    uv = uv_lock.extract((LOCK / "broken-uv.lock").read_text(), "broken-uv.lock")
    assert uv.references == () and uv.errors[0].place == Place("broken-uv.lock", 3)
    pipfile = pipfile_lock.extract((LOCK / "broken-Pipfile.lock").read_text(), "Pipfile.lock")
    assert pipfile.errors[0].place.path == "Pipfile.lock"
    assert "invalid JSON" in pipfile.errors[0].message


def test_malformed_poetry_and_pylock() -> None:
    poetry = poetry_lock.extract((LOCK / "broken-poetry.lock").read_text(), "poetry.lock")
    assert poetry.references == () and poetry.errors[0].place == Place("poetry.lock", 5)
    lock = pylock.extract((LOCK / "broken-pylock.toml").read_text(), "pylock.toml")
    assert lock.references == () and lock.errors[0].place == Place("pylock.toml", 6)
    assert "invalid TOML" in lock.errors[0].message


def test_wrong_shapes_do_not_crash() -> None:
    assert uv_lock.extract("package = 3\n", "uv.lock").errors
    assert poetry_lock.extract("[[package]]\nversion = '1'\n", "poetry.lock").errors
    assert pipfile_lock.extract("[]", "Pipfile.lock").errors
    assert pipfile_lock.extract('{"default": {"x": "==1"}}', "Pipfile.lock").errors


def test_format_detection() -> None:
    assert format_of("requirements.txt") == "requirements"
    assert format_of("requirements/dev.txt") == "requirements"
    assert format_of("dev-requirements.in") == "requirements"
    assert format_of("pylock.toml") == "pylock"
    assert format_of("pylock.web.toml") == "pylock"
    assert format_of("sub/uv.lock") == "uv-lock"
    assert format_of("Pipfile.lock") == "pipfile-lock"
    assert format_of("notes.txt") is None
    assert format_of("pyproject.toml") == "pyproject"
