"""CPU renders take the threads that are free, one when other processes keep the cores busy."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from reasmory.memory.render import threads


def test_threads_follow_what_other_processes_are_running(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threads, "FIXED_THREADS", None)
    monkeypatch.setattr(threads.os, "cpu_count", lambda: 2)
    for busy, expected in ((0, 2), (1, 1), (5, 1), (None, 2)):
        monkeypatch.setattr(threads, "busy_elsewhere", lambda b=busy: b)
        assert threads.render_threads(2) == expected
    monkeypatch.setattr(threads, "FIXED_THREADS", 3)
    assert threads.render_threads(2) == 3


def test_the_setting_is_restored_and_nested_renders_keep_it(monkeypatch: pytest.MonkeyPatch) -> None:
    before = torch.get_num_threads()
    monkeypatch.setattr(threads, "render_threads", lambda available: 1)
    with threads.cpu_threads(torch.device("cpu")):
        assert torch.get_num_threads() == 1
        monkeypatch.setattr(threads, "render_threads", lambda available: 7)
        with threads.cpu_threads(torch.device("cpu")):
            assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before and threads.last_threads == 1


def test_this_machine_can_be_read() -> None:
    busy = threads.busy_elsewhere()
    assert busy is None or busy >= 0


def test_pieces_drawn_on_several_threads_make_the_picture_one_thread_makes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each thread fills a z-buffer of its own and the z-buffers are merged: the nearest point still wins everywhere."""
    from reasmory.benchmarks.render import cameras, room_memory
    from reasmory.memory.render import rasterize, render_cloud, view

    monkeypatch.setattr(view, "CHUNK", 4096)  # many pieces, so that every thread draws several
    cloud = render_cloud(room_memory(200_000))
    pictures = []
    for count in (1, 2, 3):
        monkeypatch.setattr(threads, "FIXED_THREADS", count)
        pictures.append([rasterize(cloud, camera) for camera in cameras()])
        assert threads.last_threads == count
    for several in pictures[1:]:
        for one, other in zip(pictures[0], several):
            assert np.array_equal(one.index, other.index) and np.array_equal(one.depth, other.depth)
