"""A question's text as the reader sees it: lower case, contractions expanded, units as one token, cue typos fixed.

Typos are corrected only toward the reader's own cue words ("foward" →
"forward", "distnace" → "distance"), never toward an object's name: those are
resolved against the memory's labels, which say how sure they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from reasmory.compiler.words import CUE_VOCABULARY, UNIT_PHRASES
from reasmory.memory.resolve import NOT_OBJECTS

_CONTRACTIONS = tuple((re.compile(p), r) for p, r in (
    (r"\bwhat's\b", "what is"), (r"\bwhere's\b", "where is"), (r"\bhow's\b", "how is"), (r"\bwhich's\b", "which is"),
    (r"\bthere's\b", "there is"), (r"\bthat's\b", "that is"), (r"\bit's\b", "it is"), (r"\bi'm\b", "i am"),
    (r"\byou're\b", "you are"), (r"\bwe're\b", "we are"), (r"\bthey're\b", "they are"), (r"\bisn't\b", "is not"),
    (r"\baren't\b", "are not"), (r"\bdon't\b", "do not"), (r"\bdoesn't\b", "does not"), (r"\bcan't\b", "can not"),
    (r"\bwon't\b", "will not"), (r"\bi'd\b", "i would"), (r"\bi've\b", "i have"), (r"\blet's\b", "let us"),
    (r"\bo'clock\b", "oclock"), (r"\bhow're\b", "how are"),
))
_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?|[,;:!?().]")
_COMMON = frozenset("""
what when there their they them then than that this these those with from into onto over under about above below
have has had does done will would could should shall must might please tell show give find know want like just also
only each every other another same both either very much more most less least some many such into your yours mine
room kitchen bedroom bathroom living office house home hall hallway corridor wall walls ceiling floor window
""".split())


@dataclass
class Text:
    """The normalised question: its tokens, and the corrections made on the way."""

    original: str
    tokens: list[str]
    corrections: list[str] = field(default_factory=list)

    @property
    def joined(self) -> str:
        return " " + " ".join(self.tokens) + " "

    def has(self, phrase: str) -> bool:
        """Whether the words of `phrase` occur in a row."""
        return f" {phrase} " in self.joined

    def find(self, phrase: str) -> int:
        """Token index where `phrase` starts, or -1."""
        at = self.joined.find(f" {phrase} ")
        return -1 if at < 0 else self.joined[:at + 1].count(" ") - 1


def normalize(question: str, keep: frozenset[str] = frozenset()) -> Text:
    """Tokens of the question; `keep` are words never corrected (the memory's label words)."""
    text = question.lower().replace("’", "'").replace("‘", "'").replace("`", "'")
    for pattern, repl in _CONTRACTIONS:
        text = pattern.sub(repl, text)
    text = re.sub(r"(\w)'s\b", r"\1", text)
    for pattern, repl in UNIT_PHRASES:
        text = pattern.sub(repl, text)
    text = text.replace("-", " ")
    tokens = ["," if t in ",;:!?()." else t for t in _TOKEN.findall(text)]  # "," marks a clause break: names never span one
    corrections = []
    for i, tok in enumerate(tokens):
        fixed = _correct(tok) if tok not in keep else tok
        if fixed != tok:
            corrections.append(f"'{tok}' read as '{fixed}'")
            tokens[i] = fixed
    return Text(question, tokens, corrections)


def fix_typos(question: str) -> str:
    """The question with misspelt cue words corrected in place, case and punctuation kept (for template matching)."""
    return re.sub(r"[A-Za-z]{5,}", lambda m: m.group() if _correct(m.group().lower()) == m.group().lower() else _correct(m.group().lower()), question)


_SHORT_CUES = ("far", "how", "many", "tall", "big", "long", "wide", "left", "right", "near", "high", "size", "area")


@lru_cache(maxsize=1)
def _object_words() -> frozenset[str]:
    from reasmory.memory.resolve import known_object_names

    return frozenset(w for name in known_object_names() for w in name.split())


def _swapped(a: str, b: str) -> bool:
    """b is a with two neighbouring letters swapped ('fra' / 'far')."""
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


#: Real words one letter away from a cue word, never "corrected" (weight is not height, black is not back).
_REAL_WORDS = frozenset("""weight weights black setting settings racing pacing lacing nearly clock clocks blocks
length lengths height heights hanger meteors spacing placing lowest tallow wider winder heighten shorten longer""".split())


def _one_edit(a: str, b: str) -> bool:
    """a and b differ by one inserted, deleted or changed letter."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


@lru_cache(maxsize=4096)
def _correct(token: str) -> str:
    """A cue word the token is a typo of: two letters swapped, or one letter off a cue of 6 letters or more."""
    if len(token) < 3 or token.isdigit() or token in NOT_OBJECTS or token in _COMMON or token in _CUES or token in _REAL_WORDS:
        return token
    if token in _object_words():
        return token
    if token.endswith("s") and token[:-1] in _CUES:
        return token
    swapped = [cue for cue in _CUE_LIST if _swapped(token, cue)]
    if swapped:
        return swapped[0]
    if len(token) >= 5:
        near = [cue for cue in _CUE_LIST if len(cue) >= 6 and _one_edit(token, cue)
                and not token.startswith(cue) and not cue.startswith(token)]
    else:
        near = [cue for cue in _SHORT_CUES if _one_edit(token, cue)]
    near = [cue for cue in near if cue[0] == token[0]] or (near if len(token) >= 5 else [])
    return near[0] if len(near) == 1 else token


_CUES = frozenset(CUE_VOCABULARY)
_CUE_LIST = tuple(sorted(_CUES | set(_SHORT_CUES)))
