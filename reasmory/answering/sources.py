"""What `answer` may be asked about, resolved to a SpatialMemory in one place.

A source is a `SpatialMemory`, a `.rmem` file, a synthetic scene folder
written by `reasmory synth` (scene.json, cameras.json, depth/, instances/),
another RGB-D folder, a video, an image folder, a `.txt` list of images or a
list of image paths. Memories and `.rmem` files load directly; everything
else is built (and cached by input hash) by the build pipeline,
`reasmory.memory.reconstruction.pipeline.build_memory`; a scene folder's objects come
from its given instance masks, other inputs' from the configured text-prompted
detector, through the pipeline's grounding hook. `_build`
and `_grounding` are the seams: where the pipeline, or the grounding of
objects, is missing, the user gets one line naming what, never a traceback.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from reasmory.answering.settings import Settings
from reasmory.errors import InputError, ReasmoryError
from reasmory.memory import SpatialMemory
from reasmory.memory.reconstruction.frames import IMAGE_SUFFIXES, LIST_SUFFIX, VIDEO_SUFFIXES
from reasmory.memory.reconstruction.layouts import detect_layout
from reasmory.memory.model import ObjectInstance

if TYPE_CHECKING:
    from reasmory.memory.grounding.on_demand import PromptedDetector

Kind = Literal["memory", "rmem", "scene_folder", "rgbd_folder", "video", "image_folder", "image_list", "images"]
Source = SpatialMemory | str | Path | Sequence[str | Path]
PIPELINE = "reasmory.memory.reconstruction.pipeline"
_WHAT = {
    "scene_folder": "the synthetic scene folder",
    "rgbd_folder": "the RGB-D folder",
    "video": "the video",
    "image_folder": "the image folder",
    "image_list": "the image list",
    "images": "the images",
}
_SOURCES_HINT = "give a .rmem file, a video, an image folder, a .txt list of images, an RGB-D folder or a `reasmory synth` scene folder"


class BuildUnavailable(ReasmoryError):
    """The source needs a memory built, and this installation cannot build a usable one yet."""


def classify(source: Source) -> Kind:
    """Which kind of source this is; InputError for paths that do not exist or cannot be a scene."""
    if isinstance(source, SpatialMemory):
        return "memory"
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.is_file():
            kinds: dict[str, Kind] = {".rmem": "rmem", LIST_SUFFIX: "image_list", **dict.fromkeys(VIDEO_SUFFIXES, "video")}
            if path.suffix.lower() in kinds:
                return kinds[path.suffix.lower()]
            raise InputError(f"'{path}' is neither a .rmem memory, a video nor a list of images", hint=_SOURCES_HINT)
        if path.is_dir():
            from reasmory.memory.grounding.pipeline import SCENE_PARTS  # grounding imports scipy: only for folders

            if all((path / part).exists() for part in SCENE_PARTS):
                return "scene_folder"
            if detect_layout(path) is not None:
                return "rgbd_folder"
            if any(p.suffix.lower() in IMAGE_SUFFIXES for p in path.iterdir()):
                return "image_folder"
            raise InputError(f"folder '{path}' holds no images and is not an RGB-D or scene folder", hint=_SOURCES_HINT)
        raise InputError(f"no file or folder at '{path}'", hint="check the path")
    paths = [Path(p) for p in source]
    missing = [p for p in paths if not p.is_file()]
    if not paths or missing:
        raise InputError(f"no image at '{missing[0]}'" if missing else "the list of images is empty", hint="give existing image files")
    return "images"


def load_or_build_memory(source: Source, settings: Settings, detector: PromptedDetector | None = None) -> SpatialMemory:
    """The memory for a source: as given, loaded from `.rmem`, or built (and cached) by the build pipeline.

    `detector` grounds the objects of videos, photos and RGB-D folders (scene folders bring their own masks).
    """
    kind = classify(source)
    if kind == "memory":
        assert isinstance(source, SpatialMemory)
        return source
    if kind == "rmem":
        assert isinstance(source, (str, Path))
        return SpatialMemory.load(source)
    return _build(kind, source, settings, detector)


def _build(kind: Kind, source: Source, settings: Settings, detector: PromptedDetector | None) -> SpatialMemory:
    """Build through the pipeline, with objects from the grounding hook where there is one."""
    build_memory = _pipeline_entry(kind, source)
    options: dict[str, Any] = {"backend": settings.backend, "cache_dir": settings.cache_dir, "instances": None}
    inputs: Any = [str(p) for p in source] if kind == "images" else str(source)
    try:
        inspect.signature(build_memory).bind(inputs, **options)
    except TypeError:
        called = ", ".join(["source", *(f"{k}=" for k in options)])
        raise BuildUnavailable(f"{PIPELINE}.build_memory does not take ({called}) as answer() calls it",
                               hint="update reasmory.answering.sources._build to the pipeline's signature") from None
    hook = _grounding(kind, source, settings, detector)
    if hook is None:  # say so before spending minutes on a reconstruction that could hold no objects
        raise BuildUnavailable(
            f"answering about {_what(kind, source)} needs a text-prompted detector to find its objects, and none is configured",
            hint="set REASMORY_DETECTOR=owlv2 (or detector=… in answer()) after pip install 'reasmory[detectors]' and "
                 f"fetching its weights (docs/grounding.md); {_build_hint(kind, source)}")
    options["instances"] = hook
    memory: SpatialMemory = build_memory(inputs, **options)
    if not memory.objects:
        raise BuildUnavailable(f"no objects were grounded in {_what(kind, source)}", hint=_build_hint(kind, source))
    return memory


def _grounding(kind: Kind, source: Source, settings: Settings,
               detector: PromptedDetector | None) -> Callable[[SpatialMemory], Sequence[ObjectInstance]] | None:
    """The pipeline's `instances=` hook: a scene folder's given instance masks lifted with its depth maps, else the
    detector over every frame for `detector_labels`; None when neither is there."""
    if kind == "scene_folder":
        from reasmory.memory.grounding.pipeline import given_mask_grounder

        return given_mask_grounder(Path(str(source)))
    if detector is None:
        return None
    from reasmory.answering.detection import DetectorGrounder

    if hasattr(detector, "check"):
        detector.check()
    return DetectorGrounder(detector, settings.detector_labels, {"detector": detector.name, **getattr(detector, "options", {})})


def _pipeline_entry(kind: Kind, source: Source) -> Any:
    """The pipeline's `build_memory`, or one line naming what is missing (the pipeline, or a package it needs)."""
    try:
        module = importlib.import_module(PIPELINE)
    except ImportError as exc:
        if exc.name and not PIPELINE.startswith(exc.name):
            raise BuildUnavailable(f"building a memory from {_what(kind, source)} needs the package '{exc.name}', which is not installed",
                                   hint="pip install 'reasmory[video]' for videos; see the README for the reconstruction extras") from None
        module = None
    if module is None or not hasattr(module, "build_memory"):
        raise BuildUnavailable(f"answering about {_what(kind, source)} needs a memory built from it, and this installation has no "
                               f"build pipeline ({PIPELINE}.build_memory)", hint=_build_hint(kind, source))
    return module.build_memory


def _what(kind: Kind, source: Source) -> str:
    return _WHAT[kind] if kind == "images" else f"{_WHAT[kind]} '{source}'"


def _build_hint(kind: Kind, source: Source) -> str:
    if kind == "scene_folder":
        return f"meanwhile `reasmory memory from-scene {Path(str(source)) / 'scene.json'} -o scene.rmem` gives its ground-truth memory"
    return "meanwhile pass a .rmem memory that has objects (e.g. from `reasmory memory from-vsibench` or `from-scene`)"
