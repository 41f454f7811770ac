"""The language's static types: Number, Bool, Text, Point, Object, Objects, View, Image, List[T].

An Object is accepted wherever Objects is (a one-element set), and a list
literal mixing the two is a List[Objects]. `ANY` stands for "unknown after an
error" so one mistake does not cascade into many.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True, eq=False)
class Type:
    """A value type of the language: a name, and for List its item type."""

    name: str
    item: Type | None = None

    def __eq__(self, other: object) -> bool:  # identity first: the checker compares types all the time
        return self is other or (type(other) is Type and self.name == other.name and self.item == other.item)

    def __hash__(self) -> int:
        return hash((self.name, self.item))

    def __str__(self) -> str:
        return f"List[{self.item}]" if self.name == "List" else self.name


NUMBER = Type("Number")
BOOL = Type("Bool")
TEXT = Type("Text")
POINT = Type("Point")
OBJECT = Type("Object")
OBJECTS = Type("Objects")
VIEW = Type("View")
IMAGE = Type("Image")
NONE = Type("None")
ANY = Type("Any")


@lru_cache(maxsize=256)
def list_of(item: Type) -> Type:
    """List[item] (one shared instance per item type)."""
    return Type("List", item)


def is_list(t: Type) -> bool:
    return t.name == "List"


def assignable(actual: Type, expected: Type) -> bool:
    """Whether a value of type `actual` may be passed where `expected` is required."""
    if actual == ANY or expected == ANY or actual == expected:
        return True
    if expected == OBJECTS and actual == OBJECT:
        return True
    if is_list(expected) and is_list(actual):
        return actual.item is not None and expected.item is not None and assignable(actual.item, expected.item)
    return False


def accepts(actual: Type, allowed: tuple[Type, ...]) -> bool:
    for t in allowed:
        if actual is t or assignable(actual, t):
            return True
    return False


def join(types: list[Type]) -> Type:
    """The element type of a list literal holding `types` (ANY when they do not agree)."""
    known = [t for t in types if t != ANY]
    if not known:
        return ANY
    first = known[0]
    if all(t == first for t in known):
        return first
    if all(t in (OBJECT, OBJECTS) for t in known):
        return OBJECTS
    return ANY


def describe(allowed: tuple[Type, ...]) -> str:
    names = [str(t) for t in allowed]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
