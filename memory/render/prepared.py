"""The render preparation of a memory file, kept on disk so that the next process need not compute it.

A folder per memory under the cache folder: `render/<memory id>-v<version>/`
(the id is the `.rmem` file's checksum), holding the drawable points already
in block order as `.npy` files. They are mapped, not read: a render touches
only the pages of the blocks it draws. The folder is written under a
temporary name and renamed when complete; one that is damaged or does not
fit the memory is ignored (and replaced by the next preparation).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reasmory.memory.render.lod import Blocks
from reasmory.memory.spatial_memory import SpatialMemory

#: Change when spacings, block orders or this layout change: older folders are then simply not read.
VERSION = 2


@dataclass(frozen=True)
class Preparation:
    """The drawable points in block order: xyz (3, N) float32, spacing (N,) float32, rgb (N, 3) uint8, normal (N, 3)
    float32 or None where no point has one, and the blocks."""

    xyz: np.ndarray
    spacing: np.ndarray
    rgb: np.ndarray
    normal: np.ndarray | None
    blocks: Blocks


def _folder(memory: SpatialMemory) -> Path | None:
    if memory.memory_id is None:
        return None
    from reasmory.memory.reconstruction.cache import default_cache_dir

    return default_cache_dir() / "render" / f"{memory.memory_id}-v{VERSION}"


def stored(memory: SpatialMemory, points: int) -> Preparation | None:
    """The preparation kept for this memory's file, mapped copy-on-write, if there is a sound one of `points` points."""
    folder = _folder(memory)
    if folder is None or not folder.is_dir():
        return None
    try:
        arrays = {path.stem: np.load(path, mmap_mode="c", allow_pickle=False) for path in folder.glob("*.npy")}
        preparation = Preparation(arrays["xyz"], arrays["spacing"], arrays["rgb"], arrays.get("normal"),
                                  Blocks(*(np.asarray(arrays[f"blocks_{f}"]) for f in Blocks.FIELDS)))
    except (OSError, ValueError, KeyError, EOFError):
        return None
    shapes_fit = (preparation.xyz.shape == (3, points) and preparation.spacing.shape == (points,)
                  and preparation.rgb.shape == (points, 3)
                  and (preparation.normal is None or preparation.normal.shape == (points, 3)))
    if not shapes_fit or int(preparation.blocks.count.sum()) != points:
        return None
    return preparation


def store(memory: SpatialMemory, preparation: Preparation) -> None:
    """Keep the preparation for the next process (best effort: a cache that cannot be written is skipped)."""
    folder = _folder(memory)
    if folder is None:
        return
    arrays = {"xyz": preparation.xyz, "spacing": preparation.spacing, "rgb": preparation.rgb,
              **({"normal": preparation.normal} if preparation.normal is not None else {}),
              **{f"blocks_{f}": getattr(preparation.blocks, f) for f in Blocks.FIELDS}}
    with contextlib.suppress(OSError):
        folder.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        try:
            for name, array in arrays.items():
                np.save(temporary / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
            if folder.exists():  # a damaged or older one
                shutil.rmtree(folder)
            temporary.rename(folder)
        finally:
            shutil.rmtree(temporary, ignore_errors=True)
