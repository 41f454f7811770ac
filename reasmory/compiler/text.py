"""Small text helpers for reading benchmark questions and writing program source."""

from __future__ import annotations

import json
import re

_LIST_SPLIT = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")


def split_list(text: str) -> list[str]:
    """'a, b, c and d' → ['a', 'b', 'c', 'd']."""
    return [part.strip() for part in _LIST_SPLIT.split(text.strip()) if part.strip()]


def label(text: str) -> str:
    """A label as a string literal of the language (double-quoted, escaped)."""
    return json.dumps(text.strip())


def labels_list(names: list[str]) -> str:
    return "[" + ", ".join(label(n) for n in names) + "]"


def squash(text: str) -> str:
    """Lower-case with single spaces, for matching templates."""
    return re.sub(r"\s+", " ", text.strip())
