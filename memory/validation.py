"""Memories from other people's files: checked before they are read, and again once they are built.

A `.rmem` checksum proves a file was not damaged, not that it was written by
Reasmory: anyone can compute one. So before anything is parsed, the file must
be a regular file (a FIFO or a device behind a symlink would block or never
end), its zip directory must list few entries, every entry must be stored
uncompressed (the store never compresses, so a compressed entry is crafted, a
possible bomb) with a size that fits in the file, and the manifest must be
small. Once built, every coordinate must be finite and near the origin, every
box of a sane size and every label short, because the geometry, the renders
and the terminal trust them.
"""

from __future__ import annotations

import math
import stat
import struct
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from pydantic_core import from_json

from reasmory.errors import MemoryFileError
from reasmory.memory.spatial_memory import SpatialMemory

#: How far from the origin any coordinate may be, metres: a memory is a scene, not a map.
MAX_COORDINATE_M = 10_000.0
#: The largest side of an object's box, metres.
MAX_EXTENT_M = 1_000.0
#: The longest object label, in characters.
MAX_LABEL_CHARS = 200
#: The largest frame side, in pixels.
MAX_FRAME_SIDE = 65_536
#: The largest manifest (JSON metadata: frames, objects, provenance) read from a `.rmem`.
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
#: The most entries a `.rmem` zip directory may list (a memory has fewer than twenty).
MAX_ENTRIES = 256
_EOCD = struct.Struct("<4s4H2LH")
_EOCD64_LOCATOR = struct.Struct("<4sLQL")
_EOCD64 = struct.Struct("<4sQ2H2L4Q")
_CHUNK = 1 << 20


def refuse(path: Path | str, what: str, hint: str | None = None) -> MemoryFileError:
    return MemoryFileError(f"cannot load memory '{path}': {what}", hint=hint)


def check_regular_file(path: Path) -> int:
    """The file's size, when it is a regular file (symlinks followed); nothing else is opened."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise refuse(path, "no such file", "check the path") from None
    except OSError as exc:
        raise refuse(path, exc.strerror or str(exc)) from None
    if stat.S_ISDIR(info.st_mode):
        raise refuse(path, "it is a directory, not a .rmem file")
    if not stat.S_ISREG(info.st_mode):
        raise refuse(path, "it is not a regular file (a pipe, socket or device)", "give a .rmem file on disk")
    return info.st_size


Reader = Callable[[int, int], bytes]


def file_reader(fh: BinaryIO) -> Reader:
    """`read(offset, n)` over an open file: the directory check reads a few records, never the whole file."""

    def read(offset: int, n: int) -> bytes:
        fh.seek(offset)
        return fh.read(n)

    return read


def check_directory(read: Reader, size: int, comment_length: int, path: Path) -> None:
    """The zip's end record, before zipfile reads the directory: few entries, a directory that fits in the file."""
    end = size - comment_length - _EOCD.size
    if end < 0:
        raise refuse(path, "the file is truncated or damaged (its end is missing)", "rebuild or re-copy it")
    signature, _, _, _, entries, length, offset, _ = _EOCD.unpack(read(end, _EOCD.size))
    if signature != b"PK\x05\x06":
        raise refuse(path, "not a Reasmory memory file (no zip directory where one belongs)")
    if entries == 0xFFFF or length == 0xFFFFFFFF or offset == 0xFFFFFFFF:
        entries, length, offset = _zip64_directory(read, end, path)
    if entries > MAX_ENTRIES:
        raise refuse(path, f"its zip directory lists {entries:,} entries (a memory has fewer than {MAX_ENTRIES})")
    if offset + length > end:
        raise refuse(path, "its zip directory points past the end of the file")


def _zip64_directory(read: Reader, end: int, path: Path) -> tuple[int, int, int]:
    locator = end - _EOCD64_LOCATOR.size
    signature, _, record, _ = _EOCD64_LOCATOR.unpack(read(locator, _EOCD64_LOCATOR.size)) if locator >= 0 else (b"", 0, 0, 0)
    if signature != b"PK\x06\x07" or record + _EOCD64.size > locator:
        raise refuse(path, "its zip64 directory record is missing or damaged")
    fields = _EOCD64.unpack(read(record, _EOCD64.size))
    if fields[0] != b"PK\x06\x06":
        raise refuse(path, "its zip64 directory record is damaged")
    return fields[-3], fields[-2], fields[-1]


#: Zip flag bits zipfile cannot read past: encryption, patched data, strong encryption.
_UNSUPPORTED_FLAGS = 0x1 | 0x20 | 0x40


def check_entries(archive: zipfile.ZipFile, size: int, path: Path) -> None:
    """Every entry stored uncompressed, with sizes that agree and fit in the file; a small manifest."""
    for info in archive.infolist():
        if info.compress_type != zipfile.ZIP_STORED:
            raise refuse(path, f"entry '{info.filename}' is compressed (Reasmory stores every entry uncompressed)")
        if info.extract_version > zipfile.MAX_EXTRACT_VERSION or info.flag_bits & _UNSUPPORTED_FLAGS:
            raise refuse(path, f"entry '{info.filename}' asks for zip version {info.extract_version / 10:.1f} or encryption "
                               "(Reasmory writes plain zip entries)")
        if info.file_size != info.compress_size or info.header_offset + info.file_size > size:
            raise refuse(path, f"entry '{info.filename}' claims a size that does not fit in the file")
        if info.filename == "manifest.json" and info.file_size > MAX_MANIFEST_BYTES:
            raise refuse(path, f"its manifest is {info.file_size:,} bytes, over the limit of {MAX_MANIFEST_BYTES:,}")


def _json_value(raw: bytes) -> Any:
    """The JSON value of `raw` as `json.loads` gives it, parsed by pydantic's JSON reader where it can be.

    pydantic_core is loaded with the memory's models anyway, while the standard library's `json` compiles its
    scanner's patterns on import (2-3 ms of a `reasmory run` that reads one small manifest). What pydantic's reader
    accepts it reads as `json` does; what it refuses (a lone surrogate escape, which `json.dumps` writes for such a
    label, a byte-order mark, nesting over 200 deep, or no JSON at all) goes to `json`, which accepts or refuses it,
    and words the error, as before."""
    try:
        return from_json(raw)
    except ValueError:
        import json

        return json.loads(raw)


def read_manifest(archive: zipfile.ZipFile, path: Path) -> dict[str, Any]:
    """The manifest's JSON, read no further than its limit and parsed with errors as one line."""
    try:
        with archive.open("manifest.json") as fh:
            raw = fh.read(MAX_MANIFEST_BYTES + 1)
        if len(raw) > MAX_MANIFEST_BYTES:
            raise refuse(path, f"its manifest is over the limit of {MAX_MANIFEST_BYTES:,} bytes")
        manifest = _json_value(raw)
    except (zipfile.BadZipFile, KeyError, ValueError, RecursionError, NotImplementedError, RuntimeError) as exc:
        raise refuse(path, f"unreadable manifest ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})") from None
    if not isinstance(manifest, dict):
        raise refuse(path, "unreadable manifest (not a JSON object)")
    return manifest


#: Shapes of the arrays every memory has: (rows, columns) with None for "the same N" within a group.
_POINT_ARRAYS = {"points_xyz": 3, "points_rgb": 3, "points_frame": 0, "points_confidence": 0}
#: The most objects and frames a manifest may describe (each becomes a model in memory).
MAX_OBJECTS = 100_000
MAX_FRAMES = 100_000


def check_arrays(arrays: dict[str, np.ndarray], manifest: dict[str, Any], path: Path) -> None:
    """Arrays whose shapes and kinds agree with each other and with the manifest's objects (a file can lie about both)."""
    objects, frames = manifest.get("objects"), manifest.get("frames")
    if not isinstance(objects, list) or not isinstance(frames, list) or len(objects) > MAX_OBJECTS or len(frames) > MAX_FRAMES:
        raise refuse(path, f"its manifest lists objects and frames that are not lists of at most {MAX_OBJECTS:,}")
    missing = [name for name in [*_POINT_ARRAYS, "object_points", "object_offsets"] if name not in arrays]
    if missing:
        raise refuse(path, f"it has no array {missing[0]}")
    n = len(arrays["points_xyz"])
    for name, columns in _POINT_ARRAYS.items():
        a = arrays[name]
        if a.dtype.kind not in "fiu" or a.shape != ((n, columns) if columns else (n,)):
            raise refuse(path, f"array {name} has shape {a.shape} and kind {a.dtype.str}, which do not match {n:,} points")
    points, offsets = arrays["object_points"], arrays["object_offsets"]
    if points.dtype.kind != "f" or points.ndim != 2 or points.shape[1] != 3:
        raise refuse(path, f"array object_points has shape {points.shape}, not (M, 3) numbers")
    if (offsets.dtype.kind not in "iu" or offsets.shape != (len(objects) + 1,) or (len(offsets) and offsets[0] != 0)
            or np.any(np.diff(offsets) < 0) or offsets[-1] != len(points)):
        raise refuse(path, "array object_offsets does not split the object points among the manifest's objects")


# ----- contents ------------------------------------------------------------------------------------------------------

def _coordinates_problem(xyz: np.ndarray, what: str) -> str | None:
    """Why (N, 3) coordinates are unusable, checked in chunks (no full-size temporaries), or None."""
    flat = np.asarray(xyz).reshape(-1)
    for start in range(0, len(flat), _CHUNK):
        chunk = flat[start : start + _CHUNK]
        if not np.isfinite(chunk).all():
            return f"{what} holds coordinates that are not finite (NaN or infinity)"
        if len(chunk) and float(np.abs(chunk).max()) > MAX_COORDINATE_M:
            return f"{what} holds a coordinate {float(np.abs(chunk).max()):,.0f} m from the origin, over the limit of {MAX_COORDINATE_M:,.0f} m"
    return None


def _numbers(values: Iterable[float]) -> bool:
    return all(math.isfinite(float(v)) for v in values)


def contents_problem(memory: SpatialMemory) -> str | None:
    """Why a built memory cannot be trusted by the geometry, the renders and the terminal, or None."""
    found = _coordinates_problem(memory.points.xyz, "its point cloud")
    if found:
        return found
    for obj in memory.objects:
        where = f"object {obj.id}"
        if not obj.label or len(obj.label) > MAX_LABEL_CHARS:
            return f"{where} has a label of {len(obj.label):,} characters (1 to {MAX_LABEL_CHARS} allowed)"
        box = obj.box
        if not _numbers(box.center) or max(abs(c) for c in box.center) > MAX_COORDINATE_M:
            return f"{where} ('{obj.label[:40]}') has a box centre that is not finite or is over {MAX_COORDINATE_M:,.0f} m from the origin"
        if max(box.extents) > MAX_EXTENT_M:
            return f"{where} ('{obj.label[:40]}') has a box {max(box.extents):,.0f} m long, over the limit of {MAX_EXTENT_M:,.0f} m"
        if not math.isfinite(obj.score) or not _numbers(v for b in obj.boxes_2d.values() for v in b):
            return f"{where} ('{obj.label[:40]}') has a score or 2D box that is not finite"
        found = _coordinates_problem(obj.points, f"{where} ('{obj.label[:40]}')") or _attributes_problem(obj, where)
        if found:
            return found
    return _frames_problem(memory) or _scene_problem(memory)


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _attributes_problem(obj: Any, where: str) -> str | None:
    """What is wrong with the attributes the object index and the evidence read, or None: `views` a whole number of
    frames, `also_called` the other names views gave the object (labels like any other) with their numbers of views."""
    views, names = obj.attributes.get("views", 0), obj.attributes.get("also_called", {})
    if not _count(views):
        return f"{where} ('{obj.label[:40]}') has 'views' {str(views)[:40]!r}, not a whole number of frames"
    if not isinstance(names, dict) or not all(isinstance(name, str) and 0 < len(name) <= MAX_LABEL_CHARS and _count(n)
                                              for name, n in names.items()):
        return (f"{where} ('{obj.label[:40]}') has 'also_called' that is not other names (1 to {MAX_LABEL_CHARS} "
                f"characters) each with its number of views")
    return None


def _frames_problem(memory: SpatialMemory) -> str | None:
    for frame in memory.frames:
        where = f"frame {frame.index}"
        if max(frame.width, frame.height) > MAX_FRAME_SIDE:
            return f"{where} is {frame.width}×{frame.height} pixels, over the limit of {MAX_FRAME_SIDE:,} per side"
        if not (_numbers(v for row in frame.K for v in row) and _numbers(v for row in frame.pose for v in row)
                and math.isfinite(frame.timestamp)):
            return f"{where} has a camera matrix, pose or time that is not finite"
        if len(frame.pose) != 4 or max(abs(v) for v in frame.position) > MAX_COORDINATE_M:
            return f"{where} has a camera pose that is not 4×4 or is over {MAX_COORDINATE_M:,.0f} m from the origin"
    return None


def _scene_problem(memory: SpatialMemory) -> str | None:
    scene = memory.scene
    polygon = [v for p in scene.floor_polygon or [] for v in p]
    if not _numbers([scene.floor_z, scene.scale.factor, scene.scale.spread, *polygon]) or (
            scene.floor_area is not None and not (math.isfinite(scene.floor_area) and scene.floor_area >= 0)):
        return "its scene facts (floor height, area or polygon, scale) hold numbers that are not finite"
    if polygon and max(abs(v) for v in polygon) > MAX_COORDINATE_M:
        return f"its floor polygon reaches over {MAX_COORDINATE_M:,.0f} m from the origin"
    return None


def check_contents(memory: SpatialMemory, path: Path | str) -> SpatialMemory:
    """The memory, once its contents are usable; else a one-line MemoryFileError naming the file and the problem."""
    problem = contents_problem(memory)
    if problem:
        raise refuse(path, problem, "rebuild it, or fix the file it was built from")
    return memory
