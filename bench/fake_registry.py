"""A fake PyPI for benchmarks: ``python bench/fake_registry.py N LATENCY_MS``.

Serves, for the generated packages ``bench-pkg-0000 .. N-1`` (version 1.0.<i>), each
with a licence drawn in turn from LICENSES, after an added latency per request:

- the JSON API: ``/pypi/<name>/<version>/json`` and ``/pypi/<name>/json``;
- the simple index as PEP 691 JSON, ``/simple/<name>/``, whose one wheel per package
  offers its core metadata as a PEP 658 file, ``/files/<wheel>.metadata``. That is all a
  resolver such as ``uv pip compile`` needs, so tools that resolve before they look up
  licences can do so against this server too.

With a third argument ``nometa``, the pages announce no metadata files and every wheel
answers ranges. With ``vague``, every fourth package states only the "BSD License"
classifier, and its release lists a wheel (a real zip whose licence file is a
BSD-3-Clause text) served with HTTP range support at ``/files/<wheel>``: the case where
license-gate reads the wheel's licence file with range requests.

Prints the port on the first line of stdout and serves until killed. Standard library
only, so it runs anywhere the benchmark does.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
import time
import zipfile
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# (field, value) pairs in the shapes real packages use
LICENSES = [
    ("license_expression", "MIT"),
    ("license", "Apache License, Version 2.0"),
    ("license_expression", "BSD-3-Clause"),
    ("classifiers", ["License :: OSI Approved :: MIT License"]),
    ("license", "MPL 2.0"),
    ("license_expression", "Apache-2.0 OR MIT"),
    ("license", "ISC"),
    ("license_expression", "Apache-2.0"),
]


def package(index: int) -> tuple[str, str]:
    return f"bench-pkg-{index:04d}", f"1.0.{index}"


def wheel(index: int) -> str:
    name, version = package(index)
    return f"{name.replace('-', '_')}-{version}-py3-none-any.whl"


def core_metadata(index: int) -> str:
    """The METADATA of package ``index``, in the style its licence field implies:
    Metadata-Version 2.4 with License-Expression, else 2.1 with License or classifiers."""
    name, version = package(index)
    field, value = LICENSES[index % len(LICENSES)]
    headers = [f"Name: {name}", f"Version: {version}", "Summary: benchmark package",
               "Requires-Python: >=3.9", "Classifier: Programming Language :: Python :: 3"]
    if field == "license_expression":
        headers = ["Metadata-Version: 2.4", *headers, f"License-Expression: {value}"]
    elif field == "license":
        headers = ["Metadata-Version: 2.1", *headers, f"License: {value}"]
    else:
        headers = ["Metadata-Version: 2.1", *headers, *(f"Classifier: {c}" for c in value)]
    return "\n".join(headers) + "\n\n"


def simple_page(index: int, metadata_files: bool = True) -> dict[str, object]:
    """The project page; ``metadata_files=False`` announces no PEP 658 file, as GitLab,
    AWS CodeArtifact and devpi serve their pages."""
    name, version = package(index)
    digest = hashlib.sha256(core_metadata(index).encode()).hexdigest()
    filename = wheel(index)
    entry: dict[str, object] = {
        "filename": filename, "url": f"/files/{filename}",
        "hashes": {"sha256": hashlib.sha256(filename.encode()).hexdigest()},
        "requires-python": ">=3.9"}
    if metadata_files:
        entry["core-metadata"] = {"sha256": digest}
        entry["data-dist-info-metadata"] = {"sha256": digest}
    return {"meta": {"api-version": "1.1"}, "name": name, "versions": [version], "files": [entry]}


VAGUE = ("classifiers", ["License :: OSI Approved :: BSD License"])
BSD3 = """Copyright (c) 2024, The Authors

Redistribution and use in source and binary forms, with or without modification, are
permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this list of
   conditions and the following disclaimer.
2. Redistributions in binary form must reproduce the above copyright notice, this list of
   conditions and the following disclaimer in the documentation and/or other materials
   provided with the distribution.
3. Neither the name of the copyright holder nor the names of its contributors may be used
   to endorse or promote products derived from this software without specific prior
   written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY
EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF
MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE
COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL,
EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF
SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION)
HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR
TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS
SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
"""


def licence_of(index: int, vague: bool) -> tuple[str, object]:
    return VAGUE if vague and index % 4 == 0 else LICENSES[index % len(LICENSES)]


@cache
def wheel_bytes(index: int) -> bytes:
    """A wheel of about 300 KB, the licence file at the end as setuptools writes it."""
    name, version = package(index)
    info = f"{name.replace('-', '_')}-{version}.dist-info"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{name.replace('-', '_')}/_data.bin",
                   hashlib.sha256(name.encode()).digest() * 9000, compress_type=zipfile.ZIP_STORED)
        z.writestr(f"{info}/METADATA", core_metadata(index))
        z.writestr(f"{info}/licenses/LICENSE", BSD3)
        z.writestr(f"{info}/RECORD", "")
    return out.getvalue()


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """RFC 9110 single ranges: ``bytes=-N`` and ``bytes=A-B`` / ``bytes=A-``."""
    match = re.fullmatch(r"bytes=(\d*)-(\d*)", header or "")
    if not match or not (match.group(1) or match.group(2)):
        return None
    if not match.group(1):
        return max(0, size - int(match.group(2))), size - 1
    first = int(match.group(1))
    last = min(size - 1, int(match.group(2))) if match.group(2) else size - 1
    return (first, last) if first <= last else None


def release(name: str, version: str, index: int, vague: bool = False) -> dict[str, object]:
    field, value = licence_of(index, vague)
    info: dict[str, object] = {
        "name": name, "version": version, "summary": "benchmark package", "license": None,
        "license_expression": None, "classifiers": ["Programming Language :: Python :: 3"],
        "requires_dist": None, "requires_python": ">=3.9", "yanked": False,
    }
    if field == "classifiers":
        info["classifiers"] = [*info["classifiers"], *value]  # type: ignore[misc]
    else:
        info[field] = value
    urls: list[dict[str, object]] = []
    if (field, value) == VAGUE:
        urls = [{"filename": wheel(index), "packagetype": "bdist_wheel", "yanked": False,
                 "url": f"/files/{wheel(index)}", "size": len(wheel_bytes(index))}]
    return {"info": info, "last_serial": 1, "urls": urls, "vulnerabilities": []}


def main() -> None:
    count, latency = int(sys.argv[1]), float(sys.argv[2]) / 1000
    vague = sys.argv[3:4] == ["vague"]
    # "nometa": pages announce no metadata files and every wheel answers ranges, so a
    # client reads each release's METADATA from its wheel
    nometa = sys.argv[3:4] == ["nometa"]
    names = {package(i)[0]: i for i in range(count)}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; without this, Nagle and delayed ACKs add
        # ~40 ms per request that no real registry would.
        disable_nagle_algorithm = True

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            time.sleep(latency)
            parts = [p for p in self.path.split("?")[0].split("/") if p]
            body: dict[str, object] | str | None = None
            kind = "application/json"
            if len(parts) >= 3 and parts[0] == "pypi" and parts[-1] == "json":
                name = parts[1].lower()
                if name in names:
                    index = names[name]
                    _, version = package(index)
                    if len(parts) == 3 or parts[2] == version:
                        body = release(name, version, index, vague)
                        if len(parts) == 3:
                            body["releases"] = {version: [{"yanked": False}]}
            elif len(parts) == 2 and parts[0] == "simple" and parts[1].lower() in names:
                body = simple_page(names[parts[1].lower()], metadata_files=not nometa)
                kind = "application/vnd.pypi.simple.v1+json"
            elif len(parts) == 2 and parts[0] == "files" and parts[1].endswith(".whl.metadata"):
                stem = parts[1].split("-")[0].replace("_", "-").lower()
                if stem in names:
                    body = core_metadata(names[stem])
                    kind = "text/plain"
            elif len(parts) == 2 and parts[0] == "files" and parts[1].endswith(".whl"):
                stem = parts[1].split("-")[0].replace("_", "-").lower()
                if stem in names and (nometa or (vague and licence_of(names[stem], vague) == VAGUE)):
                    whole = wheel_bytes(names[stem])
                    span = byte_range(self.headers.get("Range"), len(whole))
                    status = 206 if span else 200
                    data = whole[span[0]:span[1] + 1] if span else whole
                    self.send_response(status)
                    self.send_header("Content-Type", "application/octet-stream")
                    self.send_header("Accept-Ranges", "bytes")
                    if span:
                        self.send_header("Content-Range", f"bytes {span[0]}-{span[1]}/{len(whole)}")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
            if isinstance(body, str):
                data = body.encode()
            else:
                data = json.dumps(body or {"message": "Not Found"}).encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
