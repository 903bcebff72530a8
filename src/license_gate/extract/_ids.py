"""Is this string a Hugging Face Hub id, an Ollama model name, or neither?

Precision matters as much as recall: a GitHub ``org/repo``, a path like
``data/train.json``, a docker image ``org/image:tag`` or a URL path must never become a
model. The extractors only call these helpers on strings found at known model
call sites or under known config keys, which already rules out most look-alikes; the
rules here rule out the rest:

- A Hub id is ``owner/name`` (or a legacy bare ``name`` where the call site accepts one):
  letters, digits, ``-``, ``_`` and ``.``, at most 96 characters per part.
- No scheme, no leading ``.``, ``/`` or ``~``, no backslash, no ``:`` (a tag means a docker
  image or an Ollama name), no more than one ``/``.
- The last part must not end in a data or code file extension (``train.json``).
- The first part must not be a directory name that projects use for local artefacts
  (``data``, ``outputs``, ``checkpoints``...): ``output/model`` is a training run.
- The pipeline also drops any id that exists as a path in the repository.
"""

from __future__ import annotations

import re

_PART = r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?"
_HUB_ID = re.compile(rf"^{_PART}/{_PART}$")
_BARE = re.compile(rf"^{_PART}$")
_FILE_EXTENSIONS = (
    ".json", ".jsonl", ".csv", ".tsv", ".txt", ".parquet", ".arrow", ".py", ".yaml", ".yml",
    ".toml", ".md", ".pt", ".pth", ".bin", ".safetensors", ".gguf", ".ckpt", ".pkl", ".npy",
    ".zip", ".tar", ".gz", ".h5", ".onnx", ".xml", ".html", ".png", ".jpg", ".wav",
    ".jinja", ".jinja2", ".j2", ".tmpl", ".sh", ".ipynb", ".log", ".pdf", ".mp3", ".mp4",
)
LOCAL_DIRS = frozenset({
    "data", "datasets", "dataset", "output", "outputs", "out", "checkpoint", "checkpoints",
    "ckpt", "ckpts", "runs", "run", "logs", "log", "tmp", "temp", "cache", "results", "result",
    "saved", "save", "saved_models", "artifacts", "artefacts", "weights", "exports", "export",
    "local", "src", "tests", "test", "scripts", "configs", "config", "build", "dist", "home",
    "mnt", "opt", "workspace", "content", "drive", "input", "inputs",
    # "models/<x>" and the like are where projects keep local checkpoints
    "models", "model", "local_data", "local_models", "pretrained_models", "templates",
})

# datasets.load_dataset builders that name a file format, not a Hub dataset.
DATASET_BUILDERS = frozenset({
    "json", "csv", "parquet", "text", "arrow", "imagefolder", "audiofolder", "videofolder",
    "webdataset", "pandas", "sql", "generator", "xml", "spark", "hdf5", "pdffolder",
})

# Ollama names: [namespace/]name[:tag], lowercase, as the Ollama library writes them.
_OLLAMA = re.compile(r"^(?:[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*(?::[A-Za-z0-9._-]+)?$")


def is_hub_id(value: str, allow_bare: bool = False) -> bool:
    value = value.strip()
    if not value or len(value) > 193 or "\\" in value or ":" in value:
        return False
    if value.startswith((".", "/", "~", "-")) or "//" in value:
        return False
    lowered = value.lower()
    if lowered.endswith(_FILE_EXTENSIONS):
        return False
    if "/" in value:
        if not _HUB_ID.match(value):
            return False
        return value.split("/", 1)[0].lower() not in LOCAL_DIRS
    return allow_bare and bool(_BARE.match(value)) and not value.isdigit()


def is_ollama_name(value: str) -> bool:
    value = value.strip()
    return bool(value) and len(value) <= 200 and bool(_OLLAMA.match(value))


def ollama_name(value: str) -> str:
    """Ollama's own default: a name without a tag means ``:latest``."""
    value = value.strip()
    return value if ":" in value else f"{value}:latest"


def hub_id_from_url(url: str) -> str | None:
    """``https://huggingface.co/org/name`` (or ``hf.co``) -> ``org/name``."""
    match = re.match(
        r"^https?://(?:www\.)?(?:huggingface\.co|hf\.co)/(?:(datasets)/)?([^/?#]+/[^/?#]+)", url.strip()
    )
    if not match:
        return None
    candidate = match.group(2)
    return candidate if is_hub_id(candidate) else None
