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


@pytest.mark.parametrize("depth", [3, 4])
def test_a_bare_expression_statement_has_the_depth_limit_of_an_assignment(depth: int) -> None:
    nested = "-(" * depth + "1" + ")" * depth
    limits = Limits(max_depth=3)
    assigned = [d.code for d in check(f"x = {nested}\nanswer(x)", limits=limits)]
    assert [d.code for d in check(f"{nested}\nanswer(1)", limits=limits)] == assigned == ([] if depth == 3 else ["too-deep"])


def test_an_undefined_name_suggests_only_close_names() -> None:
    (close,) = check("distance_m = 1\nanswer(distanse_m)")
    assert close.code == "undefined-name" and close.hint == "did you mean distance_m?"
    (far,) = check("distance_m = 1\nanswer(qqqq)")
    assert far.code == "undefined-name" and far.hint is None


def test_an_undefined_name_in_a_list_is_not_also_a_mixed_list() -> None:
    assert [d.code for d in check("answer([y, 1])")] == ["undefined-name"]
    assert [d.code for d in check('answer([y, 1, "a"])')] == ["undefined-name", "mixed-list"]


def test_a_frame_out_of_range_names_the_valid_indices(cross) -> None:
    (diag,) = check(f"answer(camera({len(cross.frames)}))", cross)
    assert diag.code == "frame-range" and diag.expected == f"a whole number from 0 to {len(cross.frames) - 1}"


def test_an_unknown_operation_suggests_the_three_closest_names() -> None:
    (diag,) = [d for d in check("answer(coun(1))") if d.code == "unknown-operation"]
    assert diag.hint == "did you mean count, round, count_of?"


def test_the_default_statement_limit_is_64() -> None:
    """A program past the default limit is refused before it runs (a limit loosened by accident is a hole)."""
    body = "".join(f"x{i} = {i}\n" for i in range(63))
    assert check(body + "answer(x0)") == []
    assert [d.code for d in check(body + "x63 = 63\nanswer(x0)")] == ["too-many-statements"]


def _default_limit_cases():
    def nested(k: int) -> str:
        return "answer(" + "-(" * (k - 1) + "1" + ")" * (k - 1) + ")"

    def renders(k: int) -> str:
        return "".join(f"r{i} = render(camera(0))\n" for i in range(k)) + "answer(r0)"

    yield "max_depth", nested(24), nested(25), "too-deep"
    yield "max_list_length", f"answer([{', '.join(['0'] * 64)}])", f"answer([{', '.join(['0'] * 65)}])", "list-too-long"
    yield "max_string_length", f'answer("{"a" * 200}")', f'answer("{"a" * 201}")', "string-too-long"
    yield "max_renders", renders(8), renders(9), "too-many-renders"
    yield "max_image_side", "answer(render(camera(0), width=2048))", "answer(render(camera(0), width=2049))", "out-of-range"


@pytest.mark.parametrize(("name", "at_limit", "over_limit", "code"), list(_default_limit_cases()), ids=lambda v: v if v.startswith("max") else "")
def test_the_default_limits_hold_at_their_boundary(cross, name: str, at_limit: str, over_limit: str, code: str) -> None:
    assert check(at_limit, cross) == []
    assert code in [d.code for d in check(over_limit, cross)]


@pytest.mark.parametrize(("name", "least"), [("max_statements", 1), ("max_depth", 1), ("max_list_length", 1), ("max_string_length", 1),
                                             ("max_renders", 0), ("max_image_side", 16)])
def test_limits_below_their_least_value_are_refused(name: str, least: int) -> None:
    from pydantic import ValidationError

    assert getattr(Limits(**{name: least}), name) == least
    with pytest.raises(ValidationError):
        Limits(**{name: least - 1})


def test_a_type_mismatch_hints_only_for_the_mistake_made(cross) -> None:
    def hint(source: str) -> str | None:
        (diag,) = check(source, cross)
        assert diag.code == "type-mismatch"
        return diag.hint

    assert hint('answer(size("lamp"))') == 'look the object up first: object("…")'
    assert hint('answer(height(objects("chair")))') == 'pick one instance: closest(…), farthest(…) or object("…")'
    assert hint("answer(size(3))") is None


def test_lists_and_keyword_arguments_nest_like_positional_arguments() -> None:
    limits = Limits(max_depth=3)

    def codes(source: str) -> list[str]:
        return [d.code for d in check(source, limits=limits)]

    assert codes("answer([[1]])") == [] and codes("answer([[[1]]])") == ["too-deep"]
    assert codes("answer(round(x=-(1)))") == codes("answer(round(-(1)))") == []
    assert codes("answer(round(x=-(-1)))") == codes("answer(round(-(-1)))") == ["too-deep"]


def test_a_type_mismatch_names_every_allowed_type_and_the_list_type_given(cross) -> None:
    """The message a VLM repairs from: the allowed types listed in full, the given list's item type as inferred."""
    def mismatch(program: str) -> str:
        return next(d.message for d in check(program, cross) if d.code == "type-mismatch")

    assert mismatch("answer(bev(highlight=1))").endswith("must be Objects, List[Objects], Text or List[Text], got Number")
    assert mismatch("answer(count(1))").endswith("must be Objects, got Number")
    assert mismatch('answer(count([object("sofa"), objects("chair")]))').endswith("got List[Objects]")  # an Object is a set of one
    assert mismatch('answer(count([objects("chair"), objects("chair")]))').endswith("got List[Objects]")
    for mixed in ('answer(count([1, "a"]))', "answer(count([]))", 'answer(count([1, object("sofa")]))'):
        assert mismatch(mixed).endswith("got List[Any]"), mixed
