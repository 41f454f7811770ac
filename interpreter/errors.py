"""Language errors: one Diagnostic shape for parse, check and run failures.

A Diagnostic is data (code, message, span, expected, hint) so the repair loop
can send it back to a model; `highlight` renders it for people with the
offending source line and a caret under the offending text.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from reasmory.errors import ReasmoryError
from reasmory.interpreter.ast import Span

Stage = Literal["parse", "check", "run"]


class Diagnostic(BaseModel):
    """One problem found in a program."""

    model_config = ConfigDict(defer_build=True)  # a program that checks clean makes none: a run's start-up does not build its validator

    stage: Stage
    code: str
    message: str
    span: Span | None = None
    expected: str | None = None
    hint: str | None = None
    severity: Literal["error", "warning"] = "error"
    subject: str | None = Field(default=None, description="what the problem is about, e.g. the label a memory lacks")

    def where(self) -> str:
        return f"line {self.span.line}, column {self.span.column}" if self.span else "program"

    def one_line(self) -> str:
        text = f"{self.where()}: {self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        if self.hint:
            text += f"; {self.hint}"
        return text


class LanguageError(ReasmoryError):
    """A program that cannot be parsed, checked or run. Carries every diagnostic found."""

    exit_code = 1

    def __init__(self, diagnostics: list[Diagnostic], source: str) -> None:
        first = diagnostics[0]
        more = f" (and {len(diagnostics) - 1} more)" if len(diagnostics) > 1 else ""
        super().__init__(f"{first.one_line()}{more}")
        self.diagnostics = diagnostics
        self.source = source

    def __reduce__(self) -> tuple[type, tuple]:
        """Pickled whole, so the error crosses process pools (batch workers, fuzzing rounds) as it is."""
        return type(self), (self.diagnostics, self.source)

    def render(self) -> str:
        return "\n\n".join(highlight(self.source, d) for d in self.diagnostics)


class ParseError(LanguageError):
    """The text is not a program of the language."""


class CheckError(LanguageError):
    """The program parses but would not run correctly (types, names, labels, limits)."""


class RunError(LanguageError):
    """The program stopped while running (e.g. an empty set where an object is needed)."""

    def __init__(self, diagnostics: list[Diagnostic], source: str, trace: object | None = None) -> None:
        super().__init__(diagnostics, source)
        self.trace = trace

    def __reduce__(self) -> tuple[type, tuple]:
        return type(self), (self.diagnostics, self.source, self.trace)


def highlight(source: str, diagnostic: Diagnostic) -> str:
    """The diagnostic as people read it: header, the source line, a caret line, expected and hint."""
    head = f"{diagnostic.severity}[{diagnostic.code}] {diagnostic.where()}: {diagnostic.message}"
    lines = [head]
    span = diagnostic.span
    if span is not None:
        src_lines = source.splitlines() or [""]
        row = min(span.line, len(src_lines))
        text = src_lines[row - 1].expandtabs(1) if src_lines else ""
        width = span.end_column - span.column if span.end_line == span.line else len(text) - span.column + 1
        gutter = f"{row:>4} | "
        lines.append(gutter + text)
        lines.append(" " * (len(gutter) - 2) + "| " + " " * (span.column - 1) + "^" * max(1, width))
    if diagnostic.expected:
        lines.append(f"  expected: {diagnostic.expected}")
    if diagnostic.hint:
        lines.append(f"  hint: {diagnostic.hint}")
    return "\n".join(lines)
