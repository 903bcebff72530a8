"""Model and dataset references in Python source, read with ``ast`` and never run.

Only strings that reach a known loading call count, which is what keeps precision high:

- ``X.from_pretrained(id, revision=...)`` on any class (transformers Auto*, tokenizers,
  diffusers pipelines, PeftModel, llama-cpp's ``Llama.from_pretrained(repo_id=...)``);
  the first argument that is a string is the id, so ``PeftModel.from_pretrained(base,
  "org/adapter")`` finds the adapter;
- ``pipeline(task, model=..., tokenizer=...)``;
- ``hf_hub_download`` / ``snapshot_download`` (``repo_id=``, ``repo_type=``);
- ``load_dataset(path)``, except format builders (``json``, ``csv``...) and paths;
- ``SentenceTransformer("name")``, where a bare name means ``sentence-transformers/name``;
- vLLM ``LLM(model=...)``;
- the ollama client, ``ollama.chat(model=...)``, ``ollama.pull(...)``, and functions
  imported from it;
- any call's ``model=`` string with a LiteLLM provider prefix ``huggingface/`` or
  ``ollama/`` (``ollama_chat/``).

Arguments may be string literals or names bound to string literals in the same file
(``MODEL_ID = "..."``); f-strings and computed values are not guessed at.
"""

from __future__ import annotations

import ast

from license_gate.extract._ids import DATASET_BUILDERS, is_hub_id, is_ollama_name, ollama_name
from license_gate.extract.interface import ReadInclude
from license_gate.model import ExtractResult, Kind, ParseError, Place, Reference

_OLLAMA_FUNCS = {"chat", "generate", "pull", "embeddings", "embed", "show", "create", "push", "copy"}
_LITELLM_PREFIXES = {"huggingface/": "huggingface", "ollama/": "ollama", "ollama_chat/": "ollama"}


def _index(tree: ast.AST) -> tuple[dict[str, str], list[ast.AST], list[ast.Call]]:
    """One walk over the tree: names bound to string literals (the last binding wins),
    import statements, and every call in source order."""
    constants: dict[str, str] = {}
    imports: list[ast.AST] = []
    calls: list[ast.Call] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            calls.append(node)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            value = node.value
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                for target in targets:
                    if isinstance(target, ast.Name):
                        constants[target.id] = value.value
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.append(node)
    calls.sort(key=lambda c: (c.lineno, c.col_offset))
    return constants, imports, calls


class _Visitor:
    def __init__(self, path: str, constants: dict[str, str], line_map: list[int] | None) -> None:
        self.path = path
        self.constants = constants
        self.line_map = line_map
        self.ollama_modules: set[str] = {"ollama"}
        self.ollama_functions: set[str] = set()
        self.refs: list[Reference] = []

    def place(self, node: ast.AST) -> Place:
        line = getattr(node, "lineno", None)
        if line is not None and self.line_map is not None:
            line = (self.line_map[line - 1] or None) if 0 < line <= len(self.line_map) else None
        return Place(self.path, line)

    def text(self, node: ast.expr | None) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            return self.constants.get(node.id)
        return None

    def keyword(self, call: ast.Call, *names: str) -> str | None:
        for kw in call.keywords:
            if kw.arg in names:
                return self.text(kw.value)
        return None

    def add(self, call: ast.Call, ecosystem: str, name: str, kind: Kind, revision: str | None) -> None:
        self.refs.append(Reference(ecosystem, name, self.place(call), kind=kind, revision=revision))

    def add_hub(self, call: ast.Call, value: str | None, kind: Kind = Kind.MODEL,
                allow_bare: bool = True) -> None:
        if value is None:
            return
        value = value.strip()
        if value.startswith(tuple(_LITELLM_PREFIXES)):
            self.add_prefixed(call, value)
            return
        if is_hub_id(value, allow_bare=allow_bare):
            self.add(call, "huggingface", value, kind, self.keyword(call, "revision"))

    def add_prefixed(self, call: ast.Call, value: str) -> None:
        for prefix, ecosystem in _LITELLM_PREFIXES.items():
            if value.startswith(prefix):
                rest = value[len(prefix):]
                if ecosystem == "huggingface" and is_hub_id(rest):
                    self.add(call, "huggingface", rest, Kind.MODEL, None)
                elif ecosystem == "ollama" and is_ollama_name(rest):
                    self.add(call, "ollama", ollama_name(rest), Kind.MODEL, None)
                return

    def imports(self, nodes: list[ast.AST]) -> None:
        for node in nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == "ollama":
                        self.ollama_modules.add(alias.asname or "ollama")
            elif isinstance(node, ast.ImportFrom) and node.module == "ollama":
                for alias in node.names:
                    if alias.name in _OLLAMA_FUNCS:
                        self.ollama_functions.add(alias.asname or alias.name)

    def call(self, call: ast.Call) -> None:
        func = call.func
        attr = func.attr if isinstance(func, ast.Attribute) else None
        name = func.id if isinstance(func, ast.Name) else None
        callee = attr or name or ""
        strings = [self.text(a) for a in call.args]

        if attr == "from_pretrained":
            value = self.keyword(call, "pretrained_model_name_or_path", "model_id", "repo_id")
            if value is None:
                value = next((s for s in strings if s is not None), None)
            self.add_hub(call, value)
        elif callee == "pipeline":
            self.add_hub(call, self.keyword(call, "model") or (strings[1] if len(strings) > 1 else None))
            self.add_hub(call, self.keyword(call, "tokenizer"))
        elif callee in ("hf_hub_download", "snapshot_download"):
            repo_type = self.keyword(call, "repo_type") or "model"
            value = self.keyword(call, "repo_id") or (strings[0] if strings else None)
            if repo_type in ("model", "dataset"):
                kind = Kind.DATASET if repo_type == "dataset" else Kind.MODEL
                self.add_hub(call, value, kind, allow_bare=kind is Kind.MODEL)
        elif callee == "load_dataset":
            value = self.keyword(call, "path") or (strings[0] if strings else None)
            if value is not None and value.strip().lower() not in DATASET_BUILDERS:
                self.add_hub(call, value, Kind.DATASET)
        elif callee == "SentenceTransformer":
            value = self.keyword(call, "model_name_or_path") or (strings[0] if strings else None)
            if value is not None and "/" not in value and is_hub_id(value, allow_bare=True):
                value = f"sentence-transformers/{value}"
            self.add_hub(call, value)
        elif callee == "LLM":
            self.add_hub(call, self.keyword(call, "model") or (strings[0] if strings else None))
        elif self._is_ollama_call(func):
            value = self.keyword(call, "model") or (strings[0] if strings else None)
            if value is not None and is_ollama_name(value.strip()):
                self.add(call, "ollama", ollama_name(value), Kind.MODEL, None)
            return
        else:
            model = self.keyword(call, "model")
            if model is not None and model.startswith(tuple(_LITELLM_PREFIXES)):
                self.add_prefixed(call, model)

    def _is_ollama_call(self, func: ast.expr) -> bool:
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            return func.value.id in self.ollama_modules and func.attr in _OLLAMA_FUNCS
        return isinstance(func, ast.Name) and func.id in self.ollama_functions


def scan_source(text: str, path: str, line_map: list[int] | None = None) -> ExtractResult:
    """References in one piece of Python source. ``line_map`` maps the source's lines to
    lines of the containing file (for notebook cells)."""
    try:
        tree = ast.parse(text)
    except (RecursionError, MemoryError):
        # CPython's parser gives up on deeply nested expressions this way; MemoryError
        # here is its parser stack, not the machine.
        return ExtractResult(errors=(ParseError(Place(path, None),
                                                "Python source nested too deeply to parse"),))
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        if line is not None and line_map is not None:
            line = (line_map[line - 1] or None) if 0 < line <= len(line_map) else None
        message = getattr(exc, "msg", None) or str(exc)
        return ExtractResult(errors=(ParseError(Place(path, line), f"Python syntax error: {message}"),))
    try:
        constants, imports, calls = _index(tree)
        visitor = _Visitor(path, constants, line_map)
        visitor.imports(imports)
        for call in calls:
            visitor.call(call)
    except RecursionError:
        return ExtractResult(errors=(ParseError(Place(path, None),
                                                "Python source nested too deeply to analyse"),))
    return ExtractResult(tuple(visitor.refs))


# A file that contains none of these cannot reference a model through the calls above;
# skipping it without parsing keeps a 10,000-file scan close to grep speed.
TRIGGERS = ("from_pretrained", "pipeline", "hf_hub_download", "snapshot_download", "load_dataset",
            "SentenceTransformer", "LLM", "ollama", "huggingface/")


def extract(text: str, path: str, read_include: ReadInclude | None = None) -> ExtractResult:
    if not any(trigger in text for trigger in TRIGGERS):
        return ExtractResult()
    return scan_source(text, path)
