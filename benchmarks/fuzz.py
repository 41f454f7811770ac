"""Fuzzing parse → check → run with random and mutated programs on random memories.

    python -m reasmory.benchmarks.fuzz --programs 100000 --workers 2 [--json OUT]

A failure is any exception outside the language's own errors, a run past the
time budget by more than a second (a worker that hangs is killed by a watchdog
and reported), a sampled program whose traced allocations pass a bound, or a
worker whose peak resident memory grows past a bound after a warm-up (a leak).
Each example draws a memory (kept in a per-worker pool: building memories is
slower than running programs), one well-typed program from the operation
registry, mutated copies of it (junk inserted, a character deleted, tokens
swapped, a line repeated) and one piece of arbitrary text.
"""

from __future__ import annotations

import argparse
import faulthandler
import math
import random
import resource
import time
import tracemalloc
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from reasmory.benchmarks.program_gen import OPTIONS, memories, programs
from reasmory.benchmarks.report import emit, settings_of
from reasmory.interpreter import LanguageError, Limits, check, run

JUNK = ['"', "(", ")", ",", "=", "x", "1", "[", " and ", "\n", "#", "distance(", "'", ";", "-", "answer(", "9" * 30]
LIMITS = Limits(time_budget_s=2.0)
MEMORY_BOUND_MB = 100.0  # per traced program: what one check + run may allocate
GROWTH_BOUND_MB = 150.0  # per worker: how far its peak resident memory may rise after the warm-up
MUTANTS = 3
POOL = 24
TRACE_EVERY = 8
WARM_UP = 200  # programs run before a worker's resident memory is taken as its baseline
RUN_EXAMPLES = 400  # examples per hypothesis run: its engine keeps every run's choices until the run ends
WATCHDOG_S = LIMITS.time_budget_s + 30.0


class FuzzFailure(AssertionError):
    """Something the language must never do happened."""


def exercise(source: str, memory, outcomes: Counter) -> None:
    """Check and run one program; count its outcome, raise FuzzFailure on anything but the language's own errors."""
    start = time.perf_counter()
    try:
        if check(source, memory, OPTIONS, LIMITS):
            outcomes["refused by the parser or checker"] += 1
            return
        run(source, memory, OPTIONS, limits=LIMITS)
        outcomes["ran to an answer"] += 1
    except LanguageError as exc:
        code = exc.diagnostics[0].code
        if code == "internal-error":
            raise FuzzFailure(f"internal error on {source!r}: {exc.message}") from None
        outcomes[f"stopped: {exc.diagnostics[0].stage} error"] += 1
    except Exception as exc:  # noqa: BLE001 — the point of fuzzing: nothing else may escape
        raise FuzzFailure(f"{type(exc).__name__} escaped on {source!r}: {exc}") from exc
    if time.perf_counter() - start > LIMITS.time_budget_s + 1.0:
        raise FuzzFailure(f"ran {time.perf_counter() - start:.1f} s, past the time budget, on {source!r}")


def mutate(source: str, rnd: random.Random) -> str:
    """One small random edit of a program: what a model's near-miss looks like."""
    pos = rnd.randrange(max(1, len(source)))
    tokens = source.split(" ")
    edit = rnd.randrange(4)
    if edit == 0:
        return source[:pos] + rnd.choice(JUNK) + source[pos:]
    if edit == 1:
        return source[:pos] + source[pos + 1 :]
    if edit == 2 and len(tokens) > 1:
        i = rnd.randrange(len(tokens) - 1)
        tokens[i], tokens[i + 1] = tokens[i + 1], tokens[i]
        return " ".join(tokens)
    lines = source.splitlines(keepends=True)
    i = rnd.randrange(len(lines))
    return "".join(lines[: i + 1] + lines[i:])


class _Round:
    """One worker's state: outcome counts, the memory pool and the memory measurements."""

    def __init__(self) -> None:
        self.outcomes: Counter = Counter()
        self.worst_traced_mb = 0.0
        self.tried = 0
        self.rss_warm: float | None = None

    def one(self, source: str, kind: str, memory) -> None:
        self.outcomes[kind] += 1
        self.tried += 1
        if self.tried == WARM_UP:  # lazy imports and caches are in place: growth from here on is the program's
            self.rss_warm = _peak_rss_mb()
        traced = self.tried % TRACE_EVERY == 0
        if traced:
            tracemalloc.start()
        try:
            exercise(source, memory, self.outcomes)
            if traced:
                grown = tracemalloc.get_traced_memory()[1] / 1e6
                self.worst_traced_mb = max(self.worst_traced_mb, grown)
                if grown > MEMORY_BOUND_MB:
                    raise FuzzFailure(f"one program took {grown:.0f} MB of traced memory (bound {MEMORY_BOUND_MB:.0f} MB): {source!r}")
        finally:
            if traced:
                tracemalloc.stop()


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_pool(seed_value: int) -> list:
    """POOL random memories drawn once (deterministic for a seed): programs are drawn against them."""
    pool: list = []

    @seed(seed_value)
    @settings(max_examples=POOL, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(memory=memories())
    def collect(memory) -> None:
        pool.append(memory)

    collect()
    return pool


def fuzz_round(count: int, seed_value: int, watchdog: bool = False) -> dict:
    """Run at least `count` programs in this process (raises FuzzFailure); returns counts, time and memory figures."""
    state = _Round()
    pool = memory_pool(seed_value)
    examples = min(RUN_EXAMPLES, math.ceil(count / (MUTANTS + 2)))

    @seed(seed_value)
    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def example(data) -> None:
        memory = data.draw(st.sampled_from(pool))
        source = data.draw(programs(memory))
        rnd = data.draw(st.randoms(use_true_random=False))
        batch = [(source, "well-typed")] + [(mutate(source, rnd), "mutated") for _ in range(MUTANTS)]
        batch.append((data.draw(st.text(max_size=120)), "text"))
        for text, kind in batch:
            if watchdog:
                faulthandler.dump_traceback_later(WATCHDOG_S, exit=True)
            state.one(text, kind, memory)
            if watchdog:
                faulthandler.cancel_dump_traceback_later()

    start = time.perf_counter()
    while state.tried < count:
        example()
        example = seed(seed_value + state.tried)(example)
    grown = 0.0 if state.rss_warm is None else _peak_rss_mb() - state.rss_warm
    if grown > GROWTH_BOUND_MB:
        raise FuzzFailure(f"peak resident memory rose {grown:.0f} MB over {state.tried} programs (bound {GROWTH_BOUND_MB:.0f} MB)")
    return {"programs": state.tried, "seconds": time.perf_counter() - start, "peak_traced_mb": state.worst_traced_mb,
            "rss_growth_mb": grown, "failures": 0, "outcomes": dict(state.outcomes)}


def fuzz(count: int, seed: int = 0, workers: int = 1) -> dict:
    """Run `count` programs over `workers` processes (1: in this process); merged outcomes, raises FuzzFailure."""
    if workers <= 1:
        return fuzz_round(count, seed)
    start = time.perf_counter()
    shares = [count // workers + (i < count % workers) for i in range(workers)]
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(fuzz_round, n, seed * 1000 + i, True) for i, n in enumerate(shares)]
        parts = [f.result() for f in futures]
    outcomes: Counter = Counter()
    for part in parts:
        outcomes.update(part["outcomes"])
    return {"programs": sum(p["programs"] for p in parts), "seconds": time.perf_counter() - start, "workers": workers,
            "peak_traced_mb": max(p["peak_traced_mb"] for p in parts), "rss_growth_mb": max(p["rss_growth_mb"] for p in parts),
            "failures": 0, "outcomes": dict(outcomes)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--programs", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1, help="processes (each with its own seed and memory pool)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=Path("bench-results/fuzz.json"))
    args = parser.parse_args(argv)
    result = fuzz(args.programs, args.seed, args.workers)
    rows = [[k, v] for k, v in sorted(result["outcomes"].items())]
    rows += [["programs tried", result["programs"]], ["failures", 0], ["seconds", result["seconds"]],
             ["programs per second", result["programs"] / result["seconds"]],
             [f"most traced MB one program took (1 in {TRACE_EVERY} traced)", result["peak_traced_mb"]],
             ["peak resident MB growth of a worker", result["rss_growth_mb"]]]
    emit("fuzzing parse → check → run", ["outcome", "count"], rows, {"settings": settings_of(args), "result": result}, args.json)


if __name__ == "__main__":
    main()
