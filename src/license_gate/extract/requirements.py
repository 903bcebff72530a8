"""pip requirements files (``requirements*.txt``, ``*.in``).

Follows pip's own file grammar: ``\\`` continuations, ``#`` comments that start a line
or follow whitespace (so ``#egg=`` fragments survive), ``-r``/``-c`` includes resolved
against the including file, per-requirement options such as ``--hash``, and global
options that do not name packages. Nothing is installed or executed.
"""

from __future__ import annotations

import re
from dataclasses import replace

from packaging.requirements import InvalidRequirement, Requirement

from license_gate.extract._common import canonical_name
from license_gate.extract.interface import ReadInclude
from license_gate.model import ExtractResult, IndexOption, ParseError, Place, Reference

_COMMENT = re.compile(r"(^|\s+)#.*$")
# Per-requirement options start at the first whitespace-separated token beginning with '-'.
_REQ_OPTION = re.compile(r"\s+--?[A-Za-z]")
_INCLUDE = re.compile(r"^(--requirement|--constraint|-r|-c)\s*=?\s*(\S.*)$")
_EDITABLE = re.compile(r"^(--editable|-e)\s*=?\s*(\S.*)$")
# pip's index options inside a requirements file: where the packages come from.
_INDEX = re.compile(r"^(-i|--index-url|--extra-index-url)(?:\s*=\s*|\s+)(\S+)")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_VCS = re.compile(r"^(git|hg|svn|bzr)\+", re.IGNORECASE)
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_ARCHIVE = re.compile(r"\.(whl|tar\.gz|tgz|tar\.bz2|zip)$", re.IGNORECASE)
_MAX_INCLUDE_DEPTH = 20


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Join ``\\`` continuations and strip comments, keeping each line's first number."""
    out: list[tuple[int, str]] = []
    buffer = ""
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not buffer:
            start = number
        line = raw
        if line.endswith("\\") and not line.endswith("\\\\"):
            buffer += line[:-1] + " "
            continue
        buffer += line
        stripped = _COMMENT.sub("", buffer).strip()
        if stripped:
            out.append((start, stripped))
        buffer = ""
    if buffer.strip():
        stripped = _COMMENT.sub("", buffer).strip()
        if stripped:
            out.append((start, stripped))
    return out


def _direct_reference(spec: str, place: Place) -> Reference:
    """A URL, VCS or path requirement: name it if we can, and say why no registry helps."""
    egg = _EGG.search(spec)
    name = egg.group(1) if egg else None
    if _VCS.match(spec):
        reason = f"VCS requirement {spec.split('#')[0]!r}: no registry records its licence"
    elif _URL.match(spec):
        reason = f"direct URL requirement {spec.split('#')[0]!r}: not a registry release"
    else:
        reason = f"local path requirement {spec!r}: not a registry release"
        path = spec.split("#")[0]
        path = path[7:] if path.startswith("file://") else path.removeprefix("file:")
        folder = path.rstrip("/").rsplit("/", 1)[-1]
        if not _ARCHIVE.search(folder):
            # a folder (a project): inside the repository it is the repository's own code;
            # "." or ".." is named later from the folder it reaches
            named = canonical_name(name) if name else (canonical_name(folder)
                                                       if folder.strip(".") else path)
            return Reference("pypi", named, place, unresolvable=reason, local_path=path)
    if name is None:
        base = spec.split("#")[0].rstrip("/").rsplit("/", 1)[-1]
        if _ARCHIVE.search(base):
            # wheel and sdist file names start with the distribution name
            name = re.split(r"-\d", base, maxsplit=1)[0]
        else:
            name = base.removesuffix(".git") or spec
    return Reference("pypi", canonical_name(name), place, unresolvable=reason)


def parse_requirement(spec: str, place: Place) -> Reference | ParseError:
    if _URL.match(spec) or _VCS.match(spec) or spec.startswith((".", "/", "~", "file:")):
        return _direct_reference(spec, place)
    try:
        req = Requirement(spec)
    except InvalidRequirement as exc:
        if _ARCHIVE.search(spec):  # a relative archive path such as wheels/x-1.0-py3-none-any.whl
            return _direct_reference(spec, place)
        return ParseError(place, f"invalid requirement {spec!r}: {exc}")
    name = canonical_name(req.name)
    if req.url:
        why = "VCS" if _VCS.match(req.url) else "direct URL"
        return Reference(
            "pypi", name, place,
            marker=str(req.marker) if req.marker else None,
            unresolvable=f"{why} requirement {req.url.split('#')[0]!r}: not a registry release",
        )
    version = None
    specs = list(req.specifier)
    if len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version:
        version = specs[0].version
    return Reference(
        "pypi", name, place,
        version=version,
        specifier=str(req.specifier),
        marker=str(req.marker) if req.marker else None,
    )


def _parse(
    text: str,
    path: str,
    read_include: ReadInclude | None,
    seen: set[str],
    depth: int,
    constraint: bool,
    indexes: list[IndexOption],
) -> tuple[list[Reference], list[ParseError]]:
    refs: list[Reference] = []
    errors: list[ParseError] = []
    for number, line in _logical_lines(text):
        place = Place(path, number)
        include = _INCLUDE.match(line)
        if include:
            flag, target = include.group(1), include.group(2).strip()
            is_constraint = constraint or flag in ("-c", "--constraint")
            if read_include is None:
                errors.append(ParseError(place, f"cannot follow include {target!r}"))
                continue
            if depth >= _MAX_INCLUDE_DEPTH:
                errors.append(ParseError(place, f"includes nested deeper than {_MAX_INCLUDE_DEPTH}"))
                continue
            try:
                child_path, child_text = read_include(target)
            except (OSError, ValueError) as exc:
                errors.append(ParseError(place, f"cannot read included file {target!r}: {exc}"))
                continue
            if child_path in seen:
                continue  # an include cycle; every file is read once
            seen.add(child_path)
            child_refs, child_errors = _parse(
                child_text, child_path, _relative(read_include, target), seen, depth + 1,
                is_constraint, indexes,
            )
            refs.extend(child_refs)
            errors.extend(child_errors)
            continue
        editable = _EDITABLE.match(line)
        if editable:
            spec = _REQ_OPTION.split(editable.group(2), maxsplit=1)[0].strip()
            ref = _direct_reference(spec, place)
            refs.append(replace(ref, constraint_only=constraint))
            continue
        index = _INDEX.match(line)
        if index:
            indexes.append(IndexOption(index.group(2), index.group(1) == "--extra-index-url",
                                       place))
            continue
        if line.startswith("-"):
            continue  # other global options (--pre, --no-binary...) name no package
        spec = _REQ_OPTION.split(line, maxsplit=1)[0].strip()
        parsed = parse_requirement(spec, place)
        if isinstance(parsed, ParseError):
            errors.append(parsed)
        else:
            refs.append(replace(parsed, constraint_only=constraint))
    return refs, errors


def _relative(read_include: ReadInclude, target: str) -> ReadInclude:
    """An include reader for a nested file: its own includes are relative to it."""
    base = target.replace("\\", "/").rsplit("/", 1)[0] if "/" in target else ""

    def read(child: str) -> tuple[str, str]:
        joined = child if not base or child.startswith("/") else f"{base}/{child}"
        return read_include(joined)

    return read


def extract(text: str, path: str, read_include: ReadInclude | None = None) -> ExtractResult:
    indexes: list[IndexOption] = []
    refs, errors = _parse(text, path, read_include, {path}, 0, False, indexes)
    # Constraint files only constrain packages required elsewhere: an exact pin fixes
    # the version, a range narrows the choice, as pip applies them.
    pins = {r.name: r.version for r in refs if r.constraint_only and r.version}
    ranges: dict[str, list[str]] = {}
    for ref in refs:
        if ref.constraint_only and not ref.version and ref.specifier:
            ranges.setdefault(ref.name, []).append(ref.specifier)
    out: list[Reference] = []
    for ref in refs:
        if ref.constraint_only:
            continue
        if ref.version is None and ref.unresolvable is None and ref.name in pins:
            ref = replace(ref, version=pins[ref.name])
        elif ref.version is None and ref.unresolvable is None and ref.name in ranges:
            ref = replace(ref, specifier=",".join(s for s in (ref.specifier, *ranges[ref.name]) if s))
        out.append(ref)
    return ExtractResult(tuple(out), tuple(errors), indexes=tuple(indexes))
