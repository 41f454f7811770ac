"""Open-vocabulary instances: text-prompted boxes (OWLv2 or Grounding DINO), then one SAM mask per box.

`DetectorConfig(labels=[...]).setup()` loads the checkpoints (local folders or
the Hugging Face cache) and returns a `TransformersDetector`, an
`InstanceSource` for `ground`. `TransformersDetector.from_models` takes models
and processors built elsewhere (tests build tiny random ones). Labels are
always the given categories, never free text. torch and transformers are
imported only when a detector is built: `detectors_models` (inference) and
`detectors_load` (checkpoints) hold that code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal, Protocol

import numpy as np
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from reasmory.errors import InputError
from reasmory.memory.grounding.detectors_boxes import Detections, select
from reasmory.memory.grounding.sources import Instance2D

Kind = Literal["owlv2", "grounding-dino"]

#: kind → (default checkpoint, default prompt template, default score threshold), as in the models' cards.
KIND_DEFAULTS: dict[str, tuple[str, str, float]] = {
    "owlv2": ("google/owlv2-base-patch16-ensemble", "a photo of a {}", 0.1),
    "grounding-dino": ("IDEA-Research/grounding-dino-tiny", "{}", 0.35),
}
DEFAULT_SEGMENTER = "facebook/sam-vit-base"


class DetectorConfig(BaseModel):
    """Which detector and segmenter to run, on what, and how detections are filtered."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    labels: tuple[str, ...] = Field(min_length=1, description="categories to find; each is one prompt and the label of what it finds")
    kind: Kind = Field("owlv2", description="box detector family")
    detector: str | None = Field(None, description="detector checkpoint: local folder or hub id (None: the kind's default)")
    segmenter: str = Field(DEFAULT_SEGMENTER, description="SAM checkpoint: local folder or hub id")
    device: str = Field("auto", description="auto (CUDA when present), cpu, cuda or cuda:N")
    dtype: Literal["float32", "bfloat16", "float16"] = Field("float32", description="half precision needs CUDA")
    prompt_template: str | None = Field(None, description="text around each label, '{}' marks it (None: the kind's default)")
    score_threshold: float | None = Field(None, ge=0, le=1, description="minimum box score (None: the kind's default)")
    nms_iou: float = Field(0.5, gt=0, le=1, description="boxes of one label overlapping more than this are duplicates")
    max_detections: int = Field(50, ge=1, description="most instances kept per frame, best scores first")
    min_mask_pixels: int = Field(20, ge=1, description="masks with fewer pixels are dropped")
    batch_size: int = Field(4, ge=1, description="frames per forward pass")
    offline: bool = Field(False, description="never download: only local folders and the Hugging Face cache")

    @property
    def detector_checkpoint(self) -> str:
        return self.detector or KIND_DEFAULTS[self.kind][0]

    @property
    def prompts(self) -> list[str]:
        template = self.prompt_template or KIND_DEFAULTS[self.kind][1]
        return [template.format(label) for label in self.labels]

    @property
    def threshold(self) -> float:
        return KIND_DEFAULTS[self.kind][2] if self.score_threshold is None else self.score_threshold

    @property
    def checkpoints(self) -> tuple[dict[str, str], dict[str, str]]:
        """(role → checkpoint to load, role → the kind's default checkpoint) for the detector and the segmenter."""
        return ({"detector": self.detector_checkpoint, "segmenter": self.segmenter},
                {"detector": KIND_DEFAULTS[self.kind][0], "segmenter": DEFAULT_SEGMENTER})

    def check(self) -> None:
        """Fail now, loading nothing, if the device is unusable or a checkpoint can be had neither locally nor from the hub."""
        from reasmory.memory.grounding.detectors_load import device_and_dtype, locate_all

        device_and_dtype(self.device, self.dtype)
        locate_all(*self.checkpoints, self.offline)

    def setup(self) -> TransformersDetector:
        """Load both checkpoints and build the detector (raises one InputError if a checkpoint is missing)."""
        from reasmory.memory.grounding.detectors_load import device_and_dtype, load

        _, dtype = device_and_dtype(self.device, self.dtype)  # a bad device fails before any weights load
        loaded = load(self.kind, *self.checkpoints, self.offline, dtype)
        return TransformersDetector.from_models(self, *loaded["detector"], *loaded["segmenter"])


class BoxDetector(Protocol):
    def __call__(self, images: list[Image.Image], threshold: float) -> list[Detections]: ...


class BoxSegmenter(Protocol):
    def __call__(self, images: list[Image.Image], boxes: list[np.ndarray]) -> list[np.ndarray]: ...


def as_rgb(image: np.ndarray | None) -> Image.Image:
    """A frame (H, W, 3) uint8 RGB or (H, W) uint8 grey as a PIL RGB image."""
    if image is None:
        raise InputError("the detector needs the frames' images", hint="pass image=… to ground()")
    if image.dtype != np.uint8 or image.ndim not in (2, 3):
        raise InputError(f"a frame image must be (H, W, 3) or (H, W) uint8, not {image.shape} {image.dtype}")
    return Image.fromarray(image).convert("RGB")


class TransformersDetector:
    """An `InstanceSource`: boxes for the configured labels, one SAM mask per kept box."""

    def __init__(self, config: DetectorConfig, boxes: BoxDetector, masks: BoxSegmenter) -> None:
        self.config = config
        self.boxes = boxes
        self.masks = masks

    @classmethod
    def from_models(cls, config: DetectorConfig, detector: Any, detector_processor: Any, segmenter: Any,
                    segmenter_processor: Any) -> TransformersDetector:
        """A detector from built models and processors, moved to the configured device and dtype."""
        from reasmory.memory.grounding.detectors_load import device_and_dtype
        from reasmory.memory.grounding.detectors_models import BOX_DETECTORS, SamMasks

        if detector.config.model_type != config.kind:
            raise InputError(f"the detector is a {detector.config.model_type} model, the config says {config.kind}")
        device, dtype = device_and_dtype(config.device, config.dtype)
        detector, segmenter = (m.to(device=device, dtype=dtype).eval() for m in (detector, segmenter))
        return cls(config, BOX_DETECTORS[config.kind](detector, detector_processor, config.prompts),
                   SamMasks(segmenter, segmenter_processor))

    @property
    def name(self) -> str:
        return f"{self.config.kind}:{self.config.detector_checkpoint}"

    def with_labels(self, labels: Sequence[str]) -> TransformersDetector:
        """The same loaded models asked for other labels (on-demand grounding: no second load)."""
        config = self.config.model_copy(update={"labels": tuple(labels)})
        return TransformersDetector(config, type(self.boxes)(self.boxes.model, self.boxes.processor, config.prompts), self.masks)

    def detect(self, images: Sequence[np.ndarray | None]) -> list[list[Instance2D]]:
        """Instances in each image, `batch_size` images per forward pass."""
        found: list[list[Instance2D]] = []
        step = self.config.batch_size
        for start in range(0, len(images), step):
            batch = [as_rgb(image) for image in images[start : start + step]]
            kept = [select(d, im.width, im.height, self.config.nms_iou, self.config.max_detections)
                    for d, im in zip(self.boxes(batch, self.config.threshold), batch)]
            masks = self.masks(batch, [d.boxes for d in kept])
            found += [self.instances_of(d, m) for d, m in zip(kept, masks)]
        return found

    def instances_of(self, dets: Detections, masks: np.ndarray) -> list[Instance2D]:
        return [
            Instance2D(mask=mask, label=self.config.labels[label], score=float(score))
            for mask, label, score in zip(masks, dets.labels.tolist(), dets.scores.tolist())
            if mask.sum() >= self.config.min_mask_pixels
        ]

    def instances(self, index: int, image: np.ndarray | None) -> list[Instance2D]:
        return self.detect([image])[0]

    def batched(self, indices: Sequence[int], image: Callable[[int], np.ndarray]) -> BatchedInstances:
        """A source for `ground` over these frames that detects `batch_size` frames per forward pass."""
        return BatchedInstances(self, indices, image)


class BatchedInstances:
    """An `InstanceSource` that detects frames in batches, in the order given, and forgets frames once served.

    `ground` asks for one frame at a time; asking for a frame not yet detected
    detects it with the next `batch_size - 1` frames of `indices`, so a GPU sees
    full batches while memory holds at most one batch of masks (frames asked
    for in order).
    """

    def __init__(self, detector: TransformersDetector, indices: Sequence[int], image: Callable[[int], np.ndarray]) -> None:
        self.detector = detector
        self.indices = list(indices)
        self.position = {index: at for at, index in enumerate(self.indices)}
        self.image = image
        self.pending: dict[int, list[Instance2D]] = {}

    def instances(self, index: int, image: np.ndarray | None = None) -> list[Instance2D]:
        if index not in self.pending:
            if index not in self.position:
                raise InputError(f"frame {index} is not among the frames given to the batched detector")
            at = self.position[index]
            chunk = self.indices[at : at + self.detector.config.batch_size]
            self.pending.update(zip(chunk, self.detector.detect([self.image(i) for i in chunk])))
        return self.pending.pop(index)
