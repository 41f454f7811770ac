"""Shared fixtures: paths to the real data in ../shared (skipped with a reason when absent); Hypothesis profiles.

Hypothesis runs derandomised in CI (`CI` set, or `HYPOTHESIS_PROFILE=ci`): the same examples every run, so a red
CI is reproducible. Local runs use the randomised `dev` profile, which keeps finding new examples.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("REASMORY_SHARED", REPO.parent / "shared"))
VSIBENCH = SHARED / "data" / "vsibench"


def require(path: Path) -> Path:
    """The path, or skip the test naming what is missing and why."""
    if not path.exists():
        pytest.skip(f"shared test data not found at {path} (set REASMORY_SHARED to the shared/ folder)")
    return path


@pytest.fixture(scope="session")
def vsibench_meta_dir() -> Path:
    return require(VSIBENCH / "meta_info")


@pytest.fixture(scope="session")
def example_scene() -> Path:
    from reasmory.cli.demo_cmd import example_scene_path

    return example_scene_path()


@pytest.fixture(scope="session")
def make_synth_scene(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """`make_synth_scene(seed, frames, width=160, height=120, questions=False, **config)`: the folder of a rendered synthetic
    scene, made once per session for each setting (tests read it; a test that changes files copies it first)."""
    from reasmory.synth.pipeline import make_config, synthesize

    made: dict[tuple, Path] = {}

    def scene(seed: int, frames: int, width: int = 160, height: int = 120, questions: bool = False, **config: Any) -> Path:
        key = (seed, frames, width, height, questions, tuple(sorted(config.items())))
        if key not in made:
            out = tmp_path_factory.mktemp(f"synth-{seed}-{frames}f-{width}x{height}") / "scene"
            made[key] = synthesize(make_config(seed=seed, frames=frames, width=width, height=height, questions=questions, **config),
                                   out).folder
        return made[key]

    return scene
