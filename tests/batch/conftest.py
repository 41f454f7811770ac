"""Fixtures for batch runs: small synthetic scenes (made once per session) and a 2-CPU Ray instance per module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SCENES = 6  # seeds 0…5, 8 frames of 160×120: enough groups for a run to be interrupted half-way
SIZE = {"frames": 8, "width": 160, "height": 120}
#: The same settings as `reasmory bench synthetic` options.
SIZE_ARGS = ["--frames", "8", "--width", "160", "--height", "120"]


def scene(scenes_dir: Path, seed: int) -> Path:
    """The folder of a seed's scene, where `bench synthetic --scenes-dir scenes_dir` with SIZE keeps it."""
    from reasmory.benchmarks.synthetic import scenes_folder

    return scenes_folder(scenes_dir, **SIZE) / f"synth_{seed:05d}"


@pytest.fixture(scope="session")
def scenes_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scenes folder as `reasmory bench synthetic --scenes-dir` reuses it (scenes of SIZE)."""
    from reasmory.benchmarks.synthetic import ensure_scene

    root = tmp_path_factory.mktemp("batch-scenes").resolve()
    for seed in range(SCENES):
        ensure_scene(scene(root, seed), seed, **SIZE)
    return root


@pytest.fixture(scope="module")
def ray_local() -> Iterator[Any]:
    """Ray started in this process with 2 CPUs (and 1 logical GPU, for the actor pool); executors find it running."""
    ray = pytest.importorskip("ray")
    # address="local": never a `ray start` cluster someone left running on this machine
    ray.init(address="local", num_cpus=2, num_gpus=1, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()
