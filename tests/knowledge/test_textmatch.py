"""Licence texts are split into the regions they hold before they are read, on the real
texts of the package corpus (tests/assets/pkgmeta)."""

from __future__ import annotations

from pathlib import Path

from license_gate.knowledge.textmatch import split

CORPUS = Path(__file__).resolve().parents[1] / "assets" / "pkgmeta"


def _read(relative: str) -> str:
    return (CORPUS / relative).read_text("utf-8")


def test_numpy_own_licence_is_the_first_text_and_bundled_libraries_are_listed() -> None:
    got = split(_read("numpy-2.4.6/licenses/LICENSE.txt"))
    assert [r.license for r in got.own] == ["BSD-3-Clause"]
    assert got.extra == ()
    bundled = {(r.name, r.license) for r in got.bundled}
    assert ("GCC runtime library", "GPL-3.0-or-later WITH GCC-exception-3.1") in bundled
    assert ("libquadmath", "LGPL-2.1-or-later") in bundled
    assert ("OpenBLAS", "BSD-3-Clause") in bundled
    gcc = next(r for r in got.bundled if r.name == "GCC runtime library")
    assert gcc.files == "numpy.libs/libgfortran*.so"
    assert gcc.declared and gcc.line == 131
    # the GPL text under the GCC block is that block's, not a second bundled licence
    assert not any(r.license.startswith("GPL-3.0") and not r.declared for r in got.bundled)


def test_scipy_is_bsd_not_gpl() -> None:
    got = split(_read("scipy-1.17.1/LICENSE.txt"))
    assert [r.license for r in got.own] == ["BSD-3-Clause"]
    assert all("GPL" not in r.license for r in got.own + got.extra)


def test_second_licence_before_any_bundle_mark_is_extra_for_the_caller() -> None:
    got = split(_read("python_dateutil-2.9.0.post0/LICENSE"))
    assert [r.license for r in got.own] == ["Apache-2.0"]
    assert [r.license for r in got.extra] == ["BSD-3-Clause"]


def test_a_notice_fixes_the_suffix_its_full_text_leaves_open() -> None:
    got = split(_read("ldap3-2.9.1/LICENSE.txt"))
    assert [(r.license, r.exact_suffix) for r in got.own] == [("LGPL-3.0-or-later", True)]


def test_a_bare_gpl_text_is_read_as_only_and_says_so() -> None:
    got = split(_read("ldap3-2.9.1/COPYING.txt"))
    assert [(r.license, r.exact_suffix) for r in got.own] == [("GPL-3.0-only", False)]


def test_spdx_tags_in_the_preamble_are_the_package_s_and_later_ones_are_not() -> None:
    """pyinstaller's COPYING.txt tags its parts before the GPL text; matplotlib's LICENSE
    tags a bundled font after its own PSF text; mysql's tags sit in third-party notices."""
    got = split(_read("pyinstaller-6.22.3/licenses/COPYING.txt"))
    assert [(r.license, r.line) for r in got.tagged] == [
        ("GPL-2.0-or-later WITH Bootloader-exception", 116), ("Apache-2.0", 130)]
    for later in ("matplotlib-3.11.2/LICENSE", "mysql_connector_python-26.10.0/LICENSE.txt",
                  "pyarrow-26.0.1/licenses/LICENSE.txt"):
        assert split(_read(later)).tagged == (), later
    # a file that is nothing but a notice (retrying's NOTICE.txt)
    assert [r.license for r in split(_read("retrying-1.4.2/licenses/NOTICE.txt")).tagged] == ["Apache-2.0"]
    assert split("SPDX-License-Identifier: not an expression (\n").tagged == ()


def test_prose_that_only_names_a_licence_is_not_a_licence() -> None:
    got = split("This project is great. Contributions welcome; see the docs for the "
                "MIT-style badge we show on the front page.\n")
    assert got.own == () and got.bundled == ()


def test_standard_notice_without_full_text_falls_back_to_fingerprints() -> None:
    notice = ("Licensed under the Apache License, Version 2.0 (the \"License\"); you may not "
              "use this file except in compliance with the License.\n")
    got = split(notice)
    assert [r.license for r in got.own] == ["Apache-2.0"]


def test_the_cache_key_names_the_installed_matcher_version() -> None:
    from importlib.metadata import version

    from license_gate.knowledge.textmatch import _matcher_version, fingerprint

    assert _matcher_version() == version("licenseclassifier")
    assert f":{version('licenseclassifier')}:" in fingerprint("MIT License")
