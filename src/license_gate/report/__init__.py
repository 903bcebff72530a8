"""Report formats: each module is a pure function ``format_x(report) -> str``."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from license_gate.model import Report

FORMATS = ("text", "json", "markdown", "github", "sarif", "cyclonedx")


def formatter(name: str) -> Callable[[Report], str]:
    module = importlib.import_module(f"license_gate.report.{name}")
    func: Callable[[Report], str] = getattr(module, f"format_{name}")
    return func
