"""Label normalisation: one canonical form per category name.

Questions say "sofas", "Couch", "trash can"; memories hold "sofa" and
"trash bin". Both sides go through the same `canonical` function (case,
spacing, plurals, synonyms), so "matches" is simply equality of canonical
forms. Users extend the synonym table per memory or globally.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

# Irregular plurals and words whose final "s" is not a plural.
_IRREGULAR = {
    "shelves": "shelf",
    "knives": "knife",
    "leaves": "leaf",
    "people": "person",
    "men": "man",
    "women": "woman",
    "children": "child",
    "feet": "foot",
    "mice": "mouse",
    "boxes": "box",
    "couches": "couch",
    "benches": "bench",
    "dishes": "dish",
    "glasses": "glass",
    "mattresses": "mattress",
    "radiators": "radiator",
}
_NOT_PLURAL = {"glass", "mattress", "bus", "lens", "gas", "dress", "chess", "series", "species", "stairs", "pants", "shorts", "scissors", "blinds", "canvas", "cactus", "class"}

#: Categories a detector looks for when a memory is built from a video or photos: VSI-Bench's object
#: categories (ScanNet, ARKitScenes, ScanNet++), most frequent first. Labels outside it are grounded on demand.
DEFAULT_VOCABULARY: tuple[str, ...] = (
    "table", "chair", "door", "tv", "sofa", "bed", "trash bin", "window", "refrigerator", "stool", "toilet", "monitor",
    "pillow", "backpack", "ceiling light", "stove", "bathtub", "keyboard", "washer", "telephone", "heater", "bookshelf",
    "mirror", "lamp", "fireplace", "whiteboard", "computer mouse", "microwave", "printer", "plant", "radiator",
    "counter", "towel", "nightstand", "cup", "clock", "dishwasher", "power strip", "computer tower", "laptop",
    "exhaust fan", "closet", "kettle", "blanket", "fan", "suitcase", "basket", "shoes", "cutting board", "coat hanger",
    "bucket", "crate", "pan", "headphones", "shoe rack", "bowl", "table lamp", "oven", "mattress", "guitar", "piano",
    "paper bag",
)

#: Default synonyms (variant → canonical). Canonical names follow VSI-Bench's categories.
DEFAULT_SYNONYMS: dict[str, str] = {
    "couch": "sofa",
    "settee": "sofa",
    "television": "tv",
    "tv set": "tv",
    "telly": "tv",
    "fridge": "refrigerator",
    "trash can": "trash bin",
    "garbage can": "trash bin",
    "garbage bin": "trash bin",
    "waste bin": "trash bin",
    "wastebasket": "trash bin",
    "bin": "trash bin",
    "trashcan": "trash bin",
    "rubbish bin": "trash bin",
    "cooktop": "stove",
    "oven range": "stove",
    "range": "stove",
    "bookshelf": "shelf",
    "bookcase": "shelf",
    "shelving": "shelf",
    "potted plant": "plant",
    "houseplant": "plant",
    "flower pot": "plant",
    "tub": "bathtub",
    "bath": "bathtub",
    "cushion": "pillow",
    "computer monitor": "monitor",
    "screen": "monitor",
    "rucksack": "backpack",
    "cupboard": "cabinet",
    "wardrobe": "cabinet",
    "armchair": "chair",
    "desk lamp": "lamp",
    "floor lamp": "lamp",
    "dining table": "table",
    "coffee table": "table",
    "loo": "toilet",
}



def singular(word: str) -> str:
    """English singular of one lower-case word (rules good for object category names)."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word in _NOT_PLURAL or len(word) <= 2 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses", "zes")):
        return word[:-2]
    return word[:-1]


def basic(text: str) -> str:
    """Lower case, single spaces, last word singular: the form two spellings of one name share."""
    words = text.lower().replace("(s)", "").replace("_", " ").replace("-", " ").split()
    if not words:
        return ""
    words[-1] = singular(words[-1])
    return " ".join(words)


class LabelNormalizer:
    """Maps any spelling of a category to its canonical form.

    `synonyms` maps variant → canonical and is itself normalised (case,
    spacing, plurals), so users may write either form.
    """

    def __init__(self, synonyms: Mapping[str, str] | None = None, use_defaults: bool = True) -> None:
        table = dict(DEFAULT_SYNONYMS) if use_defaults else {}
        table.update(synonyms or {})
        self._synonyms = {self._basic(k): self._basic(v) for k, v in table.items()}
        self._canonical: dict[str, str] = {}

    _basic = staticmethod(basic)

    def canonical(self, label: str) -> str:
        """Canonical form: lower case, single spaces, singular, synonyms resolved (memoised: labels repeat)."""
        found = self._canonical.get(label)
        if found is None:
            basic = self._basic(label)
            found = self._canonical[label] = self._synonyms.get(basic, basic)
        return found

    def same(self, a: str, b: str) -> bool:
        return self.canonical(a) == self.canonical(b)

    def extended(self, synonyms: Mapping[str, str]) -> LabelNormalizer:
        """A new normaliser with extra synonyms on top of this one's."""
        new = LabelNormalizer(use_defaults=False)
        new._synonyms = dict(self._synonyms)
        new._canonical = {}
        new._synonyms.update({self._basic(k): self._basic(v) for k, v in synonyms.items()})
        return new

    def close_matches(self, label: str, candidates: Iterable[str], n: int = 3) -> list[str]:
        """Candidates that look like `label` (for "did you mean …?" hints), also through synonyms."""
        by_canon = {self.canonical(c): c for c in candidates}
        spellings = dict.fromkeys(by_canon, "")
        for variant, canonical in self._synonyms.items():
            if canonical in by_canon:
                spellings.setdefault(variant, canonical)
        hits = difflib.get_close_matches(self._basic(label), list(spellings), n=n * 2, cutoff=0.6)
        found = [by_canon[spellings[h] or h] for h in hits]
        return list(dict.fromkeys(found))[:n]
