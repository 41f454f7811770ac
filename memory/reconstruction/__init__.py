"""Building a memory from a video, photos or an RGB-D capture.

frames (frames.py, layouts.py) → reconstruction backend (backends/) → point
clean-up (postprocess.py) → gravity (gravity.py) → metric scale (scale.py) →
SpatialMemory, cached by input content and settings (cache.py). The entry
point is `build_memory` (pipeline.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reasmory.memory.reconstruction.pipeline import BuildOutcome, build_memory, run_build

__all__ = ["BuildOutcome", "build_memory", "run_build"]


def __getattr__(name: str) -> Any:
    """The pipeline is imported on first use: its backends pull in heavy libraries, and the cache needs none."""
    if name in __all__:
        from reasmory.memory.reconstruction import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
