"""The lexer's terminals in a faster order that matches the very same tokens (used by `lalr_build.py` only).

Python's `re` tries the alternatives of one pattern in turn at every
position, so a token whose terminal comes late in Lark's order (its
priority order: `(` is 12th of 16) pays for every alternative before it.
Two terminals can trade places without changing any match when no
character can start both of them: at any position at most one of them can
match. This module works out, from the parsed regular expressions, the
characters each terminal can start with (or that it cannot tell, which
keeps the terminal behind every one before it), and orders the terminals
by how often programs use them, never moving one past another that can
start with the same character.
"""

from __future__ import annotations

import re
from re import _constants as C  # type: ignore[attr-defined]  # the parsed form of a pattern, as Lark reads it too
from re import _parser  # type: ignore[attr-defined]

#: Terminals by how often programs hold them (names first, then the brackets of calls, …); others keep Lark's order
#: after these. Only speed depends on this list: `ordered` keeps every pair whose first characters meet in Lark's order.
OFTEN = ("NAME", "LPAR", "RPAR", "STRING", "COMMA", "__IGNORE_0", "EQUAL", "_NL", "NUMBER")


class First:
    """The characters a match can start with: code points, and character classes (`\\d`, `\\w`, …) as patterns."""

    def __init__(self, codes: frozenset[int], classes: tuple[re.Pattern[str], ...]) -> None:
        self.codes, self.classes = codes, classes

    def meets(self, other: First) -> bool:
        """Whether some character can start both (classes are taken to meet one another)."""
        if self.codes & other.codes or (self.classes and other.classes):
            return True
        return any(c.match(chr(code)) for c in self.classes for code in other.codes) or \
            any(c.match(chr(code)) for c in other.classes for code in self.codes)


_CATEGORY = {C.CATEGORY_DIGIT: r"\d", C.CATEGORY_WORD: r"\w", C.CATEGORY_SPACE: r"\s"}


def _set(items: list, flags: int) -> First | None:
    """The characters of a class `[…]`, or None for a negated class or one this does not read."""
    codes: set[int] = set()
    classes = []
    for op, av in items:
        if op is C.LITERAL:
            codes.add(av)
        elif op is C.RANGE:
            codes.update(range(av[0], av[1] + 1))
        elif op is C.CATEGORY and av in _CATEGORY:
            classes.append(re.compile(_CATEGORY[av], flags))
        else:
            return None
    return First(frozenset(codes), tuple(classes))


def _union(a: First, b: First) -> First:
    return First(a.codes | b.codes, a.classes + b.classes)


def first(items: _parser.SubPattern, flags: int) -> First | None:
    """The characters a match of the parsed pattern can start with; None when unknown or when it can match nothing."""
    found = First(frozenset(), ())
    for op, av in items:
        if op is C.LITERAL:
            return _union(found, First(frozenset({av}), ()))
        if op is C.IN:
            part = _set(av, flags)
            return None if part is None else _union(found, part)
        if op is C.BRANCH:
            subs, optional = av[1], False
        elif op is C.SUBPATTERN:
            subs, optional = [av[-1]], False
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            subs, optional = [av[2]], av[0] == 0
        else:  # anchors, lookarounds, backreferences: not read here
            return None
        for sub in subs:
            part = first(sub, flags)
            if part is None:
                return None
            found = _union(found, part)
        if not optional and all(sub.getwidth()[0] > 0 for sub in subs):
            return found
    return None  # the pattern can match nothing at all: it can meet anything


def ordered(terminals: list[tuple[str, str]], flags: int) -> list[tuple[str, str]]:
    """`terminals` ((name, regex) in Lark's order) reordered by OFTEN, each pair whose first characters meet kept in order."""
    if flags & re.IGNORECASE:
        return terminals
    firsts = [first(_parser.parse(regex, flags), flags) for _, regex in terminals]
    before = [{j for j in range(i) if firsts[i] is None or firsts[j] is None or firsts[i].meets(firsts[j])}
              for i in range(len(terminals))]
    rank = {name: i for i, name in enumerate(OFTEN)}
    placed: list[int] = []
    while len(placed) < len(terminals):
        ready = [i for i in range(len(terminals)) if i not in placed and before[i] <= set(placed)]
        placed.append(min(ready, key=lambda i: (rank.get(terminals[i][0], len(OFTEN)), i)))
    return [terminals[i] for i in placed]
