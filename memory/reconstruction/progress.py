"""Progress bars for long work (decoding, fusion, reconstruction), on stderr.

Bars are drawn only when stderr is a terminal and the work is long enough to
be worth watching, so tests, pipes and CI logs stay clean.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

#: Below this many steps a bar is not worth drawing.
MIN_STEPS = 8


@contextmanager
def progress_bar(description: str, total: int | None, enabled: bool = True) -> Iterator[Callable[[int], None]]:
    """Yield `advance(n)`; draws a transient bar on a terminal when `enabled` and the work is long."""
    console = Console(stderr=True)
    show = enabled and console.is_terminal and (total is None or total >= MIN_STEPS)
    if not show:
        yield lambda n=1: None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)
