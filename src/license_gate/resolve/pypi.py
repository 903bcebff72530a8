"""The PyPI JSON API: ``<base>/<name>/<version>/json`` for a release's licence fields and
``<base>/<name>/json`` for the list of releases.

Requests run concurrently over a bounded pool. Each has a timeout; 429 and 5xx are
retried a bounded number of times with exponential backoff that honours Retry-After. A
404 is an answer ("not found"). When the registry is plainly unreachable (several
connection failures in a row and no success), the remaining requests are not attempted,
so a dead network costs seconds, not minutes. Every failure ends as Unresolved with a
``network:`` reason; none is ever a pass and none reaches the cache.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from license_gate.model import Cause, Outcome, Unresolved
from license_gate.resolve.http import (
    Denied,
    Failed,
    Fetched,
    FetchResult,
    HttpSettings,
    JsonClient,
    NotFound,
    redact,
)
from license_gate.resolve.interface import Key, RawMetadata, ResolveError
from license_gate.resolve.metadata import outcome_from_metadata

DEFAULT_PYPI_URL = "https://pypi.org/pypi"

__all__ = [
    "DEFAULT_PYPI_URL",
    "Denied",
    "Failed",
    "Fetched",
    "HttpSettings",
    "NotFound",
    "PyPIClient",
    "PyPISource",
    "_denied",
    "pypi_url_from_env",
    "raw_from_release",
    "redact",
    "versions_from_project",
]


class PyPIError(ResolveError):
    pass


def pypi_url_from_env() -> str:
    return os.environ.get("LICENSE_GATE_PYPI_URL") or DEFAULT_PYPI_URL


def _denied(result: Denied) -> str:
    return (f"the index refused access to {result.url} (HTTP {result.status}); "
            "check the credentials in --pypi-url")


class PyPIClient(JsonClient):
    def release(self, name: str, version: str) -> FetchResult:
        return self.get_json(f"{self.base_url}/{name}/{version}/json")

    def project(self, name: str) -> FetchResult:
        return self.get_json(f"{self.base_url}/{name}/json")


def raw_from_release(data: dict[str, Any]) -> RawMetadata:
    info = data.get("info")
    if not isinstance(info, dict):
        raise PyPIError("release JSON has no 'info' object")
    return RawMetadata.from_json({
        "license_expression": info.get("license_expression"),
        "license": info.get("license"),
        "classifiers": info.get("classifiers") or [],
    })


def versions_from_project(data: dict[str, Any]) -> list[str]:
    """Release versions that still have at least one file that is not yanked."""
    releases = data.get("releases")
    out: list[str] = []
    if isinstance(releases, dict):
        for version, files in releases.items():
            if isinstance(files, list) and files and all(
                isinstance(f, dict) and f.get("yanked") for f in files
            ):
                continue
            out.append(str(version))
    info = data.get("info")
    if not out and isinstance(info, dict) and isinstance(info.get("version"), str):
        out.append(info["version"])
    return out


class PyPISource:
    name = "pypi"

    def __init__(self, client: PyPIClient) -> None:
        self.client = client
        self.fetched: dict[Key, RawMetadata] = {}

    def lookup(self, keys: Sequence[Key]) -> dict[Key, Outcome]:
        results = self.client.map(lambda key: self.client.release(*key), keys)
        out: dict[Key, Outcome] = {}
        for key, result in zip(keys, results, strict=True):
            url = redact(f"{self.client.base_url}/{key[0]}/{key[1]}/json")
            if isinstance(result, Fetched):
                try:
                    raw = raw_from_release(result.data)
                except PyPIError as exc:
                    out[key] = Unresolved(f"network: malformed PyPI response ({exc})", Cause.NETWORK)
                    continue
                self.fetched[key] = raw
                out[key] = outcome_from_metadata(raw, "pypi", url)
            elif isinstance(result, NotFound):
                out[key] = Unresolved(f"not found on PyPI ({url} answered 404)", Cause.NOT_FOUND)
            elif isinstance(result, Denied):
                out[key] = Unresolved(_denied(result), Cause.ACCESS)
            else:
                out[key] = Unresolved(f"network: {result.reason} ({url})", Cause.NETWORK)
        return out
