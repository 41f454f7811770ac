"""Memories and traces in the Rerun viewer (`reasmory view`): an interactive 3D look at what a program ran on.

    from reasmory.viewer import view_memory, view_trace
    view_memory(memory, "scene.rrd")          # points, objects, cameras, floor, gravity
    view_trace(trace, memory, "trace.rrd")    # the same, plus every step on the `step` timeline (memory may be None)
    open_viewer(Path("scene.rrd"))            # the native viewer, in a process of its own

Entity layout (world z up, metres; cameras with OpenCV axes):

- `world/points`: the scene's points in their colours;
- `world/objects/<id>`: each object's box with its label, and `…/points` its own points in its label's colour;
- `world/cameras/<index>`: each input frame's pose, and `…/image` its pinhole (and picture, when the file is there);
  `world/trajectory` the camera path;
- `world/floor` the floor plane at its height, `world/gravity` an arrow pointing down;
- for a trace, on the `step` timeline: `world/trace/views/<name>` each view the program made (position, heading,
  a 70° field of view, or the input camera's own), `world/trace/touched` the objects the step used,
  `world/trace/distances` the distances it measured as lines, `trace/images` the pictures it rendered,
  `trace/steps` a log line per statement, and `trace/program` the program, question and answer.

`rerun-sdk` is an optional extra (`pip install 'reasmory[viewer]'`); it is imported only here.
"""

from reasmory.viewer.recording import open_viewer, view_memory, view_trace

__all__ = ["open_viewer", "view_memory", "view_trace"]
