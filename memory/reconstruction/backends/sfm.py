"""`sfm`: classical structure-from-motion with pycolmap on the CPU (no weights; sparse; up to scale).

SIFT features, sequential (videos) or exhaustive (photo sets) matching,
incremental mapping; the largest model is kept. COLMAP stores each image's
`cam_from_world` (world-to-camera, OpenCV axes); we store its inverse.
Frames are written to a temporary folder as BMP so that decoded video frames,
EXIF-rotated photos and plain files all reach COLMAP the same way.

pycolmap 4.2.1's extension exports its own zlib symbols: when Python's `zlib`
module is first loaded after it, any later compression in the process
(PNG writing, `zlib.compress`) corrupts the heap and aborts. `_require_pycolmap`
therefore loads `zlib` first, and frames go to COLMAP uncompressed.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field

from reasmory.errors import InputError
from reasmory.memory.reconstruction.backends.base import Backend, BackendConfig, Reconstruction, make_frame
from reasmory.memory.reconstruction.frames import FrameSet
from reasmory.memory.model import PointCloud

#: Up to this many frames, unordered photo sets are matched exhaustively under `matching="auto"`.
_EXHAUSTIVE_UP_TO = 60
#: Fewest frames structure-from-motion can register (two views fix a pair, a third confirms it).
MIN_FRAMES = 3


def _require_pycolmap() -> Any:
    import zlib  # noqa: F401  (must be loaded before pycolmap, see the module docstring)

    try:
        import pycolmap
    except ImportError:
        raise InputError("the sfm backend needs pycolmap", hint='pip install "reasmory[sfm]" (or pip install pycolmap)') from None
    return pycolmap


class SfmBackend(Backend):
    config: SfmConfig

    def reconstruct(self, frames: FrameSet, progress: bool = True) -> Reconstruction:
        from PIL import Image

        if len(frames) < MIN_FRAMES:  # refuse before pycolmap spends seconds on it
            raise InputError(f"structure-from-motion needs at least {MIN_FRAMES} frames, the input has {len(frames)}",
                             hint="give more frames with more overlap (a slow, steady video works best), or try --backend vggt")
        with tempfile.TemporaryDirectory(prefix="reasmory-sfm-") as tmp:
            images = Path(tmp) / "images"
            images.mkdir()
            names = [f"{f.index:06d}.bmp" for f in frames.frames]
            for name, f in zip(names, frames.frames, strict=True):
                Image.fromarray(f.image).save(images / name)
            model = self._run_colmap(Path(tmp), names, frames)
        return self._convert(model, names, frames)

    def matching(self, frames: FrameSet) -> str:
        """The matcher to use: sequential for videos, exhaustive for small photo sets."""
        if self.config.matching != "auto":
            return self.config.matching
        return "sequential" if frames.kind == "video" or len(frames) > _EXHAUSTIVE_UP_TO else "exhaustive"

    def _run_colmap(self, tmp: Path, names: list[str], frames: FrameSet) -> Any:
        pycolmap = _require_pycolmap()
        pycolmap.logging.minloglevel = 0 if self.config.verbose else 2
        cfg, db, images = self.config, tmp / "database.db", tmp / "images"
        extraction = pycolmap.FeatureExtractionOptions()
        extraction.max_image_size = cfg.max_image_size
        extraction.num_threads = cfg.num_threads
        extraction.sift.max_num_features = cfg.max_features
        reader = pycolmap.ImageReaderOptions()
        reader.camera_model = cfg.camera_model
        known = frames.frames[0].K if cfg.use_known_intrinsics and frames.frames[0].K is not None else None
        if known is not None:
            reader.camera_model = "PINHOLE"
            reader.camera_params = ",".join(str(v) for v in (known[0, 0], known[1, 1], known[0, 2], known[1, 2]))
        pycolmap.extract_features(db, images, image_names=names, camera_mode=pycolmap.CameraMode.SINGLE,
                                  reader_options=reader, extraction_options=extraction, device=pycolmap.Device.cpu)
        matching = pycolmap.FeatureMatchingOptions()
        matching.num_threads = cfg.num_threads
        if self.matching(frames) == "sequential":
            pairing = pycolmap.SequentialPairingOptions()
            pairing.overlap = cfg.overlap
            pycolmap.match_sequential(db, matching_options=matching, pairing_options=pairing, device=pycolmap.Device.cpu)
        else:
            pycolmap.match_exhaustive(db, matching_options=matching, device=pycolmap.Device.cpu)
        options = pycolmap.IncrementalPipelineOptions()
        options.num_threads = cfg.num_threads
        options.random_seed = cfg.seed
        options.min_model_size = 3
        if known is not None:
            options.ba_refine_focal_length = False
            options.ba_refine_extra_params = False
        models = pycolmap.incremental_mapping(db, images, tmp / "sparse", options=options)
        return max(models.values(), key=lambda m: m.num_reg_images(), default=None)

    def _convert(self, model: Any, names: list[str], frames: FrameSet) -> Reconstruction:
        registered = model.num_reg_images() if model is not None else 0
        needed = max(MIN_FRAMES, math.ceil(self.config.min_registered * len(frames)))
        if registered < needed:
            raise InputError(
                f"structure-from-motion registered only {registered} of {len(frames)} frames (needs {needed})",
                hint="give more frames with more overlap (a slow, steady video works best), or try --backend vggt",
            )
        by_name = {name: f for name, f in zip(names, frames.frames, strict=True)}
        out_frames = []
        for image in sorted(model.images.values(), key=lambda im: im.name):
            if not image.has_pose:
                continue
            world_to_cam = np.eye(4)
            world_to_cam[:3, :] = image.cam_from_world().matrix()
            out_frames.append(make_frame(by_name[image.name], image.camera.calibration_matrix(), np.linalg.inv(world_to_cam)))
        index_of = {image_id: by_name[im.name].index for image_id, im in model.images.items()}
        return Reconstruction(
            frames=out_frames,
            points=_points(model, index_of),
            up_to_scale=True,
            total_frames=len(frames),
            notes=[f"sfm: registered {registered}/{len(frames)} frames ({self.matching(frames)} matching), "
                   f"{model.num_points3D()} points, mean reprojection error {model.compute_mean_reprojection_error():.2f} px"],
        )


def _points(model: Any, index_of: dict[int, int]) -> PointCloud:
    """Sparse points; confidence from reprojection error (1 px → 0.5) and the first observing frame."""
    pts = list(model.points3D.values())
    if not pts:
        return PointCloud.empty()
    xyz = np.array([p.xyz for p in pts], np.float64)
    rgb = np.array([p.color for p in pts], np.uint8)
    error = np.array([p.error for p in pts], np.float64)
    frame = np.array([min(index_of[el.image_id] for el in p.track.elements) for p in pts], np.int32)
    return PointCloud.from_xyz(xyz, rgb, frame, (1.0 / (1.0 + error)).astype(np.float32))


class SfmConfig(BackendConfig):
    """Classical SfM (COLMAP through pycolmap), CPU only."""

    name = "sfm"
    summary = "classical structure-from-motion with pycolmap on the CPU (sparse, up to scale)"
    up_to_scale = True
    default_frames = 48
    backend = SfmBackend
    postprocess_defaults = {"outlier_neighbors": 12, "outlier_std": 2.5}

    matching: Literal["auto", "sequential", "exhaustive"] = Field(
        default="auto", description="auto: sequential for videos and long sets, exhaustive for small photo sets"
    )
    overlap: int = Field(default=10, ge=1, description="sequential matching: neighbours per frame")
    max_image_size: int = Field(default=1024, ge=64, description="longest side for feature extraction, pixels")
    max_features: int = Field(default=8192, ge=100, description="SIFT features per image")
    camera_model: str = Field(default="SIMPLE_RADIAL", description="COLMAP camera model when intrinsics are unknown")
    use_known_intrinsics: bool = Field(default=True, description="fix the intrinsics when the input has them")
    min_registered: float = Field(default=0.5, gt=0, le=1, description="refuse when fewer frames than this register")
    num_threads: int = Field(default=-1, description="CPU threads (-1 = all)")
    seed: int = 0
    verbose: bool = Field(default=False, description="show COLMAP's own log")

    @classmethod
    def require(cls) -> None:
        _require_pycolmap()
