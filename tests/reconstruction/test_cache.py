"""The memory cache: keys follow every build setting, entries round-trip, damage and misses rebuild, bad folders refuse."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from reasmory.errors import InputError, MemoryFileError
from reasmory.memory.model import Provenance
from reasmory.memory.reconstruction import run_build
from reasmory.memory.reconstruction import cache as cache_module
from reasmory.memory.reconstruction.cache import MemoryCache, cache_key, hash_files, update_entry
from reasmory.memory.spatial_memory import SpatialMemory
from tests.reconstruction.conftest import manifest_scene


def test_a_backend_setting_changes_the_cache_entry(tmp_path: Path) -> None:
    """pixel_stride is a setting of the rgbd backend, not of the pipeline: a build with another one is not a hit."""
    scene = manifest_scene(tmp_path / "scene")
    fine = run_build(scene, cache_dir=tmp_path / "cache", pixel_stride=1, voxel_size=0.001, progress=False)
    coarse = run_build(scene, cache_dir=tmp_path / "cache", pixel_stride=4, voxel_size=0.001, progress=False)
    assert not coarse.cache_hit and coarse.cache_path != fine.cache_path
    assert len(coarse.memory.points) < len(fine.memory.points) / 4
    again = run_build(scene, cache_dir=tmp_path / "cache", pixel_stride=4, voxel_size=0.001, progress=False)
    assert again.cache_hit and len(again.memory.points) == len(coarse.memory.points)


def test_keys_depend_on_input_settings_and_code(monkeypatch: pytest.MonkeyPatch) -> None:
    key = cache_key("abc", {"backend": "rgbd", "backend_settings": {"pixel_stride": 1}})
    assert len(key) == 32 and key == cache_key("abc", {"backend_settings": {"pixel_stride": 1}, "backend": "rgbd"})
    assert key != cache_key("abd", {"backend": "rgbd", "backend_settings": {"pixel_stride": 1}})
    assert key != cache_key("abc", {"backend": "rgbd", "backend_settings": {"pixel_stride": 2}})
    monkeypatch.setattr(cache_module, "PIPELINE_VERSION", cache_module.PIPELINE_VERSION + 1)
    assert key != cache_key("abc", {"backend": "rgbd", "backend_settings": {"pixel_stride": 1}})


def test_hash_files_covers_names_sizes_and_contents(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    first, second = tmp_path / "a" / "1.bin", tmp_path / "a" / "2.bin"
    first.write_bytes(b"x" * 10)
    second.write_bytes(b"y")
    base = hash_files([first, second])
    assert base == hash_files([first, second]) and len(base) == 64
    assert base != hash_files([second, first])
    second.write_bytes(b"z")
    assert base != hash_files([first, second])
    with pytest.raises(ValueError):
        hash_files([])
    with pytest.raises(InputError) as missing:
        hash_files([tmp_path / "a" / "missing.bin"])
    assert missing.value.message == f"cannot read input file '{tmp_path / 'a' / 'missing.bin'}': No such file or directory"


def _memory(input_hash: str | None = "h" * 64) -> SpatialMemory:
    return SpatialMemory(provenance=Provenance(source="test", backend="rgbd", input_hash=input_hash,
                                               settings={"backend": "rgbd", "on_demand": {"x": 1}}))


def test_get_or_build_builds_once_then_hits(tmp_path: Path) -> None:
    cache, calls = MemoryCache(tmp_path / "c"), []
    build = lambda: calls.append(1) or _memory()  # noqa: E731
    first, hit_first = cache.get_or_build("k", build)
    second, hit_second = cache.get_or_build("k", build)
    assert (hit_first, hit_second, len(calls)) == (False, True, 1)
    assert cache.path("k").is_file() and second.provenance.input_hash == "h" * 64
    assert cache.get("missing") is None


def test_a_damaged_entry_is_deleted_and_missed(tmp_path: Path) -> None:
    cache = MemoryCache(tmp_path)
    cache.get_or_build("k", _memory)
    cache.path("k").write_bytes(b"PK\x03\x04 not a memory")
    assert cache.get("k") is None and not cache.path("k").exists()


def test_entry_for_finds_a_memory_by_its_provenance(tmp_path: Path) -> None:
    cache = MemoryCache(tmp_path)
    memory = _memory()
    key = cache_key(memory.provenance.input_hash, {"backend": "rgbd", "grounding": {}})
    assert cache.entry_for(memory) is None
    cache.get_or_build(key, lambda: memory)
    assert cache.entry_for(memory) == cache.path(key)
    assert cache.entry_for(_memory(input_hash=None)) is None


def test_entry_for_finds_a_memory_read_back_from_its_entry(tmp_path: Path) -> None:
    """Provenance read from a file (keys parsed from JSON, not the literals in the code) finds its own entry."""
    cache = MemoryCache(tmp_path)
    key = cache_key("h" * 64, {"backend": "rgbd", "grounding": {}})
    cache.get_or_build(key, _memory)
    loaded = cache.get(key)
    assert "on_demand" in loaded.provenance.settings and cache.entry_for(loaded) == cache.path(key)


def test_a_cache_folder_is_created_with_its_parents(tmp_path: Path) -> None:
    cache = MemoryCache(tmp_path / "not" / "yet" / "there")
    memory, hit = cache.get_or_build("k", _memory)
    assert not hit and cache.path("k").is_file()


def test_taking_the_lock_clears_a_killed_writers_temporary_files(tmp_path: Path) -> None:
    cache = MemoryCache(tmp_path)
    stale, other = tmp_path / ".k.rmem.x1y2.tmp", tmp_path / ".other.rmem.x1y2.tmp"
    stale.write_bytes(b"half a memory")
    other.write_bytes(b"another key's writer")
    cache.get_or_build("k", _memory)
    assert not stale.exists() and other.exists() and cache.get("k") is not None


def test_a_write_refused_by_the_system_names_the_cache_folder_and_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reasmory.memory import store

    def read_only(src: object, dst: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(store.os, "replace", read_only)
    with pytest.raises(InputError) as info:
        MemoryCache(tmp_path / "c").get_or_build("k", _memory)
    assert info.value.message == f"cannot write to the cache folder '{tmp_path / 'c'}': Read-only file system"


def test_an_entry_path_taken_by_a_folder_is_the_stores_own_error(tmp_path: Path) -> None:
    cache = MemoryCache(tmp_path)
    cache.path("k").mkdir()
    with pytest.raises(MemoryFileError, match="it is a directory"):
        cache.get_or_build("k", _memory)


def test_update_entry_changes_what_is_stored(tmp_path: Path) -> None:
    cache = MemoryCache(tmp_path)
    cache.get_or_build("k", _memory)
    relabel = lambda m: SpatialMemory(m.frames, m.points, m.objects, m.scene, m.provenance, m.arrays, {"a": "b"})  # noqa: E731
    changed = update_entry(cache.path("k"), relabel)
    assert changed.synonyms == {"a": "b"} and cache.get("k").synonyms == {"a": "b"}
    kept = update_entry(cache.path("k"), lambda m: None)
    assert kept.synonyms == {"a": "b"}
    assert update_entry(tmp_path / "absent.rmem", lambda m: m) is None


def test_a_cache_folder_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(InputError, match="cannot write to the cache folder") as info:
        MemoryCache(blocker / "cache").get_or_build("k", _memory)
    assert "--cache-dir" in info.value.hint
    full = MemoryCache(tmp_path)._unwritable(OSError(errno.ENOSPC, "No space left on device"))
    assert "the disk is full" in full.message and full.hint.startswith("free space there")


@pytest.mark.parametrize(("platform", "env", "expected"), [
    ("win32", {"LOCALAPPDATA": "C:/Users/me/AppData/Local"}, "C:/Users/me/AppData/Local/reasmory/Cache"),
    ("win32", {}, "HOME/AppData/Local/reasmory/Cache"),
    ("darwin", {}, "HOME/Library/Caches/reasmory"),
    ("linux", {"XDG_CACHE_HOME": "/xdg"}, "/xdg/reasmory"),
    ("linux", {}, "HOME/.cache/reasmory"),
])
def test_the_default_cache_folder_follows_the_platform(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, platform: str,
                                                       env: dict, expected: str) -> None:
    from reasmory.memory.reconstruction import cache

    for name in ("REASMORY_CACHE_DIR", "LOCALAPPDATA", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(cache.sys, "platform", platform)
    monkeypatch.setattr(cache.Path, "home", classmethod(lambda cls: tmp_path))
    assert cache.default_cache_dir() == Path(expected.replace("HOME", str(tmp_path)))


def test_entries_built_by_the_first_pipeline_are_not_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pipeline version 1 built other memories from the same inputs and settings: its entries are missed and rebuilt."""
    settings = {"backend": "rgbd", "backend_settings": {"pixel_stride": 1}}
    monkeypatch.setattr(cache_module, "PIPELINE_VERSION", 1)
    first = cache_key("abc", settings)
    monkeypatch.undo()
    assert cache_module.code_versions()["pipeline"] > 1 and cache_key("abc", settings) != first
