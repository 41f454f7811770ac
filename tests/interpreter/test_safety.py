"""The language never reaches Python: no eval/exec/compile, no attribute access into Python objects."""

import ast as pyast
from pathlib import Path

import pytest

from reasmory.interpreter import check, run

SOURCES = [p for folder in ("interpreter", "grammar") for p in (Path(__file__).resolve().parents[2] / folder).rglob("*.py")]
FORBIDDEN_BUILTINS = {"eval", "exec", "compile", "__import__", "getattr", "setattr", "delattr", "globals", "locals", "vars"}
FORBIDDEN_METHODS = {"literal_eval", "import_module"}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_dynamic_code_or_reflection(path: Path) -> None:
    tree = pyast.parse(path.read_text())
    for node in pyast.walk(tree):
        if isinstance(node, pyast.Call):
            builtin = isinstance(node.func, pyast.Name) and node.func.id in FORBIDDEN_BUILTINS
            method = isinstance(node.func, pyast.Attribute) and node.func.attr in FORBIDDEN_METHODS
            assert not (builtin or method), f"{path.name}:{node.lineno} calls {pyast.unparse(node.func)}"


def test_the_grammar_has_no_attribute_access_or_subscripts() -> None:
    grammar = (Path(__file__).resolve().parents[2] / "grammar" / "reasmory.lark").read_text()
    assert '"."' not in grammar and "import" not in grammar.lower().replace("%import", "")


@pytest.mark.parametrize(
    "source",
    [
        'answer(__import__("os"))',
        "answer(options.__class__)",
        'answer(exec("1"))',
        "answer(options[0])",
        "import os\nanswer(1)",
        'answer(open("/etc/passwd"))',
        "lambda x: x",
    ],
)
def test_python_escapes_are_rejected(cross, source: str) -> None:
    assert check(source, cross)


def test_names_resolve_only_in_the_program(cross) -> None:
    assert [d.code for d in check("answer(run)", cross)] == ["undefined-name"]
    assert run('x = "__class__"\nanswer(x)', cross).answer == "__class__"
