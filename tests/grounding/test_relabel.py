"""Labels by vote: one object named two ways is one object, under the name most views gave it; objects that share
space (a pillow on a sofa) but that a frame masks apart stay two."""

import numpy as np

from reasmory.memory.boxes import OrientedBox
from reasmory.memory.grounding.associate import Fragment, Track
from reasmory.memory.grounding.relabel import confused, mask_overlap


def _fragment(label: str, frame: int, x0: int, y0: int, mask: np.ndarray, score: float = 0.8) -> Fragment:
    points = np.zeros((40, 3), np.float32)
    box = (float(x0), float(y0), float(x0 + mask.shape[1]), float(y0 + mask.shape[0]))
    return Fragment(label, points, frame, int(mask.sum()), box, score, None, mask)


def _track(fragments: list[Fragment], points: np.ndarray | None = None) -> Track:
    """A track of the fragments, its points theirs (all at one spot) unless given."""
    track = Track(fragments[0].label, np.zeros(0, np.int64), fragments)
    track.points = np.concatenate([f.points for f in fragments]) if points is None else points
    return track


SQUARE = np.ones((20, 20), bool)
CHAIR_BOX = OrientedBox.from_yaw([0.0, 0.0, 0.45], [0.5, 0.5, 0.9], 0.0)


def test_mask_overlap_is_the_share_of_the_smaller_mask_the_other_covers() -> None:
    big = _fragment("sofa", 0, 0, 0, np.ones((40, 80), bool))
    pillow = _fragment("pillow", 0, 10, 5, SQUARE)
    sofa_without_pillow = _fragment("sofa", 0, 0, 0, np.pad(np.zeros((20, 20), bool), ((5, 15), (10, 50)), constant_values=True))
    assert mask_overlap(big, pillow) == 1.0
    assert mask_overlap(sofa_without_pillow, pillow) == 0.0
    assert mask_overlap(_fragment("a", 0, 0, 0, SQUARE), _fragment("b", 0, 10, 0, SQUARE)) == 0.5
    assert mask_overlap(_fragment("a", 0, 0, 0, SQUARE), _fragment("b", 0, 30, 0, SQUARE)) == 0.0


def test_a_chair_called_a_stool_in_some_frames_is_one_chair() -> None:
    chair = _track([_fragment("chair", f, 50, 50, SQUARE) for f in range(6)])
    stool = _track([_fragment("stool", f, 52, 50, SQUARE, 0.5) for f in (6, 7)])
    twice = _track([_fragment("stool", f, 51, 50, SQUARE, 0.5) for f in (2, 3)])  # named both ways in frames 2, 3
    near = OrientedBox.from_yaw([0.05, 0.0, 0.45], [0.5, 0.5, 0.9], 0.0)
    assert confused([stool, chair], [near, CHAIR_BOX]) == (1, 0)
    assert confused([chair, twice], [CHAIR_BOX, near]) == (0, 1)


def test_objects_a_frame_masks_apart_or_far_apart_stay_two() -> None:
    chair = _track([_fragment("chair", f, 50, 50, SQUARE) for f in range(6)])
    beside = _track([_fragment("stool", f, 80, 50, SQUARE) for f in (2, 3)])  # masked apart in frames 2 and 3
    elsewhere = _track([_fragment("stool", f, 52, 50, SQUARE) for f in (6, 7)])
    near = OrientedBox.from_yaw([0.05, 0.0, 0.45], [0.5, 0.5, 0.9], 0.0)
    far = OrientedBox.from_yaw([1.0, 0.0, 0.45], [0.5, 0.5, 0.9], 0.0)
    assert confused([chair, beside], [CHAIR_BOX, near]) is None
    assert confused([chair, elsewhere], [CHAIR_BOX, far]) is None
    assert confused([chair, _track([_fragment("chair", 9, 52, 50, SQUARE)])], [CHAIR_BOX, near]) is None  # one label


def test_a_sliver_named_otherwise_inside_a_bigger_box_is_that_object_but_a_pillow_masked_apart_is_not() -> None:
    """A sofa's front called a desk in two frames fits a sliver of the sofa's box (3D IoU under 0.1, all of it
    inside); a pillow on the sofa lies inside its box too, but the frames that show both mask them apart."""
    sofa_box = OrientedBox.from_yaw([0.0, 0.0, 0.4], [2.0, 0.9, 0.8], 0.0)
    sliver = OrientedBox.from_yaw([0.0, -0.38, 0.3], [1.7, 0.12, 0.4], 0.0)
    pillow_box = OrientedBox.from_yaw([0.5, 0.2, 0.55], [0.5, 0.3, 0.15], 0.0)
    sofa = _track([_fragment("sofa", f, 0, 0, np.ones((40, 80), bool)) for f in range(8)])
    desk = _track([_fragment("desk", f, 2, 20, np.ones((20, 76), bool), 0.5) for f in (8, 9)])
    hollow = np.ones((40, 80), bool)
    hollow[5:15, 50:65] = False
    sofa_around = _track([_fragment("sofa", f, 0, 0, hollow) for f in range(8)])
    pillow = _track([_fragment("pillow", f, 50, 5, np.ones((10, 15), bool)) for f in (3, 4)])
    assert confused([sofa, desk], [sofa_box, sliver]) == (0, 1)
    assert confused([sofa_around, pillow], [sofa_box, pillow_box]) is None


def test_the_name_fewer_views_gave_is_kept_with_its_views() -> None:
    from reasmory.memory.grounding.relabel import called_also

    cabinet = _track([_fragment("cabinet", f, 50, 50, SQUARE) for f in (0, 14)])
    nightstand = _track([_fragment("nightstand", 12, 51, 50, SQUARE)])
    shelf = _track([_fragment("shelf", 13, 51, 50, SQUARE)])
    nightstand.other_labels["shelf"] = 2
    called_also(cabinet, nightstand)
    called_also(cabinet, shelf)
    assert cabinet.other_labels == {"nightstand": 1, "shelf": 3}


def test_an_object_resting_on_another_is_not_it_though_one_frame_masked_them_together() -> None:
    """A pillow on a sofa's seat: a detection that named the sofa "pillow" joined the pillow's track, so the one frame
    that shows both masked them on the same pixels, and the pillow's box lies inside the sofa's. The pillow's top
    stands 15 cm above the seat, so it stays an object of its own. A stool's points on the chair's surface are the
    chair, named otherwise."""
    rng = np.random.default_rng(0)
    seat = np.c_[rng.uniform(-1.0, 1.0, 3000), rng.uniform(-0.45, 0.45, 3000), np.full(3000, 0.45)]
    seat = seat[~((np.abs(seat[:, 0] - 0.5) < 0.25) & (np.abs(seat[:, 1]) < 0.2))]  # hidden under the pillow
    top = np.c_[rng.uniform(0.25, 0.75, 400), rng.uniform(-0.2, 0.2, 400), np.full(400, 0.6)]  # the pillow's top
    sofa_box = OrientedBox.from_yaw([0.0, 0.0, 0.4], [2.0, 0.9, 0.8], 0.0)
    pillow_box = OrientedBox.from_yaw([0.5, 0.0, 0.525], [0.5, 0.4, 0.15], 0.0)
    sofa = _track([_fragment("sofa", f, 0, 0, np.ones((40, 80), bool)) for f in range(8)], seat)
    pillow = _track([_fragment("pillow", f, 0, 0, np.ones((40, 80), bool), 0.5) for f in (7, 8, 9)], top)
    assert confused([sofa, pillow], [sofa_box, pillow_box]) is None
    chair_points = seat[:300] * [0.25, 0.5, 1.0]
    chair = _track([_fragment("chair", f, 50, 50, SQUARE) for f in range(6)], chair_points)
    stool = _track([_fragment("stool", f, 52, 50, SQUARE, 0.5) for f in (6, 7)], chair_points[::3] + [0.0, 0.0, 0.03])
    near = OrientedBox.from_yaw([0.05, 0.0, 0.45], [0.5, 0.5, 0.9], 0.0)
    assert confused([chair, stool], [CHAIR_BOX, near]) == (0, 1)
