"""`run_items`: skip what the results file already holds, run the rest on an executor, return every result in order."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from reasmory.batch.executor import Executor, Job, Pairs
from reasmory.batch.items import Item, group_items
from reasmory.batch.store import ResultStore


@dataclass(frozen=True)
class BatchRun:
    """Every item's result (in the items' order) and what this run did."""

    results: list[dict[str, Any]]
    executor: str
    items: int
    resumed: int  # results found in the results file
    done: int  # results this run produced
    built: int  # memories this run built (or loaded from the cache)
    seconds: float

    @property
    def items_per_second(self) -> float:
        return self.done / self.seconds if self.seconds > 0 else 0.0


class _Progress:
    """The sink: stores each result as it arrives and advances the bar."""

    def __init__(self, store: ResultStore, bar: Progress, groups: int, total: int) -> None:
        self.store, self.bar, self.groups = store, bar, groups
        self.memories = self.done = 0
        self.task = bar.add_task(self._label(), total=total)

    def _label(self) -> str:
        return f"items (memories {self.memories}/{self.groups})"

    def built(self, group: str) -> None:
        self.memories += 1
        self.bar.update(self.task, description=self._label())

    def add(self, pairs: Pairs) -> None:
        for key, result in pairs:
            self.store.add(key, result)
        self.done += len(pairs)
        self.bar.advance(self.task, len(pairs))


def run_items(job: Job, items: Sequence[Item], executor: Executor, store: ResultStore, *,
              redo: Callable[[dict[str, Any]], bool] | None = None, console: Console | None = None) -> BatchRun:
    """Answer every item whose key the store lacks (or whose stored result `redo` rejects), then all results in order.

    `executor` must already be entered (`with executor:`), so that connecting to a cluster is not timed.
    """
    console = console or Console(stderr=True)
    finished = {k: r for k, r in store.results.items() if redo is None or not redo(r)}
    todo = [item for item in items if item.key not in finished]
    groups = group_items(todo)
    resumed = len({item.key for item in items}) - len({item.key for item in todo})
    if resumed:
        where = f" in {store.path}" if store.path else ""
        console.print(f"resuming: {resumed} of {len(items)} items already done{where}; {len(todo)} to do "
                      f"({len(groups)} memories to build)", highlight=False, soft_wrap=True)
    start = time.perf_counter()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        sink = _Progress(store, bar, len(groups), sum(len(g) for _, g in groups))
        executor.run(job, groups, sink)
    seconds = time.perf_counter() - start
    return BatchRun([store.results[item.key] for item in items], executor.name, len(items), resumed, sink.done,
                    sink.memories, seconds)
