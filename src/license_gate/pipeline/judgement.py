"""The judge stage: what was extracted, resolved by each ecosystem's resolver and
evaluated against the policy. The repository's own project and local checkpoints are
not components; bare id-shaped strings are confirmed with the Hub unless offline."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from license_gate.model import IndexOption, Project, Reference, Report, ResolvedComponent
    from license_gate.pipeline.extraction import Extracted
    from license_gate.pipeline.options import CheckOptions
    from license_gate.policy import Policy
    from license_gate.resolve.ecosystems import EcosystemResolver, Entry, RunSettings
    from license_gate.resolve.indexes import Indexes


def choose_indexes(options: CheckOptions, found: Sequence[IndexOption], root: Path | None
                   ) -> tuple[Indexes | None, list[str]]:
    """The simple-API indexes to ask (None: PyPI by default, or a JSON API named with
    --pypi-url / LICENSE_GATE_PYPI_URL and no index flag) and notes for the report."""
    from license_gate.resolve.indexes import discover

    if not (options.index_url or options.extra_index_urls) and options.pypi_url:
        return None, []
    chosen = discover(options.index_url, list(options.extra_index_urls), found, root=root)
    notes = [] if options.offline else list(chosen.notes)  # offline, no index is asked
    return (None if chosen.default else chosen), notes


def drop_local_paths(refs: list[Reference], root: Path) -> list[Reference]:
    """A Hub-looking id that names a path in the repository (``models/my-model`` passed
    to from_pretrained) is a local checkpoint, not a Hub repository."""
    import os

    top = str(root)
    # asked once per file and id: a large library names ids thousands of times
    local: dict[tuple[str, str], bool] = {}
    seen: dict[str, bool] = {}

    def exists(path: str) -> bool:
        if path not in seen:
            seen[path] = os.path.exists(path)
        return seen[path]

    kept = []
    for ref in refs:
        if ref.ecosystem == "huggingface":
            key = (ref.place.path, ref.name)
            if key not in local:
                base = os.path.dirname(os.path.join(top, ref.place.path))
                local[key] = exists(os.path.join(top, ref.name)) or \
                    exists(os.path.join(base, ref.name))
            if local[key]:
                continue
        kept.append(ref)
    return kept


def own_project(refs: list[Reference], projects: Sequence[Project], root: Path
                 ) -> tuple[list[Reference], list[str]]:
    """The repository's own project is not its dependency: a requirement on a name some
    pyproject.toml here declares (``my-app[test]`` in its own extras), or on a folder inside
    the repository (``-e .``, ``./libs/util``), is dropped with one note for each. A
    folder outside the repository stays a component, named after that folder."""
    from collections import defaultdict
    from dataclasses import replace

    from license_gate.extract._common import canonical_name

    own = {p.name: p.place for p in projects}
    top = root.resolve()
    named: dict[str, list[str]] = defaultdict(list)
    folders: dict[str, list[str]] = defaultdict(list)
    kept: list[Reference] = []
    for ref in refs:
        where = f"{ref.place.path}:{ref.place.line}" if ref.place.line else ref.place.path
        if ref.local_path is not None:
            target = ((root / ref.place.path).parent / ref.local_path).resolve()
            if target == top or top in target.parents:
                folders[target.relative_to(top).as_posix() or "."].append(where)
                continue
            if not ref.name.strip(".-"):
                ref = replace(ref, name=canonical_name(target.name))
        elif ref.name in own:
            named[ref.name].append(where)
            continue
        kept.append(ref)
    notes = [f"{name} is this repository's own project ({own[name].path}:{own[name].line}), "
             f"not a dependency: named at {', '.join(places)}" for name, places in named.items()]
    notes += [f"the local path {folder!r} is this repository's own code, not a dependency: "
              f"required at {', '.join(places)}" for folder, places in folders.items()]
    return kept, notes



def run_settings(options: CheckOptions, indexes: Indexes | None) -> RunSettings:
    """What the resolvers are given of the options."""
    from license_gate.resolve.ecosystems import RunSettings
    from license_gate.resolve.http import HttpSettings
    from license_gate.resolve.pypi import DEFAULT_PYPI_URL

    return RunSettings(
        offline=options.offline,
        cache_dir=options.cache_dir,
        http=HttpSettings(timeout=options.timeout, retries=options.retries, jobs=options.jobs,
                          progress=options.progress),
        pypi_url=options.pypi_url or DEFAULT_PYPI_URL,
        indexes=indexes.urls if indexes else (),
        hf_token=options.hf_token,
    )


def judge(root: Path, policy: Policy, extracted: Extracted, options: CheckOptions) -> Report:
    """Resolve what was extracted and evaluate it: the part a baseline run repeats."""
    from license_gate.evaluate import evaluate
    from license_gate.resolve.ecosystems import ENTRIES, entry_for, is_package

    indexes, index_notes = choose_indexes(options, extracted.indexes, root)
    settings = run_settings(options, indexes)
    references = extracted.references
    packages, own_notes = own_project([r for r in references if is_package(r.ecosystem)],
                                       extracted.projects, root)
    ai_refs = drop_local_paths([r for r in references if not is_package(r.ecosystem)], root)
    if policy.mentions == "ignore":
        from license_gate.model import Relation

        ai_refs = [r for r in ai_refs if r.relation is not Relation.MENTION]
    weak = [r for r in ai_refs if r.weak]
    ai_refs = [r for r in ai_refs if not r.weak]
    confirm_offline = options.offline or options.no_confirm
    # which index would be asked says nothing to a run with no packages
    notes = [*policy.notes, *extracted.skipped, *own_notes, *(index_notes if packages else [])]
    built: dict[str, EcosystemResolver] = {}

    def resolver_of(entry: Entry) -> EcosystemResolver:
        if entry.name not in built:  # one resolver a run, for all its ecosystems
            built[entry.name] = entry.build(settings)
        return built[entry.name]

    if weak and not confirm_offline:
        from license_gate.resolve.ai import AIResolver

        # bare id-shaped strings: only the Hub can say which are models
        hub = resolver_of(entry_for("huggingface"))
        assert isinstance(hub, AIResolver)
        ai_refs += hub.confirm(weak)
    groups: dict[str, list[Reference]] = {}
    for ref in [*packages, *ai_refs]:
        groups.setdefault(entry_for(ref.ecosystem).name, []).append(ref)
    resolved: list[ResolvedComponent] = []
    progress = options.progress
    for entry in ENTRIES:  # in the entries' order: packages, then models
        if entry.name in groups:
            count = len({(r.ecosystem, r.name.lower()) for r in groups[entry.name]})
            if progress is not None:
                progress.set(entry.name, 0, count)
            resolved += resolver_of(entry).resolve(groups[entry.name])
            if progress is not None:
                progress.set(entry.name, count, count)
    for resolver in built.values():
        notes += [n for n in resolver.notes if n not in notes]
    if weak and confirm_offline:
        count = len({(r.kind, r.name) for r in weak})
        why = "offline" if options.offline else "--no-confirm"
        notes.append(f"{count} id-shaped string(s) without model context were not checked "
                     f"({why}); run online to let the Hub confirm which are models")
    unreachable = _unreachable(resolved)
    if unreachable:
        notes.append(f"could not reach {unreachable}: those licences are reported as unknown, "
                     "never as passed; rerun when the network is back, or use --offline with a "
                     "cache warmed by an online run")
    inputs = sorted({r.place.path for r in references} | {e.place.path for e in extracted.errors})
    from license_gate.resolve.http import redact

    shown = indexes if indexes and not options.offline and packages else None
    report = evaluate(policy, resolved, list(extracted.errors), inputs=inputs,
                      offline=options.offline,
                      notes=notes, project_claims=list(extracted.claims),
                      indexes=tuple(redact(u) for u in shown.urls) if shown else (),
                      indexes_origin=shown.origin if shown else "")
    return report





# Where a network reason names its host: "refused by HOST", "HOST timed out", a URL.
_HOST_IN_REASON = re.compile(r"(?:refused by |no route to |host )([\w.-]+(?::\d+)?)"
                             r"|^(?:network: )?([\w.-]+(?::\d+)?) timed out"
                             r"|https?://(?:[^@/\s)]*@)?([^/\s)]+)")


def _unreachable(resolved: Sequence[ResolvedComponent]) -> str:
    """One line for all registry failures: which registry, which hosts, how many
    components ("the Hugging Face Hub (127.0.0.1:9) for 5 models")."""
    from license_gate.model import Unresolved
    from license_gate.resolve.ecosystems import is_package

    failed: dict[str, tuple[set[str], list[str]]] = {}
    for r in resolved:
        outcome = r.outcome
        if not (isinstance(outcome, Unresolved) and outcome.network):
            continue
        package = is_package(r.component.ecosystem)
        registry = "the package index" if package else "the Hugging Face Hub"
        hosts, names = failed.setdefault(registry, (set(), []))
        found = _HOST_IN_REASON.search(outcome.reason)
        if found:
            hosts.add(next(g for g in found.groups() if g))
        names.append("package" if package else r.component.kind.value)
    parts = []
    for registry, (hosts, names) in failed.items():
        counts = ", ".join(f"{names.count(n)} {n}{'s' if names.count(n) > 1 else ''}"
                           for n in dict.fromkeys(names))
        where = f" ({', '.join(sorted(hosts))})" if hosts else ""
        parts.append(f"{registry}{where} for {counts}")
    return "; ".join(parts)
