"""Small hand-made scenes whose answers are worked out by hand in the tests.

The "cross" scene (z up, metres), seen from above with +y up the page:

              tv (0, 4)          chair (4, 4)
    lamp (-2, 2)
                      table (3, 1)
          sofa (0, 0)
 chair (-3, -1)
  bed (-3, -3)         plant (1, -3)

Standing at the sofa facing the tv, the viewer looks along +y: the lamp is
45° to the left, the table 71.57° to the right, the plant 161.57° to the
right, the bed exactly 135° to the left.
"""

from __future__ import annotations

from reasmory.memory import SpatialMemory
from reasmory.memory.oracle import from_scene
from reasmory.memory.scene_format import SceneCamera, SceneDescription, SceneObject, SceneRoom


def cross_scene() -> SpatialMemory:
    objects = [
        SceneObject(label="sofa", center=(0, 0, 0.4), extents=(2, 1, 0.8), frames=[2, 3]),
        SceneObject(label="tv", center=(0, 4, 1.0), extents=(1, 0.1, 0.6), frames=[1]),
        SceneObject(label="lamp", center=(-2, 2, 0.8), extents=(0.3, 0.3, 1.6), frames=[0, 1]),
        SceneObject(label="table", center=(3, 1, 0.4), extents=(1.2, 0.8, 0.8), yaw_deg=90, frames=[3]),
        SceneObject(label="plant", center=(1, -3, 0.5), extents=(0.4, 0.4, 1.0), frames=[2]),
        SceneObject(label="chair", center=(-3, -1, 0.45), extents=(0.5, 0.5, 0.9), frames=[2]),
        SceneObject(label="chair", center=(4, 4, 0.45), extents=(0.5, 0.5, 0.9), frames=[0, 1, 2, 3]),
        SceneObject(label="bed", center=(-3, -3, 0.3), extents=(2.0, 1.6, 0.6), frames=[3]),
    ]
    cameras = [
        SceneCamera(position=(0, -4, 1.5), look_at=(0, 0, 1.5)),  # at (0,-4) looking +y
        SceneCamera(position=(2, -4, 1.5), look_at=(2, 0, 1.5)),  # 2 m to the right of camera 0, same heading
        SceneCamera(position=(3, -3, 1.5), look_at=(2, -3, 1.5)),  # looking −x
        SceneCamera(position=(0, 0, 1.5), look_at=(0, 0, 0)),  # looking straight down
    ]
    desc = SceneDescription(
        name="cross",
        room=SceneRoom(polygon=[(-5, -5), (5, -5), (5, 5), (-5, 5)]),
        objects=objects,
        cameras=cameras,
        synonyms={"settee": "sofa"},
    )
    return from_scene(desc)
