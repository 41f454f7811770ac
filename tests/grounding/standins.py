"""Deterministic stand-ins for the detector and segmenter forward passes, each in its model's own output convention.

The tiny models' random weights put boxes anywhere, so they cannot show where a
box lands. These replace a model's `forward` (its processor, pre-processing and
post-processing stay the real ones) with a head that finds the one bright
rectangle in its input tensor and reports it as the model would:

- OWLv2: boxes (cx, cy, w, h) relative to the padded square input (images are padded bottom/right to square);
- Grounding DINO: boxes relative to each image's unpadded area (`pixel_mask`), as DETR-style models give them;
- SAM: a low-resolution mask logit map (a quarter of the padded input side) covering the prompt box.

A pipeline that scales, pads or crops in the wrong frame puts the box or the mask somewhere else.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import torch

BRIGHT = 1.0  # normalised pixel value: white is ≈ 1.9 after CLIP or ImageNet normalisation, black and grey padding < 0.5


def picture(width: int, height: int, box: tuple[int, int, int, int]) -> np.ndarray:
    """A black RGB image with one white rectangle at pixels [x0, x1) × [y0, y1)."""
    image = np.zeros((height, width, 3), np.uint8)
    x0, y0, x1, y1 = box
    image[y0:y1, x0:x1] = 255
    return image


def bright_box(pixels: torch.Tensor) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) in tensor pixels of the region bright in every channel of a (3, H, W) tensor."""
    ys, xs = torch.nonzero((pixels > BRIGHT).all(0), as_tuple=True)
    return float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1)


def _cxcywh(x0: float, y0: float, x1: float, y1: float, width: float, height: float) -> list[float]:
    return [(x0 + x1) / 2 / width, (y0 + y1) / 2 / height, (x1 - x0) / width, (y1 - y0) / height]


def owlv2_head(model: torch.nn.Module, label: int, patches: int = 4) -> None:
    """OWLv2 answers the bright rectangle as prompt `label` from its first patch; every other patch scores nothing."""

    def forward(input_ids=None, pixel_values=None, attention_mask=None, **_):  # noqa: ANN001, ANN202
        batch, side = pixel_values.shape[0], pixel_values.shape[-1]
        queries = input_ids.shape[0] // batch
        boxes = torch.tensor([_cxcywh(*bright_box(p), side, side) for p in pixel_values])
        logits = torch.full((batch, patches, queries), -20.0)
        logits[:, 0, label] = 20.0
        return SimpleNamespace(logits=logits, pred_boxes=boxes[:, None, :].expand(batch, patches, 4))

    model.forward = forward


def grounding_dino_head(model: torch.nn.Module, queries: int = 4) -> None:
    """Grounding DINO answers the bright rectangle from its first query, matching every text token; the rest match none."""

    def forward(pixel_values=None, pixel_mask=None, input_ids=None, **_):  # noqa: ANN001, ANN202
        batch, tokens = pixel_values.shape[0], input_ids.shape[1]
        boxes = []
        for pixels, valid in zip(pixel_values, pixel_mask):
            height, width = int(valid.any(1).sum()), int(valid.any(0).sum())
            boxes.append(_cxcywh(*bright_box(pixels[:, :height, :width]), width, height))
        logits = torch.full((batch, queries, tokens), -20.0)
        logits[:, 0, :] = 20.0
        return SimpleNamespace(logits=logits, pred_boxes=torch.tensor(boxes)[:, None, :].expand(batch, queries, 4))

    model.forward = forward


def sam_head(model: torch.nn.Module, input_side: int) -> None:
    """SAM answers each prompt box with a low-resolution mask (side `input_side` / 4) that is the box itself."""

    def forward(image_embeddings=None, input_boxes=None, multimask_output=False, **_):  # noqa: ANN001, ANN202
        low = input_side // 4
        centres = (torch.arange(low, dtype=torch.float32) + 0.5) * 4  # low-res pixel centres in input pixels
        masks = []
        for x0, y0, x1, y1 in input_boxes[0].float():
            inside = ((centres[:, None] >= y0) & (centres[:, None] < y1)) & ((centres[None, :] >= x0) & (centres[None, :] < x1))
            masks.append(torch.where(inside, 20.0, -20.0))
        return SimpleNamespace(pred_masks=torch.stack(masks)[None, :, None])

    model.forward = forward
