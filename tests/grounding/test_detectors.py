"""The detector + SAM instance source, end to end with tiny random models and tokenizers built offline.

Random weights detect random boxes: the score threshold is 0 so every frame
has detections, and the checks are about shapes, labels and code paths.
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from reasmory.memory.grounding import GroundingSettings, ground
from reasmory.memory.grounding.detectors import DetectorConfig, TransformersDetector
from reasmory.memory.grounding.detectors_boxes import Detections, select
from reasmory.memory.model import Frame

from reasmory.errors import InputError
from tests.grounding.tiny_models import (
    LABELS,
    tiny_grounding_dino,
    tiny_owlv2,
    tiny_sam,
)

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

H, W = 96, 128


def images(count: int, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 255, (H, W, 3), dtype=np.uint8) for _ in range(count)]


@pytest.fixture(scope="module")
def owlv2() -> tuple:
    return tiny_owlv2()


@pytest.fixture(scope="module")
def grounding_dino() -> tuple:
    return tiny_grounding_dino()


@pytest.fixture(scope="module")
def sam() -> tuple:
    return tiny_sam()


def detector(kind: str, parts: tuple, sam: tuple, **settings) -> TransformersDetector:
    config = DetectorConfig(labels=LABELS, kind=kind, device="cpu", score_threshold=0.0, min_mask_pixels=1, **settings)
    return TransformersDetector.from_models(config, *parts, *sam)


@pytest.mark.parametrize("kind", ["owlv2", "grounding-dino"])
def test_instances_are_full_size_masks_with_prompt_labels(kind: str, owlv2, grounding_dino, sam) -> None:
    parts = owlv2 if kind == "owlv2" else grounding_dino
    source = detector(kind, parts, sam, max_detections=4, batch_size=2)
    frames = [*images(2), images(1, seed=1)[0][:80, :100]]  # two batches, one frame of another size
    found = source.detect(frames)
    assert len(found) == 3 and all(1 <= len(f) <= 4 for f in found)
    for frame, instances in zip(frames, found):
        assert all(i.mask.shape == frame.shape[:2] and i.mask.dtype == bool and i.mask.any() for i in instances)
        assert {i.label for i in instances} <= set(LABELS)
        scores = [i.score for i in instances]
        assert scores == sorted(scores, reverse=True)
    alone = source.instances(7, frames[2])  # the last batch held only this frame: the same computation
    assert [(i.label, i.score) for i in alone] == [(i.label, i.score) for i in found[2]]


def test_grounding_dino_prompts_split_into_captions_that_fit(grounding_dino) -> None:
    from reasmory.memory.grounding.detectors_models import captions

    found = captions(list(LABELS), grounding_dino[1].tokenizer, 8)
    sizes = [len(c.phrases) for c in found]
    assert len(found) > 1 and sum(sizes) == len(LABELS)
    assert [c.first for c in found] == np.cumsum([0, *sizes[:-1]]).tolist()
    for cap in found:
        assert cap.tokens["input_ids"].shape[1] <= 8
        assert cap.phrases.dtype == torch.bool and (cap.phrases.sum(1) >= 1).all()
    trash_bin = found[-1].phrases[-1]  # "trash bin" is two tokens
    assert int(trash_bin.sum()) == 2


def test_detected_instances_ground_to_3d(owlv2, sam) -> None:
    source = detector("owlv2", owlv2, sam, max_detections=3)
    K = ((100.0, 0.0, W / 2), (0.0, 100.0, H / 2), (0.0, 0.0, 1.0))
    identity = tuple(tuple(float(i == j) for j in range(4)) for i in range(4))
    frames = [Frame(index=i, width=W, height=H, K=K, pose=identity) for i in range(2)]
    picture = images(1)[0]  # a still camera: both views see the same objects
    reads: list[int] = []
    found = source.batched([0, 1], lambda i: reads.append(i) or picture)
    objects = ground(frames, lambda i: np.full((H, W), 2.0, np.float32), found, GroundingSettings(floor_z=None))
    assert reads == [0, 1] and not found.pending  # one batch, every frame served once
    assert objects and all(o.label in LABELS and set(o.frames) <= {0, 1} for o in objects)
    assert all(np.allclose(o.points[:, 2], 2.0) for o in objects)


@pytest.mark.parametrize("kind", ["owlv2", "grounding-dino"])
def test_setup_loads_saved_checkpoints(kind: str, tmp_path: Path, owlv2, grounding_dino, sam) -> None:
    for name, (model, processor) in {kind: owlv2 if kind == "owlv2" else grounding_dino, "sam": sam}.items():
        model.save_pretrained(tmp_path / name)
        processor.save_pretrained(tmp_path / name)
    config = DetectorConfig(labels=LABELS, kind=kind, detector=str(tmp_path / kind), segmenter=str(tmp_path / "sam"),
                            device="cpu", score_threshold=0.0, min_mask_pixels=1, offline=True)
    assert config.setup().detect(images(1))[0]
    swapped = config.model_copy(update={"detector": str(tmp_path / "sam")})
    with pytest.raises(InputError, match=f"holds a sam model, not {kind}"):
        swapped.setup()


def test_missing_checkpoints_are_one_input_error(tmp_path: Path) -> None:
    config = DetectorConfig(labels=LABELS, detector=str(tmp_path / "absent"), segmenter="reasmory-tests/no-such-sam",
                            device="cpu", offline=True)
    with pytest.raises(InputError) as caught:
        config.setup()
    assert "absent" in caught.value.message and "no-such-sam" in caught.value.message
    assert "hf download google/owlv2-base-patch16-ensemble" in caught.value.hint
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="empty"):
        DetectorConfig(labels=LABELS, detector=str(tmp_path / "empty"), segmenter=str(tmp_path / "empty"),
                       device="cpu").setup()


def test_bad_settings_are_input_errors(owlv2, grounding_dino, sam) -> None:
    with pytest.raises(InputError, match="CUDA"):
        detector("owlv2", owlv2, sam, dtype="bfloat16")
    with pytest.raises(InputError, match="owlv2 model"):
        detector("grounding-dino", owlv2, sam)
    with pytest.raises(InputError, match="images"):
        detector("owlv2", owlv2, sam).instances(0, None)
    with pytest.raises(InputError, match="uint8"):
        detector("owlv2", owlv2, sam).instances(0, np.zeros((H, W, 3), np.float32))


def test_selection_clips_suppresses_per_label_and_caps() -> None:
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [1, 1, 11, 11], [-5, -5, 3, 3], [50, 50, 60, 60], [60, 0, 80, 5]], np.float32)
    dets = Detections(boxes, np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4], np.float32), np.array([0, 0, 1, 0, 0, 0]))
    kept = select(dets, width=40, height=40, nms_iou=0.5, max_detections=10)
    assert kept.scores.tolist() == pytest.approx([0.9, 0.7, 0.6])  # duplicate of label 0 gone, outside boxes gone
    assert kept.boxes[2].tolist() == [0, 0, 3, 3]
    assert len(select(dets, 40, 40, 0.5, max_detections=1).scores) == 1


def test_importing_grounding_loads_neither_torch_nor_transformers() -> None:
    code = ("import sys, reasmory.memory.grounding, reasmory.memory.grounding.detectors; "
            "assert not {'torch', 'transformers'} & set(sys.modules), 'heavy import'")
    subprocess.run([sys.executable, "-c", code], check=True)
