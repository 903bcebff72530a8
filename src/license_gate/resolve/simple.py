"""The simple repository API, which every Python package index serves: PyPI, devpi,
Artifactory, Nexus, GitLab, AWS CodeArtifact, a folder behind nginx.

``<index>/<normalized-name>/`` lists a project's files, as PEP 691 JSON or PEP 503 HTML
(asked for in that order of preference). A release's core metadata is then read, in
order of cost:

1. its PEP 658 / 714 metadata file (``<file URL>.metadata``), where the index announces
   one; some proxies announce it and answer 404, which falls through;
2. the wheel's ``METADATA``, read with range requests on the zip directory
   (``wheelzip``): GitLab, CodeArtifact and devpi serve no metadata files, so this is
   the common case, not an edge;
3. the sdist's ``PKG-INFO``, downloaded under a bound (``sdist``).

Yanked files (PEP 592) are skipped unless nothing else is left of that release, as pip
installs a yanked release only when pinned to it. Parsing pages is pure functions; the
source below does the requests, all bounded and retried by the shared client.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit

from license_gate.model import Cause, Evidence, Outcome, Resolution, Unresolved
from license_gate.resolve.http import (
    Blob,
    Denied,
    Failed,
    JsonClient,
    NotFound,
    Page,
    redact,
)
from license_gate.resolve.interface import Key, RawMetadata, same_version
from license_gate.resolve.metadata import Splitter, needs_files, outcome_from_metadata
from license_gate.resolve.pypi import failed

if TYPE_CHECKING:  # the zip functions load only when a wheel is read
    from license_gate.resolve.wheelzip import Directory

# PEP 691: JSON preferred, HTML accepted (an index that knows neither header sends HTML).
ACCEPT = ("application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, "
          "text/html;q=0.01")
JSON_TYPE = "application/vnd.pypi.simple.v1+json"


class PageError(Exception):
    """A project page that is neither PEP 691 JSON nor PEP 503 HTML."""


@dataclass(frozen=True)
class IndexFile:
    """One file a project page lists."""

    filename: str
    url: str  # absolute, without the #hash fragment
    version: str | None  # from the file name; None for a name we cannot read
    wheel: bool
    yanked: bool
    metadata: bool  # the index announces a PEP 658 metadata file for it

    @property
    def metadata_url(self) -> str:
        return f"{self.url}.metadata"


def normalized(name: str) -> str:
    """PEP 503's normalized name, the path segment of a project page."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _version_of(filename: str) -> tuple[str | None, bool]:
    from packaging.utils import (
        InvalidSdistFilename,
        InvalidWheelFilename,
        parse_sdist_filename,
        parse_wheel_filename,
    )

    if filename.endswith(".whl"):
        try:
            return str(parse_wheel_filename(filename)[1]), True
        except (InvalidWheelFilename, ValueError):
            return None, True
    try:
        return str(parse_sdist_filename(filename)[1]), False
    except (InvalidSdistFilename, ValueError):
        return None, False


def _file(filename: str, url: str, page_url: str, yanked: bool, metadata: bool) -> IndexFile:
    absolute = urljoin(page_url, url).split("#", 1)[0]
    version, wheel = _version_of(filename)
    return IndexFile(filename, absolute, version, wheel, yanked, metadata)


def parse_json_page(data: dict[str, Any], page_url: str) -> list[IndexFile]:
    """A PEP 691 project page. ``core-metadata`` (PEP 714) or its older spelling
    ``dist-info-metadata`` (PEP 658) is ``true`` or a dict of hashes when announced."""
    files = data.get("files")
    if not isinstance(files, list):
        raise PageError("the JSON page has no 'files' list")
    out = []
    for entry in files:
        if not isinstance(entry, dict):
            continue
        filename, url = entry.get("filename"), entry.get("url")
        if not isinstance(filename, str) or not isinstance(url, str):
            continue
        announced = entry.get("core-metadata", entry.get("dist-info-metadata", False))
        out.append(_file(filename, url, page_url, bool(entry.get("yanked")),
                         announced is True or isinstance(announced, dict)))
    return out


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.anchors: list[tuple[dict[str, str | None], list[str]]] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "base" and self.base is None:
            self.base = dict(attrs).get("href")
        elif tag == "a":
            self._open = []
            self.anchors.append((dict(attrs), self._open))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.append(data)


def parse_html_page(text: str, page_url: str) -> list[IndexFile]:
    """A PEP 503 project page: one anchor per file, its text the file name; PEP 592's
    ``data-yanked`` (any value) marks a yanked file, PEP 658/714's ``data-core-metadata``
    (or ``data-dist-info-metadata``) a metadata file, unless its value is "false"."""
    parser = _Anchors()
    parser.feed(text)
    parser.close()
    base = urljoin(page_url, parser.base) if parser.base else page_url
    out = []
    for attrs, parts in parser.anchors:
        href = attrs.get("href")
        if not href:
            continue
        filename = "".join(parts).strip() or unquote(urlsplit(href).path.rsplit("/", 1)[-1])
        announced = attrs.get("data-core-metadata", attrs.get("data-dist-info-metadata"))
        has_metadata = ("data-core-metadata" in attrs or "data-dist-info-metadata" in attrs) \
            and (announced or "").strip().lower() != "false"
        out.append(_file(filename, href, base, "data-yanked" in attrs, has_metadata))
    return out


def parse_page(page: Page) -> list[IndexFile]:
    media = page.content_type.split(";", 1)[0].strip().lower()
    if media == JSON_TYPE:
        import json

        try:
            data = json.loads(page.body)
        except (ValueError, RecursionError) as exc:
            raise PageError(f"invalid JSON ({exc})") from exc
        if not isinstance(data, dict):
            raise PageError("the JSON page is not an object")
        return parse_json_page(data, page.url)
    if media in ("text/html", "application/vnd.pypi.simple.v1+html", ""):
        return parse_html_page(page.body.decode("utf-8", "replace"), page.url)
    raise PageError(f"unexpected media type {media!r}")


def live_versions(files: Sequence[IndexFile]) -> list[str]:
    """Release versions that still have a file that is not yanked."""
    return list(dict.fromkeys(f.version for f in files if f.version and not f.yanked))


def release_files(files: Sequence[IndexFile], version: str) -> list[IndexFile]:
    """The files of one release, best source of metadata first: announced metadata
    files, then pure wheels, other wheels, sdists. Yanked ones only when nothing else."""
    own = [f for f in files if f.version is not None and same_version(f.version, version)]
    live = [f for f in own if not f.yanked] or own
    return sorted(live, key=lambda f: (not f.metadata, not f.wheel,
                                       not f.filename.endswith("-none-any.whl")))


class SimpleClient(JsonClient):
    """One simple-API index. ``base_url`` may carry credentials (``user:token@``);
    requests sends them, and every printed URL goes through ``redact``."""

    def page(self, name: str) -> Page | NotFound | Denied | Failed:
        return self.get_page(f"{self.base_url}/{normalized(name)}/", ACCEPT)

    def _credentialed(self, url: str) -> str:
        """The index URL's credentials on a file URL of the same host, as pip sends them
        (GitLab and Artifactory serve files behind the same login); another host gets
        none, and requests' own .netrc lookup applies where the URL has none."""
        index = urlsplit(self.base_url)
        target = urlsplit(url)
        if index.username is None or target.username is not None or \
                (target.scheme, target.hostname, target.port) != (index.scheme, index.hostname,
                                                                 index.port):
            return url
        userinfo = index.netloc.rsplit("@", 1)[0]
        return target._replace(netloc=f"{userinfo}@{target.netloc}").geturl()

    def get_page(self, url: str, accept: str) -> Page | NotFound | Denied | Failed:
        return super().get_page(self._credentialed(url), accept)

    def get_range(self, url: str, byte_range: str, limit: int) -> Blob | NotFound | Denied | Failed:
        return super().get_range(self._credentialed(url), byte_range, limit)

    @property
    def label(self) -> str:
        """The index as messages name it: its address without credentials."""
        return redact(self.base_url)


@dataclass(frozen=True)
class _Metadata:
    text: str | None
    where: str  # the file the metadata was read from (redacted)
    reason: str | None = None  # why it could not be read
    transient: bool = False  # a failure of the index, to retry another run
    # the wheel read for it, and its directory: its licence files need no second look
    wheel: IndexFile | None = None
    listed: Directory | None = None


class SimpleSource:
    """Releases' licence facts from one simple-API index."""

    def __init__(self, client: SimpleClient, split: Splitter | None = None) -> None:
        self.client = client
        self.split = split
        self.fetched: dict[Key, RawMetadata] = {}
        self._pages: dict[str, list[IndexFile] | NotFound | Denied | Failed | str] = {}
        self._lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self.label = client.label
        # answers are cached per index: the same name on two indexes is two packages
        self.namespace = f"pypi@{client.label}"

    def versions(self, names: Sequence[str]) -> dict[str, list[str] | Unresolved]:
        out: dict[str, list[str] | Unresolved] = {}
        for name, page in self.pages(names).items():
            out[name] = live_versions(page) if isinstance(page, list) else self.failure(name, page)
        return out

    @property
    def source(self) -> str:
        return f"index {self.client.label}"

    def pages(self, names: Sequence[str]) -> dict[str, list[IndexFile] | NotFound | Denied
                                                   | Failed | str]:
        """Each project's files, or why not (a string: a page we could not parse)."""
        unique = list(dict.fromkeys(names))
        return dict(zip(unique, self.client.map(self.page, unique), strict=True))

    def page(self, name: str) -> list[IndexFile] | NotFound | Denied | Failed | str:
        """One project's files, fetched once a run whichever thread asks first."""
        with self._lock:
            lock = self._locks.setdefault(name, threading.Lock())
        with lock:
            if name not in self._pages:
                result = self.client.page(name)
                if isinstance(result, Page):
                    try:
                        self._pages[name] = parse_page(result)
                    except PageError as exc:
                        self._pages[name] = f"unreadable project page ({exc})"
                else:
                    self._pages[name] = result
            return self._pages[name]

    def failure(self, name: str, result: NotFound | Denied | Failed | str) -> Unresolved:
        where = f"{self.client.label}/{normalized(name)}/"
        return failed(Failed(result) if isinstance(result, str) else result,
                      f"the index {self.client.label}", where)

    def lookup(self, keys: Sequence[Key]) -> dict[Key, Outcome]:
        # each task reads its project's page and then its metadata, so that no wave of
        # requests waits for the slowest page of another project
        return dict(zip(keys, self.client.map(lambda key: self._one(key, self.page(key[0])), keys),
                        strict=True))

    def _one(self, key: Key, page: list[IndexFile] | NotFound | Denied | Failed | str) -> Outcome:
        name, version = key
        if not isinstance(page, list):
            return self.failure(name, page)
        files = release_files(page, version)
        if not files:
            return Unresolved(f"the index {self.client.label} lists no file of {name} {version}",
                              Cause.NOT_FOUND)
        found = self._metadata(files)
        if found.text is None:
            return Unresolved(f"network: the metadata of {name} {version} could not be read "
                              f"({found.reason}; {found.where})", Cause.NETWORK)
        raw = raw_from_text(found.text)
        unread: str | None = None
        transient = found.transient
        wheel = found.wheel or next((f for f in files if f.wheel), None)
        if needs_files(raw) and wheel is not None:
            from license_gate.resolve.ranges import read_wheel_licences

            licence_files, unread, transient = read_wheel_licences(self.client, wheel.url,
                                                                   found.listed)
            raw = replace(raw, license_files=licence_files)
        if not transient:
            self.fetched[key] = raw  # a failure of the index is retried another run
        outcome = outcome_from_metadata(raw, self.source, found.where, self.split)
        if unread is not None and wheel is not None and isinstance(outcome, Resolution):
            outcome = replace(outcome, evidence=(*outcome.evidence, Evidence(
                self.source, "licence file", redact(wheel.url),
                f"not read: {unread}; the metadata alone decides")))
        return outcome

    def _metadata(self, files: Sequence[IndexFile]) -> _Metadata:
        """The release's core metadata text, by the cheapest way its files offer."""
        reasons: list[str] = []
        transient = False
        for file in files:
            if file.metadata:
                got = self.client.get_page(file.metadata_url, "*/*")
                if isinstance(got, Page):
                    return _Metadata(got.body.decode("utf-8", "replace"), redact(file.metadata_url))
                # announced but missing (some proxies): fall through to the file itself
                reasons.append(f"{redact(file.metadata_url)}: {_why(got)}")
                transient |= isinstance(got, Failed)
            found = self._from_wheel(file) if file.wheel else self._from_sdist(file)
            if found.text is not None:
                return found
            reasons.append(f"{found.where}: {found.reason}")
            transient |= found.transient
            if file.wheel or not found.transient:
                break  # one wheel's directory answers for the release; sdists are costly
        return _Metadata(None, redact(files[0].url), "; ".join(reasons) or "no file", transient)

    def _from_wheel(self, file: IndexFile) -> _Metadata:
        from license_gate.resolve.ranges import TransientError, ranged
        from license_gate.resolve.wheelzip import (
            ZipRangeError,
            directory,
            metadata_member,
            read_member,
        )

        get = ranged(self.client, file.url)
        try:
            listed = directory(get)
            member = metadata_member(listed.members)
            if member is None:
                return _Metadata(None, redact(file.url), "the wheel has no dist-info METADATA")
            return _Metadata(read_member(get, member, listed), redact(file.url), wheel=file,
                             listed=listed)
        except ZipRangeError as exc:
            return _Metadata(None, redact(file.url), str(exc))
        except TransientError as exc:
            return _Metadata(None, redact(file.url), str(exc), transient=True)

    def _from_sdist(self, file: IndexFile) -> _Metadata:
        from license_gate.resolve.sdist import MAX_SDIST, SdistError, pkg_info

        got = self.client.get_range(file.url, f"bytes=0-{MAX_SDIST - 1}", MAX_SDIST)
        if not isinstance(got, Blob):
            return _Metadata(None, redact(file.url), _why(got), isinstance(got, Failed))
        try:
            return _Metadata(pkg_info(got.data, file.filename), redact(file.url))
        except SdistError as exc:
            return _Metadata(None, redact(file.url), str(exc))


def _why(result: NotFound | Denied | Failed | Page | Blob) -> str:
    if isinstance(result, NotFound):
        return "404"
    if isinstance(result, Denied):
        return f"HTTP {result.status}"
    if isinstance(result, Failed):
        return result.reason
    return "unexpected answer"


def raw_from_text(text: str) -> RawMetadata:
    """Core metadata (a ``METADATA``, ``PKG-INFO`` or PEP 658 file) -> its licence fields."""
    from license_gate.resolve.installed import header_block, licence_headers

    headers = licence_headers(header_block(text))

    def first(name: str) -> str | None:
        values = headers.get(name)
        return values[0] if values else None

    return RawMetadata(first("license-expression"), first("license"),
                       tuple(headers.get("classifier", ())))


