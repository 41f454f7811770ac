"""Building a memory from a video, photos or an RGB-D capture.

frames (frames.py, layouts.py) → reconstruction backend (backends/) → point
clean-up (postprocess.py) → gravity (gravity.py) → metric scale (scale.py) →
SpatialMemory, cached by input content and settings (cache.py). The entry
point is `build_memory` (pipeline.py).
"""

from reasmory.memory.reconstruction.pipeline import BuildOutcome, build_memory, run_build

__all__ = ["BuildOutcome", "build_memory", "run_build"]
