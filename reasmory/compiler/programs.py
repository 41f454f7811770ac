"""Program text for each kind of question the reader understands; units converted in the program itself.

Every builder returns source in the language, which still goes through the
parser and the checker. Labels are the memory's labels (already resolved).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from reasmory.memory.resolve import Resolution

#: Unit → the program expression that converts metres (or m²) into it, and its name in answers.
CONVERT = {"m": "", "cm": " * 100", "mm": " * 1000", "ft": " / 0.3048", "in": " / 0.0254", "m2": "", "ft2": " / 0.09290304"}


def q(label: str) -> str:
    return json.dumps(label)


def group(res: Resolution) -> str:
    """An Objects expression for a resolved name (several labels: the first; counting sums them)."""
    return f"objects({q(res.label)})"


def one(res: Resolution) -> str:
    return f"object({q(res.label)})"


def number(lines: list[str], expr: str, name: str, unit: str) -> str:
    """Append `name = expr` and, for another unit, its conversion; the final answer line."""
    lines.append(f"{name} = {expr}")
    factor = CONVERT.get(unit, "")
    if factor:
        lines.append(f"{name}_{unit} = {name}{factor}")
        name = f"{name}_{unit}"
    lines.append(f"answer({name})")
    return "\n".join(lines) + "\n"


def final(lines: list[str], value: str, options: Sequence[str]) -> str:
    lines.append(f"answer(choose({value}, options))" if options else f"answer({value})")
    return "\n".join(lines) + "\n"


def count(names: Sequence[Resolution], strict: bool = False) -> str:
    """Instances summed over the names; an absent name counts 0 (`count_of`), or, `strict`, must be found (grounded)."""
    parts = []
    for res in names:
        if res.absent and not strict:
            parts.append(f"count_of({q(res.label)})")
        else:
            parts.extend(f"count(objects({q(lab)}))" for lab in res.labels or (res.label,))
    return "\n".join([f"n = {' + '.join(parts)}", "answer(n)"]) + "\n"


def exists(names: Sequence[Resolution], options: Sequence[str], strict: bool = False) -> str:
    """Whether any of the names is held; `strict`: absent names must be found (grounded) first."""
    labels = [lab for res in names for lab in (res.labels or (res.label,))]
    test = " or ".join(f"count(objects({q(lab)})) > 0" if strict else f"exists({q(lab)})" for lab in labels)
    return final([f"found = {test}"], "found", options)


def distance(a: Resolution, b: Resolution, unit: str, mode: str) -> str:
    return number([], f'distance({group(a)}, {group(b)}, mode="{mode}")', "d", unit)


def ranked(pick: str, candidates: Sequence[Resolution], to: Resolution, options: Sequence[str]) -> str:
    sets = ", ".join(group(c) for c in candidates)
    return final([f"winner = {pick}([{sets}], to={one(to)})"], "winner", options)


def versus(first: str, second: str, greater: bool, options: Sequence[str]) -> str:
    """Yes/no: is the first value greater (or, `greater` false, smaller) than the second?"""
    lines = [f"va = {first}", f"vb = {second}", f"result = va {'>' if greater else '<'} vb"]
    return final(lines, "result", options)


def closer_than(a: Resolution, b: Resolution, ref: Resolution, farther: bool, options: Sequence[str]) -> str:
    return versus(f"distance({group(a)}, {one(ref)})", f"distance({group(b)}, {one(ref)})", farther, options)


MEASURE_OP = {"height": "height", "length": "longest_side", "volume": "volume"}


def measure(res: Resolution, by: str, unit: str) -> str:
    return number([], f"{MEASURE_OP[by]}({one(res)})", {"height": "h", "length": "side", "volume": "vol"}[by], unit)


def compare(candidates: Sequence[Resolution], by: str, most: bool, options: Sequence[str]) -> str:
    sets = ", ".join(group(c) for c in candidates)
    return final([f'winner = {"largest" if most else "smallest"}([{sets}], by="{by}")'], "winner", options)


def more_than(a: Resolution, b: Resolution, by: str, most: bool, options: Sequence[str]) -> str:
    return versus(f"{MEASURE_OP[by]}({one(a)})", f"{MEASURE_OP[by]}({one(b)})", most, options)


def room_area(unit: str) -> str:
    return number([], "room_area()", "area", unit)


def view_lines(at: Resolution, facing: Resolution, back: bool) -> list[str]:
    if not back:
        return [f"me = view(at={one(at)}, facing={one(facing)})"]
    return [f"toward = view(at={one(at)}, facing={one(facing)})", 'me = turn(toward, "back")']
