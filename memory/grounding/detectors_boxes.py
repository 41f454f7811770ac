"""Detector boxes and the numpy-only selection applied to them before segmentation.

Boxes are (N, 4) float32 pixel corners (x0, y0, x1, y1) in the original image;
labels index the detector's prompt list. Selection runs on the CPU because
torchvision's NMS is not available (it would pull a second torch build).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Detections:
    """One image's boxes: (N, 4) float32 pixel corners, (N,) float32 scores, (N,) int64 prompt indices."""

    boxes: np.ndarray
    scores: np.ndarray
    labels: np.ndarray

    @classmethod
    def empty(cls) -> Detections:
        return cls(np.zeros((0, 4), np.float32), np.zeros(0, np.float32), np.zeros(0, np.int64))

    def take(self, keep: np.ndarray) -> Detections:
        return Detections(self.boxes[keep], self.scores[keep], self.labels[keep])

    @staticmethod
    def concat(parts: list[Detections]) -> Detections:
        if not parts:
            return Detections.empty()
        return Detections(*(np.concatenate([getattr(p, k) for p in parts]) for k in ("boxes", "scores", "labels")))


def area(boxes: np.ndarray) -> np.ndarray:
    return (boxes[..., 2] - boxes[..., 0]) * (boxes[..., 3] - boxes[..., 1])


def iou(box: np.ndarray, others: np.ndarray) -> np.ndarray:
    """IoU of one (4,) box with (M, 4) boxes."""
    lo = np.maximum(box[:2], others[:, :2])
    hi = np.minimum(box[2:], others[:, 2:])
    inter = np.prod(np.clip(hi - lo, 0, None), axis=1)
    return inter / np.maximum(area(box) + area(others) - inter, 1e-9)


def nms_per_label(dets: Detections, threshold: float, limit: int | None = None) -> np.ndarray:
    """Indices kept by greedy NMS within each label, best score first (at most `limit`)."""
    order = np.argsort(-dets.scores, kind="stable")
    suppressed = np.zeros(len(order), bool)
    keep: list[int] = []
    for rank, i in enumerate(order):
        if suppressed[rank]:
            continue
        keep.append(i)
        if len(keep) == limit:
            break
        rest = order[rank + 1 :]
        same = dets.labels[rest] == dets.labels[i]
        suppressed[rank + 1 :] |= same & (iou(dets.boxes[i], dets.boxes[rest]) > threshold)
    return np.asarray(keep, np.int64)


def select(dets: Detections, width: int, height: int, nms_iou: float, max_detections: int) -> Detections:
    """Boxes clipped to the image, degenerate ones dropped, NMS per label, the best `max_detections` kept."""
    boxes = np.clip(dets.boxes, 0, [width, height, width, height]).astype(np.float32)
    clipped = Detections(boxes, dets.scores.astype(np.float32), dets.labels.astype(np.int64))
    sized = np.flatnonzero((boxes[:, 2] - boxes[:, 0] >= 1) & (boxes[:, 3] - boxes[:, 1] >= 1))
    clipped = clipped.take(sized)
    return clipped.take(nms_per_label(clipped, nms_iou, max_detections))
