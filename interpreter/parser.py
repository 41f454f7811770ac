"""parse(text) -> Program: Lark's LALR parser, built once, with a typed AST built during parsing.

Spans are computed from token offsets (cheaper than Lark's position
propagation). Newlines inside brackets are blanked to spaces before lexing,
keeping every offset, so calls and lists may span lines while statements stay
newline-separated. `lark-cython` is used when installed (same grammar, faster).
"""

from __future__ import annotations

import bisect
import threading
from functools import lru_cache
from importlib import resources
from typing import Any

from lark import Lark, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from reasmory.interpreter import ast
from reasmory.interpreter.errors import Diagnostic, ParseError

_local = threading.local()

#: What to call each terminal in "expected …" messages.
_FRIENDLY = {
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": "a string",
    "RPAR": "')'",
    "LPAR": "'('",
    "LSQB": "'['",
    "RSQB": "']'",
    "COMMA": "','",
    "EQUAL": "'='",
    "_NL": "a new line",
    "SEMICOLON": "';'",
    "$END": "the end of the program",
    "COMP_OP": "a comparison",
    "ADD_OP": "'+' or '-'",
    "MUL_OP": "'*' or '/'",
    "NEG": "'-'",
    "TRUE": "true",
    "FALSE": "false",
    "TRUE_PY": "True",
    "FALSE_PY": "False",
    "AND": "and",
    "OR": "or",
    "NOT": "not",
}

_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'"}


def _span(start: int, end: int) -> ast.Span:
    """Span of source offsets [start, end) with 1-based lines and columns of the original text."""
    starts = _local.line_starts
    line = bisect.bisect_right(starts, start)
    end_line = bisect.bisect_right(starts, max(start, end - 1))
    return ast.Span(line, start - starts[line - 1] + 1, end_line, end - starts[end_line - 1] + 1, start, end)


def _tok_span(tok: Any) -> ast.Span:
    return _span(tok.start_pos, tok.end_pos)


def _unescape(body: str) -> str:
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


class _ToAst(Transformer):
    """LALR callbacks: each grammar alias becomes one AST node."""

    def number(self, c: list) -> ast.Number:
        return ast.Number(float(c[0].value), _tok_span(c[0]))

    def string(self, c: list) -> ast.String:
        return ast.String(_unescape(c[0].value[1:-1]), _tok_span(c[0]))

    def true(self, c: list) -> ast.Bool:
        return ast.Bool(True, _tok_span(c[0]))

    def false(self, c: list) -> ast.Bool:
        return ast.Bool(False, _tok_span(c[0]))

    def name(self, c: list) -> ast.Name:
        return ast.Name(c[0].value, _tok_span(c[0]))

    def keyword(self, c: list) -> ast.Keyword:
        name_span = _tok_span(c[0])
        return ast.Keyword(c[0].value, c[1], name_span.to(c[1].span), name_span)

    def arguments(self, c: list) -> list:
        return [x for x in c if x is not None]

    def call(self, c: list) -> ast.Call:
        name, args, rpar = c
        func_span = _tok_span(name)
        args = args or []
        positional = tuple(a for a in args if not isinstance(a, ast.Keyword))
        keywords = tuple(a for a in args if isinstance(a, ast.Keyword))
        return ast.Call(name.value, positional, keywords, func_span.to(_tok_span(rpar)), func_span)

    def list_expr(self, c: list) -> ast.ListExpr:
        items = tuple(x for x in c[1:-1] if x is not None)
        return ast.ListExpr(items, _tok_span(c[0]).to(_tok_span(c[-1])))

    def binop(self, c: list) -> ast.BinOp:
        return ast.BinOp(c[1].value, c[0], c[2], c[0].span.to(c[2].span))

    compare = binop

    def and_op(self, c: list) -> ast.BoolOp:
        return ast.BoolOp("and", c[0], c[2], c[0].span.to(c[2].span))

    def or_op(self, c: list) -> ast.BoolOp:
        return ast.BoolOp("or", c[0], c[2], c[0].span.to(c[2].span))

    def not_op(self, c: list) -> ast.UnaryOp:
        return ast.UnaryOp("not", c[1], _tok_span(c[0]).to(c[1].span))

    def neg(self, c: list) -> ast.UnaryOp:
        return ast.UnaryOp("-", c[1], _tok_span(c[0]).to(c[1].span))

    def assign(self, c: list) -> ast.Assign:
        name_span = _tok_span(c[0])
        return ast.Assign(c[0].value, c[1], name_span.to(c[1].span), name_span)

    def expr_stmt(self, c: list) -> ast.ExprStmt:
        return ast.ExprStmt(c[0], c[0].span)

    def start(self, c: list) -> list:
        return [x for x in c if x is not None]


def grammar_text() -> str:
    """The grammar file shipped with the package (the only definition of the syntax)."""
    return resources.files("reasmory.grammar").joinpath("reasmory.lark").read_text(encoding="utf-8")


@lru_cache(maxsize=2)
def _parser(use_cython: bool = True) -> Lark:
    options: dict[str, Any] = {}
    if use_cython:
        try:
            import lark_cython

            options["_plugins"] = lark_cython.plugins
        except ImportError:
            pass
    return Lark(grammar_text(), parser="lalr", maybe_placeholders=True, transformer=_ToAst(), **options)


def _blank_bracketed_newlines(text: str) -> tuple[str, list[Diagnostic]]:
    """Same-length text with newlines (and comments) inside brackets blanked; unclosed brackets reported."""
    if "(" not in text and "[" not in text:
        return text, []
    chars = list(text)
    stack: list[int] = []
    unclosed: list[int] = []
    i, n, quote, quote_at = 0, len(text), "", 0
    while i < n:
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
            elif ch == "\n":
                unclosed.append(quote_at)
                quote = ""
        elif ch in "\"'":
            quote, quote_at = ch, i
        elif ch in "([":
            stack.append(i)
        elif ch in ")]" and stack:
            stack.pop()
        elif stack and ch == "#":
            while i < n and text[i] != "\n":
                chars[i] = " "
                i += 1
            continue
        if stack and text[i] in "\r\n":
            chars[i] = " "
        i += 1
    if quote:
        unclosed.append(quote_at)
    if unclosed:
        pos = unclosed[0]
        return text, [Diagnostic(stage="parse", code="unclosed-string", message="this string is never closed",
                                 span=_span(pos, pos + 1), hint=f"end it with {text[pos]} on the same line")]
    problems = [
        Diagnostic(
            stage="parse",
            code="unclosed-bracket",
            message=f"'{text[pos]}' is never closed",
            span=_span(pos, pos + 1),
            expected="')'" if text[pos] == "(" else "']'",
            hint="close it before the end of the statement",
        )
        for pos in stack[:1]
    ]
    return "".join(chars), problems


def _diagnostic(exc: UnexpectedInput, text: str) -> Diagnostic:
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream
        if text[pos] in "\"'":
            return Diagnostic(
                stage="parse",
                code="unclosed-string",
                message="this string is never closed",
                span=_span(pos, pos + 1),
                hint=f"end it with {text[pos]} on the same line",
            )
        return Diagnostic(
            stage="parse",
            code="unexpected-character",
            message=f"unexpected character {text[pos]!r}",
            span=_span(pos, pos + 1),
            hint="strings use double quotes; operators are + - * / < <= > >= == != and or not",
        )
    token = exc.token if isinstance(exc, UnexpectedToken) else None
    terminals = exc.expected if isinstance(exc, (UnexpectedToken, UnexpectedEOF)) else ()
    expected = sorted({_FRIENDLY.get(t, repr(t)) for t in terminals or ()})
    if isinstance(exc, UnexpectedEOF) or token is None or token.type in ("$END", "_NL"):
        at_end = token is None or token.type == "$END" or not text[token.start_pos :].strip()
        end = len(text[: len(text) if token is None or token.type == "$END" else token.start_pos].rstrip())
        return Diagnostic(
            stage="parse",
            code="unexpected-end",
            message="the program ends in the middle of a statement" if at_end else "the line ends in the middle of a statement",
            span=_span(max(0, end - 1), max(1, end)),
            expected=", ".join(expected) or None,
        )
    return Diagnostic(
        stage="parse",
        code="unexpected-token",
        message=f"unexpected {token.value!r}",
        span=_span(token.start_pos, max(token.end_pos, token.start_pos + 1)),
        expected=", ".join(expected[:8]) or None,
        hint=_hint_for(token, expected),
    )


def _hint_for(token: Any, expected: list[str]) -> str | None:
    if token.type == "EQUAL":
        return "use == to compare; = only assigns a name at the start of a statement"
    if token.type == "NAME" and "a new line" in expected:
        return "put each statement on its own line (or separate them with ';')"
    return None


def parse(text: str, use_cython: bool = True) -> ast.Program:
    """Parse source text into a Program, or raise ParseError with a positioned diagnostic."""
    _local.line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    blanked, problems = _blank_bracketed_newlines(text)
    if problems:
        raise ParseError(problems, text)
    try:
        statements = _parser(use_cython).parse(blanked)
    except UnexpectedInput as exc:
        raise ParseError([_diagnostic(exc, text)], text) from None
    except VisitError as exc:
        raise exc.orig_exc from None
    return ast.Program(tuple(statements), text)
