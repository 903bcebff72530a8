"""Literal-first judgement: is this string, found in this context, a model or dataset id?

Every model or dataset reference has a literal somewhere. Each format module finds the
string literals of its files (Python constants, config values, env values, shell words)
and hands each one here with its **context**: the name it is bound to (a variable, key,
parameter, field, env var or flag), the call it reaches, and what the file as a whole
is about. The value must be id-shaped *and* the context must say model or dataset:

- a known loading call (``from_pretrained``, ``load_dataset``, ``ChatOllama``...) is the
  strongest context and admits legacy bare Hub ids (``gpt2``) and Ollama names;
- a name whose words say model, checkpoint, tokenizer, embedding, repo id, dataset...
  admits ``owner/name`` Hub ids, tagged Ollama names, hosted-API model names, and bare
  names only when they are known legacy Hub ids or Ollama library families, or the file is
  about Ollama;
- a name whose words say output, save, cache, log, template, metric, url... never admits
  anything: those values are directories, chat templates or metric names.

Hub URLs (``huggingface.co/<id>``, ``hf.co/<id>``, ``/datasets/<id>``, ``resolve/`` links)
and Hub cache directories (``models--org--name``) name their repository whatever the
context. Placeholders (``your-org/your-model``, ``<model>``, ``org/model-name``) never do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from license_gate.extract._ids import DATASET_BUILDERS, is_hub_id, is_ollama_name, ollama_name
from license_gate.model import Kind


@dataclass(frozen=True)
class Candidate:
    """What a literal names: an ecosystem, the id in that ecosystem's form, and a kind."""

    ecosystem: str
    name: str
    kind: Kind


@dataclass(frozen=True)
class Context:
    """Where a literal sits. ``name`` is the variable, key, parameter, field, env var or
    flag it is bound to; ``call`` the callee it is passed to; ``section`` an enclosing key
    or class that may say more (``ollama:`` in a settings file)."""

    name: str = ""
    call: str = ""
    section: str = ""
    ollama: bool = False  # the file as a whole talks to Ollama


_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")

# Words that make a name about a model or dataset. Kept to words that real code uses for
# the thing loaded, not for what is done with it.
MODEL_WORDS = frozenset({
    "model", "models", "checkpoint", "ckpt", "tokenizer", "tokenizers", "embedding",
    "embeddings", "embed", "embedder", "llm", "llms", "pretrained", "reranker", "rerank",
    "teacher", "student", "reward", "adapter", "adapters", "lora", "peft", "vae", "unet",
    "controlnet", "pipeline", "encoder", "generator", "captioner", "retriever", "hub",
})
DATASET_WORDS = frozenset({"dataset", "datasets", "corpus", "data"})
# Words that make a name about something else, whatever the value looks like.
NEGATIVE_WORDS = frozenset({
    "output", "outputs", "out", "save", "saved", "cache", "log", "logs", "logging", "result",
    "results", "template", "templates", "metric", "metrics", "url", "urls", "uri", "endpoint",
    "host", "image", "docker", "type", "types", "class", "arch", "architecture", "format",
    "task", "provider", "backend", "mode", "device", "dtype", "family", "families", "prefix",
    "prefixes", "suffix", "key", "token", "secret", "password", "project", "org",
    "organization", "owner", "user", "username", "author", "github", "git", "branch",
    "revision", "commit", "license", "wandb", "run", "job", "table", "collection", "index",
    "namespace", "bucket", "prompt", "split", "splits", "column", "field", "file", "filename",
    "module", "monitor", "port", "ports", "volume", "volumes", "alias", "served", "display",
    "label", "title", "description", "help", "message", "error", "warning", "pattern",
})
# Model family words that make a name about a model (``TINY_LLAMA3``, ``bert_path``).
FAMILY_WORDS = frozenset({
    "llama", "mistral", "mixtral", "qwen", "gemma", "bert", "roberta", "gpt", "t5", "clip",
    "whisper", "phi", "falcon", "bloom", "opt", "vit", "sd", "sdxl", "flux", "llava",
    "deepseek", "granite", "olmo", "pythia", "smollm", "zephyr", "vicuna", "alpaca",
})
# Keys that hold an id without saying what it is (``path``, ``name``): they take their
# meaning from the enclosing key (``datasets: [{path: org/x}]``).
ID_SLOTS = frozenset({"path", "name", "id", "repo", "value", "default", "source", "src",
                      "from", "hf", "hub", "pretrained", "weights", "version", "variant"})

# Calls whose id argument is a model (M) or dataset (D) whatever it is bound to. Keys are
# the callee's last name, as written.
LOADING_CALLS: dict[str, Kind] = {
    **dict.fromkeys((
        "from_pretrained", "from_single_file", "load_adapter", "load_lora_weights",
        "load_textual_inversion", "load_ip_adapter", "pipeline", "hf_hub_download",
        "snapshot_download", "SentenceTransformer", "CrossEncoder", "LLM", "AsyncLLMEngine",
        "ChatOllama", "OllamaEmbeddings", "OllamaLLM", "Ollama", "OllamaEmbedding",
        "HuggingFaceEmbeddings", "HuggingFaceEmbedding", "HuggingFaceBgeEmbeddings",
        "HuggingFaceInstructEmbeddings", "HuggingFaceInferenceAPIEmbeddings", "HuggingFaceLLM",
        "HuggingFaceEndpoint", "HuggingFaceHub", "HuggingFacePipeline", "from_model_id",
        "HuggingFaceInferenceAPI", "ChatHuggingFace", "InferenceClient", "TextEmbedding",
        "FlagModel", "FlagReranker", "BGEM3FlagModel", "Llama", "load_model", "create_model",
    ), Kind.MODEL),
    "ollama": Kind.MODEL,  # the ollama client's chat/generate/pull/... (see python_source)
    "load_dataset": Kind.DATASET,
    "load_dataset_builder": Kind.DATASET,
    "get_dataset_config_names": Kind.DATASET,
}
# Calls that publish: the id is the repository's own output.
PUBLISH_CALLS = frozenset({"push_to_hub", "create_repo", "upload_folder", "upload_file"})
# Keyword arguments of any call that take an id.
ID_KEYWORDS = frozenset({
    "model", "model_name", "model_id", "model_name_or_path", "pretrained_model_name_or_path",
    "repo_id", "checkpoint", "tokenizer", "tokenizer_name", "dataset", "dataset_name",
    "dataset_id", "embed_model", "embedding_model", "base_model", "base_model_name_or_path",
    "model_path", "llm_model", "repo", "repository",
})
PUBLISH_NAMES = frozenset({"hub_model_id", "push_to_hub_model_id", "hub_dataset_id"})

# Placeholders that docs and templates put where a real id goes.
_PLACEHOLDER_CHARS = re.compile(r"[<>{}$*\[\]]|\.\.\.")
_PLACEHOLDER_OWNERS = frozenset({
    "org", "organization", "owner", "user", "username", "namespace", "author", "my-org",
    "my-username", "my-user", "myorg", "myuser", "hf-user", "hf_username", "example", "xxx",
    "foo", "someone", "some-org", "acme-org", "repo", "hf", "model", "path",
})
_PLACEHOLDER_NAMES = frozenset({
    "model", "model-name", "model_name", "modelname", "name", "repo", "repo-name", "repo_name",
    "dataset", "dataset-name", "dataset_name", "my-model", "my_model", "your-model", "xxx",
    "foo", "bar", "example", "placeholder", "to",
})
_PLACEHOLDER_WHOLE = frozenset({"path/to", "hf/model"})


def is_placeholder(value: str) -> bool:
    lowered = value.lower()
    if "your" in lowered or _PLACEHOLDER_CHARS.search(value) or lowered in _PLACEHOLDER_WHOLE:
        return True
    owner, _, name = lowered.partition("/")
    return owner in _PLACEHOLDER_OWNERS or (bool(name) and name in _PLACEHOLDER_NAMES) or (
        not name and owner in _PLACEHOLDER_NAMES)


_HUB_URL = re.compile(
    r"(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/(?:(datasets|spaces)/)?"
    r"([A-Za-z0-9][\w.-]*)(?:/([A-Za-z0-9][\w.-]*))?")
_HUB_URL_NOT_REPO = frozenset({
    "docs", "blog", "api", "models", "datasets", "spaces", "papers", "join", "login", "settings",
    "pricing", "learn", "tasks", "collections", "organizations", "new", "search", "chat",
    "transformers", "hub", "course", "inference-endpoints", "enterprise", "posts", "changelog",
})
_CACHE_DIR = re.compile(r"\b(models|datasets)--([A-Za-z0-9][\w.-]*?)--([A-Za-z0-9][\w.-]*)")

# Hosted-API model names, by provider. Only families whose names cannot be a Hub id or an
# Ollama library name: API names are never looked up on the Hub.
_HOSTED: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("openai", re.compile(
        r"^(?:openai/)?(?:gpt-(?:3\.5|35|4|4o|4\.1|4\.5|5)(?:[\w.-]*)|chatgpt-4o[\w.-]*|o1(?:-[\w.-]+)?|"
        r"o3(?:-[\w.-]+)?|o4-mini[\w.-]*|text-embedding-(?:3-small|3-large|ada-002)|"
        r"text-davinci-\d+|davinci-002|babbage-002|whisper-1|tts-1(?:-hd)?|dall-e-[23]|"
        r"gpt-image-1|omni-moderation-[\w.-]+|text-moderation-[\w.-]+)$")),
    ("anthropic", re.compile(r"^(?:anthropic/)?claude-[\w.@-]+$")),
    ("google", re.compile(
        r"^(?:models/|gemini/|vertex_ai/)?(?:gemini-[\w.-]+|text-bison[\w@.-]*|"
        r"chat-bison[\w@.-]*|textembedding-gecko[\w@.-]*|text-embedding-00\d|"
        r"text-multilingual-embedding-00\d|embedding-001|gemini-embedding-[\w.-]+)$")),
    ("bedrock", re.compile(
        r"^(?:bedrock/)?(?:us\.|eu\.|apac\.)?(?:anthropic\.claude|amazon\.(?:titan|nova)|"
        r"meta\.llama|cohere\.(?:command|embed)|ai21\.|mistral\.)[\w.:-]*$")),
    ("cohere", re.compile(
        r"^(?:cohere/)?(?:command-(?:light|nightly|a-[\w.-]+|r7b[\w.-]*)|"
        r"embed-(?:english|multilingual)-[\w.-]+|rerank-[\w.-]+)$")),
    ("mistral", re.compile(
        r"^(?:mistral/)?(?:mistral-(?:large|medium|small|tiny|embed)(?:-[\w.-]+)?|"
        r"open-(?:mistral|mixtral)-[\w.-]+|codestral-latest|pixtral-[\w.-]+|ministral-[\w.-]+)$")),
)

# Bare Hub ids (no owner) that the Hub still answers for: the original transformers
# checkpoints, since moved under google-bert, openai-community, FacebookAI, google-t5,
# distilbert and others and redirected from their old names.
_LEGACY_BARE = re.compile(
    r"^(?:bert-(?:base|large)-[\w-]+|distilbert-base-[\w-]+|distilroberta-base|"
    r"roberta-(?:base|large)(?:-[\w-]+)?|xlm-roberta-(?:base|large)(?:-[\w-]+)?|"
    r"gpt2(?:-medium|-large|-xl)?|distilgpt2|openai-gpt|t5-(?:small|base|large|3b|11b)|"
    r"albert-(?:base|large|xlarge|xxlarge)-v[12]|xlnet-(?:base|large)-cased|"
    r"bart-(?:base|large)(?:-[\w-]+)?|ctrl|camembert-base|flaubert[\w-]*|xlm-[\w-]+|"
    r"electra-[\w-]+)$")
# sentence-transformers models named without their owner.
_SENTENCE_TRANSFORMERS_BARE = re.compile(
    r"^(?:all|multi-qa|paraphrase|msmarco|distiluse|nli|stsb|average_word_embeddings|"
    r"gtr-t5|sentence-t5|clip-ViT)-[\w.-]+$")


def words(name: str) -> tuple[str, ...]:
    """``embedding_hf_model_name`` -> (embedding, hf, model, name); ``modelId`` -> (model, id)."""
    return tuple(w.lower() for w in _WORD.findall(name))


def name_says(name: str) -> Kind | None:
    """The kind a name is about, or None when it says neither model nor dataset (or says
    something that rules both out: an output directory, a template, a URL)."""
    found = set(words(name))
    if not found:
        return None
    if (found & {"hub", "hf"} and found & {"url", "id", "name", "path", "repo"}) or \
            {"repo", "id"} <= found or name == "repository":
        # hf_hub_url / hub_model_id hold the id itself, not a web address
        return Kind.DATASET if found & DATASET_WORDS else Kind.MODEL
    if found & NEGATIVE_WORDS:
        return None
    if found & DATASET_WORDS:
        return Kind.DATASET if not found & (MODEL_WORDS - {"hub"}) else Kind.MODEL
    if found & (MODEL_WORDS | FAMILY_WORDS):
        return Kind.MODEL
    return None


def rules_out(name: str) -> bool:
    """A name that says something else: its value is never a model."""
    found = set(words(name))
    return bool(found & NEGATIVE_WORDS) and name_says(name) is None


def is_slot(name: str) -> bool:
    return name.lower() in ID_SLOTS


def hosted_provider(value: str) -> str | None:
    for provider, pattern in _HOSTED:
        if pattern.match(value):
            return provider
    return None


def hosted_name(value: str) -> str:
    """The API's own name, without a LiteLLM-style provider prefix."""
    for prefix in ("openai/", "anthropic/", "models/", "gemini/", "vertex_ai/", "bedrock/",
                   "cohere/", "mistral/"):
        if value.startswith(prefix):
            return value[len(prefix):]
    return value


@lru_cache(maxsize=1)
def ollama_families() -> frozenset[str]:
    """Ollama library names the bundled catalog knows (``llama3.1``, ``mistral``...)."""
    from license_gate.resolve import catalog

    names: set[str] = set()
    for entry in catalog.entries():
        if entry.ecosystem == "ollama":
            names.update(p.split(":", 1)[0].lower() for p in entry.patterns)
    return frozenset(names)


def from_url(text: str) -> Candidate | None:
    """A Hub repository named by a URL anywhere in ``text`` (the first one)."""
    for match in _HUB_URL.finditer(text):
        section, owner, name = match.groups()
        if section == "spaces" or (owner.lower() in _HUB_URL_NOT_REPO and section is None):
            continue
        candidate = f"{owner}/{name}" if name else owner
        if name is None and section is None:
            continue  # huggingface.co/bert-base-uncased is legal but too often a page
        candidate = candidate.rstrip(".")
        if is_hub_id(candidate, allow_bare=True) and not is_placeholder(candidate):
            return Candidate("huggingface", candidate,
                             Kind.DATASET if section == "datasets" else Kind.MODEL)
    return None


# An inline image or file (``data:image/png;base64,...``): notebooks and markdown carry
# megabytes of them, full of slashes, and never a model id.
_BLOB = re.compile(r"base64,[A-Za-z0-9+/=]{64,}")


def without_blobs(text: str) -> str:
    """``text`` without its base64 payloads. Offsets past one shift; callers use them
    only to keep what a line names in order."""
    if "base64," not in text:
        return text
    return _BLOB.sub("base64, ", text)


def urls_in(text: str) -> list[tuple[int, Candidate]]:
    """Every Hub repository URL in free text, with its offset."""
    text = without_blobs(text)
    found: list[tuple[int, Candidate]] = []
    for match in _HUB_URL.finditer(text):
        candidate = from_url(match.group(0))
        if candidate is not None:
            found.append((match.start(), candidate))
    return found


def from_cache_dir(text: str) -> Candidate | None:
    match = _CACHE_DIR.search(text)
    if match is None:
        return None
    kind = Kind.DATASET if match.group(1) == "datasets" else Kind.MODEL
    candidate = f"{match.group(2)}/{match.group(3)}"
    return Candidate("huggingface", candidate, kind) if is_hub_id(candidate) else None


def _strip_prefix(value: str) -> tuple[str | None, str]:
    """(ecosystem forced by a prefix, the rest)."""
    for prefix, ecosystem in (("hf.co/", "huggingface"), ("huggingface.co/", "huggingface"),
                              ("huggingface/", "huggingface"), ("hf://", "huggingface"),
                              ("ollama_chat/", "ollama"), ("ollama/", "ollama")):
        if value.startswith(prefix):
            rest = value[len(prefix):]
            if ecosystem == "huggingface":
                rest = rest.removeprefix("models/")
                if rest.startswith("datasets/"):
                    return "huggingface-dataset", rest.removeprefix("datasets/").split(":", 1)[0]
                rest = rest.split(":", 1)[0]  # hf.co/org/repo:Q4_K_M names a quantisation
            return ecosystem, rest
    return None, value


def judge(value: str, context: Context) -> Candidate | None:
    """What ``value`` names in ``context``, or None. Pure and cheap: called for every
    id-shaped literal of a file."""
    value = value.strip().strip("'\"").strip()
    if not value or len(value) > 200 or "\n" in value or " " in value:
        return None
    if "huggingface.co/" in value or ("hf.co/" in value and "://" in value):
        return from_url(value)
    if "--" in value and ("models--" in value or "datasets--" in value):
        return from_cache_dir(value)
    call_kind = LOADING_CALLS.get(context.call)
    publish = context.call in PUBLISH_CALLS or context.name in PUBLISH_NAMES or (
        "hub" in words(context.name) and "model" in words(context.name)
        and "id" in words(context.name))
    if context.name and rules_out(context.name):
        return None  # output_dir, chat_template, split: never a model, whatever the call
    name_kind = name_says(context.name) if context.name else None
    if name_kind is None and context.section and (not context.name or is_slot(context.name)):
        name_kind = name_says(context.section)
    if context.name and name_kind is None and call_kind is None and not publish:
        # A name that says nothing leaves only the call to decide.
        return None
    kind = call_kind or name_kind or (Kind.MODEL if publish else None)
    if kind is None:
        return None
    if context.call == "load_dataset" or (context.call in ("hf_hub_download", "snapshot_download")
                                          and name_kind is Kind.DATASET):
        kind = Kind.DATASET
        if value.lower() in DATASET_BUILDERS:
            return None
    if publish and "/" not in value and ":" not in value and is_hub_id(value, allow_bare=True) \
            and value[:1].isalpha() and not is_placeholder(value):
        return Candidate("huggingface", value, Kind.MODEL)  # pushed under the user's own name
    forced, rest = _strip_prefix(value)
    if forced == "huggingface-dataset":
        return Candidate("huggingface", rest, Kind.DATASET) if is_hub_id(rest) else None
    if forced == "huggingface":
        return Candidate("huggingface", rest, kind) if is_hub_id(rest, allow_bare=True) \
            and not is_placeholder(rest) else None
    if forced == "ollama":
        return Candidate("ollama", ollama_name(rest), Kind.MODEL) if is_ollama_name(rest) else None
    if context.call == "ollama":  # the ollama client: every name is a library name
        return Candidate("ollama", ollama_name(value), Kind.MODEL) if is_ollama_name(value) \
            and value[:1].isalpha() else None
    if kind is Kind.MODEL:
        provider = hosted_provider(value)
        if provider is not None:
            return Candidate(provider, hosted_name(value), Kind.MODEL)
    if is_placeholder(value):
        return None
    ollama_context = context.ollama or "ollama" in context.name.lower() \
        or "ollama" in context.call.lower() or "ollama" in context.section.lower()
    if "/" in value:
        if ollama_context and ":" in value and is_ollama_name(value):
            return Candidate("ollama", value, Kind.MODEL)
        if not is_hub_id(value):
            return None
        named = set(words(context.name))
        # Mirrors of the Hub name their own repositories: ms_hub_url, modelscope_id, om_hub_url.
        for hub, marks in (("modelscope", {"ms", "modelscope"}), ("modelers", {"om", "modelers"})):
            if named & marks:
                return Candidate(hub, value, kind)
        return Candidate("huggingface", value, kind)
    # A bare name: an Ollama name, a legacy Hub id, or (too often) a word or a number.
    if not value[:1].isalpha():
        return None
    if kind is Kind.DATASET:
        strong = call_kind is Kind.DATASET
        return Candidate("huggingface", value, kind) if strong and is_hub_id(
            value, allow_bare=True) and not value.isdigit() else None
    if context.call in ("SentenceTransformer", "CrossEncoder", "HuggingFaceEmbeddings") \
            and _SENTENCE_TRANSFORMERS_BARE.match(value):
        return Candidate("huggingface", f"sentence-transformers/{value}", Kind.MODEL)
    if ":" in value:
        return Candidate("ollama", value, Kind.MODEL) if is_ollama_name(value) and (
            ollama_context or call_kind is not None or _has_digit_or_dash(value.split(":")[0])
        ) else None
    family = value.lower()
    if call_kind is not None and "ollama" not in context.call.lower():
        # A Hub loading call takes a legacy bare id (from_pretrained("gpt2")), never an
        # Ollama name; pipeline's bare strings are task names.
        if context.call not in ("pipeline", "load_model", "create_model") \
                and is_hub_id(value, allow_bare=True) and _has_digit_or_dash(value):
            return Candidate("huggingface", value, Kind.MODEL)
        return None
    if ollama_context and is_ollama_name(value) and (
            family in ollama_families() or _has_digit_or_dash(family)):
        return Candidate("ollama", ollama_name(value), Kind.MODEL)
    if _LEGACY_BARE.match(value):
        return Candidate("huggingface", value, Kind.MODEL)
    if _SENTENCE_TRANSFORMERS_BARE.match(value) and "embed" in " ".join(
            words(context.name) + words(context.call)):
        return Candidate("huggingface", f"sentence-transformers/{value}", Kind.MODEL)
    if family in ollama_families() and value == family:  # Ollama names are lowercase
        return Candidate("ollama", ollama_name(value), Kind.MODEL)
    return None


# Owners that begin MIME types, API routes and URL paths rather than Hub repositories.
_NOT_OWNERS = frozenset({
    "application", "text", "image", "audio", "video", "multipart", "font", "api", "v1", "v2",
    "http", "https", "www", "static", "assets", "public", "lib", "usr", "etc", "var", "bin",
    "node_modules", "github", "gitlab", "docs", "doc", "examples", "example", "utils", "tools",
})


def weak_candidate(value: str, context: Context) -> Candidate | None:
    """An ``owner/name`` literal whose context says nothing either way: it may be a model
    (``BASE = "acme/x-7b"`` passed on through code that cannot be followed) or anything
    else with a slash. Online, the Hub is asked; offline it is only counted. A known
    publisher's versioned id is no longer weak."""
    value = value.strip()
    if (context.name and rules_out(context.name)) or "/" not in value or ":" in value:
        return None
    owner, _, name = value.partition("/")
    if owner.lower() in _NOT_OWNERS or (not any(c.isdigit() for c in name) and "-" not in name):
        return None
    if not is_hub_id(value) or is_placeholder(value):
        return None
    kind = (name_says(context.name) or Kind.MODEL) if context.name else Kind.MODEL
    return Candidate("huggingface", value, kind)


def is_strong_by_publisher(candidate: Candidate) -> bool:
    owner, _, name = candidate.name.partition("/")
    return owner.lower() in KNOWN_PUBLISHERS and any(c.isdigit() for c in name)


def _has_digit_or_dash(value: str) -> bool:
    return any(c.isdigit() for c in value) or "-" in value


# ${VAR:-default}, ${VAR-default}, ${VAR:=default} and ${VAR:default}: the default is a
# literal like any other, named by the variable.
ENV_DEFAULT = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-=]|:)([^}]*)\}")

# Lowercase byte strings at least one of which a file must contain to hold a reference
# these rules can find; checked case-insensitively on the raw bytes before any parsing.
TRIGGERS = ("model", "dataset", "tokenizer", "checkpoint", "ckpt", "huggingface", "hf.co/",
            "ollama", "embed", "llm", "pretrained", "repo_id", "gpt-", "claude-", "gemini-",
            "models--", "datasets--", "hub_url", "hub_id", "hf_")


def may_hold_reference(text: str) -> bool:
    lowered = text.lower()
    return any(trigger in lowered for trigger in TRIGGERS)


# Publishers whose ``owner/name`` tokens name a model or dataset when prose writes them
# without a link (``Qwen/Qwen3-Embedding-4B``). Prose also names GitHub repositories in
# the same shape, so only these owners count there, and only with a version or size in
# the name; code is judged by its context instead.
KNOWN_PUBLISHERS = frozenset(p.lower() for p in (
    "meta-llama", "facebook", "google", "google-bert", "google-t5", "mistralai", "Qwen",
    "microsoft", "deepseek-ai", "BAAI", "intfloat", "sentence-transformers", "cross-encoder",
    "nomic-ai", "mixedbread-ai", "jinaai", "thenlper", "Alibaba-NLP", "Snowflake", "TheBloke",
    "unsloth", "bartowski", "lmstudio-community", "ggml-org", "NousResearch", "teknium",
    "HuggingFaceH4", "HuggingFaceTB", "HuggingFaceFW", "HuggingFaceM4", "EleutherAI",
    "openai", "openai-community", "FacebookAI", "distilbert", "huggyllama", "tiiuae",
    "bigscience", "bigcode", "stabilityai", "runwayml", "CompVis", "black-forest-labs",
    "allenai", "ibm-granite", "ibm", "CohereForAI", "CohereLabs", "01-ai", "databricks",
    "mosaicml", "lmsys", "WizardLMTeam", "answerdotai", "naver", "lightonai", "nvidia",
    "apple", "Salesforce", "THUDM", "zai-org", "moonshotai", "internlm", "OpenGVLab",
    "llava-hf", "liuhaotian", "openbmb", "TinyLlama", "PY007", "princeton-nlp", "trl-lib",
    "argilla", "tatsu-lab", "yahma", "timdettmers", "Open-Orca", "OpenAssistant", "cais",
    "rajpurkar", "openlm-research", "togethercomputer", "upstage", "xai-org", "RLHFlow",
    "llamafactory", "Intel", "amazon", "ai21labs", "cognitivecomputations", "Nexusflow",
    "tloen", "decapoda-research", "LLM360", "Zyphra", "speakleash", "swiss-ai",
))
_PROSE_HUB = re.compile(r"(?<![\w./-])([A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*[A-Za-z0-9])(?![\w/])")
_PROSE_OLLAMA = re.compile(
    r"(?<![\w./:-])([a-z][a-z0-9.-]*\d[a-z0-9.-]*:\d+(?:\.\d+)?[bmt](?:-[\w.-]+)?)(?![\w:])")
_PROSE_HOSTED = re.compile(
    r"(?<![\w./-])((?:gpt-(?:3\.5|4|4o|4\.1|4\.5|5)[\w.-]*)|text-davinci-\d+|"
    r"text-embedding-(?:3-small|3-large|ada-002)|claude-[\d.]+-[\w.-]+|claude-(?:opus|sonnet|haiku)-[\w.-]+|"
    r"gemini-[\d.]+-[\w.-]+)(?![\w])", re.IGNORECASE)
_OLLAMA_LIBRARY = re.compile(r"ollama\.(?:com|ai)/library/([a-z0-9][\w.-]*(?::[\w.-]+)?)")


def prose(text: str) -> list[tuple[int, Candidate]]:
    """What free text (a comment, docstring, markdown paragraph) names: Hub and Ollama
    library links, ``owner/name`` of a known publisher with a version or size in the name,
    Ollama ``name:size`` tags and hosted-API model names. Each is a mention."""
    text = without_blobs(text)
    found: dict[str, tuple[int, Candidate]] = {}
    for offset, candidate in urls_in(text):
        found.setdefault(candidate.name.lower(), (offset, candidate))
    for match in _OLLAMA_LIBRARY.finditer(text):
        name = match.group(1).rstrip(".")
        if is_ollama_name(name):
            found.setdefault(name, (match.start(), Candidate("ollama", ollama_name(name), Kind.MODEL)))
    for match in _PROSE_HUB.finditer(text):
        token = match.group(1).rstrip(".")
        owner, _, name = token.partition("/")
        if owner.lower() in KNOWN_PUBLISHERS and any(c.isdigit() for c in name) \
                and is_hub_id(token) and not is_placeholder(token) \
                and not any(token.lower() in k for k in found):
            found.setdefault(token.lower(), (match.start(), Candidate("huggingface", token,
                                                                      Kind.MODEL)))
    for match in _PROSE_OLLAMA.finditer(text):
        found.setdefault(match.group(1), (match.start(), Candidate(
            "ollama", match.group(1), Kind.MODEL)))
    for match in _PROSE_HOSTED.finditer(text):
        value = match.group(1).rstrip(".-").lower()
        provider = hosted_provider(value)
        if provider is not None:
            found.setdefault(value, (match.start(), Candidate(provider, value, Kind.MODEL)))
    return sorted(found.values(), key=lambda item: item[0])
