"""Edges of the `.rmem` store the mutation run found unpinned: the default limit, damaged counts, foreign tags, bad contents."""

from pathlib import Path

import numpy as np
import pytest

from reasmory.benchmarks.memory_io import synthetic_memory
from reasmory.errors import InputError, MemoryFileError
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


@pytest.mark.parametrize("manifest", [
    b'{"label": "ch\\ud800air"}',  # a lone surrogate escape, as json.dumps writes one: pydantic's reader refuses it
    "\ufeff{}".encode(),  # a byte-order mark: refused too
    b"[" * 300 + b"]" * 300,  # deeper than pydantic's reader goes
    b'{"a": NaN, "b": [1e400, -0.0, 12345678901234567890123, "\\ud83d\\ude00"]}',  # read by pydantic's reader
])
def test_a_manifest_reads_as_json_reads_it(manifest: bytes) -> None:
    """pydantic's JSON reader parses manifests (json is not imported for them), json what it refuses: the same values."""
    import json

    from reasmory.memory.validation import _json_value

    assert repr(_json_value(manifest)) == repr(json.loads(manifest))


def test_a_label_with_a_lone_surrogate_survives_save_and_load(tmp_path: Path) -> None:
    memory = synthetic_memory(300, n_objects=1)
    memory.objects[0].label = "ch\ud800air"
    assert SpatialMemory.load(memory.save(tmp_path / "m.rmem")).objects[0].label == "ch\ud800air"


def test_a_manifest_that_is_not_json_is_refused_in_json_s_words() -> None:
    import io
    import zipfile

    from reasmory.memory.validation import read_manifest

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("manifest.json", b'{"format": ')
    with zipfile.ZipFile(buffer) as zf, pytest.raises(MemoryFileError, match=r"unreadable manifest \(JSONDecodeError: Expecting value"):
        read_manifest(zf, Path("m.rmem"))


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


# Chunked writes, the write-side hash, the schema and format checks and the points limit (issue #24's mutation run).


def _digest(data: bytes) -> str:
    from blake3 import blake3

    return blake3(data).hexdigest()


@pytest.mark.parametrize("sizes", [[300], [100, 10], [64, 63], [200, 64], [63], [5, 64, 1], [1] * 70, [70, 3, 64, 64, 2]])
def test_the_hashing_writer_hashes_every_byte_but_the_last_64(sizes: list[int]) -> None:
    """Whatever the sizes of the writes (zipfile makes small and large ones), the digest covers all but the last 64 bytes."""
    import io

    rng = np.random.default_rng(len(sizes))
    chunks = [rng.integers(0, 256, n, dtype=np.uint8).tobytes() for n in sizes]
    sink = io.BytesIO()
    writer = store._HashingWriter(sink)
    for chunk in chunks:
        assert writer.write(memoryview(chunk)) == len(chunk)
    data = b"".join(chunks)
    assert writer.tell() == len(data) and sink.getvalue() == data
    assert writer.hasher.hexdigest() == _digest(data[:-64])


def test_the_hashing_writer_takes_arrays_of_any_item_size() -> None:
    import io

    values = np.arange(50, dtype=np.float64)
    writer = store._HashingWriter(io.BytesIO())
    assert writer.write(memoryview(values)) == values.nbytes
    assert writer.hasher.hexdigest() == _digest(values.tobytes()[:-64])


def test_a_file_written_in_several_chunks_reads_back_identical_with_its_checksum(tmp_path: Path) -> None:
    """An array of several write chunks (and an odd remainder) comes back bit for bit; the id is the file's own checksum."""
    from reasmory.memory.model import MemoryArrays

    memory = synthetic_memory(3000, n_objects=2)
    big = np.random.default_rng(1).random(2 * (store._CHUNK // 4) + 12_345, dtype=np.float32)
    memory.arrays = MemoryArrays(extra={"big": big})
    path = store.save_memory(memory, tmp_path / "m.rmem")
    data = path.read_bytes()
    assert data[-77:-64] == b"RMEM1 blake3:" and data[-64:].decode() == _digest(data[:-64])
    back = SpatialMemory.load(path)
    assert back.arrays.extra["big"].tobytes() == big.tobytes()
    assert back.memory_id == memory.memory_id == _digest(data[:-64])[:16]


def test_a_memory_without_objects_and_with_a_confidence_raster_round_trips(tmp_path: Path) -> None:
    from reasmory.memory.model import MemoryArrays

    points = synthetic_memory(300, n_objects=1).points
    confidence = np.random.default_rng(2).random((2, 4, 5), dtype=np.float32)
    memory = SpatialMemory(points=points, objects=[], arrays=MemoryArrays(confidence=confidence))
    back = SpatialMemory.load(memory.save(tmp_path / "m.rmem"))
    assert back.objects == [] and back.arrays.depth is None
    assert back.arrays.confidence.tobytes() == confidence.tobytes()
    assert back.points.xyz.tobytes() == points.xyz.tobytes()


def test_an_ordinary_memory_is_a_plain_zip_and_one_past_the_zip64_limit_still_reads_back(tmp_path: Path,
                                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Members under 2 GiB carry no zip64 fields (any zip tool reads them); past the limit (lowered here) they do, and
    the memory still loads, its point count still read from the headers."""
    import zipfile

    memory = synthetic_memory(3000, n_objects=3)
    plain = memory.save(tmp_path / "plain.rmem")
    data = plain.read_bytes()
    with zipfile.ZipFile(plain) as zf:
        assert all(not info.extra for info in zf.infolist())  # the directory's entries, then each member's own header
        assert all(store._LOCAL_HEADER.unpack_from(data, info.header_offset)[-1] == 0 for info in zf.infolist())
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 10_000)
    large = memory.save(tmp_path / "large.rmem")
    with zipfile.ZipFile(large) as zf:
        assert zf.getinfo("arrays/points_xyz.npy").extra
    back = SpatialMemory.load(large)
    assert back.points.xyz.tobytes() == memory.points.xyz.tobytes()
    assert [o.points.tobytes() for o in back.objects] == [np.asarray(o.points).tobytes() for o in memory.objects]
    assert store.point_count(large) == 3000 + sum(len(o.points) for o in memory.objects)


def test_arrays_with_long_headers_round_trip_and_headers_numpy_would_refuse_are_not_written(tmp_path: Path) -> None:
    """A record array of a few hundred fields (a header past 4 KB) loads; one whose header numpy refuses to read
    back is refused when saving, leaving no file behind."""
    from reasmory.memory.model import MemoryArrays

    memory = synthetic_memory(300, n_objects=1)
    table = np.zeros(3, dtype=[(f"field_{i}", "<f4") for i in range(300)])
    table["field_7"] = [1.0, 2.0, 3.0]
    memory.arrays = MemoryArrays(extra={"table": table})
    back = SpatialMemory.load(memory.save(tmp_path / "m.rmem"))
    assert back.arrays.extra["table"].dtype == table.dtype and back.arrays.extra["table"].tobytes() == table.tobytes()
    for fields in (1000, 5000):  # a format 1.0 header over numpy's limit, and one too long for format 1.0
        memory.arrays = MemoryArrays(extra={"wide": np.zeros(2, dtype=[(f"field_{i}", "<f4") for i in range(fields)])})
        with pytest.raises(MemoryFileError, match="too many fields"):
            memory.save(tmp_path / "wide.rmem")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["m.rmem"]


def test_arrays_with_version_2_headers_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """numpy's format 2.0 headers (other writers use them) are read as well as 1.0 ones, by the load and the count."""
    memory = synthetic_memory(500, n_objects=2)
    monkeypatch.setattr(np.lib.format, "write_array_header_1_0", np.lib.format.write_array_header_2_0)
    path = memory.save(tmp_path / "m.rmem")
    monkeypatch.undo()
    back = SpatialMemory.load(path)
    assert back.points.xyz.tobytes() == memory.points.xyz.tobytes()
    assert store.point_count(path) == 500 + sum(len(o.points) for o in memory.objects)


@pytest.mark.parametrize("tag", ["another-format", "zip-archive", "reasmory-memory-v2", 7, None])
def test_any_format_tag_but_reasmorys_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tag) -> None:
    change = (lambda m: {k: v for k, v in m.items() if k != "format"}) if tag is None else (lambda m: {**m, "format": tag})
    path = _save_with(tmp_path / "m.rmem", monkeypatch, change)
    with pytest.raises(MemoryFileError, match="unknown format tag"):
        SpatialMemory.load(path)


def test_older_schema_versions_load_and_newer_or_malformed_ones_are_refused(tmp_path: Path) -> None:
    from reasmory.memory.model import SCHEMA_VERSION

    memory = synthetic_memory(200, n_objects=1)
    for version in (SCHEMA_VERSION - 1, SCHEMA_VERSION):
        back = SpatialMemory.load(store.save_memory(memory, tmp_path / f"v{version}.rmem", _schema_version=version))
        assert back.points.xyz.tobytes() == memory.points.xyz.tobytes()
    for version in (SCHEMA_VERSION + 1, 1000, "1", None, 1.5):
        path = store.save_memory(memory, tmp_path / "bad.rmem", _schema_version=version)
        with pytest.raises(MemoryFileError, match=rf"newer Reasmory \(schema version {version}; this version reads up to "
                                                  rf"{SCHEMA_VERSION}\)") as caught:
            SpatialMemory.load(path)
        assert caught.value.hint == "upgrade reasmory: pip install -U reasmory"


def test_the_points_limit_read_from_the_arrays_counts_object_points_at_its_boundary(tmp_path: Path,
                                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """When the headers could not be peeked at, the limit is applied to the arrays read: exactly at it loads."""
    memory = synthetic_memory(2000, n_objects=4)
    path = memory.save(tmp_path / "m.rmem")
    n = 2000 + sum(len(o.points) for o in memory.objects)
    assert store.point_count(path) == n
    monkeypatch.setattr(store, "point_count", lambda p: None)
    assert len(store.load_memory(path, max_points=n).points) == 2000
    with pytest.raises(InputError, match=f"holds {n:,} points, over the limit of {n - 1:,}"):
        store.load_memory(path, max_points=n - 1)


def test_a_memory_of_object_points_is_refused_before_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Object points weigh 12 bytes each on disk: a file of mostly object points is still recognised as really that large."""
    memory = synthetic_memory(10, n_objects=1)
    memory.objects[0].points = np.random.default_rng(4).uniform(0, 1, (20_000, 3)).astype(np.float32)
    path = memory.save(tmp_path / "m.rmem")
    assert store.point_count(path) == 20_010
    monkeypatch.setattr(store, "_verified_bytes", lambda p: pytest.fail("the whole file was read"))
    with pytest.raises(InputError, match="holds 20,010 points, over the limit of 100"):
        store.load_memory(path, max_points=100)


def test_a_claimed_count_is_taken_as_real_exactly_when_the_file_has_room_for_it(tmp_path: Path,
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A damaged file whose headers claim c points: refused as too large when it has 12 bytes a point for them (up to
    exactly 12·c bytes), as damaged when it is smaller."""
    memory = synthetic_memory(2000, n_objects=2)
    for pad in range(12):  # a file size that is a multiple of 12, so the boundary itself is met
        memory.synonyms = {"settee": "sofa" + " " * pad}
        path = memory.save(tmp_path / "m.rmem")
        if path.stat().st_size % 12 == 0:
            break
    size = path.stat().st_size
    assert size % 12 == 0
    data = bytearray(path.read_bytes())
    data[size // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    for claimed, refusal in ((size // 12 - 1, "over the limit"), (size // 12, "over the limit"), (size // 12 + 1, "checksum mismatch")):
        monkeypatch.setattr(store, "point_count", lambda p, claimed=claimed: claimed)
        with pytest.raises((InputError, MemoryFileError), match=refusal) as caught:
            store.load_memory(path, max_points=100)
        assert refusal != "over the limit" or f"holds {claimed:,} points" in caught.value.message


def test_a_damaged_file_has_no_point_count(tmp_path: Path) -> None:
    path = synthetic_memory(300, n_objects=1).save(tmp_path / "m.rmem")
    path.write_bytes(path.read_bytes()[:-200])
    assert store.point_count(path) is None


def test_the_view_reader_is_a_seekable_file_that_stops_at_its_ends() -> None:
    import io
    import os

    reader = store._ViewReader(memoryview(b"0123456789"))
    assert reader.readable() and reader.seekable()
    assert reader.read(3) == b"012" and reader.tell() == 3
    assert reader.seek(2) == 2 and reader.read(2) == b"23"
    assert reader.seek(3, os.SEEK_CUR) == 7 and reader.read(1) == b"7"
    assert reader.seek(-3, os.SEEK_END) == 7 and reader.read(10) == b"789" and reader.read(1) == b""
    assert reader.seek(-20, os.SEEK_END) == 0 and reader.seek(-5, os.SEEK_CUR) == 0
    assert io.BufferedReader(reader).read() == b"0123456789"


def test_the_temporary_file_is_written_beside_the_memory_in_folders_made_for_it(tmp_path: Path,
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The rename that publishes a memory stays within one folder (atomic), wherever the process runs from."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    renames: list[tuple[Path, Path]] = []
    replace = store.os.replace
    monkeypatch.setattr(store.os, "replace", lambda a, b: (renames.append((Path(a), Path(b))), replace(a, b))[1])
    target = tmp_path / "new" / "deeper" / "m.rmem"
    store.save_memory(synthetic_memory(100, n_objects=1), target)
    assert target.is_file() and [(a.parent, b) for a, b in renames] == [(target.parent, target)]
    assert list(elsewhere.iterdir()) == []


def test_a_folder_that_cannot_be_made_is_named_with_the_systems_reason(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder")
    with pytest.raises(MemoryFileError) as caught:
        store.save_memory(synthetic_memory(100, n_objects=1), blocker / "m.rmem")
    assert caught.value.message == f"cannot write memory to '{blocker / 'm.rmem'}': File exists"


def test_arrays_claiming_a_npy_version_before_1_0_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """numpy writes `.npy` versions 1.0 to 3.0; a header claiming 0.9 (another writer's) is not read as 1.0."""
    import io

    real = np.lib.format.write_array_header_1_0

    def claiming_0_9(fp, fields) -> None:  # noqa: ANN001 — numpy's signature
        header = io.BytesIO()
        real(header, fields)
        fp.write(header.getvalue()[:6] + b"\x00\x09" + header.getvalue()[8:])

    monkeypatch.setattr(np.lib.format, "write_array_header_1_0", claiming_0_9)
    path = synthetic_memory(300, n_objects=1).save(tmp_path / "m.rmem")
    monkeypatch.undo()
    assert path.read_bytes().count(b"\x93NUMPY\x00\x09") == 6
    assert store.point_count(path) is None
    with pytest.raises(MemoryFileError, match=r"invalid contents \(ValueError"):
        SpatialMemory.load(path)


class _Shape(tuple):
    """A shape whose repr is the given text: a `.npy` header written around it says exactly that."""

    def __new__(cls, shape: tuple[int, ...], text: str) -> "_Shape":
        made = super().__new__(cls, shape)
        made.text = text
        return made

    def __repr__(self) -> str:
        return self.text


@pytest.mark.parametrize(("shape", "error"), [("((300, 3)", "TokenError"), ("(300, 3)}\n  x\n y\n#", "IndentationError")])
def test_a_header_numpys_parser_cannot_tokenize_is_refused_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                       shape: str, error: str) -> None:
    """An unbalanced bracket or a stray indented line in a `.npy` header (crafted, valid checksum): numpy's second,
    tokenizing parse raises what the first did not, and the load still refuses the file in one line."""
    real = np.lib.format.write_array_header_1_0
    monkeypatch.setattr(np.lib.format, "write_array_header_1_0", lambda fp, fields: real(fp, {**fields, "shape": _Shape(fields["shape"], shape)}))
    path = synthetic_memory(300, n_objects=1).save(tmp_path / "m.rmem")
    monkeypatch.undo()
    with pytest.raises(MemoryFileError, match=rf"invalid contents \({error}: "):
        SpatialMemory.load(path)


@pytest.mark.parametrize(("change", "error"), [
    (lambda m: {**m, "objects": [{**m["objects"][0], "id": "first"}]}, "ValidationError"),
    (lambda m: {**m, "arrays": 5}, "TypeError"),
])
def test_manifests_of_the_wrong_shape_are_refused_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change, error) -> None:
    path = _save_with(tmp_path / "m.rmem", monkeypatch, change)
    with pytest.raises(MemoryFileError, match=rf"invalid contents \({error}: "):
        SpatialMemory.load(path)


@pytest.mark.parametrize(("offset", "value", "refusal"), [
    (3, 0x03, "unreadable manifest"),  # the entry's signature
    (6, 99, "its zip directory asks for what this reader cannot do"),  # the zip version needed to extract it: 9.9
])
def test_a_damaged_zip_directory_with_a_valid_checksum_is_refused_in_one_line(tmp_path: Path, offset: int, value: int,
                                                                              refusal: str) -> None:
    path = synthetic_memory(300, n_objects=1).save(tmp_path / "m.rmem")
    body = bytearray(path.read_bytes()[:-64])
    entry = body.rfind(b"PK\x01\x02")  # the directory's last entry
    body[entry + offset] = value
    path.write_bytes(bytes(body) + _digest(bytes(body)).encode())
    with pytest.raises(MemoryFileError, match=refusal):
        SpatialMemory.load(path)
