"""The tool's home comes from its packaging's Project-URL, never a guess."""

from __future__ import annotations

from importlib import metadata

import pytest

from license_gate import about


class FakeMetadata:
    def __init__(self, urls: list[str]) -> None:
        self.urls = urls

    def get_all(self, name: str) -> list[str]:
        assert name == "Project-URL"
        return self.urls


@pytest.mark.parametrize(("declared", "expected"), [
    (["Source, https://git.example.com/src", "Homepage, https://example.com/lg"],
     "https://example.com/lg"),
    (["Home-page, https://example.com/hp"], "https://example.com/hp"),  # PEP 753 labels
    (["Documentation, https://docs.example.com", "Repository, https://git.example.com/r"],
     "https://docs.example.com"),
    (["Homepage, ftp://example.com/x", "Changelog, https://example.com/c"], None),
    ([], None),
])
def test_the_home_is_the_best_declared_url(declared: list[str], expected: str | None,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metadata, "metadata", lambda name: FakeMetadata(declared))
    about.home_url.cache_clear()
    try:
        assert about.home_url() == expected
    finally:
        about.home_url.cache_clear()


def test_not_installed_means_no_home(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> None:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "metadata", missing)
    about.home_url.cache_clear()
    try:
        assert about.home_url() is None
    finally:
        about.home_url.cache_clear()
