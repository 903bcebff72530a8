"""Only regular files are read: a named pipe, a device, a symlink loop or a link out of
the tree never hangs, crashes or floods memory, and each says so in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file types")


def _check(*args: str, limit_bytes: int | None = None) -> subprocess.CompletedProcess[str]:
    def limit() -> None:  # pragma: no cover - runs in the child
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))

    return subprocess.run([sys.executable, "-m", "license_gate", "check", *args, "--offline",
                           "--no-cache"], capture_output=True, text=True, timeout=60,
                          preexec_fn=limit if limit_bytes else None,
                          env={**os.environ, "COLUMNS": "1000"})  # whole lines to read


def test_a_named_pipe_a_loop_and_a_link_out_are_skipped_with_a_line_each(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    os.mkfifo(repo / "requirements.txt")  # nobody writes: opening it would block for ever
    (repo / "a").mkdir()
    os.symlink("requirements-loop.txt", repo / "a" / "requirements-other.txt")
    os.symlink("requirements-other.txt", repo / "a" / "requirements-loop.txt")
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("leaked==1.0\n")
    (repo / "b").mkdir()
    os.symlink(outside, repo / "b" / "requirements.txt")
    (repo / "c").mkdir()
    (repo / "c" / "requirements.txt").write_text("pip==23.2.1\n")
    run = _check(str(repo))
    assert run.returncode in (0, 1), run.stderr
    out = run.stdout
    assert "requirements.txt: a named pipe, not a regular file; not read" in out
    assert "a/requirements-loop.txt: Too many levels of symbolic links; not read" in out
    assert "b/requirements.txt: a symlink out of the repository; not read" in out
    assert "leaked" not in out and "c/requirements.txt:1" in out  # the rest is checked
    assert "Traceback" not in run.stderr


def test_a_device_on_the_command_line_is_refused_without_reading_it(tmp_path: Path) -> None:
    run = _check("/dev/zero", limit_bytes=300 * 1024 * 1024)
    assert run.returncode == 1, run.stderr
    assert "/dev/zero: error [parse-error] a device, not a regular file; not read" in run.stdout


def test_memory_stays_bounded_under_a_300_mb_address_space_limit(tmp_path: Path) -> None:
    """The largest readable file (just under the 20 MB bound), one above it, and a device,
    in one run with the whole address space capped at 300 MB."""
    repo = tmp_path / "repo"
    repo.mkdir()
    line = b"# " + b"x" * 97 + b"\n"
    (repo / "requirements.txt").write_bytes(line * (19 * 1024 * 1024 // len(line)) + b"pip==1\n")
    (repo / "sub").mkdir()
    (repo / "sub" / "requirements.txt").write_bytes(line * (21 * 1024 * 1024 // len(line)))
    run = _check(str(repo), "/dev/zero", limit_bytes=300 * 1024 * 1024)
    assert run.returncode == 1, run.stderr[-2000:]
    assert "MemoryError" not in run.stderr and "Traceback" not in run.stderr
    assert "above the 20971520-byte bound; not read" in run.stdout


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig", "utf-32"])
def test_requirements_in_the_encodings_pip_reads(tmp_path: Path, encoding: str) -> None:
    text = "# généré\npip==23.2.1\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data  # the big-endian mark, as Windows tools write it
    (tmp_path / "requirements.txt").write_bytes(data)
    run = _check(str(tmp_path), "--format", "json")
    import json

    report = json.loads(run.stdout)
    assert [(c["name"], c["version"]) for c in report["components"]] == [("pip", "23.2.1")]


def test_text_in_another_encoding_is_a_clear_error_and_the_rest_is_checked(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_bytes("# généré\npip==23.2.1\n".encode("latin-1"))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "requirements.txt").write_text("pip==23.2.1\n")
    run = _check(str(tmp_path))
    assert "requirements.txt: error [parse-error] not UTF-8 text, nor UTF-16 or UTF-32" in run.stdout
    assert "sub/requirements.txt:1" in run.stdout


def test_an_include_that_loops_or_is_a_pipe_is_reported_not_followed(tmp_path: Path) -> None:
    os.symlink("b.txt", tmp_path / "a.txt")
    os.symlink("a.txt", tmp_path / "b.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "requirements.txt").write_text("-r a.txt\n-r pipe.txt\npip==23.2.1\n")
    run = _check(str(tmp_path))
    assert "Traceback" not in run.stderr, run.stderr
    assert "cannot read included file 'a.txt'" in run.stdout
    assert "cannot read included file 'pipe.txt': not a regular file" in run.stdout
