"""The shared part of the fake registries: a real, threaded HTTP server on 127.0.0.1 that
counts hits per path and plays scripted faults in order."""

from __future__ import annotations

import re
import threading
from collections import Counter
from typing import TypeVar

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

_Server = TypeVar("_Server", bound="LoopbackServer")


class LoopbackServer:
    def __init__(self) -> None:
        self.server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
        self.faults: dict[str, list[str]] = {}
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()

    def start(self) -> None:
        self.server.expect_request(re.compile(".*")).respond_with_handler(self._handle)
        self.server.start()

    def stop(self) -> None:
        self.server.clear()
        if self.server.is_running():
            self.server.stop()

    def __enter__(self: _Server) -> _Server:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    def fault(self, path: str, *kinds: str) -> None:
        """Script faults for a path, played one per request before normal answers resume."""
        self.faults.setdefault(path, []).extend(kinds)

    def _handle(self, request: Request) -> Response:
        with self.lock:
            self.hits[request.path] += 1
            scripted = self.faults.get(request.path)
            fault = scripted.pop(0) if scripted else None
        self.observe(request)
        return self.respond(request, fault)

    def observe(self, request: Request) -> None:
        """Hook for subclasses that record request details."""

    def respond(self, request: Request, fault: str | None) -> Response:
        raise NotImplementedError
