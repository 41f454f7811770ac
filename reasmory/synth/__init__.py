"""Synthetic ground-truth scenes: procedural rooms, CPU ray-cast renders and exact benchmark questions.

    from reasmory.synth import make_config, synthesize
    synthesize(make_config(seed=7, frames=64), Path("scenes/synth_00007"))

Modules, one job each: `categories` (the category library), `shapes` and
`mesh` (objects as unions of boxes), `room`, `layout` and `freespace`
(placement), `trajectory` (camera paths), `texture` and `render` (Open3D ray
casting), `formats` and `writer` (the folder on disk), `preview`, `pipeline`
(all of it in order) and `questions` (answers computed from scene.json).
The folder format is documented in docs/synthetic-scenes.md.
"""

from reasmory.synth.pipeline import SynthConfig, SynthResult, make_config, synthesize

__all__ = ["SynthConfig", "SynthResult", "make_config", "synthesize"]
