"""The interface shared by every source of licence truth.

A source answers for the (name, version) pairs it knows and stays silent on the rest;
a definitive "no" (404, unreadable metadata) is data (Unresolved), never an exception.
Exceptions derived from ResolveError are for the source itself failing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from license_gate.model import Outcome


class ResolveError(Exception):
    """Base for failures of a resolution source as a whole (not of one package)."""


@dataclass(frozen=True)
class RawMetadata:
    """The licence-bearing core metadata fields, exactly as a source returned them.

    The cache stores this rather than our interpretation, so that a better normaliser
    in a later release improves old cache entries too.
    """

    license_expression: str | None = None
    license: str | None = None
    classifiers: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "license_expression": self.license_expression,
            "license": self.license,
            "classifiers": list(self.classifiers),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> RawMetadata:
        def text(value: object) -> str | None:
            return value if isinstance(value, str) else None

        classifiers = data.get("classifiers")
        return cls(
            text(data.get("license_expression")),
            text(data.get("license")),
            tuple(c for c in classifiers if isinstance(c, str))
            if isinstance(classifiers, list) else (),
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
