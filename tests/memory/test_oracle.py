"""Oracle memories from VSI-Bench boxes (all 288 scenes) and from JSON scene descriptions."""

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from reasmory.errors import InputError
from reasmory.memory import SpatialMemory
from reasmory.memory.oracle import from_scene, from_vsibench, from_vsibench_scene, load_vsibench_meta

META_FILES = ("scannet_meta_info_val.json", "arkitscenes_meta_info_val.json", "scannetpp_meta_info_val.json")


@pytest.mark.parametrize("meta_file", META_FILES)
def test_every_vsibench_scene_holds_exactly_its_boxes(vsibench_meta_dir: Path, meta_file: str) -> None:
    meta = load_vsibench_meta(vsibench_meta_dir / meta_file)
    assert len(meta) in (88, 150, 50)
    disagreements = 0
    for name, scene in meta.items():
        memory = from_vsibench_scene(scene, name)
        boxes = [(label, b) for label, bs in scene["object_bbox"].items() for b in bs]
        assert len(memory.objects) == len(boxes)
        assert [o.label for o in memory.objects] == [label for label, _ in boxes]
        assert memory.room_area() == pytest.approx(scene["room_size"], rel=0.01)
        counts = Counter(o.label for o in memory.objects)
        for obj, (_, raw) in zip(memory.objects, boxes, strict=True):
            np.testing.assert_allclose(obj.box.center, raw["centroid"], atol=1e-9)
            if counts[obj.label] == 1:
                assert abs(memory.longest_side(memory.find(obj.label)[0]) - max(raw["axesLengths"])) < 0.01
            np.testing.assert_allclose(np.asarray(obj.box.aabb()), [raw["min"], raw["max"]], atol=1e-6)
        mismatched = [k for k, v in scene["object_counts"].items() if counts.get(k, 0) != v]
        assert len(memory.provenance.notes) == len(mismatched)
        disagreements += len(mismatched)
    if meta_file.startswith("scannet_"):
        assert disagreements == 12  # the known count/box disagreements (data README)
    else:
        assert disagreements == 0


def test_oracle_distances_use_box_surfaces(vsibench_meta_dir: Path) -> None:
    memory = from_vsibench(vsibench_meta_dir / "scannet_meta_info_val.json", "scene0251_00")
    doors = memory.find("doors")
    d = memory.closest_distance(doors[0], doors[1])
    corners = [o.box.corners() for o in doors]
    centre_gap = np.linalg.norm(doors[0].box.c - doors[1].box.c)
    assert 0 <= d <= centre_gap
    assert d <= np.min(np.linalg.norm(corners[0][:, None] - corners[1][None], axis=-1)) + 1e-6


def test_unknown_scene_suggests_close_names(vsibench_meta_dir: Path) -> None:
    with pytest.raises(InputError, match="did you mean scene0251_00"):
        from_vsibench(vsibench_meta_dir / "scannet_meta_info_val.json", "scene0251_0")
    with pytest.raises(InputError, match="no VSI-Bench meta_info file"):
        from_vsibench(vsibench_meta_dir / "absent.json", "x")


def test_oracle_memory_round_trips_through_the_store(vsibench_meta_dir: Path, tmp_path: Path) -> None:
    memory = from_vsibench(vsibench_meta_dir / "scannet_meta_info_val.json", "scene0251_00")
    back = SpatialMemory.load(memory.save(tmp_path / "o.rmem"))
    assert back.label_counts() == memory.label_counts()
    a, b = back.find("chair")[0], back.find("table")[0]
    assert back.closest_distance(a, b) == memory.closest_distance(memory.find("chair")[0], memory.find("table")[0])


def test_scene_description_builds_frames_objects_and_visibility(example_scene: Path) -> None:
    memory = from_scene(example_scene)
    assert len(memory.frames) == 6 and len(memory.objects) == 13
    assert memory.room_area() == pytest.approx(30.0)
    tv = memory.find("television")[0]
    assert memory.longest_side(tv) == pytest.approx(1.2)
    for obj in memory.objects:
        for k in obj.frames:
            pose = memory.frames[k].pose_array
            assert (obj.box.c - pose[:3, 3]) @ pose[:3, 2] > 0  # visible objects are in front of the camera
    assert memory.first_seen(tv) == min(tv.frames)
    cam = memory.frames[0]
    assert np.allclose(cam.pose_array[:3, :3].T @ cam.pose_array[:3, :3], np.eye(3))
    assert cam.pose_array[2, 1] < 0  # image rows point down: camera y has a negative z component


def test_scene_description_errors_name_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"objects": [{"label": "chair", "center": [0, 0, 0]}]}))
    with pytest.raises(InputError, match=r"objects\.0\.extents"):
        from_scene(bad)
    bad.write_text(json.dumps({"cameras": [{"position": [0, 0, 1]}]}))
    with pytest.raises(InputError, match="look_at"):
        from_scene(bad)
    bad.write_text("{not json")
    with pytest.raises(InputError, match="invalid scene description"):
        from_scene(bad)
