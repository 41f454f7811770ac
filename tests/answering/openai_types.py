"""Strict conformance of JSON bodies to the `openai` package's request types (TypedDicts).

pydantic validates those TypedDicts leniently (extra keys are ignored, iterables
are checked lazily), so a body with a misplaced field would pass it. This walks
the type instead: every key must be declared, every required key present, every
literal one of its values, down to the leaves.
"""

from __future__ import annotations

import collections.abc
import types
import typing
from typing import Any, Literal, Union

from typing_extensions import NotRequired, Required, is_typeddict


def problems(value: Any, tp: Any, where: str = "body") -> list[str]:
    """Where `value` departs from the type `tp` (empty when it conforms)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is Any or tp is object:
        return []
    if is_typeddict(tp):
        return _typeddict(value, tp, where)
    if origin in (Required, NotRequired, typing.Annotated):
        return problems(value, args[0], where)
    if origin in (Union, types.UnionType):
        found = [problems(value, alternative, where) for alternative in args]
        return [] if any(not f for f in found) else [f"{where}: {value!r:.80} fits none of {len(args)} alternatives"]
    if origin is Literal:
        return [] if value in args else [f"{where}: {value!r} is not one of {args}"]
    if origin in (list, collections.abc.Iterable, collections.abc.Sequence):
        if not isinstance(value, list):
            return [f"{where}: not a list"]
        return [p for i, item in enumerate(value) for p in problems(item, args[0], f"{where}[{i}]")]
    if origin is dict:
        return [] if isinstance(value, dict) else [f"{where}: not an object"]
    if tp is type(None):
        return [] if value is None else [f"{where}: not null"]
    if tp is float:
        return [] if isinstance(value, (int, float)) and not isinstance(value, bool) else [f"{where}: not a number"]
    if isinstance(tp, type):
        return [] if isinstance(value, tp) else [f"{where}: not {tp.__name__}"]
    raise TypeError(f"{where}: cannot check against {tp!r}")


def _typeddict(value: Any, tp: Any, where: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where}: not an object ({tp.__name__})"]
    hints = typing.get_type_hints(tp, include_extras=True)
    unknown = sorted(set(value) - set(hints))
    missing = sorted(set(tp.__required_keys__) - set(value))
    out = [f"{where}: {tp.__name__} has no field '{k}'" for k in unknown] + [f"{where}: {tp.__name__} needs '{k}'" for k in missing]
    return out + [p for k, v in value.items() if k in hints for p in problems(v, hints[k], f"{where}.{k}")]
