"""CPU renders take the threads that are free, one when other processes keep the cores busy."""

from __future__ import annotations

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
