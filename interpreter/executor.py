"""Executing a checked program: each statement once, in order, under a time budget, leaving a trace.

Nothing here reaches Python: names resolve in the program's own environment,
calls resolve in the operation registry, and values are the language's own.
"""

from __future__ import annotations

import operator
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reasmory.errors import MemoryQueryError
from reasmory.interpreter import ast
from reasmory.interpreter.context import Context, OpError
from reasmory.interpreter.errors import Diagnostic, RunError
from reasmory.interpreter.limits import range_problem, value_problem
from reasmory.interpreter.registry import REGISTRY, Operation
from reasmory.interpreter.trace import CallRecord, Trace, TraceStep, summarize
from reasmory.interpreter.values import Image, ObjectSet, View
from reasmory.memory.model import ObjectInstance

_ARITH: dict[str, Callable[[float, float], float]] = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
}


class _Stop(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic


@dataclass
class RunResult:
    """The program's answer (formatted as benchmarks expect), its raw value, and the trace."""

    answer: str | None
    value: Any
    trace: Trace
    warnings: list[str] = field(default_factory=list)


def format_answer(value: Any) -> str | None:
    """Numbers as plain numbers, booleans as yes/no, objects by label, lists comma-separated."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        v = float(value)
        return str(int(round(v))) if abs(v - round(v)) < 1e-9 else f"{v:.3f}".rstrip("0").rstrip(".")
    if isinstance(value, str):
        return value
    if isinstance(value, ObjectInstance):
        return value.label
    if isinstance(value, ObjectSet):
        return ", ".join(dict.fromkeys(o.label for o in value.objects)) or f"no {value.label}"
    if isinstance(value, View):
        return value.origin
    if isinstance(value, Image):
        return value.path
    if isinstance(value, tuple):
        return ", ".join(format_answer(v) or "" for v in value)
    return str(value)


class Executor:
    def __init__(self, program: ast.Program, ctx: Context, trace: Trace) -> None:
        self.program = program
        self.ctx = ctx
        self.trace = trace
        self.env: dict[str, Any] = {"options": tuple(f"{letter}. {text}" for letter, text in ctx.options)}
        self.calls: list[CallRecord] = []
        self.units: dict[str, str] = {}
        self.final: Any = None
        self._eval: dict[type, Callable[[Any], Any]] = {
            ast.Number: lambda n: n.value,
            ast.String: lambda n: n.value,
            ast.Bool: lambda n: n.value,
            ast.Name: lambda n: self.env[n.id],
            ast.ListExpr: self._list,
            ast.Call: self._call,
            ast.BinOp: self._binop,
            ast.BoolOp: self._boolop,
            ast.UnaryOp: self._unary,
        }

    def evaluate(self, node: ast.Expr) -> Any:
        return self._eval[type(node)](node)

    def run(self) -> Any:
        for index, stmt in enumerate(self.program.statements):
            self._statement(index, stmt)
        return self.final

    def _statement(self, index: int, stmt: ast.Statement) -> None:
        self.calls = []
        warnings_before = len(self.ctx.warnings)
        artifacts_before = len(self.ctx.artifacts)
        start = time.perf_counter()
        step = TraceStep.model_construct(index=index, span=stmt.span, source=self.program.text(stmt.span))
        self.trace.steps.append(step)
        try:
            value = self.evaluate(stmt.value)
        finally:
            step.duration_ms = (time.perf_counter() - start) * 1000
            step.calls = self.calls
            step.warnings = self.ctx.warnings[warnings_before:]
            step.artifacts = self.ctx.artifacts[artifacts_before:]
        outer = stmt.value if isinstance(stmt.value, ast.Call) else None
        if outer is not None and self.calls:
            step.operation = outer.func
            step.args = self.calls[-1].args
        unit = self._unit_of(stmt.value)
        if isinstance(stmt, ast.Assign):
            self.env[stmt.name] = value
            step.target = stmt.name
            if unit:
                self.units[stmt.name] = unit
        step.result = summarize(value, unit)
        if outer is not None and outer.func == "answer":
            self.final = value

    def _unit_of(self, node: ast.Expr) -> str | None:
        """The unit of an expression's value: its operation's, or the unit of the name or answer it passes on."""
        if isinstance(node, ast.Name):
            return self.units.get(node.id)
        if isinstance(node, ast.Call):
            op = REGISTRY.get(node.func)
            if op is not None and op.unit:
                return op.unit
            if node.func in ("answer", "round") and node.args:
                return self._unit_of(node.args[0])
        return None

    def _call(self, node: ast.Call) -> Any:
        op = REGISTRY.get(node.func)
        if op is None:
            raise self._stop("unknown-operation", f"no operation '{node.func}'", node.func_span)
        positional = [self.evaluate(a) for a in node.args]
        keywords = {k.name: self.evaluate(k.value) for k in node.keywords}
        arguments = self._bind(op, positional, keywords, node)
        start = time.perf_counter()
        try:
            self.ctx.check_time()
            result = op.impl(self.ctx, **arguments)
        except OpError as exc:
            raise self._stop(exc.code, exc.message, node.span, exc.hint) from None
        except MemoryQueryError as exc:
            raise self._stop("run-error", exc.message, node.span, exc.hint) from None
        except (ArithmeticError, ValueError, TypeError, KeyError, IndexError) as exc:
            raise self._stop("internal-error", f"{op.name} failed: {type(exc).__name__}: {exc}", node.span,
                             "this is a bug in Reasmory; please report it with the trace") from None
        self._keep(result, node.span)
        self.calls.append(CallRecord.model_construct(
            operation=op.name,
            span=node.span,
            args={name: summarize(v) for name, v in arguments.items()},
            result=summarize(result, op.unit),
            duration_ms=(time.perf_counter() - start) * 1000,
        ))
        return result

    def _list(self, node: ast.ListExpr) -> tuple:
        return self._keep(tuple(self.evaluate(i) for i in node.items), node.span)

    def _keep(self, value: Any, span: ast.Span) -> Any:
        """The value, once it is known to be finite and within the size limit."""
        problem = value_problem(value, self.ctx.limits)
        if problem is not None:
            raise self._stop(problem[0], problem[1], span, problem[2])
        return value

    def _bind(self, op: Operation, positional: list[Any], keywords: dict[str, Any], node: ast.Call) -> dict[str, Any]:
        arguments = {p.name: v for p, v in zip(op.params, positional)}
        arguments.update(keywords)
        for param in op.params:
            if param.name not in arguments:
                if param.required:
                    raise self._stop("missing-argument", f"{op.name} needs argument '{param.name}'", node.span)
                arguments[param.name] = param.default
            elif param.choices and arguments[param.name] not in param.choices:
                raise self._stop("unknown-word", f"'{arguments[param.name]}' is not a valid {param.name} for {op.name}", node.span,
                                 "expected " + " | ".join(param.choices))
            elif problem := range_problem(param.name, op.name, arguments[param.name], param.minimum, param.maximum):
                raise self._stop(problem[0], problem[1], node.span, problem[2])
        return arguments

    def _binop(self, node: ast.BinOp) -> Any:
        left, right = self.evaluate(node.left), self.evaluate(node.right)
        if node.op in _COMPARE:
            return _COMPARE[node.op](left, right)
        if node.op == "/" and right == 0:
            raise self._stop("division-by-zero", "division by zero", node.span)
        result = _ARITH[node.op](left, right)
        if result in (float("inf"), float("-inf")):  # operands are finite, so overflow is the only way out (never NaN)
            raise self._stop("not-a-number", "the arithmetic gives no finite number", node.span)
        return result

    def _boolop(self, node: ast.BoolOp) -> bool:
        left = self.evaluate(node.left)
        if node.op == "and":
            return bool(left and self.evaluate(node.right))
        return bool(left or self.evaluate(node.right))

    def _unary(self, node: ast.UnaryOp) -> Any:
        value = self.evaluate(node.operand)
        return (not value) if node.op == "not" else -value

    def _stop(self, code: str, message: str, span: ast.Span, hint: str | None = None) -> _Stop:
        return _Stop(Diagnostic(stage="run", code=code, message=message, span=span, hint=hint))


def execute(program: ast.Program, ctx: Context, trace: Trace) -> Any:
    """Run every statement; raise RunError (with the partial trace) when one fails."""
    ctx.deadline = time.perf_counter() + ctx.limits.time_budget_s
    try:
        return Executor(program, ctx, trace).run()
    except _Stop as stop:
        trace.error = stop.diagnostic
        raise RunError([stop.diagnostic], program.source, trace) from None
