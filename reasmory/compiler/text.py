"""Small text helpers for reading benchmark questions."""

from __future__ import annotations

import re

_LIST_SPLIT = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")


def split_list(text: str) -> list[str]:
    """'a, b, c and d' → ['a', 'b', 'c', 'd']."""
    return [part.strip() for part in _LIST_SPLIT.split(text.strip()) if part.strip()]
