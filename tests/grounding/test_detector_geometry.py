"""Where boxes and masks land on non-square images: the real processors around deterministic heads (standins.py).

A white rectangle drawn at a known place must come back as a box at that place
(OWLv2 pads images to square, Grounding DINO batches images of different
shapes under a pixel mask) and as a SAM mask inside that box, in portrait and
landscape frames alike.
"""

import numpy as np
import pytest

from tests.grounding import standins
from tests.grounding.tiny_models import LABELS, tiny_grounding_dino, tiny_owlv2, tiny_sam

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
from PIL import Image  # noqa: E402

from reasmory.memory.grounding.detectors import DetectorConfig, TransformersDetector  # noqa: E402
from reasmory.memory.grounding.detectors_models import GroundingDinoBoxes, OwlV2Boxes, SamMasks  # noqa: E402

#: (width, height, rectangle x0, y0, x1, y1): landscape, portrait, and a rectangle touching the far corner.
FRAMES = [(160, 96, (100, 20, 140, 60)), (96, 160, (10, 90, 50, 150)), (200, 120, (150, 70, 200, 120))]


def _images() -> list[Image.Image]:
    return [Image.fromarray(standins.picture(w, h, box)) for w, h, box in FRAMES]


def _assert_boxes(found, tolerance: float) -> None:
    for detections, (_, _, box) in zip(found, FRAMES):
        assert len(detections.boxes) == 1
        assert detections.boxes[0] == pytest.approx(np.array(box, np.float32), abs=tolerance)


def test_owlv2_boxes_land_on_the_rectangle_in_padded_non_square_frames() -> None:
    model, processor = tiny_owlv2()
    standins.owlv2_head(model, label=2)
    found = OwlV2Boxes(model, processor, [f"a photo of a {label}" for label in LABELS])(_images(), threshold=0.5)
    _assert_boxes(found, tolerance=2.5)  # one input pixel of the 128-pixel square is 1.6 image pixels here
    assert [d.labels.tolist() for d in found] == [[2]] * len(FRAMES)


def test_grounding_dino_boxes_land_on_the_rectangle_in_a_batch_of_different_shapes() -> None:
    model, processor = tiny_grounding_dino()
    standins.grounding_dino_head(model)
    found = GroundingDinoBoxes(model, processor, list(LABELS))(_images(), threshold=0.5)
    _assert_boxes(found, tolerance=2.5)


def test_sam_masks_fall_inside_their_boxes() -> None:
    model, processor = tiny_sam()
    standins.sam_head(model, input_side=128)
    boxes = [np.array([box], np.float32) for _, _, box in FRAMES]
    masks = SamMasks(model, processor)(_images(), boxes)
    for mask, (w, h, (x0, y0, x1, y1)) in zip(masks, FRAMES):
        assert mask.shape == (1, h, w)
        inside = np.zeros((h, w), bool)
        inside[max(0, y0 - 3):y1 + 3, max(0, x0 - 3):x1 + 3] = True  # a few pixels of resampling either side
        assert not (mask[0] & ~inside).any(), "mask pixels outside the prompt box"
        assert mask[0, y0:y1, x0:x1].mean() > 0.8


@pytest.mark.parametrize("kind", ["owlv2", "grounding-dino"])
def test_instances_cover_the_rectangle_end_to_end(kind: str) -> None:
    parts = tiny_owlv2() if kind == "owlv2" else tiny_grounding_dino()
    if kind == "owlv2":
        standins.owlv2_head(parts[0], label=0)
    else:
        standins.grounding_dino_head(parts[0])
    sam = tiny_sam()
    standins.sam_head(sam[0], input_side=128)
    config = DetectorConfig(labels=LABELS, kind=kind, device="cpu", score_threshold=0.5, min_mask_pixels=1)
    source = TransformersDetector.from_models(config, *parts, *sam)
    found = source.detect([np.asarray(image) for image in _images()])
    for instances, (w, h, (x0, y0, x1, y1)) in zip(found, FRAMES):
        (instance,) = instances
        truth = np.zeros((h, w), bool)
        truth[y0:y1, x0:x1] = True
        iou = (instance.mask & truth).sum() / (instance.mask | truth).sum()
        assert instance.label == "chair" and iou > 0.8
