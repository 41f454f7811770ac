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


@pytest.mark.parametrize(("program", "message"), [("x = 1 +", "the program ends in the middle of a statement"),
                                                  ("x = 1 *\nanswer(x)", "the line ends in the middle of a statement")])
def test_a_statement_cut_short_says_whether_the_line_or_the_program_ended(program: str, message: str) -> None:
    (diag,) = check(program)
    assert (diag.code, diag.message, diag.span.column, diag.span.end_column) == ("unexpected-end", message, 7, 8)
    assert diag.expected.startswith("'(', '-', '[', ") and "a number" in diag.expected  # what may come next


def test_an_unexpected_token_lists_eight_expectations_and_hints_only_for_a_second_statement() -> None:
    (token,) = check("answer(1 2)")
    assert token.expected == "')', '*' or '/', '+' or '-', ',', ';', ']', a comparison, a new line" and token.hint is None
    (bracket,) = check("x = 1 [2]\nanswer(x)")
    assert bracket.code == "unexpected-token" and bracket.hint is None
    (second,) = check("x = 1 answer(x)")
    assert second.hint == "put each statement on its own line (or separate them with ';')"


@pytest.mark.parametrize("program", ['answer(object("sofa))', 'x = [1, "a\n]', "answer(1 $ 2)", "answer((1)", 'answer([1, 2)'])
def test_parse_errors_underline_the_one_character_at_fault(program: str) -> None:
    (diag,) = check(program)
    assert diag.span.end_column == diag.span.column + 1 and diag.span.end_line == diag.span.line


def test_traces_keep_numbers_to_four_decimals_and_lists_to_twenty_items() -> None:
    from reasmory.interpreter.trace import summarize

    assert summarize(1.234567) == {"type": "Number", "value": 1.2346} and summarize(None) == {"type": "None"}
    listed = summarize(tuple(float(i) for i in range(25)))
    assert listed["length"] == 25 and [item["value"] for item in listed["items"]] == list(range(20))


def test_a_bracket_closed_by_the_wrong_kind_names_where_the_closer_is() -> None:
    (same_line,) = check("answer([1, 2)")
    assert same_line.hint == "close it with ']' before the ')' at column 13"
    (next_line,) = check("x = [1,\n 2)\nanswer(x)")
    assert next_line.hint == "close it with ']' before the ')' at line 2, column 3"


@pytest.mark.parametrize("head", ["", "x = " + " + ".join(["1"] * 100) + "\n"])  # positions past 256 too
def test_a_comment_that_ends_the_text_inside_an_open_bracket_is_read_to_the_end(head: str) -> None:
    (unclosed,) = check(head + "answer(count(\n  # note")
    assert (unclosed.code, unclosed.span.line, unclosed.span.column) == ("unclosed-bracket", 1 + bool(head), 7)


def test_a_comment_inside_brackets_is_skipped_to_its_line_end_past_tabs_and_brackets(cross) -> None:
    program = 'answer(count(objects("chair")  # two\tor (three\n))\n'
    assert check(program, cross) == [] and run(program, cross).answer == "2"


def test_only_a_stray_equals_sign_gets_the_compare_with_double_equals_hint() -> None:
    (comma,) = check("x = 1 , 2\nanswer(x)")
    (equals,) = check("answer(1 == = 2)")
    assert comma.code == equals.code == "unexpected-token" and comma.hint is None and equals.hint.startswith("use == to compare")
