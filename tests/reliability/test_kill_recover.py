"""Store integrity under SIGKILL: a writer killed at a random moment never leaves a partial memory behind.

Each iteration forks a writer that, forever, rebuilds memories into a build cache (`MemoryCache.get_or_build`,
under the key's flock) and saves them straight into a store folder (`SpatialMemory.save`), and kills it with
SIGKILL after a random delay: while it builds, while it writes an entry, between writes. Then every `.rmem`
present must load whole (checksum verified) with the contents its name promises, every other file must be a
lock file or a writer's temporary file (which no loader reads), and the next run must load or rebuild every
key cleanly, without waiting on a lock the dead writer held.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import random
import signal
import time
import traceback
from collections import Counter
from pathlib import Path

import pytest
from reasmory.benchmarks.memory_io import synthetic_memory
from reasmory.memory import SpatialMemory
from reasmory.memory.reconstruction.cache import MemoryCache

ITERATIONS = 200
KEYS = ("a", "b")
POINTS = 50_000
MAX_DELAY_S = 0.04
PHASES = {b"B": "building", b"S": "writing the cache entry", b"D": "writing the store file", b"L": "between writes"}


def memory_for(key: str) -> SpatialMemory:
    return synthetic_memory(POINTS, n_objects=6, seed=KEYS.index(key))


def fingerprint(memory: SpatialMemory) -> str:
    return hashlib.sha256(memory.points.xyz.tobytes() + memory.points.rgb.tobytes()).hexdigest()


def writer(cache_dir: Path, store_dir: Path, report: int) -> None:
    """The child: rebuild each key into the cache and save it into the store, forever, reporting its phase."""
    cache = MemoryCache(cache_dir)

    def build(key: str) -> SpatialMemory:
        os.write(report, b"B")
        memory = memory_for(key)
        os.write(report, b"S")
        return memory

    for key in itertools.cycle(KEYS):
        cache.path(key).unlink(missing_ok=True)  # so that every round builds and writes
        cache.get_or_build(key, lambda key=key: build(key))
        os.write(report, b"D")
        memory_for(key).save(store_dir / f"{key}.rmem")
        os.write(report, b"L")


def kill_a_writer(cache_dir: Path, store_dir: Path, delay: float) -> str:
    """Fork a writer, SIGKILL it after `delay` seconds; the phase it was in when it died."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child never returns into pytest
        try:
            os.close(read)
            writer(cache_dir, store_dir, write)
        except Exception:  # noqa: BLE001  (shown, and the parent sees an exit instead of a kill)
            traceback.print_exc()
        finally:
            os._exit(1)
    os.close(write)
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, "the writer failed before it was killed"
    marks = b"".join(iter(lambda: os.read(read, 1 << 16), b""))
    os.close(read)
    return PHASES[marks[-1:]] if marks else "starting"


def check_folder(root: Path, expected: dict[str, str]) -> int:
    """Every .rmem loads whole with its key's contents; anything else is a lock or a temporary file (removed here, counted)."""
    temporaries = 0
    for path in root.iterdir():
        if path.suffix == ".rmem":
            assert fingerprint(SpatialMemory.load(path)) == expected[path.stem], path
        elif path.name.startswith(".") and path.suffix == ".tmp":
            temporaries += 1
            path.unlink()
        else:
            assert path.suffix == ".lock", path
    return temporaries


def recover(cache: MemoryCache, expected: dict[str, str]) -> int:
    """The next run: every key loads or is rebuilt, with its contents; returns how many were rebuilt."""
    rebuilt = 0
    for key in KEYS:
        memory, hit = cache.get_or_build(key, lambda key=key: memory_for(key))
        assert fingerprint(memory) == expected[key]
        rebuilt += not hit
    return rebuilt


# Earlier tests may leave threads (tqdm's monitor) in this process; a child that inherited one of their locks and
# hung would still be killed on time, and the count of kills that landed mid-write shows the children did work.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_writer_killed_at_random_leaves_only_whole_memories(tmp_path: Path) -> None:
    cache_dir, store_dir = tmp_path / "cache", tmp_path / "store"
    cache_dir.mkdir()
    store_dir.mkdir()
    cache = MemoryCache(cache_dir)
    expected = {key: fingerprint(memory_for(key)) for key in KEYS}
    rng = random.Random(20261126)
    phases: Counter[str] = Counter()
    temporaries = rebuilt = 0
    start = time.perf_counter()
    for _ in range(ITERATIONS):
        phases[kill_a_writer(cache_dir, store_dir, rng.uniform(0, MAX_DELAY_S))] += 1
        temporaries += check_folder(cache_dir, expected) + check_folder(store_dir, expected)
        rebuilt += recover(cache, expected)
    seconds = time.perf_counter() - start
    print(f"\n{ITERATIONS} kills in {seconds:.1f} s: {dict(phases)}; {temporaries} temporary files left by killed "
          f"writes (never read, removed by the test); {rebuilt} cache entries rebuilt by the next run")
    assert phases["writing the cache entry"] + phases["writing the store file"] >= ITERATIONS // 10  # kills did land mid-write
    assert temporaries > 0

