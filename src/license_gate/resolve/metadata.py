"""Core metadata and licence files -> one licence outcome.

Order of trust (PEP 639): a valid ``License-Expression``; then a recognisable ``License``
(a name, or a pasted text split into the licences it holds); then the distribution's own
licence files; then the licence classifiers. A later source never overrides an earlier
one, but it may make it exact:

- a vague name (``BSD``, ``Apache``, ``GPL``: ``-unspecified`` ids) takes the variant a
  licence file or classifier of the same family states (``BSD-3-Clause``);
- a GPL-family version stated without "only" or "or later" (``GPLv2``, the bare GPL text)
  takes the suffix a notice states, and an "or later" the version of the text shipped.

Several classifiers that nothing disambiguates are never joined with AND nor cut to one:
the outcome is every one of them as alternatives, marked ``ambiguous`` so the gate can
warn and name them. Texts a licence file holds beyond the package's own licence (numpy's
wheel appends the GCC runtime's licence) are ``bundled``: reported, never the package's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from license_gate.knowledge import licensing
from license_gate.knowledge.normalize import Normalized, from_classifiers, normalize
from license_gate.model import Bundled, Cause, Evidence, Outcome, Resolution, Unresolved
from license_gate.resolve.interface import LicenceText, RawMetadata

if TYPE_CHECKING:  # the matcher's module is loaded only when a text is read
    from license_gate.knowledge.textmatch import SplitText, TextRegion

_HOW = {
    "alias": "free-text name normalised",
    "compound": "free-text names normalised",
    "text": "recognised pasted licence text",
}

_VAGUE = re.compile(r"^LicenseRef-license-gate-([A-Za-z]+)-unspecified$")
_GNU = re.compile(r"^(A?GPL|LGPL|GFDL)-(\d\.\d)(-only|-or-later)?$")
_EXPLICIT = re.compile(r"\+|\bonly\b|\blater\b|\bnewer\b", re.IGNORECASE)
_SENTENCE = 6  # words: a longer License field explains rather than names


def _symbols(expression: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9][A-Za-z0-9.+-]*", re.sub(r"\b(AND|OR|WITH)\b", " ", expression))


def _vague(expression: str, explicit_suffix: bool) -> bool:
    """Whether a licence file could make this expression more exact."""
    for symbol in _symbols(expression):
        if _VAGUE.match(symbol):
            return True
        gnu = _GNU.match(symbol)
        if gnu and gnu.group(3) == "-only" and not explicit_suffix:
            return True
        if symbol == "LGPL-2.0-or-later":
            # "LGPLv2+": the Library GPL 2.0 or the Lesser GPL 2.1 the text usually is
            return True
    return False


def needs_files(meta: RawMetadata) -> bool:
    """Whether reading the licence files can change the answer, so that a source reads
    them only then: they list what a wheel with vendored libraries bundles, and they
    decide what the headers leave vague or unsaid."""
    if meta.vendored:
        return True
    if meta.license_expression and licensing.try_parse(
            meta.license_expression.strip(), allow_custom_refs=True) is not None:
        return False
    if meta.license and meta.license.strip():
        raw = meta.license.strip()
        result = normalize(raw)
        if result.expression and result.how != "text":
            # a sentence, not a name ("GPLv2-or-later with a special exception which
            # allows ..."): its author explained, and the files may tag further parts
            return _vague(result.expression, bool(_EXPLICIT.search(raw))) or len(raw.split()) > _SENTENCE
    elif not meta.license_expression:
        classified, _ = _classifier_licences(meta.classifiers, "", None)
        if len(classified) == 1 and not _vague(classified[0].license, classified[0].exact_suffix):
            return False  # one exact classifier: no file can make it more exact
    return True


@dataclass(frozen=True)
class _Found:
    """One licence read from a file (or a classifier), with where it was read."""

    license: str
    evidence: Evidence
    exact_suffix: bool = True


@dataclass
class _Files:
    """The licence files split: the first file's own licence (and any file repeating its
    family), extra licences one file states beside its own, the licences of further
    separate files, and bundled components."""

    own: list[_Found]
    extra: list[_Found]
    separate: list[_Found]
    bundled: list[Bundled]
    tagged: list[_Found]


Splitter = Callable[[LicenceText], "SplitText"]


def _split(file: LicenceText) -> SplitText:
    from license_gate.knowledge.textmatch import split

    return split(file.read())


def _read_files(files: Sequence[LicenceText], source: str, url: str | None,
                vendored: Sequence[str], split: Splitter) -> _Files:
    own: list[_Found] = []
    extra: list[_Found] = []
    separate: list[_Found] = []
    bundled: list[Bundled] = []
    tagged: list[_Found] = []
    for file in files:
        if not file.top_level:
            continue  # a vendored source folder's own licence: covered by the metadata
        parts = split(file)

        def found(region: TextRegion, path: str = file.path) -> _Found:
            return _Found(region.license, Evidence(source, "licence file", f"{path}:{region.line}",
                                                  url=url), region.exact_suffix)

        first_file = not own
        for region in parts.own:
            same = not own or _family(region.license) in {_family(f.license) for f in own} \
                or _companion(region.license, own)
            (own if same else separate).append(found(region))
        (extra if first_file else separate).extend(found(region) for region in parts.extra)
        tagged.extend(found(region) for region in parts.tagged)
        bundled.extend(_region_bundled(region, source, "licence file", f"{file.path}:{region.line}",
                                       url, vendored) for region in parts.bundled)
    return _Files(own, extra, separate, bundled, tagged)


def _matching(pattern: str | None, vendored: Sequence[str]) -> list[str]:
    """The vendored libraries a ``Files:`` line names (``numpy.libs/libgfortran*.so``)."""
    if not pattern:
        return []
    from fnmatch import fnmatch

    globs = [g.strip() for g in pattern.split(",") if g.strip()]
    # auditwheel renames libgfortran.so.5 to libgfortran-<hash>.so.5.0.0: a glob that
    # ends in .so matches the versioned name too
    return [v for v in vendored if any(fnmatch(v, g) or fnmatch(v, g + ".*") for g in globs)]


def _family(license_id: str) -> str:
    gnu = _GNU.match(license_id)
    return gnu.group(1) if gnu else license_id


def _companion(license_id: str, own: Sequence[_Found]) -> bool:
    """The LGPL-3.0 is written as additional permissions on top of the GPL-3.0, so an
    LGPL-3.0 package ships both texts: the GPL text is part of its licence."""
    return (license_id.startswith("GPL-3.0") and any(f.license.startswith("LGPL-3.0") for f in own)) \
        or (license_id.startswith("LGPL-3.0") and any(f.license.startswith("GPL-3.0") for f in own))


def _version(license_id: str) -> tuple[int, ...]:
    gnu = _GNU.match(license_id)
    return tuple(int(p) for p in gnu.group(2).split(".")) if gnu else ()


def _refine(expression: str, explicit_suffix: bool, candidates: Sequence[_Found]
            ) -> tuple[str, list[Evidence]]:
    """Make the vague ids of an expression exact from same-family candidates (licence
    files first, then classifiers). Returns the expression and the evidence used."""
    used: list[Evidence] = []
    out = expression
    for symbol in dict.fromkeys(_symbols(expression)):
        vague = _VAGUE.match(symbol)
        replacement = None
        if vague:
            family = vague.group(1)
            # a candidate that states its suffix first ("GPLv2+" beats a bare GPL text)
            ordered = sorted(candidates, key=lambda c: not c.exact_suffix)
            pick = next((c for c in ordered if c.license.startswith(f"{family}-")
                         and "-unspecified" not in c.license and " " not in c.license), None)
            if pick:
                replacement = pick
        gnu = _GNU.match(symbol)
        if gnu:
            same = [c for c in candidates if _family(c.license) == gnu.group(1)]
            if gnu.group(3) == "-only" and not explicit_suffix:
                # "GPLv2" or a bare text: a notice that says "or later" decides
                later = next((c for c in same if c.license.endswith("-or-later") and c.exact_suffix
                              and _version(c.license) <= _version(symbol)), None)
                if later:
                    # the text shipped is version N, and "vM or later" (M <= N) covers it
                    replacement = _Found(symbol.replace("-only", "-or-later"), later.evidence)
            elif gnu.group(3) == "-or-later":
                # "LGPLv2+" shipped with the LGPL-2.1 text: 2.1 or later is what it grants
                newer = next((c for c in same if _version(c.license) > _version(symbol)), None)
                if newer:
                    replacement = _Found(f"{gnu.group(1)}-{_GNU.match(newer.license).group(2)}"  # type: ignore[union-attr]
                                         "-or-later", newer.evidence)
        if replacement is not None and replacement.license != symbol:
            out = re.sub(rf"(?<![\w.+-]){re.escape(symbol)}(?![\w.+-])", replacement.license, out)
            used.append(replacement.evidence)
    parsed = licensing.try_parse(out, allow_custom_refs=True)
    return (licensing.render(parsed), used) if parsed is not None else (expression, [])


@lru_cache(maxsize=1024)
def _one_classifier(classifier: str) -> tuple[Normalized, tuple[str, ...]]:
    result, used = from_classifiers([classifier])
    return result, tuple(used)  # shared by every caller: immutable


def _classifier_licences(classifiers: Sequence[str], source: str, url: str | None
                         ) -> tuple[list[_Found], list[str]]:
    """Each licence classifier on its own (never joined), and the classifiers that name
    one; "GPLv2" without + or "only" leaves the suffix open."""
    found: list[_Found] = []
    named: list[str] = []
    for classifier in classifiers:
        result, used = _one_classifier(classifier)
        if not result.expression or not used:
            continue
        named.append(classifier)
        if any(f.license == result.expression for f in found):
            continue
        found.append(_Found(result.expression, Evidence(source, "classifier", classifier, url=url),
                            bool(_EXPLICIT.search(classifier.rsplit("::", 1)[-1]))))
    return found, named


def _join(operator: str, expressions: Iterable[str]) -> str:
    unique = list(dict.fromkeys(expressions))
    parsed = licensing.parse(f" {operator} ".join(f"({e})" for e in unique), allow_custom_refs=True)
    return licensing.render(parsed)


def _either(expressions: Iterable[str]) -> str:
    return _join("OR", expressions)


def _all(expressions: Iterable[str]) -> str:
    return _join("AND", expressions)


def _region_bundled(region: TextRegion, source: str, field: str, where: str, url: str | None,
                    vendored: Sequence[str]) -> Bundled:
    """A bundled text, named by its ``Name:`` block and the vendored libraries its
    ``Files:`` line matches."""
    what = region.name or "a text after the package's own licence"
    libs = _matching(region.files, vendored)
    return Bundled(region.license, Evidence(source, field, where,
                                            f"{what}; {', '.join(libs)}" if libs else what, url),
                   region.name)


def _as_bundled(found: _Found, why: str) -> Bundled:
    """A licence read beside the package's own that the metadata does not name."""
    e = found.evidence
    return Bundled(found.license, Evidence(e.source, e.field, e.raw, why, e.url))


def outcome_from_metadata(meta: RawMetadata, source: str, url: str | None = None,
                          split: Splitter | None = None) -> Outcome:
    """``split`` reads a licence text; the resolver passes one that remembers its answers
    in the cache, since matching a text costs milliseconds and a text never changes."""
    split = split or _split
    tried: list[Evidence] = []
    files: _Files | None = None

    def read() -> _Files:
        nonlocal files
        if files is None:
            files = _read_files(meta.license_files, source, url, meta.vendored, split)
        return files

    classes: tuple[list[_Found], list[str]] | None = None

    def classifiers() -> tuple[list[_Found], list[str]]:
        # read only when needed: most packages are decided by a field before
        nonlocal classes
        if classes is None:
            classes = _classifier_licences(meta.classifiers, source, url)
        return classes

    def resolved(expression: str, evidence: list[Evidence], explicit_suffix: bool = True,
                 ambiguous: Sequence[str] = (), tags: bool = True) -> Resolution:
        bundled = tuple(read().bundled) if meta.license_files else ()
        if _vague(expression, explicit_suffix):
            expression, used = _refine(expression, explicit_suffix,
                                       [*read().own, *read().extra, *classifiers()[0]]
                                       if meta.license_files else classifiers()[0])
            evidence += [e for e in used if e not in evidence]
        if tags and meta.license_files:
            expression, evidence = _with_tagged(expression, evidence, read().tagged)
        return Resolution(expression, tuple(evidence), bundled, tuple(ambiguous))

    if meta.license_expression and meta.license_expression.strip():
        raw = meta.license_expression.strip()
        parsed = licensing.try_parse(raw, allow_custom_refs=True)
        if parsed is not None:
            # PEP 639: the expression is the whole licence; no file adds to it
            return resolved(licensing.render(parsed),
                            [Evidence(source, "License-Expression", raw, url=url)], tags=False)
        tried.append(Evidence(source, "License-Expression", raw, "not a valid SPDX expression", url))
    if meta.license and meta.license.strip():
        raw = meta.license.strip()
        result = normalize(raw)
        if result.expression and result.how != "text":
            return resolved(result.expression,
                            [*tried, Evidence(source, "License", raw, _HOW.get(result.how), url)],
                            bool(_EXPLICIT.search(raw)))
        if "\n" in raw or len(raw) > 200:
            pasted = _from_pasted(LicenceText("License", raw, identity=f"{meta.identity}#License"
                                              if meta.identity else None),
                                  source, url, classifiers()[0], meta.vendored, split)
            if pasted is not None:
                expression, evidence, bundled = pasted
                if meta.license_files:
                    expression, evidence = _with_tagged(expression, evidence, read().tagged)
                return Resolution(expression, (*tried, *evidence), (*bundled, *(
                    read().bundled if meta.license_files else ())))
        if result.how == "unknown" or result.how == "text":
            tried.append(Evidence(source, "License", raw, "not recognised", url))
    if meta.license_files:
        own = read()
        if own.own:
            return _from_files(own, *classifiers(), tried)
    classified, named = classifiers()
    if classified:
        if len(classified) == 1:
            only = classified[0]
            return resolved(only.license, [*tried, only.evidence], only.exact_suffix)
        return resolved(_either(c.license for c in classified),
                        [*tried, Evidence(source, "classifier", "; ".join(named),
                                          "several classifiers, not said whether all apply", url)],
                        all(c.exact_suffix for c in classified), named)
    if named or any(c.startswith("License ::") for c in meta.classifiers):
        used = [c for c in meta.classifiers if c.startswith("License ::")]
        tried.append(Evidence(source, "classifier", "; ".join(used), "not specific enough", url))
    if tried:
        shown = "; ".join(f"{e.field} {e.raw[:80]!r}" for e in tried)
        return Unresolved(f"licence not recognised ({shown})", Cause.UNRECOGNISED, tuple(tried))
    return Unresolved("the metadata states no licence", Cause.NO_LICENSE,
                      (Evidence(source, "metadata", "", url=url),))


def _with_tagged(expression: str, evidence: list[Evidence], tagged: Sequence[_Found]
                 ) -> tuple[str, list[Evidence]]:
    """The licences a licence file tags for parts of the package (``SPDX-License-Identifier:``
    in its preamble) apply beside the rest: each one the expression does not already name
    joins it with AND."""
    symbols = _symbols(expression)
    new: list[_Found] = []
    for tag in tagged:
        if all(any(_kin(t, s) for s in symbols) for t in _symbols(tag.license)):
            continue
        if all(t.license != tag.license for t in new):
            new.append(tag)
    if not new:
        return expression, evidence
    return _all([expression, *(t.license for t in new)]), [*evidence, *(t.evidence for t in new)]


def _kin(a: str, b: str) -> bool:
    """Two ids of one licence family: equal, one GNU family, or a vague id and a variant
    of its family (BSD-unspecified and BSD-3-Clause)."""
    if a == b or (_GNU.match(a) and _family(a) == _family(b)):
        return True
    for vague, other in ((a, b), (b, a)):
        match = _VAGUE.match(vague)
        if match and other.startswith(f"{match.group(1)}-"):
            return True
    return False


def _uncovered(expression: str, classified: Sequence[_Found]) -> list[_Found]:
    """Licence classifiers that name a family the expression does not: never dropped.
    A vague classifier gives way to a specific one of its family ("GPL" beside
    "GPLv2+")."""
    symbols = _symbols(expression)
    out = [c for c in classified if not any(_kin(c.license, s) for s in symbols)]
    return [c for c in out if not (_VAGUE.match(c.license) and any(
        o is not c and _kin(c.license, o.license) for o in out))]


def _confirmed(found: _Found, classified: Sequence[_Found]) -> bool:
    """A licence read from a text that a classifier names too (its family at least)."""
    return any(_kin(c.license, found.license) for c in classified)


def _from_pasted(field: LicenceText, source: str, url: str | None, classified: Sequence[_Found],
                 vendored: Sequence[str], split: Splitter
                 ) -> tuple[str, list[Evidence], list[Bundled]] | None:
    """A ``License`` field holding one or more pasted licence texts."""
    text = field.read()
    parts = split(field)
    if not parts.own:
        return None
    evidence = [Evidence(source, "License", text.strip(), "recognised pasted licence text", url)]
    own = [parts.own[0].license]
    bundled: list[Bundled] = []
    for region in parts.extra:
        candidate = _Found(region.license, evidence[0], region.exact_suffix)
        if _confirmed(candidate, classified):
            own.append(region.license)
        else:
            bundled.append(_region_bundled(region, source, "License", f"line {region.line}", url,
                                           vendored))
    bundled.extend(_region_bundled(region, source, "License", f"line {region.line}", url, vendored)
                   for region in parts.bundled)
    expression = _all(own)
    if not parts.own[0].exact_suffix:
        expression, used = _refine(expression, False, classified)
        evidence += used
    return expression, evidence, bundled


def _from_files(files: _Files, classified: Sequence[_Found], named: Sequence[str],
                tried: list[Evidence]) -> Resolution:
    """No usable field: the licence files decide. The first file's licence is the
    package's; a licence beside it that a classifier confirms is the package's too (ANDed
    when one file states both, alternatives when separate files do and nothing says how
    they combine); anything else is bundled."""
    first = files.own[0]
    bundled = list(files.bundled)
    separate: list[_Found] = []
    for found in files.separate:
        if not any(_family(f.license) == _family(found.license) for f in separate):
            separate.append(found)
    together: list[_Found] = []
    for found in files.extra:
        if _confirmed(found, classified):
            together.append(found)
        else:
            bundled.append(_as_bundled(
                found, "a text beside the package's own licence that the metadata does not name"))
    ambiguous: list[str] = []
    expression = _all(f.license for f in [first, *together])
    evidence = [*tried, first.evidence, *(f.evidence for f in together)]
    alternatives = [f for f in separate if _confirmed(f, classified)]
    for found in separate:
        if found not in alternatives:
            bundled.append(_as_bundled(found, "a second licence file the metadata does not name"))
    alternatives += _uncovered(_either([expression, *(f.license for f in alternatives)]),
                               classified)
    if alternatives:
        expression = _either([expression, *(f.license for f in alternatives)])
        evidence += [f.evidence for f in alternatives]
        ambiguous = [f"{f.evidence.field} {f.evidence.raw} ({f.license})"
                     for f in [first, *alternatives]]
    if not all(f.exact_suffix for f in [first, *together, *alternatives]):
        expression, used = _refine(expression, False, classified)
        evidence += [e for e in used if e not in evidence]
    expression, evidence = _with_tagged(expression, evidence, files.tagged)
    return Resolution(expression, tuple(evidence), tuple(bundled), tuple(ambiguous))
