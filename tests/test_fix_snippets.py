"""Every problem's fix is a policy snippet that works when pasted: run, paste every
exceptions snippet (filling in the licence found by hand where the tool could not know
it), run again, and the run passes with no exception left unused."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from license_gate.evaluate import UNKNOWN_LICENCE
from tests.helpers import write_tree

REPO = {
    "requirements.txt": (
        "foo @ git+https://github.com/x/foo@v1.0\n"  # VCS: no registry release
        "./libs/bar\n"                               # a local path
        "private-pkg==1.2.3\n"                       # offline and not installed
    ),
    # open-washing over Llama 3.1, and the base's own facets
    "models/ft/README.md": "---\nlicense: apache-2.0\nbase_model: meta-llama/Llama-3.1-8B\n---\n",
    # a non-commercial base: an error by default
    "models/lora/README.md": ("---\nlicense: other\nlicense_name: flux-1-dev-non-commercial-license\n"
                              "base_model: black-forest-labs/FLUX.1-dev\n---\n"),
    # a base nobody can read offline: lineage-unknown, and the base itself unknown
    "models/merge/README.md": "---\nlicense: mit\nbase_model: someone/unknown-base\n---\n",
}


def _snippets(report: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for finding in report["findings"]:
        if finding["severity"] == "info":
            continue
        match = re.search(r"exceptions: (\[\{.*?\}\])", finding["hint"] or "")
        assert match, f"no snippet in the fix of {finding['rule']}: {finding['hint']}"
        pasted = match.group(1).replace(UNKNOWN_LICENCE, "MIT")  # what the user found
        (entry,) = yaml.safe_load(pasted)
        out.append(entry)
    return out


def test_pasting_every_fix_makes_the_run_pass(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = write_tree(tmp_path / "repo", REPO)
    args = ["check", str(root), "--offline", "--cache-dir", str(tmp_path / "c"), "--format", "json"]
    first = run_cli(*args)
    assert first.code == 1
    report = first.json()
    rules = {f["rule"] for f in report["findings"]}
    assert {"license-unknown", "open-washing", "ai-restriction", "lineage-unknown"} <= rules
    entries: dict[str, dict[str, Any]] = {}
    for entry in _snippets(report):
        entries.setdefault(entry["component"], entry)
    policy = {"version": 1, "extends": ["builtin:default"], "exceptions": list(entries.values())}
    (root / ".license-gate.yaml").write_text(yaml.safe_dump(policy, sort_keys=False))
    second = run_cli(*args)
    report = second.json()
    assert second.code == 0, [f["message"] for f in report["findings"] if f["severity"] == "error"]
    assert not [f for f in report["findings"] if f["rule"] == "exception-unused"]
    judged = {c["name"]: c for c in report["components"]}
    # an unknown component is judged under the licence its exception pins
    assert judged["foo"]["license"] == "MIT"
    assert judged["foo"]["evidence"][0]["source"] == "exception"
