"""Frozen dataclasses passed between the pipeline stages.

discover -> extract (Reference, ParseError) -> resolve (Component, Resolution | Unresolved)
-> evaluate (Finding, ComponentResult, Report) -> report (strings).

Nothing here does I/O, so every stage can be tested on plain values.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from urllib.parse import quote


class Kind(str, enum.Enum):
    PACKAGE = "package"
    MODEL = "model"
    DATASET = "dataset"


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Verdict(str, enum.Enum):
    """How a component came out of the policy, used to group the text report."""

    DENIED = "denied"
    UNKNOWN = "unknown"
    WARNED = "warned"
    EXCEPTED = "excepted"
    ALLOWED = "allowed"


class Relation(str, enum.Enum):
    """What a model or dataset reference does for the repository."""

    USE = "use"  # loaded, pulled, served or trained on when the code runs: gated
    PUBLISH = "publish"  # a target the repository pushes to (push_to_hub, hub_model_id)
    MENTION = "mention"  # docs, comments, commented-out config: reported, gated per ai.mentions


class Role(str, enum.Enum):
    """A constant followed to where it is used keeps both places."""

    LITERAL = "literal"  # the line where the id is written
    USE = "use"  # the line where the constant holding it reaches a model


@dataclass(frozen=True, order=True)
class Place:
    """Where something was said: a repository-relative path and a 1-based line.

    Model and dataset references also say what the place does (``relation``) and whether
    the id is written there or only reaches a call there (``role``); both stay None for
    packages, policies and findings."""

    path: str
    line: int | None = None
    relation: Relation | None = None
    role: Role | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class Claim:
    """A licence stated at a reference (model card, GGUF header, Modelfile LICENSE...).

    A claim is evidence to be checked against what the component really carries, never
    the answer itself."""

    value: str
    place: Place
    field: str  # e.g. "card license", "general.license", "Modelfile LICENSE"


@dataclass(frozen=True)
class Reference:
    """One mention of a component in one input file, exactly as the file states it.

    ``version`` is set only when the file pins one exact version (a lockfile entry or
    ``==``); ``specifier`` keeps any looser constraint for version selection later.
    ``unresolvable`` carries the reason when the file points somewhere no registry can
    answer for (a VCS URL, a local path, a direct archive URL).
    """

    ecosystem: str
    name: str
    place: Place
    kind: Kind = Kind.PACKAGE
    version: str | None = None
    specifier: str = ""
    marker: str | None = None
    unresolvable: str | None = None
    constraint_only: bool = False
    revision: str | None = None  # a Hub revision (branch, tag or commit) pinned at the reference
    claims: tuple[Claim, ...] = ()
    # For a local model (a card, a GGUF, a Modelfile): the models it derives from, as
    # (ecosystem, name, relation) triples.
    bases: tuple[tuple[str, str, str], ...] = ()
    # An id-shaped literal whose context says nothing about models: counted only when the
    # Hub confirms it is a repository (online), never offline.
    weak: bool = False
    # A local path requirement (``-e .``, ``./libs/util``, ``file:../x``) as written,
    # relative to the referencing file: inside the repository it is the project's own code.
    local_path: str | None = None

    @property
    def relation(self) -> Relation:
        return self.place.relation or Relation.USE


@dataclass(frozen=True)
class ParseError:
    """An input that could not be read; reported, never fatal to the other inputs."""

    place: Place
    message: str
    # A file with template syntax ({{ }}, {% %}) that does not parse: it is rendered by
    # something else (Helm, Jinja) before use, so it is reported as skipped, not broken.
    template: bool = False


@dataclass(frozen=True)
class IndexOption:
    """A package index a repository file names: ``--index-url`` or ``--extra-index-url``
    in a requirements file, or the registry a lockfile recorded. The URL may hold
    credentials."""

    url: str
    extra: bool
    place: Place
    # recorded in a lockfile: the registry each locked package came from
    locked: bool = False


@dataclass(frozen=True)
class Project:
    """A project this repository builds (``[project] name`` in a pyproject.toml): a
    reference to it is the repository itself, never a dependency."""

    name: str
    place: Place


@dataclass(frozen=True)
class ExtractResult:
    references: tuple[Reference, ...] = ()
    errors: tuple[ParseError, ...] = ()
    # What the repository says about its own licence (pyproject ``license``, a licence
    # classifier): checked against the models it uses, never resolved as a component.
    claims: tuple[Claim, ...] = ()
    indexes: tuple[IndexOption, ...] = ()
    projects: tuple[Project, ...] = ()
    notes: tuple[str, ...] = ()  # how a file was read, when that is worth a line


def purl_for(ecosystem: str, name: str, version: str | None) -> str:
    """A package URL (purl) for a component. Versions are percent-encoded as the purl
    spec requires, so a local version like ``1.0+cpu`` stays one token."""
    base = f"pkg:{ecosystem}/{quote(name, safe='/')}"
    return f"{base}@{quote(version, safe='')}" if version else base


@dataclass(frozen=True)
class Component:
    """One thing whose licence matters: a package at a version, or a model revision."""

    ecosystem: str
    name: str
    version: str | None
    kind: Kind = Kind.PACKAGE

    @property
    def purl(self) -> str:
        if self.ecosystem == "ollama" and ":" in self.name:
            # An Ollama tag plays the part of a version: pkg:ollama/llama3.1@8b
            name, tag = self.name.split(":", 1)
            return purl_for(self.ecosystem, name, tag)
        return purl_for(self.ecosystem, self.name, self.version)

    @property
    def unversioned_purl(self) -> str:
        return purl_for(self.ecosystem, self.name.split(":", 1)[0] if self.ecosystem == "ollama"
                        else self.name, None)


@dataclass(frozen=True)
class Evidence:
    """Why we believe a licence: which source, which field, and the raw value read."""

    source: str  # installed | pypi | cache | manifest | ...
    field: str  # License-Expression | License | classifier | license text | version ...
    raw: str
    note: str | None = None
    url: str | None = None

    def describe(self) -> str:
        where = {
            "installed": "installed metadata",
            "pypi": "PyPI",
            "cache": "cache (PyPI)",
        }.get(self.source, self.source)
        raw = self.raw if len(self.raw) <= 60 else self.raw[:57].rstrip() + "..."
        text = f"from {where} {self.field}"
        if raw and raw != self.field:
            text += f" {raw!r}"
        if self.note:
            text += f" ({self.note})"
        return text


@dataclass(frozen=True)
class Bundled:
    """A licence that comes with a package without being the package's own: a library
    vendored into its wheel (numpy's libgfortran, GPL-3.0-or-later WITH
    GCC-exception-3.1), or a text beside its own licence that the metadata does not name.
    Reported under the ``bundled-license`` rule, never judged as the package's licence."""

    license: str
    evidence: Evidence
    name: str | None = None


@dataclass(frozen=True)
class Resolution:
    """A licence expression we could stand behind, with the evidence for it."""

    expression: str
    evidence: tuple[Evidence, ...]
    bundled: tuple[Bundled, ...] = ()
    # The metadata names several licences (classifiers, licence files) without saying
    # whether they are alternatives or all apply: ``expression`` offers them as
    # alternatives and these name them, for the ``license-ambiguous`` rule.
    ambiguous: tuple[str, ...] = ()


class Cause(str, enum.Enum):
    """Why a licence is unknown, so reports and hints need not parse the reason text."""

    NETWORK = "network"  # the registry could not be reached or answered badly
    OFFLINE = "offline"  # --offline and neither installed nor cached
    NOT_FOUND = "not-found"  # the registry has no such package or release
    NOT_REGISTRY = "not-registry"  # a VCS, URL or path requirement
    NO_LICENSE = "no-license"  # the metadata states nothing
    UNRECOGNISED = "unrecognised"  # the metadata states something we cannot normalise
    ACCESS = "access"  # 401/403: private, missing (anonymous 401) or a token refused
    NOT_IN_CATALOG = "not-in-catalog"  # offline, and the bundled catalog has no entry
    NO_TERMS = "no-terms"  # a hosted API or another model hub whose terms the catalog lacks
    TOO_DEEP = "too-deep"  # a lineage longer than the resolver follows


@dataclass(frozen=True)
class Unresolved:
    """No licence could be determined. Always carries a reason; never a silent pass."""

    reason: str
    cause: Cause
    evidence: tuple[Evidence, ...] = ()

    @property
    def network(self) -> bool:
        return self.cause is Cause.NETWORK


Outcome = Resolution | Unresolved


@dataclass(frozen=True)
class LineageHop:
    """One ancestor of a derived model: who it is, how the child derives from it, and
    the licence it carries (None when that could not be resolved)."""

    child: str
    parent: str
    relation: str  # finetune | adapter | quantized | merge | base
    license: str | None
    source: str  # where the hop was read: hub card, hub tags, GGUF header, catalog, ...
    note: str | None = None
    # Why the parent's licence is None: the parent could not be read (a 401, a 404, offline
    # with no catalog entry...). Such a hop fails the lineage check closed.
    cause: Cause | None = None

    @property
    def unreadable(self) -> bool:
        """The parent's terms are unknown for a reason the lineage check must report; a
        local file base is checked where that file is read, so it is not one."""
        return self.license is None and self.cause is not None and self.cause is not Cause.NOT_REGISTRY


@dataclass(frozen=True)
class ResolvedComponent:
    component: Component
    outcome: Outcome
    places: tuple[Place, ...]
    version_evidence: Evidence | None = None
    claims: tuple[Claim, ...] = ()
    lineage: tuple[LineageHop, ...] = ()
    # The Hub's gating ("auto" or "manual"): the licence is accepted on the Hub before the
    # files can be downloaded.
    gated: str | None = None

    @property
    def relation(self) -> Relation:
        """The strongest thing any reference does: one use makes the component a use."""
        found = {p.relation or Relation.USE for p in self.places} or {Relation.USE}
        for relation in (Relation.USE, Relation.PUBLISH, Relation.MENTION):
            if relation in found:
                return relation
        return Relation.USE  # pragma: no cover - the loop always returns


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    component: str | None = None  # purl
    places: tuple[Place, ...] = ()
    hint: str | None = None


@dataclass(frozen=True)
class ComponentResult:
    resolved: ResolvedComponent
    verdict: Verdict
    detail: str = ""  # why the verdict: which policy entry decided it
    chosen: str | None = None  # the OR alternative that satisfied the policy
    exception_reason: str | None = None

    @property
    def component(self) -> Component:
        return self.resolved.component


@dataclass(frozen=True)
class Report:
    components: tuple[ComponentResult, ...]
    findings: tuple[Finding, ...]
    policy_sources: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()
    offline: bool = False
    notes: tuple[str, ...] = field(default=())
    # The package indexes asked, primary first, without credentials, and where that
    # choice was made; empty when PyPI was asked by default or nothing was asked.
    indexes: tuple[str, ...] = ()
    indexes_origin: str = ""

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)

    @property
    def unresolved(self) -> int:
        return sum(1 for c in self.components if isinstance(c.resolved.outcome, Unresolved))

    @property
    def is_compliant(self) -> bool:
        return self.errors == 0
