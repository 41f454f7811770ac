"""A built memory's frame pictures and depth, read back for grounding after the build.

Frames keep a reference to their picture: an image path, or `video#frame=N`
for a decoded video frame. Grounding a label later (on demand) needs those
pictures again, and depth for each: the depth maps the memory kept, resized to
the frame, or, where it kept none, depth rendered from its points.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image
from reasmory.memory.reconstruction.frames import read_image, upright
from reasmory.memory.model import Frame
from reasmory.memory.spatial_memory import SpatialMemory

from reasmory.errors import InputError

_VIDEO_REF = re.compile(r"^(?P<path>.+)#frame=(?P<number>\d+)$")


def resolve(reference: str, base: Path | None) -> Path:
    """The file a reference names: as written, else relative to the memory's source folder."""
    path = Path(reference)
    if path.exists() or path.is_absolute() or base is None:
        return path
    return base / path


class FrameImages:
    """RGB pictures of a memory's frames by frame index, read once each (videos decoded in one pass)."""

    def __init__(self, memory: SpatialMemory) -> None:
        source = memory.provenance.source
        base = Path(source) if source else None
        self.base = base if base is None or base.is_dir() else base.parent
        self.refs = {f.index: f.image for f in memory.frames}
        self.read: dict[int, np.ndarray] = {}

    def missing(self) -> str | None:
        """Why the pictures cannot be read back (first problem), or None when they can."""
        for index, ref in self.refs.items():
            if not ref:
                return f"frame {index} keeps no reference to its picture"
            match = _VIDEO_REF.match(ref)
            path = resolve(match["path"] if match else ref, self.base)
            if not path.is_file():
                return f"the picture of frame {index} ('{path}') is gone"
        return None

    def load(self, indices: Sequence[int]) -> None:
        """Read these frames' pictures (one decoding pass per video)."""
        videos: dict[Path, dict[int, int]] = {}
        for index in indices:
            ref = self.refs[index] or ""
            match = _VIDEO_REF.match(ref)
            if match:
                videos.setdefault(resolve(match["path"], self.base), {})[int(match["number"])] = index
            else:
                self.read[index] = read_image(resolve(ref, self.base))
        for path, wanted in videos.items():
            self.read.update(decode_frames(path, wanted))

    def __call__(self, index: int) -> np.ndarray:
        if index not in self.read:
            self.load([index])
        return self.read[index]


def decode_frames(path: Path, wanted: dict[int, int]) -> dict[int, np.ndarray]:
    """frame index → picture for the video frame numbers in `wanted` (number → frame index)."""
    import av

    found: dict[int, np.ndarray] = {}
    try:
        with av.open(str(path)) as container:
            for number, frame in enumerate(container.decode(container.streams.video[0])):
                if number in wanted:
                    found[wanted[number]] = upright(frame.to_ndarray(format="rgb24"), frame.rotation)
                if number >= max(wanted):
                    break
    except (av.FFmpegError, IndexError):
        raise InputError(f"cannot decode video '{path}' again", hint="the video changed since the memory was built") from None
    if len(found) < len(wanted):
        raise InputError(f"video '{path}' has fewer frames than when the memory was built", hint="rebuild the memory")
    return found


class FrameDepth:
    """Depth (H, W) metres for a frame: the memory's kept map, resized to the frame, or rendered from its points."""

    def __init__(self, memory: SpatialMemory) -> None:
        self.memory = memory
        self.position = {f.index: i for i, f in enumerate(memory.frames)}
        self.frames = {f.index: f for f in memory.frames}

    @property
    def kind(self) -> str:
        return "kept depth maps" if self.memory.arrays.depth is not None else "depth rendered from the memory's points"

    def __call__(self, index: int) -> np.ndarray:
        frame = self.frames[index]
        kept = self.memory.arrays.depth
        if kept is not None:
            return resize_depth(kept[self.position[index]], frame)
        return rendered_depth(self.memory, frame)


def resize_depth(depth: np.ndarray, frame: Frame) -> np.ndarray:
    """A depth map at the frame's size (nearest neighbour: never blends depth across edges)."""
    if depth.shape == (frame.height, frame.width):
        return depth.astype(np.float32, copy=False)
    image = Image.fromarray(depth.astype(np.float32), mode="F").resize((frame.width, frame.height), Image.Resampling.NEAREST)
    return np.asarray(image, dtype=np.float32)


def rendered_depth(memory: SpatialMemory, frame: Frame) -> np.ndarray:
    """The memory's points seen from the frame's camera, as depth (0 where nothing is seen)."""
    from reasmory.memory.render.camera import RenderCamera
    from reasmory.memory.render.view import render_view

    view = render_view(memory, RenderCamera.from_frame(frame), mode="depth", legend=False, floor=False)
    return view.depth.astype(np.float32)
