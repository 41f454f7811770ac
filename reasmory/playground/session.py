"""A playground session: statements typed so far, each new input checked and run on top of them.

The session is a growing program. An assignment is kept once it checks and
runs; an expression is shown (as `answer(expr)`) and remembered as the
session's latest answer. Everything is re-run from the start each time, so
values are always those of the program `:save` writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reasmory.interpreter import CheckError, LanguageError, ParseError, RunError, Sandbox, check, parse
from reasmory.interpreter.ast import Assign, Call, ExprStmt, Span
from reasmory.interpreter.errors import Diagnostic
from reasmory.interpreter.trace import Trace, TraceStep
from reasmory.memory import SpatialMemory


@dataclass
class Outcome:
    """What one input produced: the step to show, or errors located in the input's own lines."""

    step: TraceStep | None = None
    errors: list[Diagnostic] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    source: str = ""


def _shift(diagnostic: Diagnostic, lines: int, offset: int, lead: int = 0) -> Diagnostic:
    """Move a span of the whole session program onto the input's own text (`lead` characters were put before it)."""
    if diagnostic.span is None:
        return diagnostic
    s = diagnostic.span
    first = lambda line, col: col - lead if line == lines + 1 else col  # noqa: E731
    span = Span(s.line - lines, max(1, first(s.line, s.column)), s.end_line - lines, max(1, first(s.end_line, s.end_column)),
                max(0, s.start - offset - lead), max(0, s.end - offset - lead))
    return diagnostic.model_copy(update={"span": span})


class PlaygroundSession:
    def __init__(self, memory: SpatialMemory, options: list[str] | None = None, artifacts_dir: Path | None = None) -> None:
        self.memory = memory
        self.options = options or []
        self.artifacts_dir = artifacts_dir
        self.statements: list[str] = []
        self.last_expression: str | None = None
        self.last_trace: Trace | None = None
        self.sandbox = Sandbox()  # each run in a worker that is killed at its deadline and capped in memory

    def start(self) -> None:
        """Start the run worker and take the memory in, so the first statement answers as fast as the next."""
        self.sandbox.run("answer(0)\n", self.memory)

    @property
    def prefix(self) -> str:
        return "".join(s if s.endswith("\n") else s + "\n" for s in self.statements)

    def variables(self) -> list[str]:
        return [stmt.name for stmt in parse(self.prefix + "answer(0)\n").statements if isinstance(stmt, Assign)] if self.statements else []

    def submit(self, text: str) -> Outcome:
        """Check and run one input on top of the session; keep it when it works."""
        text = text.strip("\n")
        prefix = self.prefix
        lines, offset = prefix.count("\n"), len(prefix)
        try:
            parsed = parse(text)
        except ParseError as exc:
            return Outcome(errors=exc.diagnostics, source=text)
        if len(parsed.statements) != 1:
            message = "type one statement at a time" if parsed.statements else "nothing to run"
            return Outcome(errors=[Diagnostic(stage="parse", code="one-statement", message=message)], source=text)
        stmt = parsed.statements[0]
        shown = stmt.name if isinstance(stmt, Assign) else text
        if isinstance(stmt, ExprStmt) and isinstance(stmt.value, Call) and stmt.value.func == "answer" and stmt.value.args:
            shown = parsed.text(stmt.value.args[0].span)
        program = prefix + (text + "\n" if isinstance(stmt, Assign) else "") + f"answer({shown})\n"
        lead = 0 if isinstance(stmt, Assign) or shown != text else len("answer(")
        problems = [d for d in check(program, self.memory, self.options) if d.span is None or d.span.line > lines]
        if problems:
            return Outcome(errors=[_shift(d, lines, offset, lead) for d in problems], source=text)
        try:
            result = self.sandbox.run(program, self.memory, self.options, artifacts_dir=self.artifacts_dir)
        except (CheckError, ParseError) as exc:
            return Outcome(errors=[_shift(d, lines, offset, lead) for d in exc.diagnostics], source=text)
        except RunError as exc:
            self.last_trace = exc.trace
            return Outcome(errors=[_shift(d, lines, offset, lead) for d in exc.diagnostics], source=text)
        except LanguageError as exc:
            return Outcome(errors=exc.diagnostics, source=text)
        self.last_trace = result.trace
        if isinstance(stmt, Assign):
            self.statements.append(text)
            step = result.trace.steps[-2]
        else:
            self.last_expression = shown
            step = result.trace.steps[-1]
        return Outcome(step=step, warnings=step.warnings, source=text)

    def program(self) -> str:
        """The session as a program: its statements, answering the latest expression (or the last name)."""
        names = self.variables()
        final = self.last_expression or (names[-1] if names else None)
        if final is None:
            raise ValueError("the session has nothing to answer yet")
        return self.prefix + f"answer({final})\n"

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.program(), encoding="utf-8")
        return path
