"""A fake PyPI JSON API: a real, threaded HTTP server on 127.0.0.1.

Responses have the shape of the real API (``/pypi/<name>/<version>/json`` and
``/pypi/<name>/json``): the full ``info`` object, ``urls``, ``vulnerabilities`` and, for
projects, ``releases``. Faults are scripted per path and consumed in order, so a test
can say "429 once, then answer".
"""

from __future__ import annotations

import json
import os
import socket
import struct
import time
from collections.abc import Iterator
from typing import Any

from werkzeug import Request, Response

from tests.loopback import LoopbackServer


def info(name: str, version: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "author": "Example Author",
        "author_email": "author@example.org",
        "bugtrack_url": None,
        "classifiers": [
            "Development Status :: 5 - Production/Stable",
            "Programming Language :: Python :: 3",
        ],
        "description": f"# {name}\n\nA package.",
        "description_content_type": "text/markdown",
        "docs_url": None,
        "download_url": None,
        "downloads": {"last_day": -1, "last_month": -1, "last_week": -1},
        "dynamic": None,
        "home_page": None,
        "keywords": None,
        "license": None,
        "license_expression": None,
        "license_files": None,
        "maintainer": None,
        "maintainer_email": None,
        "name": name,
        "package_url": f"https://pypi.org/project/{name}/",
        "platform": None,
        "project_url": f"https://pypi.org/project/{name}/",
        "project_urls": {"Source": f"https://github.com/example/{name}"},
        "provides_extra": None,
        "release_url": f"https://pypi.org/project/{name}/{version}/",
        "requires_dist": None,
        "requires_python": ">=3.9",
        "summary": f"The {name} package",
        "version": version,
        "yanked": False,
        "yanked_reason": None,
    }
    base.update(fields)
    return base


def file_entry(name: str, version: str, yanked: bool = False) -> dict[str, Any]:
    filename = f"{name.replace('-', '_')}-{version}-py3-none-any.whl"
    return {
        "comment_text": "",
        "digests": {"blake2b_256": "00" * 32, "md5": "00" * 16, "sha256": "11" * 32},
        "downloads": -1,
        "filename": filename,
        "has_sig": False,
        "md5_digest": "00" * 16,
        "packagetype": "bdist_wheel",
        "python_version": "py3",
        "requires_python": ">=3.9",
        "size": 12345,
        "upload_time": "2024-05-01T10:00:00",
        "upload_time_iso_8601": "2024-05-01T10:00:00.000000Z",
        "url": f"https://files.pythonhosted.org/packages/aa/bb/{filename}",
        "yanked": yanked,
        "yanked_reason": "broken" if yanked else None,
    }


class FakePyPI(LoopbackServer):
    def __init__(self) -> None:
        super().__init__()
        self.releases: dict[tuple[str, str], dict[str, Any]] = {}
        self.yanked: set[tuple[str, str]] = set()
        self.latency = 0.0
        # Wheel files served at /packages/<filename> with HTTP range support, as
        # files.pythonhosted.org serves them (werkzeug implements RFC 9110's ranges);
        # range_support=False serves the whole file whatever the Range header says.
        self.wheels: dict[tuple[str, str], bytes] = {}
        self.range_support = True
        self.ranges: list[tuple[str, str | None, int]] = []  # path, Range, bytes sent

    @property
    def base_url(self) -> str:
        return f"{self.origin}/pypi"

    def add(self, name: str, version: str, yanked: bool = False, **fields: Any) -> None:
        self.releases[(name, version)] = fields
        if yanked:
            self.yanked.add((name, version))

    # -- serving
    def _release_json(self, name: str, version: str) -> dict[str, Any]:
        fields = self.releases[(name, version)]
        entry = file_entry(name, version)
        # files on this server, so that no test reaches files.pythonhosted.org; a file
        # without a registered wheel answers 404
        entry["url"] = f"{self.origin}/packages/{entry['filename']}"
        if (name, version) in self.wheels:
            entry["size"] = len(self.wheels[(name, version)])
        return {
            "info": info(name, version, **fields),
            "last_serial": 123456,
            "urls": [entry],
            "vulnerabilities": [],
        }

    def _wheel(self, request: Request) -> Response | None:
        filename = request.path.rsplit("/", 1)[-1]
        for (name, version), data in self.wheels.items():
            if file_entry(name, version)["filename"] == filename:
                response = Response(data, status=200, content_type="application/octet-stream")
                if self.range_support:
                    response.make_conditional(request, accept_ranges=True,
                                              complete_length=len(data))
                sent = response.calculate_content_length() or 0
                with self.lock:
                    self.ranges.append((request.path, request.headers.get("Range"), sent))
                return response
        return None

    @staticmethod
    def _key(path: str) -> tuple[str, str] | None:
        parts = [p for p in path.split("/") if p]
        return (parts[1], parts[2]) if len(parts) == 4 else None

    def respond(self, request: Request, fault: str | None) -> Response:
        """Faults: '429', '429-long', '500', 'timeout', 'badjson', 'reset' (the connection
        is dropped with a TCP RST), 'truncated' (fewer bytes than Content-Length),
        'trickle' (one byte every 0.2 s)."""
        path = request.path
        if self.latency:
            time.sleep(self.latency)
        if fault == "429":
            return Response("slow down", status=429, headers={"Retry-After": "0"})
        if fault == "429-long":
            return Response("slow down", status=429, headers={"Retry-After": "3600"})
        if fault == "500":
            return Response("oops", status=500)
        if fault == "timeout":
            time.sleep(1.5)
            return Response("{}", status=200, content_type="application/json")
        if fault == "reset":
            sock = request.environ["werkzeug.socket"]
            # SO_LINGER with a zero timeout turns close() into a TCP reset; detach() hands
            # over the descriptor even while the server's file objects still refer to it.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            os.close(sock.detach())
            return Response("", status=500)  # never reaches the client
        if fault == "truncated":
            key = self._key(path)
            body = json.dumps(self._release_json(*key)).encode() if key in self.releases else b"{}"
            # Promise the whole body, send half, then close: the client sees a short read.
            return Response(iter([body[: len(body) // 2]]), status=200,
                            content_type="application/json", direct_passthrough=True,
                            headers={"Content-Length": str(len(body)), "Connection": "close"})
        if fault == "trickle":
            def slowly() -> Iterator[bytes]:
                for char in b'{"info": {"license": "MIT"}}':
                    time.sleep(0.2)
                    yield bytes([char])
            return Response(slowly(), status=200, content_type="application/json",
                            direct_passthrough=True)
        if fault == "badjson":
            return Response('{"info": {"license": ', status=200, content_type="application/json")
        if path.startswith("/packages/"):
            wheel = self._wheel(request)
            if wheel is not None:
                return wheel
        parts = [p for p in path.split("/") if p]
        # /pypi/<name>/<version>/json or /pypi/<name>/json
        if len(parts) == 4 and parts[0] == "pypi" and parts[3] == "json":
            key = (parts[1], parts[2])
            if key in self.releases:
                return Response(json.dumps(self._release_json(*key)), status=200,
                                content_type="application/json")
        elif len(parts) == 3 and parts[0] == "pypi" and parts[2] == "json":
            versions = [v for (n, v) in self.releases if n == parts[1]]
            if versions:
                latest = max(versions, key=lambda v: tuple(int(x) for x in v.split(".") if x.isdigit()))
                body = self._release_json(parts[1], latest)
                body["releases"] = {
                    v: [file_entry(parts[1], v, yanked=(parts[1], v) in self.yanked)] for v in versions
                }
                return Response(json.dumps(body), status=200, content_type="application/json")
        return Response(json.dumps({"message": "Not Found"}), status=404,
                        content_type="application/json")
