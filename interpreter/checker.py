"""check(program, memory) -> diagnostics: everything that can be known before running, in one pass.

Types, names, argument binding, enum words, labels absent from the memory
(with close matches; synonyms and plurals resolve silently), frame indices,
the final `answer`, and resource limits. Each finding is a Diagnostic with a
span, what was expected and a hint; checking never stops at the first one.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable

from reasmory.interpreter import ast
from reasmory.interpreter.context import DEFAULT_LIMITS, Limits
from reasmory.interpreter.cost import estimate
from reasmory.interpreter.errors import Diagnostic
from reasmory.interpreter.registry import REGISTRY, REQUIRED, Operation, Param
from reasmory.interpreter.types import (
    ANY, BOOL, NONE, NUMBER, OBJECT, OBJECTS, TEXT, VIEW, Type, accepts, describe, join, list_of,
)
from reasmory.memory import SpatialMemory

PREDEFINED = {"options": list_of(TEXT)}

_TYPE_HINTS = {
    (OBJECT, VIEW): "make a view first: view(at=object(\"…\"), facing=object(\"…\")) or camera(i)",
    (OBJECTS, VIEW): "make a view first: view(at=…, facing=…) or camera(i)",
    (TEXT, OBJECT): "look the object up first: object(\"…\")",
    (TEXT, OBJECTS): "look the objects up first: objects(\"…\")",
    (OBJECTS, OBJECT): "pick one instance: closest(…), farthest(…) or object(\"…\")",
}


class Checker:
    """One pass over a program; collects diagnostics in `self.found`."""

    def __init__(self, program: ast.Program, memory: SpatialMemory | None, n_options: int | None, limits: Limits) -> None:
        self.program = program
        self.memory = memory
        self.n_options = n_options
        self.limits = limits
        self.found: list[Diagnostic] = []
        self.env: dict[str, tuple[Type, int]] = {}
        self.assigned_later: dict[str, int] = {}
        self.renders = 0

    def error(self, code: str, message: str, span: ast.Span | None, expected: str | None = None, hint: str | None = None,
              subject: str | None = None) -> None:
        self.found.append(Diagnostic(stage="check", code=code, message=message, span=span, expected=expected, hint=hint, subject=subject))

    # ----- program level ----------------------------------------------
    def run(self) -> list[Diagnostic]:
        statements = self.program.statements
        if len(statements) > self.limits.max_statements:
            self.error("too-many-statements", f"the program has {len(statements)} statements", statements[self.limits.max_statements].span,
                       expected=f"at most {self.limits.max_statements}", hint="split the question or simplify the program")
        for stmt in statements:
            if isinstance(stmt, ast.Assign):
                self.assigned_later.setdefault(stmt.name, stmt.span.line)
        for stmt in statements:
            self._statement(stmt)
        self._final_answer(statements)
        if self.renders > self.limits.max_renders:
            self.error("too-many-renders", f"the program renders {self.renders} images", None,
                       expected=f"at most {self.limits.max_renders}", hint="render fewer views")
        return self.found

    def _final_answer(self, statements: tuple[ast.Statement, ...]) -> None:
        answers = [s for s in statements if isinstance(s, ast.ExprStmt) and isinstance(s.value, ast.Call) and s.value.func == "answer"]
        if not answers:
            end = statements[-1].span if statements else None
            self.error("missing-answer", "the program never gives its answer", end, expected="a final statement answer(…)",
                       hint="end the program with answer(x)")
        for extra in answers[1:]:
            self.error("several-answers", "the program gives more than one answer", extra.span, expected="exactly one answer(…)")
        if answers and statements[-1] is not answers[0]:
            self.error("answer-not-last", "answer(…) must be the last statement", answers[0].span,
                       hint="move the statements after it before it")

    def _statement(self, stmt: ast.Statement) -> None:
        if isinstance(stmt, ast.ExprStmt):
            value = stmt.value
            if isinstance(value, ast.Call) and value.func == "answer":
                self._call(value, 0, statement=True)
            else:
                self.expr(value, 0)
            return
        value_type = self.expr(stmt.value, 0)
        if stmt.name in PREDEFINED or stmt.name in REGISTRY:
            self.error("reserved-name", f"'{stmt.name}' is a predefined name and cannot be assigned", stmt.name_span,
                       hint="choose another name")
        elif stmt.name in self.env:
            self.error("reassigned", f"'{stmt.name}' is already assigned on line {self.env[stmt.name][1]}", stmt.name_span,
                       hint="values are immutable: give the new value a new name")
        else:
            if value_type == NONE:
                self.error("no-value", "this statement has no value to assign", stmt.value.span)
            self.env[stmt.name] = (value_type, stmt.span.line)

    # ----- expressions --------------------------------------------------
    def expr(self, node: ast.Expr, depth: int) -> Type:
        if depth > self.limits.max_depth:
            self.error("too-deep", "expressions are nested too deeply", node.span, expected=f"at most {self.limits.max_depth} levels",
                       hint="name intermediate values with assignments")
            return ANY
        return _INFER[type(node)](self, node, depth)

    def _number(self, node: ast.Number, depth: int) -> Type:
        if not math.isfinite(node.value):
            self.error("not-finite", f"the number {self.program.text(node.span)} is too large to be a finite number", node.span,
                       expected="a finite number", hint="numbers are limited to about ±1.8e308")
        return NUMBER

    def _string(self, node: ast.String, depth: int) -> Type:
        if len(node.value) > self.limits.max_string_length:
            self.error("string-too-long", f"a string of {len(node.value)} characters", node.span,
                       expected=f"at most {self.limits.max_string_length}")
        return TEXT

    def _name(self, node: ast.Name, depth: int) -> Type:
        if node.id in self.env:
            return self.env[node.id][0]
        if node.id in PREDEFINED:
            return PREDEFINED[node.id]
        if node.id in self.assigned_later:
            self.error("used-before-assigned", f"'{node.id}' is used before it is assigned (line {self.assigned_later[node.id]})", node.span,
                       hint="move the assignment above this line")
        else:
            known = list(self.env) + list(PREDEFINED)
            close = difflib.get_close_matches(node.id, known, n=3, cutoff=0.6)
            hint = f"did you mean {', '.join(close)}?" if close else ("did you mean to call it: " + node.id + "(…)?" if node.id in REGISTRY else None)
            self.error("undefined-name", f"'{node.id}' is not defined", node.span, hint=hint)
        return ANY

    def _list(self, node: ast.ListExpr, depth: int) -> Type:
        if len(node.items) > self.limits.max_list_length:
            self.error("list-too-long", f"a list of {len(node.items)} items", node.span, expected=f"at most {self.limits.max_list_length}")
        types = [self.expr(item, depth + 1) for item in node.items]
        item = join(types)
        if item == ANY and any(t != ANY for t in types) and len({t for t in types if t != ANY}) > 1:
            self.error("mixed-list", "list items have different types: " + ", ".join(sorted({str(t) for t in types})), node.span,
                       hint="a list holds values of one type")
        return list_of(item)

    def _binop(self, node: ast.BinOp, depth: int) -> Type:
        """Arithmetic and ordering need numbers; == and != compare any two values of one type."""
        left, right = self.expr(node.left, depth + 1), self.expr(node.right, depth + 1)
        if node.op in ("==", "!=") and (left == right or ANY in (left, right)):
            return BOOL
        for side, t in ((node.left, left), (node.right, right)):
            if not accepts(t, (NUMBER,)):
                self.error("type-mismatch", f"'{node.op}' needs numbers, got {t}", side.span, expected="Number")
        return BOOL if node.op in ast.COMPARISONS else NUMBER

    def _boolop(self, node: ast.BoolOp, depth: int) -> Type:
        for side in (node.left, node.right):
            t = self.expr(side, depth + 1)
            if not accepts(t, (BOOL,)):
                self.error("type-mismatch", f"'{node.op}' needs Bool values, got {t}", side.span, expected="Bool")
        return BOOL

    def _unary(self, node: ast.UnaryOp, depth: int) -> Type:
        want = BOOL if node.op == "not" else NUMBER
        t = self.expr(node.operand, depth + 1)
        if not accepts(t, (want,)):
            self.error("type-mismatch", f"'{node.op}' needs a {want}, got {t}", node.operand.span, expected=str(want))
        return want

    def _call(self, node: ast.Call, depth: int, statement: bool = False) -> Type:
        op = REGISTRY.get(node.func)
        if op is None:
            for arg in (*node.args, *(k.value for k in node.keywords)):
                self.expr(arg, depth + 1)
            close = REGISTRY.close_names(node.func)
            self.error("unknown-operation", f"no operation '{node.func}'", node.func_span,
                       hint=f"did you mean {', '.join(close)}?" if close else "see the list of operations with :help")
            return ANY
        if op.statement_only and not statement:
            self.error("answer-in-expression", f"{op.name}(…) is a statement of its own, not a value", node.span,
                       hint=f"write {op.name}(x) on its own line, last")
        if op.renders:
            self.renders += 1
        bound = self._bind(op, node)
        types: dict[str, Type] = {}
        for name, (param, arg) in bound.items():
            types[name] = self._argument(op, param, arg, depth)
        return op.result_type(types)

    def _bind(self, op: Operation, node: ast.Call) -> dict[str, tuple[Param, ast.Expr]]:
        """Arguments by parameter name (names hash fast; parameters are dataclasses)."""
        bound: dict[str, tuple[Param, ast.Expr]] = {}
        positional, late = self._positional(op, node)
        if len(positional) > len(op.params):
            extra = positional[len(op.params)]
            self.error("too-many-arguments", f"{op.name} takes {len(op.params)} argument(s), got {len(node.args) + len(node.keywords)}",
                       extra.span, expected=op.signature())
        for param, arg in zip(op.params, positional):
            bound[param.name] = (param, arg)
        for kw in node.keywords:
            param = op.param_index.get(kw.name)
            if param is None:
                close = difflib.get_close_matches(kw.name, list(op.param_index), n=2, cutoff=0.5)
                self.error("unknown-argument", f"{op.name} has no argument '{kw.name}'", kw.name_span, expected=op.signature(),
                           hint=f"did you mean {', '.join(close)}?" if close else None)
                self.expr(kw.value, 1)
            elif param.name in bound:
                self.error("duplicate-argument", f"argument '{kw.name}' of {op.name} is given twice", kw.name_span)
            else:
                bound[param.name] = (param, kw.value)
        for param in op.params:
            if param.default is REQUIRED and param.name not in bound and not late:
                self.error("missing-argument", f"{op.name} needs argument '{param.name}'", node.span, expected=op.signature())
        return bound

    def _positional(self, op: Operation, node: ast.Call) -> tuple[tuple[ast.Expr, ...], tuple[ast.Expr, ...]]:
        """The positional arguments before the first keyword one, and those after it: each of those is an error of its
        own (checked, never bound to a parameter by its place, so a mistyped keyword is not reported as another one)."""
        if not node.keywords:
            return node.args, ()
        first = min(node.keywords, key=lambda k: k.span.start)
        before = tuple(a for a in node.args if a.span.start < first.span.start)
        late = tuple(a for a in node.args if a.span.start > first.span.start)
        named = {k.name for k in node.keywords} | {p.name for p in op.params[:len(before)]}
        free = [p.name for p in op.params if p.name not in named]
        for arg in late:
            self.error("positional-after-keyword", f"a positional argument of {op.name} follows the keyword argument '{first.name}'",
                       arg.span, expected=op.signature(),
                       hint=f"name it, e.g. {free[0]}=…" if free else "name it, or put it before the keyword arguments")
            self.expr(arg, 1)
        return before, late

    def _argument(self, op: Operation, param: Param, arg: ast.Expr, depth: int) -> Type:
        t = self.expr(arg, depth + 1)
        if not accepts(t, param.types):
            hint = next((h for (got, want), h in _TYPE_HINTS.items() if got == t and want in param.types), None)
            self.error("type-mismatch", f"argument '{param.name}' of {op.name} must be {describe(param.types)}, got {t}", arg.span,
                       expected=describe(param.types), hint=hint)
            return t
        kind = type(arg)
        if kind is ast.String:
            self._literal_word(op, param, arg)
        elif kind in _MAYBE_NUMBER and (number := _number_literal(arg)) is not None and math.isfinite(number):  # an infinite one is not-finite
            self._literal_number(op, param, number, arg.span)
        elif kind is ast.ListExpr and param.label:
            for item in arg.items:
                if isinstance(item, ast.String):
                    self._label(item)
        if param.nonempty and self._is_empty_list(arg):
            self.error("no-options" if isinstance(arg, ast.Name) else "empty-list", f"argument '{param.name}' of {op.name} is empty",
                       arg.span, expected="a non-empty list", hint="this question has no options: answer the value itself")
        return t

    def _is_empty_list(self, arg: ast.Expr) -> bool:
        if isinstance(arg, ast.ListExpr):
            return not arg.items
        return isinstance(arg, ast.Name) and arg.id == "options" and self.n_options == 0

    def _literal_word(self, op: Operation, param: Param, arg: ast.String) -> None:
        if param.choices and arg.value not in param.choices:
            close = difflib.get_close_matches(arg.value.lower(), param.choices, n=2, cutoff=0.4)
            self.error("unknown-word", f"'{arg.value}' is not a valid {param.name} for {op.name}", arg.span,
                       expected=" | ".join(f'"{c}"' for c in param.choices), hint=f"did you mean \"{close[0]}\"?" if close else None)
        if param.label:
            self._label(arg)

    def _label(self, arg: ast.String) -> None:
        if self.memory is None or len(self.memory.rows_named(arg.value)):
            return
        close = self.memory.suggest(arg.value)
        held = ", ".join(sorted(self.memory.labels())[:12])
        self.error("unknown-label", f"no object '{arg.value}' in memory", arg.span, expected="a label the memory holds",
                   hint=f"did you mean {', '.join(repr(c) for c in close)}?" if close else f"the memory holds: {held}", subject=arg.value)

    def _literal_number(self, op: Operation, param: Param, value: float, span: ast.Span) -> None:
        if not math.isfinite(value):
            return
        if param.frame and self.memory is not None:
            n = len(self.memory.frames)
            if value != int(value) or not 0 <= value < n:
                self.error("frame-range", f"no frame {value:g}", span, expected=f"a whole number from 0 to {n - 1}" if n else "no frames: the memory has none")
        if param.minimum is not None and value < param.minimum or param.maximum is not None and value > param.maximum:
            self.error("out-of-range", f"{param.name}={value:g} is out of range for {op.name}", span,
                       expected=f"{param.minimum:g} to {param.maximum:g}")


#: The method that infers each kind of expression's type (one table for every Checker).
_INFER: dict[type, Callable[[Checker, object, int], Type]] = {
    ast.Number: Checker._number,
    ast.Bool: lambda checker, node, depth: BOOL,
    ast.String: Checker._string,
    ast.Name: Checker._name,
    ast.ListExpr: Checker._list,
    ast.Call: Checker._call,
    ast.BinOp: Checker._binop,
    ast.BoolOp: Checker._boolop,
    ast.UnaryOp: Checker._unary,
}


#: The kinds of expression a number written out can be (a minus before a number is a UnaryOp).
_MAYBE_NUMBER = frozenset({ast.Number, ast.UnaryOp})


def _number_literal(arg: ast.Expr) -> float | None:
    """The value of a number written out, negative ones (a minus before a number) included; None otherwise."""
    if isinstance(arg, ast.Number):
        return arg.value
    if isinstance(arg, ast.UnaryOp) and arg.op == "-" and isinstance(arg.operand, ast.Number):
        return -arg.operand.value
    return None


def check_program(program: ast.Program, memory: SpatialMemory | None, n_options: int | None = None, limits: Limits | None = None) -> list[Diagnostic]:
    """Every diagnostic for a parsed program (empty when it may run); a program that checks clean is then costed."""
    limits = limits or DEFAULT_LIMITS
    found = Checker(program, memory, n_options, limits).run()
    if not found or not any(d.severity == "error" for d in found):
        found += estimate(program, memory, n_options, limits).diagnostics
    return found
