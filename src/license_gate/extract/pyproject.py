"""``pyproject.toml``: PEP 621 ``dependencies`` and ``optional-dependencies``, PEP 735
``[dependency-groups]``, and Poetry's ``[tool.poetry.*dependencies]`` tables.

The project itself is not a component here; its own declared licence is a claim for a
later stage. Poetry's caret and tilde constraints are translated to PEP 440 so version
selection treats every manifest alike.
"""

from __future__ import annotations

import re
from typing import Any

from license_gate.extract._common import canonical_name, line_of, load_toml
from license_gate.extract.interface import ReadInclude
from license_gate.extract.requirements import parse_requirement
from license_gate.model import Claim, ExtractResult, ParseError, Place, Project, Reference


def _section_line(text: str, header: str) -> int:
    found = line_of(text, header)
    return found or 1


def _string_line(text: str, value: str, start: int) -> int | None:
    return line_of(text, f'"{value}"', start) or line_of(text, f"'{value}'", start)


def _pep508_list(
    items: Any, text: str, path: str, where: str, start: int
) -> tuple[list[Reference], list[ParseError]]:
    refs: list[Reference] = []
    errors: list[ParseError] = []
    if not isinstance(items, list):
        return refs, [ParseError(Place(path, start), f"{where} must be an array of strings")]
    for item in items:
        if isinstance(item, dict) and "include-group" in item:
            continue  # PEP 735 includes are resolved by reading every group anyway
        if not isinstance(item, str):
            errors.append(ParseError(Place(path, start), f"{where}: {item!r} is not a string"))
            continue
        place = Place(path, _string_line(text, item, start) or start)
        parsed = parse_requirement(item.strip(), place)
        (errors if isinstance(parsed, ParseError) else refs).append(parsed)  # type: ignore[arg-type]
    return refs, errors


_POETRY_VERSION = re.compile(r"^\d+(\.\d+)*$")


def poetry_to_pep440(constraint: str) -> tuple[str, str | None]:
    """Translate a Poetry constraint to (PEP 440 specifier, exact version or None).

    ``^1.2.3`` means >=1.2.3,<2.0.0 (the left-most non-zero part may not change);
    ``~1.2.3`` means >=1.2.3,<1.3.0; a bare version means exactly that version. An
    ``||`` union cannot be expressed in PEP 440, so it selects any version.
    """
    constraint = constraint.strip()
    if constraint in ("", "*") or "||" in constraint:
        return "", None
    parts = [p.strip() for p in re.split(r",|\s+(?=[<>=!~^])", constraint) if p.strip()]
    specs: list[str] = []
    exact: str | None = None
    for part in parts:
        if part.startswith("^") or (part.startswith("~") and not part.startswith("~=")):
            caret = part.startswith("^")
            base = part.lstrip("^~").strip()
            nums = [int(n) for n in base.split(".") if n.isdigit()]
            if not nums:
                return "", None
            if caret:
                idx = next((i for i, n in enumerate(nums) if n != 0), len(nums) - 1)
            else:
                idx = 1 if len(nums) > 1 else 0
            upper = [*nums[:idx], nums[idx] + 1]
            specs += [f">={base}", "<" + ".".join(str(n) for n in upper)]
        elif _POETRY_VERSION.match(part):
            specs.append(f"=={part}")
            exact = part
        else:
            specs.append(part)
    if len(specs) != 1:
        exact = None
    return ",".join(specs), exact


def _poetry_table(
    table: Any, text: str, path: str, header: str
) -> tuple[list[Reference], list[ParseError]]:
    refs: list[Reference] = []
    errors: list[ParseError] = []
    start = _section_line(text, header)
    if not isinstance(table, dict):
        return refs, [ParseError(Place(path, start), f"{header} must be a table")]
    for raw_name, value in table.items():
        if raw_name.lower() == "python":
            continue  # the interpreter constraint, not a package
        name = canonical_name(raw_name)
        line = line_of(text, f"{raw_name} =", start) or line_of(text, f'"{raw_name}"', start)
        place = Place(path, line or start)
        entries = value if isinstance(value, list) else [value]
        for entry in entries:
            if isinstance(entry, str):
                spec, exact = poetry_to_pep440(entry)
                refs.append(Reference("pypi", name, place, version=exact, specifier=spec))
            elif isinstance(entry, dict):
                for source in ("git", "path", "url"):
                    if source in entry:
                        refs.append(Reference(
                            "pypi", name, place,
                            unresolvable=f"{source} dependency {entry[source]!r}: "
                            "not a registry release",
                        ))
                        break
                else:
                    spec, exact = poetry_to_pep440(str(entry.get("version", "")))
                    refs.append(Reference("pypi", name, place, version=exact, specifier=spec))
            else:
                errors.append(ParseError(place, f"{header}.{raw_name}: unsupported value"))
    return refs, errors


def extract(text: str, path: str, read_include: ReadInclude | None = None) -> ExtractResult:
    data = load_toml(text, path)
    if isinstance(data, ParseError):
        return ExtractResult(errors=(data,))
    refs: list[Reference] = []
    errors: list[ParseError] = []

    def add(result: tuple[list[Reference], list[ParseError]]) -> None:
        refs.extend(result[0])
        errors.extend(result[1])

    project = data.get("project")
    if isinstance(project, dict):
        start = _section_line(text, "[project]")
        if "dependencies" in project:
            add(_pep508_list(project["dependencies"], text, path, "project.dependencies", start))
        optional = project.get("optional-dependencies", {})
        if isinstance(optional, dict):
            opt_start = _section_line(text, "[project.optional-dependencies]")
            for extra, items in optional.items():
                add(_pep508_list(
                    items, text, path, f"project.optional-dependencies.{extra}", opt_start
                ))
    groups = data.get("dependency-groups")
    if isinstance(groups, dict):
        start = _section_line(text, "[dependency-groups]")
        for group, items in groups.items():
            add(_pep508_list(items, text, path, f"dependency-groups.{group}", start))
    poetry = data.get("tool", {}).get("poetry") if isinstance(data.get("tool"), dict) else None
    if isinstance(poetry, dict):
        for key in ("dependencies", "dev-dependencies"):
            if key in poetry:
                add(_poetry_table(poetry[key], text, path, f"[tool.poetry.{key}]"))
        poetry_groups = poetry.get("group", {})
        if isinstance(poetry_groups, dict):
            for group, body in poetry_groups.items():
                if isinstance(body, dict) and "dependencies" in body:
                    add(_poetry_table(
                        body["dependencies"], text, path,
                        f"[tool.poetry.group.{group}.dependencies]",
                    ))
    claims = _project_claims(project, text, path) if isinstance(project, dict) else []
    projects: tuple[Project, ...] = ()
    if isinstance(project, dict) and isinstance(project.get("name"), str):
        line = line_of(text, "name", _section_line(text, "[project]"))
        projects = (Project(canonical_name(project["name"]), Place(path, line)),)
    elif isinstance(poetry, dict) and isinstance(poetry.get("name"), str):
        line = line_of(text, "name", _section_line(text, "[tool.poetry]"))
        projects = (Project(canonical_name(poetry["name"]), Place(path, line)),)
    return ExtractResult(tuple(refs), tuple(errors), tuple(claims), projects=projects)


def _project_claims(project: dict[str, Any], text: str, path: str) -> list[Claim]:
    """The project's own licence statements: PEP 639 ``license = "MIT"``, the legacy
    ``license = {text = ...}`` table, and ``License ::`` classifiers."""
    start = _section_line(text, "[project]")
    claims: list[Claim] = []
    license_value = project.get("license")
    if isinstance(license_value, dict):
        license_value = license_value.get("text")
    if isinstance(license_value, str) and license_value.strip():
        line = line_of(text, "license", start)
        claims.append(Claim(license_value.strip(), Place(path, line), "project license"))
    classifiers = project.get("classifiers")
    if isinstance(classifiers, list):
        for item in classifiers:
            if isinstance(item, str) and item.startswith("License ::"):
                claims.append(Claim(item, Place(path, line_of(text, item, start)),
                                    "project classifier"))
    return claims
