from __future__ import annotations

from pathlib import Path

from license_gate.model import Place, Reference, Resolution, Unresolved
from license_gate.resolve import Resolver, ResolveSettings
from license_gate.resolve.installed import InstalledSource


def make_dist(site: Path, name: str, version: str, headers: str) -> None:
    info = site / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.4\nName: {name}\nVersion: {version}\n{headers}\n\nLong description.\n"
    )


def test_pep639_then_license_then_classifiers(tmp_path: Path) -> None:
    make_dist(tmp_path, "expr_pkg", "1.0", "License-Expression: MIT OR Apache-2.0\nLicense: GPL")
    make_dist(tmp_path, "legacy_pkg", "2.0", "License: Apache License, Version 2.0")
    make_dist(tmp_path, "classy_pkg", "3.0",
              "License: UNKNOWN\nClassifier: License :: OSI Approved :: ISC License (ISCL)")
    make_dist(tmp_path, "multi_line", "4.0",
              "License: Permission is hereby granted, free of charge, to any person obtaining a copy\n"
              "        of this software, to deal in the Software without restriction. The above copyright"
              " notice and this permission notice shall be included in all copies.")
    source = InstalledSource([str(tmp_path)])
    got = source.lookup([("expr-pkg", "1.0"), ("legacy-pkg", "2.0"), ("classy-pkg", "3.0"),
                         ("multi-line", "4.0")])
    assert got[("expr-pkg", "1.0")].expression == "MIT OR Apache-2.0"  # type: ignore[union-attr]
    assert got[("legacy-pkg", "2.0")].expression == "Apache-2.0"  # type: ignore[union-attr]
    classy = got[("classy-pkg", "3.0")]
    assert isinstance(classy, Resolution) and classy.expression == "ISC"
    assert got[("multi-line", "4.0")].expression == "MIT"  # type: ignore[union-attr]


def test_only_the_installed_version_speaks_for_itself(tmp_path: Path) -> None:
    make_dist(tmp_path, "pkg", "1.0", "License: MIT")
    source = InstalledSource([str(tmp_path)])
    assert source.lookup([("pkg", "2.0")]) == {}
    assert ("pkg", "1.0.0") in source.lookup([("pkg", "1.0.0")])  # PEP 440 equality


def test_unpinned_uses_installed_version_with_evidence(tmp_path: Path) -> None:
    make_dist(tmp_path, "pkg", "1.4", "License-Expression: BSD-2-Clause")
    resolver = Resolver(ResolveSettings(offline=True, cache_dir=None, search_path=[str(tmp_path)]))
    (result,) = resolver.resolve([Reference("pypi", "pkg", Place("r.txt", 1), specifier=">=1")])
    assert result.component.version == "1.4"
    assert result.version_evidence is not None and result.version_evidence.source == "installed"
    assert result.outcome.expression == "BSD-2-Clause"  # type: ignore[union-attr]
    # an installed version outside the range is not used
    (other,) = resolver.resolve([Reference("pypi", "pkg", Place("r.txt", 1), specifier=">=2")])
    assert isinstance(other.outcome, Unresolved)


def test_invalid_license_expression_falls_back_with_evidence(tmp_path: Path) -> None:
    make_dist(tmp_path, "pkg", "1.0", "License-Expression: MIT OR\nLicense: MIT License")
    (outcome,) = InstalledSource([str(tmp_path)]).lookup([("pkg", "1.0")]).values()
    assert isinstance(outcome, Resolution) and outcome.expression == "MIT"
    assert outcome.evidence[0].note == "not a valid SPDX expression"


def test_only_the_header_block_is_read(tmp_path: Path) -> None:
    """The long description after the first blank line is not metadata, whatever it
    says, with LF or CRLF line ends."""
    body = "License: GPL-3.0-only\nClassifier: License :: OSI Approved :: GNU General Public License\n"
    for name, eol in (("lf_pkg", "\n"), ("crlf_pkg", "\r\n")):
        info = tmp_path / f"{name}-1.0.dist-info"
        info.mkdir()
        text = (f"Metadata-Version: 2.1{eol}Name: {name}{eol}Version: 1.0{eol}License: MIT{eol}"
                f"{eol}# Readme{eol}{eol}{body}")
        (info / "METADATA").write_bytes(text.encode())
    raw = InstalledSource([str(tmp_path)])
    for name in ("lf-pkg", "crlf-pkg"):
        meta = raw.raw(name)
        assert meta is not None and meta.license == "MIT" and meta.classifiers == ()


def test_licence_headers_read_as_the_stdlib_parser_reads_them() -> None:
    """The fast header reader gives exactly what email.parser gives, on every real
    METADATA of the package corpus (LF and CRLF) and on awkward blocks."""
    from email.parser import HeaderParser

    from license_gate.resolve.installed import licence_headers

    corpus = Path(__file__).resolve().parents[1] / "assets" / "pkgmeta"
    blocks = [p.read_text("utf-8") for p in sorted(corpus.glob("*/METADATA"))]
    assert len(blocks) >= 400
    blocks += [
        "License: MIT\n        and more\n\tand tabs\nClassifier: A\nClassifier: B\n",
        "License:    spaced   \nnot a header line\nLicense-Expression: MIT\n",
        "Name: x\n  continued name\nlicense-file: LICENSE\nLICENSE: upper\n",
        "License:\nClassifier: License :: OSI Approved :: MIT License",
        "From someone\n continued after From\nLicense: MIT\n",
        "License : spaced name\nClassifier: after the end\n",
        "Classifier: A\n\nClassifier: in the body\n",
        "License: x\n folded\n\tfolded again\nlicense-expressionX: no\nLicense-File:a\n",
    ]
    for block in blocks:
        for text in (block, block.replace("\n", "\r\n"), block.replace("\n", "\r")):
            parsed = HeaderParser().parsestr(text)
            mine = licence_headers(text)
            for name in ("License-Expression", "License", "Classifier", "License-File"):
                assert mine.get(name.lower(), []) == (parsed.get_all(name) or []), (name, text[:200])


def test_licence_headers_agree_with_the_stdlib_parser_on_generated_blocks() -> None:
    """Lines drawn from the shapes that matter (wanted and other headers, folds, mbox
    "From " lines, non-headers, blank lines) joined by any line end."""
    from email.parser import HeaderParser

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from license_gate.resolve.installed import licence_headers

    line = st.sampled_from([
        "License: MIT", "license:  BSD ", "License-Expression: Apache-2.0", "CLASSIFIER: A :: B",
        "License-File: LICENSE", "Name: x", "Other-Header:", " folded", "\tfolded", "From x",
        "not a header", "Bad Name: y", "", "License:", "License-FileX: no",
    ])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(line, max_size=12), st.sampled_from(["\n", "\r\n", "\r"]))
    def check(lines: list[str], end: str) -> None:
        text = end.join(lines) + end
        parsed = HeaderParser().parsestr(text)
        mine = licence_headers(text)
        for name in ("License-Expression", "License", "Classifier", "License-File"):
            assert mine.get(name.lower(), []) == (parsed.get_all(name) or []), (name, text)

    check()
