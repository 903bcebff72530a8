"""A fake PyPI JSON API for benchmarks: ``python bench/fake_registry.py N LATENCY_MS``.

Serves ``/pypi/<name>/<version>/json`` and ``/pypi/<name>/json`` for the generated
packages ``bench-pkg-0000 .. N-1`` (version 1.0.<i>), each with a licence drawn in turn
from LICENSES, after an added latency. Prints the port on the first line of stdout and
serves until killed. Standard library only, so it runs anywhere the benchmark does.
"""

from __future__ import annotations

import json
import sys
import time
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


def release(name: str, version: str, index: int) -> dict[str, object]:
    field, value = LICENSES[index % len(LICENSES)]
    info: dict[str, object] = {
        "name": name, "version": version, "summary": "benchmark package", "license": None,
        "license_expression": None, "classifiers": ["Programming Language :: Python :: 3"],
        "requires_dist": None, "requires_python": ">=3.9", "yanked": False,
    }
    if field == "classifiers":
        info["classifiers"] = [*info["classifiers"], *value]  # type: ignore[misc]
    else:
        info[field] = value
    return {"info": info, "last_serial": 1, "urls": [], "vulnerabilities": []}


def main() -> None:
    count, latency = int(sys.argv[1]), float(sys.argv[2]) / 1000
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
            body: dict[str, object] | None = None
            if len(parts) >= 3 and parts[0] == "pypi" and parts[-1] == "json":
                name = parts[1].lower()
                if name in names:
                    index = names[name]
                    _, version = package(index)
                    if len(parts) == 3 or parts[2] == version:
                        body = release(name, version, index)
                        if len(parts) == 3:
                            body["releases"] = {version: [{"yanked": False}]}
            data = json.dumps(body or {"message": "Not Found"}).encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
