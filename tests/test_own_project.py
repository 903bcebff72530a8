"""The repository's own project is never its own dependency: its name in its own
pyproject extras, ``-e .`` and folders inside the repository."""

from __future__ import annotations

from pathlib import Path

from license_gate.extract.requirements import extract


def test_local_folder_requirements_keep_their_path() -> None:
    got = extract("-e .\n./libs/util\nfile:../sibling\n./dist/pkg-1.0-py3-none-any.whl\n",
                  "requirements.txt")
    assert [(r.name, r.local_path) for r in got.references] == [
        (".", "."), ("util", "./libs/util"), ("sibling", "../sibling"), ("pkg", None)]
    assert all(r.unresolvable for r in got.references)


def test_own_name_and_inside_folders_are_the_project_and_said_once(
        tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    repo = tmp_path / "repo"
    (repo / "libs" / "util").mkdir(parents=True)
    (tmp_path / "outside-lib").mkdir()
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "My_App"\nversion = "1.0"\ndependencies = []\n'
        '[project.optional-dependencies]\ndev = ["my-app[test]"]\ntest = ["my.app[lint]"]\n'
        'lint = []\n')
    (repo / "requirements.txt").write_text("-e .\n-e ./libs/util\n-e ../outside-lib\n")
    result = run_cli("check", str(repo), "--offline", "--format", "json")
    report = result.json()
    names = sorted(c["name"] for c in report["components"])
    assert names == ["outside-lib"]  # outside the repository: a component, named after it
    notes = report["notes"]
    assert any(n.startswith("my-app is this repository's own project (pyproject.toml:2)")
               and "pyproject.toml:6, pyproject.toml:7" in n for n in notes), notes
    assert any("'.' is this repository's own code" in n and "requirements.txt:1" in n
               for n in notes)
    assert any("'libs/util' is this repository's own code" in n for n in notes)
