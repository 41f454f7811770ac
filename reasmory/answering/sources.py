"""What `answer` may be asked about, resolved to a SpatialMemory in one place.

A source is a `SpatialMemory`, a `.rmem` file, a synthetic scene folder
written by `reasmory synth` (scene.json, cameras.json, depth/, instances/),
a video, an image folder or a list of image paths. Memories and `.rmem`
files load directly; everything else is built by the build pipeline
(`reasmory.memory.build.pipeline.build_memory`, which caches by input hash).
`_build` is the one seam to it: where the pipeline is not installed yet the
user gets one line naming what is missing, never a traceback.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from reasmory.answering.settings import Settings
from reasmory.errors import InputError, ReasmoryError
from reasmory.memory import SpatialMemory
from reasmory.memory.build.frames import IMAGE_SUFFIXES, VIDEO_SUFFIXES

Kind = Literal["memory", "rmem", "scene_folder", "video", "image_folder", "images"]
Source = SpatialMemory | str | Path | Sequence[str | Path]
PIPELINE = "reasmory.memory.build.pipeline"
_SCENE_PARTS = ("scene.json", "cameras.json", "depth", "instances")
_WHAT = {
    "scene_folder": "the synthetic scene folder",
    "video": "the video",
    "image_folder": "the image folder",
    "images": "the images",
}


class BuildUnavailable(ReasmoryError):
    """The source needs a memory built, and this installation cannot build one yet."""


def classify(source: Source) -> Kind:
    """Which kind of source this is; InputError for paths that do not exist or cannot be a scene."""
    if isinstance(source, SpatialMemory):
        return "memory"
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.is_file():
            suffix = path.suffix.lower()
            if suffix == ".rmem":
                return "rmem"
            if suffix in VIDEO_SUFFIXES:
                return "video"
            raise InputError(f"'{path}' is neither a .rmem memory nor a video",
                             hint="give a .rmem file, a video, an image folder or a scene folder from `reasmory synth`")
        if path.is_dir():
            if all((path / part).exists() for part in _SCENE_PARTS):
                return "scene_folder"
            if any(p.suffix.lower() in IMAGE_SUFFIXES for p in path.iterdir()):
                return "image_folder"
            raise InputError(f"folder '{path}' holds no images and is not a scene folder",
                             hint="a scene folder from `reasmory synth` has scene.json, cameras.json, depth/ and instances/")
        raise InputError(f"no file or folder at '{path}'", hint="check the path")
    paths = [Path(p) for p in source]
    missing = [p for p in paths if not p.is_file()]
    if not paths or missing:
        raise InputError(f"no image at '{missing[0]}'" if missing else "the list of images is empty", hint="give existing image files")
    return "images"


def load_or_build_memory(source: Source, settings: Settings) -> SpatialMemory:
    """The memory for a source: as given, loaded from `.rmem`, or built (and cached) by the build pipeline."""
    kind = classify(source)
    if kind == "memory":
        assert isinstance(source, SpatialMemory)
        return source
    if kind == "rmem":
        assert isinstance(source, (str, Path))
        return SpatialMemory.load(source)
    return _build(kind, source, settings)


def _build(kind: Kind, source: Source, settings: Settings) -> SpatialMemory:
    """Build through the pipeline: the call to wire when the pipeline (and, for scene folders, grounding) lands."""
    build_memory = _pipeline_entry(kind, source)
    options: dict[str, Any] = {"backend": settings.backend, "cache_dir": settings.cache_dir}
    inputs: Any = [str(p) for p in source] if kind == "images" else str(source)
    try:
        inspect.signature(build_memory).bind(inputs, **options)
    except TypeError:
        raise BuildUnavailable(f"{PIPELINE}.build_memory does not take (source, backend=, cache_dir=) as answer() calls it",
                               hint="update reasmory.answering.sources._build to the pipeline's signature") from None
    return build_memory(inputs, **options)


def _pipeline_entry(kind: Kind, source: Source) -> Any:
    """The pipeline's `build_memory`, or one line naming what is missing (the pipeline, or a package it needs)."""
    what = f"{_WHAT[kind]} '{source}'" if kind != "images" else _WHAT[kind]
    try:
        module = importlib.import_module(PIPELINE)
    except ImportError as exc:
        if exc.name and not PIPELINE.startswith(exc.name):
            raise BuildUnavailable(f"building a memory from {what} needs the package '{exc.name}', which is not installed",
                                   hint="pip install 'reasmory[video]' for videos; see the README for the reconstruction extras") from None
        module = None
    if module is None or not hasattr(module, "build_memory"):
        raise BuildUnavailable(f"answering about {what} needs a memory built from it, and this installation has no build "
                               f"pipeline ({PIPELINE}.build_memory)", hint=_build_hint(kind, source))
    return module.build_memory


def _build_hint(kind: Kind, source: Source) -> str:
    if kind == "scene_folder":
        return (f"scene folders build with the rgbd backend and the folder's instance masks; until then, "
                f"`reasmory memory from-scene {Path(str(source)) / 'scene.json'} -o scene.rmem` gives its ground-truth memory")
    return "build a .rmem with a Reasmory that has the build pipeline (pip install 'reasmory[video]' for videos) and pass the .rmem"
