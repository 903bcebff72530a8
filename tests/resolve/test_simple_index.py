"""Resolving through a simple-API index (PEP 503/691, PEP 658/714 metadata files, the
wheel's METADATA by range, the sdist's PKG-INFO), on the responses recorded in
tests/assets/simple, through a real loopback server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from license_gate.model import Cause, Place, Reference, Resolution, Unresolved
from license_gate.resolve import Resolver, ResolveSettings
from license_gate.resolve.http import HttpSettings, Page
from license_gate.resolve.simple import (
    live_versions,
    parse_html_page,
    parse_json_page,
    parse_page,
    release_files,
)
from tests.fake_simple import ASSETS, FakeSimpleIndex, RecordingProxy, sdist_bytes, wheel_bytes

SIX_WHEEL = "six-1.17.0-py2.py3-none-any.whl"
SIX_SDIST = "six-1.17.0.tar.gz"
PAGE = "https://pypi.org/simple/six/"


def _asset(name: str) -> str:
    return (ASSETS / name).read_text("utf-8")


@pytest.fixture
def index() -> Iterator[FakeSimpleIndex]:
    fake = FakeSimpleIndex()
    fake.add_recorded("six")
    fake.add_recorded("requests")
    metadata = _asset("six-1.17.0.METADATA")
    fake.files[SIX_WHEEL] = wheel_bytes("six", "1.17.0", metadata, _asset("six-1.17.0.LICENSE"))
    fake.files[SIX_SDIST] = sdist_bytes("six", "1.17.0", _asset("six-1.17.0.PKG-INFO"))
    fake.metadata[SIX_WHEEL] = metadata.encode()
    # the same release under a name no test environment has installed, for the CLI tests
    # (which read this interpreter's installed metadata first)
    fake.add_project("sixlike", [("sixlike-1.17.0-py2.py3-none-any.whl", False)])
    fake.files["sixlike-1.17.0-py2.py3-none-any.whl"] = wheel_bytes(
        "sixlike", "1.17.0", metadata.replace("Name: six", "Name: sixlike"),
        _asset("six-1.17.0.LICENSE"))
    with fake:
        yield fake


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[RecordingProxy]:
    """Any request to a host other than the loopback fakes lands here."""
    with RecordingProxy() as fake:
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
            monkeypatch.setenv(name, fake.origin)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.setenv(name, "127.0.0.1")
        yield fake


def _ref(name: str, version: str | None = None, specifier: str = "") -> Reference:
    return Reference("pypi", name, Place("requirements.txt", 1), version=version,
                     specifier=specifier or (f"=={version}" if version else ""))


def _resolve(tmp_path: Path, indexes: tuple[str, ...], *refs: Reference,
             offline: bool = False) -> dict[str, object]:
    resolver = Resolver(ResolveSettings(
        offline=offline, cache_dir=tmp_path / "cache", search_path=[str(tmp_path / "empty")],
        http=HttpSettings(timeout=2, retries=1, backoff=0), indexes=indexes))
    return {r.component.name: r for r in resolver.resolve(list(refs))}


# -- the pages, as pure functions over the recorded responses


def test_json_and_html_pages_list_the_same_files() -> None:
    from_json = parse_json_page(json.loads(_asset("six.json")), PAGE)
    from_html = parse_html_page(_asset("six.html"), PAGE)
    assert len(from_json) == 48
    assert sorted((f.filename, f.url, f.version, f.yanked) for f in from_json) == \
        sorted((f.filename, f.url, f.version, f.yanked) for f in from_html)
    wheel = next(f for f in from_json if f.filename == SIX_WHEEL)
    assert wheel.wheel and wheel.version == "1.17.0" and not wheel.metadata
    assert "#" not in wheel.url and wheel.url.startswith("https://files.pythonhosted.org/")


def test_yanked_files_are_marked_and_left_out_of_the_versions() -> None:
    for files in (parse_json_page(json.loads(_asset("requests.json")), PAGE),
                  parse_html_page(_asset("requests.html"), PAGE)):
        yanked = sorted(f.filename for f in files if f.yanked)
        assert yanked == ["requests-2.32.0-py3-none-any.whl", "requests-2.32.0.tar.gz",
                          "requests-2.32.1-py3-none-any.whl", "requests-2.32.1.tar.gz"]
        assert "2.32.0" not in live_versions(files) and "2.32.5" in live_versions(files)
        # a release pinned to a yanked version is still read, as pip installs it
        assert next(f.filename for f in release_files(files, "2.32.0")).endswith(".whl")


def test_announced_metadata_files_in_both_spellings() -> None:
    page = json.loads(_asset("six.json"))
    entry = next(e for e in page["files"] if e["filename"] == SIX_WHEEL)
    entry["core-metadata"] = {"sha256": "ab" * 32}
    assert next(f for f in parse_json_page(page, PAGE) if f.filename == SIX_WHEEL).metadata
    del entry["core-metadata"]
    entry["dist-info-metadata"] = True
    assert next(f for f in parse_json_page(page, PAGE) if f.filename == SIX_WHEEL).metadata
    body = _asset("six.html").replace(f">{SIX_WHEEL}<", f' data-core-metadata="sha256={"ab" * 32}">'
                                      f"{SIX_WHEEL}<")
    assert next(f for f in parse_html_page(body, PAGE) if f.filename == SIX_WHEEL).metadata
    body = _asset("six.html").replace(f">{SIX_WHEEL}<", f' data-core-metadata="false">{SIX_WHEEL}<')
    assert not next(f for f in parse_html_page(body, PAGE) if f.filename == SIX_WHEEL).metadata


def test_relative_links_resolve_against_the_page_and_a_base_tag() -> None:
    body = '<a href="../../packages/x/six-1.0.tar.gz#sha256=00">six-1.0.tar.gz</a>'
    (file,) = parse_html_page(body, "https://idx.example/simple/six/")
    assert file.url == "https://idx.example/packages/x/six-1.0.tar.gz"
    (file,) = parse_html_page('<base href="https://cdn.example/f/">' + body.replace("../../", ""),
                              "https://idx.example/simple/six/")
    assert file.url == "https://cdn.example/f/packages/x/six-1.0.tar.gz"


def test_a_page_of_another_media_type_is_an_error_not_a_guess() -> None:
    from license_gate.resolve.simple import PageError

    with pytest.raises(PageError):
        parse_page(Page(b"{}", "application/json", PAGE))
    with pytest.raises(PageError):
        parse_page(Page(b"[", "application/vnd.pypi.simple.v1+json", PAGE))


# -- resolution through the loopback index


def test_a_release_without_metadata_files_is_read_from_the_wheel_by_range(
        tmp_path: Path, index: FakeSimpleIndex, proxy: RecordingProxy) -> None:
    """As recorded: the page announces no metadata file. The wheel's directory and its
    METADATA are read with two range requests; nothing goes anywhere else."""
    got = _resolve(tmp_path, (index.simple_url,), _ref("six", "1.17.0"))["six"]
    assert isinstance(got.outcome, Resolution) and got.outcome.expression == "MIT"
    assert got.outcome.evidence[0].source == f"index {index.simple_url}"
    ranges = index.served(SIX_WHEEL)
    assert ranges and all(r is not None for _, r in ranges)  # never the whole wheel
    assert not index.served(".metadata") and not index.served(SIX_SDIST)
    assert proxy.seen == []


def test_an_announced_metadata_file_is_read_and_the_wheel_is_not(
        tmp_path: Path, index: FakeSimpleIndex, proxy: RecordingProxy) -> None:
    index.announce.add(SIX_WHEEL)
    got = _resolve(tmp_path, (index.simple_url,), _ref("six", "1.17.0"))["six"]
    assert isinstance(got.outcome, Resolution) and got.outcome.expression == "MIT"
    assert index.served(".metadata") and not index.served(SIX_WHEEL)
    assert proxy.seen == []


def test_a_metadata_file_announced_but_missing_falls_back_to_the_wheel(
        tmp_path: Path, index: FakeSimpleIndex) -> None:
    index.announce.add(SIX_WHEEL)
    del index.metadata[SIX_WHEEL]
    got = _resolve(tmp_path, (index.simple_url,), _ref("six", "1.17.0"))["six"]
    assert isinstance(got.outcome, Resolution) and got.outcome.expression == "MIT"
    assert index.served(".metadata") and index.served(SIX_WHEEL)


def test_an_html_only_index_whose_files_refuse_long_suffix_ranges(
        tmp_path: Path, index: FakeSimpleIndex) -> None:
    """PEP 503 only, and a file server that answers 416 to a suffix range longer than
    the file (werkzeug does; files.pythonhosted.org sends the whole file)."""
    index.html_only = True
    index.suffix_416 = True
    got = _resolve(tmp_path, (index.simple_url,), _ref("six", "1.17.0"))["six"]
    assert isinstance(got.outcome, Resolution) and got.outcome.expression == "MIT"


def test_an_sdist_only_release_is_read_from_its_pkg_info(
        tmp_path: Path, index: FakeSimpleIndex) -> None:
    del index.files[SIX_WHEEL]
    index.add_project("sixlike", [("sixlike-1.17.0.tar.gz", False)])
    index.files["sixlike-1.17.0.tar.gz"] = sdist_bytes(
        "sixlike", "1.17.0", _asset("six-1.17.0.PKG-INFO").replace("Name: six", "Name: sixlike"))
    got = _resolve(tmp_path, (index.simple_url,), _ref("sixlike", "1.17.0"))["sixlike"]
    assert isinstance(got.outcome, Resolution) and got.outcome.expression == "MIT"


def test_unpinned_takes_the_latest_release_that_is_not_yanked_nor_a_pre_release(
        tmp_path: Path, index: FakeSimpleIndex) -> None:
    index.add_project("httpx", [("httpx-0.28.1-py3-none-any.whl", False),
                                ("httpx-1.0.dev6-py3-none-any.whl", False),
                                ("httpx-0.29.0-py3-none-any.whl", True)])
    index.files["httpx-0.28.1-py3-none-any.whl"] = wheel_bytes(
        "httpx", "0.28.1", "Metadata-Version: 2.1\nName: httpx\nVersion: 0.28.1\n"
        "License-Expression: BSD-3-Clause\n", None)
    got = _resolve(tmp_path, (index.simple_url,), _ref("httpx"))["httpx"]
    assert got.component.version == "0.28.1"
    assert isinstance(got.outcome, Resolution) and got.outcome.expression == "BSD-3-Clause"


def test_credentials_in_the_index_url_are_used_and_never_shown(
        tmp_path: Path, index: FakeSimpleIndex, run_cli, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    index.auth = ("ci", "s3cret-token")
    monkeypatch.delenv("LICENSE_GATE_PYPI_URL")
    (tmp_path / "requirements.txt").write_text(
        f"--index-url {index.url_with('ci', 's3cret-token')}\nsixlike==1.17.0\nnot-there==1.0\n")
    result = run_cli("check", str(tmp_path), "--format", "json", "--cache-dir",
                     str(tmp_path / "cache"), "--retries", "0")
    report = result.json()
    six = next(c for c in report["components"] if c["name"] == "sixlike")
    assert six["license"] == "MIT" and six["evidence"][0]["source"].startswith("index http://***@")
    missing = next(c for c in report["components"] if c["name"] == "not-there")
    assert missing["unresolved_cause"] == "not-found"
    assert "127.0.0.1" in missing["unresolved_reason"]
    assert report["indexes"]["urls"][0].startswith("http://***@127.0.0.1:")
    assert report["indexes"]["origin"] == "requirements.txt:1"
    text = run_cli("check", str(tmp_path), "--cache-dir", str(tmp_path / "cache"),
                   "--retries", "0").out
    assert text.splitlines()[1].startswith("package index: http://***@127.0.0.1:")
    assert text.splitlines()[1].endswith("(from requirements.txt:1)") and "s3cret" not in text
    assert "s3cret" not in result.out + result.err
    # nor in the cache
    for path in (tmp_path / "cache").rglob("*"):
        if path.is_file():
            assert b"s3cret" not in path.read_bytes(), path


def test_refused_credentials_hint_at_the_index_not_at_hf_token(
        tmp_path: Path, index: FakeSimpleIndex) -> None:
    index.auth = ("ci", "right")
    got = _resolve(tmp_path, (index.url_with("ci", "wrong"),), _ref("six", "1.17.0"))["six"]
    assert isinstance(got.outcome, Unresolved) and got.outcome.cause == Cause.ACCESS
    assert "credentials for that index" in got.outcome.reason
    assert "HF_TOKEN" not in got.outcome.reason and "wrong" not in got.outcome.reason


def test_extra_indexes_are_asked_for_what_the_primary_lacks(
        tmp_path: Path, index: FakeSimpleIndex) -> None:
    other = FakeSimpleIndex()
    other.add_project("private-lib", [("private_lib-2.0-py3-none-any.whl", False)])
    other.files["private_lib-2.0-py3-none-any.whl"] = wheel_bytes(
        "private_lib", "2.0", "Metadata-Version: 2.4\nName: private-lib\nVersion: 2.0\n"
        "License-Expression: LicenseRef-Acme-Proprietary\n", None)
    with other:
        got = _resolve(tmp_path, (index.simple_url, other.simple_url),
                       _ref("six", "1.17.0"), _ref("private-lib", "2.0"))
    assert got["six"].outcome.expression == "MIT"  # type: ignore[union-attr]
    private = got["private-lib"].outcome
    assert isinstance(private, Resolution)
    assert private.expression == "LicenseRef-Acme-Proprietary"
    assert private.evidence[0].source == f"index {other.simple_url}"


def test_answers_are_cached_per_index_and_serve_offline(
        tmp_path: Path, index: FakeSimpleIndex) -> None:
    _resolve(tmp_path, (index.simple_url,), _ref("six", "1.17.0"))
    index.stop()
    again = _resolve(tmp_path, (index.simple_url,), _ref("six", "1.17.0"), offline=True)["six"]
    assert isinstance(again.outcome, Resolution) and again.outcome.expression == "MIT"
    # another index's cache entries do not answer for this name
    other = _resolve(tmp_path, ("http://127.0.0.1:9/simple",), _ref("six", "1.17.0"),
                     offline=True)["six"]
    assert isinstance(other.outcome, Unresolved) and other.outcome.cause == Cause.OFFLINE


def test_a_failing_index_is_reported_and_not_cached(tmp_path: Path, index: FakeSimpleIndex) -> None:
    index.fault("/simple/six/", "500", "500")
    got = _resolve(tmp_path, (index.simple_url,), _ref("six", "1.17.0"))["six"]
    assert isinstance(got.outcome, Unresolved) and got.outcome.cause == Cause.NETWORK
    assert "HTTP 500" in got.outcome.reason
    index.stop()
    again = _resolve(tmp_path, (index.simple_url,), _ref("six", "1.17.0"), offline=True)["six"]
    assert isinstance(again.outcome, Unresolved) and again.outcome.cause == Cause.OFFLINE


def test_the_proxy_sees_what_goes_elsewhere_so_its_silence_means_something(
        tmp_path: Path, proxy: RecordingProxy) -> None:
    """The control for the privacy assertions above: with no index configured, PyPI is
    asked, and that request reaches the recording proxy (and goes no further)."""
    got = _resolve(tmp_path, (), _ref("six", "1.17.0"))["six"]
    assert isinstance(got.outcome, Unresolved) and got.outcome.cause == Cause.NETWORK
    assert any("pypi.org" in seen for seen in proxy.seen), proxy.seen


def test_a_private_index_keeps_every_request_off_pypi(
        tmp_path: Path, index: FakeSimpleIndex, proxy: RecordingProxy) -> None:
    """Nothing found on the private index is then looked up on pypi.org: the name may be
    internal, and asking for it elsewhere invites dependency confusion."""
    got = _resolve(tmp_path, (index.simple_url,), _ref("acme-internal", "1.0"), _ref("six"))
    assert got["acme-internal"].outcome.cause == Cause.NOT_FOUND  # type: ignore[union-attr]
    assert got["six"].component.version == "1.17.0"  # the latest on the private index
    assert proxy.seen == []


def test_the_fix_for_a_refused_package_names_the_index_credentials(
        tmp_path: Path, index: FakeSimpleIndex, run_cli, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    index.auth = ("ci", "right")
    monkeypatch.delenv("LICENSE_GATE_PYPI_URL")
    (tmp_path / "requirements.txt").write_text("sixlike==1.17.0\n")
    result = run_cli("check", str(tmp_path), "--format", "json", "--index-url",
                     index.url_with("ci", "wrong"), "--cache-dir", str(tmp_path / "cache"))
    (finding,) = [f for f in result.json()["findings"] if f["rule"] == "license-unknown"]
    assert "package index refused access" in finding["hint"]
    assert "HF_TOKEN" not in finding["hint"] and "wrong" not in result.out


def test_index_credentials_go_to_the_index_s_host_only() -> None:
    from license_gate.resolve.simple import SimpleClient

    client = SimpleClient("https://ci:tok@gitlab.example/api/v4/projects/1/packages/pypi/simple")
    assert client._credentialed("https://gitlab.example/api/v4/files/x.whl") == \
        "https://ci:tok@gitlab.example/api/v4/files/x.whl"
    assert client._credentialed("https://cdn.example/x.whl") == "https://cdn.example/x.whl"
    assert client._credentialed("http://gitlab.example/x.whl") == "http://gitlab.example/x.whl"
    assert client.label == "https://***@gitlab.example/api/v4/projects/1/packages/pypi/simple"


def _torchlike(index: FakeSimpleIndex, files: dict[str, str]) -> None:
    """A project whose releases state BSD-3-Clause, one wheel per version given."""
    index.add_project("torchlike", [(f"torchlike-{v}-py3-none-any.whl", False) for v in files])
    for version, licence in files.items():
        index.files[f"torchlike-{version}-py3-none-any.whl"] = wheel_bytes(
            "torchlike", version, f"Metadata-Version: 2.4\nName: torchlike\nVersion: {version}\n"
            f"License-Expression: {licence}\n", None)


def test_a_local_version_is_read_from_the_index_that_has_it(
        tmp_path: Path, index: FakeSimpleIndex) -> None:
    _torchlike(index, {"2.5.1": "BSD-3-Clause", "2.5.1+cu121": "BSD-3-Clause AND MIT"})
    got = _resolve(tmp_path, (index.simple_url,), _ref("torchlike", "2.5.1+cu121"))["torchlike"]
    assert isinstance(got.outcome, Resolution)
    assert got.outcome.expression == "BSD-3-Clause AND MIT"
    assert not any(e.source == "resolver" for e in got.outcome.evidence)


def test_a_local_version_no_index_has_takes_the_public_release_and_says_so(
        tmp_path: Path, index: FakeSimpleIndex) -> None:
    _torchlike(index, {"2.5.1": "BSD-3-Clause"})
    got = _resolve(tmp_path, (index.simple_url,), _ref("torchlike", "2.5.1+cu121"))["torchlike"]
    assert got.component.version == "2.5.1+cu121"
    assert isinstance(got.outcome, Resolution) and got.outcome.expression == "BSD-3-Clause"
    (said,) = [e for e in got.outcome.evidence if e.source == "resolver"]
    assert "public release 2.5.1" in (said.note or "")


def test_a_netrc_entry_for_the_index_host_is_used(
        tmp_path: Path, index: FakeSimpleIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    """No credentials in the URL: the index's host in .netrc (NETRC names the file, as
    pip and requests read it) logs in, as pip would."""
    index.auth = ("ci", "from-netrc")
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1\nlogin ci\npassword from-netrc\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    got = _resolve(tmp_path, (index.simple_url,), _ref("sixlike", "1.17.0"))["sixlike"]
    assert isinstance(got.outcome, Resolution) and got.outcome.expression == "MIT"
    monkeypatch.setenv("NETRC", str(tmp_path / "none"))
    denied = _resolve(tmp_path / "again", (index.simple_url,), _ref("sixlike", "1.17.0"))["sixlike"]
    assert isinstance(denied.outcome, Unresolved) and denied.outcome.cause == Cause.ACCESS


def test_a_vague_licence_reads_the_wheel_s_licence_file_from_the_same_directory(
        tmp_path: Path, index: FakeSimpleIndex) -> None:
    """METADATA and the licence file come from one read of the wheel's end: its directory
    is not fetched twice."""
    bsd2 = (Path(__file__).resolve().parents[1] / "assets" / "pkgmeta" / "pysnmp-7.1.30" /
            "licenses" / "LICENSE.rst").read_text()
    index.add_project("vaguelike", [("vaguelike-1.0-py3-none-any.whl", False)])
    index.files["vaguelike-1.0-py3-none-any.whl"] = wheel_bytes(
        "vaguelike", "1.0", "Metadata-Version: 2.1\nName: vaguelike\nVersion: 1.0\n"
        "Classifier: License :: OSI Approved :: BSD License\n", bsd2)
    got = _resolve(tmp_path, (index.simple_url,), _ref("vaguelike", "1.0"))["vaguelike"]
    assert isinstance(got.outcome, Resolution) and got.outcome.expression == "BSD-2-Clause"
    tails = [r for r in index.served("vaguelike-1.0-py3-none-any.whl") if r[1] == "bytes=-65536"]
    assert len(tails) == 1
