"""Which package indexes to ask: the ones pip (or uv) would use for this repository.

A gate that asks pypi.org for a package the organisation installs from its own index
leaks the internal name and invites dependency confusion, and comes back "unknown" for
every private package. So the indexes are discovered as the installers find them, first
match wins for the primary index:

1. ``--index-url`` / ``--extra-index-url`` on the command line (and in the action);
2. the same options inside the repository's requirements files;
3. the registries recorded in lockfiles (uv.lock's ``source = { registry = ... }``,
   poetry.lock's ``[package.source]``, Pipfile.lock's ``_meta.sources``, pylock.toml's
   ``index``), the first as primary;
4. pip's environment (``PIP_INDEX_URL``, ``PIP_EXTRA_INDEX_URL``), then pip's config
   files, loaded as pip loads them: global, then user, then site, then
   ``PIP_CONFIG_FILE``, each overriding the one before (``[global]`` then ``[install]``),
   and none at all when ``PIP_CONFIG_FILE`` is ``os.devnull``;
5. uv's environment (``UV_DEFAULT_INDEX``, ``UV_INDEX_URL``, ``UV_INDEX``,
   ``UV_EXTRA_INDEX_URL``), then ``[[tool.uv.index]]`` in the project's pyproject.toml,
   then ``uv.toml``'s ``[[index]]`` (uv does not read pip's files, nor pip uv's);
6. the public default, PyPI.

Extra indexes add to the primary one: pip merges them, so each is asked in turn for a
package the ones before it lack. Only http(s) indexes can be asked; a ``file://`` index
(a folder) is reported as skipped. URLs may carry credentials (``user:token@``); they are
used, and every printed form goes through ``redact``.
"""

from __future__ import annotations

import configparser
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from license_gate.model import IndexOption
from license_gate.resolve.http import redact

PYPI_SIMPLE = "https://pypi.org/simple"


@dataclass(frozen=True)
class Indexes:
    """The indexes to ask, primary first, and where that choice was made."""

    urls: tuple[str, ...]
    origin: str  # "default", "--index-url", "PIP_INDEX_URL", "/etc/pip.conf", ...
    skipped: tuple[str, ...] = ()  # indexes that cannot be asked over HTTP, redacted
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def default(self) -> bool:
        return self.origin == "default"

    def describe(self) -> str:
        shown = ", ".join(redact(u) for u in self.urls)
        return f"{shown} (from {self.origin})"


def _split_urls(value: str) -> list[str]:
    return [u for u in value.split() if u]


def _usable(urls: Sequence[str]) -> tuple[list[str], list[str]]:
    ok: list[str] = []
    skipped: list[str] = []
    for url in urls:
        (ok if url.lower().startswith(("http://", "https://")) else skipped).append(url.rstrip("/"))
    return list(dict.fromkeys(ok)), skipped


def pip_config_files(env: Mapping[str, str], prefix: str | None = None,
                     home: Path | None = None) -> list[Path]:
    """pip's config files in its loading order (later ones override earlier ones), or
    none when ``PIP_CONFIG_FILE`` is ``os.devnull``. After pip's documentation,
    "Configuration": global (``XDG_CONFIG_DIRS``'s ``pip/pip.conf``, ``/etc/pip.conf``),
    user (``~/.pip/pip.conf``, then ``$XDG_CONFIG_HOME/pip/pip.conf``), site
    (``<prefix>/pip.conf``), then the ``PIP_CONFIG_FILE`` file."""
    chosen = env.get("PIP_CONFIG_FILE")
    if chosen == os.devnull:
        return []
    home = home or Path.home()
    files: list[Path] = []
    if sys.platform == "win32":  # pragma: no cover - paths differ; same order
        program_data = env.get("ProgramData", r"C:\ProgramData")
        appdata = env.get("APPDATA", str(home / "AppData" / "Roaming"))
        files += [Path(program_data) / "pip" / "pip.ini", home / "pip" / "pip.ini",
                  Path(appdata) / "pip" / "pip.ini"]
    else:
        dirs = [d for d in env.get("XDG_CONFIG_DIRS", "/etc/xdg").split(os.pathsep) if d]
        files += [Path(d) / "pip" / "pip.conf" for d in reversed(dirs)]
        files.append(Path("/etc/pip.conf"))
        files.append(home / ".pip" / "pip.conf")
        files.append(Path(env.get("XDG_CONFIG_HOME") or home / ".config") / "pip" / "pip.conf")
    files.append(Path(prefix if prefix is not None else sys.prefix) /
                 ("pip.ini" if sys.platform == "win32" else "pip.conf"))
    if chosen:
        files.append(Path(chosen))
    return files


def _from_pip_files(files: Sequence[Path]) -> tuple[str | None, list[str], str, list[str]]:
    """(index-url, extra-index-urls, the file that set the primary, notes)."""
    index: str | None = None
    extra: list[str] = []
    origin = ""
    notes: list[str] = []
    for path in files:
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        parser = configparser.RawConfigParser()
        try:
            parser.read_string(text, source=str(path))
        except configparser.Error as exc:
            notes.append(f"pip config {path} not read ({str(exc).splitlines()[0]})")
            continue
        for section in ("global", "install"):  # [install] overrides [global] for pip install
            if not parser.has_section(section):
                continue
            for key in ("index-url", "index_url"):
                if parser.has_option(section, key):
                    index, origin = parser.get(section, key).strip(), str(path)
            for key in ("extra-index-url", "extra_index_url"):
                if parser.has_option(section, key):
                    extra = _split_urls(parser.get(section, key))  # a later file replaces
    return index or None, extra, origin, notes


def _from_uv(env: Mapping[str, str], root: Path | None) -> tuple[str | None, list[str], str]:
    """uv's primary index, extras and where: environment, then pyproject's
    ``[[tool.uv.index]]``, then ``uv.toml``'s ``[[index]]`` (``default = true`` marks the
    primary; others are extras, asked first in uv, here after the primary)."""
    primary = env.get("UV_DEFAULT_INDEX") or env.get("UV_INDEX_URL")
    extras = _split_urls(env.get("UV_INDEX", "")) + _split_urls(env.get("UV_EXTRA_INDEX_URL", ""))
    if primary or extras:
        return primary, extras, "UV_DEFAULT_INDEX" if env.get("UV_DEFAULT_INDEX") else (
            "UV_INDEX_URL" if primary else "UV_INDEX")
    if root is None:
        return None, [], ""
    for path, keys in ((root / "pyproject.toml", ("tool", "uv", "index")),
                       (root / "uv.toml", ("index",))):
        tables = _toml_tables(path, keys)
        if not tables:
            continue
        primary = next((t["url"] for t in tables if t.get("default") is True), None)
        extras = [t["url"] for t in tables if t.get("default") is not True and not t.get("explicit")]
        if primary or extras:
            return primary, extras, str(path.name)
    return None, [], ""


def _toml_tables(path: Path, keys: Sequence[str]) -> list[dict[str, Any]]:
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    from license_gate.extract._common import load_toml
    from license_gate.model import ParseError

    data: object = load_toml(text, str(path))
    if isinstance(data, ParseError):
        return []  # the extractors report a broken pyproject with its path
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    if not isinstance(data, list):
        return []
    return [t for t in data if isinstance(t, dict) and isinstance(t.get("url"), str)]


def _where(option: IndexOption) -> str:
    return f"{option.place.path}:{option.place.line}"


def discover(cli_index: str | None = None, cli_extra: Sequence[str] = (),
             options: Sequence[IndexOption] = (), env: Mapping[str, str] | None = None,
             root: Path | None = None, config_files: Sequence[Path] | None = None) -> Indexes:
    """The indexes ``pip install`` (or uv) would use here. As in pip, the primary index
    is the first of the command line, the requirements files, ``PIP_INDEX_URL`` and the
    config files that sets one; the extra indexes are the command line's, else the
    environment's, else the config files', plus every requirements file's."""
    env = os.environ if env is None else env
    files = pip_config_files(env) if config_files is None else config_files
    file_index, file_extra, file_origin, notes = _from_pip_files(files)
    locked = [o for o in options if o.locked]
    options = [o for o in options if not o.locked]
    file_primary = next((o for o in options if not o.extra), None)
    primaries = [(cli_index, "--index-url"),
                 (file_primary.url if file_primary else None,
                  _where(file_primary) if file_primary else ""),
                 # the registries a lockfile recorded: where the locked packages came from
                 (locked[0].url if locked else None, _where(locked[0]) if locked else ""),
                 (env.get("PIP_INDEX_URL"), "PIP_INDEX_URL"),
                 (file_index, file_origin)]
    primary, origin = next(((u, o) for u, o in primaries if u), (None, "default"))
    if cli_extra:
        extra, extra_origin = list(cli_extra), "--extra-index-url"
    elif env.get("PIP_EXTRA_INDEX_URL"):
        extra, extra_origin = _split_urls(env["PIP_EXTRA_INDEX_URL"]), "PIP_EXTRA_INDEX_URL"
    else:
        extra, extra_origin = file_extra, "pip config"
    extra += [o.url for o in options if o.extra]
    extra += [o.url for o in locked[1:]]
    if extra and primary is None:
        origin = next((_where(o) for o in options if o.extra), extra_origin) \
            if not file_extra or cli_extra or env.get("PIP_EXTRA_INDEX_URL") else extra_origin
    if primary is None and not extra:
        uv_primary, uv_extra, where = _from_uv(env, root)
        if uv_primary or uv_extra:
            primary, extra, origin = uv_primary, uv_extra, where
    urls, skipped = _usable([primary or PYPI_SIMPLE, *extra])
    if skipped:
        notes.append("skipped indexes that are not http(s): "
                     + ", ".join(redact(u) for u in skipped))
    if urls == [PYPI_SIMPLE] and not primary:
        origin = "default"  # only unusable extras were configured
    return Indexes(tuple(urls), origin, tuple(redact(u) for u in skipped), tuple(notes))


def is_pypi(url: str) -> bool:
    """PyPI's own simple API, whose JSON API the resolver may use as a fast path."""
    return url.rstrip("/").lower() in ("https://pypi.org/simple", "https://pypi.python.org/simple")
