"""Crafted memories (valid checksums, hostile contents) are refused whole, fast, before or as they are read."""

from __future__ import annotations

import math
import os
import resource
import time
from pathlib import Path

import pytest

from reasmory.benchmarks import crafted
from reasmory.errors import MemoryFileError
from reasmory.memory import SpatialMemory
from reasmory.memory.geometry import MAX_FOOTPRINT_SIDE, footprint_cells


def _load(tmp_path: Path, data: bytes) -> SpatialMemory:
    path = tmp_path / "crafted.rmem"
    path.write_bytes(data)
    return SpatialMemory.load(path)


CRAFTED = {
    "a manifest that inflates to 1 GB": (lambda: crafted.manifest_bomb(1 << 30), "entry 'manifest.json' is compressed"),
    "an entry asking for zip version 18.2": (crafted.unsupported_entry, "asks for what this reader cannot do (zip file version 18.2)"),
    "an encrypted entry": (lambda: crafted.unsupported_entry(20, 0x1), "asks for zip version 2.0 or encryption"),
    "a zip directory of 5,000 entries": (lambda: crafted.many_entries(5000), "its zip directory lists 5,007 entries"),
    "a points header claiming a billion rows": (lambda: crafted.lying_array(10**9), "buffer is smaller than requested size"),
    "object offsets that do not add up": (lambda: crafted.lying_array(5, "object_offsets"), "object_offsets does not split"),
    "colours fewer than points": (crafted.mismatched_arrays, "array points_rgb has shape (3, 3)"),
    "a NaN point": (lambda: crafted.non_finite("points"), "its point cloud holds coordinates that are not finite"),
    "an infinite object centre": (lambda: crafted.non_finite("centre", math.inf), "object 0 ('thing0') has a box centre"),
    "a NaN floor area": (lambda: crafted.non_finite("area"), "its scene facts"),
    "a point 20 km away": (lambda: crafted.far_away(20_000), "a coordinate 20,000 m from the origin"),
    "a label of a million characters": (lambda: crafted.long_label(1_000_000), "a label of 1,000,000 characters"),
    "other names as a list": (lambda: crafted.bad_attribute("also_called", ["nightstand"]), "has 'also_called' that is not"),
    "other names with words for views": (lambda: crafted.bad_attribute("also_called", {"nightstand": "one"}), "'also_called'"),
    "views as a word": (lambda: crafted.bad_attribute("views", "x"), "has 'views' 'x', not a whole number of frames"),
}


@pytest.mark.parametrize("name", list(CRAFTED))
def test_a_crafted_memory_is_refused_in_one_line(name: str, tmp_path: Path) -> None:
    make, fragment = CRAFTED[name]
    data = make()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with pytest.raises(MemoryFileError) as refused:
        _load(tmp_path, data)
    assert time.perf_counter() - start < 2.0
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024 < 100  # MB: nothing was inflated
    line = refused.value.one_line()
    assert fragment in line and "\n" not in line and line.startswith("cannot load memory")


@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_only_regular_files_are_opened(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "special.rmem"
    os.mkfifo(path) if kind == "fifo" else path.symlink_to("/dev/zero")
    with pytest.raises(MemoryFileError, match="it is not a regular file"):
        SpatialMemory.load(path)


def test_sane_memories_still_load_whole(tmp_path: Path) -> None:
    memory = _load(tmp_path, crafted.far_away(2000))
    assert len(memory.points) == 2 and memory.room_area() < 5
    assert [o.label for o in _load(tmp_path, crafted.escape_label()).objects][1] == "table"


def test_footprints_of_any_span_keep_a_bounded_grid() -> None:
    import numpy as np

    for span in (10.0, 2_000.0, 20_000.0):
        assert footprint_cells(np.zeros(2), np.array([span, span / 3])) <= (MAX_FOOTPRINT_SIDE + 7) ** 2
