"""The decoding grammar: `grammar/reasmory.lark` rewritten for grammar-constrained decoding.

Derived programmatically from the grammar file (never duplicated): Lark
compiles the file into plain BNF rules and terminals, which are written back
as Lark text that llguidance (vLLM's `guidance` backend, our local
transformers client) reads. The result accepts a subset of the language, so
every constrained output parses:

- no newlines inside brackets (the parser blanks them before lexing; a
  context-free grammar cannot express that blanking, and nothing needs it);
- no comments (a comment inside brackets could never be closed);
- keywords (`and`, `true`, …) are never names, as Lark's lexer decides.

`Bounds` unrolls the recursive rules to a fixed nesting depth and caps lexeme
lengths, for small or untrained models that would not stop on their own.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from lark import Lark
from lark.lexer import PatternStr, TerminalDef

from reasmory.interpreter.parser import grammar_text

Expansion = tuple[str, ...]
_SPACE = "SPACE"  # the mandatory separator: the grammar's ignored whitespace, as a lexeme
_CONTROL = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\f": "\\f"}


@dataclass(frozen=True)
class Bounds:
    """Limits for a finite decoding grammar: structural nesting depth and characters per lexeme."""

    depth: int = 8
    lexeme: int = 12


@dataclass(frozen=True)
class _Bnf:
    rules: dict[str, list[Expansion]]
    terminals: dict[str, TerminalDef]
    spaces: list[str]


@lru_cache(maxsize=1)
def _bnf() -> _Bnf:
    """The grammar file compiled by Lark into BNF (anonymous repetitions become helper rules)."""
    lark = Lark(grammar_text(), parser="lalr", maybe_placeholders=True)
    terminals = {t.name: t for t in lark.terminals}
    spaces = [name for name in lark.ignore_tokens if re.fullmatch(terminals[name].pattern.to_regexp(), " ")]
    keywords = {name for name, t in terminals.items() if isinstance(t.pattern, PatternStr) and t.pattern.value.isidentifier()}
    rules: dict[str, list[Expansion]] = defaultdict(list)
    for rule in lark.rules:
        expansion = _separated(tuple(sym.name for sym in rule.expansion), keywords, spaces[0] if spaces else None)
        if expansion not in rules[rule.origin.name]:
            rules[rule.origin.name].append(expansion)
    return _Bnf(dict(rules), terminals, spaces)


def _separated(expansion: Expansion, keywords: set[str], space: str | None) -> Expansion:
    """Mandatory whitespace around keyword operators (`a or b`, `not x`).

    Lark lexes `orx` or `1and` as one name, while a grammar over lexemes would
    accept the keyword glued to its neighbour; the space keeps the two lexers in agreement.
    """
    if len(expansion) < 2 or not keywords.intersection(expansion):
        return expansion
    if space is None:
        raise ValueError("the grammar ignores no whitespace, so keyword operators cannot be separated")
    out: list[str] = []
    for i, symbol in enumerate(expansion):
        if symbol in keywords and i > 0:
            out.append(_SPACE)
        out.append(symbol)
        if symbol in keywords and i < len(expansion) - 1:
            out.append(_SPACE)
    return tuple(out)


def _name(symbol: str) -> str:
    """Lark's internal names (`__start_star_1`, `_NL`) without leading underscores."""
    return symbol.lstrip("_")


def _literal(text: str) -> str:
    return json.dumps(text)


def _regex(pattern: str) -> str:
    """A Python regex as a `/…/` lexeme, control characters spelled out."""
    escaped = pattern.replace("/", "\\/")
    for char, spelled in _CONTROL.items():
        escaped = escaped.replace(char, spelled)
    return "/" + escaped + "/"


def _terminal_body(term: TerminalDef, keywords: list[str], bounds: Bounds | None) -> str:
    """One terminal as llguidance Lark: strings stay literals; regexes exclude keywords and may be length-capped."""
    if isinstance(term.pattern, PatternStr):
        return _literal(term.pattern.value)
    body = _regex(term.pattern.to_regexp())
    shadowed = [k for k in keywords if re.fullmatch(term.pattern.to_regexp(), k)]
    if shadowed:
        body += " & ~(" + " | ".join(_literal(k) for k in shadowed) + ")"
    if bounds is not None and term.pattern.max_width > bounds.lexeme:
        body += f" & /(?s:.{{0,{bounds.lexeme}}})/"
    return body


def _unrolled(rules: dict[str, list[Expansion]], depth: int) -> dict[str, list[Expansion]]:
    """Rules indexed by remaining depth: an expansion of two or more symbols spends one level.

    Only productive (rule, level) pairs are kept, so every derivation is finite.
    """
    productive: set[tuple[str, int]] = set()

    def refs(expansion: Expansion, level: int) -> list[tuple[str, int]] | None:
        below = level - 1 if len(expansion) > 1 else level
        out = [(s, below) for s in expansion if s in rules]
        return None if any(lvl < 0 for _, lvl in out) else out

    for level in range(depth + 1):
        changed = True
        while changed:
            changed = False
            for name, expansions in rules.items():
                if (name, level) in productive:
                    continue
                for e in expansions:
                    needed = refs(e, level)
                    if needed is not None and all(r in productive for r in needed):
                        productive.add((name, level))
                        changed = True
                        break
    out: dict[str, list[Expansion]] = {}
    for name, level in sorted(productive, key=lambda p: (-p[1], p[0])):
        kept = []
        for e in rules[name]:
            needed = refs(e, level)
            if needed is not None and all(r in productive for r in needed):
                below = level - 1 if len(e) > 1 else level
                kept.append(tuple(f"{s}@{below}" if s in rules else s for s in e))
        out[f"{name}@{level}"] = kept
    return out


def _rule_name(symbol: str) -> str:
    base, _, level = symbol.partition("@")
    return _name(base) + (f"_d{level}" if level else "")


def decoding_grammar(bounds: Bounds | None = None) -> str:
    """Lark text for llguidance or a vLLM `guidance` server, derived from `grammar/reasmory.lark`."""
    bnf = _bnf()
    rules = bnf.rules if bounds is None else _unrolled(bnf.rules, bounds.depth)
    used = {s for expansions in rules.values() for e in expansions for s in e if s not in rules}
    keywords = [t.pattern.value for t in bnf.terminals.values() if isinstance(t.pattern, PatternStr) and t.pattern.value.isidentifier()]
    lines = ["// Derived from grammar/reasmory.lark by reasmory.answering.grammar; do not edit."]
    if bounds is not None:
        lines.append(f"start: start_d{bounds.depth}")
    for name, expansions in rules.items():
        alternatives = [" ".join(_name(s) if s in used else _rule_name(s) for s in e) or '""' for e in expansions]
        lines.append(f"{_rule_name(name)}: " + "\n    | ".join(alternatives))
    for name in sorted(used - {_SPACE}):
        lines.append(f"{_name(name)}: {_terminal_body(bnf.terminals[name], keywords, bounds)}")
    for name in bnf.spaces:
        lines.append(f"{_name(name)}: {_terminal_body(bnf.terminals[name], [], bounds)}")
        lines.append(f"%ignore {_name(name)}")
    if _SPACE in used:
        lines.append(f"{_SPACE}: {_terminal_body(bnf.terminals[bnf.spaces[0]], [], bounds)}")
    return "\n".join(lines) + "\n"
