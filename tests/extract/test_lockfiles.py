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


def test_lockfiles_record_the_registries_their_packages_came_from() -> None:
    def indexes(module, name: str) -> list[tuple[str, int | None]]:  # type: ignore[no-untyped-def]
        got = module.extract((LOCK / name).read_text(), name)
        assert all(o.locked and not o.extra for o in got.indexes)
        return [(o.url, o.place.line) for o in got.indexes]

    assert indexes(uv_lock, "uv.lock") == [("https://pypi.org/simple", 6)]
    assert indexes(pylock, "pylock.toml")[0][0] == "https://pypi.org/simple"
    assert indexes(pipfile_lock, "Pipfile.lock") == [("https://pypi.org/simple", 6)]
    private = poetry_lock.extract(
        '[[package]]\nname = "acme"\nversion = "1.0"\n[package.source]\ntype = "legacy"\n'
        'url = "https://nexus.example/repository/pypi/simple"\nreference = "corp"\n'
        '[[package]]\nname = "six"\nversion = "1.17.0"\n', "poetry.lock")
    assert [o.url for o in private.indexes] == ["https://nexus.example/repository/pypi/simple",
                                                 "https://pypi.org/simple"]


def test_a_locked_registry_is_the_primary_index_unless_the_command_line_says_otherwise() -> None:
    from license_gate.model import IndexOption
    from license_gate.resolve.indexes import discover

    locked = [IndexOption("https://nexus.example/simple", False, Place("uv.lock", 8), locked=True),
              IndexOption("https://pypi.org/simple", False, Place("uv.lock", 20), locked=True)]
    found = discover(options=locked, env={"PIP_INDEX_URL": "https://env/simple"}, config_files=[])
    assert found.urls == ("https://nexus.example/simple", "https://pypi.org/simple")
    assert found.origin == "uv.lock:8"
    assert discover("https://cli/simple", options=locked, env={}, config_files=[]).urls[0] == \
        "https://cli/simple"
