"""Licence files decide what the headers leave vague, bundled licences are reported as
bundled, and classifiers are never joined nor dropped (issue 13). The licence texts are
the real ones snapshotted in tests/assets/pkgmeta."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from license_gate.evaluate import evaluate
from license_gate.model import Component, Place, Resolution, ResolvedComponent, Severity
from license_gate.policy import Policy, PolicyError, load_policy
from license_gate.report.json import format_json as render_json
from license_gate.resolve.installed import InstalledSource
from license_gate.resolve.interface import LicenceText, RawMetadata
from license_gate.resolve.metadata import needs_files, outcome_from_metadata

PKGMETA = Path(__file__).resolve().parents[1] / "assets" / "pkgmeta"
SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def _dist(site: Path, name: str, headers: str, files: dict[str, str] | None = None) -> Path:
    info = site / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.4\nName: {name}\nVersion: 1.0\n{headers}"
                                   "\n\nA long description that says GPL.\n")
    for relative, text in (files or {}).items():
        (info / relative).parent.mkdir(parents=True, exist_ok=True)
        (info / relative).write_text(text)
    return info


def _resolve(site: Path, name: str) -> Resolution:
    (outcome,) = InstalledSource([str(site)]).lookup([(name, "1.0")]).values()
    assert isinstance(outcome, Resolution), outcome
    return outcome


def test_a_vague_classifier_takes_the_variant_the_licence_file_states(tmp_path: Path) -> None:
    text = (PKGMETA / "pysnmp-7.1.30" / "licenses" / "LICENSE.rst").read_text()
    _dist(tmp_path, "vague", "Classifier: License :: OSI Approved :: BSD License\n"
          "License-File: LICENSE.rst", {"licenses/LICENSE.rst": text})
    got = _resolve(tmp_path, "vague")
    assert got.expression == "BSD-2-Clause"
    assert [e.raw for e in got.evidence if e.field == "licence file"] == ["licenses/LICENSE.rst:1"]


def test_a_bare_gpl_name_takes_version_and_suffix_from_the_classifier(tmp_path: Path) -> None:
    """Unidecode: License 'GPL', classifier GPLv2+, the GPL-2.0 text."""
    text = (PKGMETA / "Unidecode-1.4.0" / "LICENSE").read_text()
    _dist(tmp_path, "unidecode", "License: GPL\nClassifier: License :: OSI Approved :: "
          "GNU General Public License v2 or later (GPLv2+)", {"LICENSE": text})
    assert _resolve(tmp_path, "unidecode").expression == "GPL-2.0-or-later"


def test_numpy_is_bsd_and_its_gcc_runtime_is_bundled(tmp_path: Path) -> None:
    numpy = PKGMETA / "numpy-2.4.6"
    info = tmp_path / "numpy-1.0.dist-info"
    shutil.copytree(numpy, info)
    libs = tmp_path / "numpy.libs"
    libs.mkdir()
    for name in (numpy / "files.txt").read_text().split():
        (libs / Path(name).name).write_bytes(b"")
    got = _resolve(tmp_path, "numpy")
    assert "GPL" not in got.expression
    gcc = [b for b in got.bundled if b.name == "GCC runtime library"]
    assert [b.license for b in gcc] == ["GPL-3.0-or-later WITH GCC-exception-3.1"]
    assert gcc[0].evidence.raw == "licenses/LICENSE.txt:131"
    assert "numpy.libs/libgfortran-040039e1-0352e75f.so.5.0.0" in (gcc[0].evidence.note or "")


def test_a_valid_expression_without_vendored_libraries_reads_no_file() -> None:
    assert not needs_files(RawMetadata("MIT"))
    assert not needs_files(RawMetadata(None, "Apache 2.0"))
    assert needs_files(RawMetadata(None, "BSD"))
    assert needs_files(RawMetadata(None, "GPLv2"))  # only or later? a notice may say
    assert needs_files(RawMetadata("MIT", vendored=("x.libs/libz.so",)))
    # one exact classifier: no file can make it more exact; a vague one or two can
    assert not needs_files(RawMetadata(None, None, ("License :: OSI Approved :: MIT License",)))
    assert needs_files(RawMetadata(None, None, ("License :: OSI Approved :: BSD License",)))
    assert needs_files(RawMetadata(None, None, ("License :: OSI Approved :: MIT License",
                                                "License :: OSI Approved :: ISC License (ISCL)")))


def test_several_classifiers_are_alternatives_named_as_ambiguous() -> None:
    meta = RawMetadata(None, None, (
        "License :: Public Domain",
        "License :: OSI Approved :: BSD License",
        "License :: OSI Approved :: GNU General Public License (GPL)",
    ))
    got = outcome_from_metadata(meta, "installed")
    assert isinstance(got, Resolution)
    assert " OR " in got.expression and " AND " not in got.expression
    assert len(got.ambiguous) == 3 and all("License ::" in a for a in got.ambiguous)


def test_two_licences_in_one_file_that_the_classifiers_confirm_both_apply() -> None:
    """python-dateutil: Apache-2.0 and BSD-3-Clause texts in one LICENSE, both named by
    classifiers: the code is under both."""
    text = (PKGMETA / "python_dateutil-2.9.0.post0" / "LICENSE").read_text()
    meta = RawMetadata(None, "Dual License", (
        "License :: OSI Approved :: BSD License", "License :: OSI Approved :: Apache Software License"),
        (LicenceText("LICENSE", text),))
    got = outcome_from_metadata(meta, "installed")
    assert isinstance(got, Resolution) and got.expression == "Apache-2.0 AND BSD-3-Clause"


def test_a_second_text_the_metadata_does_not_name_is_bundled() -> None:
    text = (PKGMETA / "python_dateutil-2.9.0.post0" / "LICENSE").read_text()
    meta = RawMetadata(None, None, (), (LicenceText("LICENSE", text),))
    got = outcome_from_metadata(meta, "installed")
    assert isinstance(got, Resolution) and got.expression == "Apache-2.0"
    assert [b.license for b in got.bundled] == ["BSD-3-Clause"]


def test_parts_a_licence_file_tags_join_the_licence_the_field_names() -> None:
    """pyinstaller: License is a sentence naming the GPL with its bootloader exception;
    COPYING.txt tags the run-time hooks Apache-2.0. Both apply, each to its part."""
    text = (PKGMETA / "pyinstaller-6.22.3" / "licenses" / "COPYING.txt").read_text()
    sentence = ("GPLv2-or-later with a special exception which allows to use PyInstaller to "
                "build and distribute non-free programs (including commercial ones)")
    meta = RawMetadata(None, sentence, ("License :: OSI Approved :: GNU General Public License "
                                        "v2 (GPLv2)",), (LicenceText("COPYING.txt", text),))
    assert needs_files(meta)  # a sentence, not a name
    got = outcome_from_metadata(meta, "installed")
    assert isinstance(got, Resolution)
    assert got.expression == "GPL-2.0-or-later WITH Bootloader-exception AND Apache-2.0"
    assert "COPYING.txt:130" in [e.raw for e in got.evidence]
    # a License-Expression is the whole licence (PEP 639): a tag adds nothing to it
    exact = RawMetadata("GPL-2.0-or-later WITH Bootloader-exception", None, (),
                        (LicenceText("COPYING.txt", text),), vendored=("x.libs/a.so",))
    got = outcome_from_metadata(exact, "installed")
    assert isinstance(got, Resolution)
    assert got.expression == "GPL-2.0-or-later WITH Bootloader-exception"


def _component(outcome: Resolution) -> ResolvedComponent:
    return ResolvedComponent(Component("pypi", "numpy", "2.4.6"), outcome,
                             (Place("requirements.txt", 3),))


def _numpy_outcome() -> Resolution:
    text = (PKGMETA / "numpy-2.4.6" / "licenses" / "LICENSE.txt").read_text()
    vendored = (PKGMETA / "numpy-2.4.6" / "files.txt").read_text().split()
    got = outcome_from_metadata(RawMetadata("BSD-3-Clause", license_files=(
        LicenceText("licenses/LICENSE.txt", text),), vendored=tuple(vendored)), "installed")
    assert isinstance(got, Resolution)
    return got


def test_bundled_licences_are_info_unless_the_policy_raises_them() -> None:
    outcome = _numpy_outcome()
    policy = Policy(categories={"Permissive": "allow", "Copyleft": "error",
                                "Copyleft Limited": "error"})
    report = evaluate(policy, [_component(outcome)])
    (finding,) = [f for f in report.findings if f.rule == "bundled-license"]
    assert finding.severity is Severity.INFO and report.is_compliant
    assert "GPL-3.0-or-later WITH GCC-exception-3.1" in finding.message
    assert "licenses/LICENSE.txt:131" in finding.message
    raised = evaluate(Policy(categories=policy.categories, bundled_license="error"),
                      [_component(outcome)])
    (finding,) = [f for f in raised.findings if f.rule == "bundled-license"]
    assert finding.severity is Severity.ERROR and not raised.is_compliant
    assert "Not allowed by the policy" in finding.message
    silent = evaluate(Policy(categories=policy.categories, bundled_license="ignore"),
                      [_component(outcome)])
    assert not [f for f in silent.findings if f.rule == "bundled-license"]


def test_ambiguity_warns_only_where_the_and_reading_changes_the_verdict() -> None:
    meta = RawMetadata(None, None, ("License :: OSI Approved :: MIT License",
                                    "License :: OSI Approved :: GNU General Public License v3 (GPLv3)"))
    outcome = outcome_from_metadata(meta, "installed")
    assert isinstance(outcome, Resolution)
    strict = Policy(categories={"Permissive": "allow", "Copyleft": "error"})
    (finding,) = [f for f in evaluate(strict, [_component(outcome)]).findings
                  if f.rule == "license-ambiguous"]
    assert finding.severity is Severity.WARNING and "If all apply, the policy says error" in finding.message
    lenient = Policy(categories={"Permissive": "allow", "Copyleft": "allow"})
    (finding,) = [f for f in evaluate(lenient, [_component(outcome)]).findings
                  if f.rule == "license-ambiguous"]
    assert finding.severity is Severity.INFO


def test_json_report_carries_bundled_and_ambiguous_and_matches_the_schema() -> None:
    report = evaluate(Policy(categories={"Permissive": "allow"}), [_component(_numpy_outcome())])
    data = json.loads(render_json(report))
    (numpy,) = data["components"]
    assert {"license": "GPL-3.0-or-later WITH GCC-exception-3.1", "name": "GCC runtime library"
            } in [{"license": b["license"], "name": b["name"]} for b in numpy["bundled"]]
    schema = json.loads((SCHEMAS / "report-v1.schema.json").read_text())
    jsonschema.validate(data, schema)


def test_policy_packages_section(tmp_path: Path) -> None:
    (tmp_path / ".license-gate.yaml").write_text(
        "version: 1\npackages:\n  bundled-license: warn\n  license-ambiguous: error\n")
    policy = load_policy(None, tmp_path)
    assert (policy.bundled_license, policy.license_ambiguous) == ("warn", "error")
    (tmp_path / ".license-gate.yaml").write_text("version: 1\npackages:\n  bundled-license: loud\n")
    with pytest.raises(PolicyError) as info:
        load_policy(None, tmp_path)
    assert info.value.key == "packages.bundled-license" and info.value.line == 3


def test_split_texts_are_remembered_in_the_cache_and_a_bad_entry_is_a_miss(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from license_gate.knowledge import textmatch
    from license_gate.model import Place, Reference
    from license_gate.resolve import TEXTS, Resolver, ResolveSettings

    text = (PKGMETA / "pysnmp-7.1.30" / "licenses" / "LICENSE.rst").read_text()
    _dist(tmp_path / "site", "vague", "Classifier: License :: OSI Approved :: BSD License",
          {"licenses/LICENSE.rst": text})
    ref = Reference("pypi", "vague", Place("requirements.txt", 1), version="1.0")

    def resolve() -> str:
        resolver = Resolver(ResolveSettings(offline=True, cache_dir=tmp_path / "cache",
                                            search_path=[str(tmp_path / "site")]))
        (result,) = resolver.resolve([ref])
        assert isinstance(result.outcome, Resolution)
        return result.outcome.expression

    calls: list[int] = []
    real = textmatch.split
    monkeypatch.setattr(textmatch, "split", lambda t: calls.append(1) or real(t))
    assert resolve() == "BSD-2-Clause" and len(calls) == 1
    assert resolve() == "BSD-2-Clause" and len(calls) == 1  # warm: read from the cache
    from license_gate.resolve.cache import Cache
    from license_gate.resolve.installed import licence_files

    info = tmp_path / "site" / "vague-1.0.dist-info"
    (file,) = licence_files(info)
    assert file.text is None  # known by its identity: a warm run does not read it
    cache = Cache(tmp_path / "cache")
    cache.put_entries(TEXTS, [(textmatch.fingerprint("", file.identity), {"own": "garbage"})])
    cache.close()
    assert resolve() == "BSD-2-Clause" and len(calls) == 2  # damaged entry: split again
    # a file changed in place (new size and mtime) is read again, never the old answer
    mit = (PKGMETA / "duckdb-2.0.1" / "licenses" / "LICENSE").read_text()
    (info / "licenses" / "LICENSE.rst").write_text(mit)
    assert resolve() == "MIT OR LicenseRef-license-gate-BSD-unspecified" and len(calls) == 3
