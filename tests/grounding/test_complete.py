"""Amodal completion downwards: a squat box no support lowered grows through hidden space, never below what it sits on."""

import numpy as np
import pytest

from reasmory.memory.boxes import OrientedBox
from reasmory.memory.grounding.complete import extend_open_faces, support_height

SLIVER = OrientedBox.from_yaw([0.0, 0.0, 0.842], [0.33, 0.06, 0.016], 0.0)  # a backpack's top, seen from above
SOFA = OrientedBox.from_yaw([0.0, 0.1, 0.45], [1.9, 0.9, 0.9], 0.0)  # its box holds the seat the backpack is on
BACKPACK = (0.32, 0.2, 0.45)


def test_support_below_counts_only_objects_wholly_under_the_box() -> None:
    assert support_height(SLIVER, [SOFA], 0.0) == pytest.approx(SLIVER.c[2] - SLIVER.e[2] / 2)  # inside the sofa's box
    assert support_height(SLIVER, [SOFA], 0.0, below=True) == 0.0
    stool = OrientedBox.from_yaw([0.0, 0.0, 0.2], [0.4, 0.4, 0.4], 0.0)
    assert support_height(SLIVER, [stool], 0.0, below=True) == pytest.approx(0.4)


@pytest.mark.parametrize("down_to, bottom", [(None, 0.834), (0.6, 0.6), (0.0, 0.85 - 0.45)])
def test_a_squat_box_grows_down_to_its_typical_height_through_hidden_space(down_to, bottom) -> None:
    """No frames: nothing was observed, so all space below is hidden; the growth stops at the typical height or at
    `down_to`, whichever comes first, and without `down_to` the height grows only upwards (here: not open)."""
    grown = extend_open_faces(SLIVER, {(2, -1.0): "short"}, BACKPACK, [], lambda i: np.zeros((1, 1)), down_to=down_to)
    assert grown.c[2] - grown.e[2] / 2 == pytest.approx(bottom, abs=0.01)
    assert grown.c[2] + grown.e[2] / 2 == pytest.approx(0.85, abs=1e-6)


def test_a_box_whose_points_come_near_the_floor_rests_on_it_though_the_space_beneath_was_seen(monkeypatch) -> None:
    """A floor lamp whose pole's lowest seen point is 18 cm up (the box fit trimmed it higher still) stands on the
    floor; a box whose points end 40 cm up over space seen empty stays where it is (it hangs on the wall)."""
    import reasmory.memory.grounding.complete as complete
    from reasmory.memory.grounding.visibility import Sight

    monkeypatch.setattr(complete, "sight", lambda points, frames, depth, margin=0.02, votes=1: Sight(*(np.ones(len(points), bool),) * 3))
    lamp = OrientedBox.from_yaw([0.0, 0.0, 0.91], [0.37, 0.35, 1.21], 0.0)
    rested = complete.rest_on_support(lamp, 0.0, [], lambda i: None, lowest=0.18)
    assert rested.c[2] - rested.e[2] / 2 == pytest.approx(0.0)
    assert rested.c[2] + rested.e[2] / 2 == pytest.approx(1.515)
    hung = complete.rest_on_support(lamp, 0.0, [], lambda i: None, lowest=0.4)
    assert hung.c[2] == pytest.approx(0.91)


@pytest.mark.parametrize("top, floor_z, bottom, height", [(0.65, 0.0, 0.64, 0.01), (0.65, None, 0.64, 0.01), (0.005, 0.0, 0.0, 0.01)])
def test_a_box_seen_only_as_its_top_gets_the_least_height_downwards_never_below_the_floor(top, floor_z, bottom, height) -> None:
    """A pillow whose views all saw its top fits a box 1 mm high: a real object has height, grown down (towards what
    it rests on) and, next to the floor, up instead; a keyboard's 2 cm stay as they are."""
    from reasmory.memory.grounding.complete import thicken

    keyboard = OrientedBox.from_yaw([0.0, 0.0, 0.76], [0.45, 0.15, 0.02], 0.0)
    assert thicken(keyboard, [], [], lambda i: np.zeros((1, 1)), 0.05, floor_z).e[2] == pytest.approx(0.02)
    top_only = OrientedBox.from_yaw([0.0, 0.0, top - 0.0005], [0.5, 0.4, 0.001], 0.0)
    box = thicken(top_only, [], [], lambda i: np.zeros((1, 1)), 0.05, floor_z)
    assert box.c[2] - box.e[2] / 2 == pytest.approx(bottom, abs=1e-6)
    assert box.e[2] == pytest.approx(height, abs=1e-6)
    assert tuple(box.e[:2]) == pytest.approx((0.5, 0.4))


def test_a_floor_lamp_whose_pole_is_hidden_below_some_height_stands_on_the_floor() -> None:
    """The pole's lowest seen point is 60 cm up: below it a bed hides the pole from the one camera. The space under
    the pole was never seen empty, so the lamp goes on down; seen empty (no bed), it hangs where its points end."""
    from reasmory.memory.grounding.complete import complete_box
    from reasmory.memory.model import Frame

    shade = OrientedBox.from_yaw([3.0, 0.0, 1.3], [0.4, 0.4, 0.4], 0.0)
    points = np.r_[np.c_[np.full(20, 3.0), np.zeros(20), np.linspace(0.6, 1.1, 20)],  # the pole down to 60 cm
                   np.c_[np.full(20, 2.8), np.zeros(20), np.linspace(1.1, 1.5, 20)]]  # the shade's front
    K = ((100.0, 0.0, 50.0), (0.0, 100.0, 50.0), (0.0, 0.0, 1.0))
    pose = ((0.0, 0.0, 1.0, 0.0), (-1.0, 0.0, 0.0, 0.0), (0.0, -1.0, 0.0, 1.0), (0.0, 0.0, 0.0, 1.0))  # at x=0, 1 m up, looking +x
    frame = Frame(index=0, timestamp=0.0, width=100, height=100, K=K, pose=pose)
    rows = np.arange(100)[:, None]
    height = 1.0 - (rows - 50) / 100 * 3.0  # the height each row sees at the lamp's 3 m
    mask = np.broadcast_to((height > 0.6) & (height < 1.5), (100, 100))[:, 48:53].copy()
    masks = {0: [(mask, 48, 0)]}

    def bed(i: int) -> np.ndarray:  # a bed 1 m before the lamp hides all under 0.6 m there
        return np.where(height < 0.6 * (2 / 3) + 1.0 / 3, 2.0, 6.0) * np.ones((100, 100))

    def wall(i: int) -> np.ndarray:  # the floor and wall behind seen all the way down
        return np.full((100, 100), 6.0)

    stood = complete_box(shade, [], [frame], bed, 0.0, outline=(points, np.zeros(len(points), np.uint8)), masks=masks)
    assert stood.c[2] - stood.e[2] / 2 == pytest.approx(0.0)
    hung = complete_box(shade, [], [frame], wall, 0.0, outline=(points, np.zeros(len(points), np.uint8)), masks=masks)
    assert hung.c[2] - hung.e[2] / 2 == pytest.approx(1.1)


def test_a_window_whose_sill_was_seen_stays_on_the_wall_though_a_tv_hides_the_wall_below(monkeypatch) -> None:
    """Nothing below the window was observed (a tv and a cabinet stand before the wall there), but its lower edge was
    seen as its own outline: it ends there. A door whose lower edge every view had cut off goes down to the floor."""
    import reasmory.memory.grounding.complete as complete
    from reasmory.memory.grounding.visibility import Sight

    monkeypatch.setattr(complete, "sight", lambda points, frames, depth, margin=0.02, votes=1: Sight(*(np.zeros(len(points), bool),) * 3))
    window = OrientedBox.from_yaw([0.0, 0.0, 1.38], [1.35, 0.05, 1.0], 0.0)
    edge = np.c_[np.linspace(-0.6, 0.6, 20), np.zeros(20), np.full(20, 0.9)]
    own, cut = np.ones(20, np.uint8), np.full(20, 2, np.uint8)
    assert complete.bottom_seen(window, edge, own) and not complete.bottom_seen(window, edge, cut)
    stays = complete.rest_on_support(window, 0.0, [], lambda i: None, ends_seen=True)
    assert stays.c[2] == pytest.approx(1.38)
    lowered = complete.rest_on_support(window, 0.0, [], lambda i: None, ends_seen=False)
    assert lowered.c[2] - lowered.e[2] / 2 == pytest.approx(0.0)
    table_top = OrientedBox.from_yaw([0.0, 0.0, 0.74], [1.2, 0.8, 0.02], 0.0)  # not a standing surface: says nothing
    assert not complete.bottom_seen(table_top, edge, own)


def test_one_frame_that_sees_through_a_hidden_base_is_not_proof_on_noisy_depth() -> None:
    """A toilet seen from 37 cm up: two frames show its front, so the space under the seen part lies behind it; a third
    frame's depth there is 3 m too far (a patch of gross error) and "sees through" it. With exact depth one frame is
    proof and the box stays up; a build on noisy depth asks two frames (`votes`), so the toilet stands on the floor."""
    import reasmory.memory.grounding.complete as complete
    from reasmory.memory.model import Frame

    K = ((100.0, 0.0, 50.0), (0.0, 100.0, 50.0), (0.0, 0.0, 1.0))
    pose = ((0.0, 0.0, 1.0, 0.0), (-1.0, 0.0, 0.0, 0.0), (0.0, -1.0, 0.0, 1.0), (0.0, 0.0, 0.0, 1.0))  # at x=0, 1 m up, looking +x
    frames = [Frame(index=i, timestamp=float(i), width=100, height=100, K=K, pose=pose) for i in range(3)]

    def depth(i: int) -> np.ndarray:
        return np.full((100, 100), 6.0 if i == 2 else 2.8)

    seen_part = OrientedBox.from_yaw([3.0, 0.0, 0.61], [0.4, 0.4, 0.48], 0.0)
    exact = complete.rest_on_support(seen_part, 0.0, frames, depth)
    assert exact.c[2] - exact.e[2] / 2 == pytest.approx(0.37)
    noisy = complete.rest_on_support(seen_part, 0.0, frames, depth, votes=2)
    assert noisy.c[2] - noisy.e[2] / 2 == pytest.approx(0.0)
    assert noisy.c[2] + noisy.e[2] / 2 == pytest.approx(0.85)


def test_space_counts_as_observed_once_enough_frames_reached_it() -> None:
    """`sight` counts the frames that reach each point: one is enough by default, `votes` asks for more."""
    from reasmory.memory.grounding.visibility import seen_empty, sight
    from reasmory.memory.model import Frame

    K = ((100.0, 0.0, 50.0), (0.0, 100.0, 50.0), (0.0, 0.0, 1.0))
    pose = ((0.0, 0.0, 1.0, 0.0), (-1.0, 0.0, 0.0, 0.0), (0.0, -1.0, 0.0, 1.0), (0.0, 0.0, 0.0, 1.0))
    frames = [Frame(index=i, timestamp=float(i), width=100, height=100, K=K, pose=pose) for i in range(3)]
    points = np.array([[3.0, 0.0, 1.0]])

    def depth_reaching(n: int):
        return lambda i: np.full((100, 100), 5.0 if i < n else 2.0)

    for reaching, votes, expected in [(1, 1, True), (1, 2, False), (2, 2, True), (0, 1, False)]:
        assert bool(sight(points, frames, depth_reaching(reaching), votes=votes).reached[0]) is expected
        assert bool(seen_empty(points, frames, depth_reaching(reaching), {}, votes=votes)[0]) is expected


def test_a_window_left_thick_by_noisy_depth_still_counts_as_a_standing_surface() -> None:
    """Noisy depth leaves a 6 cm window's points a layer 13 cm thick: it is still a surface whose sill, seen as its own
    outline, says where it ends; a cabinet as deep as a third of its width is not."""
    from reasmory.memory.grounding.complete import bottom_seen

    edge = np.c_[np.linspace(-0.6, 0.6, 20), np.zeros(20), np.full(20, 0.9)]
    own = np.ones(20, np.uint8)
    thick_window = OrientedBox.from_yaw([0.0, 0.0, 1.41], [1.35, 0.13, 1.02], 0.0)
    assert bottom_seen(thick_window, edge, own)
    cabinet = OrientedBox.from_yaw([0.0, 0.0, 1.41], [1.35, 0.45, 1.02], 0.0)
    assert not bottom_seen(cabinet, edge, own)


@pytest.mark.parametrize("votes", [0, -1, 1.5])
def test_frames_needed_to_count_space_as_seen_must_be_a_whole_positive_number(votes: object) -> None:
    """Zero votes would count space no frame saw as seen: a clear error names the setting instead."""
    from reasmory.errors import InputError
    from reasmory.memory.grounding.pipeline import GroundingSettings

    with pytest.raises(InputError, match="noisy_votes"):
        GroundingSettings(noisy_votes=votes)  # type: ignore[arg-type]


@pytest.mark.parametrize("top_row, height", [(0, 2.03), (6, 1.45)])
def test_a_door_whose_masks_reach_the_top_of_the_image_grows_to_its_typical_height(monkeypatch, top_row, height) -> None:
    """Noisy depth leaves a door's top edge looking like its own outline (codes 1), yet every view's mask reaches the
    image's top row: its top lay above them, so it grows through the space no camera saw to a door's height. Masks
    that end below the top row say the top was seen, and the box keeps the height its points give."""
    import reasmory.memory.grounding.complete as complete
    from reasmory.memory.grounding.visibility import Sight
    from reasmory.memory.model import Frame

    monkeypatch.setattr(complete, "sight", lambda points, frames, depth, margin=0.02, votes=1: Sight(*(np.zeros(len(points), bool),) * 3))
    door = OrientedBox.from_yaw([1.0, 0.0, 0.725], [0.9, 0.04, 1.45], 0.0)
    edge = np.c_[np.linspace(-0.45, 0.45, 40), np.zeros(40), np.full(40, 1.44)]
    sides = np.c_[np.repeat([-0.44, 0.44], 30), np.zeros(60), np.tile(np.linspace(0.1, 1.44, 30), 2)]
    points = np.r_[edge, sides] + [1.0, 0.0, 0.0]
    pose = ((1.0, 0.0, 0.0, 1.0), (0.0, 0.0, 1.0, -1.0), (0.0, -1.0, 0.0, 1.0), (0.0, 0.0, 0.0, 1.0))  # 1 m before it, looking +y
    K = ((100.0, 0.0, 50.0), (0.0, 100.0, 50.0), (0.0, 0.0, 1.0))
    frames = [Frame(index=i, timestamp=float(i), width=100, height=100, K=K, pose=pose) for i in range(2)]
    masks = {i: [(np.ones((100 - top_row, 90), bool), 5, top_row)] for i in range(2)}
    box = complete.complete_box(door, [], frames, lambda i: np.ones((100, 100)), None, typical=(0.88, None, 2.03),
                                outline=(points, np.ones(len(points), np.uint8)), masks=masks)
    assert box.c[2] - box.e[2] / 2 == pytest.approx(0.0)
    assert box.e[2] == pytest.approx(height, abs=0.03)


def test_an_end_cut_by_the_view_is_open_though_the_sides_outline_meets_it_at_the_corners() -> None:
    """A bathtub whose far end the image border cut: the points on that end are coded "cut", but the outline of its
    long sides, the tub's own, runs up to the corners beside it. Those corner points say nothing of the end, so the
    end is open (and the tub may grow to its length); an end whose inside is its own outline stays closed."""
    from reasmory.memory.grounding.complete import open_faces

    box = OrientedBox.from_yaw([0.0, 0.0, 0.27], [1.5, 0.8, 0.54], 0.0)
    rng = np.random.default_rng(0)
    end = np.c_[np.full(60, 0.74), rng.uniform(-0.33, 0.33, 60), rng.uniform(0.0, 0.54, 60)]
    sides = np.c_[rng.uniform(0.70, 0.75, 90), rng.choice([-0.39, 0.39], 90), rng.uniform(0.0, 0.54, 90)]
    points = np.concatenate([end, sides])
    cameras = np.array([[-3.0, 0.0, 1.5]])
    cut_end = np.r_[np.full(60, 2), np.full(90, 1)]
    assert open_faces(box, points, cut_end, cameras).get((0, 1.0)) == "cut"
    own_end = np.r_[np.full(60, 1), np.full(90, 1)]
    assert (0, 1.0) not in open_faces(box, points, own_end, cameras)


def test_a_box_grows_into_the_room_not_through_the_wall_behind_it() -> None:
    """A bed seen only at its headboard, 7 cm off the wall: the space behind the wall is as unobserved as the space
    the mattress hides, but the bed grows into the room. A box standing outside the layout (seen through a doorway)
    is not bounded by it."""
    from reasmory.memory.room import RoomLayout

    room = RoomLayout([(-4.0, -2.0), (0.35, -2.0), (0.35, 2.0), (-4.0, 2.0)], 17.4, "walls")
    headboard = OrientedBox.from_yaw([0.14, 0.0, 0.5], [0.28, 1.5, 1.0], 0.0)
    faces = {(0, 1.0): "short", (0, -1.0): "short"}
    depth = lambda i: np.zeros((1, 1))  # noqa: E731 - no frames: nothing observed anywhere
    unbounded = extend_open_faces(headboard, faces, (2.0, 1.5, 1.0), [], depth)
    assert unbounded.c[0] + unbounded.e[0] / 2 > 1.5  # through the wall
    bed = extend_open_faces(headboard, faces, (2.0, 1.5, 1.0), [], depth, room=room)
    assert bed.e[0] == pytest.approx(2.0)
    assert 0.35 <= bed.c[0] + bed.e[0] / 2 <= 0.4
    outside = OrientedBox.from_yaw([1.0, 0.0, 0.5], [0.28, 1.5, 1.0], 0.0)
    assert extend_open_faces(outside, faces, (2.0, 1.5, 1.0), [], depth, room=room).c[0] == pytest.approx(1.0 + 1.72 / 2)


def test_a_flat_object_seen_as_its_front_keeps_its_length_along_it_and_one_seen_end_on_turns() -> None:
    """A heater (typically 80 cm long, no typical depth) seen in one frame as a surface 49 cm wide, on noisy depth
    with unobserved space all round: its length runs along the surface seen, not across it. Seen end-on (a face
    10 cm wide), its length goes where the unobserved space is longer (here everywhere: across, the longer need)."""
    from reasmory.memory.grounding.complete import orient_typical

    heater = (0.8, None, 0.6)
    depth = lambda i: np.zeros((1, 1))  # noqa: E731 - no frames: nothing observed anywhere
    front = OrientedBox.from_yaw([0.0, 0.0, 0.3], [0.49, 0.06, 0.4], 0.0)
    assert orient_typical(front, heater, [], depth) == heater
    end = OrientedBox.from_yaw([0.0, 0.0, 0.3], [0.1, 0.06, 0.4], 0.0)
    assert orient_typical(end, heater, [], depth) == (None, 0.8, 0.6)
