"""Mutation testing: how many small plausible bugs the tests catch, per module, with the survivors listed.

    nice -n 10 .venv/bin/python -m reasmory.benchmarks.mutation [--modules memory/labels.py …] [--workers 2]
        [--sample N] [--planted] [--json bench-results/mutation.json]

Mutants are cosmic-ray's (its core operators: comparisons, arithmetic and
boolean operators swapped, numbers changed, `not` added, conditions and
loops removed, decorators dropped), made in a staged copy of the package (see
`mutation_runner`). Each is tested by the tests that run its line (recorded
once per test set, unmutated); a line run only at import is tested by the
tests of the function it belongs to and then, if it survives them, by all of
its module's tests; a line of a module whose code runs in other processes
(`OTHER_PROCESSES`, where tracing cannot see it) by all of them. A mutant is
killed when a test fails (or the run times out), survives when every test
passes. Excluded, each with its reason:
operator swaps to bitwise, shift, power or modulo operators; mutants inside
annotations (never evaluated: every module has `from __future__ import
annotations`); dataclass `slots` flags; the equivalent mutants listed in
`EQUIVALENT` (mutation_equivalents.py); and, printed as they are met, mutants that cosmic-ray's own
operator fails to make. The score of a module is killed / (killed + survived); with
`--sample N` it is estimated from a seeded random sample of N mutants per
module. The bugs planted by hand in issue #24 are run the same way
(`PLANTED`) and reported killed or survived.

Needs the repository checkout (the tests are part of the run) and cosmic-ray
(in the dev extra). Artefacts (the staged copies, cosmic-ray's session
databases, test logs) go under `bench-results/mutation/`.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from reasmory.benchmarks.mutation_equivalents import EQUIVALENT
from reasmory.benchmarks.mutation_runner import run_tests, stage, staged_path, warm_up
from reasmory.benchmarks.report import emit

REPO = Path(__file__).resolve().parents[1]
INTERPRETER_TESTS = ("tests/interpreter/test_values.py", "tests/conformance", "tests/interpreter/test_checker.py",
                     "tests/interpreter/test_operations.py", "tests/interpreter/test_safety.py", "tests/interpreter/test_trace.py",
                     "tests/interpreter/test_reference.py", "tests/interpreter/test_check_hints.py",
                     "tests/interpreter/test_executor_edges.py", "tests/interpreter/test_errors.py",
                     "tests/interpreter/test_limits.py")
#: Module → the tests that cover it (fastest-failing first: runs stop at the first failure).
TARGETS: dict[str, tuple[str, ...]] = {
    "memory/labels.py": ("tests/memory/test_labels.py", "tests/memory/test_label_rules.py", "tests/conformance"),
    "memory/geometry.py": ("tests/memory/test_geometry.py", "tests/memory/test_geometry_edges.py", "tests/memory/test_store_edges.py",
                           "tests/memory/test_box_distance.py", "tests/conformance"),
    "memory/box_distance.py": ("tests/memory/test_box_distance.py", "tests/memory/test_box_edges.py", "tests/memory/test_geometry.py",
                               "tests/conformance"),
    "memory/store.py": ("tests/memory/test_store.py", "tests/memory/test_store_edges.py"),
    "memory/reconstruction/cache.py": ("tests/reconstruction/test_cache.py", "tests/reconstruction/test_pipeline.py"),
    "reasmory/answering/generate.py": ("tests/answering/test_answer.py",
                                       "tests/answering/test_on_demand.py::test_a_label_the_memory_lacks_is_grounded_then_the_program_runs_again"),
    **{f"interpreter/{p.relative_to(REPO / 'interpreter').as_posix()}": INTERPRETER_TESTS
       for p in sorted((REPO / "interpreter").rglob("*.py"))},
}
#: Listed modules left out of the score, each with its reason.
NOT_MEASURED = {
    "interpreter/lalr_tables.py": "data generated from the grammar by lalr_build (a test regenerates it and compares the text, "
                                  "which kills every mutant whatever the other tests check); the code that makes it, "
                                  "lalr_build.py, and the code that reads it, lalr.py, are measured",
}
for _module in NOT_MEASURED:
    del TARGETS[_module]
for _module in ("interpreter/lalr.py", "interpreter/lalr_build.py", "interpreter/ast_build.py"):
    TARGETS[_module] = (*INTERPRETER_TESTS, "tests/interpreter/test_frontend.py")
TARGETS["interpreter/lalr_build.py"] += ("tests/interpreter/test_lalr_build.py",)  # the generator's own refusals
TARGETS["interpreter/token_order.py"] = ("tests/interpreter/test_token_order.py", "tests/interpreter/test_frontend.py")
TARGETS["interpreter/syntax.py"] = ("tests/playground/test_playground.py", "tests/traces/test_views.py")
TARGETS["interpreter/trace.py"] = (*INTERPRETER_TESTS, "tests/traces/test_views.py", "tests/traces/test_artifacts.py")
#: rendering.py imports PIL and the renderer for annotations only: the start-up test sees a run import them.
TARGETS["interpreter/ops/rendering.py"] = (*INTERPRETER_TESTS, "tests/render/test_ops.py",
                                           "tests/test_startup.py::test_run_imports_only_what_a_run_needs")
#: The sandbox and its run server are exercised by the isolated runs' own tests (the in-process interpreter tests never
#: start a worker), and by the artifacts a sandboxed render writes.
for _module in ("interpreter/sandbox.py", "interpreter/runserver.py"):
    TARGETS[_module] = ("tests/interpreter/test_sandbox.py", "tests/traces/test_artifacts.py")
#: Modules whose code runs mostly in other processes (the run server and its workers), where the line tracing of the
#: tests cannot see it: a line a test runs here may also run there for other tests, so every mutant faces all the tests.
OTHER_PROCESSES = ("interpreter/runserver.py",)
for _module in ("interpreter/cost.py", "interpreter/cost_ops.py"):  # the estimates pinned number by number, then the rest
    TARGETS[_module] = ("tests/interpreter/test_cost_estimates.py", "tests/interpreter/test_cost_estimator.py",
                        "tests/interpreter/test_cost_golden.py", "tests/interpreter/test_cost.py", *INTERPRETER_TESTS)
#: cosmic-ray operators left out: swaps to bitwise, shift, power, modulo and floor-division operators (this code
#: computes with floats and booleans; such mutants crash at once and only lengthen the run).
EXOTIC = ("BitAnd", "BitOr", "BitXor", "LShift", "RShift", "Pow", "Mod", "FloorDiv", "MatMult")


@dataclass(frozen=True)
class Planted:
    """A bug planted by hand (issue #24): the text replaced in a module, and what it breaks."""

    module: str
    old: str
    new: str
    bug: str


PLANTED: tuple[Planted, ...] = (
    Planted("memory/geometry.py", "return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)",
            "return float((np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)",
            "polygon_area without abs: a room traced clockwise measures negative"),
    Planted("memory/labels.py", 'if word.endswith(("ches", "shes", "xes", "sses", "zes")):\n        return word[:-2]\n', "",
            "singular without its -ches/-shes/-xes/-zes rule: torches no longer matches torch"),
    Planted("interpreter/checker.py", 'if node.op in ("==", "!=") and (left == right or ANY in (left, right)):',
            'if node.op in ("==", "!="):', "== and != compare any two types: count(...) == \"2\" passes the check"),
    Planted("memory/reconstruction/settings.py", '"backend_settings": self.backend.model_dump(mode="json"),', "",
            "the build cache key drops the backend's settings: pixel_stride 4 returns the memory built with 1"),
    Planted("reasmory/answering/generate.py", "            repairs -= 1\n", "",
            "a failed compiled program does not use up a repair: max_repairs=1 makes two VLM repairs"),
    Planted("interpreter/spatial.py",
            '    if granularity == "lrb" and abs(angle) >= 135.0 - _EPS:\n        return "back"\n    if ahead_or_behind:\n'
            '        where = "straight ahead" if abs(angle) < 90 else "straight behind"\n'
            '        raise OpError(f"the target is {where}: neither left nor right", hint="use granularity=\\"clock\\" or angle()", code="on-boundary")\n',
            '    if ahead_or_behind:\n        where = "straight ahead" if abs(angle) < 90 else "straight behind"\n'
            '        raise OpError(f"the target is {where}: neither left nor right", hint="use granularity=\\"clock\\" or angle()", code="on-boundary")\n'
            '    if granularity == "lrb" and abs(angle) >= 135.0 - _EPS:\n        return "back"\n',
            "direction lrb tests straight behind before back: a target at exactly 180° raises instead of answering back"),
)
PLANTED_TESTS = {"memory/reconstruction/settings.py": ("tests/reconstruction/test_cache.py",)}


def _annotation_lines(source: str) -> set[tuple[int, int, int, int]]:
    """(start line, start column, end line, end column) of every annotation in a module."""
    spans = set()
    for node in ast.walk(ast.parse(source)):
        notes = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            notes = [a.annotation for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs,
                                            node.args.vararg, node.args.kwarg) if a is not None and a.annotation]
            notes += [node.returns] if node.returns else []
        elif isinstance(node, ast.AnnAssign):
            notes = [node.annotation]
        spans |= {(n.lineno, n.col_offset, n.end_lineno, n.end_col_offset) for n in notes}
    return spans


def _inside(pos: tuple[int, int], spans: Iterable[tuple[int, int, int, int]]) -> bool:
    return any((l0, c0) <= tuple(pos) < (l1, c1) for l0, c0, l1, c1 in spans)


def exclusion(module: str, operator: str, start: tuple[int, int], source_lines: list[str], annotations: set,
              mutant_line: Callable[[], str]) -> str | None:
    """Why a mutant is left out of the score, or None. `mutant_line` makes the mutant (slow) only when a rule needs it."""
    if any(x in operator for x in EXOTIC):
        return "operator not used (exotic operator swap)"
    if _inside(start, annotations):
        return "inside an annotation: never evaluated"
    line = source_lines[start[0] - 1] if 0 < start[0] <= len(source_lines) else ""
    if "@dataclass" in line and "slots=True" in line and "slots=False" in mutant_line():
        return "equivalent: slots only change how attributes are stored, nothing the program can observe"
    for eq in EQUIVALENT:
        named = operator == eq.operator or (eq.operator.endswith("_") and operator.startswith(eq.operator))  # Eq_Is is not Eq_IsNot
        if eq.module == module and named and eq.line_text in line and eq.mutant_text in mutant_line():
            return f"equivalent: {eq.reason}"
    return None


@dataclass
class ModuleResult:
    module: str
    killed: int = 0
    survived: int = 0
    excluded: int = 0
    candidates: int = 0
    seconds: float = 0.0
    error: str | None = None

    @property
    def score(self) -> float | None:
        tested = self.killed + self.survived
        return 100.0 * self.killed / tested if tested else None


def mutate_module(module: str, tests: tuple[str, ...], stage_dir: Path, work: Path, sample: int | None) -> tuple[ModuleResult, list[dict]]:
    """Every cosmic-ray mutant of one module tested (or a seeded random `sample` of them); the result and the survivors."""
    import cosmic_ray.plugins
    from cosmic_ray.commands.init import init
    from cosmic_ray.mutating import mutate_code, use_mutation
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkResult

    target = stage_dir / staged_path(module)
    source = target.read_text(encoding="utf-8")
    lines, annotations = source.splitlines(), _annotation_lines(source)
    result, survivors = ModuleResult(module), []
    start = time.perf_counter()
    log = work / "logs" / (module.replace("/", "__") + ".log")
    log.parent.mkdir(parents=True, exist_ok=True)
    seconds, coverage = baseline(stage_dir, tests, work)
    covering = {} if module in OTHER_PROCESSES else coverage.get(str(target), {})
    enclosing = _definitions(source)
    timeout = 3 * seconds + 10.0
    session = work / "sessions" / (module.replace("/", "__") + ".sqlite")
    session.parent.mkdir(parents=True, exist_ok=True)
    with use_db(str(session), WorkDB.Mode.create) as db:
        init([target], db, {})
        chosen = []
        for item in db.pending_work_items:
            (mutation,) = item.mutations
            operator = cosmic_ray.plugins.get_operator(mutation.operator_name)(**mutation.operator_args)
            def mutant_line(operator=operator, mutation=mutation) -> str:  # noqa: ANN001 — bound now, called maybe
                try:
                    return _changed_line(mutate_code(source, operator, mutation.occurrence) or "", mutation.start_pos[0])
                except Exception:  # noqa: BLE001 — a mutant cosmic-ray cannot make: left out below, with its reason
                    return ""

            why = exclusion(module, mutation.operator_name, mutation.start_pos, lines, annotations, mutant_line)
            if why is not None:
                result.excluded += 1
                db.set_result(item.job_id, WorkResult(worker_outcome=WorkerOutcome.SKIPPED, output=why))
            else:
                chosen.append((item, operator))
        result.candidates = len(chosen)
        if sample is not None and len(chosen) > sample:
            chosen = sorted(random.Random(f"{module}:{sample}").sample(chosen, sample), key=lambda c: c[0].mutations[0].start_pos)
        for item, operator in chosen:
            (mutation,) = item.mutations
            try:
                mutate_code(source, operator, mutation.occurrence)
            except Exception as exc:  # noqa: BLE001 — an operator of cosmic-ray's that fails on this code: no mutant to test
                result.excluded += 1
                why = f"cosmic-ray cannot make this mutant: {type(exc).__name__}: {exc}"
                print(f"{module}:{mutation.start_pos[0]} {mutation.operator_name}: {why}", file=sys.stderr, flush=True)
                db.set_result(item.job_id, WorkResult(worker_outcome=WorkerOutcome.SKIPPED, output=why))
                continue
            with use_mutation(target, operator, mutation.occurrence) as (_, mutated):
                if mutated is None:
                    continue
                run = _test_mutant(stage_dir, tests, _selected(mutation.start_pos[0], covering, enclosing), timeout, log)
            outcome = TestOutcome.KILLED if run.killed else TestOutcome.SURVIVED
            db.set_result(item.job_id, WorkResult(worker_outcome=WorkerOutcome.NORMAL, test_outcome=outcome, output=run.output[-2000:]))
            if run.killed:
                result.killed += 1
            else:
                result.survived += 1
                survivors.append({"module": module, "line": mutation.start_pos[0], "operator": mutation.operator_name,
                                  "source": lines[mutation.start_pos[0] - 1].strip(),
                                  "mutant": _changed_line(mutated, mutation.start_pos[0])})
    result.seconds = time.perf_counter() - start
    print(f"{module}: {result.killed} killed, {result.survived} survived, {result.excluded} excluded, {result.seconds:.0f} s",
          file=sys.stderr, flush=True)
    return result, survivors


_BASELINES: dict[tuple[Path, tuple[str, ...]], tuple[float, dict[str, dict[int, tuple[str, ...]]]]] = {}


def baseline(stage_dir: Path, tests: tuple[str, ...], work: Path) -> tuple[float, dict[str, dict[int, tuple[str, ...]]]]:
    """One traced run of a test set, unmutated (once per staged copy): its time, and file → line → the tests that ran it."""
    key = (stage_dir, tests)
    if key not in _BASELINES:
        files = {str(stage_dir / staged_path(m)) for m, t in TARGETS.items() if t == tests}
        log = work / "logs" / f"baseline-{stage_dir.name}-{abs(hash(tests)):x}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        run = run_tests(stage_dir, tests, 1800.0, log, coverage_of=files)
        if run.killed:
            raise RuntimeError(f"the tests {' '.join(tests)} fail before any mutation; see {log}:\n{run.output[-1500:]}")
        by_file: dict[str, dict[int, list[str]]] = {}
        for test, ran in json.loads(Path(f"{log}.lines.json").read_text()).items():
            for file, lines in ran.items():
                for line in lines:
                    by_file.setdefault(file, {}).setdefault(line, []).append(test)
        _BASELINES[key] = (run.seconds, {f: {line: tuple(ids) for line, ids in lines.items()} for f, lines in by_file.items()})
    return _BASELINES[key]


def _definitions(source: str) -> list[tuple[int, int, bool]]:
    """(first line, last line, is a function) of every function and class, decorators included, innermost last."""
    spans = [(min([n.lineno, *(d.lineno for d in n.decorator_list)]), n.end_lineno, not isinstance(n, ast.ClassDef))
             for n in ast.walk(ast.parse(source)) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    return sorted(spans, key=lambda span: span[1] - span[0], reverse=True)


def _selected(line: int, covering: dict[int, tuple[str, ...]], definitions: list[tuple[int, int, bool]]) -> tuple[tuple[str, ...], bool]:
    """The tests to run against a mutant of `line`, and whether a mutant they miss is known to survive every test.

    A line the tests run: the tests that run it (sound: no other test can see the change). A line run only at import
    inside a function's definition (a decorator's arguments, a default): first the tests that run that function, then,
    if it survives them, all (not sound alone). Any other line run only at import: all tests (empty selection).
    """
    if line in covering:
        return covering[line], True
    inner = next(((first, last, function) for first, last, function in reversed(definitions) if first <= line <= last), None)
    if inner is not None and inner[2]:
        tests = tuple(dict.fromkeys(t for ln in range(inner[0], inner[1] + 1) for t in covering.get(ln, ())))
        return tests, not tests
    return (), True


def _test_mutant(stage_dir: Path, tests: tuple[str, ...], selection: tuple[tuple[str, ...], bool], timeout: float, log: Path):  # noqa: ANN202
    """The selected tests (all the module's when none are); a survivor of a selection that is not sound faces all of them."""
    chosen, sound = selection
    run = run_tests(stage_dir, chosen or tests, timeout, log)
    if run.killed or sound or not chosen:
        return run
    return run_tests(stage_dir, tests, timeout, log)


def _changed_line(mutated: str, line: int) -> str:
    rows = mutated.splitlines()
    return rows[line - 1].strip() if 0 < line <= len(rows) else ""


def run_planted(stage_dir: Path, work: Path) -> list[dict]:
    """Each planted bug applied alone to the staged copy and tested: killed, survived, or not applicable any more."""
    rows = []
    for bug in PLANTED:
        target = stage_dir / staged_path(bug.module)
        original = target.read_text(encoding="utf-8")
        if bug.old not in original:
            rows.append({"bug": bug.bug, "module": bug.module, "outcome": "not applicable (the code changed)"})
            continue
        tests = PLANTED_TESTS.get(bug.module) or TARGETS[bug.module]
        try:
            target.write_text(original.replace(bug.old, bug.new, 1), encoding="utf-8")
            run = run_tests(stage_dir, tests, 600.0, work / "logs" / "planted.log")
        finally:
            target.write_text(original, encoding="utf-8")
        rows.append({"bug": bug.bug, "module": bug.module, "outcome": "killed" if run.killed else "SURVIVED"})
    return rows


def _mutate_in_worker(module: str, work: Path, sample: int | None) -> tuple[ModuleResult, list[dict]]:
    """One module in a worker process, in that process's own staged copy (made on its first module)."""
    stage_dir = work / f"stage-{os.getpid()}"
    if not stage_dir.exists():
        stage(REPO, stage_dir)
    try:
        return mutate_module(module, TARGETS[module], stage_dir, work, sample)
    except RuntimeError as exc:  # its tests fail unmutated: report it, go on with the other modules
        return ModuleResult(module, error=str(exc).splitlines()[0]), []


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modules", nargs="*", default=None, help="repository paths (default: every target; none with the flag alone)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes, each with its own staged copy")
    parser.add_argument("--sample", type=int, default=None,
                        help="test a seeded random sample of N mutants per module (an estimate; default: every mutant)")
    parser.add_argument("--work", type=Path, default=Path("bench-results/mutation"), help="staged copies, sessions, logs")
    parser.add_argument("--json", type=Path, default=Path("bench-results/mutation.json"))
    parser.add_argument("--planted", action="store_true",
                        help="also run the bugs planted by hand (always done when every module is measured)")
    args = parser.parse_args(argv)
    modules = list(TARGETS) if args.modules is None else args.modules  # `--modules` alone: none (with --planted: only those)
    unknown = [m for m in modules if m not in TARGETS]
    if unknown:
        parser.error(f"not a mutation target: {', '.join(unknown)} (targets: {', '.join(TARGETS)})")
    os.environ.setdefault("HYPOTHESIS_PROFILE", "ci")
    os.environ.setdefault("REASMORY_SHARED", str(REPO.parent / "shared"))
    warm_up()
    work = args.work.resolve()
    for old in work.glob("stage-*"):
        shutil.rmtree(old)
    with ProcessPoolExecutor(max(1, args.workers), mp_context=get_context("fork")) as pool:
        done = list(pool.map(_mutate_in_worker, modules, [work] * len(modules), [args.sample] * len(modules)))
    results = [r for r, _ in done]
    survivors = [s for _, surv in done for s in surv]
    planted = run_planted(stage(REPO, work / "stage-planted"), work) if args.modules is None or args.planted else []
    rows = [[r.module, f"{r.killed + r.survived} of {r.candidates}", r.killed, r.survived, r.excluded,
             r.error or ("-" if r.score is None else f"{r.score:.1f}%"), f"{r.seconds:.0f}"] for r in results]
    killed, survived = sum(r.killed for r in results), sum(r.survived for r in results)
    rows.append(["all modules", f"{killed + survived} of {sum(r.candidates for r in results)}", killed, survived,
                 sum(r.excluded for r in results),
                 f"{100.0 * killed / (killed + survived):.1f}%" if killed + survived else "-", f"{sum(r.seconds for r in results):.0f}"])
    if survivors:
        emit("surviving mutants", ["module", "line", "operator", "source", "mutant"],
             [[s["module"], s["line"], s["operator"].removeprefix("core/"), s["source"][:70], s["mutant"][:70]] for s in survivors],
             {}, None)
    if planted:
        emit("bugs planted by hand (issue #24)", ["module", "bug", "outcome"], [[p["module"], p["bug"], p["outcome"]] for p in planted],
             {}, None)
    payload = {"modules": [{**r.__dict__, "score": r.score} for r in results], "survivors": survivors, "planted": planted,
               "equivalent": [e.__dict__ for e in EQUIVALENT], "excluded_operators": list(EXOTIC), "not_measured": NOT_MEASURED}
    emit("mutation score per module (cosmic-ray mutants; each module's own tests)",
         ["module", "mutants tested", "killed", "survived", "excluded", "score", "seconds"], rows, payload, args.json)


if __name__ == "__main__":
    main()
