"""The lexer's terminals reordered for speed (token_order.py) cut every text exactly as Lark's order does."""

from __future__ import annotations

import re
from re import _parser

from hypothesis import given, settings
from hypothesis import strategies as st

from reasmory.interpreter import lalr_tables, token_order
from reasmory.interpreter.parser import grammar_text


def _lark_terminals() -> tuple[list[tuple[str, str]], int]:
    """The grammar's terminals in Lark's own order, with Lark's flags."""
    from lark import Lark

    scanner = Lark(grammar_text(), parser="lalr").parser.lexer.root_lexer.scanner
    return [(t.name, t.pattern.to_regexp()) for t in scanner.terminals], scanner.g_regex_flags


TERMINALS, FLAGS = _lark_terminals()
LARK_ORDER = re.compile("|".join(f"(?P<{name}>{regex})" for name, regex in TERMINALS), FLAGS)
OURS = re.compile(lalr_tables.TOKEN_REGEX, lalr_tables.TOKEN_FLAGS)


def _first(regex: str) -> tuple[str, ...] | None:
    found = token_order.first(_parser.parse(regex), 0)
    return None if found is None else (*sorted(map(chr, found.codes)), *(c.pattern for c in found.classes))


def test_first_characters_of_patterns() -> None:
    assert _first(r"(\r?\n)+") == ("\n", "\r")
    assert _first(r"[ \t]+|x") == ("\t", " ", "x")
    assert _first(r"(\d+\.\d*|\.\d+)([eE]\d+)?") == (".", r"\d")
    assert _first(r"a*b") == ("a", "b")
    assert _first(r"a*") is None  # may match nothing: it can meet anything
    assert _first(r"[^a]") is None and _first(r"\bx") is None and _first(r"(a|)b") is None


def test_terminals_that_can_start_alike_keep_lark_order() -> None:
    names = [name for name, _ in token_order.ordered(TERMINALS, FLAGS)]
    assert sorted(names) == sorted(name for name, _ in TERMINALS)
    assert names.index("COMP_OP") < names.index("EQUAL")  # "==" is one comparison, not two '='
    assert names[:3] == ["NAME", "LPAR", "RPAR"]
    classes = [("DIGITS", r"\d+"), ("WORD", r"\w+")]  # classes are taken to meet
    assert token_order.ordered(classes, FLAGS) == classes
    assert token_order.ordered([("A", "a"), ("NAME", "[a-z]+")], FLAGS) == [("A", "a"), ("NAME", "[a-z]+")]
    assert token_order.ordered([("A", "a"), ("NAME", "[b-z]+")], FLAGS) == [("NAME", "[b-z]+"), ("A", "a")]


def test_the_generated_regex_is_the_reordered_one() -> None:
    assert OURS.pattern == "|".join(f"(?P<{n}>{r})" for n, r in token_order.ordered(TERMINALS, FLAGS))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aZ_09.eE+-*/<>=!(),[];#'\"\\\n\r\t \f٣x")), max_size=40))
def test_every_position_lexes_as_in_lark_order(text: str) -> None:
    for pos in range(len(text) + 1):
        ours, lark = OURS.match(text, pos), LARK_ORDER.match(text, pos)
        assert (ours and (ours.lastgroup, ours.end())) == (lark and (lark.lastgroup, lark.end()))
