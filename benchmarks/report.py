"""Shared output of benchmark commands: a rich table on the terminal and a JSON file."""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table


def machine() -> dict[str, Any]:
    import os

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "date": time.strftime("%Y-%m-%d"),
    }


def at_least(minimum: int, why: str) -> Callable[[str], int]:
    """An argparse type: a whole number no smaller than `minimum`, else a usage error that says why."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is below {minimum:,}: {why}")
        return value

    return parse


def timeit(fn: Callable[[], Any], repeat: int, warmup: int = 1) -> list[float]:
    """Wall-clock seconds of `repeat` calls after `warmup` untimed ones."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def settings_of(args: Any, leave_out: Sequence[str] = ("json",)) -> dict[str, Any]:
    """A benchmark's command-line settings (an argparse namespace) as the `settings` of its payload."""
    return {k.replace("_", "-"): (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items() if k not in leave_out}


def settings_caption(settings: dict[str, Any]) -> str:
    """One line saying what a table was made with (every benchmark prints it under its tables)."""
    return "settings: " + "; ".join(f"{k} {v}" for k, v in settings.items())


def emit(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], payload: dict[str, Any], json_path: Path | None) -> None:
    """Print `rows` as a table (captioned with `payload["settings"]` when there) and write `payload` (plus machine
    facts) as JSON."""
    settings = payload.get("settings")
    table = Table(title=title, title_justify="left", caption=settings_caption(settings) if settings else None, caption_justify="left")
    for col in columns:
        table.add_column(col, justify="right" if col != columns[0] else "left")
    for row in rows:
        table.add_row(*[f"{v:.4g}" if isinstance(v, float) else str(v) for v in row])
    Console(width=max(Console().width, 160)).print(table)
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps({"benchmark": title, "machine": machine(), **payload}, indent=2))
        Console().print(f"wrote {json_path}")
