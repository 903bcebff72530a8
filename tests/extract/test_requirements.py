from __future__ import annotations

from pathlib import Path

from license_gate.extract.requirements import extract
from license_gate.model import Place
from tests.conftest import ASSETS

REQ = ASSETS / "requirements"


def reader(base: Path):  # type: ignore[no-untyped-def]
    def read(target: str) -> tuple[str, str]:
        path = (base / target).resolve()
        return path.relative_to(REQ.resolve()).as_posix(), path.read_text()

    return read


def run(name: str):  # type: ignore[no-untyped-def]
    path = REQ / name
    return extract(path.read_text(), name, reader(path.parent))


def by_name(result):  # type: ignore[no-untyped-def]
    return {r.name: r for r in result.references}


def test_full_grammar() -> None:
    result = run("requirements.txt")
    refs = by_name(result)
    assert result.errors == ()
    # --hash continuation lines belong to the requirement that starts on line 7
    assert refs["alpha-lib"].version == "1.2.3"
    assert refs["alpha-lib"].place == Place("requirements.txt", 7)
    # names are PEP 503-normalised; extras and markers do not hide the package
    beta = refs["beta-lib"]
    assert beta.version is None and beta.specifier == "<3,>=2.0"
    assert beta.marker == 'python_version >= "3.8"'
    # the constraints file pins what requirements leave open, and adds nothing itself
    assert refs["gamma-lib"].version == "5.5.5"
    assert "unused-constraint" not in refs
    assert refs["theta-lib"].version == "4.0.0"
    assert refs["iota-lib"].version is None  # a wildcard is not one exact version


def test_includes_are_relative_and_cycles_stop() -> None:
    refs = by_name(run("requirements.txt"))
    assert refs["kappa-lib"].place == Place("requirements-base.txt", 2)
    assert refs["kappa-lib"].marker == 'sys_platform == "linux"'
    assert refs["lambda-lib"].place == Place("nested/requirements-nested.txt", 1)
    # the nested file includes requirements.txt again: each file is read once
    assert sum(1 for r in run("requirements.txt").references if r.name == "alpha-lib") == 1


def test_url_vcs_and_path_requirements_are_unresolvable_with_reason() -> None:
    refs = by_name(run("requirements.txt"))
    assert "direct URL" in (refs["delta-lib"].unresolvable or "")
    assert "VCS" in (refs["epsilon-lib"].unresolvable or "")
    assert "local path" in (refs["zeta-lib"].unresolvable or "")
    assert "local path" in (refs["eta-lib"].unresolvable or "")
    assert refs["eta-lib"].place.line == 14


def test_bad_lines_are_reported_and_the_rest_is_kept() -> None:
    result = run("requirements-bad.txt")
    assert [r.name for r in result.references] == ["good-one", "another-good"]
    messages = {e.place.line: e.message for e in result.errors}
    assert "invalid requirement" in messages[2]
    assert "cannot read included file 'does-not-exist.txt'" in messages[4]
    assert all(e.place.path == "requirements-bad.txt" for e in result.errors)


def test_includes_outside_tree_are_refused() -> None:
    def refuse(target: str) -> tuple[str, str]:
        raise ValueError("outside the repository")

    result = extract("-r ../../etc/passwd\nok==1\n", "r.txt", refuse)
    assert [r.name for r in result.references] == ["ok"]
    assert "outside the repository" in result.errors[0].message


def test_comment_rules_match_pip() -> None:
    text = "foo==1 # trailing\n#bar==2\nhttps://x.example/p.whl#egg=baz\n"
    refs = by_name(extract(text, "r.txt"))
    assert set(refs) == {"foo", "baz"}
    assert refs["baz"].unresolvable is not None


def test_a_constraint_range_narrows_the_choice_of_an_unpinned_requirement(tmp_path: Path) -> None:
    (tmp_path / "constraints.txt").write_text("httpx<0.28\nunrelated>=1\n")
    text = "-c constraints.txt\nhttpx>=0.20\n"

    def read(target: str) -> tuple[str, str]:
        return target, (tmp_path / target).read_text()

    refs = by_name(extract(text, "requirements.txt", read))
    assert refs["httpx"].version is None and refs["httpx"].specifier == ">=0.20,<0.28"
    assert "unrelated" not in refs
