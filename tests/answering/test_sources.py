"""Sources resolved to memories: memories and .rmem load; scene folders, videos and images go through the build pipeline."""

from __future__ import annotations

from collections.abc import Callable
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from reasmory.memory import SpatialMemory

from reasmory.answering import sources
from reasmory.answering.settings import Settings
from reasmory.answering.sources import BuildUnavailable, classify, load_or_build_memory
from reasmory.errors import InputError


def scene_folder(root: Path) -> Path:
    """The layout `reasmory synth` writes (contents do not matter for resolving the source)."""
    root.mkdir()
    for name in ("scene.json", "cameras.json"):
        (root / name).write_text("{}")
    for name in ("depth", "instances", "rgb"):
        (root / name).mkdir()
    return root


def images(root: Path, n: int = 2) -> list[Path]:
    root.mkdir()
    paths = [root / f"{i:03d}.jpg" for i in range(n)]
    for p in paths:
        p.write_bytes(b"\xff\xd8")
    return paths


def test_each_kind_of_source_is_recognised(living_room: SpatialMemory, living_room_rmem: Path, tmp_path: Path) -> None:
    video = tmp_path / "walk.MP4"
    video.write_bytes(b"")
    shots = images(tmp_path / "shots")
    listing = tmp_path / "list.txt"
    listing.write_text("\n".join(map(str, shots)))
    rgbd = tmp_path / "capture"
    rgbd.mkdir()
    (rgbd / "rgbd.json").write_text("{}")
    assert classify(living_room) == "memory"
    assert classify(living_room_rmem) == "rmem" and classify(str(living_room_rmem)) == "rmem"
    assert classify(scene_folder(tmp_path / "synth_00007")) == "scene_folder"
    assert classify(rgbd) == "rgbd_folder"
    assert classify(video) == "video" and classify(listing) == "image_list"
    assert classify(tmp_path / "shots") == "image_folder"
    assert classify(shots) == "images" and classify([str(p) for p in shots]) == "images"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda t: t / "absent.rmem", "no file or folder at"),
        (lambda t: (t / "notes.md").write_text("x") and t / "notes.md", "neither a .rmem memory, a video nor a list of images"),
        (lambda t: (t / "empty").mkdir() or t / "empty", "holds no images and is not an RGB-D or scene folder"),
        (lambda t: [t / "gone.jpg"], "no image at"),
        (lambda t: [], "the list of images is empty"),
    ],
)
def test_unusable_sources_are_input_errors(make, message: str, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=message):
        classify(make(tmp_path))


def test_memories_and_rmem_files_load_directly(living_room: SpatialMemory, living_room_rmem: Path) -> None:
    settings = Settings.load()
    assert load_or_build_memory(living_room, settings) is living_room
    loaded = load_or_build_memory(living_room_rmem, settings)
    assert loaded.label_counts() == living_room.label_counts()


@pytest.mark.parametrize("kind", ["scene_folder", "video", "image_folder", "images"])
def test_without_a_build_pipeline_one_line_names_what_is_missing(kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "PIPELINE", "reasmory.memory.reconstruction.not_installed")
    source = {
        "scene_folder": lambda: scene_folder(tmp_path / "synth"),
        "video": lambda: (tmp_path / "v.mp4").write_bytes(b"") or tmp_path / "v.mp4",
        "image_folder": lambda: images(tmp_path / "imgs") and tmp_path / "imgs",
        "images": lambda: images(tmp_path / "imgs"),
    }[kind]()
    with pytest.raises(BuildUnavailable) as err:
        load_or_build_memory(source, Settings.load())
    line = err.value.one_line()
    assert "\n" not in line and "needs a memory built from it" in line and "reasmory.memory.reconstruction.not_installed.build_memory" in line
    assert err.value.exit_code == 2
    if kind == "scene_folder":
        assert "reasmory memory from-scene" in line and "scene.json" in line
    else:
        assert ".rmem" in line


@dataclass
class FakePipeline:
    """A stand-in pipeline module that records how it is called (the seam, not the building, is under test)."""

    memory: SpatialMemory
    calls: list[tuple] = field(default_factory=list)

    def build_memory(self, source, backend="auto", *, cache_dir=None, **settings) -> SpatialMemory:
        self.calls.append((source, backend, cache_dir))
        return self.memory


@pytest.fixture
def fake_pipeline(monkeypatch: pytest.MonkeyPatch, living_room: SpatialMemory) -> FakePipeline:
    fake = FakePipeline(living_room)
    module = types.ModuleType("fake_pipeline")
    module.build_memory = fake.build_memory  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_pipeline", module)
    monkeypatch.setattr(sources, "PIPELINE", "fake_pipeline")
    return fake


def test_videos_and_photos_are_refused_before_any_reconstruction(fake_pipeline: FakePipeline, tmp_path: Path) -> None:
    shots = images(tmp_path / "shots")
    (tmp_path / "v.mp4").write_bytes(b"")
    for source in (shots, tmp_path / "shots", tmp_path / "v.mp4"):
        with pytest.raises(BuildUnavailable, match="needs a text-prompted detector .* none is configured") as err:
            load_or_build_memory(source, Settings.load(backend="rgbd", cache_dir=tmp_path / "cache"))
        assert "REASMORY_DETECTOR=owlv2" in (err.value.hint or "") and ".rmem memory that has objects" in (err.value.hint or "")
    assert fake_pipeline.calls == []


def test_a_pipeline_with_another_signature_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    module = types.ModuleType("odd_pipeline")
    module.build_memory = lambda frames, *, sampling: None  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "odd_pipeline", module)
    monkeypatch.setattr(sources, "PIPELINE", "odd_pipeline")
    with pytest.raises(BuildUnavailable, match="does not take"):
        load_or_build_memory(images(tmp_path / "shots"), Settings.load())


def test_a_pipeline_missing_a_package_names_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def missing(name: str) -> None:
        raise ModuleNotFoundError("No module named 'av'", name="av")

    monkeypatch.setattr(sources.importlib, "import_module", missing)
    (tmp_path / "v.mp4").write_bytes(b"")
    with pytest.raises(BuildUnavailable, match="needs the package 'av'") as err:
        load_or_build_memory(tmp_path / "v.mp4", Settings.load())
    assert "reasmory[video]" in (err.value.hint or "")


@pytest.mark.slow
def test_a_synth_scene_folder_is_built_with_its_given_instance_masks(tmp_path: Path, make_synth_scene: Callable[..., Path]) -> None:
    """The real pipeline end to end: rgbd reconstruction, objects grounded from the folder's masks, a compiled answer."""
    import json

    from reasmory.answering import answer

    folder = make_synth_scene(3, 6)
    scene_labels = {o["label"] for o in json.loads((folder / "scene.json").read_text())["objects"]}
    first = answer(folder, "How many windows are in this room?", cache_dir=tmp_path / "cache")
    memory = first.memory
    assert memory.provenance.backend == "rgbd" and memory.objects and set(memory.label_counts()) <= scene_labels
    assert first.answer == str(memory.label_counts().get("window", 0)) and first.generator == "compiler"
    import time

    start = time.perf_counter()
    second = answer(folder, "How many windows are in this room?", cache_dir=tmp_path / "cache")
    assert time.perf_counter() - start < 5 and second.answer == first.answer  # a cache hit: nothing is rebuilt
    assert list((tmp_path / "cache").glob("*.rmem"))
