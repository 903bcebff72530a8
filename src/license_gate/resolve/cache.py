"""A persistent cache of registry answers, shared safely by concurrent runs.

sqlite3 in WAL mode gives atomic writes and lets many readers work beside one writer,
which is what eight CI jobs sharing one cache directory need. Releases are keyed by
(ecosystem, name, version): a published release's metadata does not change, so those
entries never expire. Release lists ("what is the latest version?") do change, so they
carry a timestamp and a TTL. Only successful answers are stored; a failure is never an
answer.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from license_gate.resolve.interface import Key, RawMetadata, ResolveError

SCHEMA_VERSION = 1
PROJECT_TTL_SECONDS = 24 * 3600


class CacheError(ResolveError):
    pass


class Cache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / "cache.sqlite3"
        self.warnings: list[str] = []
        self._conn: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._conn is not None:
            return self._conn
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CacheError(f"cannot create cache directory {self.directory}: {exc}") from exc
        try:
            self._conn = self._open_when_free()
        except sqlite3.DatabaseError as exc:
            # A damaged file must not stop the gate: set it aside and start afresh.
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
            try:
                os.replace(self.path, aside)
            except OSError as move_exc:
                raise CacheError(f"cache {self.path} is damaged and cannot be moved: {move_exc}") from exc
            self.warnings.append(f"cache {self.path} was damaged ({exc}); moved to {aside.name} and rebuilt")
            self._conn = self._open()
        return self._conn

    def _open_when_free(self) -> sqlite3.Connection:
        """Open, waiting out another process that holds the file (creating it, or
        switching it to WAL). A busy file is not a damaged one: setting it aside would
        throw away every other run's entries, so after a bounded wait this run goes on
        without the cache instead."""
        for attempt in range(6):
            try:
                return self._open()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if attempt == 5:
                    raise CacheError(f"cache {self.path} stayed busy: {exc}") from exc
                time.sleep(0.05 * 2 ** attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS release (ecosystem TEXT, name TEXT, version TEXT, "
                "payload TEXT NOT NULL, fetched REAL NOT NULL, "
                "PRIMARY KEY (ecosystem, name, version))"
            )
            conn.execute(
                "CREATE TABLE IF NOT EXISTS project (ecosystem TEXT, name TEXT, "
                "payload TEXT NOT NULL, fetched REAL NOT NULL, PRIMARY KEY (ecosystem, name))"
            )
            conn.execute(
                "CREATE TABLE IF NOT EXISTS entry (namespace TEXT, key TEXT, payload TEXT NOT NULL, "
                "fetched REAL NOT NULL, PRIMARY KEY (namespace, key))"
            )
            # what each repository file said (pipeline.extraction_cache)
            conn.execute(
                "CREATE TABLE IF NOT EXISTS extraction (abspath TEXT, display TEXT, format TEXT, "
                "version TEXT, size INTEGER, mtime_ns INTEGER, ino INTEGER, blob TEXT, "
                "payload BLOB NOT NULL, deps BLOB NOT NULL, stored REAL NOT NULL, "
                "PRIMARY KEY (abspath, format))"
            )
            conn.execute("CREATE INDEX IF NOT EXISTS extraction_blob ON extraction (blob)")
            conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            conn.execute(
                "INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),)
            )
            # Touch the tables so a garbage file fails here, inside the recovery path.
            conn.execute("SELECT count(*) FROM release").fetchone()
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def get_releases(self, ecosystem: str, keys: Sequence[Key]) -> dict[Key, RawMetadata]:
        if not keys:
            return {}
        conn = self._connect()
        out: dict[Key, RawMetadata] = {}
        try:
            for name, version in keys:
                row = conn.execute(
                    "SELECT payload FROM release WHERE ecosystem=? AND name=? AND version=?",
                    (ecosystem, name, version),
                ).fetchone()
                if row is None:
                    continue
                try:
                    out[(name, version)] = RawMetadata.from_json(json.loads(row[0]))
                except (ValueError, AttributeError):
                    continue  # an unreadable entry is a miss; the next fetch replaces it
        except sqlite3.DatabaseError as exc:
            raise CacheError(f"cannot read cache {self.path}: {exc}") from exc
        return out

    def put_releases(self, ecosystem: str, items: Iterable[tuple[Key, RawMetadata]]) -> None:
        rows = [
            (ecosystem, name, version, json.dumps(meta.to_json()), time.time())
            for (name, version), meta in items
        ]
        self._write("INSERT OR REPLACE INTO release VALUES (?, ?, ?, ?, ?)", rows)

    def get_project(
        self, ecosystem: str, name: str, max_age: float | None
    ) -> tuple[list[str], float] | None:
        conn = self._connect()
        try:
            row = conn.execute(
                "SELECT payload, fetched FROM project WHERE ecosystem=? AND name=?",
                (ecosystem, name),
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            raise CacheError(f"cannot read cache {self.path}: {exc}") from exc
        if row is None:
            return None
        if max_age is not None and time.time() - row[1] > max_age:
            return None
        try:
            versions = json.loads(row[0])
        except ValueError:
            return None
        if not isinstance(versions, list):
            return None
        return [str(v) for v in versions], float(row[1])

    def put_project(self, ecosystem: str, name: str, versions: Sequence[str]) -> None:
        self._write("INSERT OR REPLACE INTO project VALUES (?, ?, ?, ?)",
                    [(ecosystem, name, json.dumps(list(versions)), time.time())])

    def get_entry(self, namespace: str, key: str, max_age: float | None) -> dict[str, Any] | None:
        """A JSON object stored under (namespace, key), if younger than max_age seconds."""
        conn = self._connect()
        try:
            row = conn.execute("SELECT payload, fetched FROM entry WHERE namespace=? AND key=?",
                               (namespace, key)).fetchone()
        except sqlite3.DatabaseError as exc:
            raise CacheError(f"cannot read cache {self.path}: {exc}") from exc
        if row is None or (max_age is not None and time.time() - row[1] > max_age):
            return None
        try:
            value = json.loads(row[0])
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def put_entries(self, namespace: str, items: Iterable[tuple[str, dict[str, Any]]]) -> None:
        rows = [(namespace, key, json.dumps(value), time.time()) for key, value in items]
        self._write("INSERT OR REPLACE INTO entry VALUES (?, ?, ?, ?)", rows)

    def connection(self) -> sqlite3.Connection:
        """The open database, for a table kept by another module (the extraction
        cache). Raises CacheError as every other read does."""
        try:
            return self._connect()
        except sqlite3.DatabaseError as exc:
            raise CacheError(f"cannot read cache {self.path}: {exc}") from exc

    def write_many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        self._write(sql, rows)

    def _write(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """One transaction per batch; BEGIN IMMEDIATE takes the write lock up front so
        concurrent runs queue on busy_timeout instead of failing mid-transaction."""
        if not rows:
            return
        conn = self._connect()
        try:
            with conn:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany(sql, rows)
        except sqlite3.DatabaseError as exc:
            raise CacheError(f"cannot write cache {self.path}: {exc}") from exc

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
