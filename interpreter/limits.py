"""Run-time limits on the values a program builds: a size bound and finite numbers only.

The checker bounds literals and the cost model estimates what calls will
build, but only the values themselves say for sure. The executor measures
every value a call or a list literal makes, before the next statement can
use it: a value past `Limits.max_value_size` or holding a number that is not
finite stops the run with a diagnostic, the same shape as any other error.
"""

from __future__ import annotations

import math
from typing import Any

from reasmory.interpreter.context import Limits
from reasmory.interpreter.values import Image, ObjectSet, Point, View
from reasmory.memory.model import ObjectInstance

Problem = tuple[str, str, str]  # code, message, hint


def value_size(value: Any, stop_at: int | None = None) -> int:
    """Characters of text plus items of lists and sets; counting stops once past `stop_at`."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, View):
        return len(value.origin) + 1
    if isinstance(value, ObjectSet):
        return len(value.label) + len(value.objects)
    if isinstance(value, Image):
        return len(value.caption) + len(value.path) + 1
    if isinstance(value, tuple):
        total = len(value)
        for item in value:
            if stop_at is not None and total > stop_at:
                break
            total += value_size(item, None if stop_at is None else stop_at - total)
        return total
    return 1


def is_finite(value: Any) -> bool:
    """Whether every number the value holds (numbers, points, view positions and headings) is finite."""
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, (int, float)):
        return math.isfinite(value)
    if isinstance(value, Point):
        return all(math.isfinite(c) for c in value.xyz)
    if isinstance(value, View):
        return math.isfinite(value.heading) and all(math.isfinite(c) for c in value.position)
    if isinstance(value, tuple):
        return all(is_finite(v) for v in value)
    return isinstance(value, (str, ObjectInstance, ObjectSet, Image))


def value_problem(value: Any, limits: Limits) -> Problem | None:
    """Why a value built at run time may not be kept, or None when it may."""
    if not is_finite(value):
        return ("not-finite", "the result is not a finite number (infinite or NaN)",
                "check the arithmetic and the inputs for values that overflow or divide by nothing")
    size = value_size(value, limits.max_value_size)
    if size > limits.max_value_size:
        return ("value-too-large", f"the value built here is larger than the limit of {limits.max_value_size:,} characters and items",
                "build it from fewer parts: make views from objects or cameras rather than from other views")
    return None


def range_problem(name: str, op: str, value: Any, minimum: float | None, maximum: float | None) -> Problem | None:
    """Why a numeric argument is out of its declared range at run time, or None."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    if (minimum is not None and not value >= minimum) or (maximum is not None and not value <= maximum):
        low = "-inf" if minimum is None else f"{minimum:g}"
        high = "inf" if maximum is None else f"{maximum:g}"
        return "out-of-range", f"{name}={value:g} is out of range for {op}", f"use a number from {low} to {high}"
    return None
