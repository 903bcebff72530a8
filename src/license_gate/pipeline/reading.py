"""Reading a repository's files without trusting them: regular files only, never past
the size bound (even a file that grew after it was listed), included files confined to
the repository, and text decoded as pip decodes requirements files."""

from __future__ import annotations

import os
from pathlib import Path


def read_bounded(path: Path) -> bytes | None:
    """A listed regular file's bytes, or None past the bound: discovery checked its size,
    but a file can grow (or be swapped) before it is read, and a read never exceeds it."""
    from license_gate.discover import MAX_FILE_BYTES

    # O_NONBLOCK: had a FIFO replaced the file since it was listed, opening cannot hang
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    return None if len(data) > MAX_FILE_BYTES else data


def read_confined(root: Path, base: Path, target: str) -> tuple[str, str]:
    """Read an included file; refuse anything outside the repository, too large or not
    a regular file."""
    display, raw, _ = read_confined_bytes(root, base, target)
    return display, as_utf8(raw).decode("utf-8", errors="replace")


def read_confined_bytes(root: Path, base: Path, target: str
                        ) -> tuple[str, bytes, os.stat_result]:
    """What ``read_confined`` reads, as bytes, with the file's stat (for the extraction
    cache, which keys an included file by both)."""
    import stat

    from license_gate.discover import MAX_FILE_BYTES

    # realpath, not Path.resolve, which raises RuntimeError on a symlink loop before 3.13
    path = Path(os.path.realpath(base / target))
    try:
        display = path.relative_to(root).as_posix()
    except ValueError:
        raise ValueError("outside the repository") from None
    info = path.stat()  # OSError (ELOOP, ENOENT) is the caller's "cannot read"
    if not stat.S_ISREG(info.st_mode):
        raise ValueError("not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise ValueError(f"{info.st_size} bytes, above the {MAX_FILE_BYTES}-byte bound")
    raw = read_bounded(path)
    if raw is None:
        raise ValueError(f"above the {MAX_FILE_BYTES}-byte bound")
    return display, raw, info


# Byte-order marks, longest first (a UTF-32 LE mark begins with the UTF-16 LE one).
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"), (b"\xef\xbb\xbf", "utf-8-sig"))


def as_utf8(raw: bytes) -> bytes:
    """The bytes as UTF-8, as pip reads a requirements file: a byte-order mark says
    UTF-8, UTF-16 or UTF-32 (Windows editors save UTF-16 with one); without one, the
    text must be UTF-8. Raises UnicodeDecodeError for text that is not what it says."""
    for mark, codec in _BOMS:
        if raw.startswith(mark):
            return raw.decode(codec).encode("utf-8")
    return raw
