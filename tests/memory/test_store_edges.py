"""Edges of the `.rmem` store the mutation run found unpinned: the default limit, damaged counts, foreign tags, bad contents."""

from pathlib import Path

import numpy as np
import pytest

from reasmory.benchmarks.memory_io import synthetic_memory
from reasmory.errors import MemoryFileError
from reasmory.memory import SpatialMemory, store


def test_the_default_points_limit_is_fifty_million(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(store.MAX_POINTS_ENV, raising=False)
    assert store.max_points_default() == 50_000_000
    monkeypatch.setenv(store.MAX_POINTS_ENV, "12")
    assert store.max_points_default() == 12


def test_a_count_the_file_is_too_small_to_hold_is_damage_not_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A header whose point count the file cannot hold (a flipped bit) is refused as damaged, not as too large."""
    path = synthetic_memory(2000, n_objects=2).save(tmp_path / "m.rmem")
    monkeypatch.setattr(store, "point_count", lambda p: 10**9)
    with pytest.raises(MemoryFileError, match="checksum mismatch|damaged"):
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))
        store.load_memory(path, max_points=10_000)


def _save_with(path: Path, monkeypatch: pytest.MonkeyPatch, change) -> Path:
    real = store._manifest
    monkeypatch.setattr(store, "_manifest", lambda *args: change(real(*args)))
    memory = synthetic_memory(500, n_objects=1)
    store.save_memory(memory, path)
    monkeypatch.setattr(store, "_manifest", real)
    return path


def test_a_file_with_another_format_tag_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _save_with(tmp_path / "m.rmem", monkeypatch, lambda m: {**m, "format": "another-format"})
    with pytest.raises(MemoryFileError, match="unknown format tag"):
        SpatialMemory.load(path)


def test_missing_contents_are_refused_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _save_with(tmp_path / "m.rmem", monkeypatch, lambda m: {k: v for k, v in m.items() if k != "frames"})
    with pytest.raises(MemoryFileError, match=r"its manifest lists objects and frames that are not lists of at most 100,000"):
        SpatialMemory.load(path)
    path = _save_with(tmp_path / "n.rmem", monkeypatch, lambda m: {k: v for k, v in m.items() if k != "provenance"})
    with pytest.raises(MemoryFileError, match=r"invalid contents \(KeyError: 'provenance'\)"):
        SpatialMemory.load(path)


def test_loaded_solid_boxes_stay_solid(tmp_path: Path) -> None:
    """A ground-truth box read back from disk is still measured as a solid box (0 from a point inside it)."""
    from reasmory.memory.geometry import is_solid_box
    from reasmory.memory.oracle import from_scene
    from reasmory.memory.scene_format import SceneDescription, SceneObject

    memory = from_scene(SceneDescription(objects=[SceneObject(label="crate", center=(0, 0, 0.5), extents=(1, 1, 1))]))
    back = SpatialMemory.load(memory.save(tmp_path / "m.rmem"))
    (crate,) = back.objects
    assert is_solid_box(crate)
    assert back.distances_to_point([crate], np.array([0.0, 0.0, 0.5]))[1].min() == 0.0


def test_write_failures_say_what_the_system_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder")
    with pytest.raises(MemoryFileError, match="cannot write memory to"):
        store.save_memory(synthetic_memory(100, n_objects=1), blocker / "m.rmem")
    monkeypatch.setattr(store.os, "replace", lambda *a: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left on device")))
    with pytest.raises(MemoryFileError) as caught:
        store.save_memory(synthetic_memory(100, n_objects=1), tmp_path / "m.rmem")
    assert caught.value.message.endswith(": No space left on device") and not list(tmp_path.glob(".m.rmem.*"))


def test_read_failures_say_what_the_system_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    path = synthetic_memory(100, n_objects=1).save(tmp_path / "m.rmem")
    refuse = lambda *args, **kwargs: (_ for _ in ()).throw(PermissionError(errno.EACCES, "Permission denied"))  # noqa: E731
    monkeypatch.setattr(store, "open", refuse, raising=False)  # the store reads the file through open()
    with pytest.raises(MemoryFileError) as caught:
        store.load_memory(path)
    assert caught.value.message.endswith(": Permission denied")
