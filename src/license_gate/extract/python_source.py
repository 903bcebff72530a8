"""Model and dataset references in Python source, read with ``ast`` and never run.

Literal-first: every string literal of the module is judged by its context
(``extract.literals``), so an id counts wherever real code keeps it:

- passed to a loading call (``*.from_pretrained``, ``pipeline``, ``load_dataset``,
  ``hf_hub_download``, ``SentenceTransformer``, ``ChatOllama``, ``HuggingFaceEmbeddings``,
  the ollama client...) or to any call's ``model=``/``repo_id=``/``dataset=``... keyword;
- bound to a name that says model or dataset: a variable, class attribute, dataclass,
  pydantic or attrs field default, function parameter default, dict key, argparse
  option (``default=``/``choices=``), an env var read with a default
  (``os.getenv("LLM_MODEL", "...")``), the left side of ``x or "..."``;
- an element of a list, tuple, set or dict so bound (tables of supported models);
- a command line built in Python (``["vllm", "serve", "org/x"]``, ``"--model org/x"``);
- a Hub URL or a Hub cache directory (``models--org--name``) anywhere.

A name bound to a literal and passed on to a loading call is followed, within its own
scope (a function's local never binds a same-named name elsewhere), across the cells of
a notebook, and one hop into a module of the repository it is imported from; both the
literal's line and the call's line are kept. Comments, docstrings and help strings are
read with the same rules, and what they name is a *mention*.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from license_gate.extract import literals
from license_gate.extract.interface import ReadInclude
from license_gate.extract.literals import Candidate, Context
from license_gate.model import ExtractResult, ParseError, Place, Reference, Relation, Role

_GET_CALLS = frozenset({"getenv", "get", "setdefault", "environ_get", "pop"})
_FIELD_CALLS = frozenset({"field", "Field", "attrib", "ib", "Option", "Argument", "PrivateAttr",
                          "Parameter", "Param"})
_MESSAGE_CALLS = frozenset({"print", "info", "debug", "warning", "warn", "error", "exception",
                            "critical", "log", "echo", "secho", "write", "markdown", "caption",
                            "title", "header", "subheader", "text"})
_HELP_KEYWORDS = frozenset({"help", "description", "usage", "epilog", "doc", "docstring",
                            "title", "label", "placeholder", "info"})
_COMMAND_WORDS = re.compile(r"(?:^|\s)(?:--[\w-]+|ollama\s+(?:pull|run)|vllm\s+serve|"
                            r"(?:huggingface-cli|hf)\s+download)(?:[\s=]|$)")
_OLLAMA_FUNCS = frozenset({"chat", "generate", "pull", "embeddings", "embed", "show", "create",
                           "push", "copy", "delete"})
# Loading calls whose id may be any positional argument: PeftModel.from_pretrained(base, id).
_ANY_POSITION = frozenset({"from_pretrained", "load_adapter"})
# Keywords that carry a loading call's id without saying model or dataset.
_CALL_ID_KEYWORDS = frozenset({"repo_id", "path", "pretrained_model_name_or_path",
                               "model_name_or_path", "model_id", "model_path"})
# A bare string that could be a model name: dashed words (bert-base-uncased,
# nomic-embed-text) or a name with a version (gpt2, gemma3, qwen2.5); "key_0" is neither.
_MODEL_SHAPED = re.compile(r"^[A-Za-z][A-Za-z0-9.]*(?:-[A-Za-z0-9.]+)+$|^[A-Za-z]+\d[A-Za-z0-9.]*$")
_MUTATORS = frozenset({"append", "extend", "add", "insert", "update", "setdefault", "appendleft"})
_ID_IN_TEXT = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]*[A-Za-z0-9]")
_CODE_PREFIX = re.compile(r"^\s*(?:>>>|\.\.\.|\$|In \[\d*\]:)\s?")


@dataclass
class _Scope:
    constants: dict[str, tuple[str, int]] = field(default_factory=dict)  # name -> (value, line)


def _callee(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _target_name(target: ast.expr) -> str:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript):
        key = target.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value
        return _target_name(target.value)
    return ""


def _str(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _option_name(call: ast.Call) -> str:
    """argparse's dest-like name: the longest ``--option`` among the positional strings."""
    names = [s for s in (_str(a) for a in call.args) if s]
    longs = [n for n in names if n.startswith("--")]
    chosen = max(longs, key=len) if longs else (names[0] if names else "")
    dest = next((_str(k.value) for k in call.keywords if k.arg == "dest"), None)
    return dest or chosen.lstrip("-")


def _neutral(name: str) -> bool:
    """A name that says nothing either way (``label``, ``default``): its container's
    context still applies."""
    return literals.name_says(name) is None and not literals.rules_out(name)


def _may_carry(name: str) -> bool:
    if name.isupper() or literals.name_says(name) is not None:
        return True
    return name.islower() and any(w in name for w in ("llm", "embed", "checkpoint", "repo"))


def _walk(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, as ``ast.walk`` gives them but in any order, at a third of its cost:
    no generator per node, and the expression contexts (Load, Store), which are nodes
    with nothing under them, are not visited."""
    stack = [tree]
    node_type = ast.AST
    while stack:
        node = stack.pop()
        yield node
        for name in node._fields:
            if name == "ctx":
                continue
            value = getattr(node, name, None)
            if type(value) is list:
                stack.extend(v for v in value if isinstance(v, node_type))
            elif isinstance(value, node_type):
                stack.append(value)


class _Scanner:
    def __init__(self, path: str, line_map: list[int] | None, relation: Relation,
                 ollama: bool, read_include: ReadInclude | None, line_offset: int = 0) -> None:
        self.path = path
        self.line_map = line_map
        self.relation = relation
        self.ollama = ollama
        self.read_include = read_include
        self.line_offset = line_offset
        self.refs: list[Reference] = []
        self.seen: set[tuple[str, str, int | None, Relation, Role | None]] = set()
        self.scopes: list[_Scope] = [_Scope()]
        self.functions: list[str] = []
        self.imports: dict[str, tuple[str, int, str]] = {}  # local name -> (module, level, name)
        self.revision: str | None = None  # the revision= of the loading call being read
        self.hot: list[int] | None = None  # lines worth walking (None: all)
        self.source_lines: list[str] = []  # the raw lines, for strings with continuations
        self.sections: list[str] = []  # enclosing class names
        self.ollama_names: set[str] = {"ollama"}  # modules, clients and functions of ollama
        # repository modules followed one import hop, by the path asked for
        self.modules: dict[str, dict[str, tuple[str, int, str]] | None] = {}

    # -- places -------------------------------------------------------------------------
    def line(self, number: int | None) -> int | None:
        if number is None:
            return None
        number += self.line_offset
        if self.line_map is not None:
            return (self.line_map[number - 1] or None) if 0 < number <= len(self.line_map) else None
        return number

    def add(self, candidate: Candidate, line: int | None, relation: Relation | None = None,
            role: Role | None = None, path: str | None = None, raw: bool = False,
            weak: bool = False) -> None:
        relation = relation or self.relation
        where = line if raw else self.line(line)
        # The line an id is written on is one place, whether it was found there or by
        # following a constant back to it; following only names its role.
        key = (candidate.ecosystem, candidate.name, where, relation,
               Role.USE if role is Role.USE else None)
        if key in self.seen:
            # Found again by a stronger route (a followed constant, a loading call): the
            # place keeps its role and is no longer only a weak candidate.
            for index, ref in enumerate(self.refs):
                if (ref.ecosystem, ref.name, ref.place.line, ref.place.relation) == key[:4] \
                        and ref.place.path == (path or self.path) and ref.place.role is not Role.USE:
                    place = replace(ref.place, role=role) if role is Role.LITERAL else ref.place
                    self.refs[index] = replace(ref, place=place, weak=ref.weak and weak)
            return
        self.seen.add(key)
        self.refs.append(Reference(
            candidate.ecosystem, candidate.name,
            Place(path or self.path, where, relation, role), kind=candidate.kind,
            revision=self.revision if candidate.ecosystem == "huggingface" else None, weak=weak))

    def context(self, name: str = "", call: str = "", section: str = "") -> Context:
        section = section or (self.sections[-1] if self.sections else "")
        return Context(name=name, call=call, section=section, ollama=self.ollama)

    # -- literals -----------------------------------------------------------------------
    def literal(self, node: ast.Constant, ctx: Context) -> None:
        value = node.value
        assert isinstance(value, str)
        relation = self.relation
        if ctx.call in literals.PUBLISH_CALLS or ctx.name in literals.PUBLISH_NAMES:
            relation = Relation.MENTION if relation is Relation.MENTION else Relation.PUBLISH
        if "\n" in value or " " in value.strip():
            self.free_text(self.as_written(node), node.lineno, ctx)
            return
        candidate = literals.judge(value, ctx)
        if candidate is not None:
            self.add(candidate, node.lineno, relation)
            return
        weak = literals.weak_candidate(value, ctx) if ctx.call not in _MESSAGE_CALLS else None
        if weak is not None:
            self.add(weak, node.lineno, relation, weak=not literals.is_strong_by_publisher(weak))

    def as_written(self, node: ast.Constant) -> str:
        """A string's text line by line as in the file: a backslash-newline inside it joins
        lines in the value, and every id must keep its own line."""
        assert isinstance(node.value, str)
        end = getattr(node, "end_lineno", None) or node.lineno
        if end > node.lineno and self.source_lines:
            return "\n".join(self.source_lines[node.lineno - 1:end])
        return node.value

    def free_text(self, text: str, first_line: int, ctx: Context) -> None:
        """A string with spaces: a command line when it has flags, else prose. Prose only
        mentions; a command built in code is a use."""
        message = (ctx.name in _HELP_KEYWORDS or ctx.call in _MESSAGE_CALLS
                   or self.relation is Relation.MENTION)
        relation = Relation.MENTION if message else self.relation
        for offset, line in enumerate(text.split("\n")):
            number = first_line + offset
            for _, candidate in literals.urls_in(line):
                self.add(candidate, number, relation)
            cache = literals.from_cache_dir(line) if "--" in line else None
            if cache is not None:
                self.add(cache, number, relation)
            if _COMMAND_WORDS.search(line):
                from license_gate.extract import scripts

                for ref in scripts.scan_line(line.strip().rstrip("\\"), Place(self.path, None),
                                             ollama=self.ollama):
                    self.add(Candidate(ref.ecosystem, ref.name, ref.kind), number, relation)
            elif message:
                self.code_in_text(line, number)
            if message:
                for _, candidate in literals.prose(line):
                    self.add(candidate, number, Relation.MENTION)

    def code_in_text(self, line: str, number: int) -> None:
        """A line of a docstring, comment or help text that is itself code (an example)."""
        stripped = _CODE_PREFIX.sub("", line).strip()
        # code can name a model only in a string literal: a line without a quote is prose
        # (diffusers' docstrings have some 40,000 lines with a parenthesis or an equals
        # sign; parsing each cost more than the rest of the scan)
        if not stripped or len(stripped) > 400 or not ("'" in stripped or '"' in stripped) \
                or not any(c in stripped for c in "(="):
            return
        try:
            tree = ast.parse(stripped)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return
        inner = _Scanner(self.path, None, Relation.MENTION, self.ollama, None)
        inner.visit_module(tree)
        for ref in inner.refs:
            self.add(Candidate(ref.ecosystem, ref.name, ref.kind), number, Relation.MENTION)

    # -- names bound to literals ----------------------------------------------------------
    def lookup(self, name: str) -> tuple[str, int] | None:
        for scope in reversed(self.scopes):
            if name in scope.constants:
                return scope.constants[name]
        return None

    def follow(self, node: ast.expr, ctx: Context) -> None:
        """A name passed where an id goes: report the literal it is bound to, at the
        literal's line, and the use at the call's line."""
        if not isinstance(node, ast.Name):
            return
        bound = self.lookup(node.id)
        path, raw = None, False
        if bound is None and node.id in self.imports:
            found = self.imported(node.id)
            if found is None:
                return
            value, line, path = found
            raw = True
        elif bound is None:
            return
        else:
            value, line = bound
        candidate = literals.judge(value, ctx)
        if candidate is None:
            return
        self.add(candidate, line, role=Role.LITERAL, path=path, raw=raw)
        self.add(candidate, node.lineno, role=Role.USE)

    def imported(self, name: str) -> tuple[str, int, str] | None:
        """(value, line, display path) of a string constant a repository module defines."""
        if self.read_include is None:
            return None
        module, level, original = self.imports[name]
        parts = module.split(".") if module else []
        base = "/".join([".."] * (level - 1)) if level > 1 else "."
        candidates = [f"{base}/{'/'.join(parts)}.py", f"{base}/{'/'.join(parts)}/__init__.py"]
        if level == 0:  # an absolute import of a module beside the file, or a package of it
            candidates = [f"./{'/'.join(parts)}.py", f"./{'/'.join(parts[1:])}.py"] if parts else []
        for target in candidates:
            constants = self.module_constants(target)
            if constants is not None:
                return constants.get(original)
        return None

    def module_constants(self, target: str) -> dict[str, tuple[str, int, str]] | None:
        """The string constants a module of the repository binds at its top level, read
        once however many names are imported from it (None: no such module)."""
        if target in self.modules:
            return self.modules[target]
        assert self.read_include is not None
        found: dict[str, tuple[str, int, str]] | None
        try:
            display, text = self.read_include(target)
        except (OSError, ValueError):
            found = None
        else:
            found = {}
            tree = None
            if len(text) <= 1_000_000:
                try:
                    tree = ast.parse(text)
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    tree = None
            for stmt in tree.body if tree is not None else ():
                if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                    text_value = _str(stmt.value)
                    if text_value is None or stmt.value is None:
                        continue
                    for name in targets:
                        if isinstance(name, ast.Name):  # the last binding wins
                            found[name.id] = (text_value, stmt.value.lineno, display)
        self.modules[target] = found
        return found

    def bind_scope(self, body: list[ast.stmt]) -> _Scope:
        """Names bound to string literals in one scope (nested functions and classes are
        scopes of their own). The last binding wins, as a reader would assume."""
        scope = _Scope()
        stack: list[ast.AST] = list(reversed(body))
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                continue
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                value = _str(node.value)
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if value is not None and node.value is not None:
                    for target in targets:
                        if isinstance(target, ast.Name):
                            scope.constants[target.id] = (value, node.value.lineno)
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    stack.append(child)
        return scope

    # -- the walk -----------------------------------------------------------------------
    def visit_module(self, tree: ast.Module) -> None:
        strings: list[ast.Constant] = []
        names: list[ast.Name] = []
        for node in _walk(tree):
            kind = type(node)
            if kind is ast.Constant:
                if isinstance(node.value, str):  # type: ignore[attr-defined]
                    strings.append(node)  # type: ignore[arg-type]
                continue
            if kind is ast.Name:
                names.append(node)  # type: ignore[arg-type]
                continue
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    self.imports[alias.asname or alias.name] = (node.module or "", node.level,
                                                                alias.name)
                    if node.module == "ollama" or (node.module or "").endswith("ollama"):
                        self.ollama = True
                        self.ollama_names.add(alias.asname or alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == "ollama":
                        self.ollama = True
                        self.ollama_names.add(alias.asname or "ollama")
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                    and _callee(node.value.func) in ("Client", "AsyncClient"):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        self.ollama_names.add(target.id)
        self.hot = self.hot_lines(strings, names)
        self.scopes = [self.bind_scope(tree.body)]
        self.body(tree.body, self.context())

    def hot_lines(self, strings: list[ast.Constant], names: list[ast.Name]) -> list[int]:
        """Lines that hold a string that could be an id or mention one, or a name that may
        carry such a string. Statements without any are not walked: the cost of a file
        follows its candidates, not its size."""
        lines: set[int] = set()
        # An imported name can carry a repository module's string constant: one that is
        # written as a constant (MODEL_ID) or says model or dataset (default_model). Classes
        # and functions (AutoModel, load_config) carry none; counting them made every line
        # that uses an import hot, and walking those was most of a large library's scan.
        carriers: set[str] = {name for name in self.imports if _may_carry(name)}
        families = literals.ollama_families() if self.ollama else frozenset()
        for node in strings:
            value = node.value
            assert isinstance(value, str)
            if len(value) > 200 or "\n" in value or " " in value:
                # prose names a model by its words, or by an id written in it
                hot = literals.may_hold_reference(value) or bool(_ID_IN_TEXT.search(value))
            else:
                hot = "/" in value or ":" in value or bool(_MODEL_SHAPED.match(value)) or (
                    self.ollama and value.isalpha()) or value.lower() in families
            if hot:
                lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
        # A name bound to a hot string carries it to wherever it is used.
        carriers.update(name.id for name in names
                        if isinstance(name.ctx, ast.Store) and name.lineno in lines)
        for name in names:
            if name.id in carriers:
                lines.add(name.lineno)
        return sorted(lines)

    def is_hot(self, node: ast.stmt) -> bool:
        from bisect import bisect_left

        if self.hot is None:
            return True
        at = bisect_left(self.hot, node.lineno)
        return at < len(self.hot) and self.hot[at] <= (node.end_lineno or node.lineno)

    def body(self, statements: list[ast.stmt], ctx: Context) -> None:
        for index, stmt in enumerate(statements):
            if not self.is_hot(stmt):
                continue
            if index == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) \
                    and isinstance(stmt.value.value, str):
                self.docstring(stmt.value)
                continue
            self.visit(stmt, ctx)

    def docstring(self, node: ast.Constant) -> None:
        saved, self.relation = self.relation, Relation.MENTION
        try:
            self.free_text(self.as_written(node), node.lineno, self.context(name="doc"))
        finally:
            self.relation = saved

    def visit(self, node: ast.AST, ctx: Context) -> None:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                self.literal(node, ctx)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            name = next((n for n in (_target_name(t) for t in targets) if n), "")
            for target in targets:
                if not isinstance(target, ast.Name):
                    self.visit(target, self.context())
            if node.value is not None:
                self.visit(node.value, self.context(name=name or ctx.name, section=ctx.section))
        elif isinstance(node, ast.Call):
            self.call(node, ctx)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                key_text = _str(key)
                if key is not None:
                    self.visit(key, ctx)
                inner = ctx if key_text is None or _neutral(key_text) else self.context(
                    name=key_text, section=ctx.name or ctx.section)
                self.visit(value, inner)
        elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            self.sequence(node.elts, ctx)
        elif isinstance(node, (ast.BoolOp,)):
            for value in node.values:
                self.visit(value, ctx)
        elif isinstance(node, ast.IfExp):
            self.visit(node.test, self.context())
            self.visit(node.body, ctx)
            self.visit(node.orelse, ctx)
        elif isinstance(node, ast.Compare):
            if any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
                # "llama" in model_name tests a substring; the literal is no id
                for child in (node.left, *node.comparators):
                    if not isinstance(child, ast.Constant):
                        self.visit(child, self.context())
                return
            names = [_target_name(n) for n in (node.left, *node.comparators)]
            name = next((n for n in names if n), "")
            for child in (node.left, *node.comparators):
                self.visit(child, self.context(name=name) if name else self.context())
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.function(node)
        elif isinstance(node, ast.ClassDef):
            for base in (*node.bases, *node.decorator_list):
                self.visit(base, self.context())
            for class_keyword in node.keywords:
                self.visit(class_keyword, self.context())
            self.scopes.append(self.bind_scope(node.body))
            self.sections.append(node.name)
            self.body(node.body, self.context(section=node.name))
            self.sections.pop()
            self.scopes.pop()
        elif isinstance(node, ast.Return) and node.value is not None:
            self.visit(node.value, self.context(name=self.functions[-1] if self.functions else ""))
        elif isinstance(node, ast.JoinedStr):
            parts = "".join(_str(v) or " " for v in node.values)
            if _COMMAND_WORDS.search(parts) or "huggingface.co" in parts or "hf.co/" in parts:
                self.free_text(parts, node.lineno, ctx)
            for value in node.values:
                if isinstance(value, ast.FormattedValue):
                    self.visit(value.value, self.context())
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            if isinstance(node.value.value, str):  # a bare string statement: prose
                self.docstring(node.value)
        elif isinstance(node, ast.keyword):
            self.visit(node.value, self.context(name=node.arg or ""))
        else:
            for _, value in ast.iter_fields(node):
                if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                    # the body of an if, for, with or try: only its hot statements, as
                    # in a module or a function
                    self.body(value, self.context())
                elif isinstance(value, list):
                    for item in value:
                        if isinstance(item, ast.AST):
                            self.visit(item, self.context())
                elif isinstance(value, ast.AST):
                    self.visit(value, self.context())

    def sequence(self, elements: list[ast.expr], ctx: Context) -> None:
        """Elements share their container's context; in an argument list, an element after
        a ``--flag`` is that flag's value."""
        previous: str | None = None
        for element in elements:
            element_ctx = ctx
            if previous is not None and previous.startswith("-") and len(previous) > 1:
                flag = previous.lstrip("-").split("=", 1)[0]
                element_ctx = self.context(name=flag)
            text = _str(element)
            if text is not None and text.startswith("-") and "=" in text:
                flag, _, value = text.lstrip("-").partition("=")
                candidate = literals.judge(value, self.context(name=flag))
                if candidate is not None:
                    self.add(candidate, element.lineno)
            else:
                self.visit(element, element_ctx)
            if element_ctx is not ctx and isinstance(element, ast.Name):
                self.follow(element, element_ctx)
            previous = text
        words = [_str(e) for e in elements]
        if words and all(w is not None for w in words[:3]) and len(words) >= 2:
            from license_gate.extract import scripts

            command = " ".join(w for w in words if w is not None)
            for ref in scripts.scan_line(command, Place(self.path, None), ollama=self.ollama):
                element = next((e for e, w in zip(elements, words, strict=True)
                                if w is not None and ref.name in w), elements[0])
                self.add(Candidate(ref.ecosystem, ref.name, ref.kind), element.lineno)

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        for arg, default in zip(positional[len(positional) - len(args.defaults):], args.defaults,
                                strict=True):
            self.visit(default, self.context(name=arg.arg))
        for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            if kw_default is not None:
                self.visit(kw_default, self.context(name=arg.arg))
        for decorator in node.decorator_list:
            self.visit(decorator, self.context())
        self.scopes.append(self.bind_scope(node.body))
        self.functions.append(node.name)
        self.body(node.body, self.context())
        self.functions.pop()
        self.scopes.pop()

    def is_ollama_call(self, func: ast.expr) -> bool:
        if not self.ollama:
            return False
        if isinstance(func, ast.Attribute):
            owner = func.value
            name = owner.id if isinstance(owner, ast.Name) else (
                owner.attr if isinstance(owner, ast.Attribute) else "")
            return func.attr in _OLLAMA_FUNCS and (
                name in self.ollama_names or "client" in name.lower() or "ollama" in name.lower())
        return isinstance(func, ast.Name) and func.id in self.ollama_names and \
            func.id in _OLLAMA_FUNCS

    def call(self, call: ast.Call, ctx: Context) -> None:
        callee = _callee(call.func)
        self.visit(call.func, self.context())
        if self.is_ollama_call(call.func):
            self.ollama_call(call, callee)
            return
        if callee in ("startswith", "endswith", "find", "count", "index", "replace", "split"):
            return  # string tests and edits: their arguments are fragments, not ids
        if callee in _GET_CALLS or callee in ("add_argument", "add_option") or callee in _FIELD_CALLS:
            self.settings_call(call, callee, ctx)
            return
        known = callee in literals.LOADING_CALLS or callee in literals.PUBLISH_CALLS
        saved_revision = self.revision
        if known:
            revision = next((k.value for k in call.keywords if k.arg == "revision"), None)
            bound = self.lookup(revision.id) if isinstance(revision, ast.Name) else None
            self.revision = _str(revision) or (bound[0] if bound else None)
        try:
            self.arguments(call, callee, known)
        finally:
            self.revision = saved_revision

    def arguments(self, call: ast.Call, callee: str, known: bool) -> None:
        repo_type = next((_str(k.value) for k in call.keywords if k.arg == "repo_type"), None)
        if repo_type not in (None, "model", "dataset"):
            return  # a Space, or a type computed at run time
        # hf_hub_download(..., repo_type="dataset") reads a dataset repository
        id_name = "dataset" if repo_type == "dataset" else ""
        for index, arg in enumerate(call.args):
            if isinstance(arg, ast.Starred):
                self.visit(arg.value, self.context())
                continue
            if (callee == "pipeline" and index != 1) or (
                    known and index > 0 and callee not in _ANY_POSITION and callee != "pipeline"):
                # pipeline's first argument is the task; elsewhere only the first argument
                # is the id (load_dataset("glue", "mrpc"): the second is a config name)
                self.visit(arg, self.context())
                continue
            if known:
                arg_ctx = self.context(name=id_name, call=callee)
            elif callee in _MUTATORS and isinstance(call.func, ast.Attribute):
                # embedding_models.extend([...]): the elements take the container's name
                arg_ctx = self.context(name=_target_name(call.func.value))
            elif literals.name_says(callee) is not None:
                arg_ctx = self.context(name=callee)  # load_tokenizer("org/x")
            else:
                arg_ctx = self.context(call=callee)
            self.visit(arg, arg_ctx)
            if known or literals.name_says(callee) is not None:
                self.follow(arg, arg_ctx)
        for keyword in call.keywords:
            if keyword.arg is None:
                self.visit(keyword.value, self.context())
                continue
            if keyword.arg in ("revision", "subfolder", "filename", "cache_dir", "local_dir",
                               "token", "trust_remote_code"):
                continue
            id_keyword = keyword.arg in literals.ID_KEYWORDS or keyword.arg in _CALL_ID_KEYWORDS
            if keyword.arg == "repository":  # create_inference_endpoint(repository=...)
                id_keyword = True
            kw_ctx = self.context(name=id_name if id_name and keyword.arg == "repo_id" else keyword.arg,
                                  call=callee if id_keyword else "")
            if keyword.arg in _HELP_KEYWORDS:
                kw_ctx = self.context(name=keyword.arg)
            self.visit(keyword.value, kw_ctx)
            if id_keyword:
                self.follow(keyword.value, kw_ctx)

    def ollama_call(self, call: ast.Call, callee: str) -> None:
        """``ollama.chat("gemma3")``, ``client.generate(model=...)``, ``create(model="mine",
        from_="llama3.1")``: the model argument is an Ollama library name. The name a
        ``create``, ``copy`` or ``push`` gives is the repository's own and is skipped."""
        ollama_ctx = self.context(name="model", call="ollama")
        own = callee in ("create", "copy", "push", "delete")
        for index, arg in enumerate(call.args):
            if index == 0 and not own:
                self.visit(arg, ollama_ctx)
                self.follow(arg, ollama_ctx)
            elif index == 0 and callee == "copy":
                self.visit(arg, ollama_ctx)
            else:
                self.visit(arg, self.context())
        for keyword in call.keywords:
            if (keyword.arg == "model" and not own) or keyword.arg in ("from_", "source"):
                self.visit(keyword.value, ollama_ctx)
                self.follow(keyword.value, ollama_ctx)
            elif keyword.arg is not None and not (own and keyword.arg == "model"):
                self.visit(keyword.value, self.context(name=keyword.arg))

    def settings_call(self, call: ast.Call, callee: str, ctx: Context) -> None:
        """Settings read with a default: ``os.getenv("MODEL", "org/x")``, ``d.get(...)``,
        argparse ``add_argument("--model", default=..., choices=[...])`` and dataclass,
        pydantic or attrs ``field(default=...)`` (named by the field it is assigned to)."""
        if callee in _FIELD_CALLS:
            name = ctx.name
        elif callee in ("add_argument", "add_option"):
            name = _option_name(call)
        else:
            name = (_str(call.args[0]) if call.args else None) or ""
            if literals.name_says(name) is None and not literals.rules_out(name):
                # os.getenv("LLM_MODEL", cfg.get("default", "x")): the outer name decides
                name = ctx.name
        for index, arg in enumerate(call.args):
            if callee in _GET_CALLS and index == 0:
                continue
            if callee in ("add_argument", "add_option"):
                continue
            self.visit(arg, self.context(name=name))
        for keyword in call.keywords:
            if keyword.arg in ("default", "choices", "const", "default_factory", "value"):
                self.visit(keyword.value, self.context(name=name))
                self.follow(keyword.value, self.context(name=name))
            elif keyword.arg in _HELP_KEYWORDS or keyword.arg == "metadata":
                saved, self.relation = self.relation, Relation.MENTION
                try:
                    self.visit(keyword.value, self.context(name="help"))
                finally:
                    self.relation = saved
            elif keyword.arg is not None:
                self.visit(keyword.value, self.context(name=keyword.arg))


_COMMENT = re.compile(r"#\s?(.*)$")


def _comments(text: str) -> Iterator[tuple[int, str]]:
    """(line, text) of each comment: a whole-line comment, or one after the last quote of
    a line (so a ``#`` inside a string is not taken for one)."""
    for number, line in enumerate(text.split("\n"), start=1):
        hash_at = line.find("#")
        if hash_at < 0:
            continue
        stripped = line.lstrip()
        if stripped.startswith("#"):
            yield number, stripped[1:].strip()
            continue
        last_quote = max(line.rfind('"'), line.rfind("'"))
        at = line.find("#", last_quote + 1)
        if at > 0:
            yield number, line[at + 1:].strip()


def scan_comments(text: str, path: str, line_map: list[int] | None, ollama: bool) -> list[Reference]:
    """Comments name models too, mostly commented-out code and links: mentions."""
    scanner = _Scanner(path, line_map, Relation.MENTION, ollama, None)
    for number, comment in _comments(text):
        if not comment or not any(c in comment for c in "/=:-"):
            continue
        for _, candidate in literals.prose(comment):
            scanner.add(candidate, number)
        scanner.code_in_text(comment, number)
        if _COMMAND_WORDS.search(comment):
            from license_gate.extract import scripts

            for ref in scripts.scan_line(comment, Place(path, None), ollama=ollama):
                scanner.add(Candidate(ref.ecosystem, ref.name, ref.kind), number)
    return scanner.refs


def scan_source(text: str, path: str, line_map: list[int] | None = None,
                read_include: ReadInclude | None = None,
                relation: Relation = Relation.USE, ollama: bool | None = None) -> ExtractResult:
    """References in one piece of Python source. ``line_map`` maps the source's lines to
    lines of the containing file (for notebook cells and code blocks)."""
    try:
        tree = ast.parse(text)
    except (RecursionError, MemoryError):
        # CPython's parser gives up on deeply nested expressions this way; MemoryError
        # here is its parser stack, not the machine.
        return ExtractResult(errors=(ParseError(Place(path, None),
                                                "Python source nested too deeply to parse"),))
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        newer = isinstance(exc, SyntaxError) and _newer_syntax(text, line)
        if line is not None and line_map is not None:
            line = (line_map[line - 1] or None) if 0 < line <= len(line_map) else None
        if newer:
            found = _scan_tokens(text, path, line_map, relation,
                                 "ollama" in text.lower() if ollama is None else ollama)
            if found is not None:
                return ExtractResult(tuple(found), notes=(
                    f"{path}: Python syntax newer than this interpreter "
                    f"({sys.version_info.major}.{sys.version_info.minor}) at line {line}; "
                    "read token by token, so calls and assignments still give context",))
        message = getattr(exc, "msg", None) or str(exc)
        return ExtractResult(errors=(ParseError(Place(path, line), f"Python syntax error: {message}"),))
    file_ollama = "ollama" in text.lower() if ollama is None else ollama
    scanner = _Scanner(path, line_map, relation, file_ollama, read_include)
    scanner.source_lines = text.split("\n")
    try:
        scanner.visit_module(tree)
    except RecursionError:
        return ExtractResult(errors=(ParseError(Place(path, None),
                                                "Python source nested too deeply to analyse"),))
    refs = scanner.refs
    if "#" in text:
        refs = refs + scan_comments(text, path, line_map, scanner.ollama)
    return ExtractResult(tuple(refs))


# Grammar newer than the oldest Python this tool runs on (3.10): the ``type`` statement
# and PEP 695 type parameters (3.12), ``except*`` (3.11), PEP 758's unparenthesised
# ``except A, B:`` (3.14). A file that fails to parse on such a line is valid Python for a
# newer interpreter, not a broken file.
_NEWER = re.compile(r"^\s*(type\s+\w+\s*(\[[^\]]*\])?\s*=|(async\s+)?def\s+\w+\s*\[|class\s+\w+\s*\["
                    r"|except\s*\*|except\s+\w[\w.]*\s*,)")


def _newer_syntax(text: str, line: int | None) -> bool:
    if line is None:
        return False
    lines = text.split("\n")
    return 0 < line <= len(lines) and bool(_NEWER.match(lines[line - 1]))


def _scan_tokens(text: str, path: str, line_map: list[int] | None, relation: Relation,
                 ollama: bool) -> list[Reference] | None:
    """The string literals of source ``ast`` cannot parse, with the context tokens give:
    the call a literal is passed to (the name before the open parenthesis it sits in),
    the keyword or name it is bound to (the name before ``=``). None when the text does
    not even tokenize."""
    import io
    import tokenize

    scanner = _Scanner(path, line_map, relation, ollama, None)
    scanner.source_lines = text.split("\n")
    calls: list[str] = []  # the callee of each open bracket, "" for a plain bracket
    previous: list[tokenize.TokenInfo] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            kind, value = token.type, token.string
            if kind in (tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT):
                continue
            if kind == tokenize.OP and value in "([{":
                callee = previous[-1].string if value == "(" and previous and \
                    previous[-1].type == tokenize.NAME else ""
                calls.append(callee)
            elif kind == tokenize.OP and value in ")]}":
                if calls:
                    calls.pop()
            elif kind == tokenize.STRING and value[:1] in "\"'rRuU":
                try:
                    literal = ast.literal_eval(value)
                except (ValueError, SyntaxError, MemoryError, RecursionError):
                    literal = None
                if isinstance(literal, str) and literal:
                    bound = previous[-2].string if len(previous) >= 2 and \
                        previous[-1].string == "=" and previous[-2].type == tokenize.NAME else ""
                    call = next((c for c in reversed(calls) if c), "")
                    node = ast.Constant(literal)
                    node.lineno, node.end_lineno = token.start[0], token.end[0]
                    scanner.literal(node, scanner.context(name=bound, call=call))
            previous = [*previous, token][-3:]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    return scanner.refs


def extract(text: str, path: str, read_include: ReadInclude | None = None) -> ExtractResult:
    if not literals.may_hold_reference(text):
        return ExtractResult()
    return scan_source(text, path, read_include=read_include)


TRIGGERS = literals.TRIGGERS
