"""Writing rendered frames: JPEG colour, uint16 PNG depth (mm) and instances (id + 1), and an H.264 video.

The video is written with PyAV (libx264, yuv420p), frame by frame, so a long
scene never has to sit in memory.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from types import TracebackType

import numpy as np
from PIL import Image

from reasmory.errors import InputError
from reasmory.synth.formats import DEPTH_SCALE, INSTANCE_OFFSET, frame_name
from reasmory.synth.render import RenderedFrame

SUBFOLDERS = ("frames", "depth", "instances")


def prepare_folder(out: Path) -> None:
    """Create the scene folder and its sub-folders, removing frames of an earlier scene; refuse a file."""
    if out.exists() and not out.is_dir():
        raise InputError(f"output '{out}' exists and is not a folder", hint="pass a folder path with -o")
    for sub in SUBFOLDERS:
        (out / sub).mkdir(parents=True, exist_ok=True)
        for stale in (out / sub).glob("[0-9][0-9][0-9][0-9][0-9].*"):
            stale.unlink()


def encode_depth(depth: np.ndarray) -> np.ndarray:
    """float32 metres → uint16 millimetres (0 stays 0; beyond 65.535 m clips)."""
    return np.clip(np.round(depth * DEPTH_SCALE), 0, np.iinfo(np.uint16).max).astype(np.uint16)


def encode_instances(instance: np.ndarray) -> np.ndarray:
    """int32 ids with −1 for none → uint16 id + 1 with 0 for none."""
    return (instance.astype(np.int64) + INSTANCE_OFFSET).astype(np.uint16)


def write_images(out: Path, index: int, frame: RenderedFrame) -> None:
    name = frame_name(index)
    Image.fromarray(frame.rgb).save(out / "frames" / f"{name}.jpg", quality=92)
    Image.fromarray(encode_depth(frame.depth)).save(out / "depth" / f"{name}.png")
    Image.fromarray(encode_instances(frame.instance)).save(out / "instances" / f"{name}.png")


def read_depth(path: Path) -> np.ndarray:
    """A depth PNG back to float32 metres (0 = none)."""
    return np.asarray(Image.open(path)).astype(np.float32) / DEPTH_SCALE


def read_instances(path: Path) -> np.ndarray:
    """An instance PNG back to int32 ids (−1 = none)."""
    return np.asarray(Image.open(path)).astype(np.int32) - INSTANCE_OFFSET


class VideoWriter:
    """H.264 mp4 writer (PyAV, libx264, yuv420p); frames are (H, W, 3) uint8 RGB with even H and W."""

    def __init__(self, path: Path, width: int, height: int, fps: float) -> None:
        try:
            import av
        except ImportError:
            raise InputError("writing video.mp4 needs PyAV", hint="pip install 'reasmory[video]'") from None
        self._container = av.open(str(path), mode="w")
        self._stream = self._container.add_stream("libx264", rate=Fraction(fps).limit_denominator(1000))
        self._stream.width, self._stream.height = width, height
        self._stream.pix_fmt = "yuv420p"
        self._stream.options = {"crf": "20"}

    def add(self, rgb: np.ndarray) -> None:
        import av

        for packet in self._stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
            self._container.mux(packet)

    def close(self) -> None:
        for packet in self._stream.encode():
            self._container.mux(packet)
        self._container.close()

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
