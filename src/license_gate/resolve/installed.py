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
from email.parser import HeaderParser
from functools import cached_property
from pathlib import Path

from license_gate.extract._common import canonical_name
from license_gate.model import Outcome
from license_gate.resolve.interface import Key, LicenceText, RawMetadata, same_version
from license_gate.resolve.metadata import needs_files, outcome_from_metadata

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
    """A dist-info's licence files: those ``License-File`` names first, in their order
    (PEP 639 puts them under ``licenses/``, older tools at the top), then any other file
    under ``licenses/`` and any top-level LICENSE*/COPYING*/NOTICE*. Bounded in number and
    size, since a wheel is untrusted input."""
    seen: dict[str, None] = {}
    for name in declared:
        name = name.strip().replace("\\", "/")
        if not name or name.startswith("/") or ".." in name.split("/"):
            continue  # a License-File must stay inside the dist-info
        for candidate in (f"licenses/{name}", name):
            if (folder / candidate).is_file():
                seen.setdefault(candidate)
                break
    try:
        top = sorted(e.name for e in os.scandir(folder) if e.is_file() and _LICENCE_NAME.match(e.name))
    except OSError:
        top = []
    for name in top:
        seen.setdefault(name)
    licenses = folder / "licenses"
    if licenses.is_dir():
        for root, dirs, files in os.walk(licenses):
            dirs.sort()
            for name in sorted(files):
                seen.setdefault(Path(root, name).relative_to(folder).as_posix())
                if len(seen) >= MAX_FILES:
                    break
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
    # Only the header block: the body is the long description (a whole README), which
    # the parser would otherwise split line by line for nothing.
    end = _BLANK_LINE.search(text)
    headers = HeaderParser().parsestr(text[: end.start() + 1] if end else text)
    meta = RawMetadata(
        headers.get("License-Expression"),
        headers.get("License"),
        tuple(headers.get_all("Classifier") or ()),
        vendored=tuple(vendored),
    )
    if not needs_files(meta):
        return meta
    return replace(meta, license_files=licence_files(folder, headers.get_all("License-File") or ()))


class InstalledSource:
    name = "installed"

    def __init__(self, search_path: Sequence[str] | None = None) -> None:
        self._search_path = list(sys.path if search_path is None else search_path)
        self._libs: dict[str, Path] = {}

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
                out[(name, version)] = outcome_from_metadata(meta, "installed")
        return out
