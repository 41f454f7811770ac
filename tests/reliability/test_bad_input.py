"""The bad-input catalogue: each input a user can get wrong, its exit status and its exact one-line message.

Exit status 2 is bad input or usage (the user can fix the input), 1 a question that cannot be answered or a
service (the VLM) that fails. Every case runs the real CLI entry point in-process (`reasmory.cli.main`); a
traceback would escape it and fail the test. Cases that need a broken disk simulate it: tests run as root,
whom file modes do not stop, so a read-only cache folder is chmodded *and* its refusal is raised where the
kernel would raise it for a normal user; a full disk is a file that refuses writes past 4 KiB with ENOSPC.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import socket
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pytest
from PIL import Image

from reasmory.cli import main
from reasmory.errors import InputError, MemoryFileError, ReasmoryError
from tests.answering.conftest import Reply, ScriptedServer
from tests.reconstruction.conftest import manifest_scene, write_video
from tests.reliability import hostile

COUNT = "How many chairs are in this room?"
FREE_FORM = "What is the nicest chair?"
CACHE_HINT = "or choose another folder with --cache-dir or $REASMORY_CACHE_DIR"
DOWNSCALE = "downscale it first, e.g. to 1920 pixels wide (ffmpeg -vf scale=1920:-2, or mogrify -resize 1920x)"
VLM_HINT = "check that the server is up, or raise REASMORY_VLM_TIMEOUT / REASMORY_VLM_RETRIES"
URL_HINT = "check REASMORY_VLM_BASE_URL (it usually ends in /v1) and REASMORY_VLM_MODEL"


@dataclass
class Ctx:
    """What a case may use to make its input: a folder, a good memory, the scripted VLM and the monkeypatch."""

    tmp: Path
    rmem: Path
    server: ScriptedServer
    monkeypatch: pytest.MonkeyPatch
    down: str
    stack: contextlib.ExitStack
    names: dict[str, str] = field(default_factory=dict)

    def vlm(self, url: str, **env: str) -> None:
        """Point the answering settings at `url` (short timeout, no back-off)."""
        settings = {"VLM_BASE_URL": url, "VLM_MODEL": "scripted-vlm", "VLM_BACKOFF": "0", "VLM_RETRIES": "1",
                    "VLM_TIMEOUT": "2", **env}
        for key, value in settings.items():
            self.monkeypatch.setenv(f"REASMORY_{key}", value)


@dataclass(frozen=True)
class Case:
    """`make` writes the input under ctx.tmp and returns the command line; `message` is the error line's template.

    `shows` says what `message` is: the last line of stderr after "error: " (line), the start of a program
    diagnostic's header line (diagnostic), or the last line of stdout (answer). Every case ends within 10 s of
    its deadline `within_s`, with no traceback and no temporary file left in its folder.
    """

    make: Callable[[Ctx], list[str]]
    code: int
    message: str
    after: Callable[[Ctx], None] | None = None
    shows: Literal["line", "diagnostic", "answer"] = "line"
    within_s: float = 0.0


# -- inputs ---------------------------------------------------------------------------------------------------------

def folder(ctx: Ctx, name: str, *images: tuple[int, int]) -> Path:
    """A folder of black PNGs of the given (width, height)s."""
    path = ctx.tmp / name
    path.mkdir()
    for i, (w, h) in enumerate(images):
        Image.fromarray(np.zeros((h, w, 3), np.uint8)).save(path / f"{i}.png")
    return path


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def png_header(path: Path, width: int, height: int) -> Path:
    """A PNG that declares width×height but holds no pixels: it costs nothing until something decodes it."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))
    return path


def rmem(ctx: Ctx, name: str, damage: Callable[[bytes], bytes]) -> list[str]:
    return ["memory", "info", str(write(ctx.tmp / name, damage(ctx.rmem.read_bytes())))]


def flip_a_bit(data: bytes) -> bytes:
    flipped = bytearray(data)
    flipped[len(data) // 3] ^= 0x10
    return bytes(flipped)


def newer_rmem(ctx: Ctx) -> list[str]:
    from reasmory.memory import SpatialMemory
    from reasmory.memory.store import save_memory

    path = save_memory(SpatialMemory.load(ctx.rmem), ctx.tmp / "newer.rmem", _schema_version=99)
    return ["memory", "info", str(path)]


def trace_file(ctx: Ctx, text: str) -> list[str]:
    return ["trace", "show", str(write(ctx.tmp / "trace.json", text.encode()))]


def huge_video(ctx: Ctx) -> list[str]:
    """A 1920×1088 video against a limit lowered to 2 megapixels (a real 50-megapixel video is too slow to make)."""
    from reasmory.memory.reconstruction import frames

    ctx.monkeypatch.setattr(frames, "MAX_FRAME_PIXELS", 2_000_000)
    return ["build", str(write_video(ctx.tmp / "big.mp4", frames=1, size=(1920, 1088)))]


def ask_vlm(ctx: Ctx, *replies: Reply) -> list[str]:
    """A free-form question to the scripted server, which answers with `replies` (no retries, 0.5 s timeout)."""
    ctx.server.script(*replies)
    ctx.vlm(ctx.server.url, VLM_TIMEOUT="0.5", VLM_RETRIES="0")
    return ["answer", str(ctx.rmem), FREE_FORM]


def ask_nobody(ctx: Ctx) -> list[str]:
    """A free-form question to a port nobody listens on (one retry)."""
    ctx.vlm(ctx.down)
    return ["answer", str(ctx.rmem), FREE_FORM]


def build_into_cache(ctx: Ctx) -> list[str]:
    return ["build", str(manifest_scene(ctx.tmp / "rgbd")), "--cache-dir", str(ctx.tmp / "cache")]


def read_only_cache(ctx: Ctx) -> list[str]:
    """chmod 0555; as root (whom modes do not stop) the lock file's open is refused the way the kernel refuses a user."""
    from reasmory.memory.reconstruction import cache

    cache_dir = ctx.tmp / "cache"
    cache_dir.mkdir()
    cache_dir.chmod(0o555)
    if os.geteuid() == 0:
        def refuse(path: str | Path, *args: object, **kwargs: object) -> io.IOBase:
            if Path(path).parent == cache_dir:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
            return open(path, *args, **kwargs)  # type: ignore[call-overload]

        ctx.monkeypatch.setattr(cache, "open", refuse, raising=False)
    return build_into_cache(ctx)


class FullDisk(io.FileIO):
    """A file on a disk that fills up after 4 KiB."""

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if self.tell() + len(memoryview(data)) > 4096:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return super().write(data)


def full_cache(ctx: Ctx) -> list[str]:
    """The memory builds, then its write into the cache runs out of space half-way."""
    from reasmory.memory import store

    ctx.monkeypatch.setattr(store.os, "fdopen", lambda fd, mode="r", *args, **kwargs: FullDisk(fd, "r+"))
    return build_into_cache(ctx)


def no_entry_left(ctx: Ctx) -> None:
    """A failed cache write leaves neither an entry nor a temporary file, only the (empty) lock file."""
    assert sorted(p.suffix for p in (ctx.tmp / "cache").iterdir()) == [".lock"]


# -- the catalogue --------------------------------------------------------------------------------------------------

CASES: dict[str, Case] = {
    "missing file (answer)": Case(
        lambda c: ["answer", str(c.tmp / "absent.rmem"), COUNT], 2,
        "no file or folder at '{tmp}/absent.rmem' (check the path)"),
    "missing file (build)": Case(
        lambda c: ["build", str(c.tmp / "absent.mp4")], 2,
        "no such file or folder: '{tmp}/absent.mp4' (check the path)"),
    "folder without images (answer)": Case(
        lambda c: ["answer", str(folder(c, "empty")), COUNT], 2,
        "folder '{tmp}/empty' holds no images and is not an RGB-D or scene folder (give a .rmem file, a video, an image "
        "folder, a .txt list of images, an RGB-D folder or a `reasmory synth` scene folder)"),
    "folder without images (build)": Case(
        lambda c: ["build", str(folder(c, "empty"))], 2,
        "folder '{tmp}/empty' holds no images (put .bmp, .jpeg, .jpg, .png, .tif, .tiff, .webp files in it, or give a video file)"),
    "corrupt video": Case(
        lambda c: ["build", str(write(c.tmp / "bad.mp4", b"not a video " * 100))], 2,
        "cannot decode video '{tmp}/bad.mp4': Invalid data found when processing input (the file is damaged or not a video)"),
    "video with zero frames": Case(
        lambda c: ["build", str(write_video(c.tmp / "empty.avi", frames=0, codec="mpeg4"))], 2,
        "video '{tmp}/empty.avi' has zero frames (the file is empty or holds no pictures)"),
    "image list with zero images": Case(
        lambda c: ["build", str(write(c.tmp / "list.txt", b"# no images yet\n"))], 2,
        "the input has no frames (give a longer video or more images)"),
    "video with one frame": Case(
        lambda c: ["build", str(write_video(c.tmp / "one.mp4", frames=1)), "--backend", "sfm"], 2,
        "structure-from-motion needs at least 3 frames, the input has 1 (give more frames with more overlap "
        "(a slow, steady video works best), or try --backend vggt)"),
    "images of different sizes": Case(
        lambda c: ["build", str(folder(c, "mixed", (64, 48), (64, 40)))], 2,
        "images differ in size: '{tmp}/mixed/0.png' is 64×48 but '{tmp}/mixed/1.png' is 64×40 "
        "(use images from one camera at one resolution and orientation)"),
    "image over the pixel limit": Case(
        lambda c: ["build", str(png_header(c.tmp / "big" / "0.png", 9000, 6000).parent)], 2,
        "image '{tmp}/big/0.png' is 9000×6000, over the limit of 50 megapixels per frame (" + DOWNSCALE + ")"),
    "image over Pillow's decompression-bomb limit": Case(
        lambda c: ["build", str(png_header(c.tmp / "bomb" / "0.png", 20000, 20000).parent)], 2,
        "image '{tmp}/bomb/0.png' is over the limit of 50 megapixels per frame (" + DOWNSCALE + ")"),
    "video over the pixel limit": Case(
        huge_video, 2, "video '{tmp}/big.mp4' is 1920×1088, over the limit of 2 megapixels per frame (" + DOWNSCALE + ")"),
    "empty question": Case(
        lambda c: ["answer", str(c.rmem), ""], 2, "the question is empty (ask a question about the scene, in quotes)"),
    "blank question": Case(
        lambda c: ["answer", str(c.rmem), " \t "], 2, "the question is empty (ask a question about the scene, in quotes)"),
    "non-UTF-8 question": Case(
        lambda c: ["answer", str(c.rmem), b"How many chairs \xff are here?".decode("utf-8", "surrogateescape")], 2,
        "the question is not UTF-8 text (set a UTF-8 locale in your terminal, or re-type the question)"),
    "options without letters": Case(
        lambda c: ["answer", str(c.rmem), COUNT, "--options", "left", "right"], 2,
        """option 'left' has no letter (write options like "A. left", "B. right")"""),
    ".rmem truncated": Case(
        lambda c: rmem(c, "cut.rmem", lambda d: d[: len(d) // 2]), 2,
        "cannot load memory '{tmp}/cut.rmem': the file is truncated or damaged (its end is missing) (rebuild or re-copy it)"),
    ".rmem with a flipped bit": Case(
        lambda c: rmem(c, "flip.rmem", flip_a_bit), 2,
        "cannot load memory '{tmp}/flip.rmem': checksum mismatch: the file was damaged or modified after it was written "
        "(rebuild or re-copy it)"),
    ".rmem from a newer version": Case(
        newer_rmem, 2,
        "cannot load memory '{tmp}/newer.rmem': written by a newer Reasmory (schema version 99; this version reads up to 1) "
        "(upgrade reasmory: pip install -U reasmory)"),
    ".rmem that is not a zip": Case(
        lambda c: rmem(c, "text.rmem", lambda d: b"hello, I am text"), 2,
        "cannot load memory '{tmp}/text.rmem': not a Reasmory memory file (not a zip archive)"),
    "trace that is not JSON": Case(
        lambda c: trace_file(c, "{not json"), 2,
        "'{tmp}/trace.json' is not a valid Reasmory trace: top level: Invalid JSON: key must be a string at line 1 column 2 "
        "(give a trace written by `reasmory run --trace` or `reasmory answer --trace`)"),
    "trace JSON of the wrong shape": Case(
        lambda c: trace_file(c, '{"steps": 3}'), 2, "'{tmp}/trace.json' is not a valid Reasmory trace: program: Field required "
                     "(give a trace written by `reasmory run --trace` or `reasmory answer --trace`)"),
    "VLM endpoint down": Case(
        ask_nobody, 1,
        "the VLM at {down}/chat/completions gave no answer after 2 tries; last: the connection failed "
        "(ConnectError: [Errno 111] Connection refused) (" + VLM_HINT + ")"),
    "VLM endpoint too slow": Case(
        lambda c: ask_vlm(c, Reply(text="answer(1)", delay=1.5)), 1,
        "the VLM at {url}/chat/completions gave no answer after 1 try; last: it timed out (" + VLM_HINT + ")"),
    "VLM reply that is not JSON": Case(
        lambda c: ask_vlm(c, Reply(body=b"<html>502 Bad Gateway</html>")), 1,
        "the VLM at {url}/chat/completions answered with something other than JSON (" + URL_HINT + ")"),
    "VLM reply without a message": Case(
        lambda c: ask_vlm(c, Reply(body={"result": "ok"})), 1,
        "the VLM's reply has no choices[0].message.content (is this an OpenAI-compatible chat endpoint?)"),
    "read-only cache folder": Case(
        read_only_cache, 2,
        "cannot write to the cache folder '{tmp}/cache': Permission denied (make it writable, " + CACHE_HINT + ")"),
    "full disk under the cache": Case(
        full_cache, 2,
        "cannot write to the cache folder '{tmp}/cache': the disk is full (free space there, " + CACHE_HINT + ")",
        after=no_entry_left),
}

#: Issue #19: what an adversary hands over (tests/reliability/hostile.py).
HOSTILE = {name: Case(**spec) for name, spec in hostile.CASES.items()}
CASES |= HOSTILE


@pytest.fixture
def ctx(tmp_path: Path, living_room_rmem: Path, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Ctx]:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    with contextlib.ExitStack() as stack:
        yield Ctx(tmp_path, living_room_rmem, server, monkeypatch, down, stack)
    for path in tmp_path.rglob("*"):  # undo chmods so the folder can be removed
        if path.is_dir():
            path.chmod(0o755)


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_exits_with_one_line(name: str, ctx: Ctx, capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES[name]
    argv = case.make(ctx)
    start = time.perf_counter()
    code = main(argv)
    elapsed = time.perf_counter() - start
    out, err = capsys.readouterr()
    expected = case.message.format(tmp=ctx.tmp, url=ctx.server.url, down=ctx.down, rmem=ctx.rmem, **ctx.names)
    assert "Traceback" not in out + err
    if case.shows == "line":
        assert err.strip().splitlines()[-1] == f"error: {expected}"
    elif case.shows == "diagnostic":
        assert any(line.startswith(expected) for line in err.splitlines()), err
    else:
        assert expected in (out.strip().splitlines() or [""])[-1], out
    assert code == case.code, out + err
    assert elapsed <= case.within_s + 10, f"{elapsed:.1f} s"
    hostile.no_leftover_temporary_files(ctx.tmp)
    if "\x1b" in name or "escape" in name:
        hostile.no_raw_escape(out + err)
    if case.after is not None:
        case.after(ctx)


#: Runs a command line and prints its exit status and the peak resident MB of the largest process it started.
_MEASURE = """
import resource, subprocess, sys
status = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
print(status, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""


@pytest.mark.slow
@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_input_ends_in_time_under_a_gigabyte(name: str, ctx: Ctx) -> None:
    """The real command in its own process: its whole tree (run server and workers included) stays under 1 GB."""
    case = HOSTILE[name]
    argv = case.make(ctx)
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "400"}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, "-m", "reasmory", *argv], capture_output=True,
                          text=True, env=env, timeout=300, check=False)
    elapsed = time.perf_counter() - start
    status, peak_mb = done.stdout.split()
    print(f"{name}: exit {status}, {elapsed:.1f} s, peak {float(peak_mb):.0f} MB")
    assert int(status) == case.code
    assert float(peak_mb) < 1024, f"{name}: {peak_mb} MB"
    assert elapsed <= case.within_s + 10, f"{name}: {elapsed:.1f} s"


def test_non_utf8_bytes_on_the_real_command_line(living_room_rmem: Path, tmp_path: Path) -> None:
    """The bytes a Latin-1 terminal sends reach the process undecoded; the process says so in one line, exit 2."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "400", "REASMORY_CACHE_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "reasmory", "answer", bytes(living_room_rmem), b"Combien de chaises \xe9?"],
                          capture_output=True, env=env, timeout=120, check=False)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2 and "Traceback" not in err
    assert err.strip() == "error: the question is not UTF-8 text (set a UTF-8 locale in your terminal, or re-type the question)"


# -- the library API, where the CLI is not the entry ----------------------------------------------------------------

def _library_cases(tmp: Path, rmem_path: Path) -> dict[str, tuple[Callable[[], object], type[ReasmoryError], str]]:
    from reasmory.interpreter.trace import Trace
    from reasmory.memory import SpatialMemory
    from reasmory.memory.reconstruction.frames import load_frames

    from reasmory.answering import answer
    from reasmory.answering.clients.base import Message, VLMError
    from reasmory.answering.clients.openai import OpenAIClient

    (tmp / "cut.rmem").write_bytes(rmem_path.read_bytes()[:1000])
    (tmp / "trace.json").write_text("[1, 2")
    png_header(tmp / "big.png", 10000, 10000)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    client = OpenAIClient(down, "m", retries=0)
    return {
        "empty question": (lambda: answer(rmem_path, "  "), InputError, "the question is empty"),
        "non-UTF-8 question": (lambda: answer(rmem_path, "chairs \udce9?"), InputError, "the question is not UTF-8 text"),
        "truncated .rmem": (lambda: SpatialMemory.load(tmp / "cut.rmem"), MemoryFileError, "the file is truncated"),
        "malformed trace": (lambda: Trace.load(tmp / "trace.json"), InputError, "is not a valid Reasmory trace"),
        "huge image": (lambda: load_frames([tmp / "big.png"]), InputError, "10000×10000, over the limit of 50 megapixels"),
        "VLM down": (lambda: client.complete([Message(role="user", text="hi")]), VLMError, "gave no answer after 1 try"),
    }


@pytest.mark.parametrize("name", ["empty question", "non-UTF-8 question", "truncated .rmem", "malformed trace", "huge image",
                                  "VLM down"])
def test_the_library_raises_the_matching_error(name: str, tmp_path: Path, living_room_rmem: Path) -> None:
    call, error, fragment = _library_cases(tmp_path, living_room_rmem)[name]
    with pytest.raises(error) as raised:
        call()
    assert fragment in raised.value.one_line() and "\n" not in raised.value.one_line()


def test_a_full_disk_leaves_no_partial_cache_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache API itself: ENOSPC half-way through an entry raises InputError naming the folder; nothing is left."""
    from reasmory.benchmarks.memory_io import synthetic_memory
    from reasmory.memory import store
    from reasmory.memory.reconstruction.cache import MemoryCache

    monkeypatch.setattr(store.os, "fdopen", lambda fd, mode="r", *args, **kwargs: FullDisk(fd, "r+"))
    cache = MemoryCache(tmp_path / "cache")
    with pytest.raises(InputError, match="cache folder .* the disk is full") as raised:
        cache.get_or_build("k", lambda: synthetic_memory(2000))
    assert "REASMORY_CACHE_DIR" in (raised.value.hint or "")
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["k.lock"] and cache.get("k") is None
