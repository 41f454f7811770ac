"""The terminal view of a trace: statements with source, values, warnings and timings."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from rich.tree import Tree

from reasmory.interpreter.syntax import tokens
from reasmory.interpreter.trace import Trace
from reasmory.terminal import escape, printable

STYLES = {"operation": "bold cyan", "name": "white", "keyword": "magenta", "string": "green", "number": "yellow",
          "comment": "dim italic", "operator": "bold", "punctuation": "dim", "text": ""}


def highlighted(source: str) -> Text:
    text = Text()
    for kind, piece in tokens(source):
        text.append(printable(piece), STYLES[kind])
    return text


def value_text(value: dict[str, Any] | None) -> str:
    """A summarised value as a person reads it: '3.45 m', 'chair #4 at (1.0, 2.0, 0.4)', 'View camera 3 …'.

    A trace is a file anyone can write: a summary of the wrong shape reads as '(unreadable value)', never an error.
    """
    try:
        return _value_text(value)
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError):
        return "(unreadable value)"


def _value_text(value: dict[str, Any] | None) -> str:
    if not value:
        return "—"
    kind = value.get("type")
    if kind == "Number":
        return f"{value['value']:g}" + (f" {value['unit']}" if value.get("unit") else "")
    if kind in ("Text", "Bool"):
        return str(value["value"])
    if kind == "Object":
        return f"{value['label']} #{value['id']} at ({', '.join(f'{c:.2f}' for c in value['center'])})"
    if kind == "Objects":
        ids = ", ".join(f"#{i}" for i in value["ids"])
        return f"{value['count']} × {value['label']} [{ids}]"
    if kind == "View":
        pos = ", ".join(f"{c:.2f}" for c in value["position"])
        return f"view {value['origin']}: at ({pos}), heading {value['heading_deg']:.1f}°"
    if kind == "Point":
        return "(" + ", ".join(f"{c:.2f}" for c in value["xyz"]) + ")"
    if kind == "Image":
        return f"image {value['path']} ({value['width']}×{value['height']}): {value['caption']}"
    if kind == "List":
        more = " …" if value["length"] > len(value["items"]) else ""
        return "[" + ", ".join(_value_text(v) for v in value["items"]) + more + "]"
    return str(kind)


def trace_tree(trace: Trace) -> Tree:
    title = f"[bold]answer: {escape(trace.answer or '—')}[/]  [dim]({trace.total_ms:.1f} ms, memory {escape(trace.memory_id or '-')})[/]"
    if trace.question:
        title = f"[bold]{escape(trace.question)}[/]\n" + title
    root = Tree(title)
    if len(trace.attempts) > 1:
        _attempts(root, trace)
    for step in trace.steps:
        label = highlighted(step.source.strip())
        label.append(f"   {step.duration_ms:.2f} ms", "dim")
        node = root.add(label)
        node.add(f"[green]→ {escape(value_text(step.result))}[/]")
        for call in step.calls[:-1] if step.operation else step.calls:
            node.add(f"[dim]{escape(call.operation)}(…) → {escape(value_text(call.result))}[/]")
        for warning in step.warnings:
            node.add(f"[yellow]warning: {escape(warning)}[/]")
        for path in step.artifacts:
            node.add(f"[blue]image: {escape(path)}[/]")
    if trace.error is not None:
        root.add(f"[bold red]error[{escape(trace.error.code)}] {escape(trace.error.one_line())}[/]")
    return root


def _attempts(root: Tree, trace: Trace) -> None:
    """How the program was obtained: compiles, VLM replies, repairs, labels grounded on demand."""
    spent = f"  [dim]({escape(trace.usage.line())})[/]" if trace.usage.calls else ""
    node = root.add(f"[bold]attempts[/]{spent}")
    for attempt in trace.attempts:
        mark = "[green]✓[/]" if attempt.ok else "[red]✗[/]"
        outcome = attempt.answer if attempt.ok or attempt.kind == "ground" else attempt.error
        grammar = {True: "  [dim]constrained[/]", "sent, not confirmed": "  [dim]grammar sent, not confirmed[/]"}.get(attempt.constrained, "")
        node.add(f"{mark} {attempt.kind} [dim]{escape(attempt.generator)}[/] {escape((outcome or '').splitlines()[0] if outcome else '')}"
                 f"{grammar}  [dim]{attempt.duration_ms:.0f} ms[/]")
