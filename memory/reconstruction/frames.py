"""Frame sources: videos (PyAV), image folders and explicit image lists, sampled uniformly or by stride.

Arrays that leave this module:

- `InputFrame.image` (H, W, 3) uint8 RGB, EXIF orientation (images) or display
  rotation (videos) applied, so "up" in the array is up in the scene;
- `InputFrame.depth` (H, W) float32 metres, 0 = unknown (RGB-D layouts only);
- `InputFrame.K` (3, 3) float64 pixels; `InputFrame.pose` (4, 4) float64
  camera-to-world, OpenCV axes (RGB-D layouts only).

Timestamps are seconds from the first decoded video frame; images have none,
so their timestamp is their position in the sorted list (one "second" apart).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from reasmory.errors import InputError
from reasmory.memory.reconstruction.progress import progress_bar

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"})
VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv", ".flv", ".3gp", ".ts"})
LIST_SUFFIX = ".txt"
#: Largest frame accepted (8K video and 50-megapixel photos fit); reconstruction needs far fewer pixels.
MAX_FRAME_PIXELS = 50_000_000

Source = str | Path | Sequence[str | Path]


class Sampling(BaseModel):
    """Which frames to keep: every `stride`-th, then at most `frames` spread uniformly."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    frames: int | None = Field(default=None, ge=1, description="keep at most this many frames, uniformly spread")
    stride: int | None = Field(default=None, ge=1, description="keep every stride-th frame (applied first)")

    def select(self, total: int) -> list[int]:
        """Sorted indices of the frames to keep out of `total`."""
        indices = np.arange(0, total, self.stride or 1)
        if self.frames is not None and len(indices) > self.frames:
            picks = np.linspace(0, len(indices) - 1, self.frames).round().astype(int)
            indices = indices[np.unique(picks)]
        return [int(i) for i in indices]


@dataclass(frozen=True)
class InputFrame:
    """One sampled input frame (see the module docstring for shapes and units)."""

    index: int
    source_index: int
    timestamp: float
    reference: str
    image: np.ndarray
    depth: np.ndarray | None = None
    K: np.ndarray | None = None
    pose: np.ndarray | None = None

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        return int(self.image.shape[0])


@dataclass(frozen=True)
class FrameSet:
    """The sampled frames of one input, all the same size, plus where they came from."""

    frames: list[InputFrame]
    source: str
    kind: str
    available: int
    #: The given poses are already in a gravity-aligned world (z up, floor at z = 0).
    gravity_aligned: bool = False

    def __len__(self) -> int:
        return len(self.frames)

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels, shared by every frame."""
        return self.frames[0].width, self.frames[0].height

    @property
    def has_depth(self) -> bool:
        return all(f.depth is not None for f in self.frames)

    @property
    def has_cameras(self) -> bool:
        return all(f.K is not None and f.pose is not None for f in self.frames)


def natural_key(path: Path) -> list[int | str]:
    """Sort key that puts 'img2' before 'img10'."""
    return [int(tok) if tok.isdigit() else tok.lower() for tok in re.split(r"(\d+)", path.name)]


def list_images(folder: Path) -> list[Path]:
    """The image files directly in `folder`, in natural order (hidden files skipped)."""
    return sorted(
        (p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith(".")),
        key=natural_key,
    )


def _read_list_file(path: Path) -> list[Path]:
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    return [(path.parent / ln) for ln in lines if ln and not ln.startswith("#")]


def _resolve(source: Source) -> tuple[str, list[Path]]:
    """The kind of input ('video', 'folder', 'list') and the files that define it."""
    if not isinstance(source, (str, Path)):
        paths = [Path(p) for p in source]
        if not paths:
            raise InputError("the image list is empty", hint="give at least one image")
        return "list", paths
    path = Path(source)
    if not path.exists():
        raise InputError(f"no such file or folder: '{path}'", hint="check the path")
    if path.is_dir():
        images = list_images(path)
        if not images:
            raise InputError(
                f"folder '{path}' holds no images",
                hint=f"put {', '.join(sorted(IMAGE_SUFFIXES))} files in it, or give a video file",
            )
        return "folder", images
    suffix = path.suffix.lower()
    if suffix in VIDEO_SUFFIXES:
        return "video", [path]
    if suffix in IMAGE_SUFFIXES:
        return "list", [path]
    if suffix == LIST_SUFFIX:
        return "list", _read_list_file(path)
    raise InputError(
        f"cannot tell what '{path}' is from its extension '{suffix}'",
        hint="give a video (.mp4, .mov, …), an image folder, an image, or a .txt list of images",
    )


def photo_count(source: Source) -> int | None:
    """How many photos an image folder or list holds; None for a video."""
    kind, files = _resolve(source)
    return None if kind == "video" else len(files)


def input_files(source: Source) -> list[Path]:
    """The files whose contents define this input (what the cache hashes)."""
    kind, files = _resolve(source)
    if kind == "list" and isinstance(source, (str, Path)) and Path(source).suffix.lower() == LIST_SUFFIX:
        files = [Path(source), *files]
    return files


def load_frames(source: Source, sampling: Sampling | None = None, progress: bool = True) -> FrameSet:
    """Decode and sample a video, an image folder or an image list into same-sized RGB frames."""
    sampling = sampling or Sampling()
    kind, files = _resolve(source)
    label = str(source) if isinstance(source, (str, Path)) else f"{len(files)} images"
    if kind == "video":
        frames, available = _read_video(files[0], sampling, progress)
    else:
        picks = sampling.select(len(files))
        with progress_bar("reading images", len(picks), progress) as advance:
            frames = []
            for i, k in enumerate(picks):
                frames.append(InputFrame(i, k, float(k), str(files[k]), read_image(files[k])))
                advance(1)
        available = len(files)
    check_same_size(frames)
    return FrameSet(frames=frames, source=label, kind=kind, available=available)


def read_image(path: Path) -> np.ndarray:
    """(H, W, 3) uint8 RGB with the EXIF orientation applied; InputError when unreadable."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not path.is_file():
        raise InputError(f"no such image: '{path}'", hint="check the path (list files are relative to their folder)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own limit is lower
            img = Image.open(path)
        with img:
            _check_pixels(f"image '{path}'", img.size)
            return np.asarray(ImageOps.exif_transpose(img).convert("RGB"))
    except Image.DecompressionBombError:
        raise _too_large(f"image '{path}'") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InputError(f"cannot read image '{path}': {exc}", hint="the file is not an image or is damaged") from None


def _too_large(what: str, size: tuple[int, int] | None = None) -> InputError:
    """The error for a frame over MAX_FRAME_PIXELS; `what` names it ("image 'a.jpg'")."""
    dims = f" is {size[0]}×{size[1]}," if size else " is"
    return InputError(f"{what}{dims} over the limit of {MAX_FRAME_PIXELS // 1_000_000} megapixels per frame",
                      hint="downscale it first, e.g. to 1920 pixels wide (ffmpeg -vf scale=1920:-2, or mogrify -resize 1920x)")


def _check_pixels(what: str, size: tuple[int, int]) -> None:
    """Refuse a (width, height) frame over MAX_FRAME_PIXELS before it is decoded."""
    if size[0] * size[1] > MAX_FRAME_PIXELS:
        raise _too_large(what, size)


def check_same_size(frames: Sequence[InputFrame]) -> None:
    """Refuse frames of different sizes: one camera model is assumed for the whole input."""
    if not frames:
        raise InputError("the input has no frames", hint="give a longer video or more images")
    first = frames[0]
    for frame in frames[1:]:
        if (frame.width, frame.height) != (first.width, first.height):
            raise InputError(
                f"images differ in size: '{first.reference}' is {first.width}×{first.height} "
                f"but '{frame.reference}' is {frame.width}×{frame.height}",
                hint="use images from one camera at one resolution and orientation",
            )


def _count_video_frames(path: Path) -> int:
    """The number of frames, once the file is known to hold a video stream of frames within the size limit."""
    import av

    with av.open(str(path)) as container:
        if not container.streams.video:
            raise InputError(f"'{path}' has no video stream", hint="give a video file with pictures in it")
        stream = container.streams.video[0]
        _check_pixels(f"video '{path}'", (stream.width, stream.height))
        return sum(1 for packet in container.demux(stream) if packet.size)


def _read_video(path: Path, sampling: Sampling, progress: bool) -> tuple[list[InputFrame], int]:
    """Decode only the sampled frames (every frame is demuxed once to count them)."""
    import av

    try:
        total = _count_video_frames(path)
        if total == 0:
            raise InputError(f"video '{path}' has zero frames", hint="the file is empty or holds no pictures")
        wanted = sampling.select(total)
        keep = set(wanted)
        frames: list[InputFrame] = []
        start: float | None = None
        with av.open(str(path)) as container, progress_bar(f"decoding {path.name}", wanted[-1] + 1, progress) as advance:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            for number, frame in enumerate(container.decode(stream)):
                if number > wanted[-1]:
                    break
                advance(1)
                time = float(frame.time) if frame.time is not None else number / float(stream.average_rate or 30)
                start = time if start is None else start
                if number in keep:
                    image = upright(frame.to_ndarray(format="rgb24"), frame.rotation)
                    frames.append(InputFrame(len(frames), number, time - start, f"{path}#frame={number}", image))
    except av.FFmpegError as exc:
        raise InputError(f"cannot decode video '{path}': {exc.strerror or exc}", hint="the file is damaged or not a video") from None
    if not frames:
        raise InputError(f"no frames could be decoded from '{path}'", hint="the file is damaged or not a video")
    return frames, total


def upright(image: np.ndarray, rotation: float | int | None) -> np.ndarray:
    """Apply a video's display rotation (degrees counter-clockwise, FFmpeg display matrix)."""
    turns = int(round((rotation or 0) / 90.0)) % 4
    return np.ascontiguousarray(np.rot90(image, turns)) if turns else image
