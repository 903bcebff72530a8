"""The interface shared by every source of licence truth.

A source answers for the (name, version) pairs it knows and stays silent on the rest;
a definitive "no" (404, unreadable metadata) is data (Unresolved), never an exception.
Exceptions derived from ResolveError are for the source itself failing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from license_gate.model import Outcome, Unresolved


class ResolveError(Exception):
    """Base for failures of a resolution source as a whole (not of one package)."""


# A licence file is read up to this many bytes: a wheel is untrusted input.
MAX_LICENCE_BYTES = 512 * 1024


@dataclass(frozen=True)
class LicenceText:
    """One licence file shipped with a distribution: its path inside the dist-info
    (``licenses/LICENSE.txt``, ``COPYING``) and its text, cut at a bound.

    An installed file may be left unread (``text`` None) with the place to read it and an
    ``identity`` that changes whenever its content may have (its path, size and mtime):
    a warm run then finds the file's reading in the cache without opening it."""

    path: str
    text: str | None
    file: str | None = None
    identity: str | None = None

    def read(self) -> str:
        """The text; a file that cannot be read now reads as empty (no licence found)."""
        if self.text is not None:
            return self.text
        if self.file is None:
            return ""
        try:
            with open(self.file, "rb") as handle:
                return handle.read(MAX_LICENCE_BYTES).decode("utf-8", errors="replace")
        except OSError:
            return ""

    @property
    def top_level(self) -> bool:
        """A file for the package as a whole, not for one vendored source folder
        (``licenses/numpy/linalg/lapack_lite/LICENSE.txt``)."""
        return "/" not in self.path.removeprefix("licenses/")


@dataclass(frozen=True)
class RawMetadata:
    """The licence-bearing core metadata fields, exactly as a source returned them.

    The cache stores this rather than our interpretation, so that a better normaliser
    in a later release improves old cache entries too.
    """

    license_expression: str | None = None
    license: str | None = None
    classifiers: tuple[str, ...] = ()
    # Read only where they can change the answer (``metadata.needs_files``): the files
    # decide a variant the fields leave vague and list what a wheel bundles.
    license_files: tuple[LicenceText, ...] = ()
    # Shared libraries vendored into the wheel by auditwheel or delocate (``numpy.libs/
    # libgfortran-....so``), whose licences the licence files may state.
    vendored: tuple[str, ...] = ()
    # An installed METADATA file's path, size and mtime: the cache key of a licence text
    # pasted into its ``License`` field, so that a warm run need not hash it. Not stored.
    identity: str | None = None

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "license_expression": self.license_expression,
            "license": self.license,
            "classifiers": list(self.classifiers),
        }
        if self.license_files:
            data["license_files"] = [{"path": f.path, "text": f.read()} for f in self.license_files]
        if self.vendored:
            data["vendored"] = list(self.vendored)
        return data

    @classmethod
    def from_json(cls, data: dict[str, object]) -> RawMetadata:
        def text(value: object) -> str | None:
            return value if isinstance(value, str) else None

        def strings(value: object) -> tuple[str, ...]:
            return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()

        files = data.get("license_files")
        return cls(
            text(data.get("license_expression")),
            text(data.get("license")),
            strings(data.get("classifiers")),
            tuple(LicenceText(f["path"], f["text"]) for f in files
                  if isinstance(f, dict) and isinstance(f.get("path"), str)
                  and isinstance(f.get("text"), str)) if isinstance(files, list) else (),
            strings(data.get("vendored")),
        )


Key = tuple[str, str]  # (canonical name, version)


def same_version(a: str, b: str) -> bool:
    """PEP 440 equality (``1.0`` == ``1.0.0``), falling back to text for legacy versions."""
    if a == b:
        return True
    from packaging.version import InvalidVersion, Version

    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return False


class Source(Protocol):
    name: str

    def lookup(self, keys: Sequence[Key]) -> dict[Key, Outcome]: ...


class Index(Protocol):
    """One package index as the Python resolver asks it: PyPI's JSON API and the simple
    API are two of these. ``fetched`` holds the raw metadata read this run (never a
    failure), which the resolver caches under ``namespace``."""

    label: str  # the index as messages name it, without credentials
    namespace: str  # the cache's key for this index's answers
    fetched: dict[Key, RawMetadata]

    def lookup(self, keys: Sequence[Key]) -> dict[Key, Outcome]: ...

    def versions(self, names: Sequence[str]) -> dict[str, list[str] | Unresolved]:
        """Each project's release versions, or an Unresolved saying why not."""
        ...

