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


def update_document(path: str) -> None:
    """Rewrite the generated table between the operations markers of a markdown file."""
    from pathlib import Path

    doc = Path(path)
    head, rest = doc.read_text(encoding="utf-8").split("<!-- operations:start -->\n")
    tail = rest.split("<!-- operations:end -->")[1]
    doc.write_text(f"{head}<!-- operations:start -->\n{operations_markdown()}<!-- operations:end -->{tail}", encoding="utf-8")


if __name__ == "__main__":
    import sys

    import reasmory.interpreter  # noqa: F401  (registers the operations)

    update_document(sys.argv[1] if len(sys.argv) > 1 else "docs/language.md")
