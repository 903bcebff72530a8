"""Tokens never appear in output, reports, logs or the cache: HF_TOKEN set, every report
format written, the most detailed text output, a gated repository it opens, a private
one it cannot, and a failing endpoint."""

from __future__ import annotations

from pathlib import Path

from tests.fake_hub import FakeHub

TOKEN = "hf_TOPsecretTOKEN0123456789abcdef"


def test_hf_token_never_leaks(tmp_path: Path, fake_hub: FakeHub, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    fake_hub.model("meta-llama/Llama-3.2-1B", {"license": "llama3.2"}, gated="manual")
    fake_hub.model("private/forbidden", {"license": "mit"})
    fake_hub.forbidden.add(("models", "private/forbidden"))
    fake_hub.model("flaky/model", {"license": "mit"})
    fake_hub.fault("/api/models/flaky/model", "500", "500", "500", "500")
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    fake_hub.tokens.add(TOKEN)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "app.py").write_text(
        "from transformers import AutoModel\n"
        'a = AutoModel.from_pretrained("meta-llama/Llama-3.2-1B")\n'
        'b = AutoModel.from_pretrained("private/forbidden")\n'
        'c = AutoModel.from_pretrained("flaky/model")\n')
    cache = tmp_path / "cache"
    outputs = {fmt: tmp_path / f"report.{fmt}" for fmt in ("json", "markdown", "sarif", "cyclonedx")}
    args = ["check", str(repo), "--cache-dir", str(cache), "--retries", "1"]
    for fmt, path in outputs.items():
        args += ["--format", fmt, "--output", str(path)]
    result = run_cli(*args, "--format", "text")
    assert result.code == 1
    assert fake_hub.auth and all(a in (None, f"Bearer {TOKEN}") for a in fake_hub.auth)
    assert f"Bearer {TOKEN}" in fake_hub.auth  # it was used, only on the wire
    assert "HF_TOKEN" in result.out  # the hint for the private repository names the variable
    texts = [result.out, result.err] + [p.read_text() for p in outputs.values()]
    texts += [p.read_bytes().decode("latin-1") for p in cache.rglob("*") if p.is_file()]
    explain = run_cli("explain", "private/forbidden", "--cache-dir", str(cache))
    texts += [explain.out, explain.err]
    assert not [t for t in texts if TOKEN in t]
