"""Terminal output: one rich console per stream, honouring NO_COLOR and dumb terminals.

rich is imported on first output, not when the CLI starts (`reasmory --help` prints none of it), and not at all
for lines it would write unchanged (`print_line`): an answer and its warnings sent to a file or a pipe need none of it
(importing it is a fifth of `reasmory run`'s start-up).
"""

from __future__ import annotations

import builtins
import os
import re
import sys
from typing import TYPE_CHECKING, Any, TextIO

from reasmory.errors import ReasmoryError
from reasmory.terminal import escape, printable

if TYPE_CHECKING:
    from rich.console import Console

#: What rich might read as an emoji code (`:name:`, `:name-text:`); rich leaves text without one as it is.
_EMOJI_CODE = re.compile(r":\S*:")
#: The width rich gives a console that is not a terminal and has no `COLUMNS`.
_DEFAULT_WIDTH = 80


def _narrowest_width() -> int:
    """A width no wider than rich's for this process: 80, `COLUMNS`, and each standard stream's terminal width."""
    widths = [_DEFAULT_WIDTH]
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():
        widths.append(int(columns))
    for fd in (0, 1, 2):
        try:
            widths.append(os.get_terminal_size(fd).columns)
        except (OSError, ValueError):
            pass
    return min(widths)


def _colourless(stream: TextIO) -> bool:
    """Whether rich would write to `stream` without styles or control codes: not a terminal, no colour forced, not
    in IPython or Jupyter (whose shell rich renders to), not Windows (whose legacy console narrows the width)."""
    if (sys.platform == "win32" or hasattr(builtins, "get_ipython") or os.environ.get("TTY_COMPATIBLE") == "1"
            or os.environ.get("FORCE_COLOR")):
        return False
    try:
        return not stream.isatty()
    except (AttributeError, ValueError):
        return False


def written_as_is(text: str, stream: TextIO, soft_wrap: bool) -> bool:
    """Whether a rich console on `stream` would print the escaped `text` exactly as `text` and a newline: printable
    ASCII without tabs, emoji codes or backslashes (rich's markup escaping does not give every backslash back as it
    was), no styles, and (unless soft-wrapped) no line wider than the console."""
    if not text.isascii() or "\t" in text or "\\" in text or _EMOJI_CODE.search(text) or not _colourless(stream):
        return False
    if soft_wrap:
        return True
    width = _narrowest_width()
    return width > 0 and max(len(line) for line in text.split("\n")) <= width


class _LazyConsole:
    """Stands for a rich Console, made on first use (rich's progress bars and live displays take it as theirs)."""

    def __init__(self, stderr: bool) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    def _real(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=self._stderr, highlight=False)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real(), name)

    def __enter__(self) -> Console:
        return self._real().__enter__()

    def __exit__(self, *exc: object) -> None:
        self._real().__exit__(*exc)

    def write_line(self, text: str, label: str, style: str, soft_wrap: bool) -> None:
        """`print_line` on this console's stream."""
        shown = printable(text)
        plain = f"{label} {shown}" if label else shown
        stream = sys.stderr if self._stderr else sys.stdout
        if self._console is None and written_as_is(plain, stream, soft_wrap):
            stream.write(plain + "\n")
            stream.flush()
            return
        from rich.markup import escape as escape_markup

        markup = f"[{style}]{label}[/] {escape_markup(shown)}" if label else escape_markup(shown)
        self._real().print(markup, highlight=False, soft_wrap=soft_wrap)


_stdout = _LazyConsole(stderr=False)
_stderr = _LazyConsole(stderr=True)
console: Console = _stdout  # type: ignore[assignment]
err_console: Console = _stderr  # type: ignore[assignment]


def print_line(text: str, *, err: bool = False, label: str = "", style: str = "", soft_wrap: bool = False) -> None:
    """Untrusted `text` on a line of its own (on standard error with `err`), after an optional `label` in `style`:
    as rich prints `[style]label[/] text` (wrapped at the console's width unless `soft_wrap`), without rich where it
    would write the line unchanged."""
    (_stderr if err else _stdout).write_line(text, label, style, soft_wrap)


def print_error(error: ReasmoryError) -> None:
    """One line: what went wrong, and how to fix it when we know."""
    text = f"[bold red]error:[/] {escape(error.message)}"
    if error.hint:
        text += f" [dim]({escape(error.hint)})[/]"
    err_console.print(text, soft_wrap=True)


def print_warnings(warnings: list[str]) -> None:
    """Each warning on its own line on standard error, marked as one (an answer itself stays alone on stdout)."""
    for warning in warnings:
        print_line(warning, err=True, label="warning:", style="yellow", soft_wrap=True)
