"""A fake simple-API package index: a real, threaded HTTP server on 127.0.0.1 that plays
the responses recorded in ``tests/assets/simple/`` (see its README).

Project pages are the recorded PEP 691 JSON and PEP 503 HTML, chosen by the request's
Accept header as PyPI chooses; only their file URLs are moved from files.pythonhosted.org
to this server, so that no test leaves the machine. Metadata files are announced only
where a test asks (``announce``), in PyPI's own spelling, with the file's real digest.
Files answer ranges as files.pythonhosted.org does (werkzeug implements RFC 9110). An
index can require HTTP basic auth, speak only HTML, or announce metadata files that
then answer 404, as some proxies do.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import re
import tarfile
import time
import zipfile
from pathlib import Path
from typing import Any

from werkzeug import Request, Response

from tests.loopback import LoopbackServer

ASSETS = Path(__file__).resolve().parent / "assets" / "simple"
FILES_HOST = "https://files.pythonhosted.org/packages/"


def recorded(name: str, kind: str) -> str:
    return (ASSETS / f"{name}.{kind}").read_text("utf-8")


def wheel_bytes(name: str, version: str, metadata: str, licence: str | None,
                licence_path: str = "LICENSE") -> bytes:
    """A wheel laid out as bdist_wheel lays one out: the module, then the dist-info
    (licence, METADATA, WHEEL, RECORD), deflated. Only the metadata and licence are real
    recorded files; the module is a stub (no package code is kept in the tests)."""
    buffer = io.BytesIO()
    info = f"{name}-{version}.dist-info"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{name}.py", "# stub\n")
        if licence is not None:
            archive.writestr(f"{info}/{licence_path}", licence)
        archive.writestr(f"{info}/METADATA", metadata)
        archive.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: bdist_wheel (0.45.1)\n"
                         "Root-Is-Purelib: true\nTag: py2-none-any\nTag: py3-none-any\n")
        archive.writestr(f"{info}/RECORD", "")
    return buffer.getvalue()


def sdist_bytes(name: str, version: str, pkg_info: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path, text in ((f"{name}-{version}/setup.py", "# stub\n"),
                           (f"{name}-{version}/PKG-INFO", pkg_info)):
            data = text.encode()
            member = tarfile.TarInfo(path)
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


class FakeSimpleIndex(LoopbackServer):
    def __init__(self) -> None:
        super().__init__()
        # normalized name -> (recorded JSON page, recorded HTML page)
        self.pages: dict[str, tuple[dict[str, Any], str]] = {}
        self.files: dict[str, bytes] = {}  # filename -> bytes, served at /packages/<filename>
        self.metadata: dict[str, bytes] = {}  # filename -> its PEP 658 metadata file
        self.announce: set[str] = set()  # filenames whose metadata file the pages announce
        self.html_only = False  # an index that knows only PEP 503
        self.auth: tuple[str, str] | None = None
        self.latency = 0.0
        self.suffix_416 = False
        self.requests: list[tuple[str, str | None]] = []  # path, Range

    @property
    def simple_url(self) -> str:
        return f"{self.origin}/simple"

    def url_with(self, user: str, password: str) -> str:
        return self.simple_url.replace("http://", f"http://{user}:{password}@")

    def add_recorded(self, name: str) -> None:
        self.pages[name] = (json.loads(recorded(name, "json")), recorded(name, "html"))

    def add_project(self, name: str, files: list[tuple[str, bool]]) -> None:
        """A project not recorded, its page in the recorded pages' shape: (filename,
        yanked) per file."""
        entries = [{"filename": f, "hashes": {"sha256": "0" * 64}, "requires-python": ">=3.9",
                    "size": 1000, "upload-time": "2026-01-01T00:00:00.000000Z",
                    "url": f"{FILES_HOST}00/00/{'0' * 60}/{f}",
                    "yanked": "Yanked by the test" if yanked else False}
                   for f, yanked in files]
        versions = sorted({re.split(r"-(?=\d)", f, maxsplit=1)[1].split("-")[0].removesuffix(".tar.gz")
                           for f, _ in files})
        page = {"files": entries, "meta": {"_last-serial": "1", "api-version": "1.1"},
                "name": name, "versions": versions}
        anchors = "\n".join(
            f'<a href="{e["url"]}#sha256={e["hashes"]["sha256"]}" data-requires-python="&gt;=3.9"'
            + (f' data-yanked="{html.escape(str(e["yanked"]))}"' if e["yanked"] else "")
            + f'>{e["filename"]}</a><br/>' for e in entries)
        body = (f"<!DOCTYPE html>\n<html>\n<head><title>Links for {name}</title></head>\n<body>\n"
                f"<h1>Links for {name}</h1>\n{anchors}\n</body>\n</html>\n")
        self.pages[name] = (page, body)

    # -- serving
    def _local(self, url: str) -> str:
        return url.replace(FILES_HOST, f"{self.origin}/packages/") if url.startswith(FILES_HOST) \
            else url

    def _json_page(self, name: str) -> bytes:
        page = json.loads(json.dumps(self.pages[name][0]))
        for entry in page["files"]:
            entry["url"] = self._local(entry["url"])
            if entry["filename"] in self.announce:
                digest = {"sha256": hashlib.sha256(self.metadata.get(entry["filename"], b"")
                                                   ).hexdigest()}
                entry["core-metadata"] = digest
                entry["data-dist-info-metadata"] = digest
        return json.dumps(page).encode()

    def _html_page(self, name: str) -> bytes:
        body = self.pages[name][1].replace(FILES_HOST, f"{self.origin}/packages/")
        for filename in self.announce:
            digest = hashlib.sha256(self.metadata.get(filename, b"")).hexdigest()
            body = re.sub(rf'(<a href="[^"]*/{re.escape(filename)}#[^"]*")',
                          rf'\1 data-dist-info-metadata="sha256={digest}" '
                          rf'data-core-metadata="sha256={digest}"', body)
        return body.encode()

    def _authorised(self, request: Request) -> bool:
        if self.auth is None:
            return True
        expected = base64.b64encode(f"{self.auth[0]}:{self.auth[1]}".encode()).decode()
        return request.headers.get("Authorization") == f"Basic {expected}"

    def respond(self, request: Request, fault: str | None) -> Response:
        with self.lock:
            self.requests.append((request.path, request.headers.get("Range")))
        if self.latency:
            time.sleep(self.latency)
        if fault == "500":
            return Response("oops", status=500)
        if not self._authorised(request):
            return Response("", status=401, headers={"WWW-Authenticate": 'Basic realm="index"'})
        parts = [p for p in request.path.split("/") if p]
        if len(parts) == 2 and parts[0] == "simple":
            if parts[1] not in self.pages:
                return Response("", status=404)  # as recorded: an empty 404
            accept = request.headers.get("Accept", "")
            if "application/vnd.pypi.simple.v1+json" in accept and not self.html_only:
                return Response(self._json_page(parts[1]), status=200,
                                content_type="application/vnd.pypi.simple.v1+json")
            return Response(self._html_page(parts[1]), status=200, content_type="text/html")
        if parts and parts[0] == "packages":
            filename = parts[-1]
            if filename.endswith(".metadata"):
                data = self.metadata.get(filename.removesuffix(".metadata"))
                if data is None:
                    return Response("", status=404)
                return Response(data, status=200, content_type="application/octet-stream")
            data = self.files.get(filename)
            if data is None:
                return Response("", status=404)
            return self._ranged(data, request.headers.get("Range"))
        return Response("", status=404)

    def _ranged(self, data: bytes, header: str | None) -> Response:
        """RFC 9110 byte ranges as files.pythonhosted.org answers them (recorded): a
        suffix range longer than the file is the whole file, 206 ``bytes 0-(n-1)/n``.
        ``suffix_416`` plays servers that refuse such a range instead."""
        size = len(data)
        match = re.fullmatch(r"bytes=(\d*)-(\d*)", header or "")
        if not match or not (match.group(1) or match.group(2)):
            return Response(data, status=200, content_type="application/octet-stream",
                            headers={"Accept-Ranges": "bytes"})
        first, last = match.group(1), match.group(2)
        if not first:  # the last N bytes
            suffix = int(last)
            if suffix > size and self.suffix_416:
                return Response("", status=416, headers={"Content-Range": f"bytes */{size}"})
            start, end = max(0, size - suffix), size - 1
        else:
            start, end = int(first), min(int(last) if last else size - 1, size - 1)
        if start >= size or start > end:
            return Response("", status=416, headers={"Content-Range": f"bytes */{size}"})
        return Response(data[start:end + 1], status=206, content_type="application/octet-stream",
                        headers={"Content-Range": f"bytes {start}-{end}/{size}",
                                 "Accept-Ranges": "bytes"})

    def served(self, suffix: str) -> list[tuple[str, str | None]]:
        return [r for r in self.requests if r[0].endswith(suffix)]


class RecordingProxy(LoopbackServer):
    """Set as HTTP_PROXY and HTTPS_PROXY (with NO_PROXY=127.0.0.1 for the fakes): every
    request a run makes to any other host arrives here, is recorded, and is refused."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def respond(self, request: Request, fault: str | None) -> Response:
        with self.lock:
            # a CONNECT names its target in the request line and the Host header,
            # which werkzeug does not parse as a URL
            raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or ""
            self.seen.append(f"{request.method} {request.headers.get('Host', '')} {raw}")
        return Response("no network in tests", status=502)
