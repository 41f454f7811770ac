"""Per-view depth-scale consensus and multi-view agreement: views of one object that disagree in scale are brought
together, exact views stay where they are, and what only one frame put somewhere is dropped."""

import numpy as np

from reasmory.memory.grounding.consensus import agreed, rescale_views, view_factors


def _box_surface(rng: np.random.Generator, n: int = 400) -> np.ndarray:
    """Points on the faces of a 0.6 × 0.4 × 0.5 m box centred 3 m in front of the cameras."""
    local = rng.uniform(-0.5, 0.5, (n, 3))
    axis = rng.integers(0, 3, n)
    local[np.arange(n), axis] = np.sign(local[np.arange(n), axis]) * 0.5
    return local * [0.6, 0.4, 0.5] + [0.0, 3.0, 0.5]


def _views(scales: list[float], seed: int = 0) -> tuple[list[np.ndarray], list[np.ndarray], list[int]]:
    rng = np.random.default_rng(seed)
    cameras = [np.array([x, 0.0, 1.4]) for x in np.linspace(-1.0, 1.0, len(scales))]
    points = [c + s * (_box_surface(rng) - c) for c, s in zip(cameras, scales, strict=True)]
    return points, cameras, list(range(len(scales)))


def test_views_off_in_scale_are_brought_onto_the_others() -> None:
    scales = [1.0, 1.06, 0.95, 1.0, 1.03, 0.97, 1.0, 1.08]
    points, cameras, frames = _views(scales)
    factors = view_factors(points, cameras, frames)
    assert np.all(np.abs(np.array(scales) * factors - 1) < 0.025)
    before = np.ptp(np.concatenate(points)[:, 1])
    after = np.ptp(np.concatenate(rescale_views(points, cameras, frames))[:, 1])
    assert after < before - 0.2  # the smear along the viewing direction (about 0.4 + 2 × 5 % of 3 m) is mostly gone


def test_consistent_views_stay_and_two_views_are_too_few_to_judge() -> None:
    points, cameras, frames = _views([1.0] * 6)
    assert np.all(view_factors(points, cameras, frames) == 1.0)
    points, cameras, frames = _views([1.0, 1.2])
    assert np.all(view_factors(points, cameras, frames) == 1.0)


def test_what_one_frame_alone_puts_somewhere_is_dropped() -> None:
    points, _, frames = _views([1.0] * 5)
    ghost = points[2][:50] + [0.0, 1.5, 0.0]  # a patch of grossly wrong depth in frame 2: 1.5 m behind the object
    points[2] = np.concatenate([points[2], ghost])
    keep = agreed(points, frames)
    assert not keep[2][-50:].any()
    assert all(k.mean() > 0.95 for k in keep[:2] + keep[3:]) and keep[2][:-50].mean() > 0.95
    assert all(k.all() for k in agreed(points[:1], frames[:1]))  # one frame: nothing to confirm it against


def test_views_of_different_sides_that_cannot_confirm_each_other_are_kept_whole() -> None:
    """A nightstand seen from the front in one frame and from either side in two others: no 6 cm voxel holds points
    of two of them, so agreement would leave nothing, and the object is kept for the visibility votes to judge."""
    from reasmory.memory.grounding.associate import Fragment, keep_agreed

    rng = np.random.default_rng(0)
    front = np.c_[rng.uniform(-0.25, 0.25, 150), np.zeros(150), rng.uniform(0.0, 0.6, 150)].astype(np.float32)
    side = np.c_[np.full(100, 0.4), rng.uniform(0.15, 0.5, 100), rng.uniform(0.0, 0.6, 100)].astype(np.float32)
    views = ((0, front), (20, side), (30, side * [-1, 1, 1]))
    fragments = [Fragment("nightstand", p, f, 100, (0.0, 0.0, 10.0, 10.0)) for f, p in views]
    keep_agreed(fragments, least=30)
    assert [len(f.points) for f in fragments] == [150, 100, 100]
    points, _, frames = _views([1.0] * 5)
    ghost = points[2][:50] + [0.0, 1.5, 0.0]
    points[2] = np.concatenate([points[2], ghost])
    overlapping = [Fragment("box", p, f, 100, (0.0, 0.0, 10.0, 10.0)) for f, p in zip(frames, points)]
    keep_agreed(overlapping, least=30)
    assert len(overlapping[2].points) <= len(points[2]) - 50  # where views do overlap, the ghost patch still goes
