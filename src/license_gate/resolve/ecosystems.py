"""Which resolver answers for which ecosystem: one entry per resolver.

The pipeline groups references by ecosystem and hands each group to the resolver its
entry names, built once a run from the run's settings. A new ecosystem (npm, say) needs
an extractor, a resolver that meets ``EcosystemResolver`` and one entry here; nothing
else in the pipeline names an ecosystem. Resolver modules are imported only when a run
has references for them, so that a run with nothing to resolve stays light.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from license_gate.resolve.http import HttpSettings

if TYPE_CHECKING:
    from license_gate.model import Reference, ResolvedComponent


class EcosystemResolver(Protocol):
    """Resolves the references of the ecosystems it serves to components with an
    outcome each; ``notes`` says what the report should know about the run (a cache
    set aside, an index skipped)."""

    notes: list[str]

    def resolve(self, refs: Sequence[Reference]) -> list[ResolvedComponent]: ...


@dataclass(frozen=True)
class RunSettings:
    """What any resolver may need from a run; each takes its own part."""

    offline: bool = False
    cache_dir: Path | None = None
    http: HttpSettings = field(default_factory=HttpSettings)
    # Python packages: a JSON API base, and the simple-API indexes pip or uv would use
    pypi_url: str = "https://pypi.org/pypi"
    indexes: tuple[str, ...] = ()
    search_path: Sequence[str] | None = None
    # models and datasets; None: HF_ENDPOINT, else https://huggingface.co
    hf_endpoint: str | None = None
    hf_token: str | None = None


def _python(settings: RunSettings) -> EcosystemResolver:
    from license_gate.resolve import Resolver, ResolveSettings

    return Resolver(ResolveSettings(offline=settings.offline, pypi_url=settings.pypi_url,
                                    cache_dir=settings.cache_dir, http=settings.http,
                                    search_path=settings.search_path, indexes=settings.indexes))


def _models(settings: RunSettings) -> EcosystemResolver:
    from license_gate.resolve.ai import AIResolver, AISettings
    from license_gate.resolve.huggingface import hf_endpoint_from_env

    return AIResolver(AISettings(offline=settings.offline,
                                 hf_endpoint=settings.hf_endpoint or hf_endpoint_from_env(),
                                 hf_token=settings.hf_token, cache_dir=settings.cache_dir,
                                 http=settings.http))


@dataclass(frozen=True)
class Entry:
    name: str
    ecosystems: frozenset[str] | None  # None: every ecosystem no other entry claims
    build: Callable[[RunSettings], EcosystemResolver]


ENTRIES = (
    Entry("python packages", frozenset({"pypi"}), _python),
    # models, datasets and hosted APIs: the Hub, Ollama, the catalog
    Entry("models", None, _models),
)


@cache  # asked for every reference of a run
def entry_for(ecosystem: str) -> Entry:
    return next((e for e in ENTRIES if e.ecosystems is not None and ecosystem in e.ecosystems),
                next(e for e in ENTRIES if e.ecosystems is None))


def is_package(ecosystem: str) -> bool:
    """A software package ecosystem (its references are dependencies, resolved by
    version), as opposed to a model or dataset source."""
    return entry_for(ecosystem).ecosystems is not None
