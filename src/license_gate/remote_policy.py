"""Organisation policies extended by URL: ``extends: [https://.../org.yaml#sha256=<hex>]``.

Fetched with requests, with a timeout and a size bound, over HTTPS (plain HTTP only on
the loopback interface, for mirrors in tests). A ``#sha256=`` pin is verified against the
bytes, fetched or cached. Every good fetch is cached; when the URL cannot be reached, a
cached copy is used and the run says so, and without one the run stops (exit code 2): a
policy gate must not silently run without its policy.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

MAX_POLICY_BYTES = 1024 * 1024
_PIN = re.compile(r"^sha256=([0-9a-fA-F]{64})$")
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


class RemotePolicyError(Exception):
    pass


def split_pin(ref: str) -> tuple[str, str | None]:
    """``url#sha256=<hex>`` -> (url, hex); a fragment that is not a pin is an error."""
    url, fragment = urldefrag(ref)
    if not fragment:
        return url, None
    match = _PIN.match(fragment)
    if not match:
        raise RemotePolicyError(f"{ref!r}: the only fragment allowed is #sha256=<64 hex digits>")
    return url, match.group(1).lower()


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname in _LOOPBACK:
        return
    raise RemotePolicyError(f"{url!r}: policies are fetched over https:// only")


@dataclass
class RemotePolicies:
    cache_dir: Path | None
    offline: bool = False
    timeout: float = 10.0
    notes: list[str] = field(default_factory=list)

    def _cached(self, url: str) -> Path | None:
        if self.cache_dir is None:
            return None
        import hashlib  # here, not at the top: most runs have no remote policy

        return self.cache_dir / "policies" / (hashlib.sha256(url.encode()).hexdigest() + ".yaml")

    def fetch(self, ref: str) -> tuple[str, str]:
        """(url without pin, text). Raises RemotePolicyError with what to do."""
        url, pin = split_pin(ref)
        check_url(url)
        cached = self._cached(url)
        body: bytes | None = None
        failure = ""
        if self.offline:
            failure = "offline"
        else:
            try:
                body = self._download(url)
            except RemotePolicyError as exc:
                failure = str(exc)
        if body is not None:
            self._verify(url, body, pin, "fetched")
            self._store(cached, body)
        else:
            if cached is None or not cached.is_file():
                raise RemotePolicyError(f"cannot fetch policy {url}: {failure}, and there is no "
                                        "cached copy (run once online, or vendor the file and "
                                        "extend it by path)")
            body = cached.read_bytes()
            self._verify(url, body, pin, "cached")
            self.notes.append(f"policy {url} could not be fetched ({failure}); used the cached "
                              "copy from an earlier run")
        try:
            return url, body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RemotePolicyError(f"policy {url} is not UTF-8 text") from exc

    def _download(self, url: str) -> bytes:
        import requests

        try:
            with requests.get(url, timeout=self.timeout, stream=True,
                              headers={"Accept": "application/yaml, text/plain, */*"}) as resp:
                if resp.status_code != 200:
                    raise RemotePolicyError(f"HTTP {resp.status_code}")
                chunks: list[bytes] = []
                size = 0
                for chunk in resp.iter_content(65536):
                    size += len(chunk)
                    if size > MAX_POLICY_BYTES:
                        raise RemotePolicyError(f"larger than {MAX_POLICY_BYTES} bytes")
                    chunks.append(chunk)
                return b"".join(chunks)
        except requests.RequestException as exc:
            raise RemotePolicyError(type(exc).__name__) from exc

    @staticmethod
    def _verify(url: str, body: bytes, pin: str | None, which: str) -> None:
        if pin is None:
            return
        import hashlib

        actual = hashlib.sha256(body).hexdigest()
        if actual != pin:
            raise RemotePolicyError(f"the {which} policy {url} has sha256 {actual}, but the "
                                    f"extends pin says {pin}; refusing it")

    @staticmethod
    def _store(cached: Path | None, body: bytes) -> None:
        if cached is None:
            return
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            import tempfile

            fd, tmp = tempfile.mkstemp(dir=cached.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(body)
            os.replace(tmp, cached)
        except OSError:
            pass  # a cache that cannot be written only costs the next offline run
