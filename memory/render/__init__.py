"""Rendering the memory: perspective views (rgb, semantic, depth) and top-down maps.

Points are splatted with a z-buffer: by compiled kernels on the CPU
(kernels.py, numba), by torch ops on CUDA; pictures are finished with Pillow. Conventions: world z up, metres; cameras with
OpenCV axes (x right, y down, z forward).
"""

from reasmory.memory.render.heap import keep_freed_memory

keep_freed_memory()  # before the first large arrays of a render are made: see heap.py

from reasmory.memory.render.bev import BevRender, render_bev  # noqa: E402
from reasmory.memory.render.camera import DEFAULT_FOV_DEG, RenderCamera  # noqa: E402
from reasmory.memory.render.cloud import RenderCloud, default_device, render_cloud  # noqa: E402
from reasmory.memory.render.colour import label_colour  # noqa: E402
from reasmory.memory.render.view import MODES, ViewRender, rasterize, render_view  # noqa: E402

__all__ = [
    "DEFAULT_FOV_DEG", "MODES", "BevRender", "RenderCamera", "RenderCloud", "ViewRender", "default_device",
    "label_colour", "rasterize", "render_bev", "render_cloud", "render_view",
]
