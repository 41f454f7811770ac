"""Lines the CLI writes without rich are exactly what rich would have written."""

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from reasmory.cli import output
from reasmory.cli.output import written_as_is
from reasmory.terminal import escape

#: Pieces that trip rich's markup, emoji codes, escaping and wrapping, among plain ones.
_PIECES = [*"ab :[]\\/\n-_#@()xyz", "[bold]", "[/]", "[red]x[/red]", ":smile:", ":x", "warning:", "  ", "\t", "é", "中", "\x1b[2J"]


def _rich(text: str, label: str, soft_wrap: bool) -> str:
    """What the CLI printed through rich before `line` existed."""
    stream = io.StringIO()
    markup = f"[yellow]{label}[/] {escape(text)}" if label else escape(text)
    Console(file=stream, highlight=False).print(markup, highlight=False, soft_wrap=soft_wrap)
    return stream.getvalue()


@settings(max_examples=400, deadline=None)
@given(pieces=st.lists(st.sampled_from(_PIECES), max_size=40), repeat=st.integers(1, 4), label=st.sampled_from(["", "warning:"]),
       soft_wrap=st.booleans(), columns=st.sampled_from([None, "30", "80", "200"]))
def test_a_line_reads_as_rich_prints_it(pieces: list[str], repeat: int, label: str, soft_wrap: bool, columns: str | None) -> None:
    text = "".join(pieces) * repeat
    with pytest.MonkeyPatch.context() as patch:
        if columns is None:
            patch.delenv("COLUMNS", raising=False)
        else:
            patch.setenv("COLUMNS", columns)
        for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
            patch.delenv(name, raising=False)
        stream = io.StringIO()
        patch.setattr("sys.stdout", stream)
        patch.setattr(output, "_stdout", output._LazyConsole(stderr=False))  # rich not started yet
        output.print_line(text, label=label, style="yellow", soft_wrap=soft_wrap)
        assert stream.getvalue() == _rich(text, label, soft_wrap)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_rich_writes_to_a_terminal_where_colour_is_forced_or_in_a_notebook(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    assert written_as_is("1.41", io.StringIO(), soft_wrap=False)
    assert not written_as_is("1.41", _Terminal(), soft_wrap=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert not written_as_is("1.41", io.StringIO(), soft_wrap=False)
    monkeypatch.delenv("FORCE_COLOR")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    assert not written_as_is("1.41", io.StringIO(), soft_wrap=False)
    monkeypatch.delenv("TTY_COMPATIBLE")
    monkeypatch.setattr("builtins.get_ipython", lambda: None, raising=False)  # a notebook's shell
    assert not written_as_is("1.41", io.StringIO(), soft_wrap=False)


def test_a_line_wider_than_the_console_is_left_to_rich_unless_soft_wrapped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "20")
    assert not written_as_is("x" * 21, io.StringIO(), soft_wrap=False)
    assert written_as_is("x" * 20, io.StringIO(), soft_wrap=False)
    assert written_as_is("x" * 21, io.StringIO(), soft_wrap=True)
