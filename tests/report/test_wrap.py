"""The text report wraps at the terminal's width (100 when not a terminal), at spaces
only, so paths, URLs and licence terms are never cut; --quiet is never wrapped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from license_gate.report.text import wrap

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "python-app"


def test_a_long_problem_line_hangs_under_itself_and_keeps_paths_whole() -> None:
    path = "src/a/deeply/nested/package/with/a/long/name/loader_module.py:12:"
    line = (f"{path} error [license-denied] meta-llama/Llama-3.1-8B: LicenseRef-llama3.1 "
            "has acceptable-use rules and a cap of 700 million monthly active users")
    out = wrap(line, 60).splitlines()
    assert out[0].startswith(path)  # the path is never split, even past the width
    assert all(x.startswith("    ") for x in out[1:])
    assert all(len(x) <= 60 for x in out[1:])
    assert " ".join(" ".join(out).split()) == " ".join(line.split())  # nothing lost


def test_a_label_line_continues_under_its_text_and_a_url_overflows_whole() -> None:
    url = "https://huggingface.co/meta-llama/Llama-3.1-8B/blob/main/LICENSE"
    out = wrap(f"      why: licence text at {url} says no use for other models", 50).splitlines()
    assert out[0] == "      why: licence text at"
    assert url in out[1] and out[1].startswith("           https")  # under "licence"
    assert all(x.startswith(" " * 11) for x in out[1:])


def test_short_lines_and_blank_lines_are_kept_as_they_are() -> None:
    text = "header\n\n  ok  MIT  requirements.txt:1\nFAILED: 1 error(s)"
    assert wrap(text, 100) == text


def _run(*args: str, columns: str | None) -> str:
    env = {k: v for k, v in __import__("os").environ.items() if k != "COLUMNS"}
    if columns is not None:
        env["COLUMNS"] = columns
    run = subprocess.run([sys.executable, "-m", "license_gate", "check", str(EXAMPLE),
                          "--offline", "--no-cache", *args],
                         capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 1, run.stderr
    return run.stdout


def _fits(line: str, width: int) -> bool:
    # past the width only as a word too long to break, alone on its line
    return len(line) <= width or len(line.split()) == 1


def test_piped_output_wraps_at_100_and_columns_overrides_it() -> None:
    piped = _run(columns=None).splitlines()
    assert all(_fits(x, 100) for x in piped), [x for x in piped if not _fits(x, 100)]
    assert any(len(x) > 80 for x in piped)
    narrow = _run(columns="72").splitlines()
    assert all(_fits(x, 72) for x in narrow), [x for x in narrow if not _fits(x, 72)]
    assert len(narrow) > len(piped)
    assert " ".join(" ".join(narrow).split()) == " ".join(" ".join(piped).split())


@pytest.mark.parametrize("columns", ["40", None])
def test_quiet_is_never_wrapped(columns: str | None) -> None:
    out = _run("--quiet", columns=columns).splitlines()
    problems = out[1:-1]
    assert problems and all(": error [" in x or ": warning [" in x for x in problems)
    assert any(len(x) > 100 for x in out)  # one line each, however long
