"""The scan stage: every discovered file through its extractor, into one ``Extracted``.

A file is a pure function of its bytes (and, for requirements files, the files they
include): ``extract_file`` reads one, and ``scan`` gathers them in discovery order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from license_gate.pipeline.reading import as_utf8, read_bounded, read_confined

if TYPE_CHECKING:
    from license_gate.discover import Discovery, Input
    from license_gate.model import Claim, IndexOption, ParseError, Project, Reference
    from license_gate.pipeline.extraction_cache import Dependency, ExtractionCache
    from license_gate.pipeline.options import CheckOptions


@dataclass(frozen=True)
class Extracted:
    """What the files said: references to resolve, problems, and the facts the later
    stages need (licence claims, index options, the repository's own projects)."""

    references: tuple[Reference, ...] = ()
    errors: tuple[ParseError, ...] = ()
    skipped: tuple[str, ...] = ()  # notes: files not read, and how some were read
    claims: tuple[Claim, ...] = ()
    indexes: tuple[IndexOption, ...] = ()
    projects: tuple[Project, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.references and not self.errors


# Template syntax of Helm, Jinja, Go templates and cookiecutter.
_TEMPLATE_MARKS = re.compile(r"\{\{|\{%")
# Formats where those marks are ordinary code, so a parse error is a real one.
_NO_TEMPLATES = frozenset({"python", "notebook", "javascript"})


def extract_file(item: Input, root: Path,
                 triggers: dict[str, tuple[bytes, ...] | None] | None = None,
                 raw: bytes | None = None, deps: list[Dependency] | None = None) -> Extracted:
    """One file's references and problems. A file that cannot hold a reference (no
    trigger in its bytes, or binary under a source name) is not decoded or parsed.
    ``raw``: the file's bytes when the caller has read them already. ``deps`` collects
    the other files the extraction read (includes), for the extraction cache."""
    from license_gate.discover import MAX_FILE_BYTES
    from license_gate.extract import (
        BINARY_FORMATS,
        DEPENDENCY_FORMATS,
        extractor_for,
        file_extractor_for,
        triggers_for,
    )
    from license_gate.model import ParseError, Place

    def problem(message: str, line: int | None = None) -> Extracted:
        return Extracted(errors=(ParseError(Place(item.display, line), message),))

    if item.format in BINARY_FORMATS:
        result = file_extractor_for(item.format)(item.path, item.display)
        return Extracted(references=tuple(result.references), errors=tuple(result.errors))
    try:
        if raw is None:
            raw = read_bounded(item.path)
        if raw is None:
            return problem(f"grew above the {MAX_FILE_BYTES}-byte bound since it was listed; "
                           "not read")
        if item.format in DEPENDENCY_FORMATS:
            # pip's encodings for pip's files; elsewhere FF FE may just start a blob
            raw = as_utf8(raw)
        elif b"\x00" in raw[:8192]:
            # A binary file under a source or config name cannot hold a reference.
            return Extracted(skipped=(f"skipped {item.display}: not text",))
        if triggers is None:
            triggers = {}
        if item.format not in triggers:
            triggers[item.format] = triggers_for(item.format)
        wanted = triggers[item.format]
        if item.format == "notebook" and not raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
            # Reported like any broken file, model words or not: one byte tells.
            return problem("invalid notebook JSON: not a JSON object", 1)
        if wanted is not None:
            lowered = raw.lower()
            if not any(t in lowered for t in wanted):
                return Extracted()
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        if item.format in DEPENDENCY_FORMATS:
            return problem("not UTF-8 text, nor UTF-16 or UTF-32 with a byte-order mark "
                           "(what pip reads)")
        return Extracted(skipped=(f"skipped {item.display}: not text",))
    except OSError as exc:
        return problem(f"cannot read: {exc.strerror}")
    base = item.path.parent

    def read_include(target: str) -> tuple[str, str]:
        if deps is None:
            return read_confined(root, base, target)
        return _recorded(root, base, target, deps)

    result = extractor_for(item.format)(text, item.display, read_include)
    errors: tuple[ParseError, ...] = tuple(result.errors)
    if errors and item.format not in _NO_TEMPLATES and _TEMPLATE_MARKS.search(text):
        errors = (ParseError(Place(item.display, result.errors[0].place.line),
                             "template syntax ({{ }} or {% %}) that does not parse until it "
                             "is rendered; not read", template=True),)
    return Extracted(references=tuple(result.references), errors=errors,
                     skipped=tuple(result.notes), claims=tuple(result.claims),
                     indexes=tuple(result.indexes), projects=tuple(result.projects))


def _recorded(root: Path, base: Path, target: str, deps: list[Dependency]) -> tuple[str, str]:
    """An included file read as ``read_confined`` reads it, and noted for the extraction
    cache by its repository path, stat key and blob id."""
    import os
    import time

    from license_gate.pipeline.extraction_cache import Dependency, blob_id, stat_key

    real = os.path.realpath(base / target)
    relative = os.path.relpath(real, root)
    try:
        read = read_confined(root, base, target)
        info = os.stat(real)
        data = read_bounded(Path(real))
    except (OSError, ValueError):
        deps.append(Dependency(relative, None, None))
        raise
    deps.append(Dependency(relative, stat_key(info, time.time_ns()),
                           blob_id(data) if data is not None else None))
    return read


def scan(found: Discovery, root: Path, options: CheckOptions | None = None) -> Extracted:
    """Every input through its extractor, in discovery order; with a cache directory,
    a file the cache knows unchanged is not read again."""
    progress = options.progress if options is not None else None
    parts: list[Extracted] = [Extracted(errors=found.problems,
                                        skipped=tuple(f"skipped {w}" for w in found.skipped))]
    triggers: dict[str, tuple[bytes, ...] | None] = {}
    total = len(found.inputs)
    remembered = _Remembered.open(options)
    for done, item in enumerate(found.inputs, start=1):
        if remembered is None:
            parts.append(extract_file(item, root, triggers))
        else:
            parts.append(remembered.extract(item, root, triggers))
        if progress is not None:
            progress.set("files", done, total)
    if remembered is not None:
        parts.append(remembered.close())
    merged = _merge(parts)
    if any(i.format == "modelfile" for i in found.inputs):
        from dataclasses import replace

        from license_gate.extract.modelfile import link_local

        merged = replace(merged, references=tuple(link_local(list(merged.references))))
    return merged


def _merge(parts: list[Extracted]) -> Extracted:
    return Extracted(
        references=tuple(r for p in parts for r in p.references),
        errors=tuple(e for p in parts for e in p.errors),
        skipped=tuple(s for p in parts for s in p.skipped),
        claims=tuple(c for p in parts for c in p.claims),
        indexes=tuple(i for p in parts for i in p.indexes),
        projects=tuple(p2 for p in parts for p2 in p.projects),
    )


class _Remembered:
    """The scan with the extraction cache: a file whose stat key, or whose bytes, the
    cache knows is answered from it; anything else is extracted and remembered. A cache
    that fails mid-run is dropped with one note, and the scan goes on without it."""

    def __init__(self, cache: ExtractionCache) -> None:
        self.cache: ExtractionCache | None = cache
        self.note = ""

    @classmethod
    def open(cls, options: CheckOptions | None) -> _Remembered | None:
        if options is None or options.cache_dir is None:
            return None
        from license_gate.pipeline.extraction_cache import ExtractionCache
        from license_gate.resolve.cache import Cache

        return cls(ExtractionCache(Cache(options.cache_dir)))

    def extract(self, item: Input, root: Path,
                triggers: dict[str, tuple[bytes, ...] | None]) -> Extracted:
        import os

        from license_gate.extract import BINARY_FORMATS
        from license_gate.pipeline.extraction_cache import blob_id
        from license_gate.resolve.cache import CacheError

        cache = self.cache
        if cache is None:
            return extract_file(item, root, triggers)
        try:
            info = os.stat(item.path)
        except OSError:
            return extract_file(item, root, triggers)  # which says why it cannot be read
        deps: list[Dependency] = []
        try:
            found = cache.by_stat(item, info, root)
            if found is not None:
                return found
            if item.format in BINARY_FORMATS:
                # headers only: never hash a model file of gigabytes
                result = extract_file(item, root, triggers, deps=deps)
                cache.store(item, info, None, result, deps)
                return result
            try:
                raw = read_bounded(item.path)
            except OSError:
                raw = None
            if raw is None:
                return extract_file(item, root, triggers)
            blob = blob_id(raw)
            known = cache.by_blob(item, blob, root)
            if known is not None:
                found, deps = known
                cache.store(item, info, blob, found, deps)  # the stat key, renewed
                return found
            result = extract_file(item, root, triggers, raw=raw, deps=deps)
            cache.store(item, info, blob, result, deps)
            return result
        except CacheError as exc:
            self.cache = None
            self.note = f"the extraction cache was not used: {exc}"
            return extract_file(item, root, triggers)

    def close(self) -> Extracted:
        """Write what was learnt; the note, if the cache failed."""
        from license_gate.resolve.cache import CacheError

        notes: list[str] = []
        if self.cache is not None:
            try:
                self.cache.flush()
            except CacheError as exc:
                self.note = f"the extraction cache was not saved: {exc}"
            finally:
                self.cache.cache.close()
            notes += self.cache.cache.warnings  # a damaged file set aside, said once
        if self.note:
            notes.append(self.note)
        return Extracted(skipped=tuple(notes))
