"""The checker and parser against golden diagnostics, plus limits at their boundaries."""

from pathlib import Path

import pytest

from reasmory.interpreter import Limits, check, highlight, parse
from reasmory.interpreter.errors import Diagnostic

FIXTURES = Path(__file__).parent / "fixtures" / "diagnostics.txt"
OPTIONS = ["A. left", "B. right"]


def _cases() -> list[tuple[str, str, list[str]]]:
    text = FIXTURES.read_text()
    cases = []
    for block in text.split("=== ")[1:]:
        title, rest = block.split("\n", 1)
        program, expect = rest.split("--- expect\n")
        cases.append((title.strip(), program, [line for line in expect.strip().splitlines() if line]))
    return cases


@pytest.mark.parametrize(("title", "program", "expected"), _cases(), ids=[c[0] for c in _cases()])
def test_golden_diagnostics(cross, title: str, program: str, expected: list[str]) -> None:
    found = check(program, cross, OPTIONS)
    assert [f"{d.code} {d.span.line}:{d.span.column}" for d in found] == expected
    for d in found:
        assert d.message and highlight(program, d).count("^") >= 1


def test_unknown_label_hint_names_the_close_match(cross) -> None:
    (diag,) = check('answer(object("televison"))', cross)
    assert diag.hint == "did you mean 'tv'?"
    (diag,) = check('answer(object("xylophone"))', cross)
    assert diag.hint.startswith("the memory holds: bed, chair")


def test_highlight_draws_a_caret_under_the_offending_text(cross) -> None:
    program = 'me = view(at=object("sofa"), facing=object("tv"))\nanswer(direction(object("lamp"), viewer=me, granularity="up"))\n'
    (diag,) = check(program, cross)
    text = highlight(program, diag)
    assert text.splitlines()[1:3] == [
        '   2 | answer(direction(object("lamp"), viewer=me, granularity="up"))',
        "     |                                                         ^^^^",
    ]
    assert 'expected: "lr" | "lrb" | "quadrant" | "clock"' in text


def test_diagnostics_are_structured_data(cross) -> None:
    (diag,) = check('answer(object("chiar"))', cross)
    data = diag.model_dump()
    assert set(data) >= {"code", "message", "span", "hint", "expected", "stage"}
    assert Diagnostic.model_validate(data) == diag


def test_multi_line_calls_keep_original_positions(cross) -> None:
    program = 'me = view(\n    at=object("sofa"),  # the sofa\n    facing=object("tvv"))\nanswer(me)\n'
    (diag,) = check(program, cross)
    assert (diag.code, diag.span.line, diag.span.column) == ("unknown-label", 3, 19)


def test_every_parser_builds_the_same_ast() -> None:
    from reasmory.interpreter.parser import parse_reference

    program = 'x = -1 + 2 * 3 < 4 and not false\ny = [object("a"), objects("b"),]\nanswer(f(x, k=y))'
    assert parse(program) == parse_reference(program, use_cython=True) == parse_reference(program, use_cython=False)


def _limit_cases():
    yield "max_statements", Limits(max_statements=3), "a = 1\nb = 2\nanswer(a)", "a = 1\nb = 2\nc = 3\nanswer(a)", "too-many-statements"
    yield "max_list_length", Limits(max_list_length=2), "answer([1, 2])", "answer([1, 2, 3])", "list-too-long"
    yield "max_string_length", Limits(max_string_length=4), 'answer("abcd")', 'answer("abcde")', "string-too-long"
    yield "max_depth", Limits(max_depth=3), "answer(-(-1))", "answer(-(-(-(-1))))", "too-deep"


@pytest.mark.parametrize(("name", "limits", "at_limit", "over_limit", "code"), list(_limit_cases()), ids=lambda v: v if isinstance(v, str) else "")
def test_limits_hold_at_the_boundary(cross, name, limits, at_limit, over_limit, code) -> None:
    assert check(at_limit, cross, limits=limits) == []
    assert code in [d.code for d in check(over_limit, cross, limits=limits)]



def test_a_positional_argument_after_a_keyword_one_is_named_for_what_it_is(cross) -> None:
    found = check('me = view(at=object("sofa"), faobject("tv"))\nanswer(me)', cross)
    assert [d.code for d in found] == ["positional-after-keyword", "unknown-operation"]
    assert "follows the keyword argument 'at'" in found[0].message and found[0].hint == "name it, e.g. facing=…"
    assert not any("given twice" in d.message for d in found)
