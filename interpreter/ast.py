"""Typed AST of the language. Every node carries the Span of the source it came from.

Nodes are frozen dataclasses built by `parser.py` straight from Lark's LALR
callbacks; nothing past the parser sees a Lark tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True, slots=True)
class Span:
    """1-based line/column of the first character; `end_*` is one past the last. Offsets index the source."""

    line: int
    column: int
    end_line: int
    end_column: int
    start: int
    end: int

    def to(self, other: Span) -> Span:
        """The span from the start of this one to the end of `other`."""
        return Span(self.line, self.column, other.end_line, other.end_column, self.start, other.end)


@dataclass(frozen=True, slots=True)
class Number:
    """A number literal."""

    value: float
    span: Span


@dataclass(frozen=True, slots=True)
class String:
    """A string literal (quotes removed, escapes resolved)."""

    value: str
    span: Span


@dataclass(frozen=True, slots=True)
class Bool:
    """True or False."""

    value: bool
    span: Span


@dataclass(frozen=True, slots=True)
class Name:
    """A variable read."""

    id: str
    span: Span


@dataclass(frozen=True, slots=True)
class ListExpr:
    """A list literal: [a, b, …]."""

    items: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Keyword:
    """A keyword argument: `name=value`."""

    name: str
    value: Expr
    span: Span
    name_span: Span


@dataclass(frozen=True, slots=True)
class Call:
    """An operation call: `func(args…, name=value…)`."""

    func: str
    args: tuple[Expr, ...]
    keywords: tuple[Keyword, ...]
    span: Span
    func_span: Span


@dataclass(frozen=True, slots=True)
class BinOp:
    """Arithmetic (+ - * /) and comparisons (< <= > >= == !=)."""

    op: str
    left: Expr
    right: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class BoolOp:
    """`and` / `or`."""

    op: str  # "and" | "or"
    left: Expr
    right: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class UnaryOp:
    """`not` and unary minus."""

    op: str  # "not" | "-"
    operand: Expr
    span: Span


Expr = Union[Number, String, Bool, Name, ListExpr, Call, BinOp, BoolOp, UnaryOp]


@dataclass(frozen=True, slots=True)
class Assign:
    """`name = value`."""

    name: str
    value: Expr
    span: Span
    name_span: Span


@dataclass(frozen=True, slots=True)
class ExprStmt:
    """A statement that is an expression alone (e.g. `answer(…)`)."""

    value: Expr
    span: Span


Statement = Union[Assign, ExprStmt]


@dataclass(frozen=True, slots=True)
class Program:
    """The parsed statements and the source they came from."""

    statements: tuple[Statement, ...]
    source: str

    def text(self, span: Span) -> str:
        return self.source[span.start : span.end]


COMPARISONS = frozenset({"<", "<=", ">", ">=", "==", "!="})
ARITHMETIC = frozenset({"+", "-", "*", "/"})
