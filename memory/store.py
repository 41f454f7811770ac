"""The `.rmem` store: one zip file, a JSON manifest and `.npy` arrays, written atomically.

Layout (all entries stored uncompressed, so arrays load without copying):

    manifest.json           format tag, schema version, metadata, array table
    arrays/<name>.npy       bulk data (points, object points, rasters)
    zip comment             "RMEM1 blake3:" + hex digest of every byte before the comment
                            (files written before 2026-12 carry "RMEM1 sha256:", still read)

The digest covers the whole file (headers, manifest, arrays, directory), so a
flipped byte or a truncated file anywhere is refused before anything is parsed.
It is computed while the file is written (arrays go to disk straight from
their memory, each chunk hashed as it is written) and while it is read
(chunks hashed as they arrive), so neither direction makes a second pass.
BLAKE3 (one thread, SIMD) hashes 2.6× faster than SHA-256 with the CPU's SHA
instructions here: on a busy machine the hash gets no core of its own, and
SHA-256 alone took as long as `np.savez` writing the same arrays.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import stat
import struct
import tempfile
import zipfile
from tokenize import TokenError
from pathlib import Path
from typing import Any

import numpy as np
from blake3 import blake3
from pydantic import ValidationError

from reasmory.errors import InputError, MemoryFileError
from reasmory.memory.model import (
    SCHEMA_VERSION,
    Frame,
    MemoryArrays,
    ObjectInstance,
    PointCloud,
    Provenance,
    SceneFacts,
)
from reasmory.memory.spatial_memory import SpatialMemory
from reasmory.memory.validation import (
    check_arrays, check_contents, check_directory, check_entries, check_regular_file, file_reader, read_manifest,
)

FORMAT_TAG = "reasmory-memory"
MAX_POINTS_ENV = "REASMORY_MAX_POINTS"
DEFAULT_MAX_POINTS = 50_000_000
_COMMENT_PREFIX = b"RMEM1 blake3:"
#: The digest each comment prefix names (both 256 bits, 64 hex digits: the comment's length is the same).
_ALGORITHMS = {_COMMENT_PREFIX: "blake3", b"RMEM1 sha256:": "sha256"}
_COMMENT_LEN = len(_COMMENT_PREFIX) + 64
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
#: Bytes per write and per read. Each chunk is read three times on its way out (zip's CRC-32, the copy into the page
#: cache, BLAKE3): 2 MB stays in the core's caches between the three, 8 MB did not (measured on a 5M-point memory:
#: saves 1.0–1.2× `np.savez` + fsync with 2 MB chunks, 1.4–1.8× with 8 MB, in the same rounds).
_CHUNK = 2 << 20
#: The longest `.npy` header numpy reads (its default `max_header_size`): a longer one is refused as unsafe.
_MAX_HEADER_BYTES = 10_000


def _hasher(algorithm: str = "blake3") -> Any:
    """A fresh digest of the named algorithm (`update`, `hexdigest`), hashed in the calling thread: on a busy 2-core
    machine a hashing thread fought the writes for the GIL and a core (measured: saves 1.55× `np.savez` + fsync
    with one, 1.22× without)."""
    return blake3() if algorithm == "blake3" else hashlib.new(algorithm)


class _HashingWriter:
    """A forward-only file for zipfile that hashes every byte written except the last 64 (the digest's place)."""

    def __init__(self, fh: io.BufferedIOBase) -> None:
        self._fh, self._position, self._tail = fh, 0, b""
        self.hasher = _hasher()

    def write(self, data: bytes | memoryview) -> int:
        view = memoryview(data).cast("B")
        self._fh.write(view)
        self._position += len(view)
        if len(view) >= 64:
            self.hasher.update(self._tail)
            self.hasher.update(view[:-64])
            self._tail = bytes(view[-64:])
        else:
            joined = self._tail + bytes(view)
            self.hasher.update(joined[:-64])
            self._tail = joined[-64:]
        return len(view)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        self._fh.flush()


def _collect_arrays(memory: SpatialMemory) -> dict[str, np.ndarray]:
    pts = memory.points
    counts = [len(o.points) for o in memory.objects]
    arrays: dict[str, np.ndarray] = {
        "points_xyz": pts.xyz,
        "points_rgb": pts.rgb,
        "points_frame": pts.frame,
        "points_confidence": pts.confidence,
        "object_points": (
            np.concatenate([np.asarray(o.points, np.float32).reshape(-1, 3) for o in memory.objects])
            if memory.objects
            else np.zeros((0, 3), np.float32)
        ),
        "object_offsets": np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
    }
    if memory.arrays.depth is not None:
        arrays["depth"] = memory.arrays.depth
    if memory.arrays.confidence is not None:
        arrays["confidence"] = memory.arrays.confidence
    arrays.update({f"extra_{k}": v for k, v in memory.arrays.extra.items()})
    return {k: np.ascontiguousarray(v) for k, v in arrays.items()}


def _manifest(memory: SpatialMemory, arrays: dict[str, np.ndarray], schema_version: int) -> dict[str, Any]:
    return {
        "format": FORMAT_TAG,
        "schema_version": schema_version,
        "frames": [f.model_dump(mode="json") for f in memory.frames],
        "objects": [o.model_dump(mode="json") for o in memory.objects],
        "scene": memory.scene.model_dump(mode="json"),
        "provenance": memory.provenance.model_dump(mode="json"),
        "synonyms": memory.synonyms,
        "arrays": {k: {"dtype": v.dtype.str, "shape": list(v.shape)} for k, v in arrays.items()},
    }


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (best effort: some file systems cannot open or sync a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def save_memory(memory: SpatialMemory, path: str | Path, *, _schema_version: int = SCHEMA_VERSION) -> Path:
    """Write `memory` to `path` atomically and durably: a temporary file in the same folder, forced to disk, then
    renamed over `path` (a power cut leaves the old file or the new one, never a torn or empty one)."""
    import json  # writing alone: a memory is read with pydantic's JSON reader (`validation.read_manifest`)

    path = Path(path)
    if path.is_dir():
        raise MemoryFileError(f"cannot write memory to '{path}': it is a directory", hint="give a file name ending in .rmem")
    parent = path.parent if str(path.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise MemoryFileError(f"cannot write memory to '{path}': {exc.strerror or exc}", hint="choose a writable folder") from exc
    tmp = Path(tmp_name)
    _release_cached_pages(path)
    try:
        with os.fdopen(fd, "w+b") as fh:
            arrays = _collect_arrays(memory)
            writer = _HashingWriter(fh)
            with zipfile.ZipFile(writer, "w", compression=zipfile.ZIP_STORED) as zf:  # type: ignore[arg-type]
                zf.writestr(zipfile.ZipInfo("manifest.json"), json.dumps(_manifest(memory, arrays, _schema_version)))
                for name, arr in arrays.items():
                    _write_array(zf, f"arrays/{name}.npy", arr)
                zf.comment = _COMMENT_PREFIX + b"0" * 64
            digest = writer.hasher.hexdigest()
            fh.seek(-64, os.SEEK_END)
            fh.write(digest.encode())
            fh.flush()
            os.fsync(fh.fileno())  # on disk before the rename: after a power cut, the old file or the whole new one
        os.replace(tmp, path)
        _sync_folder(parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise MemoryFileError(f"cannot write memory to '{path}': {exc.strerror or exc}", hint="check free space and permissions") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    memory.memory_id = digest[:16]
    return path


def _release_cached_pages(path: Path) -> None:
    """Drop the page cache of the file a save replaces (its bytes on disk stay as they are until the rename), so the
    new file's writes reuse those pages, as an overwrite in place does. Memory that was freed a while ago can be
    slow to get back (a virtual machine hands idle pages to its host): writing a fresh 480 MB file took 0.38–1.05 s
    against 0.38 s overwriting one in place, in the same rounds. Best effort: nothing happens where the file is
    missing, unreadable or not a regular file (opened without blocking: a FIFO's open would wait for a writer), or
    the system has no `posix_fadvise`."""
    if not hasattr(os, "posix_fadvise"):
        return
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_array(zf: zipfile.ZipFile, name: str, arr: np.ndarray) -> None:
    """One stored `.npy` member, written from the array's own memory in chunks (no copy of the data)."""
    header = io.BytesIO()
    try:
        np.lib.format.write_array_header_1_0(header, np.lib.format.header_data_from_array_1_0(arr))
        too_long = header.tell() > _MAX_HEADER_BYTES
    except ValueError:  # longer than format 1.0 allows (64 KiB)
        too_long = True
    if too_long:
        raise MemoryFileError(f"cannot write memory: array '{name}' has a dtype of too many fields (its .npy header is over "
                              f"{_MAX_HEADER_BYTES:,} bytes, which numpy refuses to read back)", hint="split its fields among several arrays")
    info = zipfile.ZipInfo(name)
    info.file_size = header.tell() + arr.nbytes
    data = memoryview(arr.reshape(-1).view(np.uint8))
    with zf.open(info, "w", force_zip64=info.file_size > zipfile.ZIP64_LIMIT) as dest:
        dest.write(header.getbuffer())
        for start in range(0, len(data), _CHUNK):
            dest.write(data[start : start + _CHUNK])


def _refuse(path: Path, what: str, hint: str | None = None) -> MemoryFileError:
    return MemoryFileError(f"cannot load memory '{path}': {what}", hint=hint)


def _algorithm(fh: io.BufferedReader, size: int) -> str:
    """The digest the file's comment names (blake3 when it names none: the check then fails as it should)."""
    fh.seek(max(size - _COMMENT_LEN, 0))
    prefix = fh.read(len(_COMMENT_PREFIX))
    fh.seek(0)
    return _ALGORITHMS.get(prefix, "blake3")


def _read_hashed(path: Path) -> tuple[memoryview, str]:
    """The file's bytes (read-only), and the digest of all but its last 64, hashed chunk by chunk as they arrive."""
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        view = memoryview(np.empty(size, np.uint8))  # not zero-filled: every byte is read into it
        hasher = _hasher(_algorithm(fh, size))
        covered, position = max(size - 64, 0), 0
        while position < size:
            got = fh.readinto(view[position : position + _CHUNK])
            if not got:
                raise OSError("the file changed while it was read")
            hasher.update(view[min(position, covered) : min(position + got, covered)])
            position += got
    return view.toreadonly(), hasher.hexdigest()


class _ViewReader(io.RawIOBase):
    """A seekable file over a memoryview, so zipfile reads the verified bytes without copying them."""

    def __init__(self, view: memoryview) -> None:
        self._view, self._position = view, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: len(self._view)}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        chunk = self._view[self._position : self._position + len(buffer)]
        memoryview(buffer).cast("B")[: len(chunk)] = chunk
        self._position += len(chunk)
        return len(chunk)


def _verified_bytes(path: Path) -> tuple[memoryview, str]:
    """The whole file, read once and hashed on the way, and its digest; refused unless the digest matches."""
    check_regular_file(path)
    try:
        data, digest = _read_hashed(path)
    except OSError as exc:
        raise _refuse(path, exc.strerror or str(exc)) from None
    if data[:4] != b"PK\x03\x04":
        raise _refuse(path, "not a Reasmory memory file (not a zip archive)")
    tail = bytes(data[-_COMMENT_LEN:])
    if tail[: len(_COMMENT_PREFIX)] not in _ALGORITHMS:
        if zipfile.is_zipfile(io.BytesIO(data)):
            raise _refuse(path, "a zip archive, but not a Reasmory memory file (no Reasmory checksum)")
        raise _refuse(path, "the file is truncated or damaged (its end is missing)", "rebuild or re-copy it")
    if digest.encode() != tail[len(_COMMENT_PREFIX) :]:
        raise _refuse(path, "checksum mismatch: the file was damaged or modified after it was written", "rebuild or re-copy it")
    check_directory(lambda offset, n: bytes(data[offset : offset + n]), len(data), _COMMENT_LEN, path)
    return data, digest


def _read_array(data: memoryview, info: zipfile.ZipInfo) -> np.ndarray:
    """Zero-copy view of a stored `.npy` member (read-only: memories are immutable)."""
    header = _LOCAL_HEADER.unpack_from(data, info.header_offset)
    start = info.header_offset + _LOCAL_HEADER.size + header[-2] + header[-1]
    stream = _ViewReader(data[start : start + info.file_size])  # the header, however long, read without copying the data
    version = np.lib.format.read_magic(stream)
    read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    shape, fortran, dtype = read_header(stream)
    count = int(np.prod(shape))
    arr = np.frombuffer(data, dtype=dtype, count=count, offset=start + stream.tell())
    return arr.reshape(shape, order="F" if fortran else "C")


def max_points_default() -> int:
    """The most points a memory may hold when loaded: `$REASMORY_MAX_POINTS`, else 50 million (≈ 1.2 GB)."""
    value = os.environ.get(MAX_POINTS_ENV, "")
    try:
        return int(value) if value else DEFAULT_MAX_POINTS
    except ValueError:
        raise InputError(f"{MAX_POINTS_ENV}={value!r} is not a whole number", hint=f"set {MAX_POINTS_ENV} to a number of points") from None


def point_count(path: Path) -> int | None:
    """The memory's number of points (the scene's and its objects') from the `.npy` headers, reading no more of the file.

    None when unreadable: the verified read that follows says what is wrong.
    """
    try:
        with path.open("rb") as raw:
            check_directory(file_reader(raw), path.stat().st_size, _COMMENT_LEN, path)
        total = 0
        with zipfile.ZipFile(path) as zf:
            for name in ("arrays/points_xyz.npy", "arrays/object_points.npy"):
                with zf.open(name) as fh:
                    version = np.lib.format.read_magic(fh)
                    read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
                    total += int(read_header(fh)[0][0])
        return total
    except Exception:  # noqa: BLE001 — a damaged file: the verified read that follows says what is wrong
        return None


def _too_many_points(path: Path, count: int, limit: int) -> InputError:
    return InputError(f"memory '{path}' holds {count:,} points, over the limit of {limit:,}",
                      hint=f"build it with fewer (reasmory build --set voxel_size=0.02), or raise the limit with "
                           f"{MAX_POINTS_ENV} or max_points=")


def load_memory(path: str | Path, max_points: int | None = None) -> SpatialMemory:
    """Load a `.rmem` file, refusing it whole (MemoryFileError) if anything is wrong.

    A memory of more than `max_points` points (default `max_points_default()`) is refused before it is read.
    """
    path = Path(path)
    size = check_regular_file(path)
    limit = max_points_default() if max_points is None else max_points
    count = point_count(path)
    if count is not None and count > limit and size >= 12 * count:  # a size that fits the count: no bit flip
        raise _too_many_points(path, count, limit)
    data, digest = _verified_bytes(path)
    try:
        zf = zipfile.ZipFile(_ViewReader(data))
    except zipfile.BadZipFile as exc:
        raise _refuse(path, f"unreadable manifest ({exc})") from None
    except NotImplementedError as exc:  # an entry asking for a newer zip reader than this Python's
        raise _refuse(path, f"its zip directory asks for what this reader cannot do ({exc})") from None
    check_entries(zf, len(data), path)
    manifest = read_manifest(zf, path)
    if manifest.get("format") != FORMAT_TAG:
        raise _refuse(path, "not a Reasmory memory file (unknown format tag)")
    version = manifest.get("schema_version")
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise _refuse(
            path,
            f"written by a newer Reasmory (schema version {version}; this version reads up to {SCHEMA_VERSION})",
            "upgrade reasmory: pip install -U reasmory",
        )
    try:
        arrays = {name: _read_array(data, zf.getinfo(f"arrays/{name}.npy")) for name in manifest["arrays"]}
        check_arrays(arrays, manifest, path)
        if len(arrays["points_xyz"]) + len(arrays["object_points"]) > limit:
            raise _too_many_points(path, len(arrays["points_xyz"]) + len(arrays["object_points"]), limit)
        offsets = arrays["object_offsets"]
        obj_points = arrays["object_points"]
        objects = []
        for i, meta in enumerate(manifest["objects"]):
            obj = ObjectInstance.model_validate(meta)
            obj.points = obj_points[offsets[i] : offsets[i + 1]]
            objects.append(obj)
        memory = SpatialMemory(
            frames=[Frame.model_validate(f) for f in manifest["frames"]],
            points=PointCloud(
                xyz=arrays["points_xyz"],
                rgb=arrays["points_rgb"],
                frame=arrays["points_frame"],
                confidence=arrays["points_confidence"],
            ),
            objects=objects,
            scene=SceneFacts.model_validate(manifest["scene"]),
            provenance=Provenance.model_validate(manifest["provenance"]),
            arrays=MemoryArrays(
                depth=arrays.get("depth"),
                confidence=arrays.get("confidence"),
                extra={k[len("extra_") :]: v for k, v in arrays.items() if k.startswith("extra_")},
            ),
            synonyms=manifest.get("synonyms", {}),
        )
    except (KeyError, IndexError, TypeError, ValueError, ValidationError, struct.error, SyntaxError, TokenError) as exc:
        first = str(exc).splitlines()[0]
        raise _refuse(path, f"invalid contents ({type(exc).__name__}: {first})") from None
    memory.memory_id = digest[:16]
    return check_contents(memory, path)
