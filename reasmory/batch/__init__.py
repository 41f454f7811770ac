"""Batches of questions: each source's memory built once, every question answered, results resumable.

One abstraction, two executors. A `Job` knows how to build a group's memory and
answer one item against it; an executor decides where that runs: `local` (a
loop in this process, the default) or `ray` (GPU actors or CPU tasks for the
builds, CPU tasks for the answers, on one machine or a cluster). Results go to
a JSON Lines `ResultStore` keyed by each item's idempotent key, so a re-run
after an interruption does only the missing items.

    from reasmory.batch import make_executor, run_items
    with make_executor("ray", cpus=2) as executor:
        run = run_items(job, items, executor, ResultStore(Path("out.jsonl")))
"""

from reasmory.batch.executor import (
           BatchError,
           Executor,
           Failure,
           Job,
           LocalExecutor,
           make_executor,
)
from reasmory.batch.items import Item, group_items, item_key
from reasmory.batch.runner import BatchRun, run_items
from reasmory.batch.store import ResultStore

__all__ = ["BatchError", "BatchRun", "Executor", "Failure", "Item", "Job", "LocalExecutor", "ResultStore",
           "group_items", "item_key", "make_executor", "run_items"]
