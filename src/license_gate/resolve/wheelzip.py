"""A wheel's metadata and licence files, read from a registry with HTTP range requests.

A wheel is a zip: its central directory, at the end of the file, lists every member with
the offset of its local header. So the last 64 KiB (one request) locate the licence files
(``*.dist-info/licenses/*``, legacy ``*.dist-info/LICENSE*``), and one more request each
reads them, however large the wheel (PEP 658's reasoning, applied to licence files).
Everything is bounded: the tail, the number of files and each file's size. A wheel that
does not fit these bounds, or a server without range support, is a reason, never a
crash; the caller keeps the metadata's answer and says the files were not read.

The format functions are pure (bytes in, values out), after APPNOTE.TXT 4.3.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from license_gate.resolve.interface import LicenceText

TAIL = 64 * 1024  # the end-of-central-directory record plus a typical wheel's directory
MAX_FILES = 8
MAX_FILE = 512 * 1024
_EOCD = b"PK\x05\x06"
_CENTRAL = b"PK\x01\x02"
_LOCAL = b"PK\x03\x04"
_LICENCE = re.compile(r"^[^/]+\.dist-info/(licenses/[^/]+|(licen[cs]e|copying|notice|copyright)[^/]*)$",
                      re.IGNORECASE)


class ZipRangeError(Exception):
    """The wheel's directory or a member could not be read within the bounds."""


@dataclass(frozen=True)
class Member:
    name: str
    method: int  # 0 stored, 8 deflated
    compressed: int
    size: int
    offset: int  # of the local header


def directory_location(tail: bytes, tail_start: int) -> tuple[int, int]:
    """(offset, size) of the central directory, from the end of the file."""
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        raise ZipRangeError("no end-of-central-directory record in the last "
                            f"{len(tail)} bytes (not a zip, or a comment longer than that)")
    _disk, _start, _here, total, size, offset, _comment = struct.unpack("<HHHHIIH", tail[at + 4:at + 22])
    if offset == 0xFFFFFFFF or size == 0xFFFFFFFF or total == 0xFFFF:
        raise ZipRangeError("a ZIP64 wheel (over 4 GiB or 65,535 files)")
    if offset + size > tail_start + at:
        raise ZipRangeError("the central directory points past its own end")
    return offset, size


def members(directory: bytes) -> list[Member]:
    out: list[Member] = []
    at = 0
    while at + 46 <= len(directory) and directory[at:at + 4] == _CENTRAL:
        (method, compressed, size, name_len, extra_len, comment_len, offset) = (
            struct.unpack("<H", directory[at + 10:at + 12])[0],
            *struct.unpack("<II", directory[at + 20:at + 28]),
            *struct.unpack("<HHH", directory[at + 28:at + 34]),
            struct.unpack("<I", directory[at + 42:at + 46])[0],
        )
        name = directory[at + 46:at + 46 + name_len].decode("utf-8", "replace")
        out.append(Member(name, method, compressed, size, offset))
        at += 46 + name_len + extra_len + comment_len
    return out


def member_data(member: Member, chunk: bytes) -> bytes:
    """A member's content from bytes starting at its local header."""
    if chunk[:4] != _LOCAL or len(chunk) < 30:
        raise ZipRangeError(f"{member.name}: no local header at offset {member.offset}")
    name_len, extra_len = struct.unpack("<HH", chunk[26:30])
    start = 30 + name_len + extra_len
    raw = chunk[start:start + member.compressed]
    if len(raw) < member.compressed:
        raise ZipRangeError(f"{member.name}: short read")
    if member.method == 0:
        return raw[:MAX_FILE]
    if member.method == 8:
        inflater = zlib.decompressobj(-15)
        try:
            return inflater.decompress(raw, MAX_FILE)  # bounded: a zip bomb stops here
        except zlib.error as exc:
            raise ZipRangeError(f"{member.name}: {exc}") from exc
    raise ZipRangeError(f"{member.name}: compression method {member.method} not supported")


def licence_members(listed: list[Member]) -> list[Member]:
    return [m for m in listed if _LICENCE.match(m.name) and m.compressed <= MAX_FILE][:MAX_FILES]


@dataclass(frozen=True)
class Directory:
    """A wheel's members and the last bytes read to find them. bdist_wheel writes the
    dist-info last, so METADATA and the licence files usually lie inside those bytes
    already, and reading them costs no further request."""

    members: list[Member]
    tail: bytes
    tail_start: int


def directory(get: Callable[[str], tuple[bytes, int]]) -> Directory:
    """The wheel's members, from its last bytes (one request, two for a large
    directory). ``get(range)`` returns (bytes, offset of the first byte) or raises
    ZipRangeError."""
    tail, tail_start = get(f"bytes=-{TAIL}")
    offset, size = directory_location(tail, tail_start)
    if offset >= tail_start:
        listing = tail[offset - tail_start:offset - tail_start + size]
    else:
        if size > 4 * 1024 * 1024:
            raise ZipRangeError(f"a central directory of {size} bytes")
        listing, _ = get(f"bytes={offset}-{offset + size - 1}")
    return Directory(members(listing), tail, tail_start)


def read_member(get: Callable[[str], tuple[bytes, int]], member: Member,
                within: Directory | None = None) -> str:
    """One member's text: from the bytes already read when it lies inside them, else in
    one request."""
    if member.compressed > MAX_FILE:
        raise ZipRangeError(f"{member.name}: {member.compressed} bytes, over the bound")
    # the local header repeats the name and may carry a different extra field
    span = 30 + len(member.name.encode()) + 1024 + member.compressed
    if within is not None and member.offset >= within.tail_start:
        chunk = within.tail[member.offset - within.tail_start:]
        try:
            return member_data(member, chunk).decode("utf-8", "replace")
        except ZipRangeError:
            pass  # the extra field ran past the tail: ask for the member itself
    chunk, _ = get(f"bytes={member.offset}-{member.offset + span - 1}")
    return member_data(member, chunk).decode("utf-8", "replace")


def metadata_member(listed: list[Member]) -> Member | None:
    """The wheel's core metadata (``<name>-<version>.dist-info/METADATA``)."""
    return next((m for m in listed if re.fullmatch(r"[^/]+\.dist-info/METADATA", m.name)), None)


def read_licence_files(get: Callable[[str], tuple[bytes, int]],
                       listed: Directory | None = None) -> tuple[LicenceText, ...]:
    """The wheel's licence files, with paths relative to the dist-info
    (``licenses/LICENSE``), as installed."""
    listed = directory(get) if listed is None else listed
    return tuple(LicenceText(m.name.split(".dist-info/", 1)[1], read_member(get, m, listed))
                 for m in licence_members(listed.members))
