"""How language errors read: one line with what was expected and the hint, "(and N more)", and carets under the
offending text (also for spans over several lines, far down a file, and after a tab)."""

import pytest

from reasmory.interpreter import CheckError, check, highlight, run


def test_one_line_gives_the_place_message_expected_and_hint_when_there_are_any(cross) -> None:
    (label,) = check('answer(object("televison"))', cross)
    assert label.one_line() == "line 1, column 15: no object 'televison' in memory (expected a label the memory holds); did you mean 'tv'?"
    (name,) = check("answer(qqqq)", cross)
    assert name.hint is None and name.one_line() == "line 1, column 8: 'qqqq' is not defined"


@pytest.mark.parametrize(("program", "suffix"), [("answer(qqqq)", "defined"), ("answer(qqqq + rrrr)", "defined (and 1 more)"),
                                                  ("answer(a + b + c)", "defined (and 2 more)")])
def test_an_error_with_several_diagnostics_says_how_many_more(cross, program: str, suffix: str) -> None:
    with pytest.raises(CheckError) as info:
        run(program, cross)
    assert str(info.value).endswith(suffix)


def test_a_span_over_several_lines_is_underlined_to_the_end_of_its_first_line(cross) -> None:
    source = 'x = [1,\n "a"]\nanswer(x)'
    (diag,) = check(source, cross)
    assert highlight(source, diag).splitlines()[1:3] == ["   1 | x = [1,", "     |     ^^^"]


def test_carets_stay_under_the_text_far_down_a_long_file(cross) -> None:
    source = "# a comment\n" * 299 + "answer(qqqq)"
    (diag,) = check(source, cross)
    assert highlight(source, diag).splitlines()[1:3] == [" 300 | answer(qqqq)", "     |        ^^^^"]


def test_a_tab_counts_as_one_column_under_the_caret(cross) -> None:
    source = "answer(\tqqqq)"
    (diag,) = check(source, cross)
    assert diag.span.column == 9 and highlight(source, diag).splitlines()[1:3] == ["   1 | answer( qqqq)", "     |         ^^^^"]
