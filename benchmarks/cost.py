"""The cost model against the clock: does the estimate rank programs the way their run times do?

    python -m reasmory.benchmarks.cost [--questions Q.jsonl --meta-dir META] [--repeat 5] [--json OUT]
    python -m reasmory.benchmarks.cost --calibrate [--json OUT]

Evaluation: every VSI-Bench dev question the offline compiler answers is
compiled, estimated on its scene's oracle memory, and run `repeat` times with
the memory's caches cleared before each run (the estimate is of a cold run;
the fastest run counts, since load only slows runs down). The table gives
Spearman's rank correlation between estimate and run time, overall and per
question family; the target is 0.8 overall.

Calibration fits the seconds per unit (`cost.COEFFICIENTS`) by non-negative
least squares on relative error, on programs it generates over synthetic
memories of many sizes: solid boxes and point clouds, 5 to 1,500 objects,
with and without scene points; never on the benchmark's programs.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from reasmory.benchmarks.crafted import crowd_memory
from reasmory.benchmarks.report import emit
from reasmory.interpreter import LanguageError, parse, run
from reasmory.interpreter.cost import COEFFICIENTS, UNITS, estimate
from reasmory.memory import ObjectInstance, OrientedBox, PointCloud, SceneFacts, SpatialMemory

SHARED = Path(os.environ.get("REASMORY_SHARED", Path(__file__).resolve().parents[2] / "shared")) / "data" / "vsibench"
TARGET = 0.8


def cold_time(source: str, memory: SpatialMemory, options: list[str] | None, repeat: int) -> float | None:
    """The fastest of `repeat` runs, each with the memory's caches emptied; None when the program does not run."""
    from reasmory.memory.render import cloud

    best = math.inf
    for _ in range(repeat):
        memory.clear_caches()
        cloud._CACHE.pop(memory, None)
        start = time.perf_counter()
        try:
            run(source, memory, options, artifacts_dir=_scratch())
        except LanguageError:
            return None
        best = min(best, time.perf_counter() - start)
    return best


def _scratch() -> Path:
    import tempfile

    return Path(tempfile.gettempdir()) / "reasmory-cost-bench"


def spearman(x: list[float], y: list[float]) -> float:
    from scipy.stats import spearmanr

    return float(spearmanr(x, y).statistic) if len(x) > 2 else math.nan


# ----- evaluation on the VSI-Bench dev programs ------------------------------------------------------------------------

def dev_programs(questions: Path, meta_dir: Path) -> Iterator[tuple[str, str, list[str] | None, SpatialMemory]]:
    """(family, program, options, memory) for every dev question the compiler answers and its memory can run."""
    from reasmory.benchmarks.qa import load_questions
    from reasmory.benchmarks.vsibench import NOT_EVALUABLE_ON_BOXES
    from reasmory.compiler import UnsupportedQuestion, compile_question
    from reasmory.memory.oracle import from_vsibench

    memories: dict[tuple[str, str], SpatialMemory] = {}
    for q in load_questions(questions):
        try:
            compiled = compile_question(q.question)
        except UnsupportedQuestion:
            continue
        if compiled.family in NOT_EVALUABLE_ON_BOXES:
            continue
        key = (q.dataset, q.scene_name)
        if key not in memories:
            memories[key] = from_vsibench(meta_dir / f"{q.dataset}_meta_info_val.json", q.scene_name)
        yield compiled.family, compiled.source, q.options, memories[key]


def evaluate(questions: Path, meta_dir: Path, repeat: int) -> dict:
    by_family: dict[str, list[tuple[float, float]]] = defaultdict(list)
    pairs: list[tuple[float, float]] = []
    for family, source, options, memory in dev_programs(questions, meta_dir):
        seconds = cold_time(source, memory, options, repeat)
        if seconds is None:
            continue
        guess = estimate(parse(source), memory, len(options or [])).seconds
        pairs.append((guess, seconds))
        by_family[family].append((guess, seconds))
    rho = spearman([p[0] for p in pairs], [p[1] for p in pairs])
    families = {f: {"programs": len(v), "spearman": spearman([p[0] for p in v], [p[1] for p in v]),
                     "median_ms": 1e3 * float(np.median([p[1] for p in v])), "median_estimate_ms": 1e3 * float(np.median([p[0] for p in v]))}
                for f, v in sorted(by_family.items())}
    return {"programs": len(pairs), "spearman": rho, "target": TARGET, "families": families,
            "pairs": [{"estimate_s": a, "measured_s": b} for a, b in pairs]}


# ----- calibration on generated programs -------------------------------------------------------------------------------

def _random_rotation(rng: np.random.Generator) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(3, 3)))
    q *= np.sign(np.diag(r))
    return q if np.linalg.det(q) > 0 else -q


def synthetic(n_objects: int, solid: bool, scene_points: int, rng: np.random.Generator, floor_known: bool,
              tilted: bool = False, span_m: float = 8.0) -> SpatialMemory:
    """A memory of `n_objects` labelled a/b/c/…: solid boxes (tilted or not), or objects with their own points; maybe scene
    points; spread over a floor `span_m` wide (8 m: a room, objects near each other, as in indoor scans)."""
    labels = "abcdefgh"
    objects = []
    for i in range(n_objects):
        centre = rng.uniform((-span_m / 2, -span_m / 2, 0), (span_m / 2, span_m / 2, 2.5))
        rotation = _random_rotation(rng) if tilted else np.eye(3)
        box = OrientedBox(center=tuple(centre), extents=tuple(rng.uniform(0.2, 1.5, 3)), rotation=tuple(map(tuple, rotation)))
        points = np.zeros((0, 3), np.float32) if solid else (centre + rng.normal(0, 0.3, (int(rng.integers(50, 3000)), 3))).astype(np.float32)
        objects.append(ObjectInstance(id=i, label=labels[i % len(labels)], box=box, points=points,
                                      attributes={"geometry": "box"} if solid else {}))
    cloud = PointCloud.from_xyz(rng.uniform((-4, -4, 0), (4, 4, 2.5), (scene_points, 3))) if scene_points else None
    scene = SceneFacts(floor_area=40.0) if floor_known else SceneFacts()
    return SpatialMemory(objects=objects, points=cloud, scene=scene)


TEMPLATES: list[Callable[[random.Random], str]] = [
    lambda r: f'answer(count(objects("{r.choice("abc")}")))',
    lambda r: f'answer(longest_side(object("{r.choice("abc")}")))',
    lambda r: f'answer(distance(objects("{r.choice("abc")}"), objects("{r.choice("def")}")))',
    lambda r: f'answer(distance(object("{r.choice("abc")}"), object("{r.choice("def")}")))',
    lambda r: f'answer(distance(object("a"), object("b"), mode="center"))',
    lambda r: f'answer(closest([objects("a"), objects("b"), objects("c")], to=object("{r.choice("def")}")))',
    lambda r: f'me = view(at=object("a"), facing=object("b"))\nanswer(direction(object("{r.choice("cdef")}"), viewer=me, granularity="quadrant"))',
    lambda r: "answer(room_area())",
    lambda r: "answer(labels())",
    lambda r: 'answer(objects_around(view(at=object("a"), facing=object("b")), "left"))',
    lambda r: 'v = view(at=object("a"), facing=object("b"))\nw = step(turn(v, "left"), "forward", 2)\nanswer(motion(v, w))',
    lambda r: f'answer(render(view(at=object("a"), facing=object("b")), width={r.choice([64, 160, 320])}, height=48))',
    lambda r: 'answer(bev(mode="semantic"))',
]


CROWD_PROGRAMS = ['answer(distance(objects("a"), objects("b")))', 'answer(closest(objects("a"), to=object("b")))',
                  'answer(distance(object("a"), objects("b")))']


def calibration_set(seed: int, programs_per_memory: int) -> Iterator[tuple[str, SpatialMemory]]:
    rng, rnd = np.random.default_rng(seed), random.Random(seed)
    for n in (8, 30, 120, 400, 1500):
        for solid in (True, False):
            for scene_points in (0, 20_000, 300_000):
                span = 8.0 if n < 400 or scene_points else 80.0  # large groups piled in a room, and scattered over a site
                memory = synthetic(n, solid, scene_points, rng, floor_known=bool(rnd.getrandbits(1)), tilted=bool(rnd.getrandbits(1)),
                                   span_m=span)
                for _ in range(programs_per_memory):
                    source = rnd.choice(TEMPLATES)(rnd)
                    if ("render(" in source or "bev(" in source) and (n > 400 or scene_points > 20_000):
                        continue  # a few renders are enough; the large ones take seconds each
                    yield source, memory
    for n, spread in ((500, 0.1), (1000, 0.1), (2000, 0.1), (2000, 2.0), (6000, 20.0)):  # piled up to scattered
        crowd = crowd_memory(n, spread)
        for source in CROWD_PROGRAMS:
            yield source, crowd
    for span in (40.0, 150.0, 400.0):  # large floors: the footprint grid, not the points, is the work
        xyz = rng.uniform((-span / 2, -span / 2, 0), (span / 2, span / 2, 2.5), (20_000, 3))
        wide = SpatialMemory(objects=[], points=PointCloud.from_xyz(xyz))
        for _ in range(3):
            yield "answer(room_area())", wide


def calibrate(seed: int, repeat: int, programs_per_memory: int) -> dict:
    from scipy.optimize import nnls

    names = list(UNITS)
    rows, times, sources = [], [], []
    for source, memory in calibration_set(seed, programs_per_memory):
        seconds = cold_time(source, memory, None, repeat)
        if seconds is None:
            continue
        units = estimate(parse(source), memory).units
        rows.append([units.get(n, 0.0) for n in names])
        times.append(seconds)
        sources.append(source)
    x, t = np.asarray(rows, float), np.asarray(times)
    fitted, _ = nnls(x / t[:, None], np.ones(len(t)))
    guess = x @ fitted
    return {"programs": len(t), "coefficients": dict(zip(names, map(float, fitted))),
            "spearman_fit": spearman(list(guess), list(t)), "median_ratio": float(np.median(guess / t))}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=Path, default=SHARED / "dev_questions.jsonl")
    parser.add_argument("--meta-dir", type=Path, default=SHARED / "meta_info")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--calibrate", action="store_true", help="fit the coefficients on generated programs instead")
    parser.add_argument("--programs-per-memory", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=Path("bench-results/cost.json"))
    args = parser.parse_args(argv)
    if args.calibrate:
        result = calibrate(args.seed, args.repeat, args.programs_per_memory)
        rows = [[name, COEFFICIENTS[name], value] for name, value in result["coefficients"].items()]
        rows += [["programs", result["programs"], ""], ["Spearman (fit)", result["spearman_fit"], ""],
                 ["median estimate / time", result["median_ratio"], ""]]
        emit("cost model calibration (seconds per unit)", ["unit", "in use", "fitted"], rows, {"result": result}, args.json)
        return
    result = evaluate(args.questions, args.meta_dir, args.repeat)
    rows = [[family, f["programs"], f["spearman"], f["median_estimate_ms"], f["median_ms"]] for family, f in result["families"].items()]
    rows.append(["all programs", result["programs"], result["spearman"], "", ""])
    emit(f"cost estimate vs run time on VSI-Bench dev programs (Spearman; target ≥ {TARGET})",
         ["family", "programs", "Spearman", "median estimate ms", "median run ms"], rows, {"result": result}, args.json)


if __name__ == "__main__":
    main()
