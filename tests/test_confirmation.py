"""Online confirmation: an id-shaped literal whose context says nothing about models is
a weak candidate. Offline it is only counted; online the Hub is asked, a repository it
knows is reported, a 404 is not (and is remembered), a refusal confirms nothing."""

from __future__ import annotations

from pathlib import Path

SOURCE = (
    "# the model registry of this service\n"
    'register("acme/real-model-7b")\n'
    'register("acme/not-on-hub-7b")\n'
    'register("acme/gated-thing-2b")\n'
    'headers = {"Accept": "application/json"}\n'
)


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "app.py").write_text(SOURCE)
    return root


def test_offline_weak_candidates_are_counted_not_reported(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    root = _repo(tmp_path)
    result = run_cli("check", str(root), "--offline", "--cache-dir", str(tmp_path / "c"),
                     "--format", "json")
    report = result.json()
    assert report["components"] == []
    assert any("3 id-shaped string(s) without model context were not checked (offline)" in n
               for n in report["notes"])


def test_online_the_hub_confirms(tmp_path: Path, fake_hub, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    fake_hub.model("acme/real-model-7b", {"license": "apache-2.0"})
    # private: the Hub answers an anonymous caller 401, as for a repository that is missing
    fake_hub.model("acme/gated-thing-2b", {"license": "llama3.1"}, private=True)
    root = _repo(tmp_path)
    cache = str(tmp_path / "c")
    result = run_cli("check", str(root), "--cache-dir", cache, "--format", "json")
    report = result.json()
    ids = {c["id"]: c for c in report["components"]}
    assert set(ids) == {"pkg:huggingface/acme/real-model-7b"}
    assert ids["pkg:huggingface/acme/real-model-7b"]["references"] == [
        {"path": "app.py", "line": 2, "relation": "use"}]
    assert any("3 id-shaped string(s) without model context were checked with the Hub: "
               "1 confirmed as repositories and reported, 2 not" in n for n in report["notes"])
    asked = len(fake_hub.auth)
    # the second run asks again only for what was neither a card nor a definite 404
    run_cli("check", str(root), "--cache-dir", cache, "--format", "json")
    # A 401 to an anonymous caller (private or missing alike) is remembered as not
    # confirmable without a token; with one, it is asked again.
    assert len(fake_hub.auth) - asked == 0
    monkeypatch.setenv("HF_TOKEN", "hf_reader")
    run_cli("check", str(root), "--cache-dir", cache, "--format", "json")
    assert len(fake_hub.auth) - asked == 2


def test_no_confirm_sends_nothing_for_weak_candidates(tmp_path: Path, fake_hub, run_cli) -> None:  # type: ignore[no-untyped-def]
    fake_hub.model("acme/real-model-7b", {"license": "apache-2.0"})
    root = _repo(tmp_path)
    report = run_cli("check", str(root), "--no-confirm", "--cache-dir", str(tmp_path / "c"),
                     "--format", "json").json()
    assert report["components"] == [] and fake_hub.auth == []
    assert any("(--no-confirm)" in n for n in report["notes"])
