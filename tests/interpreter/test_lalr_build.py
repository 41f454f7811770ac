"""The table generator refuses grammars whose lexer it cannot write out, and importing it writes nothing."""

import importlib.util

import pytest
from lark.lexer import Scanner

from reasmory.interpreter import lalr_build
from reasmory.interpreter.parser import grammar_text


def test_a_lexer_lark_splits_into_several_regular_expressions_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python builds whose `re` limits named groups make Lark split the terminals; the tables hold one expression."""
    split = Scanner._build_mres
    monkeypatch.setattr(Scanner, "_build_mres", lambda self, terminals, size: split(self, terminals, max(1, size // 2)))
    with pytest.raises(ValueError, match="teach lalr_build.py"):
        lalr_build.build(grammar_text())


def test_a_grammar_without_terminals_is_refused() -> None:
    with pytest.raises(ValueError, match="teach lalr_build.py"):
        lalr_build.build("start: ")


def test_a_collapsing_rule_that_keeps_no_child_is_refused() -> None:
    with pytest.raises(ValueError, match="collapses to one child only sometimes"):
        lalr_build.build('?start: "a"\n')


def test_importing_the_generator_rewrites_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    before = lalr_build.TABLES.stat().st_mtime_ns
    spec = importlib.util.spec_from_file_location("reasmory.interpreter.lalr_build", lalr_build.__file__)
    spec.loader.exec_module(importlib.util.module_from_spec(spec))  # imported afresh, as by any other module
    assert lalr_build.TABLES.stat().st_mtime_ns == before and capsys.readouterr().out == ""


def test_a_collapsing_rule_that_keeps_two_children_is_refused() -> None:
    with pytest.raises(ValueError, match="collapses to one child only sometimes"):
        lalr_build.build('?start: A B\nA: "a"\nB: "b"\n')
