"""Rendering the memory: perspective views (rgb, semantic, depth) and top-down maps.

Points are splatted with a z-buffer in torch (CUDA when present); pictures
are finished with Pillow. Conventions: world z up, metres; cameras with
OpenCV axes (x right, y down, z forward).
"""

from reasmory.memory.render.bev import BevRender, render_bev
from reasmory.memory.render.camera import DEFAULT_FOV_DEG, RenderCamera
from reasmory.memory.render.cloud import RenderCloud, default_device, render_cloud
from reasmory.memory.render.colour import label_colour
from reasmory.memory.render.view import MODES, ViewRender, rasterize, render_view

__all__ = [
    "DEFAULT_FOV_DEG", "MODES", "BevRender", "RenderCamera", "RenderCloud", "ViewRender", "default_device",
    "label_colour", "rasterize", "render_bev", "render_cloud", "render_view",
]
