"""The bounds the property-based tests rely on do fail: a case that hangs, even inside a
parser that swallows every Exception, and a case that allocates too much."""

from __future__ import annotations

from collections import Counter

import pytest

from tests import bounds


@pytest.fixture(autouse=True)
def own_counters(monkeypatch: pytest.MonkeyPatch) -> None:
    # keep these deliberate failures out of the suite's case report
    monkeypatch.setattr(bounds, "CASES", Counter())
    monkeypatch.setattr(bounds, "PEAKS", {})


def test_a_hanging_parser_is_stopped_even_if_it_catches_exceptions(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounds, "TIME_LIMIT", 0.2)

    def stubborn() -> None:
        while True:
            try:
                while True:
                    pass
            except Exception:  # what a careless parser would do
                continue

    with pytest.raises(AssertionError, match="ran past"):
        bounds.bounded("hang", stubborn)
    assert bounds.CASES["hang"] == 1


def test_a_case_that_allocates_too_much_fails() -> None:
    with pytest.raises(AssertionError, match="allocated"):
        bounds.bounded("hog", lambda: bytearray(bounds.MEMORY_LIMIT + 1))


def test_a_rejected_input_still_counts_and_keeps_its_error() -> None:
    def reject() -> None:
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        bounds.bounded("reject", reject)
    assert bounds.CASES["reject"] == 1 and bounds.bounded("ok", len, "abc") == 3
