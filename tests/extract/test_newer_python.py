"""Python newer than the interpreter is still read: a file that ``ast`` cannot parse on a
line of newer grammar (the type statement, PEP 695 type parameters) is read token by
token with its context, and says so; parse errors stay for files no Python accepts."""

from __future__ import annotations

from license_gate.extract.python_source import extract

NEWER = '''from transformers import AutoModel

type Vector = list[float]

def first[T](items: list[T]) -> T:
    return items[0]

class Box[T]:
    default_model: str = "ignored-without-context"

MODEL_ID = "meta-llama/Llama-3.1-8B"
model = AutoModel.from_pretrained("mistralai/Mistral-7B-v0.1")
tok = load(model_name="Qwen/Qwen2.5-7B", save_dir="out/dir")
print("meta-llama/not-a-context")
'''


def test_newer_grammar_is_read_by_tokens_with_context() -> None:
    got = extract(NEWER, "app.py")
    import ast
    import sys

    if sys.version_info >= (3, 12):  # pragma: no cover - the file parses there
        ast.parse(NEWER)
    assert got.errors == ()
    assert [(r.name, r.place.line) for r in got.references] == [
        ("meta-llama/Llama-3.1-8B", 11), ("mistralai/Mistral-7B-v0.1", 12),
        ("Qwen/Qwen2.5-7B", 13)]
    if sys.version_info < (3, 12):
        (note,) = got.notes
        assert note.startswith("app.py: Python syntax newer than this interpreter") and \
            "at line 3" in note


def test_a_file_no_python_accepts_is_still_a_parse_error() -> None:
    got = extract('MODEL = "meta-llama/Llama-3.1-8B"\ndef broken(:\n    pass\n', "bad.py")
    assert got.references == () and got.notes == ()
    (error,) = got.errors
    assert error.place.line == 2 and error.message.startswith("Python syntax error")
