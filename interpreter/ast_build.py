"""AST nodes from the grammar's rules: one function per rule alias, shared by both parsers.

Each function takes the rule's kept children as Lark orders them (None for
an absent optional part); tokens arrive as `Token` tuples: type, text,
offsets into the source, and the line they are on with the offset where it
starts (no token but a newline holds a newline, so that places all of it).
Other spans get 1-based lines and columns from the line starts of the text
being parsed (`set_source`).
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable
from typing import Any

from reasmory.interpreter import ast

#: (type, text, start, end, line, offset of the line's start)
Token = tuple[str, str, int, int, int, int]

_local = threading.local()
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'"}


def set_source(text: str) -> None:
    """Remember where the lines of `text` start, for the spans built next (per thread)."""
    starts = [0]
    find = text.find
    at = find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = find("\n", at + 1)
    _local.line_starts = starts


class _SpanMaker:
    """Builds an ast.Span without the frozen dataclass's `__init__` (one `object.__setattr__` per field, 3× the cost;
    spans are built for every token): a plain class with Span's slots fills them by assignment, then the object
    takes Span as its class, which Python allows between classes of the same layout."""

    __slots__ = ast.Span.__slots__

    def __init__(self, line: int, column: int, end_line: int, end_column: int, start: int, end: int) -> None:
        self.line, self.column, self.end_line, self.end_column, self.start, self.end = line, column, end_line, end_column, start, end
        self.__class__ = ast.Span  # type: ignore[assignment]


#: make_span(line, column, end_line, end_column, start, end) -> the ast.Span with those fields.
make_span: Callable[[int, int, int, int, int, int], ast.Span] = _SpanMaker  # type: ignore[assignment]


# The nodes every program is made of get twins of the same kind as _SpanMaker: each returns the ast node with its fields.
class _Call:
    __slots__ = ast.Call.__slots__

    def __init__(self, func: str, args: tuple, keywords: tuple, span: ast.Span, func_span: ast.Span) -> None:
        self.func, self.args, self.keywords, self.span, self.func_span = func, args, keywords, span, func_span
        self.__class__ = ast.Call  # type: ignore[assignment]


class _String:
    __slots__ = ast.String.__slots__

    def __init__(self, value: str, span: ast.Span) -> None:
        self.value, self.span = value, span
        self.__class__ = ast.String  # type: ignore[assignment]


class _Name:
    __slots__ = ast.Name.__slots__

    def __init__(self, id: str, span: ast.Span) -> None:  # noqa: A002  (the node's field)
        self.id, self.span = id, span
        self.__class__ = ast.Name  # type: ignore[assignment]


class _Keyword:
    __slots__ = ast.Keyword.__slots__

    def __init__(self, name: str, value: ast.Expr, span: ast.Span, name_span: ast.Span) -> None:
        self.name, self.value, self.span, self.name_span = name, value, span, name_span
        self.__class__ = ast.Keyword  # type: ignore[assignment]


class _Assign:
    __slots__ = ast.Assign.__slots__

    def __init__(self, name: str, value: ast.Expr, span: ast.Span, name_span: ast.Span) -> None:
        self.name, self.value, self.span, self.name_span = name, value, span, name_span
        self.__class__ = ast.Assign  # type: ignore[assignment]


class _ExprStmt:
    __slots__ = ast.ExprStmt.__slots__

    def __init__(self, value: ast.Expr, span: ast.Span) -> None:
        self.value, self.span = value, span
        self.__class__ = ast.ExprStmt  # type: ignore[assignment]


make_call: Callable[[str, tuple, tuple, ast.Span, ast.Span], ast.Call] = _Call  # type: ignore[assignment]
make_string: Callable[[str, ast.Span], ast.String] = _String  # type: ignore[assignment]
make_name: Callable[[str, ast.Span], ast.Name] = _Name  # type: ignore[assignment]
make_keyword: Callable[[str, ast.Expr, ast.Span, ast.Span], ast.Keyword] = _Keyword  # type: ignore[assignment]
make_assign: Callable[[str, ast.Expr, ast.Span, ast.Span], ast.Assign] = _Assign  # type: ignore[assignment]
make_expr_stmt: Callable[[ast.Expr, ast.Span], ast.ExprStmt] = _ExprStmt  # type: ignore[assignment]


def span(start: int, end: int) -> ast.Span:
    """Span of source offsets [start, end) with 1-based lines and columns of the original text."""
    starts = _local.line_starts
    line = bisect.bisect_right(starts, start)
    end_line = bisect.bisect_right(starts, max(start, end - 1))
    return make_span(line, start - starts[line - 1] + 1, end_line, end - starts[end_line - 1] + 1, start, end)


def joined(first: ast.Span, last: ast.Span) -> ast.Span:
    """The span from the start of `first` to the end of `last`."""
    return make_span(first.line, first.column, last.end_line, last.end_column, first.start, last.end)


def token(kind: str, text: str, start: int, end: int) -> Token:
    """The Token at source offsets [start, end), its line found among those of `set_source`."""
    starts = _local.line_starts
    line = bisect.bisect_right(starts, start)
    return kind, text, start, end, line, starts[line - 1]


def token_span(tok: Token) -> ast.Span:
    line, line_start = tok[4], tok[5]
    return make_span(line, tok[2] - line_start + 1, line, tok[3] - line_start + 1, tok[2], tok[3])


def _tokens_span(first: Token, last: Token) -> ast.Span:
    """The span from the start of token `first` to the end of token `last` (on the same line or a later one)."""
    return make_span(first[4], first[2] - first[5] + 1, last[4], last[3] - last[5] + 1, first[2], last[3])


def unescape(body: str) -> str:
    if "\\" not in body:
        return body
    out, i = [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], "\\" + body[i + 1]))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def number(c: list) -> ast.Number:
    return ast.Number(float(c[0][1]), token_span(c[0]))


def string(c: list) -> ast.String:
    return make_string(unescape(c[0][1][1:-1]), token_span(c[0]))


def true(c: list) -> ast.Bool:
    return ast.Bool(True, token_span(c[0]))


def false(c: list) -> ast.Bool:
    return ast.Bool(False, token_span(c[0]))


def name(c: list) -> ast.Name:
    return make_name(c[0][1], token_span(c[0]))


def keyword(c: list) -> ast.Keyword:
    name_span = token_span(c[0])
    return make_keyword(c[0][1], c[1], joined(name_span, c[1].span), name_span)


def arguments(c: list) -> list:
    return [x for x in c if x is not None]


def call(c: list) -> ast.Call:
    name_tok, args, rpar = c
    keywords = tuple([a for a in args if type(a) is ast.Keyword]) if args else ()
    positional = tuple([a for a in args if type(a) is not ast.Keyword]) if keywords else tuple(args or ())
    return make_call(name_tok[1], positional, keywords, _tokens_span(name_tok, rpar), token_span(name_tok))


def list_expr(c: list) -> ast.ListExpr:
    items = tuple(x for x in c[1:-1] if x is not None)
    return ast.ListExpr(items, _tokens_span(c[0], c[-1]))


def binop(c: list) -> ast.BinOp:
    return ast.BinOp(c[1][1], c[0], c[2], joined(c[0].span, c[2].span))


compare = binop


def and_op(c: list) -> ast.BoolOp:
    return ast.BoolOp("and", c[0], c[2], joined(c[0].span, c[2].span))


def or_op(c: list) -> ast.BoolOp:
    return ast.BoolOp("or", c[0], c[2], joined(c[0].span, c[2].span))


def not_op(c: list) -> ast.UnaryOp:
    return ast.UnaryOp("not", c[1], joined(token_span(c[0]), c[1].span))


def neg(c: list) -> ast.UnaryOp:
    return ast.UnaryOp("-", c[1], joined(token_span(c[0]), c[1].span))


def assign(c: list) -> ast.Assign:
    name_span = token_span(c[0])
    return make_assign(c[0][1], c[1], joined(name_span, c[1].span), name_span)


def expr_stmt(c: list) -> ast.ExprStmt:
    return make_expr_stmt(c[0], c[0].span)


def start(c: list) -> list:
    return [x for x in c if x is not None]


BUILDERS: dict[str, Any] = {
    f.__name__: f for f in (number, string, true, false, name, keyword, arguments, call, list_expr, binop, and_op, or_op,
                            not_op, neg, assign, expr_stmt, start)
}
BUILDERS["compare"] = compare
