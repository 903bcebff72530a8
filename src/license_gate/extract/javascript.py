"""Model references in JavaScript and TypeScript (``.js``, ``.mjs``, ``.cjs``, ``.jsx``,
``.ts``, ``.tsx``, and the ``<script>`` blocks of ``.vue`` and ``.svelte`` files).

The source is tokenised, never run or fully parsed: strings, comments, identifiers and
brackets are enough to know each string literal's context, which ``extract.literals``
then judges as for Python:

- ``model: "..."`` and ``{ embeddingModel: '...' }`` (an object key), ``const LLM_MODEL =
  "..."`` (a binding), the elements of ``const OPENAI_MODELS = [...]`` (a table);
- the argument of a call (``new ChatOllama({ model: "llama3.1" })``,
  ``pipeline("feature-extraction", "Xenova/all-MiniLM-L6-v2")``);
- comments, read as prose: what they name is a mention.

Comparisons and string tests (``=== "gpt-4"``, ``.startsWith("claude-")``) name nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from license_gate.extract import literals
from license_gate.extract.interface import ReadInclude
from license_gate.extract.literals import Candidate, Context
from license_gate.model import ExtractResult, Place, Reference, Relation

TRIGGERS = literals.TRIGGERS
_TOKEN = re.compile(r"""
    (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\$]|\$(?!\{))*`)
  | (?P<ident>[A-Za-z_$][\w$]*)
  | (?P<op>===|!==|==|!=|=>|[{}\[\]():=,;?])
""", re.VERBOSE | re.DOTALL)
_SCRIPT = re.compile(r"(<script\b[^>]*>)(.*?)(</script>)", re.DOTALL | re.IGNORECASE)
_TESTS = frozenset({"includes", "startsWith", "endsWith", "indexOf", "match", "test", "replace",
                    "split", "search", "lastIndexOf"})
_MESSAGES = frozenset({"log", "warn", "error", "info", "debug", "alert", "t", "$t", "i18n"})
_OPEN = {"(": ")", "[": "]", "{": "}"}


@dataclass
class _Frame:
    closer: str
    name: str = ""
    call: str = ""


def _script_only(text: str) -> str:
    """Everything outside ``<script>`` blanked, newlines kept so lines stay right."""
    out: list[str] = []
    last = 0
    for match in _SCRIPT.finditer(text):
        out.append(re.sub(r"[^\n]", " ", text[last:match.start(2)]))
        out.append(match.group(2))
        last = match.end(2)
    out.append(re.sub(r"[^\n]", " ", text[last:]))
    return "".join(out)


def scan(text: str, path: str) -> list[Reference]:
    ollama = "ollama" in text.lower()
    refs: list[Reference] = []
    seen: set[tuple[str, str, int]] = set()
    stack: list[_Frame] = [_Frame("")]
    recent: list[tuple[str, str]] = []  # (kind, text) of the last few significant tokens
    line = 1
    position = 0

    def add(candidate: Candidate | None, at: int, relation: Relation = Relation.USE) -> None:
        if candidate is not None and (candidate.name, candidate.ecosystem, at) not in seen:
            seen.add((candidate.name, candidate.ecosystem, at))
            refs.append(Reference(candidate.ecosystem, candidate.name,
                                  Place(path, at, relation), kind=candidate.kind))

    for match in _TOKEN.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        kind = match.lastgroup or ""
        token = match.group()
        if kind == "comment":
            for offset, piece in enumerate(token.split("\n")):
                for _, candidate in literals.prose(piece):
                    add(candidate, line + offset, Relation.MENTION)
        elif kind == "string":
            value = token[1:-1]
            context = _context(recent, stack[-1], ollama)
            if context is not None and "\n" not in value:
                add(literals.judge(value, context), line)
            elif "\n" in value or " " in value:
                for offset, piece in enumerate(value.split("\n")):
                    for _, candidate in literals.urls_in(piece):
                        add(candidate, line + offset, Relation.MENTION)
            recent.append(("string", value))
        elif kind == "op" and token in _OPEN:
            name, call = "", ""
            if token == "(" and recent and recent[-1][0] == "ident":
                call = recent[-1][1]
            elif len(recent) >= 2 and recent[-1] in (("op", ":"), ("op", "=")):
                name = recent[-2][1]
            frame = stack[-1]
            stack.append(_Frame(_OPEN[token], name or (frame.name if token != "(" else ""),
                                call))
            recent.append((kind, token))
        elif kind == "op" and token in (")", "]", "}"):
            if len(stack) > 1 and stack[-1].closer == token:
                stack.pop()
            recent.append((kind, token))
        else:
            recent.append((kind, token))
        if len(recent) > 6:
            del recent[:-6]
    return refs


def _context(recent: list[tuple[str, str]], frame: _Frame, ollama: bool) -> Context | None:
    """The context of a string literal from the tokens before it, or None when it is
    compared or tested rather than used."""
    previous = recent[-1] if recent else ("", "")
    before = recent[-2] if len(recent) >= 2 else ("", "")
    if previous[0] == "op" and previous[1] in ("===", "!==", "==", "!="):
        return None
    if frame.call in _TESTS or frame.call in _MESSAGES:
        return None
    if previous == ("op", ":") and before[0] in ("ident", "string"):
        if len(recent) >= 3 and recent[-3] == ("op", "?"):
            return None  # a ternary's branch: cond ? "a" : "b"
        return Context(name=before[1], ollama=ollama)
    if previous == ("op", "=") and before[0] == "ident":
        return Context(name=before[1], ollama=ollama)
    if previous in (("op", "("), ("op", ",")) and frame.call:
        name = frame.call if literals.name_says(frame.call) else ""
        return Context(name=name, call=frame.call, ollama=ollama)
    if previous in (("op", "["), ("op", ",")) and frame.name:
        return Context(name=frame.name, ollama=ollama)
    return None


def extract(text: str, path: str, read_include: ReadInclude | None = None) -> ExtractResult:
    if not literals.may_hold_reference(text):
        return ExtractResult()
    if path.lower().endswith((".vue", ".svelte")):
        text = _script_only(text)
    return ExtractResult(tuple(scan(text, path)))
