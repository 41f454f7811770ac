"""Hostile inputs made to order: crafted memories, scene descriptions, traces and VLM replies.

What an attacker can hand Reasmory, for the bad-input catalogue and the
fuzzer. A `.rmem` checksum proves only that a file is intact, so crafted
memories are resealed with a valid checksum: they must be refused for what
they hold, not for a broken seal. Every maker is deterministic in its
arguments; the fuzzer draws the arguments.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from reasmory.memory import ObjectInstance, OrientedBox, PointCloud, SpatialMemory
from reasmory.memory.store import save_memory

_PREFIX = b"RMEM1 sha256:"


def memory_bytes(memory: SpatialMemory) -> bytes:
    """The `.rmem` file of a memory, as bytes (written by the real store, so nothing in it is validated)."""
    with tempfile.TemporaryDirectory() as folder:
        return save_memory(memory, Path(folder) / "m.rmem").read_bytes()


def reseal(data: bytes) -> bytes:
    """The file with a valid Reasmory checksum over its (crafted) contents, in the algorithm its comment names."""
    from blake3 import blake3

    body = data[:-64]
    digest = blake3(body).hexdigest() if body.endswith(b"blake3:") else hashlib.sha256(body).hexdigest()
    return body + digest.encode()


def rezip(data: bytes, replace: dict[str, bytes] | None = None, compress: set[str] | frozenset[str] = frozenset(),
          extra: dict[str, bytes] | None = None) -> bytes:
    """The `.rmem` rewritten entry by entry: some replaced, some compressed (DEFLATE), some added; then resealed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = (replace or {}).get(info.filename, source.read(info.filename))
            kind = zipfile.ZIP_DEFLATED if info.filename in compress else zipfile.ZIP_STORED
            target.writestr(info.filename, content, compress_type=kind)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
        target.comment = _PREFIX + b"0" * 64
    return reseal(out.getvalue())


def box_memory(n_objects: int = 3, seed: int = 0, label: str = "thing", with_points: bool = False) -> SpatialMemory:
    """A small memory of solid boxes (and optionally scene points) to craft from."""
    rng = np.random.default_rng(seed)
    objects = [ObjectInstance(id=i, label=f"{label}{i % 3}", box=OrientedBox(center=tuple(rng.uniform(-3, 3, 3)), extents=(0.5, 0.4, 0.6)),
                              attributes={"geometry": "box"}) for i in range(n_objects)]
    points = PointCloud.from_xyz(rng.uniform(-3, 3, (200, 3))) if with_points else None
    return SpatialMemory(objects=objects, points=points)


# ----- memories ------------------------------------------------------------------------------------------------------

def unsupported_entry(version: int = 182, flags: int = 0) -> bytes:
    """A memory whose first zip entry asks for a zip version (×10) or flags (encryption…) no reader here supports."""
    data = bytearray(memory_bytes(box_memory()))
    struct.pack_into("<HH", data, data.index(b"PK\x01\x02") + 6, version, flags)
    return reseal(bytes(data))


def manifest_bomb(inflated_bytes: int) -> bytes:
    """A memory whose manifest is compressed and inflates to `inflated_bytes` (whitespace after valid JSON)."""
    data = memory_bytes(box_memory())
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        manifest = zf.read("manifest.json")
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = packer.compress(manifest) + packer.flush(zlib.Z_FULL_FLUSH)
    block = b" " * (1 << 20)
    packed_block = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)  # no back-references: repeatable as is
    blocks, rest = divmod(max(0, inflated_bytes - len(manifest)), len(block))
    tail = packer.compress(block[:rest]) + packer.flush()
    crc = zlib.crc32(manifest)
    for _ in range(blocks):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(block[:rest], crc)
    deflated = head + packed_block * blocks + tail
    return _raw_entry_zip(data, "manifest.json", deflated, crc, len(manifest) + blocks * len(block) + rest)


def _raw_entry_zip(data: bytes, name: str, deflated: bytes, crc: int, size: int) -> bytes:
    """A zip with every entry of `data`, `name` replaced by pre-deflated bytes declaring `size` and `crc`."""
    import struct

    entries: list[tuple[str, bytes, int, int, int, int]] = []  # name, payload, method, crc, compressed, size
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        for info in source.infolist():
            if info.filename == name:
                entries.append((name, deflated, 8, crc, len(deflated), size))
            else:
                content = source.read(info.filename)
                entries.append((info.filename, content, 0, zlib.crc32(content), len(content), len(content)))
    out = bytearray()
    central = bytearray()
    for filename, payload, method, checksum, compressed, plain in entries:
        encoded = filename.encode()
        offset = len(out)
        zip64 = plain >= 0xFFFFFFFF or compressed >= 0xFFFFFFFF
        extra = struct.pack("<HHQQ", 1, 16, plain, compressed) if zip64 else b""
        sizes = (0xFFFFFFFF, 0xFFFFFFFF) if zip64 else (compressed, plain)
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 45 if zip64 else 20, 0, method, 0, 0, checksum, *sizes, len(encoded), len(extra))
        out += encoded + extra + payload
        central_extra = struct.pack("<HHQQQ", 1, 24, plain, compressed, offset) if zip64 else b""
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 45 if zip64 else 20, 45 if zip64 else 20, 0, method, 0, 0, checksum,
                               *sizes, len(encoded), len(central_extra), 0, 0, 0, 0, 0xFFFFFFFF if zip64 else offset)
        central += encoded + central_extra
    start = len(out)
    out += central
    comment = _PREFIX + b"0" * 64
    out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), start, len(comment)) + comment
    return reseal(bytes(out))


def many_entries(count: int) -> bytes:
    """A memory whose zip directory lists `count` extra (empty) entries."""
    data = memory_bytes(box_memory())
    return rezip(data, extra={f"arrays/pad{i}.npy": b"" for i in range(count)})


def lying_array(rows: int, name: str = "points_xyz") -> bytes:
    """A memory whose array header claims `rows` rows that are not in the file (the data stays as it was)."""
    memory = box_memory(with_points=True)
    data = memory_bytes(memory)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        stream = io.BytesIO(zf.read(f"arrays/{name}.npy"))
    np.lib.format.read_magic(stream)
    shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
    body = stream.read()
    forged = io.BytesIO()
    np.lib.format.write_array_header_1_0(forged, {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": fortran,
                                                  "shape": (rows, *shape[1:])})
    return rezip(data, replace={f"arrays/{name}.npy": forged.getvalue() + body})


def mismatched_arrays() -> bytes:
    """A memory whose colours are fewer than its points."""
    memory = box_memory(with_points=True)
    data = memory_bytes(memory)
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.zeros((3, 3), np.uint8))
    return rezip(data, replace={"arrays/points_rgb.npy": buffer.getvalue()})


def non_finite(where: str, value: float = math.nan) -> bytes:
    """A memory with a NaN or infinite number in its points, an object centre, a camera pose or the floor area."""
    memory = box_memory(with_points=where == "points")
    if where == "points":
        xyz = memory.points.xyz.copy()
        xyz[7, 1] = value
        memory = SpatialMemory(points=PointCloud.from_xyz(xyz), objects=memory.objects)
    elif where == "centre":
        obj = memory.objects[0]
        memory.objects[0] = obj.model_copy(update={"box": OrientedBox(center=(value, 0.0, 0.0), extents=obj.box.extents)})
        memory = SpatialMemory(objects=memory.objects)
    elif where == "area":
        memory.scene.floor_area = value
    return memory_bytes(memory)


def far_away(metres: float) -> bytes:
    """Two points (and boxes) `metres` apart: a memory that spans a huge area."""
    xyz = np.array([[0.0, 0.0, 0.0], [metres, 0.0, 0.0]], np.float32)
    objects = [ObjectInstance(id=0, label="a", box=OrientedBox(center=(0.0, 0.0, 0.5), extents=(1.0, 1.0, 1.0)),
                              points=xyz[:1]),
               ObjectInstance(id=1, label="b", box=OrientedBox(center=(metres, 0.0, 0.5), extents=(1.0, 1.0, 1.0)),
                              points=xyz[1:])]
    return memory_bytes(SpatialMemory(points=PointCloud.from_xyz(xyz), objects=objects))


def long_label(characters: int) -> bytes:
    """A memory whose one object has a label of `characters` characters."""
    obj = ObjectInstance(id=0, label="x" * characters, box=OrientedBox(center=(0, 0, 0.5), extents=(1, 1, 1)), attributes={"geometry": "box"})
    return memory_bytes(SpatialMemory(objects=[obj]))


def bad_attribute(name: str, value: object) -> bytes:
    """A memory whose one object has attribute `name` set to `value` (the attributes the index and evidence read)."""
    obj = ObjectInstance(id=0, label="cabinet", box=OrientedBox(center=(0, 0, 0.5), extents=(1, 1, 1)), attributes={name: value})
    return memory_bytes(SpatialMemory(objects=[obj]))


def escape_label(sequence: str = "\x1b]0;pwned\x07\x1b[2J") -> bytes:
    """A memory whose labels carry terminal escape sequences."""
    objects = [ObjectInstance(id=0, label=f"chair{sequence}", box=OrientedBox(center=(0, 0, 0.5), extents=(1, 1, 1)),
                              attributes={"geometry": "box"}),
               ObjectInstance(id=1, label="table", box=OrientedBox(center=(2, 0, 0.5), extents=(1, 1, 1)), attributes={"geometry": "box"})]
    return memory_bytes(SpatialMemory(objects=objects))


def crowd_memory(n_objects: int, spread_m: float = 20.0) -> SpatialMemory:
    """`n_objects` solid boxes of 0.5 m within ±`spread_m`, half labelled a, half b: a group whose pairs number n²/4
    (piled up, with a small spread, no pair's bounds rule it out)."""
    rng = np.random.default_rng(0)
    objects = [ObjectInstance(id=i, label="a" if i % 2 else "b", box=OrientedBox(center=tuple(rng.uniform(-spread_m, spread_m, 3)), extents=(0.5, 0.5, 0.5)),
                              attributes={"geometry": "box"}) for i in range(n_objects)]
    return SpatialMemory(objects=objects)


def rods(n_objects: int, spacing_m: float = 0.03, length_m: float = 4.0, thickness_m: float = 0.01, per_row: int | None = None) -> bytes:
    """`n_objects` parallel rods lying along a diagonal, `spacing_m` apart on a grid across it (`per_row` a row, square by
    default), half labelled a, half b: every pair's bounds overlap (so all n²/4 a–b pairs must be measured) while none
    touch (so no pair at distance 0 ends the search early)."""
    side = per_row or math.ceil(math.sqrt(n_objects))
    across = np.array([-1.0, 1.0, 0.0]) / math.sqrt(2)
    objects = [ObjectInstance(id=i, label="a" if i % 2 else "b",
                              box=OrientedBox.from_yaw((i % side * spacing_m * across + [0, 0, i // side * spacing_m]).tolist(),
                                                       (length_m, thickness_m, thickness_m), math.pi / 4),
                              attributes={"geometry": "box"}) for i in range(n_objects)]
    return memory_bytes(SpatialMemory(objects=objects))


def crowded(n_objects: int, spread_m: float = 20.0) -> bytes:
    """`crowd_memory` as a `.rmem` file's bytes."""
    return memory_bytes(crowd_memory(n_objects, spread_m))


# ----- scene descriptions, traces, programs --------------------------------------------------------------------------

def scene_json(objects: list[dict[str, Any]], **fields: Any) -> bytes:
    return json.dumps({"format": "reasmory-scene", "version": 1, "objects": objects, **fields}).encode()


def deep_json(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def trace_json(artifacts: list[str], result: dict[str, Any] | None = None, label: str = "chair") -> bytes:
    """A trace whose one step names `artifacts` and holds `result` (any shape)."""
    step = {"index": 0, "span": {"line": 1, "column": 1, "end_line": 1, "end_column": 10, "start": 0, "end": 9},
            "source": f'answer(object("{label}"))', "artifacts": artifacts,
            "result": result if result is not None else {"type": "Object", "id": 0, "label": label, "center": [0, 0, 0]}}
    return json.dumps({"program": f'answer(object("{label}"))\n', "question": f"where is the {label}?", "steps": [step],
                       "answer": label}).encode()


def doubling_program(lines: int) -> str:
    """Views made from views: each line's name holds the previous one twice."""
    body = ['v0 = view(at=object("sofa"), facing=object("tv"))']
    body += [f'v{i} = view(at=v{i - 1}, facing=step(v{i - 1}, "forward", 1))' for i in range(1, lines + 1)]
    return "\n".join(body) + f"\nanswer(v{lines})\n"


def trickle(total: int, every_s: float) -> Iterator[bytes]:
    """A reply body sent a byte at a time, `every_s` seconds apart (a slow or hostile server)."""
    import time

    for _ in range(total):
        time.sleep(every_s)
        yield b" "
