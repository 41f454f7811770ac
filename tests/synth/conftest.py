"""One small rendered scene shared by the synth tests (160×120, a dozen frames: about a second)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reasmory.synth.pipeline import SynthResult, make_config, synthesize

SMALL = {"seed": 3, "frames": 12, "width": 160, "height": 120}


@pytest.fixture(scope="session")
def small_settings() -> dict[str, int]:
    return dict(SMALL)


@pytest.fixture(scope="session")
def small_scene(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    out = tmp_path_factory.mktemp("synth") / "scene"
    return synthesize(make_config(**SMALL, preview=True), out)


@pytest.fixture(scope="session")
def small_folder(small_scene: SynthResult) -> Path:
    return small_scene.folder
