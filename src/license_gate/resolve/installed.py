"""Installed distributions on this interpreter's ``sys.path``.

We list ``*.dist-info`` / ``*.egg-info`` folder names once (cheap) and read a METADATA
file only for a package we need. Nothing is imported from the packages.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from email.parser import HeaderParser
from functools import cached_property
from pathlib import Path

from license_gate.extract._common import canonical_name
from license_gate.model import Outcome
from license_gate.resolve.interface import Key, RawMetadata, same_version
from license_gate.resolve.metadata import outcome_from_metadata

_BLANK_LINE = re.compile(r"\r?\n\r?\n")


class InstalledSource:
    name = "installed"

    def __init__(self, search_path: Sequence[str] | None = None) -> None:
        self._search_path = list(sys.path if search_path is None else search_path)

    @cached_property
    def _dists(self) -> dict[str, tuple[str, Path]]:
        """canonical name -> (version, metadata file). The first on sys.path wins, as for
        imports."""
        found: dict[str, tuple[str, Path]] = {}
        for entry in self._search_path:
            try:
                with os.scandir(entry or ".") as it:
                    names = [e.name for e in it if e.name.endswith((".dist-info", ".egg-info"))]
            except OSError:
                continue
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

    def raw(self, name: str) -> RawMetadata | None:
        dist = self._dists.get(canonical_name(name))
        if dist is None:
            return None
        try:
            text = dist[1].read_text("utf-8", errors="replace")
        except OSError:
            return None
        # Only the header block: the body is the long description (a whole README), which
        # the parser would otherwise split line by line for nothing.
        end = _BLANK_LINE.search(text)
        headers = HeaderParser().parsestr(text[: end.start() + 1] if end else text)
        return RawMetadata(
            headers.get("License-Expression"),
            headers.get("License"),
            tuple(headers.get_all("Classifier") or ()),
        )

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
