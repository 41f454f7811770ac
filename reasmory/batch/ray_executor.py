"""The ray executor: builds as GPU actors or CPU tasks, answers as CPU tasks, results streamed back as they finish.

Ray core rather than Ray Data: the work is a fan-out per source (one build,
then many small answering tasks that all read that memory), and a memory is a
Python object that travels best as an object reference, not as rows of a
dataset. Each memory stays in the object store only while its group's answers
are outstanding; at most `window` groups are in flight, so memory use stays
bounded however long the batch is. Builds use the job's memory cache, so on a
cluster put `--cache-dir` on shared storage and no node rebuilds a memory
another has built.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Self

from reasmory.batch.executor import (
    Failure,
    Job,
    Pairs,
    Sink,
    answer_chunk,
    build_group,
    settle,
)
from reasmory.batch.items import Item, chunks
from reasmory.errors import InputError

INSTALL_HINT = "pip install 'reasmory[ray]'"
CONNECT_HINT = ("start it with `ray start --head` and pass --address auto (RAY_AUTH_MODE=token and the cluster's token "
                "where it uses one, docs/scale-out.md), or leave --address out for a local instance")


def require_ray() -> Any:
    """The `ray` module, or one line saying how to install it."""
    try:
        import ray
    except ImportError:
        raise InputError("the ray executor needs Ray, which is not installed", hint=INSTALL_HINT) from None
    return ray


def _call(fn: Callable[..., Any], args: tuple) -> tuple[Failure | None, Any]:
    try:
        return None, fn(*args)
    except Exception as exc:  # noqa: BLE001 — it comes back to the driver as data, which re-raises it
        return Failure.of(exc), None


def _reachable(address: str, timeout: float = 5.0) -> None:
    """Fail in seconds on a HOST:PORT nothing listens on (Ray itself retries for minutes)."""
    import socket

    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not port.isdigit():
        return  # "auto" and friends: Ray resolves them
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as exc:
        raise InputError(f"cannot connect to the Ray cluster at '{address}': {exc.strerror or exc}", hint=CONNECT_HINT) from None


class _Builder:
    """A GPU actor: one long-lived process per GPU slot that builds memories one after another (CUDA set up once)."""

    def build(self, job: Job, group: str) -> tuple[Failure | None, Any]:
        return build_group(job, group)


@dataclass
class _Group:
    items: list[Item]
    memory: Any = None
    outstanding: int = 0
    actor: Any = None


@dataclass
class _Flight:
    """What each pending object reference stands for."""

    builds: dict[Any, tuple[str, Any]] = field(default_factory=dict)  # status ref -> (group, memory ref)
    answers: dict[Any, str] = field(default_factory=dict)  # result ref -> group


class RayExecutor:
    """Runs a job on a Ray cluster: `address` (or $RAY_ADDRESS) to join one, else a local instance with `cpus` CPUs."""

    name = "ray"

    def __init__(self, address: str | None = None, cpus: int | None = None, chunk_size: int = 16) -> None:
        self.address, self.cpus, self.chunk_size = address, cpus, max(1, chunk_size)
        self._started = False
        self.ray: Any = None

    def __enter__(self) -> Self:
        import os

        ray = self.ray = require_ray()
        if ray.is_initialized():  # e.g. a test or a notebook that called ray.init itself
            return self
        address = self.address or os.environ.get("RAY_ADDRESS") or "local"
        kwargs: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.WARNING}
        if address == "local":
            kwargs |= {"num_cpus": self.cpus, "include_dashboard": False}
        else:
            _reachable(address)
        try:
            ray.init(address=address, **kwargs)
        except (ConnectionError, ValueError, RuntimeError) as exc:
            raise InputError(f"cannot connect to the Ray cluster at '{address}': {str(exc).splitlines()[0] if str(exc) else exc}",
                             hint=CONNECT_HINT) from None
        self._started = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self._started:
            self.ray.shutdown()
            self._started = False

    def map(self, fn: Callable[..., Any], calls: Sequence[tuple], done: Callable[[], None] | None = None) -> list[Any]:
        ray = self.ray
        task = ray.remote(_call).options(num_cpus=1)
        refs = [task.remote(fn, args) for args in calls]
        pending = list(refs)
        while pending:
            _ready, pending = ray.wait(pending, num_returns=1)
            if done is not None:
                done()
        out = []
        for failure, value in ray.get(refs):
            if failure is not None:
                raise failure.error()
            out.append(value)
        return out

    def run(self, job: Job, groups: Sequence[tuple[str, list[Item]]], sink: Sink) -> None:
        ray = self.ray
        job_ref = ray.put(job)
        answer = ray.remote(answer_chunk).options(num_cpus=1)
        submit_build, actors = self._builders(job, job_ref)
        window = max(2, 2 * len(actors)) if actors else max(2, int(ray.cluster_resources().get("CPU", 1)))
        queue, state, flight = deque(groups), {}, _Flight()
        while queue or flight.builds or flight.answers:
            while queue and len(state) < window and (not actors or any(a is not None for a in actors)):
                group, items = queue.popleft()
                state[group] = _Group(items)
                status, memory = submit_build(group, state[group], actors)
                flight.builds[status] = (group, memory)
            ready, _ = ray.wait([*flight.builds, *flight.answers], num_returns=1)
            for ref in ready:
                if ref in flight.builds:
                    group, memory = flight.builds.pop(ref)
                    self._built(group, ray.get(ref), memory, state, flight, job, job_ref, answer, actors, sink)
                else:
                    group = flight.answers.pop(ref)
                    self._answered(group, ray.get(ref), state, sink)

    def _builders(self, job: Job, job_ref: Any) -> tuple[Callable[..., tuple[Any, Any]], list[Any]]:
        """How builds are submitted: into a pool of GPU actors (one per `gpus_per_build` GPUs), or as CPU tasks."""
        ray = self.ray
        gpus = float(getattr(job, "gpus_per_build", 0) or 0)
        if gpus <= 0:
            task = ray.remote(build_group).options(num_cpus=1, num_returns=2)
            return (lambda group, _state, _actors: task.remote(job_ref, group)), []
        count = int(ray.cluster_resources().get("GPU", 0) // gpus)
        if count < 1:
            raise InputError(f"builds need {gpus:g} GPU(s) each and the Ray cluster has {ray.cluster_resources().get('GPU', 0):g}",
                             hint="join GPU nodes with `ray start --address HEAD:6379 --num-gpus N`, or build on the CPU with --gpus-per-build 0")
        actor_cls = ray.remote(num_gpus=gpus, num_cpus=1)(_Builder)
        actors: list[Any] = [actor_cls.remote() for _ in range(count)]

        def submit(group: str, state: _Group, pool: list[Any]) -> tuple[Any, Any]:
            index = next(i for i, a in enumerate(pool) if a is not None)
            state.actor, pool[index] = pool[index], None
            return state.actor.build.options(num_returns=2).remote(job_ref, group)

        return submit, actors

    def _built(self, group: str, failure: Failure | None, memory: Any, state: dict[str, _Group], flight: _Flight,
               job: Job, job_ref: Any, answer: Any, actors: list[Any], sink: Sink) -> None:
        entry = state[group]
        if entry.actor is not None:  # the actor is free again
            actors[actors.index(None)] = entry.actor
            entry.actor = None
        sink.built(group)
        if failure is not None:
            del state[group]
            sink.add(settle(job, entry.items, failure))
            return
        entry.memory = memory
        for chunk in chunks(entry.items, self.chunk_size):
            flight.answers[answer.remote(job_ref, chunk, memory)] = group
            entry.outstanding += 1

    def _answered(self, group: str, pairs: Pairs | Failure, state: dict[str, _Group], sink: Sink) -> None:
        if isinstance(pairs, Failure):
            raise pairs.error()
        sink.add(pairs)
        entry = state[group]
        entry.outstanding -= 1
        if entry.outstanding == 0:  # drop the last reference: the object store frees the memory
            del state[group]
