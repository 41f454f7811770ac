"""The torch side of the detectors: text-prompted boxes (OWLv2, Grounding DINO) and box-prompted masks (SAM).

Imported only when a detector is built, so `import reasmory.memory.grounding`
loads neither torch nor transformers. Images come in as RGB PIL images;
results go out as numpy on the CPU (see `detectors_boxes.Detections`).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np
import torch
from PIL import Image
from transformers.image_transforms import center_to_corners_format

from reasmory.errors import InputError
from reasmory.memory.grounding.detectors_boxes import Detections


def to_device(batch: Any, model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """A processor's tensors on the model's device, floating ones in the model's dtype."""
    moved = {}
    for key, value in batch.items():
        if isinstance(value, torch.Tensor):
            moved[key] = value.to(model.device, model.dtype) if value.is_floating_point() else value.to(model.device)
    return moved


def as_detections(boxes: torch.Tensor, scores: torch.Tensor, labels: torch.Tensor) -> Detections:
    return Detections(boxes.float().cpu().numpy(), scores.float().cpu().numpy(), labels.cpu().numpy().astype(np.int64))


class OwlV2Boxes:
    """OWLv2: one box per image patch, scored against every prompt; a box keeps its best prompt."""

    def __init__(self, model: torch.nn.Module, processor: Any, prompts: list[str]) -> None:
        self.model, self.processor, self.prompts = model, processor, prompts

    @torch.inference_mode()
    def __call__(self, images: list[Image.Image], threshold: float) -> list[Detections]:
        inputs = self.processor(text=[self.prompts] * len(images), images=images, return_tensors="pt")
        out = self.model(**to_device(inputs, self.model))
        raw = SimpleNamespace(logits=out.logits.float(), pred_boxes=out.pred_boxes.float())
        sizes = [(image.height, image.width) for image in images]
        found = self.processor.post_process_grounded_object_detection(raw, threshold=threshold, target_sizes=sizes)
        return [as_detections(r["boxes"], r["scores"], r["labels"]) for r in found]


@dataclass(frozen=True)
class Caption:
    """One Grounding DINO text prompt "a. b. c.": its tokens (1, T) and rows (labels, T), True on each label's tokens."""

    first: int
    tokens: dict[str, torch.Tensor]
    phrases: torch.Tensor


def join_labels(labels: list[str]) -> str:
    return ". ".join(labels) + "."


def captions(prompts: list[str], tokenizer: Any, max_tokens: int) -> list[Caption]:
    """The prompts as few captions as fit Grounding DINO's text length, each with its token → label map."""
    prompts = [p.strip().lower() for p in prompts]
    groups: list[list[str]] = [[]]
    for prompt in prompts:
        if groups[-1] and len(tokenizer(join_labels([*groups[-1], prompt]))["input_ids"]) > max_tokens:
            groups.append([])
        groups[-1].append(prompt)
    found, first = [], 0
    for group in groups:
        found.append(caption(group, first, tokenizer, max_tokens))
        first += len(group)
    return found


def caption(labels: list[str], first: int, tokenizer: Any, max_tokens: int) -> Caption:
    """The caption of `labels`; a label's tokens are those whose characters lie inside the label's span."""
    enc = tokenizer(join_labels(labels), return_offsets_mapping=True, truncation=True, max_length=max_tokens, return_tensors="pt")
    offsets = enc.pop("offset_mapping")[0]
    phrases = torch.zeros(len(labels), offsets.shape[0], dtype=torch.bool)
    start = 0
    for row, label in enumerate(labels):
        inside = (offsets[:, 0] >= start) & (offsets[:, 1] <= start + len(label)) & (offsets[:, 1] > offsets[:, 0])
        if not inside.any():
            raise InputError(f"the prompt '{label}' does not fit in Grounding DINO's {max_tokens} text tokens")
        phrases[row] = inside
        start += len(label) + 2
    return Caption(first, dict(enc), phrases)


def label_scores(token_probs: torch.Tensor, phrases: torch.Tensor) -> torch.Tensor:
    """(B, Q, T) token probabilities → (B, Q, L) label scores: each label's highest token probability."""
    return torch.where(phrases[None, None], token_probs[..., None, :], 0.0).amax(-1)


class GroundingDinoBoxes:
    """Grounding DINO: each query box scores a label by the highest probability among the label's tokens.

    That is upstream's box score (the maximum token probability) taken over the
    label's own tokens, so the model card's threshold means what it means there;
    a mean over the tokens made it stricter for labels of several tokens
    ("trash bin", "fire extinguisher"; docs/grounding.md has the measurement).
    The processor's own post-processing decodes the tokens above a threshold into
    free text ("chair table"), which need not be one of the prompts; scoring the
    prompts' token spans keeps every label one of the given categories.
    """

    def __init__(self, model: torch.nn.Module, processor: Any, prompts: list[str]) -> None:
        self.model, self.processor = model, processor
        self.captions = captions(prompts, processor.tokenizer, model.config.max_text_len)

    @torch.inference_mode()
    def __call__(self, images: list[Image.Image], threshold: float) -> list[Detections]:
        pixels = to_device(self.processor.image_processor(images, return_tensors="pt"), self.model)
        scale = torch.tensor([[im.width, im.height, im.width, im.height] for im in images], dtype=torch.float32)
        parts: list[list[Detections]] = [[] for _ in images]
        for cap in self.captions:
            text = {k: v.expand(len(images), -1).to(self.model.device) for k, v in cap.tokens.items()}
            out = self.model(**pixels, **text)
            probs = label_scores(out.logits.float().sigmoid()[..., : cap.phrases.shape[1]].cpu(), cap.phrases)
            scores, labels = probs.max(-1)
            boxes = center_to_corners_format(out.pred_boxes.float().cpu()) * scale[:, None]
            for i, found in enumerate(parts):
                keep = scores[i] > threshold
                found.append(as_detections(boxes[i][keep], scores[i][keep], labels[i][keep] + cap.first))
        return [Detections.concat(found) for found in parts]


class SamMasks:
    """SAM: one mask per box. The image encoder runs once per batch, the light mask decoder once per image."""

    def __init__(self, model: torch.nn.Module, processor: Any) -> None:
        self.model, self.processor = model, processor

    @torch.inference_mode()
    def __call__(self, images: list[Image.Image], boxes: list[np.ndarray]) -> list[np.ndarray]:
        inputs = self.processor(images=images, return_tensors="pt")
        embeddings = self.model.get_image_embeddings(to_device(inputs, self.model)["pixel_values"])
        masks = []
        for i, (image, prompts) in enumerate(zip(images, boxes)):
            if len(prompts) == 0:
                masks.append(np.zeros((0, image.height, image.width), bool))
                continue
            original, resized = inputs["original_sizes"][i : i + 1], inputs["reshaped_input_sizes"][i : i + 1]
            factor = (resized[0] / original[0]).flip(0).repeat(2).float()  # (sx, sy, sx, sy): pixels → SAM's input frame
            prompt = (torch.as_tensor(prompts, dtype=torch.float32) * factor)[None].to(self.model.device, self.model.dtype)
            out = self.model(image_embeddings=embeddings[i : i + 1], input_boxes=prompt, multimask_output=False)
            full = self.processor.post_process_masks(out.pred_masks.float(), original, resized)[0]
            masks.append(full[:, 0].cpu().numpy())
        return masks


BOX_DETECTORS = {"owlv2": OwlV2Boxes, "grounding-dino": GroundingDinoBoxes}
