"""Frame sources: videos, image folders and lists; sampling; EXIF orientation; clear errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from reasmory.errors import InputError
from reasmory.memory.reconstruction.frames import Sampling, input_files, load_frames, upright
from tests.reconstruction.conftest import write_video


def _images(folder: Path, names: list[str], size: tuple[int, int] = (32, 24)) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for k, name in enumerate(names):
        Image.fromarray(np.full((size[1], size[0], 3), 20 * k, np.uint8)).save(folder / name)
    return folder


@pytest.mark.parametrize(
    ("sampling", "total", "expected"),
    [
        (Sampling(), 4, [0, 1, 2, 3]),
        (Sampling(frames=3), 9, [0, 4, 8]),
        (Sampling(frames=10), 4, [0, 1, 2, 3]),
        (Sampling(stride=3), 10, [0, 3, 6, 9]),
        (Sampling(stride=2, frames=3), 10, [0, 4, 8]),
    ],
)
def test_sampling_is_uniform_or_by_stride(sampling: Sampling, total: int, expected: list[int]) -> None:
    assert sampling.select(total) == expected


def test_image_folder_in_natural_order_and_sampled(tmp_path: Path) -> None:
    folder = _images(tmp_path / "imgs", ["img10.png", "img2.png", "img1.png"])
    (folder / "readme.txt").write_text("not an image")
    frames = load_frames(folder)
    assert [Path(f.reference).name for f in frames.frames] == ["img1.png", "img2.png", "img10.png"]
    assert frames.kind == "folder" and frames.available == 3 and frames.size == (32, 24)
    picked = load_frames(folder, Sampling(frames=2))
    assert [f.source_index for f in picked.frames] == [0, 2] and [f.index for f in picked.frames] == [0, 1]


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    image = np.zeros((20, 40, 3), np.uint8)
    image[:, :20] = 255  # left half white
    exif = Image.Exif()
    exif[0x0112] = 6  # stored rotated: display needs a 90° clockwise turn
    Image.fromarray(image).save(tmp_path / "rot.jpg", exif=exif, quality=95)
    frame = load_frames(tmp_path / "rot.jpg").frames[0]
    assert frame.image.shape == (40, 20, 3)
    assert frame.image[:15].mean() > 200 and frame.image[25:].mean() < 50  # white half now on top


def test_explicit_lists_and_list_files(tmp_path: Path) -> None:
    folder = _images(tmp_path / "imgs", ["a.png", "b.png", "c.png"])
    frames = load_frames([folder / "c.png", folder / "a.png"])
    assert frames.kind == "list" and [Path(f.reference).name for f in frames.frames] == ["c.png", "a.png"]
    listing = tmp_path / "imgs" / "list.txt"
    listing.write_text("# chosen frames\nb.png\n\nc.png\n")
    assert [Path(f.reference).name for f in load_frames(listing).frames] == ["b.png", "c.png"]
    assert input_files(listing)[0] == listing


def test_video_frames_keep_timestamps(tmp_path: Path) -> None:
    video = write_video(tmp_path / "clip.mp4", frames=20, fps=10)
    frames = load_frames(video, Sampling(frames=5))
    assert frames.kind == "video" and frames.available == 20 and len(frames) == 5
    assert [f.source_index for f in frames.frames] == [0, 5, 10, 14, 19]
    assert [f.timestamp for f in frames.frames] == pytest.approx([0.0, 0.5, 1.0, 1.4, 1.9])
    assert [int(round(f.image.mean() / 10)) for f in frames.frames] == [0, 5, 10, 14, 19]
    assert frames.frames[1].reference.endswith("clip.mp4#frame=5")


def test_display_rotation_of_videos() -> None:
    image = np.arange(6, dtype=np.uint8).reshape(2, 3, 1).repeat(3, axis=2)
    assert upright(image, 0) is image
    assert upright(image, 90).shape == (3, 2, 3)
    assert np.array_equal(upright(image, -90), np.rot90(image, 3))


def test_bad_inputs_say_what_is_wrong(tmp_path: Path) -> None:
    cases = {
        tmp_path / "missing.mp4": "no such file or folder",
        _images(tmp_path / "empty", []): "holds no images",
        tmp_path / "notes.doc": "cannot tell what",
    }
    (tmp_path / "notes.doc").write_text("x")
    for path, words in cases.items():
        with pytest.raises(InputError, match=words):
            load_frames(path)


def test_corrupt_and_empty_videos_are_refused(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.mp4"
    corrupt.write_bytes(np.random.default_rng(0).bytes(4096))
    with pytest.raises(InputError, match="cannot decode video"):
        load_frames(corrupt)
    with pytest.raises(InputError, match="has zero frames"):
        load_frames(write_video(tmp_path / "empty.avi", frames=0, codec="mpeg4"))
    (tmp_path / "zero.mp4").write_bytes(b"")
    with pytest.raises(InputError, match="cannot decode video"):
        load_frames(tmp_path / "zero.mp4")


def test_images_of_different_sizes_and_corrupt_images_are_refused(tmp_path: Path) -> None:
    folder = _images(tmp_path / "mixed", ["a.png"])
    Image.fromarray(np.zeros((10, 10, 3), np.uint8)).save(folder / "b.png")
    with pytest.raises(InputError, match=r"differ in size: .*a.png' is 32×24 but .*b.png' is 10×10"):
        load_frames(folder)
    broken = _images(tmp_path / "broken", ["a.png"])
    (broken / "b.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    with pytest.raises(InputError, match="cannot read image .*b.jpg"):
        load_frames(broken)
