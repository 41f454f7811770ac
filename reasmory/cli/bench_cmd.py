"""`reasmory bench …`: benchmark suites that print a per-task table and write JSON."""

from __future__ import annotations

from enum import Enum
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
    scenes_dir: Path = typer.Option(Path("bench-results/synthetic-scenes"), "--scenes-dir",
                                    help="Where scenes are generated and reused (in a subfolder per frames, size and generator setting)."),
    frames: int = typer.Option(32, "--frames", min=2, help="Frames per scene."),
    width: int = typer.Option(320, "--width", help="Image width of each scene's frames (even, 32 to 4096)."),
    height: int = typer.Option(240, "--height", help="Image height of each scene's frames (even, 32 to 4096)."),
    perception: str = typer.Option("exact", "--perception",
                                   help="Perception errors the rgbd memories are built under: exact | rgbd-sensor | vggt-like | sfm-like, "
                                        "optionally less a part: +true-masks, +true-geometry or +metric (docs/perception.md)."),
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
    from reasmory.memory.perception import preset

    if memory not in ("oracle", "rgbd", "sfm"):
        raise typer.BadParameter("choose oracle, rgbd or sfm", param_hint="--memory")
    preset(perception)  # an unknown preset or part: one line naming the choices
    with open_executor(executor, address, cpus, chunk_size) as ex:
        run_synthetic(scenes, seed, memory, scenes_dir, json_out, frames=frames, width=width, height=height,  # type: ignore[arg-type]
                      executor=ex, results=results, cache_dir=cache_dir, perception=perception)


class PaperFormat(str, Enum):
    vsi_tiny = "vsi-tiny"
    mindcube_tiny = "mindcube-tiny"
    vlm4d = "vlm4d"


class PaperGenerator(str, Enum):
    vlm = "vlm"
    compiler = "compiler"
    auto = "auto"


@app.command("annotations")
def annotations(
    file: Path = typer.Argument(..., metavar="FILE.json", show_default=False,
                                help="One of the paper's evaluation/annotation/*.json files (or one in the same format), read as it is."),
    media: list[Path] = typer.Option(None, "--media", help=(
        "Folder under which the files' videos or photos lie (any ancestor of them; repeat for several, e.g. the paper's "
        "repository and the MindCube dataset its photo links point into); not needed with --meta-dir.")),
    fmt: PaperFormat = typer.Option(..., "--format", help="vsi-tiny, mindcube-tiny or vlm4d."),
    generator: PaperGenerator = typer.Option(PaperGenerator.vlm, "--generator",
                                             help="vlm: the configured VLM writes every program (the paper's protocol); compiler: offline only; auto: both."),
    meta_dir: Path | None = typer.Option(None, "--meta-dir", help="vsi-tiny: answer on memories from VSI-Bench's 3D boxes (the upper bound), not the videos."),
    json_out: Path | None = typer.Option(None, "--json", help="Write per-question records, the per-category table and usage here."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Only the first N questions."),
    executor: ExecutorName = EXECUTOR,
    results: Path | None = RESULTS,
    address: str | None = ADDRESS,
    cpus: int | None = CPUS,
    chunk_size: int = CHUNK_SIZE,
) -> None:
    """The Reasmory paper's benchmarks from its own annotation files: answered, scored as the paper scores (exact match, MRA),
    per category with model calls, tokens and cost (prices: REASMORY_VLM_INPUT_PRICE / _OUTPUT_PRICE, US$ per million tokens).

    Entries whose media are missing or whose memory cannot be built are listed as not attempted, with the reason.
    Setup for the paper's tables: docs/reproduce.md.

    Example: [cyan]reasmory bench annotations eval_vsibench_tiny.json --media /data --format vsi-tiny --meta-dir shared/data/vsibench/meta_info --json vsi.json[/]
    """
    from reasmory.answering import Settings
    from reasmory.batch.answer_job import GPU_BACKENDS
    from reasmory.benchmarks.annotations_bench import run_annotations
    from reasmory.errors import InputError

    settings = Settings.load(generator=generator.value)
    if generator is not PaperGenerator.compiler and not settings.vlm_configured():
        raise InputError(f"--generator {generator.value} needs a VLM, and none is configured",
                         hint="set REASMORY_VLM_BASE_URL and REASMORY_VLM_MODEL (docs/reproduce.md), or use --generator compiler")
    gpus = 1.0 if settings.backend in GPU_BACKENDS else 0.0
    with open_executor(executor, address, cpus, chunk_size) as ex:
        run_annotations(file, fmt.value, media or [], settings.model_dump(exclude={"config"}), meta_dir=meta_dir,  # type: ignore[arg-type]
                        json_path=json_out, limit=limit, executor=ex, results=results, gpus_per_build=gpus)


@app.command("phrasing")
def phrasing(
    questions: Path = typer.Option(..., "--questions", help="Questions in everyday wording (the phrasing set's JSON Lines format)."),
    meta_dir: Path = typer.Option(..., "--meta-dir", help="Folder with the *_meta_info_val.json files."),
    json_out: Path | None = typer.Option(None, "--json", help="Write per-question records, readings and the summary here."),
) -> None:
    """Questions in everyday wording read by the offline reader and answered on ground-truth memories.

    Numbers score by MRA in the question's unit, letters and yes/no by exact match; a refusal question is right only
    when declined. The table gives the score over all questions and over those answered, and the answered-but-wrong count.

    Example: [cyan]reasmory bench phrasing --questions shared/data/phrasing/dev_questions.jsonl --meta-dir shared/data/vsibench/meta_info --json phrasing.json[/]
    """
    from reasmory.benchmarks.phrasing import run_phrasing

    run_phrasing(questions, meta_dir, json_out)
