"""What a check run is asked to do, built once (by the command line, the action or the
bench) and read by every stage; no stage sees argparse or reads the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from license_gate.progress import ProgressSink


@dataclass(frozen=True)
class CheckOptions:
    offline: bool = False
    # None: neither read nor write the cache
    cache_dir: Path | None = None
    timeout: float = 10.0
    retries: int = 3
    jobs: int = 16
    # a PyPI JSON API named by the user (flag or LICENSE_GATE_PYPI_URL); None: the indexes
    # pip or uv would use, else PyPI
    pypi_url: str | None = None
    index_url: str | None = None
    extra_index_urls: tuple[str, ...] = ()
    # bare id-shaped strings are not sent to the Hub to confirm
    no_confirm: bool = False
    hf_token: str | None = None
    # repository paths not to read (the command line's; the policy adds its own)
    exclude: tuple[str, ...] = ()
    # processes that extract files: None chooses (a pool only for large scans on more
    # than one core), 1 extracts in the run's own process
    workers: int | None = None
    # told as files are scanned, components resolved and requests answered
    progress: ProgressSink | None = field(default=None, compare=False, repr=False)


def default_cache_dir() -> Path:
    """``LICENSE_GATE_CACHE_DIR``, else the user cache directory. Here rather than beside
    the cache itself, so that choosing it costs a run with nothing to check no import of
    the resolvers."""
    env = os.environ.get("LICENSE_GATE_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("license-gate", appauthor=False))
