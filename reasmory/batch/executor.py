"""The executor abstraction and the local executor: where a job's builds and answers run.

A `Job` builds one group's memory and answers one item against it; both must
be picklable (the ray executor ships them to other processes). Failures cross
process boundaries as `Failure` data: a `ReasmoryError` becomes the item's
result when the job says so (`Job.failed`), anything else stops the run.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, Self

from reasmory.batch.items import Item
from reasmory.errors import InputError, ReasmoryError

if TYPE_CHECKING:
    from reasmory.memory import SpatialMemory

EXECUTORS = ("local", "ray")


class BatchError(ReasmoryError):
    """A worker failed with an unexpected error (a bug, not bad input): the run stops."""


@dataclass(frozen=True)
class Failure:
    """An error raised while building or answering, as plain data (exceptions do not all pickle)."""

    message: str
    hint: str | None = None
    exit_code: int = 2
    internal: bool = False

    @classmethod
    def of(cls, exc: BaseException) -> Failure:
        if isinstance(exc, ReasmoryError):
            return cls(exc.message, exc.hint, exc.exit_code)
        where = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
        at = f" at {where[0].filename}:{where[0].lineno}" if where else ""
        return cls(f"a worker failed: {type(exc).__name__}: {exc}{at}", "rerun with --executor local --debug for the traceback",
                   internal=True)

    def one_line(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message

    def error(self) -> ReasmoryError:
        err = BatchError(self.message, self.hint) if self.internal else ReasmoryError(self.message, self.hint)
        err.exit_code = self.exit_code
        return err


class Job(Protocol):
    """What a batch does per group and per item."""

    #: GPUs one build needs: 0 builds in CPU tasks, more builds in a pool of GPU actors (ray executor).
    gpus_per_build: float

    def build(self, group: str) -> SpatialMemory: ...

    def answer(self, item: Item, memory: SpatialMemory) -> dict[str, Any]: ...

    def failed(self, item: Item, failure: Failure) -> dict[str, Any] | None:
        """The result to record for an item whose build or answer raised a ReasmoryError, or None to stop the run."""
        ...


Pairs = list[tuple[str, dict[str, Any]]]


class Sink(Protocol):
    """Where an executor reports progress: a memory built, results finished."""

    def built(self, group: str) -> None: ...

    def add(self, pairs: Pairs) -> None: ...


def build_group(job: Job, group: str, reraise: bool = False) -> tuple[Failure | None, SpatialMemory | None]:
    """(None, memory), or (failure, None); unexpected errors propagate when `reraise` (the local executor)."""
    try:
        return None, job.build(group)
    except ReasmoryError as exc:
        return Failure.of(exc), None
    except Exception as exc:
        if reraise:
            raise
        return Failure.of(exc), None


def answer_chunk(job: Job, items: Sequence[Item], memory: SpatialMemory, reraise: bool = False) -> Pairs | Failure:
    """(key, result) for each item, or the Failure that stops the run."""
    out: Pairs = []
    for item in items:
        try:
            out.append((item.key, job.answer(item, memory)))
        except ReasmoryError as exc:
            failure = Failure.of(exc)
            result = job.failed(item, failure)
            if result is None:
                return failure
            out.append((item.key, result))
        except Exception as exc:
            if reraise:
                raise
            return Failure.of(exc)
    return out


def settle(job: Job, items: Sequence[Item], failure: Failure) -> Pairs:
    """The recorded results of items whose memory could not be built; raises when the job stops on it."""
    pairs: Pairs = []
    for item in items:
        result = None if failure.internal else job.failed(item, failure)
        if result is None:
            raise failure.error()
        pairs.append((item.key, result))
    return pairs


class Executor(Protocol):
    name: str

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...

    def map(self, fn: Callable[..., Any], calls: Sequence[tuple], done: Callable[[], None] | None = None) -> list[Any]:
        """fn(*args) for each args in `calls`, results in order."""
        ...

    def run(self, job: Job, groups: Sequence[tuple[str, list[Item]]], sink: Sink) -> None:
        """Build each group's memory once and answer its items, reporting to `sink` as work finishes."""
        ...


class LocalExecutor:
    """Everything in this process, group after group, one item at a time (each result stored as it comes)."""

    name = "local"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def map(self, fn: Callable[..., Any], calls: Sequence[tuple], done: Callable[[], None] | None = None) -> list[Any]:
        out = []
        for args in calls:
            out.append(fn(*args))
            if done is not None:
                done()
        return out

    def run(self, job: Job, groups: Sequence[tuple[str, list[Item]]], sink: Sink) -> None:
        for group, items in groups:
            failure, memory = build_group(job, group, reraise=True)
            sink.built(group)
            if failure is not None or memory is None:
                sink.add(settle(job, items, failure or Failure("no memory")))
                continue
            for item in items:
                pairs = answer_chunk(job, [item], memory, reraise=True)
                if isinstance(pairs, Failure):
                    raise pairs.error()
                sink.add(pairs)


def make_executor(name: str, *, address: str | None = None, cpus: int | None = None, chunk_size: int = 16) -> Executor:
    """`local` (needs nothing) or `ray` (needs `pip install 'reasmory[ray]'`; connects or starts Ray on entry)."""
    if name == "local":
        return LocalExecutor()
    if name == "ray":
        from reasmory.batch.ray_executor import RayExecutor

        return RayExecutor(address=address, cpus=cpus, chunk_size=chunk_size)
    raise InputError(f"unknown executor '{name}'", hint="choose local or ray")
