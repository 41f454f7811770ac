"""`reasmory batch`: answer a JSON Lines file of questions, locally or on Ray; and the executor options `bench` shares."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from reasmory.cli.build_cmd import BackendName
from reasmory.errors import InputError

if TYPE_CHECKING:
    from reasmory.batch import Executor


class ExecutorName(str, Enum):
    local = "local"
    ray = "ray"


_RESULTS_HELP = "Append each result to this JSON Lines file as it finishes; re-running with the same file does only the missing items."
# Shared by `batch` and the `bench` commands (typer reads these; nothing mutates them).
EXECUTOR: Any = typer.Option(ExecutorName.local, "--executor", help="local: this process; ray: a local Ray instance or the cluster at --address.")
RESULTS: Any = typer.Option(None, "--results", "-o", help=_RESULTS_HELP)
RESULTS_REQUIRED: Any = typer.Option(..., "--results", "-o", help=_RESULTS_HELP)
ADDRESS: Any = typer.Option(None, "--address", help="Ray cluster to join (auto, or HEAD-IP:6379); default $RAY_ADDRESS, else a local Ray instance.")
CPUS: Any = typer.Option(None, "--cpus", min=1, help="CPUs of the local Ray instance (default: all).")
CHUNK_SIZE: Any = typer.Option(16, "--chunk-size", min=1, help="Questions per Ray answering task.")


def open_executor(name: ExecutorName, address: str | None, cpus: int | None, chunk_size: int) -> Executor:
    """The executor the options ask for (not yet entered); Ray-only options with the local one are a usage error."""
    from reasmory.batch import make_executor

    if name is ExecutorName.local and (address is not None or cpus is not None):
        raise InputError(f"{'--address' if address is not None else '--cpus'} applies to the ray executor", hint="add --executor ray")
    return make_executor(name.value, address=address, cpus=cpus, chunk_size=chunk_size)


def batch(
    inputs: Path = typer.Argument(..., metavar="INPUT.jsonl", show_default=False, help=(
        'Questions as JSON Lines: {"source": …, "question": …, "options": […]} (optional: id, question_type, ground_truth); '
        "sources are .rmem files, scene folders, videos or image folders, relative to INPUT's folder.")),
    results: Path = RESULTS_REQUIRED,
    executor: ExecutorName = EXECUTOR,
    address: str | None = ADDRESS,
    cpus: int | None = CPUS,
    chunk_size: int = CHUNK_SIZE,
    backend: BackendName | None = typer.Option(None, "--backend", "-b", help="Reconstruction backend for sources that need a memory built."),
    gpus_per_build: float | None = typer.Option(None, "--gpus-per-build", min=0, help=(
        "GPUs per memory build on Ray (a pool of GPU actors); default 1 for --backend vggt, else 0 (CPU tasks).")),
    cache_dir: Path | None = typer.Option(None, "--cache-dir", help="Memory cache; on a cluster, a folder every node shares."),
    generator: str | None = typer.Option(None, "--generator", help="auto, compiler or vlm (see `reasmory answer`)."),
    retry_errors: bool = typer.Option(False, "--retry-errors", help="Also redo items the results file holds as errors."),
    json_out: Path | None = typer.Option(None, "--json", help="Write the per-task table and run figures here."),
) -> int:
    """Answer many questions about many scenes: each source's memory is built once, results stream to --results.

    Exit status 1 when some items ended in an error (their lines say why). Multi-node: docs/scale-out.md.

    Example: [cyan]reasmory batch questions.jsonl --results answers.jsonl --executor ray --address auto[/]
    """
    from reasmory.answering import Settings
    from reasmory.batch import ResultStore, run_items
    from reasmory.batch.answer_job import (
        GPU_BACKENDS,
        TASK_COLUMNS,
        AnswerJob,
        load_inputs,
        task_table,
        usage_of,
    )
    from reasmory.benchmarks.report import emit
    from reasmory.cli.output import err_console

    overrides = {k: v for k, v in {"backend": backend.value if backend else None, "cache_dir": cache_dir,
                                   "generator": generator}.items() if v is not None}
    settings = Settings.load(**overrides)
    gpus = gpus_per_build if gpus_per_build is not None else (1.0 if settings.backend in GPU_BACKENDS else 0.0)
    job = AnswerJob(settings=settings.model_dump(exclude={"config"}), gpus_per_build=gpus,
                    artifacts_dir=results.resolve().parent / f"{results.stem}-artifacts")
    items = job.items(load_inputs(inputs))
    with open_executor(executor, address, cpus, chunk_size) as ex, ResultStore(results) as store:
        run = run_items(job, items, ex, store, redo=(lambda r: r.get("status") == "error") if retry_errors else None)
    rows, overall = task_table(run.results)
    title = f"{inputs.name}: {run.items} items, {run.done} answered now on the {run.executor} executor ({run.items_per_second:.1f} items/s)"
    payload = {"inputs": str(inputs), "results": str(results), "executor": run.executor, "items": run.items, "items_done": run.done,
               "items_resumed": run.resumed, "memories_built": run.built, "run_seconds": run.seconds,
               "items_per_second": run.items_per_second, "overall": overall, "usage": usage_of(run.results).model_dump(),
               "tasks": [dict(zip(TASK_COLUMNS, r, strict=True)) for r in rows[:-1]]}
    emit(title, TASK_COLUMNS, rows, payload, json_out)
    errors = rows[-1][3]
    if errors:
        err_console.print(f"{errors} item(s) ended in an error; see their \"error\" in {results}", highlight=False)
    return 1 if errors else 0
