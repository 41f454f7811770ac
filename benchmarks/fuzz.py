"""Fuzzing parse → check → run with random and mutated programs on random memories.

    python -m reasmory.benchmarks.fuzz --programs 100000 [--json OUT]

A failure is any exception outside the language's own errors, a run past the
time budget by more than a second, or one program allocating more than a bound
of traced memory.
Programs are well-typed ones drawn from the operation registry, mutated copies
(characters inserted or deleted), and arbitrary text.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reasmory.benchmarks.program_gen import OPTIONS, memories, programs
from reasmory.benchmarks.report import emit
from reasmory.interpreter import LanguageError, Limits, check, run

JUNK = ['"', "(", ")", ",", "=", "x", "1", "[", " and ", "\n", "#", "distance(", "'", ";", "-", "answer(", "9" * 30]
LIMITS = Limits(time_budget_s=2.0)
MEMORY_BOUND_MB = 100.0  # per program: what one check + run may allocate


class FuzzFailure(AssertionError):
    """Something the language must never do happened."""


def exercise(source: str, memory, outcomes: Counter) -> None:
    """Check and run one program; count its outcome, raise FuzzFailure on anything but the language's own errors."""
    start = time.perf_counter()
    try:
        if check(source, memory, OPTIONS, LIMITS):
            outcomes["rejected by the checker"] += 1
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


def fuzz(count: int, seed: int | None = None) -> dict:
    """Run `count` programs; returns outcome counts, time and peak traced memory (raises FuzzFailure)."""
    outcomes: Counter = Counter()
    worst = [0.0]
    tracemalloc.start()

    @settings(max_examples=count, deadline=None, database=None, derandomize=seed is not None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def one(data) -> None:
        memory = data.draw(memories())
        kind = data.draw(st.sampled_from(["well-typed", "mutated", "text"]))
        if kind == "text":
            source = data.draw(st.text(max_size=120))
        else:
            source = data.draw(programs(memory))
            if kind == "mutated":
                pos = data.draw(st.integers(0, max(0, len(source) - 1)))
                source = data.draw(st.sampled_from([source[:pos] + data.draw(st.sampled_from(JUNK)) + source[pos:],
                                                    source[:pos] + source[pos + 1 :]]))
        outcomes[kind] += 1
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        exercise(source, memory, outcomes)
        grown = (tracemalloc.get_traced_memory()[1] - before) / 1e6
        worst[0] = max(worst[0], grown)
        if grown > MEMORY_BOUND_MB:
            raise FuzzFailure(f"one program took {grown:.0f} MB of traced memory (bound {MEMORY_BOUND_MB:.0f} MB): {source!r}")

    start = time.perf_counter()
    try:
        one()
    finally:
        tracemalloc.stop()
    return {"programs": sum(outcomes[k] for k in ("well-typed", "mutated", "text")), "seconds": time.perf_counter() - start,
            "peak_traced_mb": worst[0], "failures": 0, "outcomes": dict(outcomes)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--programs", type=int, default=10_000)
    parser.add_argument("--json", type=Path, default=Path("bench-results/fuzz.json"))
    args = parser.parse_args(argv)
    result = fuzz(args.programs)
    rows = [[k, v] for k, v in sorted(result["outcomes"].items())]
    rows += [["programs tried", result["programs"]], ["failures", 0], ["seconds", result["seconds"]],
             ["most traced MB one program took", result["peak_traced_mb"]]]
    emit("fuzzing parse → check → run", ["outcome", "count"], rows, {"result": result}, args.json)


if __name__ == "__main__":
    main()
