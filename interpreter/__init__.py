"""The language: parse → check → run, with traces.

    from reasmory.interpreter import check, run
    errors = check(source, memory, options)      # list of Diagnostics (cost included), empty when valid
    result = run(source, memory, options)        # .answer, .value, .trace
    Sandbox().run(source, memory, options)       # the same in a worker killed at its deadline, memory capped

No stage uses eval, exec, compile or attribute access into Python objects.
"""

from __future__ import annotations

import time
from pathlib import Path

from reasmory.interpreter import cost_ops, ops  # noqa: F401  (registers the operations and declares their costs)
from reasmory.interpreter.ast import Program, Span
from reasmory.interpreter.checker import check_program
from reasmory.interpreter.context import DEFAULT_LIMITS, Context, Limits, parse_options
from reasmory.interpreter.cost import Estimate
from reasmory.interpreter.cost import estimate as estimate_program
from reasmory.interpreter.errors import CheckError, Diagnostic, LanguageError, ParseError, RunError, highlight
from reasmory.interpreter.executor import RunResult, execute, format_answer
from reasmory.interpreter.parser import parse
from reasmory.interpreter.registry import REGISTRY
from reasmory.interpreter.sandbox import Sandbox
from reasmory.interpreter.trace import Trace
from reasmory.memory import SpatialMemory
from reasmory.memory.evidence import evidence


def check(source: str | Program, memory: SpatialMemory | None = None, options: list[str] | None = None, limits: Limits | None = None) -> list[Diagnostic]:
    """Every problem found before running (syntax, types, names, labels, limits, cost); empty when the program may run."""
    limits = limits or DEFAULT_LIMITS
    try:
        program = source if isinstance(source, Program) else parse(_within_length(source, limits))
    except ParseError as exc:
        return exc.diagnostics
    n_options = None if options is None else len(parse_options(options))
    return check_program(program, memory, n_options, limits)


def estimate(source: str | Program, memory: SpatialMemory | None = None, options: list[str] | None = None,
             limits: Limits | None = None) -> Estimate:
    """The estimated cost (seconds on the reference machine, per call) of a program that checks clean."""
    program = source if isinstance(source, Program) else parse(source)
    n_options = None if options is None else len(parse_options(options))
    return estimate_program(program, memory, n_options, limits)


def _within_length(source: str, limits: Limits) -> str:
    """The source, unless it is longer than a program may be (refused before the parser reads it)."""
    if len(source) > limits.max_program_chars:
        raise ParseError([Diagnostic(stage="parse", code="program-too-long", message=f"the program has {len(source):,} characters",
                                     expected=f"at most {limits.max_program_chars:,}", hint="write a shorter program")], source[:1000])
    return source


def run(
    source: str | Program,
    memory: SpatialMemory,
    options: list[str] | None = None,
    *,
    limits: Limits | None = None,
    artifacts_dir: str | Path | None = None,
    question: str | None = None,
) -> RunResult:
    """Parse, check and execute; raises ParseError / CheckError / RunError (each a LanguageError)."""
    start = time.perf_counter()
    limits = limits or Limits()
    program = source if isinstance(source, Program) else parse(_within_length(source, limits))
    pairs = parse_options(options)
    problems = [d for d in check_program(program, memory, len(pairs) if options is not None else None, limits) if d.severity == "error"]
    if problems:
        raise CheckError(problems, program.source)
    ctx = Context(memory=memory, options=pairs, limits=limits, artifacts_dir=Path(artifacts_dir) if artifacts_dir else None)
    trace = Trace.model_construct(
        program=program.source,
        memory_id=memory.memory_id,
        memory_summary={"objects": len(memory.objects), "frames": len(memory.frames), "labels": memory.label_counts()},
        question=question,
        options=list(options or []),
    )
    try:
        value = execute(program, ctx, trace)
    finally:
        trace.evidence = evidence(memory, trace.object_ids())
        trace.total_ms = (time.perf_counter() - start) * 1000
        trace.preparation_ms = ctx.preparation_s * 1000
    trace.answer = format_answer(value)
    trace.answer_value = trace.steps[-1].result if trace.steps else None
    return RunResult(answer=trace.answer, value=value, trace=trace, warnings=list(ctx.warnings))


__all__ = [
    "REGISTRY", "CheckError", "Diagnostic", "Estimate", "LanguageError", "Limits", "ParseError", "Program", "RunError", "RunResult",
    "Sandbox", "Span", "Trace", "check", "estimate", "format_answer", "highlight", "parse", "run",
]
