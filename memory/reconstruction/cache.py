"""The memory cache: built memories keyed by (input content hash, build settings, code versions).

The code versions are the memory format's schema version, `PIPELINE_VERSION` and the installed reasmory
version, so that an upgrade rebuilds what older code built instead of silently reusing it.

Entries are `.rmem` files written through the atomic store, so a reader never
sees half a file. Builds of the same key are serialised by an exclusive
`fcntl.flock` on `<key>.lock` (the lock files stay; they are empty): the
second builder waits, then finds the first one's memory. On systems without
`fcntl` (Windows) builds are not serialised, but still never torn.

Location: the `cache_dir` argument, else `$REASMORY_CACHE_DIR`, else the
platform's user cache folder (`~/.cache/reasmory` on Linux, honouring
`$XDG_CACHE_HOME`; `~/Library/Caches/reasmory` on macOS;
`%LOCALAPPDATA%\\reasmory\\Cache` on Windows).
"""

from __future__ import annotations

import errno
import hashlib
import importlib.metadata
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reasmory.errors import InputError, MemoryFileError
from reasmory.memory import model
from reasmory.memory.spatial_memory import SpatialMemory

ENV_VAR = "REASMORY_CACHE_DIR"
#: Bump when the build pipeline changes what it produces for the same inputs and settings.
PIPELINE_VERSION = 4
_CHUNK = 1 << 20


def default_cache_dir() -> Path:
    """Where memories are cached when no folder is given (see the module docstring)."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local")) / "reasmory" / "Cache"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "reasmory"
    return Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache") / "reasmory"


def hash_files(files: Sequence[Path]) -> str:
    """SHA-256 of the files' names (relative to their common folder), sizes and contents, in order."""
    if not files:
        raise ValueError("nothing to hash")
    paths = [Path(f).resolve() for f in files]
    root = Path(os.path.commonpath([p.parent for p in paths]))
    digest = hashlib.sha256()
    for path in paths:
        try:
            size = path.stat().st_size
            digest.update(f"{path.relative_to(root).as_posix()}\0{size}\0".encode())
            with path.open("rb") as fh:
                while block := fh.read(_CHUNK):
                    digest.update(block)
        except OSError as exc:
            raise InputError(f"cannot read input file '{path}': {exc.strerror or exc}", hint="check the path and permissions") from None
    return digest.hexdigest()


def code_versions() -> dict[str, Any]:
    """What a cached memory depends on besides its input and settings: the memory format and the code that built it."""
    try:
        package = importlib.metadata.version("reasmory")
    except importlib.metadata.PackageNotFoundError:
        package = "unknown"
    return {"memory_format": model.SCHEMA_VERSION, "pipeline": PIPELINE_VERSION, "reasmory": package}


def cache_key(input_hash: str, settings: dict[str, Any]) -> str:
    """The entry name for an input built with `settings` (any JSON-able dict) by this version of the code."""
    blob = json.dumps({"code": code_versions(), "input": input_hash, "settings": settings}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


class MemoryCache:
    """A folder of cached memories; `get_or_build` builds each key at most once, even across processes."""

    def __init__(self, root: str | Path | None = None) -> None:
        self.root = Path(root).expanduser() if root is not None else default_cache_dir()

    def path(self, key: str) -> Path:
        return self.root / f"{key}.rmem"

    def get(self, key: str) -> SpatialMemory | None:
        """The cached memory, or None; a damaged entry is deleted so that it gets rebuilt."""
        path = self.path(key)
        if not path.is_file():
            return None
        try:
            return SpatialMemory.load(path)
        except MemoryFileError:
            path.unlink(missing_ok=True)
            return None

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        """Hold the key's exclusive lock (blocks while another process builds it)."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle = open(self.root / f"{key}.lock", "a+b")  # noqa: SIM115  (closed below, after unlocking)
        except OSError as exc:
            raise self._unwritable(exc) from None
        try:
            if sys.platform != "win32":
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
                for stale in self.root.glob(f".{key}.rmem.*.tmp"):  # a killed writer's; writers hold this lock
                    stale.unlink(missing_ok=True)
            yield
        finally:
            handle.close()  # closing releases the flock

    def get_or_build(self, key: str, build: Callable[[], SpatialMemory]) -> tuple[SpatialMemory, bool]:
        """(memory, True) from the cache, or (freshly built and stored memory, False)."""
        memory = self.get(key)
        if memory is not None:
            return memory, True
        with self.lock(key):
            memory = self.get(key)
            if memory is not None:
                return memory, True
            memory = build()
            self._store(memory, key)
            return memory, False

    def _store(self, memory: SpatialMemory, key: str) -> None:
        """Save an entry (atomically: a failed write leaves no entry), with write failures naming the cache folder."""
        try:
            memory.save(self.path(key))
        except MemoryFileError as exc:
            if isinstance(exc.__cause__, OSError):
                raise self._unwritable(exc.__cause__) from None
            raise

    def _unwritable(self, exc: OSError) -> InputError:
        """The one-line error for a cache folder that cannot be written: full, read-only, not permitted, …"""
        full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
        reason, fix = ("the disk is full", "free space there") if full else (exc.strerror or str(exc), "make it writable")
        return InputError(f"cannot write to the cache folder '{self.root}': {reason}",
                          hint=f"{fix}, or choose another folder with --cache-dir or ${ENV_VAR}")

    def entry_for(self, memory: SpatialMemory) -> Path | None:
        """The entry a built memory is stored under here (its input hash and build settings), or None."""
        prov = memory.provenance
        if prov.input_hash is None:
            return None
        settings = {k: v for k, v in prov.settings.items() if k != "on_demand"}
        settings.setdefault("grounding", {})
        path = self.path(cache_key(prov.input_hash, settings))
        return path if path.is_file() else None


def update_entry(path: Path, change: Callable[[SpatialMemory], SpatialMemory | None]) -> SpatialMemory | None:
    """Change a cache entry in place, under its lock: `change` gets the entry as stored now (another process may
    have grown it meanwhile) and returns the memory to store, or None to leave it; returns what is stored."""
    cache = MemoryCache(path.parent)
    with cache.lock(path.stem):
        current = cache.get(path.stem)
        if current is None:
            return None
        changed = change(current)
        if changed is not None:
            cache._store(changed, path.stem)
        return changed or current
