"""What each file said, kept between runs: a second run over an unchanged tree reads
no file it has read before.

A file's entry is keyed two ways:
- its path with size, mtime and inode, as git's index keys a working tree: a match
  means the file was not touched, and it is not even opened;
- its git blob id (the SHA-1 of ``blob <size>\\0<bytes>``, what ``git ls-files -s``
  prints), with its repository path and format: a file rewritten with the same bytes,
  or the same commit in another checkout, is not parsed again.

An entry also lists the files its extraction read besides its own (a requirements
file's ``-r`` includes, a Python module followed one import hop), with their stat
keys; a change to any of them is a miss. Entries belong to one build of the tool
(``extractor_version``): a new release, or an edited source tree, starts afresh, and
nothing else invalidates them. A file changed within two seconds of being read gets no
stat key (its bytes may change again within the same mtime tick, git's "racy" case).

Entries are pickles of the model's frozen dataclasses, loaded by an unpickler that
can build those classes and nothing else: a tampered cache cannot run code.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import re
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from license_gate import __version__

if TYPE_CHECKING:
    from license_gate.discover import Input
    from license_gate.pipeline.extraction import Extracted
    from license_gate.resolve.cache import Cache

RACY_NS = 2_000_000_000
# A URL with user information (https://user:token@host/...): an index URL with its
# credentials, a VCS requirement with a token. An entry holding one is never written,
# so no secret reaches the cache file; such a file is simply read each run.
_USERINFO = re.compile(rb"://[^/\s'\"@]+@")
# The classes an entry may hold: the model's records an extractor returns.
_ALLOWED = frozenset({"Place", "Claim", "Reference", "ParseError", "IndexOption", "Project",
                      "Relation", "Role", "Kind", "Extracted"})
_MODULES = frozenset({"license_gate.model", "license_gate.pipeline.extraction"})


@cache
def extractor_version() -> str:
    """This build of the tool: its version, and the size and mtime of every file of the
    package (the extractors, the catalog they read, the pipeline), so that an edited
    checkout is a new build too. About a hundred stat calls."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha1(__version__.encode())
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".json", ".yaml", ".yml", ".txt") and "__pycache__" not in \
                path.parts:
            info = path.stat()
            digest.update(f"{path.relative_to(package)}:{info.st_size}:{info.st_mtime_ns};"
                          .encode())
    return f"{__version__}+{digest.hexdigest()[:16]}"


def blob_id(data: bytes) -> str:
    """The git blob id of these bytes."""
    digest = hashlib.sha1(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


def stat_key(info: os.stat_result, now_ns: int) -> tuple[int, int, int] | None:
    """(size, mtime_ns, inode), or None for a file changed too recently to trust."""
    if info.st_mtime_ns > now_ns - RACY_NS:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ino


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module in _MODULES and name in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the extraction cache")


def _load(payload: bytes) -> Extracted | None:
    from license_gate.pipeline.extraction import Extracted

    try:
        value = _Unpickler(io.BytesIO(payload)).load()
    except Exception:  # any unreadable entry is a miss, whatever it raises
        return None
    return value if isinstance(value, Extracted) else None


@dataclass(frozen=True)
class Dependency:
    """A file an extraction read besides its own, by its path in the repository: its
    stat key (None when changed too recently to trust) and blob id (None: it could not
    be read then, so it must still be unreadable)."""

    path: str
    key: tuple[int, int, int] | None
    blob: str | None


def _still(dep: Dependency, root: Path) -> bool:
    """Whether the dependency has the bytes it had: by its stat key in the same
    checkout, by its blob id in another."""
    from license_gate.pipeline.reading import read_bounded

    path = root / dep.path
    try:
        info = os.stat(path)
    except OSError:
        return dep.blob is None
    if dep.blob is None:
        return False  # it can be read now
    if dep.key is not None and (info.st_size, info.st_mtime_ns, info.st_ino) == dep.key:
        return True
    try:
        data = read_bounded(path)
    except OSError:
        return False
    return data is not None and blob_id(data) == dep.blob


class ExtractionCache:
    """The ``extraction`` table of the run's cache database. Reads happen as the scan
    goes; writes are gathered and made in one transaction at the end."""

    def __init__(self, cache: Cache, version: str | None = None) -> None:
        self.cache = cache
        self.version = version or extractor_version()
        self.now_ns = time.time_ns()
        self._rows: list[tuple[Any, ...]] = []
        # (abspath, format) -> (display, size, mtime_ns, ino, payload, deps): this build's
        # entries under the folders read whole by ``knows``; a path outside them is asked
        # of the database one by one
        self._loaded: dict[tuple[str, str], tuple[Any, ...]] = {}
        self._folders: list[str] = []

    def _conn(self) -> sqlite3.Connection:
        return self.cache.connection()

    def knows(self, folder: Path) -> bool:
        """Whether this build has entries for files under ``folder`` (a run over it before);
        they are read in one query, for ``by_stat`` to answer from memory."""
        prefix = str(folder).rstrip("/") + "/"
        # '0' follows '/': the range is every path that starts with the prefix, found
        # through the primary key's index
        rows = self._conn().execute(
            "SELECT abspath, format, display, size, mtime_ns, ino, payload, deps FROM extraction "
            "WHERE abspath >= ? AND abspath < ? AND version=?",
            (prefix, prefix[:-1] + "0", self.version)).fetchall()
        self._folders.append(prefix)
        for abspath, fmt, *rest in rows:
            self._loaded[(abspath, fmt)] = tuple(rest)
        return bool(rows)

    def by_stat(self, item: Input, info: os.stat_result, root: Path) -> Extracted | None:
        key = stat_key(info, self.now_ns)
        if key is None:
            return None
        path = str(item.path)
        if any(path.startswith(folder) for folder in self._folders):
            loaded = self._loaded.get((path, item.format))
            if loaded is None or loaded[0] != item.display or tuple(loaded[1:4]) != key:
                return None
            entry = self._entry((loaded[4], loaded[5]), root)
            return entry[0] if entry is not None else None
        row = self._conn().execute(
            "SELECT payload, deps FROM extraction WHERE abspath=? AND display=? AND format=? "
            "AND version=? AND size=? AND mtime_ns=? AND ino=?",
            (str(item.path), item.display, item.format, self.version, *key)).fetchone()
        entry = self._entry(row, root)
        return entry[0] if entry is not None else None

    def by_blob(self, item: Input, blob: str, root: Path
                ) -> tuple[Extracted, list[Dependency]] | None:
        """What a file with these bytes at this path said, and what else it read."""
        row = self._conn().execute(
            "SELECT payload, deps FROM extraction WHERE blob=? AND display=? AND format=? "
            "AND version=? LIMIT 1", (blob, item.display, item.format, self.version)).fetchone()
        return self._entry(row, root)

    def _entry(self, row: tuple[bytes, bytes] | None, root: Path
               ) -> tuple[Extracted, list[Dependency]] | None:
        if row is None:
            return None
        deps = _load_deps(row[1])
        if deps is None or not all(_still(d, root) for d in deps):
            return None
        found = _load(row[0])
        if found is None:
            return None
        return found, deps

    def store(self, item: Input, info: os.stat_result | None, blob: str | None,
              extracted: Extracted, deps: Sequence[Dependency]) -> None:
        """Keep what ``item`` said. A file changed too recently to be trusted keeps only
        its blob key (as does a dependency: it is then checked by its bytes)."""
        key = stat_key(info, self.now_ns) if info is not None else None
        if key is None and blob is None:
            return
        payload = pickle.dumps(extracted, protocol=4)
        if _USERINFO.search(payload):
            return
        size, mtime, ino = key or (-1, -1, -1)
        self._rows.append((str(item.path), item.display, item.format, self.version, size, mtime,
                           ino, blob, payload,
                           pickle.dumps([(d.path, d.key, d.blob) for d in deps], protocol=4),
                           self.now_ns / 1e9))

    def flush(self) -> None:
        if not self._rows:
            return
        self.cache.write_many(
            "INSERT OR REPLACE INTO extraction VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self._rows)
        self._rows = []
        # Another build's entries are dead weight; a week's grace lets two versions that
        # share a cache directory (two repositories pinning different releases) both work.
        self.cache.write_many("DELETE FROM extraction WHERE version != ? AND stored < ?",
                              [(self.version, self.now_ns / 1e9 - 7 * 86400)])


class _DepsUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError("a dependency list holds no classes")


def _load_deps(payload: bytes) -> list[Dependency] | None:
    try:
        raw = _DepsUnpickler(io.BytesIO(payload)).load()
        return [Dependency(str(p), tuple(k) if k is not None else None,
                           str(b) if b is not None else None) for p, k, b in raw]
    except Exception:  # unreadable: a miss
        return None
