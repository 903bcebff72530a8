"""Installed distributions on this interpreter's ``sys.path``.

We list ``*.dist-info`` / ``*.egg-info`` folder names once (cheap) and read a METADATA
file only for a package we need; its licence files only when the headers leave the
licence vague or the wheel vendors shared libraries (``metadata.needs_files``). Nothing
is imported from the packages.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from dataclasses import replace
from functools import cached_property
from pathlib import Path

from license_gate.extract._common import canonical_name
from license_gate.model import Outcome
from license_gate.resolve.interface import (
    MAX_LICENCE_BYTES,
    Key,
    LicenceText,
    RawMetadata,
    same_version,
)
from license_gate.resolve.metadata import Splitter, needs_files, outcome_from_metadata

_BLANK_LINE = re.compile(r"\r?\n\r?\n")
# Legacy licence files at the top of a dist-info (setuptools before PEP 639 copied them
# there); AUTHORS and the like state no licence.
_LICENCE_NAME = re.compile(r"^(licen[cs]e|copying|notice|copyright)", re.IGNORECASE)
MAX_FILES = 64


def _read_text(path: Path) -> str | None:
    try:
        with open(path, "rb") as handle:
            return handle.read(MAX_LICENCE_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return None


def _identity(path: Path, stat: os.stat_result | None = None) -> str | None:
    """What changes whenever a file's content may have: its path, size and mtime (as git's
    index and make judge a file unchanged)."""
    try:
        stat = stat or path.stat()
    except OSError:
        return None
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"


def licence_files(folder: Path, declared: Sequence[str] = ()) -> tuple[LicenceText, ...]:
    """A dist-info's licence files for the package as a whole: the ``License-File`` names
    first, in their order (PEP 639 puts them under ``licenses/``, older tools at the top),
    then any other file directly under ``licenses/`` and any top-level
    LICENSE*/COPYING*/NOTICE*. Files for one vendored source folder
    (``licenses/numpy/linalg/lapack_lite/LICENSE.txt``) are left unread: the metadata
    covers them. Bounded in number and size, since a wheel is untrusted input."""
    seen: dict[str, None] = {}
    for name in declared:
        name = name.strip().replace("\\", "/")
        if not name or name.startswith("/") or ".." in name.split("/") or "/" in name:
            continue  # outside the dist-info, or a vendored folder's file
        for candidate in (f"licenses/{name}", name):
            if (folder / candidate).is_file():
                seen.setdefault(candidate)
                break
    for where, prefix, every in ((folder, "", False), (folder / "licenses", "licenses/", True)):
        try:
            names = sorted(e.name for e in os.scandir(where) if e.is_file()
                           and (every or _LICENCE_NAME.match(e.name)))
        except OSError:
            continue
        for name in names:
            seen.setdefault(prefix + name)
    out = []
    for relative in list(seen)[:MAX_FILES]:
        path = folder / relative
        try:
            stat = path.stat()
        except OSError:
            continue
        # read only if the cache has no reading of this very file (same size and mtime)
        out.append(LicenceText(relative, None, str(path), _identity(path, stat)))
    return tuple(out)


def read_dist_info(folder: Path, metadata_name: str = "METADATA",
                   vendored: Sequence[str] = ()) -> RawMetadata | None:
    """The licence facts of one dist-info (or egg-info) folder, or of a snapshot of one."""
    path = folder / metadata_name
    text = _read_text(path)
    if text is None:
        return None
    headers = licence_headers(header_block(text))

    def first(name: str) -> str | None:
        values = headers.get(name)
        return values[0] if values else None

    meta = RawMetadata(first("license-expression"), first("license"),
                       tuple(headers.get("classifier", ())), vendored=tuple(vendored),
                       identity=_identity(path))
    if not needs_files(meta):
        return meta
    return replace(meta, license_files=licence_files(folder, headers.get("license-file", ())))


_EOL = r"(?:\r\n|\r|\n)"


def _header_patterns(line_start: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The end of the headers (the first line that is neither a header, a folded
    continuation nor an mbox "From " line, which the stdlib parser sets aside) and the
    wanted headers with their folded lines."""
    end = re.compile(line_start + r"(?![ \t]|From |[\041-\071\073-\176]*:)")
    wanted = re.compile(
        line_start + r"(?P<name>license-expression|license-file|license|classifier):"
        r"(?P<value>[^\r\n]*" + _EOL + r"?(?:[ \t][^\r\n]*" + _EOL + r"?)*)", re.IGNORECASE)
    return end, wanted


# "^" in multiline mode is fast but knows only \n; a block with a bare \r (old Mac line
# ends, which the stdlib parser accepts) needs the slower look-behind line start.
_LF = _header_patterns(r"(?m)^")
_ANY = _header_patterns(r"(?:\A|(?<=\n)|(?<=\r)(?!\n))")


def header_block(text: str) -> str:
    """Only the header block of core metadata: the body is the long description (a
    whole README)."""
    end = _BLANK_LINE.search(text)
    return text[: end.start() + 1] if end else text


def licence_headers(block: str) -> dict[str, list[str]]:
    """The licence headers of a core-metadata header block, each value exactly as
    ``email.parser.HeaderParser`` (compat32) gives it: folded lines kept with their line
    ends and indentation, the first line's leading blanks stripped. Two regular
    expressions, and no Message of every other header nor a Python loop over its lines:
    bench/pkg_files_speed.py's warm 300-package check went from +14.6% to +9.7% over
    headers-only reading with a line loop, and lower again with this.
    tests/resolve/test_installed.py checks it against the stdlib parser on every real
    METADATA of the package corpus and on generated blocks."""
    end_of, wanted = _ANY if "\r" in block.replace("\r\n", "") else _LF
    end = end_of.search(block)
    out: dict[str, list[str]] = {}
    for header in wanted.finditer(block, 0, end.start() if end else len(block)):
        out.setdefault(header.group("name").lower(), []).append(
            header.group("value").lstrip(" \t").rstrip("\r\n"))
    return out


class InstalledSource:
    name = "installed"

    def __init__(self, search_path: Sequence[str] | None = None,
                 split: Splitter | None = None) -> None:
        self._search_path = list(sys.path if search_path is None else search_path)
        self._libs: dict[str, Path] = {}
        self.split = split  # how licence texts are read; the resolver's remembers answers

    @cached_property
    def _dists(self) -> dict[str, tuple[str, Path]]:
        """canonical name -> (version, metadata file). The first on sys.path wins, as for
        imports."""
        found: dict[str, tuple[str, Path]] = {}
        for entry in self._search_path:
            try:
                with os.scandir(entry or ".") as it:
                    listed = [e.name for e in it]
            except OSError:
                continue
            names = [n for n in listed if n.endswith((".dist-info", ".egg-info"))]
            for name in listed:
                if name.endswith(".libs"):
                    # auditwheel's folder of vendored shared libraries, named after the
                    # distribution (numpy.libs, scipy.libs, pillow.libs)
                    self._libs.setdefault(canonical_name(name[: -len(".libs")]), Path(entry, name))
            for folder in sorted(names):
                if folder.endswith(".dist-info"):
                    stem = folder[: -len(".dist-info")]
                    name, _, version = stem.rpartition("-")
                    metadata = Path(entry, folder, "METADATA")
                else:
                    parts = folder[: -len(".egg-info")].split("-")
                    if len(parts) < 2:
                        continue
                    name, version = parts[0], parts[1]
                    metadata = Path(entry, folder, "PKG-INFO")
                if name and version:
                    found.setdefault(canonical_name(name), (version, metadata))
        return found

    def version_of(self, name: str) -> str | None:
        dist = self._dists.get(canonical_name(name))
        return dist[0] if dist else None

    def _vendored(self, name: str, metadata: Path) -> tuple[str, ...]:
        folders = [self._libs.get(canonical_name(name))]
        if sys.platform == "darwin":
            # delocate puts macOS libraries in <package>/.dylibs
            folders.append(metadata.parent.parent / name.replace("-", "_") / ".dylibs")
        out: list[str] = []
        for folder in folders:
            if folder is None:
                continue
            try:
                out += sorted(f"{folder.name}/{n}" if folder.name != ".dylibs"
                              else f"{folder.parent.name}/.dylibs/{n}" for n in os.listdir(folder))
            except OSError:
                continue
        return tuple(out)

    def raw(self, name: str) -> RawMetadata | None:
        dist = self._dists.get(canonical_name(name))
        if dist is None:
            return None
        metadata = dist[1]
        return read_dist_info(metadata.parent, metadata.name, self._vendored(name, metadata))

    def lookup(self, keys: Sequence[Key]) -> dict[Key, Outcome]:
        out: dict[Key, Outcome] = {}
        for name, version in keys:
            installed = self.version_of(name)
            if installed is None or not same_version(installed, version):
                continue  # only the exact release asked for can speak for it
            meta = self.raw(name)
            if meta is not None:
                out[(name, version)] = outcome_from_metadata(meta, "installed", split=self.split)
        return out
