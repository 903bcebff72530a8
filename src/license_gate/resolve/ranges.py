"""Parts of a registry's files, read with HTTP range requests: a wheel's directory and
the members it lists (``wheelzip``), without downloading the wheel."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from license_gate.resolve.http import Blob, Failed, JsonClient, NotFound
from license_gate.resolve.interface import LicenceText

if TYPE_CHECKING:
    from license_gate.resolve.wheelzip import Directory


class TransientError(Exception):
    """The registry failed (timeouts, 5xx after retries): try again another run."""


def ranged(client: JsonClient, url: str) -> Callable[[str], tuple[bytes, int]]:
    """``get(range) -> (bytes, offset of the first byte)`` for one file, as the zip
    functions want it. A failure of the registry raises TransientError; any other
    answer that is not the bytes asked for raises ZipRangeError."""
    from license_gate.resolve.wheelzip import MAX_FILE, TAIL, ZipRangeError

    def get(byte_range: str) -> tuple[bytes, int]:
        result = client.get_range(url, byte_range, max(TAIL, MAX_FILE + 4096))
        if isinstance(result, Failed) and "416" in result.reason and byte_range.startswith("bytes=-"):
            # RFC 9110 makes a suffix longer than the file the whole file, and
            # files.pythonhosted.org answers so; some servers refuse it instead. The
            # same bytes from the front: for a file shorter than the suffix, all of it.
            result = client.get_range(url, f"bytes=0-{int(byte_range[7:]) - 1}",
                                      max(TAIL, MAX_FILE + 4096))
        if isinstance(result, Failed):
            raise TransientError(result.reason)
        if not isinstance(result, Blob):
            raise ZipRangeError("not found" if isinstance(result, NotFound)
                                else f"HTTP {result.status}")
        if not result.partial:
            return result.data, 0  # the server sent the whole (small) file
        match = re.match(r"bytes (\d+)-\d+/", result.content_range or "")
        if not match:
            raise ZipRangeError("a partial answer without a Content-Range")
        return result.data, int(match.group(1))

    return get


def read_wheel_licences(client: JsonClient, url: str, listed: Directory | None = None
                        ) -> tuple[tuple[LicenceText, ...], str | None, bool]:
    """(licence files, why they could not be read, whether that may pass). ``listed``:
    the wheel's directory when an earlier read already has it."""
    from license_gate.resolve.wheelzip import ZipRangeError, read_licence_files

    try:
        return read_licence_files(ranged(client, url), listed), None, False
    except TransientError as exc:
        return (), str(exc), True
    except ZipRangeError as exc:
        return (), str(exc), False
