"""The scan stage: every discovered file through its extractor, into one ``Extracted``.

A file's extraction is a pure function of its bytes and of the few files it reads
besides (a requirements file's includes, a Python module followed one import hop):
``extract_file`` does one. ``scan`` first asks the extraction cache about every file,
then extracts the rest, in a pool of processes when there is enough of it, and gathers
everything in discovery order; nothing about the result depends on which way a file
took.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from license_gate.pipeline.reading import (
    as_utf8,
    read_bounded,
    read_confined,
    read_confined_bytes,
)

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
    import time

    from license_gate.pipeline.extraction_cache import Dependency, blob_id, stat_key

    relative = os.path.relpath(os.path.realpath(base / target), root)
    try:
        display, raw, info = read_confined_bytes(root, base, target)
    except (OSError, ValueError):
        deps.append(Dependency(relative, None, None))
        raise
    deps.append(Dependency(relative, stat_key(info, time.time_ns()), blob_id(raw)))
    return display, as_utf8(raw).decode("utf-8", errors="replace")


@dataclass(frozen=True)
class _Job:
    """A file to extract: its place in discovery order, and, when the cache looked at
    it, what it learnt on the way (its stat, its bytes, their blob id)."""

    index: int
    item: Input
    raw: bytes | None = None
    info: os.stat_result | None = None
    blob: str | None = None


def scan(found: Discovery, root: Path, options: CheckOptions | None = None,
         remembered: _Remembered | None = None) -> Extracted:
    """Every input through its extractor, in discovery order. With a cache directory, a
    file the cache knows unchanged is not read again; with many files to extract and
    more than one core, they are extracted by a pool of processes. ``remembered``: the
    extraction cache when discovery has opened it already."""
    progress = options.progress if options is not None else None
    total = len(found.inputs)
    results: list[Extracted | None] = [None] * total
    # no inputs, no cache: a run with nothing to check opens no database
    if remembered is None and found.inputs:
        remembered = _Remembered.open(options)
    jobs: list[_Job] = []
    for index, item in enumerate(found.inputs):
        known = remembered.lookup(index, item, root) if remembered is not None else None
        if isinstance(known, Extracted):
            results[index] = known
        else:
            jobs.append(known or _Job(index, item))
    done = total - len(jobs)
    if progress is not None:
        progress.set("files", done, total)
    workers = pool_size(jobs, options.workers if options is not None else 1)
    for job, (result, deps) in zip(jobs, _extract_jobs(jobs, root, workers), strict=True):
        results[job.index] = result
        if remembered is not None:
            remembered.store(job, result, deps)
        done += 1
        if progress is not None:
            progress.set("files", done, total)
    parts = [Extracted(errors=found.problems, skipped=tuple(f"skipped {w}" for w in found.skipped))]
    parts += [r for r in results if r is not None]
    if remembered is not None:
        parts.append(remembered.close())
    merged = _merge(parts)
    if any(i.format == "modelfile" for i in found.inputs):
        from dataclasses import replace

        from license_gate.extract.modelfile import link_local

        merged = replace(merged, references=tuple(link_local(list(merged.references))))
    return merged


# A pool pays for itself only past this much work: forking two workers costs a run
# 20 to 50 ms, what extracting 100-150 KB of Python takes. Measured on a 2-core machine
# (bench/pool_crossover.py; bench/README.md, "Extraction pool crossover"): 16 files of
# 3 KB lose 30 ms with a pool; 16 files of 19 KB gain 60 ms of 320.
POOL_MIN_FILES = 8
POOL_MIN_BYTES = 200_000
MAX_WORKERS = 8
# Bytes of files the scan keeps between reading them (for their blob id) and extracting
# them; a repository with more to extract is read twice rather than held in memory.
RAW_BUDGET = 16_000_000


def pool_size(jobs: list[_Job], wanted: int | None) -> int:
    """How many processes extract ``jobs``: ``wanted`` when given (1: none), else the
    cores this process may use, when the work is large enough to gain from them."""
    if wanted is not None:
        return max(1, wanted)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if not cores or cores < 2 or len(jobs) < POOL_MIN_FILES:
        return 1
    size = 0
    for job in jobs:
        size += len(job.raw) if job.raw is not None else _size(job.item.path)
        if size >= POOL_MIN_BYTES:
            return min(cores, MAX_WORKERS)
    return 1


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _extract_jobs(jobs: list[_Job], root: Path, workers: int
                  ) -> list[tuple[Extracted, list[Dependency]]]:
    """Each job's extraction and the files it read besides its own, in job order."""
    if workers <= 1 or len(jobs) < 2:
        return _extract_batch([(j.item, j.raw) for j in jobs], root)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Largest first, dealt round-robin: every worker gets a share of the big files.
    order = sorted(range(len(jobs)), key=lambda i: -(len(jobs[i].raw or b"")))
    chunks = [order[k::workers * 4] for k in range(workers * 4)]
    chunks = [c for c in chunks if c]
    # fork where there is one: the workers start with the modules already imported, and
    # no thread runs yet at this stage of a check
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    out: list[tuple[Extracted, list[Dependency]] | None] = [None] * len(jobs)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        batches = pool.map(_extract_batch,
                           [[(jobs[i].item, jobs[i].raw) for i in chunk] for chunk in chunks],
                           [root] * len(chunks))
        for chunk, batch in zip(chunks, batches, strict=True):
            for i, result in zip(chunk, batch, strict=True):
                out[i] = result
    return [r for r in out if r is not None]


def _extract_batch(batch: list[tuple[Input, bytes | None]], root: Path
                   ) -> list[tuple[Extracted, list[Dependency]]]:
    """The work of one worker (or of the run itself): files extracted in turn."""
    triggers: dict[str, tuple[bytes, ...] | None] = {}
    out = []
    for item, raw in batch:
        deps: list[Dependency] = []
        out.append((extract_file(item, root, triggers, raw=raw, deps=deps), deps))
    return out


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
        self.kept = 0  # bytes of files read for their blob id and kept for extraction

    @classmethod
    def open(cls, options: CheckOptions | None) -> _Remembered | None:
        if options is None or options.cache_dir is None:
            return None
        from license_gate.pipeline.extraction_cache import ExtractionCache
        from license_gate.resolve.cache import Cache

        return cls(ExtractionCache(Cache(options.cache_dir)))

    def knows(self, folder: Path) -> bool:
        """Whether the cache has this build's entries for files under ``folder``."""
        from license_gate.resolve.cache import CacheError

        if self.cache is None:
            return False
        try:
            return self.cache.knows(folder)
        except CacheError as exc:
            self._drop(exc)
            return False

    def lookup(self, index: int, item: Input, root: Path) -> Extracted | _Job:
        """What the cache knows of ``item``, or the job of extracting it."""
        from license_gate.extract import BINARY_FORMATS
        from license_gate.pipeline.extraction_cache import blob_id
        from license_gate.resolve.cache import CacheError

        cache = self.cache
        if cache is None:
            return _Job(index, item)
        try:
            info = os.stat(item.path)
        except OSError:
            return _Job(index, item)  # the extractor says why it cannot be read
        try:
            found = cache.by_stat(item, info, root)
            if found is not None:
                return found
            if item.format in BINARY_FORMATS:
                # headers only: never hash a model file of gigabytes
                return _Job(index, item, info=info)
            try:
                raw = read_bounded(item.path)
            except OSError:
                raw = None
            if raw is None:
                return _Job(index, item)
            blob = blob_id(raw)
            known = cache.by_blob(item, blob, root)
            if known is not None:
                found, deps = known
                cache.store(item, info, blob, found, deps)  # the stat key, renewed
                return found
            # the bytes go with the job while they fit in the budget; past it, the
            # extractor reads the file again rather than the run holding every file
            keep = self.kept + len(raw) <= RAW_BUDGET
            self.kept += len(raw) if keep else 0
            return _Job(index, item, raw=raw if keep else None, info=info, blob=blob)
        except CacheError as exc:
            self._drop(exc)
            return _Job(index, item)

    def store(self, job: _Job, result: Extracted, deps: list[Dependency]) -> None:
        from license_gate.resolve.cache import CacheError

        if self.cache is None or job.info is None:
            return
        try:
            self.cache.store(job.item, job.info, job.blob, result, deps)
        except CacheError as exc:
            self._drop(exc)

    def _drop(self, exc: Exception) -> None:
        self.cache = None
        self.note = f"the extraction cache was not used: {exc}"

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
