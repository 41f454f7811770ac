"""What a perception-error model says: how depth, cameras, detections and masks differ from the truth.

Every field is a parameter of one perturbation (depth.py, poses.py,
detections.py) with its unit in the description; zero everywhere is exact
perception. `metric=False` says the reconstruction comes in its own frame and
units (VGGT, SfM): the build then has to find gravity and metric scale itself.
Presets (presets.py) fill these fields from published figures.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DepthErrors(_Part):
    """How a depth map differs from the true one (applied per frame, in that frame's camera)."""

    relative_noise: float = Field(default=0.0, ge=0, description="σ of independent per-pixel multiplicative noise")
    smooth_relative: float = Field(default=0.0, ge=0, description="σ of a smooth multiplicative warp over the image (a 4×3 grid, bilinear)")
    frame_scale: float = Field(default=0.0, ge=0, description="σ of one multiplicative log-normal factor per frame (scale drift between frames)")
    edge_bleed: float = Field(default=0.0, ge=0, description="band around depth jumps blended between near and far surface (flying pixels), "
                                                             "as a share of the image width")
    gross_share: float = Field(default=0.0, ge=0, lt=1, description="share of the image in regions whose depth is grossly wrong "
                                                                    "(reflective, textureless): one random factor per region")
    gross_sigma: float = Field(default=0.4, ge=0, description="σ of the log of a gross region's depth factor")
    density: float = Field(default=1.0, gt=0, le=1, description="share of pixels that have depth at all (SfM: sparse points)")


class PoseErrors(_Part):
    """How estimated camera-to-world poses differ from the truth."""

    rotation_deg: float = Field(default=0.0, ge=0, description="σ of an independent rotation per frame, degrees")
    translation_m: float = Field(default=0.0, ge=0, description="σ of an independent offset per frame and axis, metres")
    drift_rotation_deg: float = Field(default=0.0, ge=0, description="σ of each step of a rotation random walk along the video, degrees")
    drift_translation_m: float = Field(default=0.0, ge=0, description="σ of each step of a position random walk along the video, metres per axis")
    unregistered: float = Field(default=0.0, ge=0, lt=1, description="share of frames the reconstruction fails to register (dropped)")


class DetectionErrors(_Part):
    """How an open-vocabulary detector's per-frame instances differ from the true instances."""

    miss: float = Field(default=0.0, ge=0, le=1, description="chance that a visible instance is not detected in a frame")
    miss_small: float = Field(default=0.0, ge=0, le=1, description="extra miss chance for instances under 1% of the image, scaled by how small")
    confusion: float = Field(default=0.0, ge=0, le=1, description="chance that a detection of a category with a look-alike takes the look-alike's label")
    duplicate: float = Field(default=0.0, ge=0, le=1, description="chance that a detection comes twice: also with a look-alike's label")
    false_positives: float = Field(default=0.0, ge=0, description="mean number of spurious detections per frame (Poisson), labelled from the vocabulary")
    score_true: tuple[float, float] = Field(default=(1.0, 1.0), description="range of scores of true detections")
    score_false: tuple[float, float] = Field(default=(1.0, 1.0), description="range of scores of confusions, duplicates and false positives")


class MaskErrors(_Part):
    """How a segmenter's masks differ from the true silhouettes."""

    boundary: float = Field(default=0.0, ge=0, description="σ of a per-mask dilation (+) or erosion (−), as a share of the mask's "
                                                          "equivalent radius √(area/π) (boundary error grows with the object's size in the image)")
    leak: float = Field(default=0.0, ge=0, le=1, description="chance that a mask leaks past one side of the object onto what is behind it")
    leak_extent: float = Field(default=0.0, ge=0, description="how far a leaking mask spills, as a share of its equivalent radius")


class PerceptionModel(_Part):
    """A named set of perception errors, reproducible from `seed` (plus each scene's own seed)."""

    name: str = "custom"
    summary: str = ""
    depth: DepthErrors = Field(default_factory=DepthErrors)
    poses: PoseErrors = Field(default_factory=PoseErrors)
    detections: DetectionErrors = Field(default_factory=DetectionErrors)
    masks: MaskErrors = Field(default_factory=MaskErrors)
    metric: bool = Field(default=True, description="False: the reconstruction is in its own frame and units; the build recovers gravity and scale")
    seed: int = Field(default=0, ge=0)

    @property
    def exact(self) -> bool:
        """True when nothing is perturbed (the inputs pass through untouched)."""
        return self.model_dump(include={"depth", "poses", "detections", "masks", "metric"}) == PerceptionModel().model_dump(
            include={"depth", "poses", "detections", "masks", "metric"})
