"""The timed programs of the scale benchmark, runnable against this Reasmory or another checkout of it.

    python benchmarks/scale_programs.py --checkout DIR --sizes 1000 10000 --repeat 3 --out OUT.json

Run as a script with `--checkout`, it imports `reasmory` from that source
tree (its folders mapped as the installed package maps them), so the
benchmark can time another version of the code, e.g. main, in the same run
on the same memories. Only APIs every version has are used: `run`, `check`
and the memory model; the scenes come from `scale_scenes.py` beside this file.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

#: The row of the ten-statement program's first run on a fresh memory (its later runs are "run 10 statements").
COLD = "run 10 statements (cold)"
#: name → program. Every operation that touches many objects, on labels every scale scene has.
PROGRAMS: dict[str, str] = {
    "objects(label)": 'answer(count(objects("chair")))',
    "distance set-set": 'answer(distance(objects("chair"), objects("table")))',
    "distance set-set centre": 'answer(distance(objects("chair"), objects("table"), mode="center"))',
    "distance point-set": 'answer(distance(center(object("sofa")), objects("lamp")))',
    "closest set to set": 'answer(closest(objects("chair"), to=objects("table")))',
    "farthest set to set": 'answer(farthest(objects("chair"), to=objects("table")))',
    "closest list to object": 'answer(closest([objects("table"), objects("door"), objects("tv")], to=object("chair")))',
    "farthest set to point": 'answer(farthest(objects("lamp"), to=center(object("sofa"))))',
    "objects_around": 'answer(count(objects_around(view(at=object("sofa"), facing=object("bed")), "left")))',
}

TEN_STATEMENTS = '''x = object("sofa")
y = object("bed")
me = view(at=x, facing=y)
d1 = distance(objects("chair"), objects("table"))
d2 = distance(x, objects("lamp"), mode="center")
near = closest([objects("desk"), objects("door"), objects("tv")], to=x)
far = farthest(objects("shelf"), to=y)
left = count(objects_around(me, "left"))
side = direction(object("tv"), viewer=me, granularity="quadrant")
answer(d1 + d2 + left)
'''


def use_checkout(root: Path) -> None:
    """Import `reasmory` from a source checkout at `root` (folders mapped as the package installs them)."""
    folders = {"reasmory": "reasmory", "reasmory.memory": "memory", "reasmory.interpreter": "interpreter",
               "reasmory.grammar": "grammar", "reasmory.benchmarks": "benchmarks"}
    modules = {}
    for name, folder in folders.items():
        spec = importlib.util.spec_from_file_location(name, root / folder / "__init__.py",
                                                      submodule_search_locations=[str(root / folder)])
        modules[name] = sys.modules[name] = importlib.util.module_from_spec(spec)
    for name, module in modules.items():
        module.__spec__.loader.exec_module(module)
        if "." in name:
            setattr(sys.modules["reasmory"], name.split(".")[1], module)


def _scenes() -> ModuleType:
    spec = importlib.util.spec_from_file_location("scale_scenes", Path(__file__).with_name("scale_scenes.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _timed(fn: Any, repeat: int, warmup: int = 1) -> tuple[float, Any]:
    """Median seconds of `repeat` calls after `warmup` untimed ones, and the last result."""
    for _ in range(warmup):
        fn()
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def measure(n_objects: int, kind: str, repeat: int) -> dict[str, dict[str, Any]]:
    """Seconds (median) and answer of every program on one scale scene, and the ten-statement program's first run on
    the fresh memory apart (what a user's first question pays: the object index, the points gathered, the cost
    estimator's sizes). scipy's KD-tree, imported by a process once whatever the memory's size, is imported first."""
    from scipy.spatial import cKDTree  # noqa: F401

    from reasmory.interpreter import Limits, check
    from reasmory.interpreter import run as run_program

    # time it, however slow the version, and however large its values (objects_around at 100k objects returns
    # tens of thousands of them, past the default value-size limit)
    limits = Limits(time_budget_s=3600, max_value_size=10**9)

    def run(source: str, memory: Any) -> Any:
        return run_program(source, memory, limits=limits)

    memory = _scenes().object_scene(n_objects, kind)
    first, _ = _timed(lambda: run(TEN_STATEMENTS, memory), 1, warmup=0)
    rows: dict[str, dict[str, Any]] = {COLD: {"s": first, "answer": None}}
    for name, source in PROGRAMS.items():
        seconds, result = _timed(lambda s=source: run(s, memory), repeat)
        rows[name] = {"s": seconds, "answer": result.answer, "value": _exact(result.value)}
    seconds, problems = _timed(lambda: check(TEN_STATEMENTS, memory), repeat)
    rows["check 10 statements"] = {"s": seconds, "answer": str(len(problems))}
    seconds, result = _timed(lambda: run(TEN_STATEMENTS, memory), repeat)
    rows["run 10 statements"] = {"s": seconds, "answer": result.answer, "value": _exact(result.value)}
    return rows


def _exact(value: Any) -> Any:
    """A program's value in full, comparable across versions: numbers as they are, objects by id."""
    return value if isinstance(value, (int, float, str)) else getattr(value, "id", repr(value))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkout", type=Path, required=True, help="source tree of the Reasmory version to time")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--kinds", nargs="+", default=["box", "points"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    use_checkout(args.checkout.resolve())
    results = {kind: {str(n): measure(n, kind, args.repeat) for n in args.sizes} for kind in args.kinds}
    args.out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
