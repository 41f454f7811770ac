"""Terminal output: one rich console per stream, honouring NO_COLOR and dumb terminals.

rich is imported on first output, not when the CLI starts (`reasmory --help` prints none of it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reasmory.errors import ReasmoryError
from reasmory.terminal import escape  # noqa: F401 (the CLI's commands import it from here)

if TYPE_CHECKING:
    from rich.console import Console


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


console: Console = _LazyConsole(stderr=False)  # type: ignore[assignment]
err_console: Console = _LazyConsole(stderr=True)  # type: ignore[assignment]


def print_error(error: ReasmoryError) -> None:
    """One line: what went wrong, and how to fix it when we know."""
    text = f"[bold red]error:[/] {escape(error.message)}"
    if error.hint:
        text += f" [dim]({escape(error.hint)})[/]"
    err_console.print(text, soft_wrap=True)


def print_warnings(warnings: list[str]) -> None:
    """Each warning on its own line on standard error, marked as one (an answer itself stays alone on stdout)."""
    for warning in warnings:
        err_console.print(f"[yellow]warning:[/] {escape(warning)}", soft_wrap=True)
