"""Generates `lalr_tables.py`, the standalone parser tables, from the grammar file with Lark's own analysis.

    python -m reasmory.interpreter.lalr_build          # rewrite lalr_tables.py after editing the grammar

The grammar stays the only definition of the syntax: Lark computes the
LALR(1) automaton, the lexer's terminals (taken in a faster order that
matches the same tokens: `token_order.py`) and its keyword rules, and the
shape of every rule's tree (which children are kept, where optional parts
leave None, which rules are inlined into their parent). This module writes
them out as Python data and one small function per rule that builds the AST
node the rule's alias names, so parsing needs neither Lark nor its grammar
analysis at run time. A test regenerates the module and compares.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path
from typing import Any

from reasmory.interpreter import token_order

TABLES = Path(__file__).with_name("lalr_tables.py")


def _child_expressions(rule: Any) -> list[str]:
    """Python expressions for a rule's kept children, in Lark's order: `c[i]`, `*c[i]` (inlined) or None."""
    empty = rule.options.empty_indices
    nones = [len(ones) for ones in "".join(str(int(b)) for b in empty).split("0")] if empty else [0] * (len(rule.expansion) + 1)
    out: list[str] = []
    for i, symbol in enumerate(rule.expansion):
        out += ["None"] * nones[i]
        if symbol.is_term and symbol.filter_out:
            continue
        out.append(f"*c[{i}]" if not symbol.is_term and symbol.name.startswith("_") else f"c[{i}]")
    return out + ["None"] * nones[len(rule.expansion)]


def _action(rule: Any) -> tuple[str | None, int | None]:
    """(code of the rule's function body, or None) and the child a unit rule passes up unchanged (or None)."""
    children = _child_expressions(rule)
    if rule.origin.name.startswith("_"):
        return f"return [{', '.join(children)}]", None
    if rule.options.expand1 and not rule.alias:
        if len(children) != 1 or not children[0].startswith("c["):
            raise ValueError(f"rule {rule} collapses to one child only sometimes; teach lalr_build.py its shape")
        pick = int(children[0][2:-1])
        return (None, pick) if len(rule.expansion) == 1 else (f"return {children[0]}", None)
    return f"return B.{rule.alias or rule.origin.name}([{', '.join(children)}])", None


def _canonical_states(states: dict[int, dict[str, Any]], start: int, shift: Any) -> dict[int, int]:
    """State numbers in breadth-first order from the start, symbols taken in sorted order (Lark's own numbering
    follows set iteration order, which changes between processes)."""
    order = {start: 0}
    queue = [start]
    for state in queue:
        for _, (kind, arg) in sorted(states[state].items()):
            if kind is shift and arg not in order:
                order[arg] = len(order)
                queue.append(arg)
    return order


def build(grammar: str) -> dict[str, Any]:
    """Everything the standalone parser needs, computed by Lark from the grammar text."""
    from lark import Lark, __version__
    from lark.parsers.lalr_analysis import Shift

    lark = Lark(grammar, parser="lalr", maybe_placeholders=True)
    root = lark.parser.lexer.root_lexer
    scanner = root.scanner
    if len(scanner._mres) != 1:
        raise ValueError("the grammar's terminals need more than one regular expression; teach lalr_build.py")
    candidates: dict[str, list[str]] = {}
    for regex_name, unless in root.callback.items():
        for literal in unless.scanner.terminals:
            candidates.setdefault(literal.pattern.value, []).append(literal.name)
        for literal in unless.scanner.terminals:
            candidates[literal.pattern.value].append(regex_name)
    table = lark.parser.parser.parser.parse_table
    rules = {rule: i for i, rule in enumerate(lark.rules)}
    order = _canonical_states(table.states, table.start_states["start"], Shift)
    actions: list[dict[str, int]] = []
    gotos: list[dict[str, int]] = []
    for state in sorted(order, key=order.__getitem__):
        row, goto = {}, {}
        for symbol, (kind, arg) in sorted(table.states[state].items()):
            if symbol.isupper() or symbol == "$END":
                row[str(symbol)] = order[arg] if kind is Shift else -1 - rules[arg]
            else:
                goto[str(symbol)] = order[arg]
        actions.append(row)
        gotos.append(goto)
    terminals = token_order.ordered([(t.name, t.pattern.to_regexp()) for t in scanner.terminals], scanner.g_regex_flags)
    return {
        "grammar_sha256": hashlib.sha256(grammar.encode()).hexdigest(),
        "lark_version": __version__,
        "token_regex": "|".join(f"(?P<{name}>{regex})" for name, regex in terminals),
        "token_flags": int(scanner._mres[0].flags),
        "ignore": sorted(lark.ignore_tokens),
        "candidates": {k: tuple(dict.fromkeys(v)) for k, v in sorted(candidates.items())},
        "start": order[table.start_states["start"]],
        "accept": order[table.end_states["start"]],
        "actions": actions,
        "gotos": gotos,
        "rules": [(str(rule), str(rule.origin.name), len(rule.expansion), *_action(rule)) for rule in lark.rules],
    }


def _builder_taking_every_child(body: str, size: int) -> str | None:
    """`B.name` when a rule's body is `return B.name([c[0], …, c[size - 1]])`: the builder can take the rule's
    children (a fresh list) as they are."""
    match = re.fullmatch(r"return (B\.\w+)\(\[(.*)\]\)", body)
    return match.group(1) if match and match.group(2) == ", ".join(f"c[{i}]" for i in range(size)) else None


def render(tables: dict[str, Any]) -> str:
    """The source of `lalr_tables.py`."""
    lines = [
        '"""Parser tables generated from grammar/reasmory.lark by `python -m reasmory.interpreter.lalr_build`: do not edit.',
        "",
        "ACTIONS[state][terminal] >= 0 shifts to that state, < 0 reduces by rule −1 − value; GOTOS[state][rule name]",
        "is the state after a reduction; RULES[i] = (left side, length, function or None, child a unit rule passes up).",
        '"""',
        "",
        "# ruff: noqa",
        "from reasmory.interpreter import ast_build as B",
        "",
        f"GRAMMAR_SHA256 = {tables['grammar_sha256']!r}",
        f"LARK_VERSION = {tables['lark_version']!r}",
        f"TOKEN_REGEX = {tables['token_regex']!r}",
        f"TOKEN_FLAGS = {tables['token_flags']!r}",
        f"IGNORE = frozenset({tables['ignore']!r})",
        f"CANDIDATES = {tables['candidates']!r}",
        f"START = {tables['start']!r}",
        f"ACCEPT = {tables['accept']!r}",
        "ACTIONS = (",
        *(f"    {row!r}," for row in tables["actions"]),
        ")",
        "GOTOS = (",
        *(f"    {row!r}," for row in tables["gotos"]),
        ")",
        "",
    ]
    entries = []
    for i, (text, origin, size, body, pick) in enumerate(tables["rules"]):
        if body is None:
            entries.append(f"    ({origin!r}, {size}, None, {pick}),  # {text}")
            continue
        builder = _builder_taking_every_child(body, size)
        if builder is not None:  # no function of the rule's own: one call less for every such reduction
            entries.append(f"    ({origin!r}, {size}, {builder}, None),  # {text}")
            continue
        lines += ["", f"def _r{i}(c):  # {text}", f"    {body}", ""]
        entries.append(f"    ({origin!r}, {size}, _r{i}, None),")
    lines += ["", "RULES = (", *entries, ")", ""]
    return "\n".join(lines)


def generated_source() -> str:
    from reasmory.interpreter.parser import grammar_text

    return render(build(grammar_text()))


def main() -> None:
    TABLES.write_text(generated_source(), encoding="utf-8")
    sys.stdout.write(f"wrote {TABLES}\n")


if __name__ == "__main__":
    main()
