"""parse(text) -> Program: the grammar's LALR tables, with Lark's parser as the reference and for diagnostics.

`parse` runs the generated standalone parser (`lalr.py` over `lalr_tables.py`,
both derived from the grammar file); whenever it cannot finish — a syntax
error, or input it leaves to the reference — the text goes through Lark's
own LALR parser built from the same grammar, which gives the authoritative
result and the positioned diagnostics. `parse_reference` is that path alone.

Newlines inside brackets are blanked to spaces before Lark lexes, keeping
every offset, so calls and lists may span lines while statements stay
newline-separated. `lark-cython` is used when installed (same grammar,
faster). Lark is imported only when the reference parser is needed.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

from reasmory.interpreter import ast, ast_build, lalr
from reasmory.interpreter.errors import Diagnostic, ParseError

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

_span = ast_build.span


class _ToAst:
    """Lark's LALR callbacks for the reference parser: each rule alias becomes its AST node, through ast_build."""

    def __init__(self, tree_class: type) -> None:
        self._tree = tree_class

    def __default__(self, data: str, children: list, meta: Any) -> Any:
        build = ast_build.BUILDERS.get(data)
        if build is None:  # an inlined rule (_sep, __start_plus_0, …): its parent splices the children
            return self._tree(data, children)
        # tokens (Lark's, or lark-cython's) become ast_build's; Lark's lines are those of the text with newlines blanked
        return build([ast_build.token(c.type, c.value, c.start_pos, c.end_pos) if hasattr(c, "start_pos") else c for c in children])


def grammar_text() -> str:
    """The grammar file shipped with the package (the only definition of the syntax)."""
    return resources.files("reasmory.grammar").joinpath("reasmory.lark").read_text(encoding="utf-8")


@lru_cache(maxsize=2)
def _parser(use_cython: bool = True) -> Any:
    from lark import Lark, Tree

    options: dict[str, Any] = {}
    if use_cython:
        try:
            import lark_cython

            options["_plugins"] = lark_cython.plugins
        except ImportError:
            pass
    return Lark(grammar_text(), parser="lalr", maybe_placeholders=True, transformer=_ToAst(Tree), **options)


def _blank_bracketed_newlines(text: str) -> tuple[str, list[Diagnostic]]:
    """Same-length text with newlines (and comments) inside brackets blanked; unclosed brackets reported."""
    if "(" not in text and "[" not in text:
        return text, []
    chars = list(text)
    stack: list[int] = []
    unclosed: list[int] = []
    mismatched: tuple[int, int] | None = None  # (opener, the closer of the other kind met first)
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
            if mismatched is None and _CLOSER[text[stack[-1]]] != ch:
                mismatched = (stack[-1], i)
            stack.pop()
        elif stack and ch == "#":
            while i < n and text[i] != "\n":
                chars[i] = " "
                i += 1
            continue
        if stack and i < n and text[i] in "\r\n":  # i == n after a backslash that ends the text
            chars[i] = " "
        i += 1
    if quote:
        unclosed.append(quote_at)
    if unclosed:
        pos = unclosed[0]
        return text, [Diagnostic(stage="parse", code="unclosed-string", message="this string is never closed",
                                 span=_span(pos, pos + 1), hint=f"end it with {text[pos]} on the same line")]
    if mismatched is not None:
        pos, closer = mismatched
        where = _span(closer, closer + 1)
        at = f"column {where.column}" if where.line == _span(pos, pos + 1).line else f"line {where.line}, column {where.column}"
        hint = f"close it with '{_CLOSER[text[pos]]}' before the '{text[closer]}' at {at}"
        return text, [_unclosed(text, pos, hint)]
    return "".join(chars), [_unclosed(text, pos, "close it before the end of the statement") for pos in stack[:1]]


_CLOSER = {"(": ")", "[": "]"}


def _unclosed(text: str, pos: int, hint: str) -> Diagnostic:
    return Diagnostic(stage="parse", code="unclosed-bracket", message=f"'{text[pos]}' is never closed", span=_span(pos, pos + 1),
                      expected=f"'{_CLOSER[text[pos]]}'", hint=hint)


def _diagnostic(exc: Any, text: str) -> Diagnostic:
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

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


def parse(text: str) -> ast.Program:
    """Parse source text into a Program, or raise ParseError with a positioned diagnostic."""
    statements = lalr.parse_statements(text)
    if statements is None:
        return parse_reference(text)
    return ast.Program(tuple(statements), text)


def parse_reference(text: str, use_cython: bool = True) -> ast.Program:
    """Parse with Lark's own LALR parser built from the grammar (what `parse` falls back to)."""
    from lark.exceptions import UnexpectedInput, VisitError

    ast_build.set_source(text)
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
