"""Answers say what they rest on: the objects used, the metric scale's source, the reconstruction's weak points."""

from __future__ import annotations

from collections.abc import Callable
import json
from pathlib import Path

import numpy as np
import pytest

from reasmory.answering import answer
from reasmory.cli import main
from reasmory.memory import PointCloud, SpatialMemory
from reasmory.memory.evidence import EYE_HEIGHT_UNCERTAINTY, evidence, scale_source
from reasmory.memory.model import Provenance, ScaleInfo
from reasmory.memory.reconstruction.scale import from_camera_height, from_objects
from tests.conftest import SHARED, require

SCALE_LINE = "scale from the eye-height prior: sizes and distances may be off by ±20%"


@pytest.fixture(autouse=True)
def plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")


def eye_height_scaled(memory: SpatialMemory) -> SpatialMemory:
    """The memory as an SfM build leaves it when too few objects vote: scaled by the camera-height prior."""
    estimate = from_camera_height(np.array([f.position[2] for f in memory.frames]))
    out = SpatialMemory(memory.frames, PointCloud.from_xyz(np.random.default_rng(0).uniform([0, 0, 0], [5, 4, 2.5], (5000, 3))),
                        memory.objects, memory.scene.model_copy(update={"scale": estimate.info()}),
                        Provenance(backend="sfm"))
    return out


def test_an_answer_exposes_the_objects_it_used_and_the_scale(living_room: SpatialMemory, tmp_path: Path) -> None:
    result = answer(living_room, "How many chairs are in this room?", cache_dir=tmp_path)
    chairs = {o.id for o in living_room.find("chair")}
    assert {o.id for o in result.evidence.objects} == chairs and len(chairs) == 2
    for seen in result.evidence.objects:
        truth = next(o for o in living_room.objects if o.id == seen.id)
        assert seen.label == "chair" and seen.frames_seen == len(truth.frames) and seen.completed_fraction is None
    assert result.evidence.scale.source == "metric" and result.evidence.warnings == [] and result.evidence.weak() == []
    assert result.trace.evidence == result.evidence


def test_the_trace_carries_the_evidence(living_room_rmem: Path, tmp_path: Path) -> None:
    trace = tmp_path / "t.json"
    assert main(["answer", str(living_room_rmem), "Measuring from the closest point of each object, what is the distance between the sofa and the tv (in meters)?", "--trace", str(trace)]) == 0
    data = json.loads(trace.read_text())["evidence"]
    assert {o["label"] for o in data["objects"]} == {"sofa", "tv"} and data["scale"]["source"] == "metric"


def test_answering_on_an_sfm_scaled_memory_prints_the_scale_warning(living_room: SpatialMemory, tmp_path: Path, capsys) -> None:
    rmem = eye_height_scaled(living_room).save(tmp_path / "sfm.rmem")
    assert main(["answer", str(rmem), "How many chairs are in this room?"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "2" and SCALE_LINE in err and SCALE_LINE not in out
    result = answer(rmem, "How many chairs are in this room?", cache_dir=tmp_path)
    assert result.evidence.scale.source == "eye height" and result.evidence.scale.spread >= EYE_HEIGHT_UNCERTAINTY
    assert SCALE_LINE in result.evidence.weak()


def test_memory_info_lists_the_same_weak_points(living_room: SpatialMemory, tmp_path: Path, capsys) -> None:
    rmem = eye_height_scaled(living_room).save(tmp_path / "sfm.rmem")
    assert main(["memory", "info", str(rmem)]) == 0
    out = capsys.readouterr().out
    assert "Warnings" in out and SCALE_LINE in out


def test_scale_sources_are_told_apart_from_what_the_build_recorded() -> None:
    from reasmory.memory.boxes import OrientedBox

    assert scale_source(from_camera_height(np.array([1.4, 1.5, 1.6])).info()) == "eye height"
    box = OrientedBox.from_yaw([0, 0, 0.45], [2.0, 0.9, 0.85], 0.0)
    assert scale_source(from_objects([("sofa", box)]).info()) == "object sizes"
    assert scale_source(ScaleInfo(method="none: up to an unknown scale")) == "unknown"
    assert scale_source(ScaleInfo(method="metric input (rgbd)")) == "metric"


def test_the_reconstructions_warnings_join_the_evidence(living_room: SpatialMemory) -> None:
    from reasmory.memory.quality import memory_warnings

    weak = eye_height_scaled(living_room)
    weak.provenance = weak.provenance.model_copy(update={"frames_sampled": 4 * len(weak.frames)})
    found = evidence(weak)
    assert found.warnings == memory_warnings(weak) and any("frames registered" in w for w in found.warnings)
    assert found.weak()[0] == SCALE_LINE and found.weak()[1 : 1 + len(found.warnings)] == found.warnings


def test_grounded_objects_report_views_and_the_completed_share(make_synth_scene: Callable[..., Path]) -> None:
    from reasmory.memory.grounding.scene_memory import build_scene_memory

    folder = make_synth_scene(2, 12)
    built = build_scene_memory(folder)
    found = evidence(built)
    assert len(found.objects) == len(built.objects) and found.scale.source == "metric"
    assert all(0.0 <= o.completed_fraction <= 1.0 and o.views >= 1 and o.frames_seen >= 1 for o in found.objects)
    single = [o for o in found.objects if o.frames_seen <= 1]
    assert len([line for line in found.weak() if "seen in one frame" in line or "no frame" in line]) == len(single)


def test_ground_truth_objects_raise_no_single_view_warnings(living_room: SpatialMemory) -> None:
    """Annotated boxes were never observed through frames: nothing about them rests on a single view."""
    annotated = [o.model_copy(update={"frames": [], "attributes": {}}) for o in living_room.objects]
    truth = living_room.with_objects(annotated)
    assert not [line for line in evidence(truth).weak() if "frame" in line or "single view" in line]
    seen_once = annotated[0].model_copy(update={"frames": [3], "attributes": {"views": 1}})
    glimpsed = annotated[1].model_copy(update={"attributes": {"views": 1}})
    weak = evidence(truth.with_objects([seen_once, glimpsed, *annotated[2:]])).weak()
    assert [line for line in weak if "frame" in line] == [
        f"the {seen_once.label} (id {seen_once.id}) was seen in one frame only: its box and position rest on a single view",
        f"the {glimpsed.label} (id {glimpsed.id}) is visible in no frame: its box and position rest on detections alone"]


@pytest.mark.slow
def test_answering_on_a_real_sfm_memory_prints_the_scale_warning(tmp_path: Path, capsys) -> None:
    """A genuine pycolmap reconstruction of 12 photos: no objects, so its scale rests on the eye-height prior."""
    from reasmory.memory.reconstruction import build_memory

    images = sorted(require(SHARED / "data" / "livingroom1_micro" / "color").glob("*.jpg"))[:24:2]
    memory = build_memory([str(p) for p in images], "sfm", use_cache=False, progress=False)
    rmem = memory.save(tmp_path / "sfm.rmem")
    question = "What is the size of this room (in square meters)? If multiple rooms are shown, estimate the size of the combined space."
    assert main(["answer", str(rmem), question]) == 0
    out, err = capsys.readouterr()
    assert float(out.strip()) > 0 and SCALE_LINE in err


def test_the_completed_share_is_of_the_most_inferred_side_and_ignores_a_thin_panel_thickened() -> None:
    from reasmory.memory.boxes import OrientedBox
    from reasmory.memory.grounding.pipeline import completed_fraction

    tv = OrientedBox.from_yaw([0, 0, 1.2], [1.0, 0.06, 0.6], 0.4)
    assert completed_fraction(OrientedBox.from_yaw([0, 0.02, 1.2], [1.0, 0.02, 0.6], 0.4), tv) == 0.0  # 67 % by volume
    table = OrientedBox.from_yaw([0, 0, 0.375], [1.2, 0.8, 0.75], 0.0)
    top = OrientedBox.from_yaw([0, 0, 0.7], [1.2, 0.8, 0.1], 0.0)
    assert completed_fraction(top, table) == pytest.approx(0.65 / 0.75)
    turned = OrientedBox.from_yaw([0, 0, 0.7], [0.8, 0.6, 0.1], np.pi / 2)  # fitted with its axes the other way round
    assert completed_fraction(turned, table) == pytest.approx(0.65 / 0.75)
