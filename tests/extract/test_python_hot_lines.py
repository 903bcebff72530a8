"""Only statements holding a candidate are walked; what is skipped holds nothing to find.
An id written in prose is a candidate, wherever the statement sits; a name imported from
a repository module carries its constant when it can hold one."""

from __future__ import annotations

from license_gate.extract import python_source

SOURCE = '''\
from transformers import AutoModel
from .settings import DEFAULT_MODEL, embedder_repo, load_config


def load(variant):
    cfg = load_config()
    if variant == "flux":
        print("Downloading the VAE from black-forest-labs/FLUX.1-dev...")
        for _ in range(3):
            total = sum(x * 2 for x in range(10))
    else:
        model = AutoModel.from_pretrained(DEFAULT_MODEL)
        embedder = AutoModel.from_pretrained(embedder_repo)
    return cfg
'''
SETTINGS = 'DEFAULT_MODEL = "Qwen/Qwen2.5-7B"\nembedder_repo = "BAAI/bge-small-en-v1.5"\n'


def _read(target: str) -> tuple[str, str]:
    if target.endswith("settings.py"):
        return "pkg/settings.py", SETTINGS
    raise OSError(target)


def test_an_id_in_a_message_inside_a_block_is_a_mention() -> None:
    refs = python_source.extract(SOURCE, "pkg/app.py", _read).references
    found = {(r.name, r.place.path, r.place.line, r.relation.value) for r in refs}
    assert ("black-forest-labs/FLUX.1-dev", "pkg/app.py", 8, "mention") in found


def test_imported_constants_are_followed_whether_upper_or_lower_case() -> None:
    refs = python_source.extract(SOURCE, "pkg/app.py", _read).references
    found = {(r.name, r.place.path, r.place.line) for r in refs}
    assert ("Qwen/Qwen2.5-7B", "pkg/settings.py", 1) in found
    assert ("Qwen/Qwen2.5-7B", "pkg/app.py", 12) in found
    assert ("BAAI/bge-small-en-v1.5", "pkg/settings.py", 2) in found
    assert ("BAAI/bge-small-en-v1.5", "pkg/app.py", 13) in found


def test_a_class_or_function_import_does_not_make_its_lines_hot() -> None:
    scanner = python_source._Scanner("pkg/app.py", None, python_source.Relation.USE, False, None)
    import ast

    scanner.source_lines = SOURCE.splitlines()
    scanner.visit_module(ast.parse(SOURCE))
    assert scanner.hot is not None
    assert 6 not in scanner.hot  # cfg = load_config(): a function carries no constant
    assert 10 not in scanner.hot  # arithmetic in a loop
    assert {8, 12, 13} <= set(scanner.hot)
