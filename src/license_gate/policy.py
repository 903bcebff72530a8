"""Load, validate and merge the policy.

A policy comes from ``--policy FILE``, else ``.license-gate.yaml`` (or ``.yml``) at the
root, else ``[tool.license-gate]`` in the root ``pyproject.toml``, else the built-in
``default`` profile. A policy may ``extends:`` built-in profiles and other files; later
layers refine earlier ones. Every problem raises PolicyError naming the file, the key
and, where it can be known, the line, and the CLI turns it into exit code 2.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from license_gate.model import Place

if TYPE_CHECKING:
    from license_gate.remote_policy import RemotePolicies

ACTIONS = ("allow", "warn", "error")
UNKNOWN_ACTIONS = ("error", "warn", "ignore")
POLICY_FILES = (".license-gate.yaml", ".license-gate.yml")
MAX_EXTENDS_DEPTH = 10

_TOP_KEYS = {"version", "extends", "unknown", "licenses", "ai", "context", "exceptions", "locked",
             "paths", "parse-errors", "packages"}
PARSE_ERROR_ACTIONS = ("error", "warn")
# Rules a policy can lock: exact keys, or a section that locks every key under it.
_LOCKABLE = ("unknown", "licenses.default", "licenses.osi-approved", "licenses.allow",
             "licenses.deny", "licenses.categories", "ai.open-washing", "ai.lineage",
             "ai.mentions", "ai.restrictions", "context", "exceptions", "paths.exclude",
             "parse-errors", "packages.bundled-license", "packages.license-ambiguous")
# packages.<rule>: how a package's licence facts beyond its own licence are reported.
# bundled-license: a licence shipped inside the package for something it vendors (numpy's
# libgfortran); license-ambiguous: licences named without saying whether all apply.
# Their defaults are the Policy fields' (bundled_license, license_ambiguous).
_PACKAGE_RULES = ("bundled-license", "license-ambiguous")
_STRICTNESS = {"error": 3, "warn": 2, "info": 1, "allow": 0, "ignore": 0, None: 0}
_LICENSE_KEYS = {"allow", "deny", "categories", "default", "osi-approved"}
_AI_KEYS = {"restrictions", "open-washing", "lineage", "mentions"}
RULE_ACTIONS = ("error", "warn", "ignore")
# How a model or dataset that is only mentioned (docs, comments) is reported.
MENTION_ACTIONS = ("error", "warn", "info", "ignore")
_CONTEXT_KEYS = {"commercial", "monthly-active-users", "annual-revenue-usd", "regions", "military"}
_EXCEPTION_KEYS = {"component", "versions", "license", "reason", "expires", "owner"}


class PolicyError(Exception):
    def __init__(self, file: str, key: str, message: str, line: int | None = None) -> None:
        self.file, self.key, self.line, self.message = file, key, line, message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")


@dataclass(frozen=True)
class PolicyException:
    component: str  # pkg:<type>/<name>, no version
    reason: str
    place: Place
    versions: str | None = None
    license: str | None = None
    expires: dt.date | None = None
    owner: str | None = None


@dataclass(frozen=True)
class Context:
    """The organisation's situation, against which AI licence facets are judged.
    None means "not stated": the facet then gets the policy's plain action."""

    commercial: bool | None = None
    monthly_active_users: int | None = None
    annual_revenue_usd: int | None = None
    regions: tuple[str, ...] | None = None
    military: bool | None = None

    def is_empty(self) -> bool:
        return self == Context()


@dataclass(frozen=True)
class RuleLayer:
    """One layer's own licence rules. The judge consults layers nearest first (the
    repository's file, then what it extends): the first with an opinion about a licence
    decides, and within a layer the documented order holds."""

    file: str
    allow: Mapping[str, int | None] = field(default_factory=dict)  # expression -> line
    deny: Mapping[str, int | None] = field(default_factory=dict)
    osi_approved: tuple[str, int | None] | None = None
    categories: Mapping[str, tuple[str, int | None]] = field(default_factory=dict)
    # A layer that sets ai.restrictions judges every AI licence with known terms by its facets.
    restrictions: bool = False

    def place(self, line: int | None) -> str:
        return f" ({self.file}:{line})" if line else f" ({self.file})"


@dataclass(frozen=True)
class Policy:
    unknown: str = "error"
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    categories: Mapping[str, str] = field(default_factory=dict)
    default: str = "error"
    osi_approved: str | None = None  # allow | warn | error for OSI-approved ids; None: no rule
    # facet -> error | warn | ignore; empty: AI licences are judged by category alone
    restrictions: Mapping[str, str] = field(default_factory=dict)
    open_washing: str = "error"
    lineage: str = "error"
    mentions: str = "info"  # error | warn | info | ignore for mention-only components
    context: Context = field(default_factory=Context)
    exceptions: tuple[PolicyException, ...] = ()
    # Globs of repository paths not read (paths.exclude, every layer's together).
    exclude: tuple[str, ...] = ()
    parse_errors: str = "error"  # error | warn: a file that cannot be read
    bundled_license: str = "info"  # error | warn | info | ignore (packages.bundled-license)
    license_ambiguous: str = "warn"  # error | warn | info | ignore (packages.license-ambiguous)
    sources: tuple[str, ...] = ()
    # rule key (e.g. "licenses.categories.Copyleft") -> where it was last set
    origins: Mapping[str, Place] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # e.g. a remote policy served from the cache
    # Each layer's licence rules, nearest first; empty for a policy built in code, which
    # is then one layer of its merged rules.
    layers: tuple[RuleLayer, ...] = ()
    # licenses.deny entries a layer locked: checked before any layer, so no nearer layer's
    # blanket rule (an osi-approved or category allow) can lift them.
    locked_deny: Mapping[str, Place] = field(default_factory=dict)

    def origin(self, key: str) -> str:
        place = self.origins.get(key)
        return f" ({place})" if place else ""

    def rule_layers(self) -> tuple[RuleLayer, ...]:
        if self.layers:
            return self.layers
        return (RuleLayer(
            "policy", {e: None for e in self.allow}, {e: None for e in self.deny},
            (self.osi_approved, None) if self.osi_approved else None,
            {k: (v, None) for k, v in self.categories.items()}, bool(self.restrictions)),)


# ---------------------------------------------------------------- reading files


class _Lines:
    """Maps key paths like ('licenses', 'allow', 2) to 1-based lines."""

    def __init__(self, lines: dict[tuple[Any, ...], int] | None = None) -> None:
        self.lines = lines or {}

    def get(self, *path: Any) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


def _yaml_load(text: str, file: str) -> tuple[Any, _Lines]:
    import yaml

    from license_gate.yamlsafe import YAMLLoadError, construct, walk

    try:
        data, node = construct(text)
    except YAMLLoadError as exc:
        raise PolicyError(file, "", str(exc), exc.line) from exc
    lines: dict[tuple[Any, ...], int] = {}
    for path, key_node, value_node in walk(node):
        lines[path] = value_node.start_mark.line + 1
        if key_node is not None:
            lines[path] = key_node.start_mark.line + 1
        if isinstance(value_node, yaml.MappingNode):
            keys = [k.value for k, _ in value_node.value]
            duplicates = {k for k in keys if keys.count(k) > 1}
            if duplicates:
                key = sorted(duplicates, key=str)[0]
                second = [k for k, _ in value_node.value if k.value == key][1]
                raise PolicyError(file, ".".join(map(str, (*path, key))), "duplicate key",
                                  second.start_mark.line + 1)
    return data, _Lines(lines)


def _toml_policy(path: Path, display: str) -> tuple[Any, _Lines] | None:
    from license_gate.extract._common import line_of, load_toml
    from license_gate.model import ParseError

    text = path.read_text("utf-8")
    data = load_toml(text, display)
    if isinstance(data, ParseError):
        raise PolicyError(display, "", data.message, data.place.line)
    tool = data.get("tool", {})
    if not isinstance(tool, dict) or "license-gate" not in tool:
        return None
    start = line_of(text, "[tool.license-gate") or 1
    lines: dict[tuple[Any, ...], int] = {(): start}
    # tomllib keeps no positions; find each key's first line after the section header.
    for number, line in enumerate(text.splitlines()[start - 1:], start=start):
        stripped = line.strip()
        if stripped.startswith("[tool.license-gate"):
            sub = stripped.strip("[]").removeprefix("tool.license-gate").lstrip(".")
            if sub:
                lines.setdefault(tuple(sub.split(".")), number)
        elif "=" in stripped:
            key = stripped.split("=", 1)[0].strip().strip('"')
            lines.setdefault((key,), number)
    return tool["license-gate"], _Lines(lines)


def _builtin_dir() -> Path:
    # A plain path next to this module (wheels install unpacked); importlib.resources
    # would cost a few milliseconds of imports on every run for the same answer.
    packaged = Path(__file__).parent / "policies"
    if packaged.is_dir():
        return packaged
    # A source checkout or editable install: the profiles sit at the repository root.
    return Path(__file__).resolve().parents[2] / "policies"


def builtin_names() -> list[str]:
    return sorted(p.stem for p in _builtin_dir().glob("*.yaml"))


# ---------------------------------------------------------------- validation


def _expression(value: Any, file: str, key: str, line: int | None) -> str:
    import re

    from license_gate.knowledge import licensing

    if not isinstance(value, str) or not value.strip():
        raise PolicyError(file, key, f"expected a licence id or expression, got {value!r}", line)
    # An organisation's own LicenseRef-... ids (an NVIDIA or in-house licence) are ids like
    # any other; only their syntax can be checked (SPDX: letters, digits, "." and "-").
    for ref in re.findall(r"LicenseRef-\S*", value):
        ref = ref.rstrip(")")
        if not re.fullmatch(r"LicenseRef-[A-Za-z0-9.-]+", ref):
            raise PolicyError(file, key, f"{ref!r} is not a valid LicenseRef id (after "
                              "'LicenseRef-' only letters, digits, '.' and '-')", line)
    try:
        return str(licensing.render(licensing.parse(value, allow_custom_refs=True)))
    except licensing.LicenseParseError as exc:
        raise PolicyError(file, key, str(exc), line) from exc


def _choice(value: Any, allowed: tuple[str, ...], file: str, key: str, line: int | None) -> str:
    if value not in allowed:
        raise PolicyError(file, key, f"must be one of {', '.join(allowed)}, got {value!r}", line)
    return str(value)


def _string_list(value: Any, file: str, key: str, line: int | None) -> list[Any]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise PolicyError(file, key, f"expected a list, got {type(value).__name__}", line)
    return value


def _check_keys(data: Mapping[str, Any], allowed: set[str], file: str, prefix: str,
                lines: _Lines, path: tuple[Any, ...]) -> None:
    import difflib

    for key in data:
        if key not in allowed:
            shown = f"{prefix}{key}"
            close = difflib.get_close_matches(str(key), sorted(allowed), n=1, cutoff=0.6)
            hint = f"did you mean {prefix}{close[0]}? " if close else ""
            raise PolicyError(
                file, shown,
                f"unknown key ({hint}expected one of: {', '.join(sorted(allowed))})",
                lines.get(*path, key),
            )


def _exception(item: Any, index: int, file: str, lines: _Lines) -> PolicyException:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    from license_gate.extract._common import canonical_name

    key = f"exceptions[{index}]"
    line = lines.get("exceptions", index)
    if not isinstance(item, dict):
        raise PolicyError(file, key, "expected a mapping", line)
    _check_keys(item, _EXCEPTION_KEYS, file, f"{key}.", lines, ("exceptions", index))
    component = item.get("component")
    if not isinstance(component, str) or not component.startswith("pkg:") or "/" not in component:
        raise PolicyError(file, f"{key}.component",
                          f"expected a package URL such as pkg:pypi/name, got {component!r}",
                          lines.get("exceptions", index, "component"))
    if "@" in component:
        raise PolicyError(file, f"{key}.component",
                          "put versions in 'versions:', not in the package URL",
                          lines.get("exceptions", index, "component"))
    kind, _, name = component[4:].partition("/")
    if kind == "pypi":
        name = canonical_name(name)
    reason = item.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise PolicyError(file, f"{key}.reason", "every exception needs a reason",
                          lines.get("exceptions", index, "reason") or line)
    versions = item.get("versions")
    if versions is not None:
        try:
            SpecifierSet(str(versions))
        except InvalidSpecifier as exc:
            raise PolicyError(file, f"{key}.versions", f"not a PEP 440 specifier: {exc}",
                              lines.get("exceptions", index, "versions")) from exc
    license_expr = None
    if item.get("license") is not None:
        license_expr = _expression(item["license"], file, f"{key}.license",
                                   lines.get("exceptions", index, "license"))
    expires = item.get("expires")
    if expires is not None:
        if isinstance(expires, dt.datetime):
            expires = expires.date()
        elif isinstance(expires, str):
            try:
                expires = dt.date.fromisoformat(expires)
            except ValueError as exc:
                raise PolicyError(file, f"{key}.expires",
                                  f"expected a date like 2027-06-30, got {expires!r}",
                                  lines.get("exceptions", index, "expires")) from exc
        elif not isinstance(expires, dt.date):
            raise PolicyError(file, f"{key}.expires",
                              f"expected a date like 2027-06-30, got {expires!r}",
                              lines.get("exceptions", index, "expires"))
    owner = item.get("owner")
    if owner is not None and not isinstance(owner, str):
        raise PolicyError(file, f"{key}.owner", "expected a string",
                          lines.get("exceptions", index, "owner"))
    return PolicyException(
        component=f"pkg:{kind}/{name}", reason=reason.strip(), place=Place(file, line),
        versions=str(versions) if versions is not None else None, license=license_expr,
        expires=expires, owner=owner,
    )


def _section(section: Any, name: str, allowed: set[str], file: str, lines: _Lines) -> dict[str, Any]:
    """A top-level mapping whose keys must all be known."""
    if not isinstance(section, dict):
        raise PolicyError(file, name, "expected a mapping", lines.get(name))
    _check_keys(section, allowed, file, f"{name}.", lines, (name,))
    return section


def _ai(raw: Any, file: str, lines: _Lines) -> dict[str, Any]:
    from license_gate.knowledge.terms import FACETS

    section = _section(raw, "ai", _AI_KEYS, file, lines)
    out: dict[str, Any] = {}
    for key in ("open-washing", "lineage"):
        if key in section:
            out[key] = _choice(section[key], RULE_ACTIONS, file, f"ai.{key}", lines.get("ai", key))
    if "mentions" in section:
        out["mentions"] = _choice(section["mentions"], MENTION_ACTIONS, file, "ai.mentions",
                                  lines.get("ai", "mentions"))
    if "restrictions" in section:
        restrictions = section["restrictions"] or {}
        if not isinstance(restrictions, dict):
            raise PolicyError(file, "ai.restrictions", "expected a mapping of facet: action",
                              lines.get("ai", "restrictions"))
        for facet, action in restrictions.items():
            line = lines.get("ai", "restrictions", facet)
            if facet not in FACETS:
                raise PolicyError(file, f"ai.restrictions.{facet}",
                                  f"unknown facet (expected one of: {', '.join(FACETS)})", line)
            _choice(action, RULE_ACTIONS, file, f"ai.restrictions.{facet}", line)
        out["restrictions"] = {k: (v, lines.get("ai", "restrictions", k))
                               for k, v in restrictions.items()}
    return out


def _context(raw: Any, file: str, lines: _Lines) -> dict[str, Any]:
    section = _section(raw, "context", _CONTEXT_KEYS, file, lines)
    out: dict[str, Any] = {}
    for key in ("commercial", "military"):
        if key in section:
            if not isinstance(section[key], bool):
                raise PolicyError(file, f"context.{key}", f"expected true or false, got "
                                  f"{section[key]!r}", lines.get("context", key))
            out[key] = section[key]
    for key in ("monthly-active-users", "annual-revenue-usd"):
        if key in section:
            value = section[key]
            # YAML reads 5_000_000 and 5000000 as ints; a bool is an int in Python, refuse it.
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise PolicyError(file, f"context.{key}", f"expected a whole number >= 0, got "
                                  f"{value!r}", lines.get("context", key))
            out[key] = value
    if "regions" in section:
        regions = _string_list(section["regions"], file, "context.regions",
                               lines.get("context", "regions"))
        for i, region in enumerate(regions):
            if not isinstance(region, str) or not region.strip():
                raise PolicyError(file, f"context.regions[{i}]", "expected a region code such as "
                                  f"EU, US or KR, got {region!r}", lines.get("context", "regions", i))
        out["regions"] = tuple(r.strip().upper() for r in regions)
    return out


@dataclass
class _Layer:
    file: str
    extends: list[str]
    values: dict[str, Any]
    lines: _Lines
    implied: bool = False  # no extends key: layered on builtin:default


def _validate(data: Any, file: str, lines: _Lines) -> _Layer:
    from license_gate.knowledge.licensing import CATEGORIES

    if not isinstance(data, dict):
        raise PolicyError(file, "", "the policy must be a mapping of keys", lines.get())
    _check_keys(data, _TOP_KEYS, file, "", lines, ())
    if "version" not in data:
        raise PolicyError(file, "version", "missing: a policy file starts with 'version: 1'",
                          lines.get())
    version = data.get("version")
    if version != 1:
        raise PolicyError(file, "version", f"must be 1, got {version!r}", lines.get("version"))
    values: dict[str, Any] = {}
    # A file that says nothing about extends refines the default, as a user writing one
    # exception or one category means; extends: [] stands alone. Built-in profiles are
    # complete as written.
    implied = "extends" not in data and not file.startswith("builtin:")
    extends = ["builtin:default"] if implied else [
        str(e) for e in _string_list(data.get("extends") or [], file, "extends", lines.get("extends"))]
    if "unknown" in data:
        values["unknown"] = _choice(data["unknown"], UNKNOWN_ACTIONS, file, "unknown",
                                    lines.get("unknown"))
    licenses = data.get("licenses", {})
    if licenses is None:
        licenses = {}
    licenses = _section(licenses, "licenses", _LICENSE_KEYS, file, lines)
    for kind in ("allow", "deny"):
        if kind in licenses:
            items = _string_list(licenses[kind] or [], file, f"licenses.{kind}",
                                 lines.get("licenses", kind))
            values[kind] = [
                (_expression(v, file, f"licenses.{kind}[{i}]", lines.get("licenses", kind, i)),
                 lines.get("licenses", kind, i))
                for i, v in enumerate(items)
            ]
    if "categories" in licenses:
        cats = licenses["categories"] or {}
        if not isinstance(cats, dict):
            raise PolicyError(file, "licenses.categories", "expected a mapping",
                              lines.get("licenses", "categories"))
        for name, action in cats.items():
            line = lines.get("licenses", "categories", name)
            if name not in CATEGORIES:
                raise PolicyError(file, f"licenses.categories.{name}",
                                  f"unknown category (expected one of: {', '.join(CATEGORIES)})",
                                  line)
            _choice(action, ACTIONS, file, f"licenses.categories.{name}", line)
        values["categories"] = {k: (v, lines.get("licenses", "categories", k))
                                for k, v in cats.items()}
    if "default" in licenses:
        values["default"] = _choice(licenses["default"], ACTIONS, file, "licenses.default",
                                    lines.get("licenses", "default"))
    if "osi-approved" in licenses:
        values["osi-approved"] = _choice(licenses["osi-approved"], ACTIONS, file,
                                         "licenses.osi-approved", lines.get("licenses", "osi-approved"))
    if data.get("ai") is not None:
        values.update(_ai(data["ai"], file, lines))
    if data.get("packages") is not None:
        section = _section(data["packages"], "packages", set(_PACKAGE_RULES), file, lines)
        for key in _PACKAGE_RULES:
            if key in section:
                values[f"packages.{key}"] = _choice(section[key], MENTION_ACTIONS, file,
                                                    f"packages.{key}", lines.get("packages", key))
    if data.get("context") is not None:
        values["context"] = _context(data["context"], file, lines)
    exceptions = data.get("exceptions", []) or []
    if not isinstance(exceptions, list):
        raise PolicyError(file, "exceptions", "expected a list", lines.get("exceptions"))
    values["exceptions"] = [_exception(e, i, file, lines) for i, e in enumerate(exceptions)]
    if data.get("paths") is not None:
        paths = _section(data["paths"], "paths", {"exclude"}, file, lines)
        globs = _string_list(paths.get("exclude") or [], file, "paths.exclude",
                             lines.get("paths", "exclude"))
        for i, glob in enumerate(globs):
            if not isinstance(glob, str) or not glob.strip():
                raise PolicyError(file, f"paths.exclude[{i}]", f"expected a glob, got {glob!r}",
                                  lines.get("paths", "exclude", i))
        values["exclude"] = [(g.strip(), lines.get("paths", "exclude", i)) for i, g in enumerate(globs)]
    if "parse-errors" in data:
        values["parse-errors"] = _choice(data["parse-errors"], PARSE_ERROR_ACTIONS, file,
                                         "parse-errors", lines.get("parse-errors"))
    if data.get("locked") is not None:
        locked = _string_list(data["locked"], file, "locked", lines.get("locked"))
        values["locked"] = []
        for i, key in enumerate(locked):
            line = lines.get("locked", i)
            sections = ("licenses.categories.", "ai.restrictions.", "context.")
            if not isinstance(key, str) or not (key in _LOCKABLE or any(
                    key.startswith(section) and len(key) > len(section) for section in sections)):
                raise PolicyError(file, f"locked[{i}]", f"not a lockable rule: {key!r} (lockable: "
                                  f"{', '.join(_LOCKABLE)}, or one key under licenses.categories, "
                                  "ai.restrictions or context)", line)
            values["locked"].append((key, line))
    return _Layer(file, extends, values, lines, implied)


# ---------------------------------------------------------------- loading and merging


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


Base = Path | str  # a directory, or the URL of the remote policy that holds the reference


def _read_layer(ref: str, base: Base, root: Path, referrer: str,
                remote: RemotePolicies | None = None) -> tuple[_Layer, Base | None]:
    from urllib.parse import urljoin

    if isinstance(base, str) and not ref.startswith(("builtin:", "http://", "https://")):
        ref = urljoin(base, ref)  # a relative extends inside a remote policy
    if ref.startswith("builtin:"):
        name = ref.removeprefix("builtin:")
        path = _builtin_dir() / f"{name}.yaml"
        if not path.is_file():
            raise PolicyError(referrer, "extends",
                              f"no built-in profile {name!r} (have: {', '.join(builtin_names())})")
        data, lines = _yaml_load(path.read_text("utf-8"), ref)
        return _validate(data, ref, lines), None
    if ref.startswith(("http://", "https://")):
        from license_gate.remote_policy import RemotePolicies, RemotePolicyError

        remote = remote or RemotePolicies(cache_dir=None)
        try:
            url, text = remote.fetch(ref)
        except RemotePolicyError as exc:
            raise PolicyError(referrer, "extends", str(exc)) from exc
        data, lines = _yaml_load(text, url)
        return _validate(data, url, lines), url
    assert isinstance(base, Path)
    path = (base / ref).resolve()
    display = _display(path, root)
    if not path.is_file():
        raise PolicyError(referrer, "extends", f"policy file {display!r} does not exist")
    return _load_file(path, display), path


def _load_file(path: Path, display: str) -> _Layer:
    try:
        if path.name == "pyproject.toml" or path.suffix == ".toml":
            found = _toml_policy(path, display)
            if found is None:
                raise PolicyError(display, "tool.license-gate", "no [tool.license-gate] table")
            data, lines = found
        else:
            data, lines = _yaml_load(path.read_text("utf-8"), display)
    except OSError as exc:
        raise PolicyError(display, "", f"cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise PolicyError(display, "", "not UTF-8 text") from exc
    return _validate(data, display, lines)


def _collect(layer: _Layer, base: Base, root: Path, chain: tuple[str, ...],
             out: list[_Layer], remote: RemotePolicies | None = None) -> None:
    if len(chain) > MAX_EXTENDS_DEPTH:
        raise PolicyError(layer.file, "extends", f"extends nested deeper than {MAX_EXTENDS_DEPTH}")
    for ref in layer.extends:
        parent, where = _read_layer(ref, base, root, layer.file, remote)
        if parent.file in chain:
            raise PolicyError(layer.file, "extends",
                              f"extends cycle: {' -> '.join((*chain, parent.file))}",
                              layer.lines.get("extends"))
        if any(done.file == parent.file for done in out):
            continue  # two layers extending the same base (often builtin:default) apply it once
        next_base: Base = where.parent if isinstance(where, Path) else (where or base)
        _collect(parent, next_base, root, (*chain, parent.file), out, remote)
    out.append(layer)


def _merge(layers: list[_Layer], notes: Sequence[str] = ()) -> Policy:
    notes = [*notes, *(f"{layer.file} has no extends, so it refines builtin:default (write "
                       "extends: [] for a policy that stands alone)" for layer in layers if layer.implied)]
    unknown, default = "error", "error"
    allow: dict[str, None] = {}
    deny: dict[str, None] = {}
    categories: dict[str, str] = {}
    exceptions: list[PolicyException] = []
    origins: dict[str, Place] = {}
    osi_approved: str | None = None
    restrictions: dict[str, str] = {}
    rules = {"open-washing": "error", "lineage": "error", "mentions": "info"}
    package_rules = {"bundled-license": Policy.bundled_license,
                     "license-ambiguous": Policy.license_ambiguous}
    context: dict[str, Any] = {}
    locks: dict[str, Place] = {}
    rule_layers: list[RuleLayer] = []
    exclude: dict[str, None] = {}
    parse_errors = "error"
    for layer in layers:
        values = layer.values
        rule_layers.append(RuleLayer(
            layer.file, {e: line for e, line in values.get("allow", [])},
            {e: line for e, line in values.get("deny", [])},
            (values["osi-approved"], layer.lines.get("licenses", "osi-approved"))
            if "osi-approved" in values else None,
            dict(values.get("categories", {})), bool(values.get("restrictions"))))

        def refuse(key: str, rule: str, line: int | None, how: str, file: str = layer.file) -> None:
            for locked, place in locks.items():
                if rule == locked or rule.startswith(locked + "."):
                    raise PolicyError(file, key, f"{how}, but {locked} is locked by {place}", line)

        for key, name, now in (("unknown", "unknown", unknown),
                               ("licenses.default", "default", default),
                               ("licenses.osi-approved", "osi-approved", osi_approved or "error")):
            if name in values and _STRICTNESS[values[name]] < _STRICTNESS[now]:
                refuse(key, key, layer.lines.get(*key.split(".")),
                       f"loosens {key} from {now} to {values[name]}")
        for name, (action, line) in values.get("categories", {}).items():
            key = f"licenses.categories.{name}"
            if _STRICTNESS[action] < _STRICTNESS[categories.get(name, default)]:
                refuse(key, key, line, f"loosens {key} to {action}")
        for facet, (action, line) in values.get("restrictions", {}).items():
            key = f"ai.restrictions.{facet}"
            if _STRICTNESS[action] < _STRICTNESS[restrictions.get(facet, "warn")]:
                refuse(key, key, line, f"loosens {key} to {action}")
        for rule in ("open-washing", "lineage", "mentions"):
            if rule in values and _STRICTNESS[values[rule]] < _STRICTNESS[rules[rule]]:
                refuse(f"ai.{rule}", f"ai.{rule}", layer.lines.get("ai", rule),
                       f"loosens ai.{rule} to {values[rule]}")
        for expr, line in values.get("allow", []):
            refuse("licenses.allow", "licenses.allow", line, f"adds {expr} to licenses.allow")
            if expr in deny:
                refuse("licenses.allow", "licenses.deny", line, f"allows {expr}, which is denied")
        for key in values.get("context", {}):
            refuse(f"context.{key}", f"context.{key}", layer.lines.get("context", key),
                   f"changes context.{key}")
        if values.get("exceptions"):
            refuse("exceptions", "exceptions", values["exceptions"][0].place.line,
                   "adds exceptions")
        for glob, line in values.get("exclude", []):
            refuse("paths.exclude", "paths.exclude", line, f"excludes {glob!r} from the check")
        if "parse-errors" in values and _STRICTNESS[values["parse-errors"]] < _STRICTNESS[parse_errors]:
            refuse("parse-errors", "parse-errors", layer.lines.get("parse-errors"),
                   f"loosens parse-errors to {values['parse-errors']}")
        for rule, now in package_rules.items():
            key = f"packages.{rule}"
            if key in values:
                if _STRICTNESS[values[key]] < _STRICTNESS[now]:
                    refuse(key, key, layer.lines.get("packages", rule),
                           f"loosens {key} to {values[key]}")
                package_rules[rule] = values[key]
                origins[key] = Place(layer.file, layer.lines.get("packages", rule))
        exclude.update((glob, None) for glob, _ in values.get("exclude", []))
        if "parse-errors" in values:
            parse_errors = values["parse-errors"]
            origins["parse-errors"] = Place(layer.file, layer.lines.get("parse-errors"))
        for key, line in values.get("locked", []):
            locks.setdefault(key, Place(layer.file, line))

        if "osi-approved" in values:
            osi_approved = values["osi-approved"]
            origins["licenses.osi-approved"] = Place(layer.file,
                                                     layer.lines.get("licenses", "osi-approved"))
        for facet, (action, line) in values.get("restrictions", {}).items():
            restrictions[facet] = action
            origins[f"ai.restrictions.{facet}"] = Place(layer.file, line)
        for rule in rules:
            if rule in values:
                rules[rule] = values[rule]
                origins[f"ai.{rule}"] = Place(layer.file, layer.lines.get("ai", rule))
        # Context keys refine one by one: a repository may state only its regions.
        context.update(values.get("context", {}))
        if "unknown" in values:
            unknown = values["unknown"]
            origins["unknown"] = Place(layer.file, layer.lines.get("unknown"))
        if "default" in values:
            default = values["default"]
            origins["licenses.default"] = Place(layer.file, layer.lines.get("licenses", "default"))
        # A later layer that allows what an earlier one denied (or the reverse) wins.
        for expr, line in values.get("allow", []):
            deny.pop(expr, None)
            allow[expr] = None
            origins[f"licenses.allow:{expr}"] = Place(layer.file, line)
        for expr, line in values.get("deny", []):
            allow.pop(expr, None)
            deny[expr] = None
            origins[f"licenses.deny:{expr}"] = Place(layer.file, line)
        for name, (action, line) in values.get("categories", {}).items():
            categories[name] = action
            origins[f"licenses.categories.{name}"] = Place(layer.file, line)
        exceptions.extend(values.get("exceptions", []))
    return Policy(
        unknown=unknown, allow=tuple(allow), deny=tuple(deny), categories=categories,
        default=default, exceptions=tuple(exceptions), osi_approved=osi_approved,
        restrictions=restrictions, open_washing=rules["open-washing"], lineage=rules["lineage"],
        mentions=rules["mentions"], bundled_license=package_rules["bundled-license"],
        license_ambiguous=package_rules["license-ambiguous"],
        context=Context(
            commercial=context.get("commercial"),
            monthly_active_users=context.get("monthly-active-users"),
            annual_revenue_usd=context.get("annual-revenue-usd"),
            regions=context.get("regions"), military=context.get("military"),
        ),
        sources=tuple(layer.file for layer in layers), origins=origins, notes=tuple(notes),
        layers=tuple(reversed(rule_layers)), exclude=tuple(exclude), parse_errors=parse_errors,
        # Once licenses.deny is locked no later layer can remove an entry, so every entry
        # left stands above all layers.
        locked_deny={e: origins[f"licenses.deny:{e}"] for e in deny} if "licenses.deny" in locks else {},
    )


def find_policy_file(root: Path) -> Path | None:
    for name in POLICY_FILES:
        if (root / name).is_file():
            return root / name
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            text = pyproject.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        if "[tool.license-gate" in text:
            return pyproject
    return None


def load_policy(explicit: Path | None, root: Path, cache_dir: Path | None = None,
                offline: bool = False) -> Policy:
    """The effective policy for a run. Raises PolicyError for anything invalid."""
    from license_gate.remote_policy import RemotePolicies

    remote = RemotePolicies(cache_dir=cache_dir, offline=offline)
    if explicit is not None:
        path: Path | None = explicit
    else:
        path = find_policy_file(root)
    if path is None:
        layer, _ = _read_layer("builtin:default", root, root, "builtin:default")
        layers: list[_Layer] = []
        _collect(layer, root, root, (layer.file,), layers, remote)
        return _merge(layers, remote.notes)
    if explicit is not None and path.is_dir():
        raise PolicyError(str(explicit), "", "is a directory: --policy names the policy file "
                          f"itself (such as {explicit / POLICY_FILES[0]})")
    if explicit is not None and not path.is_file():
        raise PolicyError(str(explicit), "", "policy file does not exist")
    display = _display(path, root)
    top = _load_file(path, display)
    layers = []
    _collect(top, path.resolve().parent, root, (top.file,), layers, remote)
    return _merge(layers, remote.notes)
