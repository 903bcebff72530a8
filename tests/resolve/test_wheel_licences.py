"""From a registry, a wheel's licence files are read with HTTP range requests when the
metadata leaves the variant vague (issue 13), cached with the metadata, and a failure is
reported, never a silent pass nor a corrupt cache entry."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from license_gate.model import Place, Reference, Resolution
from license_gate.resolve import Resolver, ResolveSettings
from license_gate.resolve.http import HttpSettings
from license_gate.resolve.wheelzip import (
    MAX_FILE,
    ZipRangeError,
    directory_location,
    member_data,
    members,
)
from tests.fake_pypi import FakePyPI

PKGMETA = Path(__file__).resolve().parents[1] / "assets" / "pkgmeta"
BSD2 = (PKGMETA / "pysnmp-7.1.30" / "licenses" / "LICENSE.rst").read_text()
VAGUE = ["License :: OSI Approved :: BSD License"]


def wheel(name: str, version: str, licence: str = BSD2, padding: int = 200_000) -> bytes:
    """A real zip laid out like a wheel, larger than one range read."""
    out = io.BytesIO()
    info = f"{name.replace('-', '_')}-{version}.dist-info"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        # incompressible-looking padding so the wheel is really larger than the tail read
        z.writestr(f"{name}/data.bin", bytes((i * 7919) % 251 for i in range(padding)),
                   compress_type=zipfile.ZIP_STORED)
        z.writestr(f"{name}/__init__.py", "")
        z.writestr(f"{info}/METADATA", f"Metadata-Version: 2.4\nName: {name}\nVersion: {version}\n")
        z.writestr(f"{info}/licenses/LICENSE.rst", licence)
        z.writestr(f"{info}/RECORD", "")
    return out.getvalue()


def resolve(tmp_path: Path, fake: FakePyPI, offline: bool = False) -> Resolution:
    resolver = Resolver(ResolveSettings(
        pypi_url=fake.base_url, cache_dir=tmp_path / "cache", offline=offline, search_path=[],
        http=HttpSettings(timeout=5.0, retries=1, backoff=0.01)))
    (result,) = resolver.resolve([Reference("pypi", "vague-pkg", Place("requirements.txt", 1),
                                            version="1.0")])
    assert isinstance(result.outcome, Resolution), result.outcome
    return result.outcome


def test_a_vague_licence_takes_the_variant_of_the_wheels_licence_file(
        tmp_path: Path, fake_pypi: FakePyPI) -> None:
    data = wheel("vague-pkg", "1.0")
    fake_pypi.add("vague-pkg", "1.0", classifiers=VAGUE)
    fake_pypi.wheels[("vague-pkg", "1.0")] = data
    got = resolve(tmp_path, fake_pypi)
    assert got.expression == "BSD-2-Clause"
    assert any(e.field == "licence file" and e.raw == "licenses/LICENSE.rst:1" for e in got.evidence)
    # every request for the wheel asked for a range and got far less than the wheel
    assert fake_pypi.ranges and all(r is not None for _, r, _ in fake_pypi.ranges)
    assert sum(sent for _, _, sent in fake_pypi.ranges) < len(data) / 2
    # the files are cached with the metadata: offline, the same answer
    assert resolve(tmp_path, fake_pypi, offline=True).expression == "BSD-2-Clause"


def test_an_exact_licence_reads_no_wheel(tmp_path: Path, fake_pypi: FakePyPI) -> None:
    fake_pypi.add("vague-pkg", "1.0", license_expression="MIT")
    fake_pypi.wheels[("vague-pkg", "1.0")] = wheel("vague-pkg", "1.0")
    assert resolve(tmp_path, fake_pypi).expression == "MIT"
    assert fake_pypi.ranges == []


def test_a_server_without_ranges_is_not_read_whole(tmp_path: Path, fake_pypi: FakePyPI) -> None:
    fake_pypi.add("vague-pkg", "1.0", classifiers=VAGUE)
    fake_pypi.wheels[("vague-pkg", "1.0")] = wheel("vague-pkg", "1.0", padding=2_000_000)
    fake_pypi.range_support = False
    got = resolve(tmp_path, fake_pypi)
    assert got.expression == "LicenseRef-license-gate-BSD-unspecified"
    (note,) = [e.note for e in got.evidence if e.field == "licence file"]
    assert note and note.startswith("not read:") and "no range support" in note


def test_a_failing_registry_is_reported_and_not_cached(tmp_path: Path, fake_pypi: FakePyPI) -> None:
    fake_pypi.add("vague-pkg", "1.0", classifiers=VAGUE)
    fake_pypi.wheels[("vague-pkg", "1.0")] = wheel("vague-pkg", "1.0")
    path = "/packages/vague_pkg-1.0-py3-none-any.whl"
    fake_pypi.fault(path, "500", "500")
    got = resolve(tmp_path, fake_pypi)
    assert got.expression == "LicenseRef-license-gate-BSD-unspecified"
    assert any((e.note or "").startswith("not read: HTTP 500") for e in got.evidence)
    # not cached: the next run reads the file and gets the variant
    assert resolve(tmp_path, fake_pypi).expression == "BSD-2-Clause"


def test_zip_format_errors_are_reasons() -> None:
    with pytest.raises(ZipRangeError, match="end-of-central-directory"):
        directory_location(b"not a zip at all" * 10, 0)
    zip64 = b"PK\x05\x06" + b"\x00" * 6 + b"\xff\xff" + b"\xff" * 8 + b"\x00\x00"
    with pytest.raises(ZipRangeError, match="ZIP64"):
        directory_location(zip64, 0)


def test_a_deflate_bomb_stops_at_the_bound() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("x.dist-info/LICENSE", b"A" * (20 * MAX_FILE))
    data = out.getvalue()
    offset, size = directory_location(data, 0)
    (member,) = members(data[offset:offset + size])
    assert len(member_data(member, data[member.offset:])) == MAX_FILE
