"""Unknowns are said once: listed by name under their verdict, explained in the problems,
and many with one cause are one problem with a count, the components and the fix."""

from __future__ import annotations

from pathlib import Path


def test_many_unknowns_of_one_cause_are_one_line(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "requirements.txt").write_text("".join(f"zz-pkg-{i}==1.{i}\n" for i in range(12)))
    (tmp_path / "requirements-dev.txt").write_text("-e git+https://example.invalid/x.git#egg=vcs-pkg\n")
    out = run_cli("check", str(tmp_path), "--offline").out
    unknown_lines = [line for line in out.splitlines() if "[license-unknown]" in line]
    assert len(unknown_lines) == 2, out  # the 12 offline ones together, the VCS one alone
    (many,) = [line for line in unknown_lines if "12 components unknown" in line]
    assert many.endswith("12 components unknown: offline: not installed at this version and "
                         "not in the cache")
    assert "zz-pkg-0@1.0" in out and "(+3 more)" in out
    assert out.count("why: offline") == 0  # not repeated under the verdict list
    assert out.count("run once online to fill the cache") == 1
    assert "--write-exceptions FILE" in out


def test_a_few_unknowns_keep_a_line_each(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "requirements.txt").write_text("zz-a==1\nzz-b==1\n")
    out = run_cli("check", str(tmp_path), "--offline").out
    assert sum("[license-unknown] pkg:pypi/zz-" in line for line in out.splitlines()) == 2


def test_quiet_is_one_line_per_problem(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "requirements.txt").write_text(
        "".join(f"zz-pkg-{i}==1.{i}\n" for i in range(5)) + "zz-alone @ git+https://x.invalid/a.git\n")
    out = run_cli("check", str(tmp_path), "--offline", "--quiet").out.splitlines()
    assert out[0].startswith("license-gate ") and out[-1].startswith("FAILED: ")
    problems = out[1:-1]
    assert len(problems) == 2, out  # the five of one cause, and the VCS one
    assert all(" [license-unknown] " in line for line in problems)
    assert not any(line.startswith((" ", "note:", "unknown licence")) for line in out)
