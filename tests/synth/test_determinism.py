"""The same seed and settings give the same scene, byte for byte (the video aside: x264 may thread)."""

from __future__ import annotations

from pathlib import Path

from reasmory.synth.pipeline import generate, make_config, synthesize

SAME = ("scene.json", "cameras.json", "questions.jsonl", "frames/00007.jpg", "depth/00007.png", "instances/00007.png",
        "preview.png")


def test_same_seed_same_files(small_folder: Path, small_settings: dict[str, int], tmp_path: Path) -> None:
    again = synthesize(make_config(**small_settings, preview=True), tmp_path / "again").folder
    for name in SAME:
        assert (small_folder / name).read_bytes() == (again / name).read_bytes(), name


def test_other_seed_other_scene() -> None:
    a, _ = generate(make_config(seed=11, frames=4))
    b, _ = generate(make_config(seed=12, frames=4))
    def layout(scene: object) -> list:
        return [(o.label, tuple(o.center.round(3))) for o in scene.objects]

    assert layout(a) != layout(b)
