"""A small repository the report-format tests share: a relabelled Llama fine-tune, two
loaded models and a VCS requirement, so every report has errors, warnings and unknowns."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def ai_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "models" / "ft").mkdir(parents=True)
    (repo / "models" / "ft" / "README.md").write_text(
        "---\nlicense: apache-2.0\nbase_model: meta-llama/Llama-3.1-8B\n---\n")
    (repo / "app.py").write_text('from transformers import AutoModel\n'
                                 'a = AutoModel.from_pretrained("meta-llama/Llama-3.1-8B")\n'
                                 'b = AutoModel.from_pretrained("mistralai/Mistral-7B-v0.1")\n')
    (repo / "requirements.txt").write_text("private @ git+https://git.example.com/p.git\n")
    return repo
