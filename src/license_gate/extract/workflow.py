"""GitHub workflow files: config keys (``model_id: org/name`` under ``env:``/``with:``) and
the commands in ``run:`` steps, whose lines are the file's own lines."""

from __future__ import annotations

from license_gate.extract import configs, scripts
from license_gate.extract.interface import ReadInclude
from license_gate.model import ExtractResult

TRIGGERS = configs.TRIGGERS


def extract(text: str, path: str, read_include: ReadInclude | None = None) -> ExtractResult:
    keyed = configs.extract(text, path)
    commands = scripts.extract(text, path)
    seen = {(r.name, r.place) for r in keyed.references}
    extra = tuple(r for r in commands.references if (r.name, r.place) not in seen)
    return ExtractResult(keyed.references + extra, keyed.errors + commands.errors)
