"""Start-up and front-end comparisons of the scale benchmark.

Start-up: wall-clock and CPU time of `reasmory --help` and of `reasmory run` on a small memory, each beside
`python -c pass`, in alternating rounds (one run, so machine load hits all alike), with floors in the same rounds:
importing numpy and pydantic's `BaseModel` (what loading a memory needs at the least: `import pydantic` alone defers
it), the same plus typer, and a typer app with `run`'s parameters parsing the same arguments (`TYPER_FLOOR`), and
importing the interpreter a run needs (its operations, the memory's models), each in the environment the script
gives itself (`reasmory.cli.SCRIPT_ENVIRONMENT`: no pydantic plugin discovery, OpenBLAS's idle threads sleeping
after 2^16 cycles). On start-up OpenBLAS starts a thread per core that, by default, spins for about 0.1 s waiting
for work, which a machine with fewer idle cores than that pays for in wall-clock time: numpy is also timed with that
default and with OpenBLAS held to one thread (`OPENBLAS_NUM_THREADS=1`), and `reasmory run` with the default and
with one thread. The package's bytecode is compiled first, as an installed package's is (with
PYTHONDONTWRITEBYTECODE set, an editable checkout would otherwise recompile its own modules on every start).

Parse + check: the ten questions of `verifier_pairs.json`, each as a
Reasmory program (parsed and type-checked against a memory) and as an
equivalent plan for the official Reasmory verifier (github
KaKituken/Reasmory, `tools/plan_verifier.py`, from a checkout given by path
and never copied here), timed in the same process.
"""

from __future__ import annotations

import compileall
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from reasmory.benchmarks.report import median, timeit
from reasmory.cli import SCRIPT_ENVIRONMENT
from reasmory.interpreter import check
from reasmory.interpreter.parser import parse_reference
from reasmory.memory import Frame, ObjectInstance, OrientedBox, SpatialMemory

PAIRS = Path(__file__).with_name("verifier_pairs.json")
OPTIONS = ["A. left", "B. right", "C. back", "D. front-left"]
PROGRAM = 'd = distance(object("door"), objects("table"))\nanswer(round(d, 2))\n'
#: What any typer command shaped like `reasmory run` pays before it does anything: numpy, pydantic's models, and typer
#: parsing the same parameters (typer 0.25 and later build a pydantic TypeAdapter per parameter to coerce it, 13 ms: the
#: project keeps typer 0.24, whose parameters are click's own types).
TYPER_FLOOR = """
import sys
from pathlib import Path
import numpy, typer
from pydantic import BaseModel
app = typer.Typer()
@app.command()
def run(memory: Path = typer.Argument(...), program: Path = typer.Argument(...), more: list[str] = typer.Argument(None),
        options: list[str] = typer.Option(None, "--options"), trace: Path | None = typer.Option(None),
        artifacts: Path | None = typer.Option(None)) -> None:
    pass
@app.command()
def check() -> None:
    pass
app(sys.argv[1:] and ["run", *sys.argv[1:]], standalone_mode=False)
"""


def question_memory() -> SpatialMemory:
    """Every label the ten questions name, a few instances each, and four cameras."""
    labels = ["chair", "table", "tv", "sofa", "door", "window", "lamp", "bed", "chair", "table", "door"]
    objects = [ObjectInstance(id=i, label=label, box=OrientedBox.from_yaw([i % 4 * 1.5, i // 4 * 1.5, 0.5], [0.6, 0.5, 1.0], 0.3 * i),
                              frames=[i % 4], attributes={"geometry": "box"}) for i, label in enumerate(labels)]
    K = ((500.0, 0.0, 320.0), (0.0, 500.0, 240.0), (0.0, 0.0, 1.0))
    pose = ((1.0, 0.0, 0.0, 0.0), (0.0, 0.0, 1.0, -2.0), (0.0, -1.0, 0.0, 1.5), (0.0, 0.0, 0.0, 1.0))
    frames = [Frame(index=i, timestamp=float(i), width=640, height=480, K=K, pose=pose) for i in range(4)]
    return SpatialMemory(frames=frames, objects=objects)


def _compile_package() -> None:
    """Bytecode for every module of the package (the mapped folders too), as an installed package has."""
    import reasmory.interpreter
    import reasmory.memory

    for module in (sys.modules["reasmory"], reasmory.interpreter, reasmory.memory):
        compileall.compile_dir(str(Path(module.__file__).parent), quiet=1)


def startup(rounds: int) -> dict[str, Any]:
    """Median wall and CPU seconds of each command, and their ratios to `python -c pass`."""
    _compile_package()
    with tempfile.TemporaryDirectory() as tmp:
        memory = question_memory().save(Path(tmp) / "small.rmem")
        program = Path(tmp) / "q.rp"
        program.write_text(PROGRAM)
        script = Path(sys.executable).with_name("reasmory")
        cli = [str(script)] if script.exists() else [sys.executable, "-m", "reasmory"]
        commands = {"python -c pass": [sys.executable, "-c", "pass"], "reasmory --help": [*cli, "--help"],
                    "reasmory run (small memory)": [*cli, "run", str(memory), str(program)],
                    "floor: import numpy, pydantic.BaseModel": [sys.executable, "-c", "import numpy; from pydantic import BaseModel"],
                    "floor: + import typer": [sys.executable, "-c", "import numpy, typer; from pydantic import BaseModel"],
                    "floor: + typer parsing run's arguments": [sys.executable, "-c", TYPER_FLOOR, str(memory), str(program)],
                    "floor: import reasmory.interpreter": [sys.executable, "-c", "import reasmory.interpreter"],
                    "import numpy": [sys.executable, "-c", "import numpy"],
                    "import numpy (OpenBLAS's default spin)": [sys.executable, "-c", "import numpy"],
                    "import numpy (one BLAS thread)": [sys.executable, "-c", "import numpy"],
                    "reasmory run (OpenBLAS's default spin)": [*cli, "run", str(memory), str(program)],
                    "reasmory run (one BLAS thread)": [*cli, "run", str(memory), str(program)]}
        ours = {**SCRIPT_ENVIRONMENT, **os.environ}
        default_spin = {**os.environ, "OPENBLAS_THREAD_TIMEOUT": "28"}  # OpenBLAS's own default (THREAD_TIMEOUT)
        one_thread = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
        env = {name: one_thread if name.endswith("(one BLAS thread)") else default_spin if name.endswith("default spin)") else ours
               for name in commands}
        wall: dict[str, list[float]] = {k: [] for k in commands}
        cpu: dict[str, list[float]] = {k: [] for k in commands}
        for _ in range(rounds + 1):  # the first round warms the page cache and is dropped
            for name, command in commands.items():
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env.get(name))
                wall[name].append(time.perf_counter() - start)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu[name].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    base_wall, base_cpu = statistics.median(wall["python -c pass"][1:]), statistics.median(cpu["python -c pass"][1:])
    return {name: {"wall_s": statistics.median(wall[name][1:]), "cpu_s": statistics.median(cpu[name][1:]),
                   "wall_ratio": statistics.median(wall[name][1:]) / base_wall,
                   "cpu_ratio": statistics.median(cpu[name][1:]) / base_cpu} for name in commands}


def _median_call(fn: Any, repeat: int) -> float:
    return median(timeit(fn, repeat))


def _peer_verifier(peer: Path) -> Any:
    """The official verifier's class, imported from the checkout at `peer` (its `tools` package)."""
    if not (peer / "tools" / "plan_verifier.py").is_file():
        raise FileNotFoundError(f"no tools/plan_verifier.py under {peer}: give a checkout of github KaKituken/Reasmory")
    sys.path.insert(0, str(peer))
    try:
        from tools.plan_verifier import PythonPlanVerifier
    finally:
        sys.path.remove(str(peer))
    return PythonPlanVerifier


def parse_check(peer: Path | None, repeat: int) -> dict[str, Any]:
    """Per question: parse + check of the program, Lark's parse + check, and the official verifier of the plan."""
    pairs = json.loads(PAIRS.read_text(encoding="utf-8"))["pairs"]
    memory = question_memory()
    verifier = _peer_verifier(peer) if peer is not None else None
    rows = []
    for pair in pairs:
        program, plan = pair["program"], pair["peer_plan"]
        problems = check(program, memory, OPTIONS)
        if problems:
            raise ValueError(f"the benchmark program of {pair['question']!r} does not check: {problems[0].one_line()}")
        row = {"question": pair["question"],
               "reasmory_s": _median_call(lambda p=program: check(p, memory, OPTIONS), repeat),
               "reasmory_lark_s": _median_call(lambda p=program: check(parse_reference(p), memory, OPTIONS), repeat)}
        if verifier is not None:
            verifier().verify(plan)
            row["official_s"] = _median_call(lambda q=plan: verifier().verify(q), repeat)
            row["ratio"] = row["reasmory_s"] / row["official_s"]
        rows.append(row)
    summary: dict[str, Any] = {"questions": rows}
    if verifier is not None:
        summary["median_ratio"] = statistics.median(r["ratio"] for r in rows)
        summary["median_ratio_lark"] = statistics.median(r["reasmory_lark_s"] / r["official_s"] for r in rows)
    return summary
