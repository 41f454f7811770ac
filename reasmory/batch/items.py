"""Batch items and their keys: a key names the work, so a re-run can tell what is already done."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict


class Item(BaseModel):
    """One question about one source; items with the same `group` share one memory."""

    model_config = ConfigDict(frozen=True)

    key: str
    group: str
    payload: dict[str, Any]


def item_key(source: str, question: str, options: Sequence[str] | None = None, **extra: Any) -> str:
    """A stable hash of the source's identity, the question, its options and whatever else changes the answer.

    `extra` holds the rest of what the result depends on (an id, how memories are built, settings), so a
    results file reused with different settings redoes the work instead of mixing answers.
    """
    blob = json.dumps({"source": source, "question": question, "options": list(options or []), **extra},
                      sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


def group_items(items: Iterable[Item]) -> list[tuple[str, list[Item]]]:
    """Items grouped by source in order of first appearance, each key once (the first item with it wins)."""
    groups: dict[str, list[Item]] = {}
    seen: set[str] = set()
    for item in items:
        if item.key in seen:
            continue
        seen.add(item.key)
        groups.setdefault(item.group, []).append(item)
    return list(groups.items())


def chunks(items: Sequence[Item], size: int) -> list[list[Item]]:
    """`items` cut into runs of at most `size` (the unit of one answering task)."""
    size = max(1, size)
    return [list(items[i:i + size]) for i in range(0, len(items), size)]
