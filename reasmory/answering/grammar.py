"""The decoding grammar: `grammar/reasmory.lark` rewritten for grammar-constrained decoding.

Derived programmatically from the grammar file (never duplicated): Lark
compiles the file into plain BNF rules and terminals, which are written back
as Lark text that llguidance (vLLM's `guidance` backend, our local
transformers client) reads. The result accepts a subset of the language, so
every constrained output parses:

- no newlines inside brackets (the parser blanks them before lexing; a
  context-free grammar cannot express that blanking, and nothing needs it);
- no comments (a comment inside brackets could never be closed);
- keywords (`and`, `true`, …) are never names, as Lark's lexer decides;
- `\\d` and `\\w` are ASCII (the Rust regexes llguidance runs know newer
  Unicode digits than Python's `re`).

`Bounds` unrolls the recursive rules to a fixed nesting depth and caps lexeme
lengths, for small or untrained models that would not stop on their own. A
capped name could end right before a keyword (`abcdefghand`), which Lark
would read as one longer name, so the bounded grammar spells whitespace out:
none anywhere, except mandatory around keyword operators (`a or b`, `not x`).
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
_SPACE = "SPACE"  # the bounded grammar's mandatory separator
_CONTROL = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\f": "\\f"}
_ASCII = {"d": "0-9", "w": "A-Za-z0-9_"}


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
    keywords: frozenset[str]


@lru_cache(maxsize=1)
def _bnf() -> _Bnf:
    """The grammar file compiled by Lark into BNF (anonymous repetitions become helper rules)."""
    lark = Lark(grammar_text(), parser="lalr", maybe_placeholders=True)
    terminals = {t.name: t for t in lark.terminals}
    spaces = [name for name in lark.ignore_tokens if re.fullmatch(terminals[name].pattern.to_regexp(), " ")]
    keywords = frozenset(name for name, t in terminals.items() if isinstance(t.pattern, PatternStr) and t.pattern.value.isidentifier())
    rules: dict[str, list[Expansion]] = defaultdict(list)
    for rule in lark.rules:
        expansion = tuple(sym.name for sym in rule.expansion)
        if expansion not in rules[rule.origin.name]:
            rules[rule.origin.name].append(expansion)
    return _Bnf(dict(rules), terminals, spaces, keywords)


def _separated(expansion: Expansion, keywords: frozenset[str]) -> Expansion:
    """Mandatory whitespace between a keyword operator and its neighbours in the expansion."""
    if len(expansion) < 2 or not keywords.intersection(expansion):
        return expansion
    out: list[str] = []
    for i, symbol in enumerate(expansion):
        if symbol in keywords and i > 0:
            out.append(_SPACE)
        out.append(symbol)
        if symbol in keywords and i < len(expansion) - 1:
            out.append(_SPACE)
    return tuple(out)


def _unrolled(rules: dict[str, list[Expansion]], depth: int) -> dict[str, list[Expansion]]:
    """Rules indexed by remaining depth (`name@level`): an expansion of two or more symbols spends one level.

    Only productive (rule, level) pairs are kept, so every derivation is finite.
    """
    productive: set[tuple[str, int]] = set()

    def refs(expansion: Expansion, level: int) -> list[tuple[str, int]] | None:
        below = level - 1 if len(expansion) > 1 else level
        out = [(s, below) for s in expansion if s in rules]
        return None if any(lvl < 0 for _, lvl in out) else out

    def usable(expansion: Expansion, level: int) -> bool:
        needed = refs(expansion, level)
        return needed is not None and all(r in productive for r in needed)

    for level in range(depth + 1):
        grew = True
        while grew:
            fresh = {(name, level) for name, expansions in rules.items()
                     if (name, level) not in productive and any(usable(e, level) for e in expansions)}
            productive |= fresh
            grew = bool(fresh)
    out: dict[str, list[Expansion]] = {}
    for name, level in sorted(productive, key=lambda p: (-p[1], p[0])):
        kept = [e for e in rules[name] if usable(e, level)]
        out[f"{name}@{level}"] = [tuple(f"{s}@{level - 1 if len(e) > 1 else level}" if s in rules else s for s in e) for e in kept]
    return out


def _ascii_classes(pattern: str) -> str:
    r"""`\d` and `\w` as ASCII classes (outside negated character classes, where the wider class is the safe one)."""
    out, i, in_class, negated = [], 0, False, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt in _ASCII and not negated:
                out.append(_ASCII[nxt] if in_class else f"[{_ASCII[nxt]}]")
            else:
                out.append(pattern[i:i + 2])
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class, negated = True, pattern[i + 1:i + 2] == "^"
        elif ch == "]" and in_class:
            in_class = negated = False
        out.append(ch)
        i += 1
    return "".join(out)


def _regex(pattern: str) -> str:
    """A Python regex as a `/…/` lexeme: ASCII classes, control characters spelled out."""
    escaped = _ascii_classes(pattern).replace("/", "\\/")
    for char, spelled in _CONTROL.items():
        escaped = escaped.replace(char, spelled)
    return "/" + escaped + "/"


def _terminal_body(term: TerminalDef, keyword_texts: list[str], bounds: Bounds | None) -> str:
    """One terminal as llguidance Lark: strings stay literals; regexes exclude keywords and may be length-capped."""
    if isinstance(term.pattern, PatternStr):
        return json.dumps(term.pattern.value)
    body = _regex(term.pattern.to_regexp())
    shadowed = [k for k in keyword_texts if re.fullmatch(term.pattern.to_regexp(), k)]
    if shadowed:
        body += " & ~(" + " | ".join(json.dumps(k) for k in shadowed) + ")"
    if bounds is not None and term.pattern.max_width > bounds.lexeme:
        body += f" & /(?s:.{{0,{bounds.lexeme}}})/"
    return body


def _symbol(symbol: str, rules: dict[str, list[Expansion]]) -> str:
    """Lark's internal names without leading underscores; unrolled levels as a `_d<level>` suffix."""
    if symbol not in rules:
        return symbol.lstrip("_")
    base, _, level = symbol.partition("@")
    return base.lstrip("_") + (f"_d{level}" if level else "")


def decoding_grammar(bounds: Bounds | None = None) -> str:
    """Lark text for llguidance or a vLLM `guidance` server, derived from `grammar/reasmory.lark`."""
    bnf = _bnf()
    rules = bnf.rules
    if bounds is not None:
        rules = _unrolled({name: [_separated(e, bnf.keywords) for e in es] for name, es in rules.items()}, bounds.depth)
    keyword_texts = [bnf.terminals[k].pattern.value for k in sorted(bnf.keywords)]
    lines = ["// Derived from grammar/reasmory.lark by reasmory.answering.grammar; do not edit."]
    if bounds is not None:
        lines.append(f"start: start_d{bounds.depth}")
    for name, expansions in rules.items():
        alternatives = [" ".join(_symbol(s, rules) for s in e) or '""' for e in expansions]
        lines.append(f"{_symbol(name, rules)}: " + "\n    | ".join(alternatives))
    used = sorted({s for es in rules.values() for e in es for s in e if s not in rules} - {_SPACE})
    lines += [f"{s.lstrip('_')}: {_terminal_body(bnf.terminals[s], keyword_texts, bounds)}" for s in used]
    for name in bnf.spaces[:1]:
        if bounds is None:
            lines += [f"{name.lstrip('_')}: {_terminal_body(bnf.terminals[name], [], None)}", f"%ignore {name.lstrip('_')}"]
        else:
            lines.append(f"{_SPACE}: {_terminal_body(bnf.terminals[name], [], bounds)}")
    return "\n".join(lines) + "\n"
