"""The fast front end (generated LALR tables) builds exactly the AST of the reference parser (Lark, same grammar)."""

import dataclasses
import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reasmory.interpreter import ast, ast_build, lalr, lalr_build
from reasmory.interpreter.errors import ParseError
from reasmory.interpreter.parser import parse, parse_reference

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_SPACE = st.sampled_from(["", " ", "  ", "\t", " \f"])
_NAMES = st.sampled_from(["x", "me", "_a1", "objects", "distance", "true_x", "True", "False", "true", "false", "and",
                          "or", "not", "andy", "notes", "options", "answer"])
_NUMBERS = st.sampled_from(["0", "7", "12.5", ".5", "5.", "1e3", "2.5E-2", "00", "3.14159"])
_STRINGS = st.sampled_from(['"chair"', "'tv'", '""', '"a\\"b"', "'it\\'s'", '"tab\\tx"', '"back\\\\"', '"#(x]"', '"né"'])


def _expressions() -> st.SearchStrategy[str]:
    atoms = st.one_of(_NAMES, _NUMBERS, _STRINGS, st.sampled_from(["true", "false", "True", "False"]))

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        gap = st.sampled_from(["", " ", "\n", " # note\n  ", "\r\n"])
        argument = st.one_of(inner, st.builds(lambda n, e: f"{n}={e}", _NAMES, inner))
        return st.one_of(
            st.builds(lambda f, a, comma, g: f"{f}({g}{', '.join(a)}{comma}{g})", _NAMES, st.lists(argument, max_size=3),
                      st.sampled_from(["", ","]), gap),
            st.builds(lambda a, comma, g: f"[{g}{', '.join(a)}{comma}]", st.lists(inner, max_size=3), st.sampled_from(["", ","]), gap),
            st.builds(lambda a, op, b, s: f"{a}{s}{op}{s}{b}", inner,
                      st.sampled_from(["+", "-", "*", "/", "<", "<=", ">", ">=", "==", "!=", "and", "or"]), inner, _SPACE.map(lambda s: s or " ")),
            st.builds(lambda op, a: f"{op}{a}", st.sampled_from(["-", "not ", "- ", "not("]), inner).map(
                lambda s: s + ")" if s.startswith("not(") else s),
            st.builds(lambda a: f"({a})", inner),
        )

    return st.recursive(atoms, extend, max_leaves=12)


_STATEMENTS = st.one_of(st.builds(lambda n, s, e: f"{n}{s}={s}{e}", _NAMES, _SPACE, _expressions()), _expressions())
_SEPARATORS = st.sampled_from(["\n", ";", "\n\n", " ; ", "\n# comment\n", "  # a comment with (brackets)\n", "\r\n"])


@st.composite
def programs(draw: st.DrawFn) -> str:
    statements = draw(st.lists(_STATEMENTS, min_size=0, max_size=5))
    text = ""
    for statement in statements:
        text += draw(_SEPARATORS) if text else draw(st.sampled_from(["", "\n", "# head\n"]))
        text += statement
    return text + draw(st.sampled_from(["", "\n", "  ", ";"]))


@st.composite
def damaged(draw: st.DrawFn) -> str:
    text = draw(programs())
    pos = draw(st.integers(0, len(text)))
    junk = draw(st.sampled_from(['"', "(", ")", "]", ",", "=", "==", "-", "\n", "#", "'", ";", "@", "\\", "and", "1.2.3"]))
    return draw(st.sampled_from([text[:pos] + junk + text[pos:], text[:pos] + text[pos + 1:]]))


def _outcome(parser, text: str) -> object:
    try:
        return parser(text)
    except ParseError as exc:
        return [d.model_dump() for d in exc.diagnostics]


@SETTINGS
@given(programs())
def test_fast_front_end_builds_the_reference_ast(text: str) -> None:
    assert _outcome(parse, text) == _outcome(parse_reference, text), text


@SETTINGS
@given(damaged())
def test_damaged_programs_get_the_reference_result(text: str) -> None:
    assert _outcome(parse, text) == _outcome(parse_reference, text), text


def test_the_fast_path_is_taken_for_ordinary_programs() -> None:
    program = 'me = view(at=object("sofa"),\n  facing=object("tv"))  # a view\nanswer(choose(direction(object("lamp"), viewer=me), options))\n'
    assert lalr.parse_statements(program) is not None
    assert tuple(lalr.parse_statements(program)) == parse_reference(program).statements
    assert lalr.parse_statements("x = (1") is None  # an error: the reference parser says what is wrong


def test_generated_tables_match_the_grammar() -> None:
    assert lalr_build.TABLES.read_text(encoding="utf-8") == lalr_build.generated_source(), (
        "grammar/reasmory.lark changed: run python -m reasmory.interpreter.lalr_build")


def test_spans_built_by_the_parsers_are_the_dataclass_itself() -> None:
    """ast_build fills a Span's slots through a plain twin class (cheaper than the frozen __init__): the result must be
    a Span in every respect — type, equality, hash, repr, immutability, pickling."""
    built, direct = ast_build.make_span(2, 3, 4, 5, 10, 20), ast.Span(2, 3, 4, 5, 10, 20)
    assert type(built) is ast.Span and built == direct and hash(built) == hash(direct) and repr(built) == repr(direct)
    assert built != ast.Span(2, 3, 4, 5, 10, 21) and pickle.loads(pickle.dumps(built)) == direct
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.line = 1  # type: ignore[misc]
    assert all(type(n.span) is ast.Span for n in parse('x = f(a, b=[1, "s"])\nanswer(-x)').statements)


SPAN = ast.Span(2, 3, 2, 5, 10, 12)


@pytest.mark.parametrize(("make", "node"), [
    (lambda: ast_build.make_call("f", (), (), SPAN, SPAN), ast.Call("f", (), (), SPAN, SPAN)),
    (lambda: ast_build.make_string("s", SPAN), ast.String("s", SPAN)),
    (lambda: ast_build.make_name("x", SPAN), ast.Name("x", SPAN)),
    (lambda: ast_build.make_keyword("k", ast.Name("x", SPAN), SPAN, SPAN), ast.Keyword("k", ast.Name("x", SPAN), SPAN, SPAN)),
    (lambda: ast_build.make_assign("x", ast.Number(1.0, SPAN), SPAN, SPAN), ast.Assign("x", ast.Number(1.0, SPAN), SPAN, SPAN)),
    (lambda: ast_build.make_expr_stmt(ast.Bool(True, SPAN), SPAN), ast.ExprStmt(ast.Bool(True, SPAN), SPAN)),
])
def test_nodes_built_by_the_parsers_are_the_dataclasses_themselves(make, node) -> None:
    """The twins of the nodes every program is made of, as for spans: each result is the frozen node in every respect."""
    built = make()
    assert type(built) is type(node) and built == node and hash(built) == hash(node) and repr(built) == repr(node)
    assert pickle.loads(pickle.dumps(built)) == node and dataclasses.astuple(built) == dataclasses.astuple(node)
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.span = None  # type: ignore[misc]
    assert built != dataclasses.replace(node, span=ast.Span(1, 1, 1, 2, 0, 1))
