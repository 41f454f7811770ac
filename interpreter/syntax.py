"""Token classes for syntax highlighting, from the grammar's own lexer (the playground and HTML traces use it)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from lark import Lark
from lark.exceptions import LexError

from reasmory.interpreter.parser import grammar_text
from reasmory.interpreter.registry import REGISTRY

Kind = Literal["operation", "name", "keyword", "string", "number", "comment", "operator", "punctuation", "text"]

_KINDS: dict[str, Kind] = {
    "STRING": "string", "NUMBER": "number", "COMMENT": "comment", "TRUE": "keyword", "FALSE": "keyword",
    "TRUE_PY": "keyword", "FALSE_PY": "keyword", "AND": "keyword", "OR": "keyword", "NOT": "keyword",
    "COMP_OP": "operator", "ADD_OP": "operator", "MUL_OP": "operator", "NEG": "operator", "EQUAL": "operator",
}


@lru_cache(maxsize=1)
def _lexer() -> Lark:
    return Lark(grammar_text(), parser="lalr")


def tokens(text: str) -> list[tuple[Kind, str]]:
    """(kind, text) pieces covering all of `text`; unlexable rest is plain text."""
    pieces: list[tuple[Kind, str]] = []
    pos = 0
    try:
        for tok in _lexer().lex(text, dont_ignore=True):  # ignored terminals too: the tokens are contiguous from 0
            kind = _KINDS.get(tok.type, "punctuation" if tok.type in ("LPAR", "RPAR", "LSQB", "RSQB", "COMMA", "SEMICOLON") else "text")
            if tok.type == "NAME":
                kind = "operation" if tok.value in REGISTRY else "name"
            pieces.append((kind, tok.value))
            pos = tok.end_pos
    except LexError:
        pass
    if pos < len(text):
        pieces.append(("text", text[pos:]))
    return pieces
