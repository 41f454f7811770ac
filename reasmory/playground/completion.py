"""Completion as a pure function of the text before the cursor (tested without a terminal).

Inside a string argument that takes labels: the memory's labels. Inside a
string argument with enum words: those words. After `name(`: its keyword
arguments. Otherwise: operations, variables and `options`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reasmory.interpreter.registry import REGISTRY

_KEYWORD = re.compile(r"([A-Za-z_]\w*)\s*=\s*$")
_WORD = re.compile(r"[A-Za-z_]\w*$")


@dataclass(frozen=True)
class Suggestion:
    text: str
    replace: int
    meta: str = ""


@dataclass
class CompletionState:
    labels: list[str]
    variables: list[str]


def _innermost_call(text: str) -> tuple[str, int] | None:
    """The operation whose argument list the cursor is in, and how many commas precede the cursor in it."""
    depth, commas = 0, 0
    for i in range(len(text) - 1, -1, -1):
        ch = text[i]
        if ch in ")]":
            depth += 1
        elif ch == "[" and depth == 0:
            commas = 0  # inside a list literal: the list is one argument of the enclosing call
        elif ch in "([":
            if depth == 0:
                match = _WORD.search(text[:i].rstrip())
                return (match.group(), commas) if match else None
            depth -= 1
        elif ch == "," and depth == 0:
            commas += 1
    return None


def _open_string(text: str) -> int | None:
    """Where the string the cursor is in starts (its quote), or None outside strings."""
    quote, start = "", None
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote, start = "", None
        elif ch in "\"'":
            quote, start = ch, i
        elif ch == "#":
            return None
    return start


def _string_suggestions(text: str, start: int, state: CompletionState) -> list[Suggestion]:
    before, prefix = text[:start], text[start + 1 :]
    call = _innermost_call(before)
    op = REGISTRY.get(call[0]) if call else None
    if op is None:
        return []
    keyword = _KEYWORD.search(before)
    if keyword:
        param = op.param_index.get(keyword.group(1))
    else:
        param = op.params[call[1]] if call[1] < len(op.params) else None
    if param is None:
        return []
    words = list(param.choices) if param.choices else (state.labels if param.label else [])
    kind = "label" if param.label else "word"
    return [Suggestion(w, len(prefix), kind) for w in words if w.lower().startswith(prefix.lower())]


def suggest(text: str, state: CompletionState) -> list[Suggestion]:
    """What may come next at the end of `text`."""
    start = _open_string(text)
    if start is not None:
        return _string_suggestions(text, start, state)
    word = _WORD.search(text)
    prefix = word.group() if word else ""
    found: list[Suggestion] = []
    call = _innermost_call(text[: len(text) - len(prefix)])
    if call is not None and (op := REGISTRY.get(call[0])) is not None:
        found += [Suggestion(f"{p.name}=", len(prefix), f"argument of {op.name}") for p in op.params if p.name.startswith(prefix)]
    found += [Suggestion(v, len(prefix), "variable") for v in [*state.variables, "options"] if v.startswith(prefix)]
    found += [Suggestion(op.name, len(prefix), "operation") for op in REGISTRY if op.name.startswith(prefix)]
    return found
