"""A question's text as the reader sees it: lower case, contractions expanded, units as one token, cue typos fixed.

Typos are corrected only toward the reader's own cue words ("foward" →
"forward", "distnace" → "distance"), never toward an object's name: those are
resolved against the memory's labels, which say how sure they are.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from reasmory.compiler.words import CUE_VOCABULARY, NOT_OBJECTS, UNIT_PHRASES

_CONTRACTIONS = tuple((re.compile(p), r) for p, r in (
    (r"\bwhat's\b", "what is"), (r"\bwhere's\b", "where is"), (r"\bhow's\b", "how is"), (r"\bwhich's\b", "which is"),
    (r"\bthere's\b", "there is"), (r"\bthat's\b", "that is"), (r"\bit's\b", "it is"), (r"\bi'm\b", "i am"),
    (r"\byou're\b", "you are"), (r"\bwe're\b", "we are"), (r"\bthey're\b", "they are"), (r"\bisn't\b", "is not"),
    (r"\baren't\b", "are not"), (r"\bdon't\b", "do not"), (r"\bdoesn't\b", "does not"), (r"\bcan't\b", "can not"),
    (r"\bwon't\b", "will not"), (r"\bi'd\b", "i would"), (r"\bi've\b", "i have"), (r"\blet's\b", "let us"),
    (r"\bo'clock\b", "oclock"), (r"\bhow're\b", "how are"),
))
_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
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
    tokens = _TOKEN.findall(text)
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


def _swapped(a: str, b: str) -> bool:
    """b is a with two neighbouring letters swapped ('fra' / 'far')."""
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


@lru_cache(maxsize=4096)
def _correct(token: str) -> str:
    if 3 <= len(token) <= 4 and token not in NOT_OBJECTS and token not in _COMMON:
        return next((cue for cue in _SHORT_CUES if _swapped(token, cue)), token)
    if len(token) < 5 or token.isdigit() or token in NOT_OBJECTS or token in _COMMON or token in _CUES:
        return token
    if token.endswith("s") and token[:-1] in _CUES:
        return token
    close = difflib.get_close_matches(token, CUE_VOCABULARY, n=1, cutoff=0.84)
    if not close or token.startswith(close[0]) or close[0].startswith(token):  # an inflection, not a typo
        return token
    return close[0]


_CUES = frozenset(CUE_VOCABULARY)
