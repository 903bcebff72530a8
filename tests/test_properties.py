"""Property-based checks: no parser may raise on arbitrary input; bad input becomes a
ParseError (extractors), an unknown licence (normalisation) or a PolicyError (policies)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from license_gate.extract import extractor_for
from license_gate.knowledge.normalize import normalize
from license_gate.model import ExtractResult
from license_gate.policy import PolicyError, load_policy
from tests.bounds import bounded

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)
# Text built from the grammar's own tokens finds deeper paths than random characters.
TOKENS = st.lists(st.sampled_from([
    "requests", "==", ">=", "1.0", "[", "]", "=", '"', "'", "{", "}", ",", "\n", " ", "-r", "-c",
    "-e", "\\\n", "#", ";", "@", "git+https://x/y", "name", "version", "[[package]]",
    "[[packages]]", "source", "{ git = 'u' }", "lock-version", "[project]", "dependencies",
    "[tool.poetry.dependencies]", "^1.2", "~1", "--hash=sha256:00", "default", ":", "null",
]), max_size=60).map("".join)


def no_include(target: str) -> tuple[str, str]:
    raise OSError("includes disabled in this test")


@pytest.mark.parametrize("fmt", ["requirements", "pyproject", "uv-lock", "poetry-lock", "pylock",
                                 "pipfile-lock"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(TEXT, TOKENS))
def test_extractors_never_raise(fmt: str, text: str) -> None:
    result = bounded(fmt, extractor_for(fmt), text, "input", no_include)
    assert isinstance(result, ExtractResult)
    for error in result.errors:
        assert error.place.path.startswith("input") or error.place.path


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(TEXT, TOKENS))
def test_normalize_never_raises(text: str) -> None:
    result = bounded("licence expressions (normalize)", normalize, text)
    assert result.expression is None or isinstance(result.expression, str)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(TEXT, st.lists(st.sampled_from([
    "version: 1\n", "licenses:\n", "  allow: [MIT]\n", "  deny: x\n", "exceptions:\n",
    "  - component: pkg:pypi/x\n", "    reason: r\n", "    expires: 2020-01-01\n", "unknown: warn\n",
    "extends: [builtin:default]\n", "  categories: {Copyleft: error}\n", "- a\n", ": b\n", "{", "&a [*a]\n",
    "version: !!int a\n", "  allow: !!bool maybe\n", "[[[[[[[[[[", "]]]]]]]]]]",
]), max_size=12).map("".join)))
def test_policy_loader_only_raises_policy_errors(tmp_path: Path, text: str) -> None:
    (tmp_path / ".license-gate.yaml").write_text(text)
    try:
        bounded("policy files", load_policy, None, tmp_path)
    except PolicyError as exc:
        assert exc.file == ".license-gate.yaml" or exc.file.startswith("builtin:")


# Pieces of real licence files and zip records: the splitter and the wheel reader meet
# untrusted bytes from any wheel on an index.
LICENCE_BITS = st.lists(st.sampled_from([
    "Copyright (c) 2024 X\n", "Permission is hereby granted, free of charge, ",
    "Redistribution and use in source and binary forms, with or without modification, ",
    "GNU GENERAL PUBLIC LICENSE\nVersion 2, June 1991\n", "Name: lib\nFiles: x.libs/lib*.so\n",
    "License: GPL-3.0-or-later WITH GCC-exception-3.1\n", "License: ???\n",
    "This binary distribution also bundles the following software:\n", "\n\n", "<program>",
    "either version 2 of the License, or (at your option) any later version",
]), max_size=30).map("".join)


@settings(max_examples=150, deadline=None)
@given(text=st.one_of(TEXT, LICENCE_BITS))
def test_licence_text_splitting_never_raises(text: str) -> None:
    from license_gate.knowledge.textmatch import split

    split("MIT License")  # the matcher's templates load once; the bound is per text
    result = bounded("licence texts (textmatch.split)", split, text)
    for region in (*result.own, *result.extra, *result.bundled):
        assert isinstance(region.license, str) and region.line >= 1


ZIP_BITS = st.lists(st.one_of(st.binary(max_size=40), st.sampled_from([
    b"PK\x05\x06", b"PK\x01\x02", b"PK\x03\x04", b"\xff\xff\xff\xff", b"\x00" * 22,
    b"x.dist-info/LICENSE", b"\x08\x00",
])), max_size=30).map(b"".join)


@settings(max_examples=150, deadline=None)
@given(data=ZIP_BITS)
def test_wheel_directory_reading_only_raises_zip_range_errors(data: bytes) -> None:
    from license_gate.resolve.wheelzip import ZipRangeError, read_licence_files

    def get(byte_range: str) -> tuple[bytes, int]:
        spec = byte_range.removeprefix("bytes=")
        if spec.startswith("-"):
            start = max(0, len(data) - int(spec[1:]))
            return data[start:], start
        first, last = (int(x) for x in spec.split("-"))
        return data[first:last + 1], first

    def read() -> object:
        try:
            return read_licence_files(get)
        except ZipRangeError:
            return None

    bounded("wheel zip directories (wheelzip)", read)
