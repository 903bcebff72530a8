"""Licence texts -> SPDX ids, one region at a time.

A ``License`` field or a licence file often holds several texts one after another: numpy's
and scipy's wheels append the texts of the libraries they bundle (libgfortran under
GPL-3.0-or-later WITH GCC-exception-3.1) to their own BSD-3-Clause text. Taking the first
GPL phrase anywhere in such a file called numpy GPL. So a text is first split into the
regions it holds, each identified on its own, and only then read:

- the regions are found by ``licenseclassifier`` (a pure-Python port of Google's
  licensecheck: normalised texts matched against the SPDX licence templates, with a
  coverage threshold so that prose that merely mentions a licence is not one). Chosen
  after measuring it and spdx-matcher on the package corpus (bench/README.md);
- a ``Name: / Files: / License:`` block, the form numpy, scipy and other auditwheel-built
  wheels use to list what they bundle, states the bundled component's licence itself, and
  that statement beats matching its text;
- where the classifier finds nothing, our own fingerprint phrases (``data/texts.json``)
  still recognise the standard notices.

The classifier is imported only when a text has to be read, so a run that finds every
licence in ``License-Expression`` never loads its 1.6 MB corpus.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from license_gate.knowledge import licensing

# Files around a licence carry prose (a copyright line, "licensed under the BSD License (3
# clause)"): 40% coverage keeps amqp's and passlib's BSD texts, which the library's default
# 75% rejects, while a README that only names a licence stays below it.
COVERAGE = 40.0
MAX_TEXT = 512 * 1024

# Ids the SPDX list deprecated because they do not say "only" or "or later": the bare text
# of the GPL. ScanCode reads such a text as the "-only" licence; whether a notice or the
# metadata says "or later" is decided by the caller, which knows the rest of the package.
_BARE = {
    "GPL-1.0": "GPL-1.0-only", "GPL-2.0": "GPL-2.0-only", "GPL-3.0": "GPL-3.0-only",
    "LGPL-2.0": "LGPL-2.0-only", "LGPL-2.1": "LGPL-2.1-only", "LGPL-3.0": "LGPL-3.0-only",
    "AGPL-1.0": "AGPL-1.0-only", "AGPL-3.0": "AGPL-3.0-only", "GFDL-1.1": "GFDL-1.1-only",
    "GFDL-1.2": "GFDL-1.2-only", "GFDL-1.3": "GFDL-1.3-only",
}

# "This binary distribution of NumPy also bundles the following software:" and the
# ``Name:`` blocks after it.
_BUNDLE_MARK = re.compile(r"(?im)^[^\n]{0,120}\bbundles? the following\b")
_BLOCK = re.compile(
    r"(?m)^Name:[ \t]*(?P<name>[^\n]+)\n(?P<body>(?:[A-Z][A-Za-z-]*:[^\n]*\n){0,6}?)"
    r"License:[ \t]*(?P<license>[^\n]+)")
_FILES = re.compile(r"(?m)^Files:[ \t]*(?P<files>[^\n]+)")
# The GPL family's full texts end with "How to Apply These Terms": a sample "or (at your
# option) any later version" notice with placeholders. It is part of the text, not a
# grant, so it must not turn a bare GPL-3.0 text into GPL-3.0-or-later.
_NOTICE_SIZE = 3000
_TEMPLATE = re.compile(r"<(one line to give|program|name of author|year)\b", re.IGNORECASE)


@dataclass(frozen=True)
class TextRegion:
    """One licence found in a text: its id, where it starts (1-based line) and ends, and
    whether the text said which of "only" and "or later" it means."""

    license: str
    start: int
    end: int
    line: int
    exact_suffix: bool = True
    declared: bool = False  # stated by a ``License:`` line, not matched from the text
    name: str | None = None  # the bundled component a ``Name:`` block names
    files: str | None = None  # its ``Files:`` line (``numpy.libs/libgfortran*.so``)


@dataclass(frozen=True)
class SplitText:
    """A text split into the licence it grants for its own package and what it bundles."""

    own: tuple[TextRegion, ...]
    # Other licences in the package's own part (before any bundle mark): a second licence
    # of the package (python-dateutil's file holds Apache-2.0 and BSD-3-Clause) or a text
    # for some vendored code. Only the metadata can tell which; the caller decides.
    extra: tuple[TextRegion, ...]
    bundled: tuple[TextRegion, ...]
    # ``SPDX-License-Identifier:`` tags the text states for the package's own files before
    # any full licence text: pyinstaller's COPYING.txt tags its run-time hooks Apache-2.0
    # beside the GPL of the rest. Each is a licence of part of the package.
    tagged: tuple[TextRegion, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {part: [asdict(r) for r in getattr(self, part)] for part in _PARTS}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SplitText:
        """Raises KeyError, TypeError or ValueError on a malformed entry (a cache miss)."""
        return cls(*(tuple(TextRegion(**r) for r in data[part]) for part in _PARTS))


_PARTS = ("own", "extra", "bundled", "tagged")


# Bumped whenever split() would answer differently for the same text, so that cached
# answers from an older release are not reused.
RULES_VERSION = 2


@lru_cache(maxsize=1)
def _matcher_version() -> str:
    """licenseclassifier's version, from the name of its dist-info folder beside it on
    sys.path: asking importlib.metadata scans all of sys.path (17 ms on a 300-package
    site), importing the library to ask costs more, and importlib.util with a glob cost a
    warm 300-package check 14 ms. A plain listing of the one folder costs 0.1 ms."""
    import os
    import sys

    for entry in sys.path:
        folder = entry or os.curdir
        if not os.path.isdir(os.path.join(folder, "licenseclassifier")):
            continue  # the first folder that holds the package is the one imported
        try:
            names = os.listdir(folder)
        except OSError:
            return "unknown"
        found = sorted(n for n in names
                       if n.startswith("licenseclassifier-") and n.endswith(".dist-info"))
        return found[-1][len("licenseclassifier-"):-len(".dist-info")] if found else "unknown"
    return "none"


def fingerprint(text: str, identity: str | None = None) -> str:
    """The cache key of a text's split: its digest, or an identity that changes whenever
    the text may have (an installed file's path, size and mtime), and the matcher that
    split it."""
    suffix = f"{_matcher_version()}:{COVERAGE}:{RULES_VERSION}"
    if identity is not None:
        return f"file:{identity}:{suffix}"
    import hashlib

    digest = hashlib.sha256(text[:MAX_TEXT].encode("utf-8", "surrogatepass")).hexdigest()
    return f"{digest}:{suffix}"


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


@lru_cache(maxsize=1)
def _classifier():  # type: ignore[no-untyped-def]
    from licenseclassifier import identify_license

    return identify_license


def _matched(text: str) -> list[TextRegion]:
    regions: list[TextRegion] = []
    for match in _classifier()(text, coverage_threshold=COVERAGE):
        if match.end - match.start < _NOTICE_SIZE and _TEMPLATE.search(
                text, match.start, match.end + 200):
            continue  # the sample notice alone; a full text that includes it is kept
        bare = _BARE.get(match.id)
        license_id = bare or match.id
        if licensing.try_parse(license_id) is None:
            continue  # an id our vocabulary lacks: better unknown than misnamed
        regions.append(TextRegion(license_id, match.start, match.end, _line_of(text, match.start),
                                  exact_suffix=bare is None))
    return regions


# The GNU notice, written in a project's own words around a full text it ships
# ("...either version 2 of the License, or (at your option) any later version (SPDX
# GPL-2.0-or-later)"): the matcher's templates need the whole notice, this needs the
# clause that decides the suffix.
_OR_LATER = re.compile(r"either\s+version\s+(\d)(?:\.(\d))?\s+of\s+the\s+license,?\s+or\s+"
                       r"\(at\s+your\s+option\)\s+any\s+later\s+version", re.IGNORECASE)


def _or_later_stated(text: str, regions: list[TextRegion], region: TextRegion) -> bool:
    """Whether prose outside every matched text says "version N ... or any later
    version" for this bare GNU text's version."""
    version = re.search(r"-(\d\.\d)-only$", region.license)
    if not version:
        return False
    for clause in _OR_LATER.finditer(text):
        if any(r.start <= clause.start() < r.end for r in regions) or _TEMPLATE.search(
                text, max(0, clause.start() - 1000), clause.end() + 1000):
            continue  # inside a full text, or its "how to apply" sample after it
        if f"{clause.group(1)}.{clause.group(2) or 0}" == version.group(1):
            return True
    return False


def _declared(text: str) -> list[TextRegion]:
    out = []
    for block in _BLOCK.finditer(text):
        raw = block.group("license").strip()
        parsed = licensing.try_parse(raw)
        if parsed is None:
            from license_gate.knowledge.normalize import normalize

            found = normalize(raw).expression
            if found is None:
                continue
            rendered = found
        else:
            rendered = licensing.render(parsed)
        files = _FILES.search(block.group("body"))
        out.append(TextRegion(rendered, block.start(), block.end(), _line_of(text, block.start()),
                              declared=True, name=block.group("name").strip(),
                              files=files.group("files").strip() if files else None))
    return out


_TAG = re.compile(r"SPDX-License-Identifier:[ \t]*(?P<expression>[^\n`]+)")
# A full licence text is long; a region shorter than this is a notice in the prose.
_FULL_TEXT = 1500


def _tagged(text: str, end: int) -> list[TextRegion]:
    """The SPDX tags stated before ``end``, each a valid expression."""
    out = []
    for tag in _TAG.finditer(text, 0, end):
        parsed = licensing.try_parse(tag.group("expression").strip(),
                                     allow_custom_refs=True)
        if parsed is not None:
            out.append(TextRegion(licensing.render(parsed), tag.start(), tag.end(),
                                  _line_of(text, tag.start()), declared=True))
    return out


def _family(license_id: str) -> str:
    """GPL-3.0-only and GPL-3.0 texts, a notice and its full text, are one licence."""
    return re.sub(r"-(only|or-later)$", "", license_id)


def split(text: str) -> SplitText:
    """The licences a text grants its own package, and those of what it bundles.

    The own licence is what comes first, before any "bundles the following" mark or
    ``Name:`` block; a notice followed by the full text of the same licence is one licence
    (the notice's "or later" is kept). Everything after is bundled, each ``Name:`` block
    by its stated licence."""
    text = text[:MAX_TEXT]
    declared = _declared(text)
    mark = _BUNDLE_MARK.search(text)
    cut = min([r.start for r in declared] + ([mark.start()] if mark else []), default=len(text))
    own: list[TextRegion] = []
    extra: list[TextRegion] = []
    bundled: list[TextRegion] = list(declared)
    matched = _matched(text)
    matched = [TextRegion(r.license.replace("-only", "-or-later"), r.start, r.end, r.line)
               if not r.exact_suffix and _or_later_stated(text[:cut], matched, r) else r
               for r in matched]
    # tags after a full text are that text's or a bundled component's (matplotlib's fonts)
    preamble = min([r.start for r in matched if r.end - r.start >= _FULL_TEXT] + [cut])
    tagged = tuple(_tagged(text, preamble))
    if not matched and not declared:
        from license_gate.knowledge.normalize import from_text

        found = from_text(text)
        if found and found.expression:
            return SplitText((TextRegion(found.expression, 0, len(text), 1),), (), (), tagged)
        return SplitText((), (), (), tagged)
    first_block = min((d.start for d in declared), default=len(text))
    for region in matched:
        if region.start >= cut:
            # under a Name: block the text is already reported by the block's stated licence
            if region.start < first_block:
                bundled.append(region)
            continue
        if not _merged(region, own) and not _merged(region, extra):
            (extra if own else own).append(region)
    return SplitText(tuple(own), tuple(extra), tuple(sorted(bundled, key=lambda r: r.start)), tagged)


def _merged(region: TextRegion, found: list[TextRegion]) -> bool:
    """A region of a licence already found is the same licence (a notice and its full
    text); it only supplies the "or later" the bare text leaves open."""
    for index, other in enumerate(found):
        if _family(other.license) == _family(region.license):
            if not other.exact_suffix and region.exact_suffix:
                found[index] = region
            return True
    return False
