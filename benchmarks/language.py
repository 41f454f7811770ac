"""Parse, check and execute latency of typical 5–15 statement programs on an oracle VSI-Bench memory.

    python -m reasmory.benchmarks.language [--meta-dir ../shared/data/vsibench/meta_info] [--json OUT]

Targets (issue 3, this machine): parse + check < 1.5 ms median for a 10-statement
program; execute < 5 ms median and < 20 ms p95 without renders. Python's
`ast.parse` of the same text is reported as the baseline peers' validators start from.
"""

from __future__ import annotations

import argparse
import ast as pyast
from pathlib import Path

from reasmory.benchmarks.report import emit, median, percentile, settings_of, timeit
from reasmory.interpreter import check, parse, run
from reasmory.interpreter.checker import check_program
from reasmory.interpreter.parser import parse_reference
from reasmory.memory import SpatialMemory
from reasmory.memory.oracle import from_vsibench

DEFAULT_META = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "vsibench" / "meta_info"
SCENE = ("scannet_meta_info_val.json", "scene0251_00")
OPTIONS = ["A. left", "B. right", "C. back"]


def programs(labels: list[str]) -> dict[str, str]:
    """Typical programs of 5, 10 and 15 statements built from the scene's labels."""
    a, b, c, d, e = (labels * 5)[:5]
    five = f'''x = object("{a}")
y = object("{b}")
me = view(at=x, facing=y)
side = direction(object("{c}"), viewer=me, granularity="lrb")
answer(choose(side, options))
'''
    ten = f'''x = object("{a}")
y = object("{b}")
z = object("{c}")
me = view(at=x, facing=y)
d1 = distance(x, z)
d2 = distance(y, objects("{d}"))
near = closest([objects("{b}"), objects("{c}"), objects("{d}")], to=x)
n = count(objects("{e}"))
side = direction(z, viewer=me, granularity="quadrant")
answer(choose(direction(object("{c}"), viewer=me, granularity="lrb"), options))
'''
    fifteen = ten.replace("answer(", "a = room_area()\nb = longest_side(x) * 100\nturned = turn(me, \"left\")\nahead = objects_around(turned, \"front\")\nr = relation(z, y, viewer=me)\nanswer(", 1)
    return {"5 statements": five, "10 statements": ten, "15 statements": fifteen}


def measure(memory: SpatialMemory, name: str, source: str, repeat: int) -> dict:
    program = parse(source)
    check_program(program, memory, len(OPTIONS))
    parse_t = timeit(lambda: parse(source), repeat)
    parse_py_t = timeit(lambda: parse_reference(source, use_cython=False), repeat)
    check_t = timeit(lambda: check_program(program, memory, len(OPTIONS)), repeat)
    both_t = timeit(lambda: check(source, memory, OPTIONS), repeat)
    memory.clear_caches()
    cold = timeit(lambda: run(program, memory, OPTIONS), 1, warmup=0)[0]
    exec_t = timeit(lambda: run(program, memory, OPTIONS), repeat)
    py_t = timeit(lambda: pyast.parse(source), repeat)
    ms = lambda v: v * 1000  # noqa: E731
    return {
        "program": name,
        "statements": len(program.statements),
        "parse_ms": ms(median(parse_t)),
        "parse_pure_python_ms": ms(median(parse_py_t)),
        "check_ms": ms(median(check_t)),
        "parse_check_ms": ms(median(both_t)),
        "parse_check_p95_ms": ms(percentile(both_t, 0.95)),
        "execute_ms": ms(median(exec_t)),
        "execute_p95_ms": ms(percentile(exec_t, 0.95)),
        "execute_cold_ms": ms(cold),
        "python_ast_parse_ms": ms(median(py_t)),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--meta-dir", type=Path, default=DEFAULT_META)
    parser.add_argument("--json", type=Path, default=Path("bench-results/language.json"))
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args(argv)
    memory = from_vsibench(args.meta_dir / SCENE[0], SCENE[1])
    results = [measure(memory, name, src, args.repeat) for name, src in programs(memory.labels()).items()]
    ten = next(r for r in results if r["statements"] == 10)
    targets = {
        "parse_check_10_under_ms": 1.5, "parse_check_10_met": ten["parse_check_ms"] < 1.5,
        "execute_median_under_ms": 5.0, "execute_p95_under_ms": 20.0,
        "execute_met": all(r["execute_ms"] < 5 and r["execute_p95_ms"] < 20 for r in results),
    }
    cols = ["program", "parse ms", "parse (no cython) ms", "check ms", "parse+check ms", "p95", "execute ms", "p95", "cold", "ast.parse ms"]
    keys = ["parse_ms", "parse_pure_python_ms", "check_ms", "parse_check_ms", "parse_check_p95_ms", "execute_ms", "execute_p95_ms",
            "execute_cold_ms", "python_ast_parse_ms"]
    rows = [[r["program"], *(r[k] for k in keys)] for r in results]
    emit(f"language latency on oracle memory {SCENE[1]} (medians)", cols, rows, {"settings": settings_of(args), "results": results, "targets": targets}, args.json)


if __name__ == "__main__":
    main()
