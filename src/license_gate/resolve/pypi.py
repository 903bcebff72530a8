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

from collections.abc import Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import urljoin

from license_gate.model import Cause, Evidence, Outcome, Resolution, Unresolved
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
from license_gate.resolve.interface import Key, LicenceText, RawMetadata, ResolveError
from license_gate.resolve.metadata import Splitter, needs_files, outcome_from_metadata
from license_gate.resolve.ranges import read_wheel_licences

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
    "raw_from_release",
    "redact",
    "versions_from_project",
]


class PyPIError(ResolveError):
    pass


def _denied(result: Denied) -> str:
    return (f"the index refused access to {result.url} (HTTP {result.status}); check the "
            "credentials for that index (user:token@ in its URL, or a .netrc entry for its host)")


def failed(result: NotFound | Denied | Failed, index: str, where: str | None = None) -> Unresolved:
    """Why an index could not answer, naming the index actually asked."""
    if isinstance(result, NotFound):
        return Unresolved(f"not found on {index} ({where or result.url} answered 404)",
                          Cause.NOT_FOUND)
    if isinstance(result, Denied):
        return Unresolved(_denied(result), Cause.ACCESS)
    return Unresolved(f"network: {result.reason}" + (f" ({where})" if where else ""), Cause.NETWORK)


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


def wheel_url(data: dict[str, Any]) -> str | None:
    """The release file whose licence files stand for the release: a pure-Python wheel
    if there is one, else any wheel that is not yanked (an sdist's archive has no
    directory at its end to range-read)."""
    files = [f for f in data.get("urls") or [] if isinstance(f, dict)
             and f.get("packagetype") == "bdist_wheel" and not f.get("yanked")
             and isinstance(f.get("url"), str)]
    files.sort(key=lambda f: not str(f.get("filename", "")).endswith("-none-any.whl"))
    return files[0]["url"] if files else None


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
    """PyPI's JSON API (or a mirror of it): one request a release gives its licence
    fields and its files; the resolver's fast path where the index offers it."""

    name = "pypi"
    namespace = "pypi"

    def __init__(self, client: PyPIClient, split: Splitter | None = None) -> None:
        self.client = client
        self.split = split
        self.fetched: dict[Key, RawMetadata] = {}
        self.label = "PyPI" if client.base_url == DEFAULT_PYPI_URL else redact(client.base_url)

    def versions(self, names: Sequence[str]) -> dict[str, list[str] | Unresolved]:
        out: dict[str, list[str] | Unresolved] = {}
        for name, result in zip(names, self.client.map(self.client.project, names), strict=True):
            out[name] = versions_from_project(result.data) if isinstance(result, Fetched) \
                else failed(result, self.label)
        return out

    def _read_wheels(self, wheels: dict[Key, str]
                     ) -> dict[Key, tuple[tuple[LicenceText, ...], str | None, bool]]:
        if not wheels:
            return {}
        from concurrent.futures import ThreadPoolExecutor

        keys = list(wheels)
        with ThreadPoolExecutor(max_workers=max(1, min(self.client.settings.jobs, len(keys)))) as pool:
            done = list(pool.map(lambda key: read_wheel_licences(self.client, wheels[key]), keys))
        return dict(zip(keys, done, strict=True))

    def lookup(self, keys: Sequence[Key]) -> dict[Key, Outcome]:
        results = self.client.map(lambda key: self.client.release(*key), keys)
        raws: dict[Key, RawMetadata] = {}
        malformed: dict[Key, str] = {}
        wheels: dict[Key, str] = {}
        for key, result in zip(keys, results, strict=True):
            if isinstance(result, Fetched):
                try:
                    raws[key] = raw_from_release(result.data)
                except PyPIError as exc:
                    malformed[key] = str(exc)
                    continue
                wheel = wheel_url(result.data)
                if wheel and needs_files(raws[key]):
                    # a relative file URL (allowed by PEP 503, served by some mirrors) is
                    # relative to the page that gave it
                    wheel = urljoin(f"{self.client.base_url}/{key[0]}/{key[1]}/json", wheel)
                    # the metadata leaves the variant or the choice vague: the wheel's
                    # licence files may say, and they are cached with the metadata
                    wheels[key] = wheel
        read = self._read_wheels(wheels)
        out: dict[Key, Outcome] = {}
        for key, result in zip(keys, results, strict=True):
            url = redact(f"{self.client.base_url}/{key[0]}/{key[1]}/json")
            if isinstance(result, Fetched):
                if key in malformed:
                    out[key] = Unresolved(f"network: malformed PyPI response ({malformed[key]})",
                                          Cause.NETWORK)
                    continue
                files, unread, transient = read.get(key, ((), None, False))
                raw = replace(raws[key], license_files=files)
                if not transient:
                    self.fetched[key] = raw  # a registry failure is retried another run
                outcome = outcome_from_metadata(raw, "pypi", url, self.split)
                if unread is not None and isinstance(outcome, Resolution):
                    outcome = replace(outcome, evidence=(*outcome.evidence, Evidence(
                        "pypi", "licence file", redact(wheels[key]),
                        f"not read: {unread}; the metadata alone decides")))
                out[key] = outcome
            else:
                out[key] = failed(result, self.label, url)
        return out
