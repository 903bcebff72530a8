"""A source distribution's ``PKG-INFO``: the last way to a release's metadata when its
index serves neither metadata files (PEP 658) nor wheels.

An sdist is a compressed tar (or, for old releases, a zip) whose top folder holds
``PKG-INFO``, the core metadata in the same format as a wheel's ``METADATA``. A tar
cannot be read from its end, so the caller downloads the archive under a size bound and
these pure functions read it in memory: nothing is written to disk, nothing is run, and
each bound (members scanned, bytes decompressed) is a reason, never a crash.
"""

from __future__ import annotations

import io
import re

MAX_SDIST = 16 * 1024 * 1024  # bytes downloaded
MAX_PKG_INFO = 1024 * 1024
MAX_MEMBERS = 20_000  # tar entries scanned before PKG-INFO
_PKG_INFO = re.compile(r"^[^/]+/PKG-INFO$")


class SdistError(Exception):
    """The archive is not a readable sdist within the bounds."""


def pkg_info(data: bytes, filename: str) -> str:
    """The text of the sdist's top-level ``PKG-INFO``."""
    if filename.lower().endswith(".zip"):
        return _from_zip(data)
    return _from_tar(data)


def _from_tar(data: bytes) -> str:
    import tarfile

    try:
        # "r|*": a stream, read front to back once; a bomb costs only what is scanned
        with tarfile.open(fileobj=io.BytesIO(data), mode="r|*") as archive:
            for count, member in enumerate(archive):
                if count >= MAX_MEMBERS:
                    break
                if member.isfile() and _PKG_INFO.match(member.name):
                    if member.size > MAX_PKG_INFO:
                        raise SdistError(f"{member.name}: {member.size} bytes, over the bound")
                    handle = archive.extractfile(member)
                    if handle is None:
                        break
                    return handle.read(MAX_PKG_INFO).decode("utf-8", "replace")
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        # zlib/lzma errors surface as OSError or EOFError through tarfile's stream
        raise SdistError(f"not a readable sdist archive ({exc})") from exc
    raise SdistError("no top-level PKG-INFO in the archive")


def _from_zip(data: bytes) -> str:
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist()[:MAX_MEMBERS]:
                if _PKG_INFO.match(info.filename):
                    if info.file_size > MAX_PKG_INFO:
                        raise SdistError(f"{info.filename}: {info.file_size} bytes, over the bound")
                    with archive.open(info) as handle:
                        return handle.read(MAX_PKG_INFO).decode("utf-8", "replace")
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise SdistError(f"not a readable sdist archive ({exc})") from exc
    raise SdistError("no top-level PKG-INFO in the archive")
