"""Turning computed values into answers: multiple-choice letters, rounding, the final answer."""

from __future__ import annotations

import re

from reasmory.errors import InputError
from reasmory.interpreter.context import Context, OpError, parse_options
from reasmory.interpreter.registry import Param, operation
from reasmory.interpreter.types import ANY, NONE, NUMBER, TEXT, list_of
from reasmory.interpreter.values import ObjectSet, View
from reasmory.memory.model import ObjectInstance

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_PUNCT = re.compile(r"[\s\-_,.;:!?'\"]+")


def _norm(text: str) -> str:
    return _PUNCT.sub(" ", text.lower()).strip()


def _labels_of(value: object) -> list[str]:
    if isinstance(value, ObjectInstance):
        return [value.label]
    if isinstance(value, ObjectSet):
        return list(dict.fromkeys(o.label for o in value.objects)) or [value.label]
    return []


#: Words options use for the same side: a value "back" matches an option "behind".
_SIDE_WORDS = {"back": ("behind", "behind me", "back", "to the back"), "left": ("to the left", "on the left", "to my left", "left"),
               "right": ("to the right", "on the right", "to my right", "right")}


def _match_text(ctx: Context, value: str, options: tuple[tuple[str, str], ...]) -> list[str]:
    exact = [letter for letter, text in options if _norm(text) == _norm(value)]
    if exact:
        return exact
    sides = _SIDE_WORDS.get(_norm(value), ())
    same_side = [letter for letter, text in options if _norm(text) in sides]
    if same_side:
        return same_side
    canon = ctx.memory.canonical(value)
    same = [letter for letter, text in options if ctx.memory.canonical(text) == canon]
    if same:
        return same
    return [letter for letter, text in options if value in _labels_named(ctx, text)]


def _labels_named(ctx: Context, text: str) -> tuple[str, ...]:
    """The memory labels an option names under another name ("coat rack" → "coat hanger"), as the reader resolves it."""
    from reasmory.memory.resolve import resolver_for

    found = resolver_for(ctx.memory).resolve(text)
    return found.labels if found is not None else ()


def _match_sequence(ctx: Context, items: list[str], options: tuple[tuple[str, str], ...]) -> list[str]:
    want = [ctx.memory.canonical(i) for i in items]
    return [
        letter for letter, text in options
        if [ctx.memory.canonical(p) for p in text.split(",") if p.strip()] == want
    ]


def _match_number(value: float, options: tuple[tuple[str, str], ...]) -> list[str]:
    numeric = [(abs(float(m.group()) - value), letter) for letter, text in options if (m := _NUMBER.search(text))]
    if not numeric:
        raise OpError("none of the options is a number", code="no-match")
    best = min(numeric)[0]
    return [letter for d, letter in numeric if d == best]


def _option_pairs(options: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    try:
        return parse_options(options)
    except InputError as exc:
        raise OpError(exc.message, exc.hint, code="bad-options") from None


@operation(
    "choose",
    [Param("value", (ANY,)), Param("options", (list_of(TEXT),), nonempty=True)],
    TEXT,
    "the letter of the option matching the value: text or labels by normalised match, a list by sequence, numbers to the nearest option, booleans to yes/no",
    category="answers",
)
def choose(ctx: Context, value: object, options: tuple[str, ...]) -> str:
    pairs = _option_pairs(options)
    if not pairs:
        raise OpError("the question has no options to choose from", hint="answer the value itself: answer(x)", code="no-options")
    if isinstance(value, bool):
        letters = _match_text(ctx, "yes" if value else "no", pairs) or _match_text(ctx, str(value).lower(), pairs)
    elif isinstance(value, (int, float)):
        letters = _match_number(float(value), pairs)
    elif isinstance(value, str):
        letters = _match_text(ctx, value, pairs)
    elif isinstance(value, tuple):
        names = [x if isinstance(x, str) else ", ".join(_labels_of(x)) for x in value]
        letters = _match_sequence(ctx, names, pairs)
    else:
        letters = sorted({letter for label in _labels_of(value) for letter in _match_text(ctx, label, pairs)})
    if len(letters) != 1:
        shown = "; ".join(f"{l}. {t}" for l, t in pairs)
        what = "matches none" if not letters else f"matches several ({', '.join(letters)})"
        raise OpError(f"the value {_show(value)} {what} of the options: {shown}", code="no-match")
    return letters[0]


def _show(value: object) -> str:
    if isinstance(value, (ObjectInstance, ObjectSet)):
        return "/".join(_labels_of(value)) or "(empty set)"
    if isinstance(value, tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, View):
        return f"the view {value.origin}"
    return repr(value)


@operation("round", [Param("x", (NUMBER,)), Param("digits", (NUMBER,), 0.0, minimum=0, maximum=6)], NUMBER, "x rounded to `digits` decimals", category="answers")
def round_(ctx: Context, x: float, digits: float) -> float:
    return float(round(x, int(digits)))


@operation("answer", [Param("x", (ANY,))], NONE, "the program's result; exactly one answer(...) statement, the last one", statement_only=True, category="answers")
def answer(ctx: Context, x: object) -> object:
    return x
