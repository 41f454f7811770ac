"""The `.rmem` store: bit-exact round trips, and refusal of anything damaged."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from reasmory.benchmarks.memory_io import synthetic_memory
from reasmory.errors import InputError, MemoryFileError
from reasmory.memory import SpatialMemory
from reasmory.memory.model import MemoryArrays
from reasmory.memory.store import save_memory


@pytest.fixture()
def saved(tmp_path: Path) -> tuple[SpatialMemory, Path]:
    mem = synthetic_memory(5000, n_objects=6)
    mem.arrays = MemoryArrays(
        depth=np.random.default_rng(0).random((3, 8, 10), dtype=np.float32),
        extra={"instance": np.arange(240, dtype=np.int32).reshape(3, 8, 10)},
    )
    return mem, mem.save(tmp_path / "m.rmem")


def test_round_trip_is_bit_exact(saved: tuple[SpatialMemory, Path]) -> None:
    mem, path = saved
    back = SpatialMemory.load(path)
    for name in ("xyz", "rgb", "frame", "confidence"):
        a, b = getattr(mem.points, name), getattr(back.points, name)
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()
    for a, b in zip(mem.objects, back.objects, strict=True):
        assert a.model_dump() == b.model_dump()
        assert a.points.tobytes() == b.points.tobytes()
    assert back.arrays.depth.tobytes() == mem.arrays.depth.tobytes()
    assert back.arrays.extra["instance"].tobytes() == mem.arrays.extra["instance"].tobytes()
    assert back.scene == mem.scene and back.provenance == mem.provenance
    assert back.memory_id == mem.memory_id


def test_the_points_limit_holds_at_the_boundary(saved: tuple[SpatialMemory, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Object points count too: a memory is as large as all its points."""
    mem, path = saved
    n = len(mem.points) + sum(len(o.points) for o in mem.objects)
    assert len(SpatialMemory.load(path, max_points=n).points) == len(mem.points)
    with pytest.raises(InputError, match=f"holds {n:,} points, over the limit of {n - 1:,}") as caught:
        SpatialMemory.load(path, max_points=n - 1)
    assert "REASMORY_MAX_POINTS" in (caught.value.hint or "")
    monkeypatch.setenv("REASMORY_MAX_POINTS", str(n - 1))
    with pytest.raises(InputError, match="over the limit"):
        SpatialMemory.load(path)
    monkeypatch.setenv("REASMORY_MAX_POINTS", "many")
    with pytest.raises(InputError, match="is not a whole number"):
        SpatialMemory.load(path)


def test_the_points_limit_is_checked_before_the_file_is_read(saved: tuple[SpatialMemory, Path], monkeypatch) -> None:
    from reasmory.memory import store

    real_read = store._verified_bytes
    monkeypatch.setattr(store, "_verified_bytes", lambda path: pytest.fail("the whole file was read"))
    with pytest.raises(InputError, match="over the limit"):
        SpatialMemory.load(saved[1], max_points=10)
    monkeypatch.setattr(store, "_verified_bytes", real_read)
    monkeypatch.setattr(store, "point_count", lambda path: None)  # a header that could not be peeked at
    with pytest.raises(InputError, match="over the limit"):
        SpatialMemory.load(saved[1], max_points=10)


def test_loaded_arrays_are_read_only(saved: tuple[SpatialMemory, Path]) -> None:
    back = SpatialMemory.load(saved[1])
    with pytest.raises(ValueError):
        back.points.xyz[0, 0] = 1.0


@pytest.mark.parametrize("fraction", [0.0, 0.001, 0.02, 0.3, 0.5, 0.77, 0.98, 0.999])
def test_any_flipped_byte_is_refused(saved: tuple[SpatialMemory, Path], fraction: float) -> None:
    path = saved[1]
    data = bytearray(path.read_bytes())
    pos = min(len(data) - 1, int(fraction * len(data)))
    data[pos] ^= 0x20
    path.write_bytes(bytes(data))
    with pytest.raises(MemoryFileError, match="cannot load memory"):
        SpatialMemory.load(path)


def test_every_byte_of_a_small_file_is_covered(tmp_path: Path) -> None:
    path = synthetic_memory(20, n_objects=2).save(tmp_path / "s.rmem")
    original = path.read_bytes()
    for pos in range(0, len(original), 7):
        data = bytearray(original)
        data[pos] ^= 0x01
        path.write_bytes(bytes(data))
        with pytest.raises(MemoryFileError):
            SpatialMemory.load(path)


def test_files_checksummed_with_sha256_still_load_and_are_still_checked(saved: tuple[SpatialMemory, Path]) -> None:
    """Files written before the checksum became BLAKE3 carry "RMEM1 sha256:": read and verified as such."""
    import hashlib

    mem, path = saved
    data = path.read_bytes()
    assert data[-77:-64] == b"RMEM1 blake3:"
    body = data[:-77] + b"RMEM1 sha256:"
    digest = hashlib.sha256(body).hexdigest()
    path.write_bytes(body + digest.encode())
    back = SpatialMemory.load(path)
    assert back.memory_id == digest[:16] and back.points.xyz.tobytes() == mem.points.xyz.tobytes()
    path.write_bytes(body + hashlib.sha256(body[1:]).hexdigest().encode())
    with pytest.raises(MemoryFileError, match="checksum mismatch"):
        SpatialMemory.load(path)


@pytest.mark.parametrize("keep", [0.0, 0.1, 0.5, 0.99])
def test_truncated_file_is_refused(saved: tuple[SpatialMemory, Path], keep: float) -> None:
    path = saved[1]
    data = path.read_bytes()
    path.write_bytes(data[: int(keep * len(data))])
    with pytest.raises(MemoryFileError):
        SpatialMemory.load(path)


def test_newer_schema_version_is_refused_with_upgrade_hint(tmp_path: Path) -> None:
    path = save_memory(synthetic_memory(100), tmp_path / "new.rmem", _schema_version=99)
    with pytest.raises(MemoryFileError, match="newer Reasmory") as info:
        SpatialMemory.load(path)
    assert "upgrade" in info.value.hint


def test_foreign_zip_and_non_zip_are_refused(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.rmem"
    with zipfile.ZipFile(foreign, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(MemoryFileError, match="not a Reasmory memory"):
        SpatialMemory.load(foreign)
    text = tmp_path / "text.rmem"
    text.write_text("just text")
    with pytest.raises(MemoryFileError, match="not a zip"):
        SpatialMemory.load(text)
    with pytest.raises(MemoryFileError, match="no such file"):
        SpatialMemory.load(tmp_path / "absent.rmem")


def test_failed_save_leaves_old_file_and_no_temporary(saved: tuple[SpatialMemory, Path], monkeypatch) -> None:
    mem, path = saved
    before = path.read_bytes()

    from reasmory.memory import store

    real_write = store._write_array

    def boom(zf, name, arr):
        real_write(zf, name, arr[: len(arr) // 2])  # half an array reached the disk
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "_write_array", boom)
    with pytest.raises(MemoryFileError, match="No space left"):
        mem.save(path)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_save_reaches_the_disk_before_the_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A power cut after the rename must not leave an empty file where the old memory was: fsync, rename, folder fsync."""
    from reasmory.memory import store

    events: list[str] = []
    fsync, replace = os.fsync, os.replace
    monkeypatch.setattr(store.os, "fsync", lambda fd: (events.append("fsync"), fsync(fd))[1])
    monkeypatch.setattr(store.os, "replace", lambda a, b: (events.append("rename"), replace(a, b))[1])
    synthetic_memory(100).save(tmp_path / "m.rmem")
    assert events == ["fsync", "rename", "fsync"]


def test_save_into_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(MemoryFileError, match="directory"):
        synthetic_memory(10).save(tmp_path)


@pytest.mark.parametrize("damage", ["flip", "truncate", "future"])
def test_cli_memory_info_refuses_damaged_files_in_one_line(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "d.rmem"
    if damage == "future":
        save_memory(synthetic_memory(100), path, _schema_version=2)
    else:
        synthetic_memory(1000).save(path)
        data = bytearray(path.read_bytes())
        if damage == "flip":
            data[len(data) // 2] ^= 0xFF
        else:
            data = data[: len(data) // 2]
        path.write_bytes(bytes(data))
    proc = subprocess.run(
        [sys.executable, "-m", "reasmory", "memory", "info", str(path)],
        capture_output=True, text=True, env={**os.environ, "COLUMNS": "400", "NO_COLOR": "1"},
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot load memory"), proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


@pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="no posix_fadvise on this system")
def test_a_save_over_a_memory_lets_its_cached_pages_go_first_and_keeps_it_until_the_rename(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The replaced file's page cache is dropped before the new file is written (so its pages are reused), which
    leaves the old file whole on disk: a failed save still leaves it readable."""
    from reasmory.memory import store

    path = tmp_path / "m.rmem"
    synthetic_memory(100).save(path)
    before = path.read_bytes()
    advised: list[tuple[str, int]] = []
    fadvise = os.posix_fadvise
    monkeypatch.setattr(store.os, "posix_fadvise", lambda fd, offset, length, advice: (
        advised.append((os.readlink(f"/proc/self/fd/{fd}") if os.path.exists("/proc/self/fd") else str(path), advice)),
        fadvise(fd, offset, length, advice))[1])
    monkeypatch.setattr(store, "_write_array", lambda *a: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    with pytest.raises(MemoryFileError):
        synthetic_memory(200).save(path)
    assert advised == [(str(path.resolve()), os.POSIX_FADV_DONTNEED)]
    assert path.read_bytes() == before and SpatialMemory.load(path).points.xyz.shape == (100, 3)
    store._release_cached_pages(tmp_path / "missing.rmem")  # nothing to release: no error


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_save_over_a_fifo_does_not_wait_for_a_writer(tmp_path: Path) -> None:
    """Letting the replaced file's pages go must not open a FIFO for reading and block: the save replaces it."""
    path = tmp_path / "pipe.rmem"
    os.mkfifo(path)
    script = f"from reasmory.benchmarks.memory_io import synthetic_memory; synthetic_memory(10).save({str(path)!r})"
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    assert SpatialMemory.load(path).points.xyz.shape == (10, 3)
