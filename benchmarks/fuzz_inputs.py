"""Fuzzing the boundaries: crafted memories, scene descriptions, traces and VLM replies through the real entry points.

Each example draws one hostile input (reasmory.benchmarks.crafted, with random
parameters, or a valid file with random bytes changed and its checksum
resealed) and hands it to what a user would run: `reasmory memory info`,
`memory from-scene`, `trace show` and `trace html` (the CLI, in-process), or
the HTTP VLM client behind a mock transport followed by check and run. A
failure is a traceback, an exit status other than 0, 1 or 2, an error that is
not one line, a run past its deadline, or a MemoryError (the fuzzing worker
runs under a memory cap).
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import io
import json
import math
import os
import random
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from reasmory.benchmarks import crafted

#: Seconds any one crafted input may take, whatever it is.
DEADLINE_S = 10.0
REPLY_TIMEOUT_S = 0.3
HOSTILE_NUMBERS: list[object] = [math.inf, -math.inf, math.nan, 1e999, -1, 0, 1e5, 1e308, 2**70, "x", None, [], {}, True]
CONTROL = ["\x1b[2J", "\x1b]0;t\x07", "\r", "\u202e", "\x00", "\n"]


class InputFailure(AssertionError):
    """A crafted input got past the boundary: a traceback, a wrong exit, a multi-line error, or too long a time."""


def _cli(argv: list[str]) -> tuple[int, str, str]:
    """The CLI in this process, its output captured; any exception escaping it is a failure."""
    from reasmory.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except MemoryError:
            raise InputFailure(f"MemoryError (over the memory cap) on {argv}") from None
        except BaseException as exc:  # noqa: BLE001 — nothing may escape the CLI
            raise InputFailure(f"{type(exc).__name__} escaped `reasmory {' '.join(argv)}`: {exc}") from exc
    return code, out.getvalue(), err.getvalue()


def _expect(argv: list[str], codes: tuple[int, ...] = (0, 2)) -> str:
    code, out, err = _cli(argv)
    if code not in codes:
        raise InputFailure(f"exit {code} from `reasmory {' '.join(argv)}`: {err[-300:]}")
    if code != 0:
        lines = err.strip().splitlines()
        if len(lines) != 1 or not lines[0].startswith("error: "):
            raise InputFailure(f"not one error line from `reasmory {' '.join(argv)}`: {err[-300:]}")
    if "\x1b]" in out + err or "\x1b[2J" in out + err:
        raise InputFailure(f"a raw escape sequence reached the terminal from `reasmory {' '.join(argv)}`")
    return f"exit {code}"


# ----- memories --------------------------------------------------------------------------------------------------------

def _mutated_memory(rnd: random.Random) -> bytes:
    """A valid memory with random bytes changed, inserted or cut, then resealed: structure chaos behind a good checksum."""
    data = bytearray(crafted.memory_bytes(crafted.box_memory(rnd.randint(1, 6), seed=rnd.randint(0, 99), with_points=rnd.random() < 0.5)))
    for _ in range(rnd.randint(1, 6)):
        at = rnd.randrange(len(data) - 64 - len(b"RMEM1 sha256:"))  # before the seal
        edit = rnd.randrange(3)
        if edit == 0:
            data[at] = rnd.randrange(256)
        elif edit == 1:
            data[at:at] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 8)))
        else:
            del data[at : at + rnd.randint(1, 16)]
    return crafted.reseal(bytes(data))


MEMORY_MAKERS: list[Callable[[random.Random], bytes]] = [
    lambda r: crafted.manifest_bomb(r.choice([1 << 20, 70 << 20])),
    lambda r: crafted.many_entries(r.choice([250, 300, 2000])),
    lambda r: crafted.lying_array(r.choice([0, 1, 5, 10**3, 10**9, 10**15]),
                                  r.choice(["points_xyz", "points_rgb", "object_points", "object_offsets", "points_frame"])),
    lambda r: crafted.mismatched_arrays(),
    lambda r: crafted.non_finite(r.choice(["points", "centre", "area"]), r.choice([math.nan, math.inf, -math.inf])),
    lambda r: crafted.far_away(r.choice([1.0, 900.0, 2_000.0, 9_999.0, 10_001.0, 1e6, 1e30])),
    lambda r: crafted.long_label(r.choice([0, 1, 200, 201, 100_000])),
    lambda r: crafted.escape_label("".join(r.choices(CONTROL, k=3))),
    lambda r: crafted.unsupported_entry(r.choice([20, 45, 63, 64, 182, 0xFFFF]), r.choice([0, 0x1, 0x8, 0x20, 0x40])),
    _mutated_memory,
    _mutated_memory,
]


def memory_example(rnd: random.Random, folder: Path) -> str:
    path = folder / "m.rmem"
    special = rnd.random()
    if special < 0.02:
        os.mkfifo(path)
    elif special < 0.04:
        path.symlink_to(rnd.choice(["/dev/zero", "/dev/null", str(folder)]))
    else:
        path.write_bytes(rnd.choice(MEMORY_MAKERS)(rnd))
    return "memory " + _expect(["memory", "info", str(path)])


# ----- scene descriptions ------------------------------------------------------------------------------------------------

SCENE_FIELDS = ["center", "extents", "yaw_deg", "rotation", "label", "frames", "id"]


def _hostile(rnd: random.Random, like: object) -> object:
    """A hostile value shaped like `like` (a list keeps its length but gets one bad item) or any hostile value."""
    if isinstance(like, list) and like and rnd.random() < 0.7:
        bad = list(like)
        bad[rnd.randrange(len(bad))] = _hostile(rnd, bad[0])
        return bad
    return rnd.choice(HOSTILE_NUMBERS + ["x" * rnd.choice([0, 201, 10_000]), "".join(rnd.choices(CONTROL, k=2)), [[1, 0, 0]] * 3])


def scene_text(rnd: random.Random) -> str:
    objects = [{"label": "box", "center": [0, 0, 0.5], "extents": [1, 1, 1], "frames": [0]} for _ in range(rnd.randint(1, 4))]
    cameras = [{"position": [3, 0, 1.5], "look_at": [0, 0, 0.5]}]
    for _ in range(rnd.randint(1, 3)):
        target = rnd.choice(objects)
        name = rnd.choice(SCENE_FIELDS)
        target[name] = _hostile(rnd, target.get(name, [0, 0, 0]))
    if rnd.random() < 0.2:
        cameras[0][rnd.choice(["position", "look_at", "pose", "K", "width", "fov_deg"])] = _hostile(rnd, [0, 0, 0])
    room: dict[str, object] = {"area": _hostile(rnd, 1.0)} if rnd.random() < 0.2 else {}
    text = json.dumps({"format": "reasmory-scene", "version": 1, "objects": objects, "cameras": cameras, "room": room})
    if rnd.random() < 0.05:
        text = text[:-1] + ', "synonyms": ' + "[" * 50_000 + "]" * 50_000 + "}"
    return text.replace("NaN", rnd.choice(["NaN", "1e999", "-1e999"]))


def scene_example(rnd: random.Random, folder: Path) -> str:
    path = folder / "scene.json"
    path.write_text(scene_text(rnd))
    return "scene " + _expect(["memory", "from-scene", str(path), "-o", str(folder / "s.rmem")])


# ----- traces ------------------------------------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def trace_example(rnd: random.Random, folder: Path) -> str:
    inside = folder / "trace"
    inside.mkdir()
    (inside / "ok.png").write_bytes(PNG)
    (inside / "notes.png").write_text("not a picture")
    (inside / "out.png").symlink_to("/etc/hostname")
    os.mkfifo(inside / "fifo.png")
    artifacts = rnd.sample(["ok.png", "notes.png", "out.png", "fifo.png", "/etc/hostname", "../../x.png", "/dev/zero",
                            str(inside / "ok.png"), "", "a" * 300, "\x1b[2J.png"], rnd.randint(0, 4))
    shapes: list[dict] = [{"type": "Number", "value": None}, {"type": "View", "origin": 3}, {"type": "List", "items": [{}] * 30, "length": -1},
                          {"type": "Object", "id": "x", "label": "\x1b]0;t\x07", "center": [1e308, None, "x"]}, {"type": ["odd"]}]
    trace = json.loads(crafted.trace_json(artifacts, result=rnd.choice(shapes), label=rnd.choice(["chair", "c\x1b[2Jhair"])))
    if rnd.random() < 0.3:
        trace["steps"][0]["warnings"] = ["".join(rnd.choices(CONTROL + ["w"], k=20))]
    text = json.dumps(trace)
    if rnd.random() < 0.05:
        text = text[:-1] + ', "options": ' + "[" * 20_000 + "]" * 20_000 + "}"
    path = inside / "trace.json"
    path.write_text(text)
    shown = _expect(["trace", "show", str(path)])
    written = _expect(["trace", "html", str(path), "-o", str(folder / "r.html")])
    page = (folder / "r.html").read_text() if (folder / "r.html").exists() else ""
    if "a2V5" in page or "root:" in page:  # nothing from outside the trace's folder is embedded
        raise InputFailure("a file from outside the trace's folder reached the report")
    return f"trace show {shown}, html {written}"


# ----- VLM replies -------------------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _gzip_bomb() -> bytes:
    return gzip.compress(b" " * (24 << 20))


def _reply(rnd: random.Random) -> tuple[str, Callable[[object], object]]:
    import httpx

    def chat(text: str) -> bytes:
        return json.dumps({"choices": [{"message": {"content": text}}]}).encode()

    def stream(chunks: int, size: int, pause: float) -> object:
        def body():  # noqa: ANN202
            for _ in range(chunks):
                time.sleep(pause)
                yield b" " * size
        return body()

    programs = [crafted.doubling_program(rnd.randint(1, 30)), "answer(1e999)", "answer(" * 200 + "1" + ")" * 200, "x = 1\n" * 10_000,
                'answer(distance(objects("chair"), objects("table")))', "\x1b[2J" * 10, "", "answer(count(objects(\"chair\")))"]
    kinds: dict[str, Callable[[object], object]] = {
        "flood": lambda request: httpx.Response(200, content=stream(40, 1 << 20, 0.0)),
        "trickle": lambda request: httpx.Response(200, content=stream(100, 1, 0.05)),
        "gzip bomb": lambda request: httpx.Response(200, content=_gzip_bomb(), headers={"content-encoding": "gzip"}),
        "not json": lambda request: httpx.Response(200, content=b"<html>" * 100),
        "nested json": lambda request: httpx.Response(200, content=b"[" * 100_000 + b"]" * 100_000),
        "program": lambda request: httpx.Response(200, content=chat(rnd.choice(programs))),
        "error status": lambda request: httpx.Response(rnd.choice([400, 401, 404, 500, 503]), content=b'{"error": {"message": "no"}}'),
    }
    kind = rnd.choice(list(kinds))
    return kind, kinds[kind]


def reply_example(rnd: random.Random, folder: Path, memory: object) -> str:
    import httpx

    from reasmory.answering.clients.base import Message
    from reasmory.answering.clients.openai import OpenAIClient
    from reasmory.answering.generate import extract_program
    from reasmory.errors import ReasmoryError
    from reasmory.interpreter import check

    kind, handler = _reply(rnd)
    client = OpenAIClient("http://vlm.test/v1", "m", timeout=REPLY_TIMEOUT_S, retries=0, grammar="off")
    client._http = httpx.Client(transport=httpx.MockTransport(handler), timeout=REPLY_TIMEOUT_S)
    try:
        text = client.complete([Message(role="user", text="q")]).text
    except ReasmoryError as exc:
        if "\n" in exc.one_line():
            raise InputFailure(f"a multi-line error from a {kind} reply") from None
        return f"reply {kind}: refused"
    except MemoryError:
        raise InputFailure(f"MemoryError (over the memory cap) on a {kind} reply") from None
    except Exception as exc:  # noqa: BLE001
        raise InputFailure(f"{type(exc).__name__} escaped the VLM client on a {kind} reply: {exc}") from exc
    finally:
        client.close()
    found = check(extract_program(text), memory)
    return f"reply {kind}: {'refused' if found else 'checks clean'}"


def input_round(count: int, seed: int, watchdog_s: float | None = None) -> dict:
    """`count` crafted inputs in this process (raises InputFailure); outcome counts and time.

    With `watchdog_s`, an input that hangs kills the process (faulthandler) and the caller reports it.
    """
    import faulthandler

    from reasmory.memory.oracle import from_scene

    from reasmory.cli.demo_cmd import example_scene_path

    memory = from_scene(example_scene_path())
    rnd = random.Random(seed)
    outcomes: Counter = Counter()
    start = time.perf_counter()
    for i in range(count):
        kind = rnd.choice(["memory", "memory", "scene", "trace", "reply"])
        began = time.perf_counter()
        if watchdog_s is not None:
            faulthandler.dump_traceback_later(watchdog_s, exit=True)
        with tempfile.TemporaryDirectory(prefix="reasmory-fuzz-") as folder:
            try:
                if kind == "memory":
                    outcome = memory_example(rnd, Path(folder))
                elif kind == "scene":
                    outcome = scene_example(rnd, Path(folder))
                elif kind == "trace":
                    outcome = trace_example(rnd, Path(folder))
                else:
                    outcome = reply_example(rnd, Path(folder), memory)
            except InputFailure as exc:
                raise InputFailure(f"input {i} (seed {seed}): {exc}") from None
        if watchdog_s is not None:
            faulthandler.cancel_dump_traceback_later()
        if time.perf_counter() - began > DEADLINE_S:
            raise InputFailure(f"input {i} (seed {seed}, {kind}) took {time.perf_counter() - began:.1f} s")
        outcomes[outcome] += 1
    return {"inputs": count, "seconds": time.perf_counter() - start, "outcomes": dict(outcomes)}
