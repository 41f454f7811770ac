"""`reasmory bench …`: benchmark suites that print a per-task table and write JSON."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="Run benchmark suites (per-task tables, per-question JSON).", no_args_is_help=True)


@app.command("vsibench")
def vsibench(
    questions: Path = typer.Option(..., "--questions", help="VSI-Bench questions as JSON Lines."),
    meta_dir: Path = typer.Option(..., "--meta-dir", help="Folder with the *_meta_info_val.json files."),
    json_out: Path | None = typer.Option(None, "--json", help="Write per-question records and the summary here."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Only the first N questions."),
) -> None:
    """VSI-Bench questions answered on ground-truth memories built from the benchmark's 3D boxes.

    Example: [cyan]reasmory bench vsibench --questions shared/data/vsibench/dev_questions.jsonl --meta-dir shared/data/vsibench/meta_info --json vsibench.json[/]
    """
    from reasmory.benchmarks.vsibench import run_vsibench

    run_vsibench(questions, meta_dir, json_out, limit)
