"""The operation reference, generated from the registry (used by the docs, the CLI and VLM prompts)."""

from __future__ import annotations

from reasmory.interpreter.registry import REGISTRY

_CATEGORY_ORDER = ("objects", "geometry", "time", "views", "directions", "rendering", "answers", "general")


def operations_markdown() -> str:
    """A markdown table of every operation: signature, unit and doc line, grouped by category."""
    lines = ["| operation | result | meaning |", "|---|---|---|"]
    ops = sorted(REGISTRY, key=lambda op: (_CATEGORY_ORDER.index(op.category) if op.category in _CATEGORY_ORDER else 99, op.name))
    for op in ops:
        args = ", ".join(p.signature() for p in op.params)
        result = op.signature().rsplit(" -> ", 1)[1]
        cells = [f"`{op.name}({args})`", result, op.doc]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
