"""Snapshot the licence facts of installed distributions: the core-metadata headers
(never the description body) and the licence files of each ``*.dist-info``, for the
package-licence corpus (``tests/assets/pkgmeta/``). Nothing is imported or run from the
packages; files are only read.

    python -m venv /tmp/v && /tmp/v/bin/pip install --only-binary :all: <packages>
    python bench/pkg_snapshot.py /tmp/v/lib/python3.11/site-packages tests/assets/pkgmeta

Each distribution becomes ``<name>-<version>/`` holding ``METADATA`` (headers only),
its licence files under their dist-info paths, and ``files.txt``: the names of vendored
shared libraries (``<pkg>.libs/``, ``.dylibs``) that the RECORD lists, which show bundled
code whose licence texts may sit in the licence files.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

LICENCE_NAME = re.compile(r"^(licen[cs]e|copying|notice|copyright|authors|patents)", re.I)
MAX_FILE = 512 * 1024  # licence files beyond this are cut, and the cut is marked


def headers(metadata: str) -> str:
    """The header block of a core-metadata file: everything before the first blank line."""
    head, _, _ = metadata.partition("\n\n")
    return head.rstrip("\n") + "\n"


def licence_files(dist_info: Path) -> list[Path]:
    found = []
    for path in sorted(dist_info.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(dist_info)
        if rel.parts[0] == "licenses" or LICENCE_NAME.match(rel.name):
            found.append(path)
    return found


def vendored(dist_info: Path) -> list[str]:
    record = dist_info / "RECORD"
    if not record.is_file():
        return []
    out = []
    with record.open(newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            if row and re.search(r"\.(libs|dylibs)/", row[0]):
                out.append(row[0])
    return sorted(out)


def snapshot(site: Path, out: Path) -> int:
    count = 0
    for dist_info in sorted(site.glob("*.dist-info")):
        meta = dist_info / "METADATA"
        if not meta.is_file():
            continue
        target = out / dist_info.name.removesuffix(".dist-info")
        target.mkdir(parents=True, exist_ok=True)
        (target / "METADATA").write_text(headers(meta.read_text("utf-8", "replace")), "utf-8")
        for path in licence_files(dist_info):
            rel = path.relative_to(dist_info)
            dest = target / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            data = path.read_bytes()
            if len(data) > MAX_FILE:
                data = data[:MAX_FILE] + b"\n[... cut by pkg_snapshot.py ...]\n"
            dest.write_bytes(data)
        libs = vendored(dist_info)
        if libs:
            (target / "files.txt").write_text("\n".join(libs) + "\n", "utf-8")
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site_packages", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    print(f"{snapshot(args.site_packages, args.out)} distributions", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
