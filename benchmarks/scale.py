"""Scale: operation times and fitted growth over 1k / 10k / 100k objects and 1M / 10M points, start-up, parsing.

    python -m reasmory.benchmarks.scale [--baseline CHECKOUT] [--peer CHECKOUT] [--json bench-results/scale.json]

- Objects: every geometric operation as a one-line program (and a check and
  a run of a 10-statement program, and that program's first run on the fresh
  memory, which builds what queries share) on scenes of 1k, 10k and 100k objects,
  solid boxes and point objects (`scale_programs.py`); the growth exponent k
  of time ∝ nᵏ is fitted over the sizes. With `--baseline` (a source checkout
  of another Reasmory version, e.g. `git worktree add ../main-checkout main`)
  the same programs run under that version at 1k and 10k in the same run, and
  the table gives the speed-up and whether the answers are the same.
- Points: `.rmem` save (fsynced) beside `np.savez` + fsync, load, the render preparation (computed,
  then read back from the cache), a 640×480 render beside Open3D ray casting of
  the same room (`scale_points.py`).
- Start-up and parsing (`scale_startup.py`): `reasmory --help` and `reasmory run`
  beside `python -c pass`; with `--peer` (a checkout of github
  KaKituken/Reasmory), parse + check of ten questions beside the official
  verifier of equivalent plans (`verifier_pairs.json`).

Targets (issue 20): growth ≤ 1.2 for every object operation; a 10-statement
program on 100k objects under 1 s, its first run on the fresh memory included; set-to-set distance at 10k objects ≥ 10×
faster than the baseline with the same answers; `--help` ≤ 5× and `run` ≤ 10×
`python -c pass`; parse + check ≤ 1.0× the official verifier (median ratio);
the 5M-point render ≤ 1.0× Open3D ray casting; save (fsynced) ≤ 1.5× np.savez + fsync.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from reasmory.benchmarks import scale_points, scale_programs, scale_startup
from reasmory.benchmarks.report import at_least, emit

OBJECT_SIZES = (1_000, 10_000, 100_000)
POINT_SIZES = (1_000_000, 5_000_000, 10_000_000)
#: Object counts the baseline is timed at (it grows quadratically: 100k would take hours).
BASELINE_LIMIT = 10_000
SET_TO_SET = "distance set-set"


def growth(sizes: list[int], seconds: list[float]) -> float | None:
    """Exponent k of the least-squares fit seconds ∝ sizeᵏ (log-log); None from fewer than two sizes (no growth to fit)."""
    if len(set(sizes)) < 2:
        return None
    return float(np.polyfit(np.log(sizes), np.log(seconds), 1)[0])


def objects(sizes: tuple[int, ...], kinds: tuple[str, ...], repeat: int) -> dict[str, dict[str, dict[str, Any]]]:
    return {kind: {str(n): scale_programs.measure(n, kind, repeat) for n in sizes} for kind in kinds}


def baseline(checkout: Path, sizes: list[int], kinds: tuple[str, ...], repeat: int) -> dict[str, Any]:
    """The same programs under another checkout, in a child process that imports it."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "baseline.json"
        subprocess.run([sys.executable, str(Path(scale_programs.__file__)), "--checkout", str(checkout), "--sizes",
                        *map(str, sizes), "--kinds", *kinds, "--repeat", str(repeat), "--out", str(out)], check=True)
        return json.loads(out.read_text())


def _same(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Same answer text, and the same value (numbers to 1e-9 m: box distances are summed in another order)."""
    a, b = before.get("value"), after.get("value")
    close = a == b or (isinstance(a, float) and isinstance(b, float) and abs(a - b) <= 1e-9)
    return close and before["answer"] == after["answer"]


def _object_rows(results: dict[str, Any], old: dict[str, Any] | None, ten: str) -> tuple[list[list[Any]], dict[str, Any]]:
    rows, fits = [], {}
    for kind, by_size in results.items():
        sizes = sorted(by_size, key=int)
        for op in by_size[sizes[0]]:
            seconds = [by_size[s][op]["s"] for s in sizes]
            fit = growth([int(s) for s in sizes], seconds)
            if fit is not None:
                fits[f"{kind}: {op}"] = fit
            row: list[Any] = [kind, op, *(f"{1000 * t:.2f}" for t in seconds), "–" if fit is None else f"{fit:.2f}"]
            if old is not None and op != scale_programs.COLD:
                before = old[kind][ten][op]
                same = _same(before, by_size[ten][op])
                row += [f"{1000 * before['s']:.1f}", f"{before['s'] / by_size[ten][op]['s']:.1f}×", "yes" if same else "NO"]
            rows.append(row)
    return rows, fits


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", type=Path, help="source checkout of the Reasmory version to compare with (e.g. main)")
    parser.add_argument("--peer", type=Path, help="checkout of github KaKituken/Reasmory (the official verifier)")
    parser.add_argument("--objects", type=at_least(1000, "a smaller scale scene may lack a label the programs name"),
                        nargs="+", default=list(OBJECT_SIZES))
    parser.add_argument("--points", type=at_least(1000, "the room needs points on its floor, walls and boxes"), nargs="+",
                        default=list(POINT_SIZES))
    parser.add_argument("--kinds", nargs="+", default=["box", "points"], choices=["box", "points"])
    parser.add_argument("--repeat", type=at_least(1, "each time is a median of that many runs"), default=3)
    parser.add_argument("--rounds", type=at_least(1, "each start-up time is a median of that many rounds"), default=15,
                        help="start-up rounds")
    parser.add_argument("--no-open3d", action="store_true", help="skip the Open3D ray casting comparison")
    parser.add_argument("--json", type=Path, default=Path("bench-results/scale.json"))
    args = parser.parse_args(argv)
    if args.peer is not None and not (args.peer / "tools" / "plan_verifier.py").is_file():
        parser.error(f"--peer: no tools/plan_verifier.py under {args.peer} (give a checkout of github KaKituken/Reasmory)")
    if args.baseline is not None and not (args.baseline / "interpreter" / "__init__.py").is_file():
        parser.error(f"--baseline: {args.baseline} is not a source checkout of Reasmory (no interpreter/__init__.py there)")
    kinds = tuple(args.kinds)
    load = [os.getloadavg()[0]]

    results = objects(tuple(args.objects), kinds, args.repeat)
    compared = sorted(n for n in args.objects if n <= BASELINE_LIMIT)
    old = baseline(args.baseline.resolve(), compared, kinds, args.repeat) if args.baseline and compared else None
    ten = str(compared[-1]) if compared else ""
    rows, fits = _object_rows(results, old, ten)
    load.append(os.getloadavg()[0])
    points = scale_points.run(tuple(args.points), args.repeat, not args.no_open3d)
    load.append(os.getloadavg()[0])
    start = scale_startup.startup(args.rounds)
    parsing = scale_startup.parse_check(args.peer, max(50, 100 * args.repeat))
    load.append(os.getloadavg()[0])

    largest = str(max(args.objects))
    five = next((p for p in points if p["points"] == 5_000_000), points[-1] if points else None)
    targets = {
        **({"growth_at_most_1.2": all(k <= 1.2 for k in fits.values())} if fits else {}),
        "ten_statements_at_largest_under_1s": all(results[k][largest][op]["s"] < 1.0 for k in kinds
                                                  for op in ("run 10 statements", scale_programs.COLD)),
        "help_at_most_5x_pass": start["reasmory --help"]["wall_ratio"] <= 5,
        "run_at_most_10x_pass": start["reasmory run (small memory)"]["wall_ratio"] <= 10,
        "save_at_most_1.5x_savez_fsync": all(p["save s"] <= 1.5 * p["np.savez+fsync s"] for p in points),
    }
    if old is not None:
        targets[f"set_to_set_{ten}_speedup_at_least_10x"] = all(
            old[k][ten][SET_TO_SET]["s"] / results[k][ten][SET_TO_SET]["s"] >= 10 for k in kinds)
        targets["same_answers_as_baseline"] = all(
            _same(old[k][ten][op], results[k][ten][op]) for k in kinds for op in old[k][ten] if op != scale_programs.COLD)
    if "median_ratio" in parsing:
        targets["parse_check_at_most_1x_official"] = parsing["median_ratio"] <= 1.0
    if five is not None and "open3d raycast s" in five:
        targets["render_5M_at_most_1x_open3d"] = five["render s"] <= five["open3d raycast s"]

    size_cols = [f"{int(n):,} objects ms" for n in sorted(args.objects)]
    extra = [f"baseline {int(ten):,} ms", "speed-up", "same answer"] if old is not None else []
    payload = {"objects": results, "baseline": old, "growth": fits, "points": points, "startup": start, "parse_check": parsing,
               "targets": targets, "load_average_1min": load}
    emit(f"scale: objects (medians; growth k of time ∝ nᵏ; load average {max(load):.1f})", ["kind", "operation", *size_cols, "k", *extra],
         rows, payload, None)
    point_cols = ["points", "drawable", "np.savez s", "np.savez+fsync s", "save s", "load s", "prepare s", "prepare from cache s", "render s",
                  "open3d raycast s", "depth vs open3d median mm"]
    emit("scale: points (640×480 renders, medians over three cameras)", point_cols,
         [[p.get(c, "-") if c != "points" else f"{p[c]:,}" for c in point_cols] for p in points], payload, None)
    emit("scale: start-up (medians of alternating runs)", ["command", "wall s", "× pass", "cpu s", "× pass (cpu)"],
         [[k, v["wall_s"], v["wall_ratio"], v["cpu_s"], v["cpu_ratio"]] for k, v in start.items()], payload, None)
    parse_cols = ["question", "reasmory parse+check ms", "with Lark's parser ms", "official verifier ms", "ratio"]
    emit(f"scale: parse + check vs the official verifier (median ratio {parsing.get('median_ratio', float('nan')):.2f})",
         parse_cols, [[q["question"][:60], 1000 * q["reasmory_s"], 1000 * q["reasmory_lark_s"],
                       1000 * q["official_s"] if "official_s" in q else "-", q.get("ratio", "-")] for q in parsing["questions"]],
         payload, args.json)
    print("targets:", json.dumps(targets, indent=1))


if __name__ == "__main__":
    main()
