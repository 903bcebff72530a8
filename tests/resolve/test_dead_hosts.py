"""A host that is not there costs a run one round of requests, not retries and backoff
for every package: the circuit opens for that host, and each package says why, once,
in a line that names its own host and not another package's URL."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from license_gate.model import Cause, Place, Reference, Unresolved
from license_gate.resolve import Resolver, ResolveSettings
from license_gate.resolve.http import HttpSettings, _connection_failure

REFS = [Reference("pypi", f"pkg-{i}", Place("requirements.txt", i + 1), version="1.0")
        for i in range(5)]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again on leaving: connections are refused


@pytest.fixture
def silent() -> Iterator[tuple[int, list[socket.socket]]]:
    """A host that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(server.getsockname()[1]), accepted
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        server.close()


def _resolver(tmp_path: Path, port: int, timeout: float = 5.0) -> Resolver:
    return Resolver(ResolveSettings(
        pypi_url=f"http://127.0.0.1:{port}/pypi", cache_dir=tmp_path / "cache", search_path=[],
        http=HttpSettings(timeout=timeout, retries=3, backoff=5.0)))


def test_a_refused_host_is_asked_once_per_package_and_never_retried(tmp_path: Path) -> None:
    port = _closed_port()
    resolver = _resolver(tmp_path, port)
    got = {r.component.name: r.outcome for r in resolver.resolve(REFS)}
    assert resolver.client.requests_made <= len(REFS)  # no retry, so no 5 s backoff either
    for name, outcome in got.items():
        assert isinstance(outcome, Unresolved) and outcome.cause is Cause.NETWORK
        assert f"connection refused by 127.0.0.1:{port}" in outcome.reason
        assert f"/{name}/" in outcome.reason and "HTTPConnectionPool" not in outcome.reason


def test_a_host_that_never_answers_costs_one_timeout(
        tmp_path: Path, silent: tuple[int, list[socket.socket]]) -> None:
    port, accepted = silent
    resolver = _resolver(tmp_path, port, timeout=0.5)
    got = {r.component.name: r.outcome for r in resolver.resolve(REFS)}
    # one connection per package, all in the first wave: nothing is retried after it
    assert len(accepted) <= len(REFS) and resolver.client.requests_made <= len(REFS)
    for outcome in got.values():
        assert isinstance(outcome, Unresolved) and "timed out after 0.5s" in outcome.reason


def test_one_slow_url_does_not_close_its_host() -> None:
    from license_gate.resolve.http import _Breaker

    breaker = _Breaker()
    for _ in range(3):
        breaker.fail("slow", "http://h/a")
    assert not breaker.open()
    breaker.fail("slow", "http://h/b")
    assert breaker.open()


@pytest.mark.parametrize(("text", "said", "decisive"), [
    ("NewConnectionError('Failed to establish a new connection: [Errno 111] Connection refused')",
     "connection refused by idx.example:8080", True),
    ("NameResolutionError(\"Failed to resolve 'idx.example' ([Errno -2] Name or service not known)\")",
     "host idx.example not found (DNS)", True),
    ("NewConnectionError('[Errno 113] No route to host')", "no route to idx.example:8080", True),
    ("ProtocolError('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))",
     "connection to idx.example:8080 failed", False),
])
def test_connection_failures_are_named_by_what_the_system_said(text: str, said: str,
                                                               decisive: bool) -> None:
    reason, is_decisive = _connection_failure(Exception(text), "http://u:p@idx.example:8080/simple/x/")
    assert reason.startswith(said) and is_decisive is decisive and "u:p" not in reason


def test_unreachable_registries_are_summed_up_in_one_note_naming_each(
        tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    hub, index = _closed_port(), _closed_port()
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{hub}")
    (tmp_path / "requirements.txt").write_text("zz-a==1.0\nzz-b==2.0\n")
    (tmp_path / "app.py").write_text('from_pretrained("acme-lab/model-one")\n'
                                     'from_pretrained("acme-lab/model-two")\n')
    out = run_cli("check", str(tmp_path), "--pypi-url", f"http://127.0.0.1:{index}/pypi",
                  "--cache-dir", str(tmp_path / "c"), "--timeout", "2", "--retries", "1").out
    notes = [x for x in out.splitlines() if x.startswith("note: could not reach")]
    assert notes == [f"note: could not reach the package index (127.0.0.1:{index}) for 2 packages; "
                     f"the Hugging Face Hub (127.0.0.1:{hub}) for 2 models: those licences are "
                     "reported as unknown, never as passed; rerun when the network is back, or "
                     "use --offline with a cache warmed by an online run"]
    # each model's own problem names that model, never another's URL
    for name, other in (("model-one", "model-two"), ("model-two", "model-one")):
        (line,) = [x for x in out.splitlines() if f"huggingface/acme-lab/{name}:" in x]
        assert f"connection refused by 127.0.0.1:{hub}" in line and other not in line


def test_a_run_without_packages_says_nothing_of_package_indexes(
        tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("LICENSE_GATE_PYPI_URL")  # the indexes pip would use, not a JSON API
    monkeypatch.setenv("PIP_INDEX_URL", "file:///srv/wheels/simple")
    monkeypatch.setenv("PIP_EXTRA_INDEX_URL", f"http://127.0.0.1:{_closed_port()}/simple")
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{_closed_port()}")
    (tmp_path / "app.py").write_text('from_pretrained("mistralai/Mistral-7B-v0.1")\n')
    args = ("check", str(tmp_path), "--cache-dir", str(tmp_path / "c"), "--timeout", "1")
    assert "index" not in run_cli(*args).out
    (tmp_path / "requirements.txt").write_text("zz-a==1.0\n")
    assert "skipped indexes that are not http(s): file:///srv/wheels/simple" in run_cli(*args).out
