"""`reasmory trace show|html`: read a trace without the memory."""

from __future__ import annotations

from pathlib import Path

import typer

from reasmory.cli.output import console, escape
from reasmory.files import write_atomic

app = typer.Typer(help="Inspect program traces (no memory needed).", no_args_is_help=True)


@app.command("show")
def show(
    trace: Path = typer.Argument(..., help="A trace JSON file.", show_default=False),
    as_json: bool = typer.Option(False, "--json", help="Print the JSON itself."),
) -> None:
    """Show a trace as a tree: each statement with its value, warnings, images and time.

    Example: [cyan]reasmory trace show trace.json[/]
    """
    from reasmory.interpreter.trace import Trace
    from reasmory.traces import trace_tree

    loaded = Trace.load(trace)
    if as_json:
        console.print_json(loaded.model_dump_json())
    else:
        console.print(trace_tree(loaded))


@app.command("html")
def html_report(
    trace: Path = typer.Argument(..., help="A trace JSON file.", show_default=False),
    out: Path = typer.Option(..., "-o", "--out", help="The HTML file to write."),
) -> None:
    """Write a self-contained HTML page for a trace (images embedded, no network needed).

    Example: [cyan]reasmory trace html trace.json -o report.html[/]
    """
    from reasmory.interpreter.trace import Trace
    from reasmory.traces import ReportItem, trace_html

    loaded = Trace.load(trace)
    page = trace_html([ReportItem(loaded)], title=loaded.question or "Reasmory trace", base=trace.parent)
    write_atomic(out, lambda tmp: tmp.write_text(page, encoding="utf-8"), "the report")
    console.print(f"wrote {escape(str(out))}")
