"""Grounding labels on demand, and detectors as the objects of built memories: through `answer()`, end to end.

A prompted source over a scene's given masks stands in for a detector where the
answer must be exact; the real transformers path runs with tiny random models
(random boxes: the checks are about what is recorded, cached and re-run).
"""

from __future__ import annotations

from collections.abc import Callable
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from reasmory.interpreter import LanguageError
from reasmory.memory.reconstruction.cache import MemoryCache, update_entry
from reasmory.memory.grounding.frame_images import FrameDepth, FrameImages
from rich.console import Console

from reasmory.answering import answer
from reasmory.traces import trace_tree
from tests.reconstruction.conftest import write_video

from .conftest import MaskPrompts


@pytest.fixture(scope="module")
def scene(make_synth_scene: Callable[..., Path]) -> Path:
    return make_synth_scene(3, 12)


def lamp_free_cache(scene: Path, cache: Path) -> int:
    """Build the scene's memory into `cache`, then take its lamps out of the entry; returns how many there were."""
    built = answer(scene, "How many lamps are in this room?", cache_dir=cache)
    entry = MemoryCache(cache).entry_for(built.memory)
    assert entry is not None
    update_entry(entry, lambda stored: stored.with_objects([o for o in stored.objects if o.label != "lamp"]))
    return int(built.answer or 0)


def visible_in_ground_truth(scene: Path, label: str) -> int:
    """How many instances of `label` the scene's frames show, from scene.json (not from any memory)."""
    return sum(1 for o in json.loads((scene / "scene.json").read_text())["objects"] if o["label"] == label and o["frames"])


def test_a_label_the_memory_lacks_is_grounded_then_the_program_runs_again(scene: Path, tmp_path: Path) -> None:
    lamps = lamp_free_cache(scene, tmp_path / "cache")
    assert lamps == visible_in_ground_truth(scene, "lamp") >= 1
    prompts = MaskPrompts(scene)
    result = answer(scene, "How many lamps are in this room?", cache_dir=tmp_path / "cache", grounder=prompts)
    assert result.answer == str(visible_in_ground_truth(scene, "lamp"))
    assert prompts.asked == [("lamp",)]  # "lamps" asked for as its canonical label
    kinds = [(a.kind, a.ok) for a in result.trace.attempts]
    assert kinds == [("compile", False), ("ground", True), ("compile", True)]
    grounded = result.trace.attempts[1]
    assert grounded.generator == "given-masks" and grounded.answer.startswith(f"lamp: {lamps} object")
    assert "12 frames, kept depth maps" in grounded.answer and grounded.answer.endswith("cached")
    assert result.memory.provenance.settings["on_demand"] == {"lamp": lamps}
    console = Console(record=True, width=200)
    console.print(trace_tree(result.trace))
    assert f"✓ ground given-masks lamp: {lamps} object" in console.export_text()

    again = answer(scene, "How many lamps are in this room?", cache_dir=tmp_path / "cache", grounder=prompts)
    assert again.answer == str(lamps) and [a.kind for a in again.trace.attempts] == ["compile"]  # from the cache
    assert prompts.asked == [("lamp",)]


def test_a_label_that_is_nowhere_is_looked_for_once(scene: Path, tmp_path: Path) -> None:
    prompts = MaskPrompts(scene)
    for _ in range(2):
        with pytest.raises(LanguageError, match="no object 'pianos'") as caught:
            answer(scene, "How many pianos are in this room?", cache_dir=tmp_path / "cache", grounder=prompts)
        ground = [a for a in caught.value.attempts if a.kind == "ground"]  # type: ignore[attr-defined]
        assert len(ground) == 1 and not ground[0].ok
    assert prompts.asked == [("piano",)]  # the second call knew it had looked (the cache entry remembers)


def test_without_a_detector_nothing_is_grounded(scene: Path, tmp_path: Path) -> None:
    """With nothing to look for it, a category the memory lacks counts 0, and the reading says so."""
    lamp_free_cache(scene, tmp_path / "cache")
    result = answer(scene, "How many lamps are in this room?", cache_dir=tmp_path / "cache")
    assert result.answer == "0" and [a.kind for a in result.trace.attempts] == ["compile"]
    assert any("no 'lamp' among the memory's labels" in n for n in result.trace.reading.notes)
    with pytest.raises(LanguageError, match="no object 'lamp'"):
        answer(scene, "Measuring from the closest point of each object, what is the distance between the lamp and the "
                      "door (in meters)?", cache_dir=tmp_path / "cache")


def detector_settings(tmp_path: Path) -> dict:
    """Settings naming tiny random OWLv2 and SAM checkpoints saved as local folders."""
    from tests.grounding.tiny_models import save, tiny_owlv2, tiny_sam

    return {"detector": "owlv2", "detector_checkpoint": save(tiny_owlv2(), tmp_path / "owlv2"),
            "segmenter_checkpoint": save(tiny_sam(), tmp_path / "sam"), "detector_device": "cpu",
            "detector_threshold": 0.0}


def test_the_configured_transformers_detector_grounds_on_demand(scene: Path, tmp_path: Path) -> None:
    pytest.importorskip("transformers")
    settings = detector_settings(tmp_path)
    # the scene has no chairs; the tiny detector (threshold 0) finds random ones, so one is grounded and counted
    result = answer(scene, "How many chairs are in this room?", cache_dir=tmp_path / "cache", ground_frames=12, **settings)
    ground = [a for a in result.trace.attempts if a.kind == "ground"]
    assert len(ground) == 1 and ground[0].generator == f"owlv2:{settings['detector_checkpoint']}"
    assert ground[0].ok and "over 12 frames" in ground[0].answer
    assert result.answer == str(result.memory.label_counts()["chair"]) and result.generator == "compiler"


def test_an_rgbd_folder_without_masks_gets_its_objects_from_the_detector(scene: Path, tmp_path: Path) -> None:
    pytest.importorskip("transformers")
    folder = tmp_path / "rgbd"
    shutil.copytree(scene, folder, ignore=shutil.ignore_patterns("instances", "scene.json"))
    settings = detector_settings(tmp_path)
    result = answer(folder, "How many tables are in this room?", cache_dir=tmp_path / "cache",
                    detector_labels=["table", "chair"], **settings)
    memory = result.memory
    assert memory.provenance.backend == "rgbd" and set(memory.label_counts()) <= {"table", "chair"}
    assert memory.provenance.settings["grounding"]["labels"] == ["table", "chair"]
    assert result.answer == str(memory.label_counts().get("table", 0))


def test_without_a_detector_an_rgbd_folder_is_refused_naming_the_setting(scene: Path, tmp_path: Path) -> None:
    from reasmory.answering.sources import BuildUnavailable

    folder = tmp_path / "rgbd"
    shutil.copytree(scene, folder, ignore=shutil.ignore_patterns("instances", "scene.json"))
    with pytest.raises(BuildUnavailable, match="none is configured") as caught:
        answer(folder, "How many tables are in this room?", cache_dir=tmp_path / "cache")
    assert "REASMORY_DETECTOR" in (caught.value.hint or "")


def test_frames_are_read_back_from_videos_and_depth_is_rendered_when_none_was_kept(scene: Path, tmp_path: Path) -> None:
    video = write_video(tmp_path / "v.mp4", frames=6, size=(64, 48))
    built = answer(scene, "How many lamps are in this room?", cache_dir=tmp_path / "cache").memory
    frames = [f.model_copy(update={"image": f"{video}#frame={2 * i}"}) for i, f in enumerate(built.frames[:3])]
    memory = type(built)(frames, built.points, built.objects, built.scene, built.provenance)
    images = FrameImages(memory)
    assert images.missing() is None
    grey = [int(np.median(images(f.index))) for f in frames]
    assert all(abs(g - 20 * i) <= 3 for i, g in enumerate(grey))  # frame 2i of the video is grey 10·2i
    depth = FrameDepth(memory)
    assert depth.kind == "depth rendered from the memory's points"
    kept = built.arrays.depth[0]
    rendered = depth(frames[0].index)
    both = (kept > 0) & (rendered > 0)
    assert both.mean() > 0.5 and np.median(np.abs(kept[both] - rendered[both])) < 0.05
    gone = type(built)([frames[0].model_copy(update={"image": str(tmp_path / "gone.jpg")})], built.points)
    assert "is gone" in (FrameImages(gone).missing() or "")


def test_groundings_of_one_cached_memory_by_two_callers_keep_both(scene: Path, tmp_path: Path) -> None:
    """Each grounding starts from the cache entry as stored now, so a caller holding a stale memory loses nothing."""
    from reasmory.answering.detection import OnDemand

    built = answer(scene, "How many lamps are in this room?", cache_dir=tmp_path / "cache").memory
    entry = MemoryCache(tmp_path / "cache").entry_for(built)
    assert entry is not None
    stale = update_entry(entry, lambda stored: stored.with_objects([o for o in stored.objects if o.label not in ("lamp", "tv")]))
    first, second = MaskPrompts(scene), MaskPrompts(scene)
    OnDemand(first, 12, entry)(stale, ["lamp"], 0)
    grown, attempt = OnDemand(second, 12, entry)(stale, ["tv", "lamp"], 0)
    assert attempt.ok and second.asked == [("tv",)]  # the lamp was already in the entry: not looked for again
    stored = MemoryCache(tmp_path / "cache").get(entry.stem)
    for memory in (grown, stored):
        assert memory.has_label("lamp") and memory.has_label("tv")
        assert memory.provenance.settings["on_demand"].keys() == {"lamp", "tv"}


def test_a_detector_that_cannot_load_is_refused_before_reconstructing(scene: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from reasmory.errors import InputError
    from reasmory.memory.reconstruction import pipeline

    monkeypatch.setattr(pipeline, "reconstruct", lambda *a, **k: pytest.fail("reconstructed before checking the detector"))
    folder = tmp_path / "rgbd"
    shutil.copytree(scene, folder, ignore=shutil.ignore_patterns("instances", "scene.json"))
    with pytest.raises(InputError, match="cannot load the detector '.*absent'") as caught:
        answer(folder, "How many tables are in this room?", cache_dir=tmp_path / "cache", detector="owlv2",
               detector_checkpoint=str(tmp_path / "absent"), detector_device="cpu")
    assert "hf download google/owlv2-base-patch16-ensemble" in (caught.value.hint or "")
