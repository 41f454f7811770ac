"""Fuzzing parse → check → run with random, mutated and resource-growing programs, and crafted input files.

    python -m reasmory.benchmarks.fuzz --programs 100000 --files 10000 --workers 2 [--json OUT]

A failure is any exception outside the language's own errors, a run past the
time budget by more than a second (a worker that hangs is killed by a watchdog
and reported), a sampled program whose traced allocations pass a bound, a
MemoryError (each worker runs under a memory cap), or a worker whose peak
resident memory grows past a bound after a warm-up (a leak). Each example
draws a memory (kept in a per-worker pool: building memories is slower than
running programs), one well-typed program from the operation registry,
mutated copies of it (junk inserted, a character deleted, tokens swapped, a
line repeated) and one piece of arbitrary text; every fifth example adds a
resource-growing program: views of views whose names double, lists of lists,
or large groups on a memory of 1,500 objects or one of point clouds, run in
an isolated worker (its deadline and memory cap are the ones that must hold).
Crafted files (benchmarks/fuzz_inputs.py) go through the CLI and the VLM client.
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

from reasmory.benchmarks.fuzz_inputs import input_round
from reasmory.benchmarks.program_gen import OPTIONS, memories, programs
from reasmory.benchmarks.report import emit, settings_of
from reasmory.interpreter import LanguageError, Limits, Sandbox, check, run
from reasmory.interpreter.runserver import cap_memory
from reasmory.interpreter.sandbox import GRACE_S, START_TIMEOUT_S

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
GROWING_EVERY = 5  # examples per resource-growing program
CAP_MB = 1024  # how far a fuzzing worker's data segment may grow past what it holds after its warm-up


class FuzzFailure(AssertionError):
    """Something the language must never do happened."""


def exercise(source: str, memory, outcomes: Counter) -> None:
    """Check and run one program; count its outcome, raise FuzzFailure on anything but the language's own errors.

    Its time is the processor time it took: on a shared machine a niced process can wait seconds for a core between
    two steps, which is the machine's time, not the program's (isolated runs, killed by the clock, are timed by it).
    """
    start = time.process_time()
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
    if time.process_time() - start > LIMITS.time_budget_s + 1.0:
        raise FuzzFailure(f"ran {time.process_time() - start:.1f} s of processor time, past the time budget, on {source!r}")


def exercise_isolated(source: str, memory, sandbox: Sandbox, outcomes: Counter) -> None:
    """As `exercise`, the run in a killable, capped worker: it must end by the budget plus the grace period."""
    start = time.perf_counter()
    try:
        if check(source, memory, OPTIONS, LIMITS):
            outcomes["growing: refused by the checker"] += 1
            return
        sandbox.run(source, memory, OPTIONS, limits=LIMITS)
        outcomes["growing: ran to an answer"] += 1
    except LanguageError as exc:
        code = exc.diagnostics[0].code
        if code in ("internal-error", "worker-died"):
            raise FuzzFailure(f"{code} on {source!r}: {exc.message}") from None
        outcomes[f"growing: stopped ({code})"] += 1
    except Exception as exc:  # noqa: BLE001
        raise FuzzFailure(f"{type(exc).__name__} escaped on {source!r}: {exc}") from exc
    ran = time.perf_counter() - max(start, sandbox.started_at)  # a new worker's start and first imports are not the run's
    if ran > LIMITS.time_budget_s + GRACE_S + 1.0:
        raise FuzzFailure(f"an isolated run took {ran:.1f} s, past its deadline, on {source!r}")


def growing_program(rnd: random.Random, labels: list[str], giant: bool) -> str:
    """A program built to grow: names that double, lists of lists, or (on a giant memory) large groups and big pictures."""
    a, b, c = (rnd.choice(labels) for _ in range(3))
    if not giant:
        if rnd.random() < 0.6:
            lines = rnd.randint(1, 24)
            body = [f'v0 = view(at=object("{a}"), facing=object("{b}"))']
            body += [f'v{i} = view(at=v{i - 1}, facing=step(v{i - 1}, "forward", 1))' for i in range(1, lines + 1)]
            return "\n".join(body) + f"\nanswer(v{lines})\n"
        width, depth = rnd.randint(2, 64), rnd.randint(1, 6)
        body = ["l0 = [" + ", ".join(["options"] * width) + "]"]
        body += [f"l{i} = [" + ", ".join([f"l{i - 1}"] * width) + "]" for i in range(1, depth)]
        return "\n".join(body) + f"\nanswer(l{depth - 1})\n"
    side = rnd.choice([16, 256, 1024, 2048])
    return rnd.choice([
        f'answer(distance(objects("{a}"), objects("{b}")))',
        f'answer(distance(object("{a}"), objects("{b}")))',
        f'answer(closest(objects("{a}"), to=object("{b}")))',
        f'answer(farthest([objects("{a}"), objects("{b}")], to=objects("{c}")))',
        f'answer(count(objects_around(view(at=object("{a}"), facing=object("{b}")), "left")))',
        "answer(labels())", "answer(room_area())", 'answer(bev(mode="semantic"))',
        f'answer(render(view(at=object("{a}"), facing=object("{b}")), width={side}, height={side}))',
    ]) + "\n"


def giant_memories() -> list:
    """Two memories too large for careless programs: 1,500 solid boxes, and 400 point-cloud objects in 300,000 points."""
    import numpy as np

    from reasmory.benchmarks.cost import synthetic
    from reasmory.benchmarks.crafted import box_memory

    crowd = box_memory(1500, seed=1, label="a")
    clouds = synthetic(400, solid=False, scene_points=300_000, rng=np.random.default_rng(2), floor_known=False)
    return [crowd, clouds]


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

    def __init__(self, capped: bool = False) -> None:
        self.capped = capped  # a worker process of its own: its data segment is capped after the warm-up
        self.outcomes: Counter = Counter()
        self.worst_traced_mb = 0.0
        self.tried = 0
        self.rss_warm: float | None = None
        self.giants: list[tuple[object, Sandbox]] = []

    def start_giants(self) -> None:
        """The giant memories and their workers, made before the warm-up ends (they are not growth)."""
        self.giants = [(giant, Sandbox()) for giant in giant_memories()]
        for giant, sandbox in self.giants:  # preparation, not a fuzzed run: a loaded machine may take its time
            sandbox.run("answer(1)", giant, limits=Limits(time_budget_s=120.0))

    def grow(self, rnd: random.Random, memory) -> None:
        """One resource-growing program: on a small memory in this process, or on a giant one in an isolated worker."""
        self.outcomes["growing"] += 1
        self.tried += 1
        if rnd.random() < 0.5:
            exercise(growing_program(rnd, memory.labels(), giant=False), memory, self.outcomes)
            return
        giant, sandbox = rnd.choice(self.giants)
        exercise_isolated(growing_program(rnd, giant.labels(), giant=True), giant, sandbox, self.outcomes)

    def one(self, source: str, kind: str, memory) -> None:
        self.outcomes[kind] += 1
        self.tried += 1
        if self.tried >= WARM_UP and self.rss_warm is None:  # lazy imports and caches are in place: growth from here on is the program's
            self.rss_warm = _peak_rss_mb()
            if self.capped:
                cap_memory(CAP_MB)
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


def fuzz_round(count: int, seed_value: int, watchdog: bool = False, files: int = 0) -> dict:
    """Run at least `count` programs, then `files` crafted inputs, in this process (raises FuzzFailure or InputFailure)."""
    state = _Round(capped=watchdog)
    pool = memory_pool(seed_value)
    state.start_giants()
    examples = max(1, min(RUN_EXAMPLES, math.ceil(count / (MUTANTS + 2))))  # hypothesis wants one, even for --programs 0

    @seed(seed_value)
    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def example(data) -> None:
        memory = data.draw(st.sampled_from(pool))
        source = data.draw(programs(memory))
        rnd = data.draw(st.randoms(use_true_random=False))
        growing = random.Random(data.draw(st.integers(0, 2**32)))  # drawn every example: hypothesis replays must draw alike
        batch = [(source, "well-typed")] + [(mutate(source, rnd), "mutated") for _ in range(MUTANTS)]
        batch.append((data.draw(st.text(max_size=120)), "text"))
        for text, kind in batch:
            if watchdog:
                faulthandler.dump_traceback_later(WATCHDOG_S, exit=True)
            state.one(text, kind, memory)
            if watchdog:
                faulthandler.cancel_dump_traceback_later()
        if state.tried // (MUTANTS + 2) % GROWING_EVERY == 0:
            if watchdog:  # a fresh worker may first take in a giant memory and import torch: not the run's time
                faulthandler.dump_traceback_later(WATCHDOG_S + START_TIMEOUT_S, exit=True)
            state.grow(growing, memory)
            if watchdog:
                faulthandler.cancel_dump_traceback_later()

    start = time.perf_counter()
    while state.tried < count:
        example()
        example = seed(seed_value + state.tried)(example)
    grown = 0.0 if state.rss_warm is None else _peak_rss_mb() - state.rss_warm
    if grown > GROWTH_BOUND_MB:
        raise FuzzFailure(f"peak resident memory rose {grown:.0f} MB over {state.tried} programs (bound {GROWTH_BOUND_MB:.0f} MB)")
    for _, sandbox in state.giants:
        sandbox.close()
    result = {"programs": state.tried, "seconds": time.perf_counter() - start, "peak_traced_mb": state.worst_traced_mb,
              "rss_growth_mb": grown, "failures": 0, "outcomes": dict(state.outcomes), "files": {"inputs": 0, "seconds": 0.0, "outcomes": {}}}
    if files:
        result["files"] = input_round(files, seed_value, watchdog_s=WATCHDOG_S if watchdog else None)
    return result


def fuzz(count: int, seed: int = 0, workers: int = 1, files: int = 0) -> dict:
    """Run `count` programs and `files` crafted inputs over `workers` processes (1: in this process); merged outcomes."""
    if workers <= 1:
        return fuzz_round(count, seed, files=files)
    start = time.perf_counter()
    share = lambda total, i: total // workers + (i < total % workers)  # noqa: E731
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(fuzz_round, share(count, i), seed * 1000 + i, True, share(files, i)) for i in range(workers)]
        parts = [f.result() for f in futures]
    outcomes: Counter = Counter()
    inputs: Counter = Counter()
    for part in parts:
        outcomes.update(part["outcomes"])
        inputs.update(part["files"]["outcomes"])
    return {"programs": sum(p["programs"] for p in parts), "seconds": time.perf_counter() - start, "workers": workers,
            "peak_traced_mb": max(p["peak_traced_mb"] for p in parts), "rss_growth_mb": max(p["rss_growth_mb"] for p in parts),
            "failures": 0, "outcomes": dict(outcomes),
            "files": {"inputs": sum(p["files"]["inputs"] for p in parts), "seconds": sum(p["files"]["seconds"] for p in parts),
                      "outcomes": dict(inputs)}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--programs", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=1_000, help="crafted memories, scene descriptions, traces and VLM replies")
    parser.add_argument("--workers", type=int, default=1, help="processes (each with its own seed and memory pool)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=Path("bench-results/fuzz.json"))
    args = parser.parse_args(argv)
    result = fuzz(args.programs, args.seed, args.workers, args.files)
    rows = [[k, v] for k, v in sorted(result["outcomes"].items())]
    rows += [[f"file: {k}", v] for k, v in sorted(result["files"]["outcomes"].items())]
    rows += [["programs tried", result["programs"]], ["crafted files tried", result["files"]["inputs"]], ["failures", 0],
             ["seconds", result["seconds"]], ["programs per second", result["programs"] / result["seconds"]],
             [f"most traced MB one program took (1 in {TRACE_EVERY} traced)", result["peak_traced_mb"]],
             ["peak resident MB growth of a worker", result["rss_growth_mb"]]]
    emit("fuzzing parse → check → run", ["outcome", "count"], rows, {"settings": settings_of(args), "result": result}, args.json)


if __name__ == "__main__":
    main()
