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
from license_gate.resolve.interface import Key, LicenceText, RawMetadata, same_version
from license_gate.resolve.metadata import Splitter, needs_files, outcome_from_metadata

_BLANK_LINE = re.compile(r"\r?\n\r?\n")
# Legacy licence files at the top of a dist-info (setuptools before PEP 639 copied them
# there); AUTHORS and the like state no licence.
_LICENCE_NAME = re.compile(r"^(licen[cs]e|copying|notice|copyright)", re.IGNORECASE)
MAX_FILES = 64
MAX_FILE = 512 * 1024


def _read_text(path: Path) -> str | None:
    try:
        with open(path, "rb") as handle:
            return handle.read(MAX_FILE).decode("utf-8", errors="replace")
    except OSError:
        return None


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
        text = _read_text(folder / relative)
        if text is not None:
            out.append(LicenceText(relative, text))
    return tuple(out)


def read_dist_info(folder: Path, metadata_name: str = "METADATA",
                   vendored: Sequence[str] = ()) -> RawMetadata | None:
    """The licence facts of one dist-info (or egg-info) folder, or of a snapshot of one."""
    text = _read_text(folder / metadata_name)
    if text is None:
        return None
    # Only the header block: the body is the long description (a whole README).
    end = _BLANK_LINE.search(text)
    headers = licence_headers(text[: end.start() + 1] if end else text)

    def first(name: str) -> str | None:
        values = headers.get(name)
        return values[0] if values else None

    meta = RawMetadata(first("license-expression"), first("license"),
                       tuple(headers.get("classifier", ())), vendored=tuple(vendored))
    if not needs_files(meta):
        return meta
    return replace(meta, license_files=licence_files(folder, headers.get("license-file", ())))


_WANTED = frozenset({"license-expression", "license", "classifier", "license-file"})
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_HEADER = re.compile(r"^(From |[\041-\071\073-\176]*:|[\t ])")


def licence_headers(block: str) -> dict[str, list[str]]:
    """The licence headers of a core-metadata header block, each value exactly as
    ``email.parser.HeaderParser`` (compat32) gives it: folded lines kept with their line
    ends and indentation, the first line's leading blanks stripped. It builds no Message
    of every other header: with it, bench/pkg_files_speed.py's warm 300-package check
    went from +14.6% to +9.7% over headers-only reading. tests/resolve/test_installed.py
    checks it against the stdlib parser on every real METADATA of the package corpus."""
    out: dict[str, list[str]] = {}
    name: str | None = None
    lines: list[str] = []

    def flush() -> None:
        if name is not None and name.lower() in _WANTED:
            value = lines[0].split(":", 1)[1].lstrip(" \t") + "".join(lines[1:])
            out.setdefault(name.lower(), []).append(value.rstrip("\r\n"))

    for line in _LINE.findall(block):
        if line[:1] in (" ", "\t"):
            if name is not None:
                lines.append(line)
            continue
        flush()
        name, lines = None, []
        if line.startswith("From "):
            continue  # an mbox "From " line, which the stdlib parser sets aside
        if not _HEADER.match(line):
            break  # not a header: the stdlib parser ends the headers here too
        name, lines = line[: line.find(":")], [line]
    flush()
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
