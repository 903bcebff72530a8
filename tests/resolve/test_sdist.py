"""An sdist's PKG-INFO is read in memory, within bounds, and a bad archive is a reason."""

from __future__ import annotations

import io
import zipfile

import pytest

from license_gate.resolve.sdist import SdistError, pkg_info
from tests.fake_simple import ASSETS, sdist_bytes

PKG_INFO = (ASSETS / "six-1.17.0.PKG-INFO").read_text("utf-8")


def test_the_top_level_pkg_info_of_a_tar_gz() -> None:
    assert pkg_info(sdist_bytes("six", "1.17.0", PKG_INFO), "six-1.17.0.tar.gz") == PKG_INFO


def test_a_zip_sdist() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("six-1.17.0/src/PKG-INFO", "not the top one")
        archive.writestr("six-1.17.0/PKG-INFO", PKG_INFO)
    assert pkg_info(buffer.getvalue(), "six-1.17.0.zip") == PKG_INFO


@pytest.mark.parametrize("data", [b"", b"not an archive", b"\x1f\x8b\x08\x00garbage"])
def test_a_broken_archive_is_an_sdist_error(data: bytes) -> None:
    with pytest.raises(SdistError):
        pkg_info(data, "x-1.0.tar.gz")


def test_an_archive_without_pkg_info_is_an_sdist_error() -> None:
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        member = tarfile.TarInfo("x-1.0/setup.py")
        archive.addfile(member, io.BytesIO(b""))
    with pytest.raises(SdistError, match="no top-level PKG-INFO"):
        pkg_info(buffer.getvalue(), "x-1.0.tar.gz")
