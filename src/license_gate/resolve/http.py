"""A JSON-over-HTTP client shared by the registry sources (PyPI, the Hugging Face Hub).

Requests run concurrently over a bounded pool. Each has a timeout and a deadline for its
whole body (a server trickling bytes cannot hold a worker); 429 and 5xx are retried a
bounded number of times with exponential backoff that honours Retry-After. A 404 is an
answer, and so are 401/403 (access denied). When a registry is plainly unreachable
(several connection failures in a row and no success) the remaining requests fail at
once, so a dead network costs seconds, not minutes. Credentials never reach a message.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from license_gate import __version__

if TYPE_CHECKING:
    from license_gate.progress import ProgressSink

_A = TypeVar("_A")
_R = TypeVar("_R")
MAX_RETRY_AFTER = 30.0
MAX_BODY_BYTES = 64 * 1024 * 1024


def redact(url: str) -> str:
    """A URL fit to print: credentials for a private index (``https://user:token@host``)
    never reach a report or a log."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, f"***@{host}", parts.path, parts.query, parts.fragment))



@dataclass(frozen=True)
class HttpSettings:
    timeout: float = 10.0
    retries: int = 3
    backoff: float = 0.5
    jobs: int = 16
    # shared state, not a setting: the run's per-host circuit breakers
    breakers: Breakers = field(default_factory=lambda: Breakers(), compare=False, repr=False)
    # told of each batch of registry lookups and of each one done, for the progress line
    progress: ProgressSink | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Fetched:
    data: dict[str, Any]


@dataclass(frozen=True)
class NotFound:
    url: str


@dataclass(frozen=True)
class Denied:
    """401/403: the registry knows better than to show us this (private or gated)."""

    url: str
    status: int
    code: str | None  # X-Error-Code, e.g. GatedRepo
    message: str | None = None  # X-Error-Message, e.g. "Invalid credentials in Authorization header"


@dataclass(frozen=True)
class Failed:
    reason: str


@dataclass(frozen=True)
class Blob:
    """Bytes of a file: ``partial`` when the server answered the range (206)."""

    data: bytes
    partial: bool
    content_range: str | None = None


@dataclass(frozen=True)
class Page:
    """A document as served: its bytes, its media type, and the URL it came from after
    redirects (the base of the relative links a simple-API page holds)."""

    body: bytes
    content_type: str
    url: str


FetchResult = Fetched | NotFound | Denied | Failed


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class _Breaker:
    """Stops hammering a host that is not there. A refused connection, an unknown host,
    no route or a timeout says so plainly once two different URLs of the host meet it
    with no success in between (one slow URL is that URL's trouble, not the host's).
    Other connection-level failures (a reset, a broken TLS handshake) may be passing, and
    take ``limit``. An open circuit fails every further request at once."""

    def __init__(self, limit: int = 6, decisive_limit: int = 2) -> None:
        self.limit = limit
        self.decisive_limit = decisive_limit
        self.failures = 0
        self.decisive: set[str] = set()
        self.last = ""
        self.lock = threading.Lock()

    def open(self) -> bool:
        with self.lock:
            return self.failures >= self.limit or len(self.decisive) >= self.decisive_limit

    def fail(self, reason: str, decisive_url: str | None = None) -> None:
        with self.lock:
            self.failures += 1
            if decisive_url is not None:
                self.decisive.add(decisive_url)
            self.last = reason

    def succeed(self) -> None:
        with self.lock:
            self.failures = 0
            self.decisive.clear()


class Breakers:
    """The circuit breakers of one run, one per host, shared by every client built with
    the same HttpSettings: the Hub client and the index clients of a run see the same
    dead host as dead."""

    def __init__(self) -> None:
        self._by_host: dict[str, _Breaker] = {}
        self._lock = threading.Lock()

    def for_url(self, url: str) -> _Breaker:
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.hostname}:{parts.port or ''}"
        with self._lock:
            return self._by_host.setdefault(key, _Breaker())


class JsonClient:
    def __init__(
        self,
        base_url: str,
        settings: HttpSettings | None = None,
        sleep: Callable[[float], None] = time.sleep,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.settings = settings or HttpSettings()
        self._sleep = sleep
        self._local = threading.local()
        self.requests_made = 0
        # Sent with every request; requests drops Authorization itself when a redirect
        # leaves the host, so a token never travels beyond the configured endpoint.
        self._headers = dict(headers or {})

    def _session(self) -> Any:
        session = getattr(self._local, "session", None)
        if session is None:
            import requests

            session = requests.Session()
            session.headers["User-Agent"] = f"license-gate/{__version__}"
            session.headers["Accept"] = "application/json"
            session.headers.update(self._headers)
            self._local.session = session
        return session

    def get_json(self, url: str) -> FetchResult:
        def read(status: int, body: bytes, headers: Mapping[str, str], _url: str
                 ) -> FetchResult | str:
            if status != 200:
                return Failed(f"HTTP {status}")
            if len(body) > MAX_BODY_BYTES:
                return Failed(f"response larger than {MAX_BODY_BYTES} bytes")
            try:
                import json

                data = json.loads(body)
            except (ValueError, RecursionError):
                # RecursionError: a body nested deeper than the decoder recurses
                return "invalid JSON in response"
            if isinstance(data, dict):
                return Fetched(data)
            return "unexpected JSON shape in response"

        result = self._request(url, {}, read)
        assert not isinstance(result, (Blob, Page))
        return result

    def get_page(self, url: str, accept: str) -> Page | NotFound | Denied | Failed:
        """A document of any media type (a simple-API page, a metadata file), under the
        same bounds and retries as every request."""
        def read(status: int, body: bytes, headers: Mapping[str, str], final: str
                 ) -> FetchResult | Page | str:
            if status != 200:
                return Failed(f"HTTP {status}")
            if len(body) > MAX_BODY_BYTES:
                return Failed(f"response larger than {MAX_BODY_BYTES} bytes")
            return Page(body, headers.get("Content-Type", ""), final)

        result = self._request(url, {"Accept": accept}, read)
        assert not isinstance(result, (Blob, Fetched))
        return result

    def get_range(self, url: str, byte_range: str, limit: int) -> Blob | NotFound | Denied | Failed:
        """Some bytes of a file (``bytes=-65536``: the last 64 KiB), under the same
        bounds and retries as every request. A server that ignores the range and sends
        the whole file is refused: reading a wheel whole is what ranges avoid."""
        def read(status: int, body: bytes, headers: Mapping[str, str], _url: str
                 ) -> FetchResult | Blob | str:
            if status == 416:
                return Failed("the server refused the byte range (HTTP 416)")
            if status not in (200, 206):
                return Failed(f"HTTP {status}")
            if len(body) > limit:
                return Failed(f"the server sent {len(body)} bytes for a range of at most {limit} "
                              "(no range support)")
            return Blob(body, status == 206, headers.get("Content-Range"))

        result = self._request(url, {"Range": byte_range, "Accept": "*/*"}, read, limit)
        assert not isinstance(result, (Fetched, Page))
        return result

    def _request(self, url: str, headers: Mapping[str, str],
                 read: Callable[[int, bytes, Mapping[str, str], str],
                                FetchResult | Blob | Page | str],
                 limit: int = MAX_BODY_BYTES) -> FetchResult | Blob | Page:
        """One GET with the shared bounds: a timeout per request and a deadline for the
        body, bounded retries of timeouts, connection failures, 429 and 5xx (honouring
        Retry-After), and the breaker. ``read`` turns any other answer into a result, or
        into a reason to try again."""
        import requests

        settings = self.settings
        breaker = settings.breakers.for_url(url)
        reason = "no attempt made"
        for attempt in range(settings.retries + 1):
            if breaker.open():
                return Failed(f"{breaker.last}; not retried")
            wait = settings.backoff * (2 ** attempt)
            try:
                self.requests_made += 1
                response = self._session().get(url, timeout=settings.timeout, stream=True,
                                               headers=dict(headers) or None)
                try:
                    status = response.status_code
                    body = _read_bounded(response, time.monotonic() + 2 * settings.timeout, limit)
                finally:
                    response.close()
            except (requests.Timeout, _Deadline):
                reason = f"{_host(url)} timed out after {settings.timeout:g}s"
                breaker.fail(reason, url)
            except requests.ConnectionError as exc:
                reason, decisive = _connection_failure(exc, url)
                breaker.fail(reason, url if decisive else None)
            except (requests.RequestException, OSError) as exc:
                reason = f"request to {_host(url)} failed ({_short(exc)})"
                breaker.fail(reason)
            else:
                breaker.succeed()
                if status == 404:
                    return NotFound(redact(url))
                if status in (401, 403):
                    return Denied(redact(url), status, response.headers.get("X-Error-Code"),
                                  response.headers.get("X-Error-Message"))
                if status == 429 or status >= 500:
                    reason = f"HTTP {status}"
                    hinted = _retry_after(response.headers.get("Retry-After"))
                    if hinted is not None:
                        if hinted > MAX_RETRY_AFTER:
                            return Failed(f"HTTP {status}; Retry-After {hinted:.0f}s is too long")
                        wait = hinted
                else:
                    answer = read(status, body, response.headers, response.url or url)
                    if not isinstance(answer, str):
                        return answer
                    reason = answer
            if breaker.open():
                return Failed(reason)  # the host is down: no backoff, no further attempt
            if attempt < settings.retries:
                self._sleep(wait)
        return Failed(f"{reason} after {settings.retries + 1} attempts")

    def map(self, func: Callable[[_A], _R], items: Sequence[_A]) -> list[_R]:
        """``func`` over ``items`` on the client's bounded pool, results in order."""
        progress = self.settings.progress
        if progress is not None:
            progress.add("lookups", total=len(items))
            inner = func

            def func(item: _A) -> _R:
                try:
                    return inner(item)
                finally:
                    progress.add("lookups", done=1)

        if len(items) <= 1:
            return [func(item) for item in items]
        with ThreadPoolExecutor(max_workers=max(1, min(self.settings.jobs, len(items)))) as pool:
            return list(pool.map(func, items))


class _Deadline(Exception):
    """A body that trickles in slower than the per-request deadline allows."""


def _read_bounded(response: Any, deadline: float, limit: int = MAX_BODY_BYTES) -> bytes:
    # The socket timeout bounds each read, not the whole body; a server sending one
    # byte a second would otherwise hold a worker for as long as it likes.
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(chunk_size=65536):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit or time.monotonic() > deadline:
            if size > limit:
                break
            raise _Deadline()
    return b"".join(chunks)


def _host(url: str) -> str:
    """The host and port a URL names, without credentials."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)


# What the operating system says, as urllib3 wraps it, for the failures that mean the
# host is not there now (rather than a connection that broke).
_REFUSED = ("Connection refused", "ConnectionRefusedError", "actively refused")
_NO_HOST = ("Name or service not known", "nodename nor servname", "getaddrinfo failed",
            "Temporary failure in name resolution", "NameResolutionError", "No address associated")
_NO_ROUTE = ("No route to host", "Network is unreachable", "Host is unreachable")


def _connection_failure(exc: BaseException, url: str) -> tuple[str, bool]:
    """(a short reason naming the host, whether it says the host is not there). The
    adapter's own text is long and quotes the URL of whichever request failed first."""
    text = repr(exc)
    host = _host(url)
    if any(s in text for s in _REFUSED):
        return f"connection refused by {host}", True
    if any(s in text for s in _NO_HOST):
        return f"host {host.split(':')[0]} not found (DNS)", True
    if any(s in text for s in _NO_ROUTE):
        return f"no route to {host}", True
    return f"connection to {host} failed ({_short(exc)})", False


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


