"""Progress on stderr: on a terminal, after two seconds, rewritten in place and cleared
before the report; never in CI, pre-commit or a pipe unless --progress asks for it."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from license_gate import progress as progress_module
from license_gate.progress import Progress, wanted


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_nothing_is_shown_before_the_delay_then_one_line_is_rewritten_in_place() -> None:
    term, clock = Terminal(), Clock()
    bar = Progress(term, clock=clock, columns=120)
    bar.set("files", 10, 2849)
    assert term.getvalue() == ""  # a quick run prints nothing at all
    clock.now += 2.5
    bar.set("files", 1500, 2849)
    clock.now += 0.5
    bar.set("python packages", 0, 212)
    bar.add("lookups", total=212)
    clock.now += 0.5
    bar.add("lookups", done=57)
    out = term.getvalue()
    assert "\n" not in out and out.count("\r") == 3
    last = out.rsplit("\r", 1)[1]
    assert last.startswith("license-gate: files 1,500/2,849 · python packages 0/212 · "
                           "lookups 57/212 (4 s)")
    bar.close()
    assert term.getvalue().endswith("\r" + " " * len(last.rstrip()) + "\r")  # cleared


def test_redraws_are_at_most_ten_a_second_and_fit_the_terminal() -> None:
    term, clock = Terminal(), Clock()
    bar = Progress(term, clock=clock, columns=30)
    clock.now += 3
    for i in range(100):
        bar.set("files", i, 100)  # the clock does not move: one draw
    assert term.getvalue().count("\r") == 1
    assert all(len(x) <= 29 for x in term.getvalue().split("\r"))


def test_forced_into_a_log_it_writes_whole_lines_now_and_then() -> None:
    log, clock = io.StringIO(), Clock()
    bar = Progress(log, clock=clock)
    clock.now += 3
    bar.set("files", 1, 10)
    bar.set("files", 2, 10)  # within five seconds of the last line: not written
    clock.now += 6
    bar.set("files", 10, 10)
    bar.close()
    assert log.getvalue().splitlines() == ["license-gate: files 1/10 (3 s)",
                                           "license-gate: files 10/10 (9 s)"]


def test_shown_only_on_a_terminal_and_not_under_ci_or_pre_commit() -> None:
    assert wanted(None, Terminal(), {}) is True
    assert wanted(None, io.StringIO(), {}) is False  # a pipe or a file
    assert wanted(None, Terminal(), {"CI": "true"}) is False
    assert wanted(None, Terminal(), {"PRE_COMMIT": "1"}) is False
    assert wanted(True, io.StringIO(), {"CI": "true"}) is True  # --progress
    assert wanted(False, Terminal(), {}) is False  # --no-progress


def test_a_closed_stderr_never_fails_the_run() -> None:
    term, clock = Terminal(), Clock()
    bar = Progress(term, clock=clock, columns=80)
    term.close()
    clock.now += 3
    bar.set("files", 1, 2)
    bar.close()


def test_a_forced_run_reports_its_stages_on_stderr_and_leaves_stdout_alone(
        tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    monkeypatch.setattr(progress_module, "_INTERVAL_LOG", 0.0)
    (tmp_path / "requirements.txt").write_text("zz-a==1\nzz-b==1\n")
    (tmp_path / "app.py").write_text("from_pretrained('mistralai/Mistral-7B-v0.1')\n")
    result = run_cli("check", str(tmp_path), "--offline", "--progress", "--format", "json")
    lines = result.err.splitlines()
    assert "license-gate: files 2/2 (0 s)" in lines
    assert any(x.startswith("license-gate: files 2/2 · python packages 2/2") for x in lines)
    assert any("models 1/1" in x for x in lines)
    assert result.out.lstrip().startswith("{")  # the report is untouched


def test_piped_stderr_gets_no_progress_by_default(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("zz-a==1\n")
    run = subprocess.run([sys.executable, "-m", "license_gate", "check", str(tmp_path),
                          "--offline", "--no-cache"], capture_output=True, text=True, timeout=60,
                         env={k: v for k, v in os.environ.items() if k not in ("CI", "PRE_COMMIT")})
    assert "license-gate: files" not in run.stderr
