"""A floor lamp's pole that depth lost but masks kept: the box goes down as far as the views' masks need."""

import numpy as np
import pytest

from reasmory.memory.boxes import OrientedBox
from reasmory.memory.grounding.silhouette import in_projection, silhouette_bottom
from reasmory.memory.model import Frame

K = ((100.0, 0.0, 50.0), (0.0, 100.0, 50.0), (0.0, 0.0, 1.0))
SHADE = OrientedBox.from_yaw([3.0, 0.0, 1.3], [0.4, 0.4, 0.4], 0.0)  # all the depth showed of a lamp 1.5 m tall


def camera(y: float, index: int) -> Frame:
    """A camera 1 m up at (0, y), looking along +x."""
    pose = ((0.0, 0.0, 1.0, 0.0), (-1.0, 0.0, 0.0, y), (0.0, -1.0, 0.0, 1.0), (0.0, 0.0, 0.0, 1.0))
    return Frame(index=index, timestamp=float(index), width=100, height=100, K=K, pose=pose)


def pole_mask(frame: Frame, down_to: float) -> tuple[np.ndarray, int, int]:
    """The lamp's mask in the frame: the shade's projection, and a pole 2 pixels wide under its centre down to the
    height `down_to` (cropped to its box, with its left and top pixel)."""
    rows, cols = np.mgrid[0:100, 0:100]
    mask = in_projection(SHADE, frame, cols.ravel(), rows.ravel(), grow=0.0).reshape(100, 100)
    column = int(round(50 - 100 * (0.0 - frame.pose_array[1, 3]) / 3.0))
    height = 1.0 - (rows[:, 0] - 50) / 100 * 3.0  # the height each row sees at the lamp's 3 m
    mask[(height >= down_to) & (height <= 1.1), column - 1 : column + 1] = True
    ys, xs = np.nonzero(mask)
    return mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1], int(xs.min()), int(ys.min())


def wall(i: int) -> np.ndarray:
    return np.full((100, 100), 6.0)


def test_the_masks_pole_takes_the_box_down_though_some_masks_lost_it() -> None:
    """Five views: three masks show the pole down to the floor, two (shrunk by a pixel) lost it: the box goes down until
    its front edge, 20 cm nearer than the pole, covers the pole's foot (the ray to it passes that edge 7 cm up), less
    the pixel and a half a mask may be off: within reach of the floor for completion to stand it there."""
    frames = [camera(y, i) for i, y in enumerate((-0.4, -0.2, 0.0, 0.2, 0.4))]
    masks = {f.index: [pole_mask(f, 0.0 if f.index < 3 else 1.1)] for f in frames}
    assert silhouette_bottom(SHADE, 0.0, frames, wall, masks) == pytest.approx(0.067, abs=0.06)
    masks = {f.index: [pole_mask(f, 0.6)] for f in frames}  # the pole's foot hidden behind a bed, in every view
    assert silhouette_bottom(SHADE, 0.0, frames, wall, masks) == pytest.approx(0.63 + 0.04, abs=0.03)


def test_one_mask_leaking_down_moves_nothing() -> None:
    """One view of five has a mask that reaches 50 cm down (a leak onto the wall behind): the box stays."""
    frames = [camera(y, i) for i, y in enumerate((-0.4, -0.2, 0.0, 0.2, 0.4))]
    masks = {f.index: [pole_mask(f, 0.5 if f.index == 0 else 1.1)] for f in frames}
    assert silhouette_bottom(SHADE, 0.0, frames, wall, masks) == pytest.approx(1.1)


def test_views_that_cannot_show_the_space_below_do_not_vote() -> None:
    """Two views show the pole down to the floor; ten more, behind a bed that hides all under the shade, have masks
    that stop at it. Those could not have shown the pole, so only the two vote, and the lamp reaches the floor; had
    the ten voted, the lowest quarter of the votes would have kept the box up."""
    frames = [camera(0.05 * i - 0.3, i) for i in range(12)]
    masks = {f.index: [pole_mask(f, 0.0 if f.index < 2 else 1.1)] for f in frames}

    def bed(i: int) -> np.ndarray:  # from frame 2 on, a surface 2 m away covers all below the shade's bottom
        return np.where((np.arange(100)[:, None] > 48) & (i >= 2), 2.0, 6.0) * np.ones((100, 100))

    assert silhouette_bottom(SHADE, 0.0, frames, bed, masks) == pytest.approx(0.067, abs=0.06)
    assert silhouette_bottom(SHADE, 0.0, frames, wall, masks) == pytest.approx(1.1)
