"""Object names as people say them, resolved against the labels a memory holds.

A person says "the couch", "two trash cans", "the coat rack", "the light";
the memory holds "sofa", "trash bin", "coat hanger", "ceiling light". Each
name resolves through, in order: the same name (case, spacing, plural), a
synonym (the memory's own synonyms, then `reasmory.memory.lexicon`'s WordNet
groups), the name's head word alone ("the light" → the one label whose head is
light; "the coffee table" → "table"), a near-synonym (same modifiers, head
words WordNet files under one hypernym: "coat rack" → "coat hanger"), a
spelling close to a label. The last two are marked unsure, and a name that
several labels fit equally is ambiguous, not guessed. A known object name the
memory lacks resolves to no label: the category is absent.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from reasmory.memory.labels import DEFAULT_SYNONYMS, DEFAULT_VOCABULARY, basic
from reasmory.memory.lexicon import NEAR_SYNONYM_HEADS, SYNONYM_GROUPS

if TYPE_CHECKING:
    from reasmory.memory.spatial_memory import SpatialMemory

#: Words that are never names of objects on their own (pose verbs, sides, units, question words).
NOT_OBJECTS = frozenset("""
a an the this that these those there here it its it's is are was were be been am i me my mine you your we our us they
them their he she his her what which who whom whose where when why how many much more most less least than then and or
nor but if so as of to in on at by from for with without into onto over under above below near next beside behind
front back left right side sides top bottom middle center centre corner way view image frame picture photo shot camera
room space place floor area scene here stand standing stood sit sitting sat seated face facing faced look looking looked
see seen count number total far close closer closest nearest nearer farther farthest further furthest distance gap
apart between tall taller tallest height high higher big bigger biggest large larger largest small smaller smallest long
longer longest length size wide wider width meter meters metre metres cm mm ft feet foot inch inches m2 ft2 square
please tell can could would do does did have has had any some one two three four five six seven eight nine ten first
second third fourth fifth last clock o'clock quadrant direction measure measures measured measuring approximately
about roughly exactly around also just only each every other another same both either neither turn turned turning walk
walking go going move moving step steps forward backward backwards ahead across i'm you're let know like want need get
give say says said find show tell estimate approx approximate wall walls ceiling
""".split())

MAX_WORDS = 4
# How a name was resolved, best first; the rank decides between two readings of one name.
EXACT, SYNONYM, HEAD, NEAR, SPELLING, ABSENT = "same name", "synonym", "head word", "near-synonym", "spelling", "absent"
UNSURE = frozenset({NEAR, SPELLING})


@dataclass(frozen=True)
class Resolution:
    """What a name in the question stands for in this memory."""

    phrase: str
    labels: tuple[str, ...]
    how: str
    source: str = ""
    start: int = 0
    end: int = 0

    @property
    def sure(self) -> bool:
        """False for near-synonyms, spellings and names that several different labels fit."""
        if self.how in UNSURE:
            return False
        return len(self.labels) <= 1 or self.how == SYNONYM

    @property
    def absent(self) -> bool:
        return not self.labels

    @property
    def label(self) -> str:
        """The label to use in a program: the memory's label; when absent, the lexicon's spelling or the name as said."""
        if self.labels:
            return self.labels[0]
        return self.source if self.how == ABSENT and self.source else basic(self.phrase)

    def describe(self) -> str:
        if self.absent:
            spelt = f" (read as '{self.source}')" if self.source else ""
            return f"'{self.phrase}'{spelt}: not among the memory's labels"
        shown = " / ".join(repr(lab) for lab in self.labels)
        why = f"{self.how}, {self.source}" if self.source else self.how
        unsure = "; unsure" if not self.sure else ""
        return f"'{self.phrase}' → {shown} ({why}{unsure})"


@lru_cache(maxsize=1)
def _groups() -> tuple[dict[str, list[tuple[str, frozenset[str]]]], dict[str, str]]:
    """basic name → [(source, every basic name of its group)]; head word → its near-synonym class source."""
    groups: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for source, names in SYNONYM_GROUPS:
        members = frozenset(basic(n) for n in names)
        for name in members:
            groups.setdefault(name, []).append((source, members))
    for variant, canonical in DEFAULT_SYNONYMS.items():
        pair = frozenset({basic(variant), basic(canonical)})
        for name in pair:
            groups.setdefault(name, []).append(("configured synonym", pair))
    heads = {basic(h): source for source, words in NEAR_SYNONYM_HEADS for h in words}
    return groups, heads


@lru_cache(maxsize=1)
def known_object_names() -> frozenset[str]:
    """Every object name the lexicon knows, whether or not a memory holds it (to tell an absent category)."""
    groups, _ = _groups()
    return frozenset(groups) | frozenset(basic(v) for v in DEFAULT_VOCABULARY)


class LabelResolver:
    """Resolves names against one memory's labels; build one per memory (cheap), reuse it for every question."""

    def __init__(self, labels: Iterable[str], synonyms: dict[str, str] | None = None) -> None:
        self.labels = sorted(dict.fromkeys(labels))
        self._by_basic: dict[str, list[str]] = {}
        for lab in self.labels:
            self._by_basic.setdefault(basic(lab), []).append(lab)
        self._own = {basic(k): basic(v) for k, v in (synonyms or {}).items()}
        self._cache: dict[str, Resolution | None] = {}
        self.words = frozenset(w for lab in self._by_basic for w in lab.split()) | frozenset(
            w for name in known_object_names() for w in name.split())

    def resolve(self, phrase: str) -> Resolution | None:
        """The best reading of one name; None when it is no object name this memory or the lexicon knows."""
        key = basic(phrase)
        if key not in self._cache:
            self._cache[key] = self._resolve(phrase, key)
        found = self._cache[key]
        return None if found is None else Resolution(phrase, found.labels, found.how, found.source)

    def _resolve(self, phrase: str, key: str) -> Resolution | None:
        if key in self._by_basic:
            return Resolution(phrase, tuple(self._by_basic[key]), EXACT)
        synonyms = self._synonyms(key)
        if synonyms:
            labels, source = synonyms
            return Resolution(phrase, labels, SYNONYM, source)
        head = self._by_head(key)
        if head:
            return Resolution(phrase, head, HEAD)
        groups, _ = _groups()
        near = self._near(key) or next((found for _, members in groups.get(key, ()) for name in sorted(members)
                                        if (found := self._near(name))), None)
        if near:
            labels, source = near
            return Resolution(phrase, labels, NEAR, source)
        if key in known_object_names():
            return Resolution(phrase, (), ABSENT)
        return None

    def _synonyms(self, key: str) -> tuple[tuple[str, ...], str] | None:
        if key in self._own and self._own[key] in self._by_basic:
            return tuple(self._by_basic[self._own[key]]), "the memory's synonyms"
        groups, _ = _groups()
        for source, members in groups.get(key, ()):
            held = [lab for name in sorted(members) for lab in self._by_basic.get(name, ())]
            if held:
                return tuple(dict.fromkeys(held)), source
        return None

    def _by_head(self, key: str) -> tuple[str, ...] | None:
        """'light' → the one label ending in light; 'coffee table' → 'table' (a coffee table is a table)."""
        words = key.split()
        if len(words) == 1:
            if key in NOT_OBJECTS:
                return None
            fits = [lab for b, labs in self._by_basic.items() if b.split()[-1] == key for lab in labs]
            return tuple(fits) if len(fits) == 1 else None
        if any(w in NOT_OBJECTS or not w.isalpha() for w in words[:-1]):
            return None
        for cut in range(1, len(words)):
            tail = " ".join(words[cut:])
            if tail in self._by_basic:
                return tuple(self._by_basic[tail])
            synonyms = self._synonyms(tail)
            if synonyms and tail not in NOT_OBJECTS:
                return synonyms[0]
        return None

    def _near(self, key: str) -> tuple[tuple[str, ...], str] | None:
        """Same modifiers, head words of one WordNet class: 'coat rack' ~ 'coat hanger'."""
        _, heads = _groups()
        words = key.split()
        if len(words) < 2 or words[-1] not in heads:
            return None
        fits = [lab for b, labs in self._by_basic.items() for lab in labs
                if b.split()[:-1] == words[:-1] and heads.get(b.split()[-1]) == heads[words[-1]]]
        return (tuple(fits), f"{words[-1]} ~ {basic(fits[0]).split()[-1]}: {heads[words[-1]]}") if len(fits) == 1 else None

    def spelled_like(self, word: str) -> Resolution | None:
        """A label spelled close to a word the reader could not place ('refridgerator'); unsure."""
        if len(word) < 4 or word in NOT_OBJECTS:
            return None
        close = difflib.get_close_matches(word, list(self._by_basic), n=2, cutoff=0.8)
        if len(close) == 1:
            return Resolution(word, tuple(self._by_basic[close[0]]), SPELLING)
        known = difflib.get_close_matches(word, _single_word_names(), n=2, cutoff=0.85)
        return Resolution(word, (), ABSENT, known[0]) if len(known) == 1 and not close else None

    def scan(self, tokens: Sequence[str], skip: frozenset[int] = frozenset()) -> list[Resolution]:
        """Every object name in the tokens, longest first, left to right; `skip` are token positions used by cues."""
        found: list[Resolution] = []
        i = 0
        while i < len(tokens):
            hit = None
            if i not in skip and tokens[i] not in _ARTICLES:
                for n in range(min(MAX_WORDS, len(tokens) - i), 0, -1):
                    if any(j in skip for j in range(i, i + n)):
                        continue
                    words = tokens[i:i + n]
                    if words[0] in NOT_OBJECTS and basic(" ".join(words)) not in self._by_basic:
                        continue
                    res = self.resolve(" ".join(words))
                    if res is not None:
                        hit = Resolution(res.phrase, res.labels, res.how, res.source, i, i + n)
                        break
                if hit is None and tokens[i] not in self.words and not tokens[i].isdigit():
                    res = self.spelled_like(tokens[i])
                    if res is not None:
                        hit = Resolution(res.phrase, res.labels, res.how, res.source, i, i + 1)
            if hit is not None and _compounds(tokens, hit.end):
                hit = self._compound(tokens, hit)
            if hit is not None:
                found.append(hit)
                i = hit.end
            else:
                i += 1
        return found


    def _compound(self, tokens: Sequence[str], hit: Resolution) -> Resolution:
        """'tv' followed by 'stand' names a tv stand, not a tv: the longer name, resolved or absent."""
        end = hit.end + 1
        phrase = " ".join(tokens[hit.start:end])
        res = self.resolve(phrase)
        if res is not None:
            return Resolution(res.phrase, res.labels, res.how, res.source, hit.start, end)
        return Resolution(phrase, (), ABSENT, "", hit.start, end)


_CLAUSE = frozenset("you i we they it he she the a an on in at by up be still there here next near beside of".split())


def _compounds(tokens: Sequence[str], end: int) -> bool:
    """Whether the word after a name makes a longer name of it ('tv stand'), not a new clause ('lamp stand on')."""
    if end >= len(tokens) or tokens[end] not in compound_heads():
        return False
    return end + 1 >= len(tokens) or tokens[end + 1] not in _CLAUSE


@lru_cache(maxsize=1)
def _single_word_names() -> list[str]:
    return sorted(n for n in known_object_names() if " " not in n)


@lru_cache(maxsize=1)
def compound_heads() -> frozenset[str]:
    """Nouns that, after an object's name, make a new name of it ('tv stand', 'bed frame', 'door handle')."""
    _, heads = _groups()
    return frozenset(heads) | frozenset({
        "stand", "remote", "cover", "mount", "unit", "holder", "cable", "lid", "handle", "frame", "leg", "legs",
        "drawer", "drawers", "knob", "shelf", "cabinet", "table", "lamp", "light", "rack", "box", "bag", "mat",
        "sheet", "sheets", "head", "headboard", "board", "panel", "switch", "console", "tray", "seat", "cushion",
        "pillow", "set", "bench", "hanger", "hook", "basket", "bin", "can", "top", "side", "area",
    }) - {"top", "side", "area", "can"}


_ARTICLES = frozenset({"a", "an", "the", "this", "that", "my", "your", "any", "some"})


def resolver_for(memory: SpatialMemory) -> LabelResolver:
    """The label resolver of a memory, built once per memory and kept on it (rebuilt if its labels change)."""
    cached = getattr(memory, "_label_resolver", None)
    if cached is None or cached.labels != sorted(dict.fromkeys(memory.labels())):
        cached = LabelResolver(memory.labels(), memory.synonyms)
        memory._label_resolver = cached  # type: ignore[attr-defined]
    return cached
