"""`reasmory bench …`: benchmark suites that print a per-task table and write JSON."""

from __future__ import annotations

from pathlib import Path

import typer

from reasmory.cli.batch_cmd import ADDRESS, CHUNK_SIZE, CPUS, EXECUTOR, RESULTS, ExecutorName, open_executor

app = typer.Typer(help="Run benchmark suites (per-task tables, per-question JSON).", no_args_is_help=True)


@app.command("vsibench")
def vsibench(
    questions: Path = typer.Option(..., "--questions", help="VSI-Bench questions as JSON Lines."),
    meta_dir: Path = typer.Option(..., "--meta-dir", help="Folder with the *_meta_info_val.json files."),
    json_out: Path | None = typer.Option(None, "--json", help="Write per-question records and the summary here."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Only the first N questions."),
    executor: ExecutorName = EXECUTOR,
    results: Path | None = RESULTS,
    address: str | None = ADDRESS,
    cpus: int | None = CPUS,
    chunk_size: int = CHUNK_SIZE,
) -> None:
    """VSI-Bench questions answered on ground-truth memories built from the benchmark's 3D boxes.

    With --executor ray, memories are built and questions answered as Ray tasks (docs/scale-out.md).

    Example: [cyan]reasmory bench vsibench --questions shared/data/vsibench/dev_questions.jsonl --meta-dir shared/data/vsibench/meta_info --json vsibench.json[/]
    """
    from reasmory.benchmarks.vsibench import run_vsibench

    with open_executor(executor, address, cpus, chunk_size) as ex:
        run_vsibench(questions, meta_dir, json_out, limit, executor=ex, results=results)


@app.command("synthetic")
def synthetic(
    scenes: int = typer.Option(20, "--scenes", min=1, help="Number of scenes (seeds SEED … SEED+N−1)."),
    seed: int = typer.Option(0, "--seed", min=0, help="First seed."),
    memory: str = typer.Option("oracle", "--memory", help="How memories are built: oracle | rgbd | sfm."),
    scenes_dir: Path = typer.Option(Path("bench-results/synthetic-scenes"), "--scenes-dir", help="Where scenes are generated and reused."),
    frames: int = typer.Option(32, "--frames", min=2, help="Frames per scene."),
    perception: str = typer.Option("exact", "--perception",
                                   help="Perception errors the rgbd memories are built under: exact | rgbd-sensor | vggt-like | sfm-like (docs/perception.md)."),
    json_out: Path | None = typer.Option(None, "--json", help="Write per-question records and the summary here."),
    executor: ExecutorName = EXECUTOR,
    results: Path | None = RESULTS,
    address: str | None = ADDRESS,
    cpus: int | None = CPUS,
    chunk_size: int = CHUNK_SIZE,
    cache_dir: Path | None = typer.Option(None, "--cache-dir", help="Cache rgbd memories here (on a cluster: shared storage)."),
) -> None:
    """Synthetic scenes with exact answers: every question family, same report as the VSI-Bench runner.

    With --executor ray, scenes are generated, memories built and questions answered as Ray tasks; with --results,
    an interrupted run resumes where it stopped.

    Example: [cyan]reasmory bench synthetic --scenes 20 --seed 0 --memory oracle --json synthetic.json[/]
    Example: [cyan]reasmory bench synthetic --scenes 8 --executor ray --results synthetic.jsonl[/]
    Example: [cyan]reasmory bench synthetic --scenes 3 --memory rgbd --perception vggt-like[/]
    """
    from reasmory.benchmarks.synthetic import run_synthetic
    from reasmory.memory.perception import PRESETS

    if memory not in ("oracle", "rgbd", "sfm"):
        raise typer.BadParameter("choose oracle, rgbd or sfm", param_hint="--memory")
    if perception not in PRESETS:
        raise typer.BadParameter("choose " + ", ".join(PRESETS), param_hint="--perception")
    with open_executor(executor, address, cpus, chunk_size) as ex:
        run_synthetic(scenes, seed, memory, scenes_dir, json_out, frames=frames,  # type: ignore[arg-type]
                      executor=ex, results=results, cache_dir=cache_dir, perception=perception)
