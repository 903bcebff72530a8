"""End to end through ``main([...])``, the way pre-commit-hooks tests its hooks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tests.fake_pypi import FakePyPI
from tests.helpers import write_tree

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "schemas" / "report-v1.schema.json").read_text())


@pytest.fixture
def pypi(fake_pypi: FakePyPI) -> FakePyPI:
    fake_pypi.add("alpha-lib", "1.0", license_expression="MIT")
    fake_pypi.add("beta-lib", "2.0", license="Apache Software License 2.0")
    fake_pypi.add("gamma-lib", "3.0", license="BUSL-1.1")  # source-available
    fake_pypi.add("delta-lib", "4.0", license_expression="LGPL-2.1-or-later OR MIT")
    fake_pypi.add("epsilon-lib", "0.1", license="CC-BY-SA-4.0")  # copyleft, not OSI
    return fake_pypi


repo = write_tree


def test_passing_repository(tmp_path: Path, pypi: FakePyPI, run_cli) -> None:  # type: ignore[no-untyped-def]
    repo(tmp_path, {"requirements.txt": "alpha-lib==1.0\nbeta-lib==2.0\ndelta-lib==4.0\n"})
    result = run_cli("check", str(tmp_path))
    assert result.code == 0, result.out
    assert "PASSED" in result.out
    assert "delta-lib 4.0  LGPL-2.1-or-later OR MIT  (chosen: MIT)" in result.out
    assert "from PyPI License 'Apache Software License 2.0'" in result.out


def test_violations_listed_with_file_line_and_fix(tmp_path: Path, pypi: FakePyPI, run_cli) -> None:  # type: ignore[no-untyped-def]
    repo(tmp_path, {
        "requirements.txt": "alpha-lib==1.0\ngamma-lib==3.0\n",
        "pyproject.toml": '[project]\nname="x"\nversion="1"\ndependencies = [\n  "epsilon-lib==0.1",\n]\n',
    })
    result = run_cli("check", str(tmp_path))
    assert result.code == 1
    assert "requirements.txt:2: error [license-denied] pkg:pypi/gamma-lib@3.0: BUSL-1.1" in result.out
    assert "pyproject.toml:5: warning [license-denied] pkg:pypi/epsilon-lib@0.1" in result.out
    assert "fix: replace gamma-lib" in result.out
    assert "FAILED: 1 error(s), 1 warning(s)" in result.out


def test_json_report_matches_schema(tmp_path: Path, pypi: FakePyPI, run_cli) -> None:  # type: ignore[no-untyped-def]
    repo(tmp_path, {"requirements.txt": "alpha-lib==1.0\ngamma-lib==3.0\nmissing-lib==9\n"
                    "private @ git+https://git.example.com/p.git\n"})
    result = run_cli("check", str(tmp_path), "--format", "json")
    assert result.code == 1
    report = result.json()
    jsonschema.validate(report, SCHEMA)
    assert report["schema_version"] == 1 and report["passed"] is False
    assert report["summary"] == {"components": 4, "errors": 3, "warnings": 0, "unresolved": 2}
    comps = {c["id"]: c for c in report["components"]}
    assert comps["pkg:pypi/alpha-lib@1.0"]["license"] == "MIT"
    assert comps["pkg:pypi/alpha-lib@1.0"]["evidence"][0]["field"] == "License-Expression"
    assert comps["pkg:pypi/alpha-lib@1.0"]["references"] == [{"path": "requirements.txt", "line": 1}]
    assert comps["pkg:pypi/missing-lib@9"]["license"] is None
    assert comps["pkg:pypi/missing-lib@9"]["unresolved_cause"] == "not-found"
    assert comps["pkg:pypi/private"]["unresolved_cause"] == "not-registry"
    assert comps["pkg:pypi/missing-lib@9"]["unresolved_reason"].startswith("not found on http://127.0.0.1:")
    assert "VCS" in comps["pkg:pypi/private"]["unresolved_reason"]
    assert {f["rule"] for f in report["findings"]} == {"license-denied", "license-unknown"}


def test_output_file(tmp_path: Path, pypi: FakePyPI, run_cli) -> None:  # type: ignore[no-untyped-def]
    repo(tmp_path, {"requirements.txt": "alpha-lib==1.0\n"})
    out = tmp_path / "reports" / "lg.json"
    result = run_cli("check", str(tmp_path), "--format", "json", "--output", str(out))
    assert result.code == 0
    assert json.loads(out.read_text())["passed"] is True
    assert "report written to" in result.out


def test_reports_get_the_mode_any_new_file_gets(tmp_path: Path, pypi: FakePyPI, run_cli) -> None:  # type: ignore[no-untyped-def]
    """Written atomically (a temporary file renamed), yet 0644 under umask 022, not the
    temporary file's 0600; a report written over keeps the mode it had."""
    import os
    import stat

    repo(tmp_path, {"requirements.txt": "alpha-lib==1.0\n"})
    out = tmp_path / "lg.json"
    old = os.umask(0o022)
    try:
        assert run_cli("check", str(tmp_path), "--format", "json", "--output", str(out)).code == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o644
        out.chmod(0o640)
        assert run_cli("check", str(tmp_path), "--format", "json", "--output", str(out)).code == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o640
    finally:
        os.umask(old)


def test_malformed_file_is_reported_and_others_still_checked(tmp_path: Path, pypi: FakePyPI, run_cli) -> None:  # type: ignore[no-untyped-def]
    repo(tmp_path, {
        "requirements.txt": "alpha-lib==1.0\n",
        "uv.lock": '[[package]]\nname = "beta-lib"\nversion = \n',
        "sub/poetry.lock": '[[package]]\nname = "beta-lib"\nversion = "2.0"\n',
    })
    result = run_cli("check", str(tmp_path), "--format", "json")
    report = result.json()
    assert result.code == 1
    parse = [f for f in report["findings"] if f["rule"] == "parse-error"]
    assert parse and parse[0]["references"] == [{"path": "uv.lock", "line": 3}]
    ids = {c["id"] for c in report["components"]}
    assert {"pkg:pypi/alpha-lib@1.0", "pkg:pypi/beta-lib@2.0"} <= ids
    assert all(c["verdict"] == "allowed" for c in report["components"])


def test_network_down_is_never_a_pass(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    repo(tmp_path, {"requirements.txt": "alpha-lib==1.0\n"})
    result = run_cli("check", str(tmp_path), "--timeout", "1", "--retries", "1")
    assert result.code == 1
    assert "licence unknown: network:" in result.out
    assert "--offline" in result.out


def test_offline_with_warm_cache(tmp_path: Path, pypi: FakePyPI, run_cli) -> None:  # type: ignore[no-untyped-def]
    repo(tmp_path, {"requirements.txt": "alpha-lib==1.0\n"})
    assert run_cli("check", str(tmp_path)).code == 0
    pypi.stop()
    result = run_cli("check", str(tmp_path), "--offline")
    assert result.code == 0
    assert "from cache (PyPI) License-Expression" in result.out


def test_policy_file_and_exception(tmp_path: Path, pypi: FakePyPI, run_cli) -> None:  # type: ignore[no-untyped-def]
    repo(tmp_path, {
        "requirements.txt": "gamma-lib==3.0\n",
        ".license-gate.yaml": "version: 1\nextends: [builtin:default]\nexceptions:\n"
        "  - component: pkg:pypi/gamma-lib\n    versions: '>=3,<4'\n    license: BUSL-1.1\n"
        "    reason: used only in an internal CLI that is never distributed\n"
        "    expires: 2099-01-01\n",
    })
    result = run_cli("check", str(tmp_path))
    assert result.code == 0, result.out
    assert "allowed by an exception (1)" in result.out
    assert "never distributed" in result.out


def test_broken_policy_exits_2_naming_file_and_key(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    repo(tmp_path, {"requirements.txt": "alpha-lib==1.0\n",
                    ".license-gate.yaml": "version: 1\nlicenses:\n  allow: [MIT, Not-A-Licence]\n"})
    result = run_cli("check", str(tmp_path))
    assert result.code == 2
    assert ".license-gate.yaml:3: licenses.allow[1]" in result.err
    assert "Not-A-Licence" in result.err


def test_broken_policy_fails_even_with_nothing_to_check(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    repo(tmp_path, {".license-gate.yaml": "version: 1\nunknown: sometimes\n"})
    assert run_cli("check", str(tmp_path)).code == 2


def test_nothing_to_check(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    repo(tmp_path, {"notes.txt": "hi\n", "image.png": "x"})
    result = run_cli("check", str(tmp_path))
    assert result.code == 0 and "no dependency files" in result.out


def test_nothing_to_check_imports_no_resolver_nor_cache(tmp_path: Path) -> None:
    """What a pre-commit run with nothing to do costs: no resolver, no cache database,
    no hashing (a new process, since this one has imported everything already)."""
    repo(tmp_path, {"notes.txt": "hi\n"})
    probe = ("import sys\nfrom license_gate.cli import main\n"
             f"code = main(['check', {str(tmp_path)!r}])\n"
             "heavy = [m for m in ('license_gate.resolve', 'license_gate.evaluate', 'sqlite3', "
             "'hashlib', 'pickle', 'yaml', 'license_expression') if m in sys.modules]\n"
             "print(code, heavy)\n")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=60, env={**os.environ, "LICENSE_GATE_CACHE_DIR": str(tmp_path / "c")})
    assert run.stdout.strip().splitlines()[-1] == "0 []", run.stdout + run.stderr


def test_files_without_references_pass_with_no_components(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    repo(tmp_path, {"README.md": "# hi\n", "app.py": "print('hello')\n", "conf.yaml": "a: 1\n"})
    result = run_cli("check", str(tmp_path), "--format", "json")
    assert result.code == 0
    assert result.json()["summary"]["components"] == 0


@pytest.mark.parametrize("args", [
    ["check", "/no/such/path"],
    ["check", "--format", "xml"],
    ["check", "--timeout", "0"],
    ["frobnicate"],
    [],
])
def test_usage_errors_exit_2(args: list[str], run_cli) -> None:  # type: ignore[no-untyped-def]
    assert run_cli(*args).code == 2


def test_named_files_are_checked_even_with_unusual_names(tmp_path: Path, pypi: FakePyPI, run_cli) -> None:  # type: ignore[no-untyped-def]
    repo(tmp_path, {"deps/prod.pip": "alpha-lib==1.0\n", "requirements.txt": "gamma-lib==3.0\n"})
    result = run_cli("check", "deps/prod.pip", cwd=tmp_path)
    assert result.code == 0
    assert "alpha-lib" in result.out and "gamma-lib" not in result.out


def test_example_repository_offline(run_cli) -> None:  # type: ignore[no-untyped-def]
    """The README quick start: passing and failing components, offline, default policy."""
    result = run_cli("check", str(ROOT / "examples" / "python-app"), "--offline")
    assert result.code == 1
    assert "policy: builtin:default; offline" in result.out
    assert "requests " in result.out and "pyyaml " in result.out
    assert "internal-billing" in result.out and "VCS requirement" in result.out
    assert "unvetted-helper 0.4.2" in result.out
    # the AI part: models from code, a card and a Modelfile, resolved from the catalog
    assert "model huggingface:meta-llama/Llama-3.1-8B-Instruct" in result.out
    assert "claimed: 'apache-2.0' (card license at models/support-bot/README.md:2)" in result.out
    assert "claimed: 'MIT' (Modelfile LICENSE at Modelfile:4)" in result.out
    assert "model huggingface:sentence-transformers/all-mpnet-base-v2  Apache-2.0" in result.out
    assert "checkpoints/reranker" not in result.out
    # honest Llama references: only the facet findings the default profile asks for
    restricted = ("app/assistant.py:6: warning [ai-restriction] Llama 3.1 Community License: "
                  "user-threshold (700,000,000 monthly active users)")
    assert restricted in result.out
    # relabelled ones: open-washing at the line of the claim
    assert ("models/support-bot/README.md:2: error [open-washing] card license says "
            "'apache-2.0', an open licence, but the real licence is Llama 3.1 Community License"
            in result.out)
    assert "Modelfile:4: error [open-washing] Modelfile LICENSE says 'MIT'" in result.out
    # and the verdict's own reason says the word, the claim beside the truth
    assert ("      why: open-washing: Modelfile LICENSE says 'MIT', an open licence, but the real "
            "licence is Llama 3.1 Community License" in result.out)


def test_module_entry_point_and_version() -> None:
    proc = subprocess.run([sys.executable, "-m", "license_gate", "--version"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and proc.stdout.startswith("license-gate ")


def test_repository_code_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "EXECUTED"
    payload = f"open({str(marker)!r}, 'w').write('x')\n"
    repo(tmp_path, {"setup.py": payload, "conftest.py": payload, "pkg/__init__.py": payload,
                    "requirements.txt": "-e .\n./pkg\n",
                    "pyproject.toml": '[build-system]\nrequires=["setuptools"]\n[project]\nname="p"\n'
                    'version="1"\ndependencies=["pkg @ file:./pkg"]\n'})
    proc = subprocess.run([sys.executable, "-m", "license_gate", "check", str(tmp_path), "--offline"],
                          capture_output=True, text=True, check=False, cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert not marker.exists()


def test_ai_components_end_to_end_with_fake_hub(tmp_path: Path, fake_hub, run_cli) -> None:  # type: ignore[no-untyped-def]
    fake_hub.model("meta-llama/Llama-3.1-8B", {"license": "llama3.1"})
    fake_hub.model("acme/support-ft", {"license": "apache-2.0", "base_model": "meta-llama/Llama-3.1-8B"})
    fake_hub.model("sentence-transformers/all-MiniLM-L6-v2", {"license": "apache-2.0"})
    fake_hub.dataset("acme/tickets", {"license": "cc-by-4.0"})
    repo(tmp_path, {
        "app.py": "from transformers import AutoModel\n"
                  "from sentence_transformers import SentenceTransformer\n"
                  'm = AutoModel.from_pretrained("acme/support-ft")\n'
                  'e = SentenceTransformer("all-MiniLM-L6-v2")\n',
        "train.yaml": "dataset_name: acme/tickets\noutput_dir: outputs/run\n",
    })
    result = run_cli("check", str(tmp_path), "--format", "json")
    report = result.json()
    jsonschema.validate(report, SCHEMA)
    comps = {c["id"]: c for c in report["components"]}
    ft = comps["pkg:huggingface/acme/support-ft"]
    assert (ft["kind"], ft["ecosystem"], ft["name"], ft["license"]) == (
        "model", "huggingface", "acme/support-ft", "Apache-2.0")
    assert ft["references"] == [{"path": "app.py", "line": 3, "relation": "use"}]
    assert ft["lineage"][0]["parent"] == "meta-llama/Llama-3.1-8B"
    assert ft["lineage"][0]["license"] == "LicenseRef-scancode-llama-3.1-license-2024"
    assert comps["pkg:huggingface/sentence-transformers/all-MiniLM-L6-v2"]["verdict"] == "allowed"
    dataset = comps["pkg:huggingface/acme/tickets"]
    assert (dataset["kind"], dataset["license"]) == ("dataset", "CC-BY-4.0")
    assert "outputs/run" not in result.out


def test_bad_ai_inputs_are_reported_and_the_rest_checked(tmp_path: Path, pypi: FakePyPI, run_cli) -> None:  # type: ignore[no-untyped-def]
    repo(tmp_path, {
        "requirements.txt": "alpha-lib==1.0\n",
        "bad.py": 'm = AutoModel.from_pretrained("org/x")\ndef broken(:\n',
        "nb.ipynb": '{"cells": [{"source": "from_pretrained(',
        "cfg.yaml": "model: [unclosed\n",
        "weights.gguf": "GGUF-but-not-really",
        "models/local-ckpt/config.json": "{}",
        "use_local.py": 'AutoModel.from_pretrained("models/local-ckpt")\n',
    })
    (tmp_path / "blob.json").write_bytes(b"\xff\xfe\x00binary\x00" * 50)
    result = run_cli("check", str(tmp_path), "--format", "json", "--offline")
    report = result.json()
    assert result.code == 1
    parse = {f["references"][0]["path"] for f in report["findings"] if f["rule"] == "parse-error"}
    assert parse == {"bad.py", "nb.ipynb", "cfg.yaml", "weights.gguf"}
    assert any("blob.json: not text" in n for n in report["notes"])
    ids = {c["id"] for c in report["components"]}
    assert "pkg:pypi/alpha-lib@1.0" in ids
    assert not any("local-ckpt" in i for i in ids)  # a path in the repository is not a Hub id


@pytest.mark.parametrize(("flag", "value", "said"), [
    ("--jobs", "0", "argument --jobs: must be at least 1, got 0"),
    ("--retries", "-1", "argument --retries: must be at least 0, got -1"),
    ("--timeout", "0", "argument --timeout: must be more than 0 seconds, got 0"),
    ("--timeout", "nan", "argument --timeout: must be more than 0 seconds, got nan"),
    ("--jobs", "many", "argument --jobs: 'many' is not a whole number"),
])
def test_each_bad_flag_gets_its_own_message(tmp_path: Path, run_cli, flag: str, value: str,  # type: ignore[no-untyped-def]
                                            said: str) -> None:
    result = run_cli("check", str(tmp_path), "--offline", flag, value)
    assert result.code == 2 and said in result.err


def test_explain_of_a_bare_name_suggests_the_package_url(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("explain", "requests==2.32.5", "--offline")
    assert result.code == 2
    assert "license-gate explain pkg:pypi/requests@2.32.5" in result.err
    assert "<owner>/requests" in result.err


def test_written_exceptions_are_a_policy_that_lets_today_pass_until_they_expire(
        tmp_path: Path, pypi: FakePyPI, run_cli) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    import yaml

    repo(tmp_path, {"requirements.txt": "alpha-lib==1.0\ngamma-lib==3.0\nmissing-lib==9\n"})
    written = tmp_path / "review" / "exceptions.yaml"
    first = run_cli("check", str(tmp_path), "--write-exceptions", str(written))
    assert first.code == 1 and "exceptions to review written to" in first.err
    entries = yaml.safe_load(written.read_text())["exceptions"]
    assert {(e["component"], e["versions"], e.get("license")) for e in entries} == {
        ("pkg:pypi/gamma-lib", "==3.0", "BUSL-1.1"), ("pkg:pypi/missing-lib", "==9", None)}
    assert all(e["reason"] == "TODO" for e in entries)
    assert {e["expires"] for e in entries} == {dt.date.today() + dt.timedelta(days=90)}
    (tmp_path / ".license-gate.yaml").write_text(written.read_text())
    second = run_cli("check", str(tmp_path))
    assert second.code == 0, second.out
