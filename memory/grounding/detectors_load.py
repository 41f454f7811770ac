"""Loading detector and segmenter checkpoints from a local folder or the Hugging Face cache.

Processors are assembled from the PIL image processors because the default
image processors need torchvision, which Reasmory never installs. A checkpoint
that is neither a local folder nor cached is downloaded only when the hub is
allowed; otherwise one `InputError` says how to fetch it on another machine.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import torch
import transformers

from reasmory.errors import InputError

#: kind → (model class, PIL image processor class, processor class) in `transformers`.
DETECTOR_CLASSES = {
    "owlv2": ("Owlv2ForObjectDetection", "Owlv2ImageProcessorPil", "Owlv2Processor"),
    "grounding-dino": ("GroundingDinoForObjectDetection", "GroundingDinoImageProcessorPil", "GroundingDinoProcessor"),
}
#: Config overrides at load time: Grounding DINO's custom deformable-attention kernels need a compiler and network.
DETECTOR_OVERRIDES: dict[str, dict[str, Any]] = {"grounding-dino": {"disable_custom_kernels": True}}


def device_and_dtype(device: str, dtype: str) -> tuple[torch.device, torch.dtype]:
    """The torch device ("auto" = CUDA when present) and dtype; half precision only on CUDA."""
    try:
        where = torch.device("cuda" if device == "auto" and torch.cuda.is_available() else "cpu" if device == "auto" else device)
    except RuntimeError as exc:
        raise InputError(f"unknown device '{device}': {exc}", hint="use auto, cpu, cuda or cuda:N") from None
    if where.type == "cuda" and not torch.cuda.is_available():
        raise InputError(f"device '{device}' asked for, but this torch build sees no CUDA device", hint="use device auto or cpu")
    if dtype != "float32" and where.type != "cuda":
        raise InputError(f"dtype {dtype} needs a CUDA device, not {where}", hint="use dtype float32 on the CPU")
    return where, getattr(torch, dtype)


def looks_like_path(checkpoint: str) -> bool:
    return checkpoint.startswith((".", "~", "/")) or "\\" in checkpoint or checkpoint.count("/") > 1


def locate(checkpoint: str, offline: bool) -> tuple[str, bool] | None:
    """(what to pass to from_pretrained, local files only), or None when the checkpoint cannot be had here."""
    folder = Path(checkpoint).expanduser()
    if folder.is_dir():
        return str(folder), True
    if looks_like_path(checkpoint):
        return None
    from huggingface_hub import constants, try_to_load_from_cache

    try:
        cached = isinstance(try_to_load_from_cache(checkpoint, "config.json"), str)
    except ValueError:  # not a valid hub id
        return None
    if cached:
        return checkpoint, True
    return None if offline or constants.HF_HUB_OFFLINE else (checkpoint, False)


def unavailable(checkpoints: dict[str, str], defaults: dict[str, str], reason: str = "") -> InputError:
    """One error for every checkpoint that is missing, with the commands that fetch them."""
    names = " and ".join(f"{role} '{ck}'" for role, ck in checkpoints.items())
    hub_ids = [ck if not looks_like_path(ck) else defaults[role] for role, ck in checkpoints.items()]
    fetch = "; ".join(f"`hf download {hub_id} --local-dir models/{hub_id.split('/')[-1]}`" for hub_id in hub_ids)
    them = "them" if len(hub_ids) > 1 else "it"
    return InputError(
        f"cannot load the {names}: {reason or 'not a local folder or in the Hugging Face cache'}",
        hint=f"on a machine with network run {fetch}, "
        f"copy models/ here and point the config at {them}; see docs/grounding.md",
    )


def check_model_type(source: str, local: bool, expected: str) -> None:
    """Refuse a checkpoint of another model type: transformers would load it with random weights and a warning."""
    found = transformers.AutoConfig.from_pretrained(source, local_files_only=local).model_type
    if found != expected:
        raise InputError(f"the checkpoint '{source}' holds a {found} model, not {expected}",
                         hint="check the kind, detector and segmenter settings")


def load_detector(kind: str, source: str, local: bool, dtype: torch.dtype) -> tuple[Any, Any]:
    check_model_type(source, local, kind)
    model_cls, image_cls, processor_cls = (getattr(transformers, name) for name in DETECTOR_CLASSES[kind])
    model = model_cls.from_pretrained(source, local_files_only=local, dtype=dtype, **DETECTOR_OVERRIDES.get(kind, {}))
    image_processor = image_cls.from_pretrained(source, local_files_only=local)
    tokenizer = transformers.AutoTokenizer.from_pretrained(source, local_files_only=local)
    return model, processor_cls(image_processor=image_processor, tokenizer=tokenizer)


def load_segmenter(source: str, local: bool, dtype: torch.dtype) -> tuple[Any, Any]:
    check_model_type(source, local, "sam")
    model = transformers.SamModel.from_pretrained(source, local_files_only=local, dtype=dtype)
    image_processor = transformers.SamImageProcessorPil.from_pretrained(source, local_files_only=local)
    return model, transformers.SamProcessor(image_processor=image_processor)


def locate_all(checkpoints: dict[str, str], defaults: dict[str, str], offline: bool) -> dict[str, tuple[str, bool]]:
    """role → (what to load, local files only); one InputError naming every checkpoint that cannot be had."""
    where = {role: locate(ck, offline) for role, ck in checkpoints.items()}
    missing = {role: checkpoints[role] for role, found in where.items() if found is None}
    if missing:
        raise unavailable(missing, defaults)
    return {role: found for role, found in where.items() if found is not None}


def load(kind: str, checkpoints: dict[str, str], defaults: dict[str, str], offline: bool, dtype: torch.dtype) -> dict[str, tuple[Any, Any]]:
    """role ("detector", "segmenter") → (model, processor), every checkpoint located before any is loaded."""
    located = locate_all(checkpoints, defaults, offline)
    loaders = {"detector": functools.partial(load_detector, kind), "segmenter": load_segmenter}
    loaded = {}
    for role, (source, local) in located.items():
        try:
            loaded[role] = loaders[role](source, local, dtype)
        except (OSError, ValueError) as exc:
            raise unavailable({role: checkpoints[role]}, defaults, str(exc).splitlines()[0]) from None
    return loaded
