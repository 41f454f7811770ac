"""Terminal output: one rich console per stream, honouring NO_COLOR and dumb terminals."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from reasmory.errors import ReasmoryError

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def print_error(error: ReasmoryError) -> None:
    """One line: what went wrong, and how to fix it when we know."""
    text = f"[bold red]error:[/] {escape(error.message)}"
    if error.hint:
        text += f" [dim]({escape(error.hint)})[/]"
    err_console.print(text, soft_wrap=True)


def print_weak(lines: list[str]) -> None:
    """What an answer or memory rests on that is weak, one line each on stderr (the answer itself stays on stdout)."""
    for line in lines:
        err_console.print(f"[yellow]note:[/] {escape(line)}", soft_wrap=True)


def print_warnings(warnings: list[str]) -> None:
    """Each warning on its own line on standard error, marked as one."""
    for warning in warnings:
        err_console.print(f"[yellow]warning:[/] {escape(warning)}", soft_wrap=True)
