"""The cost model's numbers pinned: each operation's units and result Size for given argument sizes, worked out by hand.

test_cost.py checks that estimates rank programs sensibly; here every declared
cost (cost_ops.py) gets cases whose expected units come from what the operation
goes through (pairs, rounds of ROUND = 2048 exact distances, KD-tree steps past
ALL_PAIRS = 16384 pairs, pixels, characters of names), so a slip in a formula
fails a test even when the ranking survives it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pytest

from reasmory.interpreter.cost import DECLARED, Args, Scene, Size, Units
from reasmory.interpreter.cost_ops import BEV_SIDE, DEFAULT_PIXELS
from reasmory.memory.nearest import ALL_PAIRS, ROUND


def _sphere(r: float) -> float:
    return 4 / 3 * math.pi * r**3


#: A scene given by its sizes: 10 objects of 200 points in all, 1,000 fused points, 50 floor-grid points.
SCENE = Scene(objects=10, points=1000, object_points=200, solid=True, frames=3, labels=4, label_chars=11,
              footprint_cells=500, floor_points=50, volume=100.0, radius=0.5)
#: objects(label) in SCENE without a memory to look the label up in: every object.
EVERY = Size(objects=10, points=200, solid=True, chars=11, is_set=True, volume=100.0, radius=0.5)
#: One instance picked from EVERY: a tenth of its points, a sphere of its mean radius as its spread.
PICKED = Size(objects=1, points=20, solid=True, chars=11, volume=1.0, radius=0.5)

#: Groups for closest points (distance, closest): small scattered ones, piled-up ones, large scattered ones.
TWO = Size(objects=2, points=16, radius=0.1, volume=8.0)
HUNDRED = Size(objects=100, points=800, radius=0.1, volume=1000.0)  # spacing (1000 / 100)^⅓ m
PILE_A = Size(objects=100, points=1000, radius=0.3)
PILE_B = Size(objects=100, points=2000, radius=0.3)  # no volume: every pair may be the nearest
SPREAD = Size(objects=1000, points=8000, radius=0.01, volume=1e6)  # spacing 10 m
DENSE = Size(objects=1000, points=8000, radius=0.5, volume=1000.0)  # spacing 1 m
CLUSTER = Size(objects=10, points=80, radius=0.001, volume=1.0)  # 10 small objects in one cubic metre: spacing 0.46 m
SPREAD_3000 = Size(objects=3000, points=24000, radius=0.01, volume=3e6)  # spacing 10 m


@dataclass(frozen=True)
class Case:
    """One call: its arguments' sizes and literals, in `scene`; the units and result Size it must declare."""

    operation: str
    why: str
    units: Units
    result: Size
    sizes: dict[str, Size] = field(default_factory=dict)
    literals: dict[str, object] = field(default_factory=dict)
    scene: Scene = SCENE


def _non_solid(size: Size) -> Size:
    return Size(objects=size.objects, points=size.points, solid=False, volume=size.volume, radius=size.radius)


# Worked numbers of the closest-point cases (candidates: per a, b's objects in the sphere of both radii and b's spacing,
# as a share of b's volume; measured: those within the radii alone, at least one round of ROUND, at most the candidates).
_A_CANDIDATES = 2 * 100 * _sphere(0.2 + 10 ** (1 / 3)) / 1000  # ≈ 10.93
_SPREAD_CANDIDATES = 1000 * 1000 * _sphere(10.02) / 1e6  # ≈ 4,214
_DENSE_CANDIDATES = 1000 * 1000 * _sphere(2.0) / 1000  # ≈ 33,510
_DENSE_MEASURED = 1000 * 1000 * _sphere(1.0) / 1000  # ≈ 4,189: 3 rounds
_CLUSTER_CANDIDATES = 10 * _sphere(0.002 + 0.1 ** (1 / 3)) / 1.0  # ≈ 4.24
_TREE_1000 = 2000 * math.log2(1001)  # both groups' objects through a tree of 1000

CASES: tuple[Case, ...] = (
    Case("objects", "without a memory the label may name every object; one scan over the rows found", {"scan": 10}, EVERY,
         literals={"label": "cup"}),
    Case("objects", "an empty scene", {"scan": 0}, Size(is_set=True), scene=Scene()),
    Case("exists", "exists looks the group up as objects does", {"scan": 10}, EVERY, literals={"label": "cup"}),
    Case("count_of", "a count kept in the index", {}, Size(), literals={"label": "cup"}),
    Case("object", "the picked instance: its share of the points, a sphere of the mean radius", {"scan": 10}, PICKED,
         literals={"label": "cup"}),
    Case("object", "no objects: a box's 8 corners, no spread", {"scan": 0}, Size(objects=1, points=8, volume=0.0), scene=Scene()),
    *(Case(op, "a number or a point from one object", {}, Size(), sizes={"x": PICKED})
      for op in ("count", "center", "height", "longest_side", "volume", "round", "angle", "motion")),
    Case("size", "three numbers", {}, Size(items=3), sizes={"obj": PICKED}),
    Case("labels", "every object scanned, every label listed", {"scan": 10}, Size(items=4, chars=44)),
    Case("room_area", "the floor's area is known", {}, Size(), scene=Scene(floor_known=True, points=1000, footprint_cells=500)),
    Case("room_area", "the fused points go into the footprint grid", {"point": 1000, "cell": 500}, Size()),
    Case("room_area", "no fused points: the objects' points", {"point": 200, "cell": 500}, Size(),
         scene=Scene(object_points=200, footprint_cells=500)),
    Case("distance", "between centres: all pairs in one array", {"pair": 8}, Size(),
         sizes={"a": TWO, "b": Size(objects=4)}, literals={"mode": "center"}),
    Case("distance", "between centres of nothing: one pair still", {"pair": 1}, Size(), literals={"mode": "center"}),
    Case("distance", "exactly ALL_PAIRS pairs: still one array", {"pair": ALL_PAIRS}, Size(),
         sizes={"a": Size(objects=128), "b": Size(objects=128)}, literals={"mode": "center"}),
    Case("distance", "past ALL_PAIRS: a KD-tree of b queried by every a", {"tree": 257 * math.log2(129)}, Size(),
         sizes={"a": Size(objects=129), "b": Size(objects=128)}, literals={"mode": "center"}),
    Case("distance", "scattered: the pairs within b's spacing, one round, box to box",
         {"pair": 200, "candidate": _A_CANDIDATES, "round": 1, "measure": _A_CANDIDATES}, Size(),
         sizes={"a": TWO, "b": HUNDRED}, literals={"mode": "closest"}),
    Case("distance", "as scattered, one group of points: each round searches both groups' points",
         {"pair": 200, "candidate": _A_CANDIDATES, "round": 1, "point": 816}, Size(),
         sizes={"a": _non_solid(TWO), "b": HUNDRED}, literals={"mode": "closest"}),
    Case("distance", "piled up: every pair measured, in 5 rounds of 2048",
         {"pair": 10000, "candidate": 10000, "round": 5, "measure": 10000}, Size(), sizes={"a": PILE_A, "b": PILE_B}),
    Case("distance", "piled-up points: 5 rounds through 3,000 points", {"pair": 10000, "candidate": 10000, "round": 5, "point": 15000},
         Size(), sizes={"a": PILE_A, "b": _non_solid(PILE_B)}),
    Case("distance", "large and scattered: a tree, and one round of ROUND settles it",
         {"tree": _TREE_1000, "candidate": _SPREAD_CANDIDATES, "round": 1, "measure": ROUND}, Size(),
         sizes={"a": SPREAD, "b": SPREAD}),
    Case("distance", "dense: the pairs within reach of the radii alone, in 3 rounds",
         {"tree": _TREE_1000, "candidate": _DENSE_CANDIDATES, "round": 3, "measure": _DENSE_MEASURED}, Size(),
         sizes={"a": DENSE, "b": DENSE}),
    Case("distance", "3,000 scattered: fewer than one pair each within the radii, so one round",
         {"tree": 6000 * math.log2(3001), "candidate": 3000 * 3000 * _sphere(10.02) / 3e6, "round": 1, "measure": ROUND}, Size(),
         sizes={"a": SPREAD_3000, "b": SPREAD_3000}),
    Case("distance", "within a cubic metre: about 4 of 10 within the spacing",
         {"pair": 10, "candidate": _CLUSTER_CANDIDATES, "round": 1, "measure": _CLUSTER_CANDIDATES}, Size(),
         sizes={"a": Size(objects=1, points=8, radius=0.001), "b": CLUSTER}),
    Case("distance", "one side a point or a view: each of the other group's boxes measured", {"measure": 2}, Size(),
         sizes={"a": TWO, "b": Size()}),
    Case("distance", "the group is the second argument", {"measure": 2}, Size(), sizes={"a": Size(), "b": TWO}),
    Case("distance", "the group has points: all of them searched", {"point": 16}, Size(), sizes={"a": Size(), "b": _non_solid(TWO)}),
    Case("closest", "a list of 2 sets against one object: each set's pairs, as its own call",
         {"pair": 6, "candidate": 6, "round": 2, "measure": 6, "call": 2},
         Size(objects=7, points=61, solid=True, chars=20),
         sizes={"candidates": Size(objects=7, points=61, chars=20, items=2, volume=27.0, radius=0.5),
                "to": Size(objects=1, points=8, radius=0.5, volume=1.0)}),
    Case("farthest", "a list of 2 sets against a view: each set's boxes measured", {"measure": 6, "call": 2},
         Size(objects=7, points=61, solid=True, chars=20),
         sizes={"candidates": Size(objects=7, points=61, chars=20, items=2, volume=27.0, radius=0.5), "to": Size(chars=50)}),
    Case("closest", "a list of 2 sets of points against a view: each set's points searched", {"point": 60, "call": 2},
         Size(objects=7, points=61, solid=False, chars=20),
         sizes={"candidates": Size(objects=7, points=61, solid=False, chars=20, items=2), "to": Size(chars=50)}),
    Case("closest", "a list of sets, fewer objects than sets: one object each", {"measure": 3, "call": 3},
         Size(objects=2, chars=9), sizes={"candidates": Size(objects=2, items=3, chars=9), "to": Size()}),
    Case("closest", "a set against one object: every instance bounded, the winner's pairs measured, the set scanned",
         {"pair": 5, "candidate": 1, "round": 1, "measure": 1, "scan": 4},
         Size(objects=1, points=10, solid=True, chars=9),
         sizes={"candidates": Size(objects=4, points=40, chars=9, is_set=True, volume=8.0, radius=0.5),
                "to": Size(objects=1, points=8, radius=0.5, volume=1.0)}),
    Case("farthest", "a set against a view: scanned, the winner measured once", {"scan": 4, "measure": 1},
         Size(objects=1, points=10, solid=True, chars=9),
         sizes={"candidates": Size(objects=4, points=40, chars=9, is_set=True), "to": Size(chars=50)}),
    Case("closest", "a set of points against a view: the winner's points searched", {"scan": 4, "point": 10},
         Size(objects=1, points=10, solid=False, chars=9),
         sizes={"candidates": Size(objects=4, points=40, solid=False, chars=9, is_set=True), "to": Size(chars=50)}),
    Case("largest", "a set: every box measured once", {"scan": 4}, Size(objects=1, points=10, solid=True, chars=9),
         sizes={"candidates": Size(objects=4, points=40, chars=9, is_set=True)}),
    Case("smallest", "a list of sets: its objects and its items", {"scan": 9}, Size(objects=7, points=61, solid=False, chars=20),
         sizes={"candidates": Size(objects=7, points=61, solid=False, chars=20, items=2)}),
    Case("first_seen", "a label: the scene's objects scanned", {"scan": 10}, Size(), sizes={"x": Size(chars=3)}, literals={"x": "cup"}),
    Case("first_seen", "an object or group: its own objects", {"scan": 4}, Size(), sizes={"x": Size(objects=4, is_set=True)}),
    Case("appearance_order", "the scene's objects once per label", {"scan": 30}, Size(items=3, chars=15),
         sizes={"labels": Size(items=3, chars=15)}),
    Case("appearance_order", "no list: the scene's objects once", {"scan": 10}, Size(chars=5), sizes={"labels": Size(chars=5)}),
    Case("camera", "a camera's name", {}, Size(chars=12)),
    Case("view", "the names of what it stands at and faces, and its own words", {"text": 9 + 12 + 32},
         Size(chars=9 + 12 + 32), sizes={"at": Size(chars=9), "facing": Size(chars=12)}),
    Case("walk_to", "the view's name and the target's", {"text": 50 + 11 + 32}, Size(chars=50 + 11 + 32),
         sizes={"view": Size(chars=50), "target": Size(chars=11)}),
    Case("turn", "the view's name grows", {"text": 50 + 32}, Size(chars=50 + 32), sizes={"view": Size(chars=50)}),
    Case("step", "the view's name grows", {"text": 82 + 32}, Size(chars=82 + 32), sizes={"view": Size(chars=82)}),
    *(Case(op, "a short text", {}, Size(chars=24), sizes={"viewer": Size(chars=50)})
      for op in ("direction", "relation", "turn_towards")),
    Case("objects_around", "every object, named after the viewer", {"scan": 10, "text": 50},
         Size(objects=10, points=200, solid=True, chars=50 + 32, is_set=True), sizes={"viewer": Size(chars=50)}),
    Case("objects_around", "a scene with point objects", {"scan": 3, "text": 12},
         Size(objects=3, points=30, solid=False, chars=12 + 32, is_set=True), sizes={"viewer": Size(chars=12)},
         scene=Scene(objects=3, object_points=30, solid=False)),
    Case("render", "every point projected, every pixel filled", {"render": 1, "point": 1000 + 200 + 50, "pixel": 64 * 48},
         Size(chars=50 + 2 * 32 + 80), sizes={"view": Size(chars=50)}, literals={"width": 64, "height": 48}),
    Case("render", "a size not known before running: 640 × 480", {"render": 1, "point": 1250, "pixel": 640 * 480},
         Size(chars=12 + 2 * 32 + 80), sizes={"view": Size(chars=12)}, literals={"height": 48}),
    Case("render", "a width not known before running", {"render": 1, "point": 1250, "pixel": 307_200},
         Size(chars=12 + 2 * 32 + 80), sizes={"view": Size(chars=12)}, literals={"width": 64}),
    Case("bev", "a 1000-pixel square map, every object scanned for highlighting",
         {"render": 1, "point": 1250, "pixel": 1_000_000, "scan": 10}, Size(chars=2 * 32 + 80)),
    Case("bev", "the highlighted labels go into the name", {"render": 1, "point": 1250, "pixel": 1000**2, "scan": 10},
         Size(chars=8 + 2 * 32 + 80), sizes={"highlight": Size(chars=8, items=2)}),
    Case("choose", "every option compared with the value", {"option": 4}, Size(chars=1),
         sizes={"options": Size(items=4, chars=160), "value": Size()}),
    Case("choose", "a list value: every option against each item, and the list", {"option": 12}, Size(chars=1),
         sizes={"options": Size(items=4, chars=160), "value": Size(items=2)}),
    Case("choose", "no options: still one comparison", {"option": 1}, Size(chars=1)),
    Case("answer", "the answer is its argument", {}, Size(objects=1, points=20, chars=11), sizes={"x": Size(objects=1, points=20, chars=11)}),
)


def test_the_sizes_assumed_are_the_implementations() -> None:
    """A render's default size and the top-down map's side are the operations' own; the worked numbers below assume
    closest points bound every pair at once up to 16,384 pairs and measure 2048 a round (memory/nearest.py)."""
    from reasmory.interpreter import REGISTRY
    from reasmory.memory.render.bev import MAX_SIDE

    render = REGISTRY.get("render")
    assert DEFAULT_PIXELS == render.param_index["width"].default * render.param_index["height"].default == 307_200
    assert BEV_SIDE == MAX_SIDE == 1000 and (ALL_PAIRS, ROUND) == (16_384, 2048)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.operation}: {c.why}")
def test_an_operation_declares_its_units_and_result(case: Case) -> None:
    from reasmory.interpreter import cost_ops  # noqa: F401  (declares the costs)

    units, result = DECLARED[case.operation](Args(dict(case.sizes), dict(case.literals), case.scene, None))
    assert units == pytest.approx(case.units, rel=1e-9) and set(units) == set(case.units)
    assert result == case.result


def test_every_declared_operation_has_a_pinned_case() -> None:
    from reasmory.interpreter import cost_ops  # noqa: F401

    missing = sorted(set(DECLARED) - {c.operation for c in CASES})
    assert not missing, f"pin the cost of {missing} with a Case in {__name__}"


def test_an_empty_group_counts_as_one_object() -> None:
    """As `_bounding` does, the closest-pair cost takes a group of no objects as one (one pair, one exact distance)."""
    from reasmory.interpreter.cost_ops import _pairs_cost

    assert _pairs_cost(Size(), Size(volume=8.0)) == {"pair": 1, "candidate": 1, "round": 1, "measure": 1}
