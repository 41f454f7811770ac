"""The bad-input catalogue's cases from issue #19: what an adversary hands Reasmory, and what must come of it.

Programs come from models, memories and traces from other people. Each case writes its input under the test's
folder and returns the command line (`make(ctx)`, ctx as in test_bad_input.py); the crafted bytes come from
reasmory.benchmarks.crafted, which the fuzzer draws from too.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from reasmory.benchmarks import crafted
from reasmory.cli import main
from tests.answering.conftest import Reply

FREE_FORM = "What is the nicest chair?"
VLM_HINT = "check that the server is up, or raise REASMORY_VLM_TIMEOUT / REASMORY_VLM_RETRIES"

ESCAPES = "\x1b]0;pwned\x07\x1b[2J"


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def run_program(tmp: Path, rmem: Path, program: str, *more: str) -> list[str]:
    return ["run", str(rmem), str(write(tmp / "program.rp", program)), *more]


def memory_file(tmp: Path, name: str, data: bytes) -> Path:
    return write(tmp / name, data)


def scene_file(tmp: Path, obj: dict) -> list[str]:
    base = {"label": "box", "center": [0, 0, 0.5], "extents": [1, 1, 1]}
    return ["memory", "from-scene", str(write(tmp / "scene.json", crafted.scene_json([{**base, **obj}]))), "-o", str(tmp / "s.rmem")]


def special_rmem(tmp: Path, kind: str) -> list[str]:
    """A `.rmem` that is a symlink to /dev/zero, or a FIFO: reading either would never end."""
    path = tmp / f"{kind}.rmem"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    return ["memory", "info", str(path)]


def hostile_trace(tmp: Path) -> list[str]:
    """A trace in its own folder whose artifacts name a system file, a file outside the folder, /dev/zero and a symlink out."""
    write(tmp / "secret.txt", "TOP-SECRET-CONTENT")
    folder = tmp / "deep" / "er"
    folder.mkdir(parents=True)
    (folder / "link.png").symlink_to(tmp / "secret.txt")
    trace = write(folder / "trace.json", crafted.trace_json(["/etc/hostname", "../../secret.txt", "/dev/zero", "link.png"]))
    return ["trace", "html", str(trace), "-o", str(tmp / "report.html")]


def no_secret_in_report(tmp: Path) -> None:
    import base64

    page = (tmp / "report.html").read_text()
    assert base64.b64encode(b"TOP-SECRET-CONTENT").decode()[:12] not in page and "TOP-SECRET" not in page
    assert page.count("image not shown") == 4


def null_trace(tmp: Path, command: str) -> list[str]:
    """A trace whose values were NaN when written (JSON null) or of the wrong shape."""
    result = {"type": "Number", "value": None, "unit": "m"}
    trace = json.loads(crafted.trace_json([], result=result))
    trace["steps"].append({**trace["steps"][0], "index": 1, "result": {"type": "View", "origin": 3, "position": None}})
    path = write(tmp / "trace.json", json.dumps(trace))
    return ["trace", command, str(path)] + (["-o", str(tmp / "r.html")] if command == "html" else [])


def no_leftover_temporary_files(tmp: Path) -> None:
    assert not [p for p in tmp.rglob("*") if p.name.endswith(".tmp")]


def no_raw_escape(out: str) -> None:
    assert "\x1b]" not in out and "\x1b[2J" not in out and "\x07" not in out and "\\x1b" in out


class TrickleServer:
    """An HTTP server that answers every request one byte at a time, `every_s` apart, for ever (a hostile VLM)."""

    def __init__(self, every_s: float = 0.2) -> None:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "100000000")
                self.end_headers()
                with contextlib.suppress(OSError):
                    while True:
                        self.wfile.write(b" ")
                        self.wfile.flush()
                        time.sleep(every_s)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@contextlib.contextmanager
def trickle_server() -> Iterator[TrickleServer]:
    server = TrickleServer()
    try:
        yield server
    finally:
        server.close()


def _case(make: Callable[[Any], list[str]], code: int, message: str, after: Callable[[Any], None] | None = None,
          shows: str = "line", within_s: float = 0.0) -> dict[str, Any]:
    return {"make": make, "code": code, "message": message, "after": after, "shows": shows, "within_s": within_s}


def reply_of(ctx: Any, reply: Reply) -> list[str]:
    """A free-form question to the scripted server, which answers once with `reply` (no retries, 0.5 s timeout)."""
    ctx.server.script(reply)
    ctx.vlm(ctx.server.url, VLM_TIMEOUT="0.5", VLM_RETRIES="0")
    return ["answer", str(ctx.rmem), FREE_FORM]


def hostile_vlm(ctx: Any, *replies: Reply | str, timeout: str = "5") -> list[str]:
    """A free-form question to the scripted server, which answers with `replies`: programs, or the reasoner's words."""
    ctx.server.script(*replies)
    ctx.vlm(ctx.server.url, VLM_TIMEOUT=timeout, VLM_RETRIES="0")
    return ["answer", str(ctx.rmem), FREE_FORM, "--trace", str(ctx.tmp / "vt" / "trace.json")]


def trickling_vlm(ctx: Any) -> list[str]:
    """A VLM that sends a byte every 0.2 s for ever: the reply's deadline (1 s here) ends it."""
    trickle = ctx.stack.enter_context(trickle_server())
    ctx.names["trickle"] = trickle.url
    ctx.vlm(trickle.url, VLM_TIMEOUT="1", VLM_RETRIES="0")
    return ["answer", str(ctx.rmem), FREE_FORM]


def relative_trace(ctx: Any) -> list[str]:
    """`answer --trace vt2/trace.json` from the trace's parent folder: the picture the reasoner reads, and the report, are found."""
    ctx.monkeypatch.chdir(ctx.tmp)
    ctx.server.script('answer(bev(mode="semantic"))', "two chairs")
    ctx.vlm(ctx.server.url, VLM_TIMEOUT="30", VLM_RETRIES="0")
    return ["answer", str(ctx.rmem), FREE_FORM, "--trace", "vt2/trace.json"]


def report_embeds_the_picture(ctx: Any) -> None:
    assert main(["trace", "html", "vt2/trace.json", "-o", "vt2/report.html"]) == 0
    page = (ctx.tmp / "vt2" / "report.html").read_text()
    assert "data:image/png;base64," in page and "image not shown" not in page
    assert not list(ctx.tmp.rglob("vt2/vt2*"))


def labels_with_escapes(ctx: Any, *command: str) -> list[str]:
    rmem_path = memory_file(ctx.tmp, "esc.rmem", crafted.escape_label(ESCAPES))
    if command[0] == "run":
        return run_program(ctx.tmp, rmem_path, "answer(labels())\n")
    return [*command, str(rmem_path)]


def trace_with_escapes(ctx: Any) -> list[str]:
    return ["trace", "show", str(write(ctx.tmp / "t.json", crafted.trace_json([], label="chair" + ESCAPES)))]


BUDGET = 5.0  # Limits().time_budget_s: a program's deadline
NEVER_ENDS = "it is not a regular file (a pipe, socket or device) (give a .rmem file on disk)"
#: Issue #19, case by case: Case fields (make, code, message, after, shows, within_s) as test_bad_input.py reads them.
CASES: dict[str, dict[str, Any]] = {
    "names that double (20 views of views)": _case(
        lambda c: run_program(c.tmp, c.rmem, crafted.doubling_program(20)), 1,
        "error[value-too-large] line 11, column 7: view(…) would build a value of about", shows="diagnostic", within_s=BUDGET),
    "names that double, from the VLM (24 views)": _case(
        lambda c: hostile_vlm(c, *[crafted.doubling_program(24)] * 3, "two chairs"), 0, "two chairs", shows="answer",
        within_s=BUDGET + 4 * 5),
    "6,000 objects, every pair": _case(  # scattered: the bounds rule out all but a few pairs per object
        lambda c: run_program(c.tmp, memory_file(c.tmp, "crowd.rmem", crafted.crowded(6000)),
                                'answer(distance(objects("a"), objects("b")))\n'), 0, "0", shows="answer", within_s=BUDGET),
    "6,000 objects piled up, every pair": _case(  # no pair's bounds rule it out: 9 million exact distances
        lambda c: run_program(c.tmp, memory_file(c.tmp, "pile.rmem", crafted.crowded(6000, spread_m=0.1)),
                                'answer(distance(objects("a"), objects("b")))\n'), 1,
        "error[over-budget] line 1, column 8: the program's estimated cost is", shows="diagnostic", within_s=BUDGET),
    "memory spanning 2 km (room_area)": _case(
        lambda c: run_program(c.tmp, memory_file(c.tmp, "far.rmem", crafted.far_away(2000)), "answer(room_area())\n"), 0,
        "0.5", shows="answer", within_s=BUDGET),
    "memory spanning 20 km (memory info)": _case(
        lambda c: ["memory", "info", str(memory_file(c.tmp, "far.rmem", crafted.far_away(20000)))], 2,
        "cannot load memory '{tmp}/far.rmem': its point cloud holds a coordinate 20,000 m from the origin, over the limit of "
        "10,000 m (rebuild it, or fix the file it was built from)"),
    "label of a million characters (bev)": _case(
        lambda c: run_program(c.tmp, memory_file(c.tmp, "label.rmem", crafted.long_label(1_000_000)), "answer(bev())\n"), 2,
        "cannot load memory '{tmp}/label.rmem': object 0 has a label of 1,000,000 characters (1 to 200 allowed) "
        "(rebuild it, or fix the file it was built from)"),
    "answer(1e999)": _case(
        lambda c: run_program(c.tmp, c.rmem, "answer(1e999)\n"), 1,
        "error[not-finite] line 1, column 8: the number 1e999 is too large to be a finite number", shows="diagnostic"),
    "camera(1e999) (check)": _case(
        lambda c: ["check", str(write(c.tmp / "p.rp", "answer(camera(1e999))\n")), "--memory", str(c.rmem)], 1,
        "error[not-finite] line 1, column 15: the number 1e999 is too large to be a finite number", shows="diagnostic"),
    "answer(1e999) from the VLM is repaired": _case(
        lambda c: hostile_vlm(c, "answer(1e999)", 'answer(count(objects("chair")))'), 0, "2", shows="answer", within_s=10),
    "NaN object centre (.rmem)": _case(
        lambda c: ["memory", "info", str(memory_file(c.tmp, "nan.rmem", crafted.non_finite("centre")))], 2,
        "cannot load memory '{tmp}/nan.rmem': object 0 ('thing0') has a box centre that is not finite or is over 10,000 m "
        "from the origin (rebuild it, or fix the file it was built from)"),
    "infinite object centre (scene.json)": _case(
        lambda c: scene_file(c.tmp, {"center": [1e999, 0, 0]}), 2,
        "invalid scene description '{tmp}/scene.json': objects.0.center.0: Input should be a finite number"),
    "trace with null values (show)": _case(lambda c: null_trace(c.tmp, "show"), 0, "(unreadable value)", shows="answer"),
    "trace with null values (html)": _case(lambda c: null_trace(c.tmp, "html"), 0, "wrote {tmp}/r.html", shows="answer"),
    "trace naming files outside its folder": _case(
        lambda c: hostile_trace(c.tmp), 0, "wrote {tmp}/report.html", shows="answer", after=lambda c: no_secret_in_report(c.tmp)),
    ".rmem whose manifest inflates to 1 GB": _case(
        lambda c: ["memory", "info", str(memory_file(c.tmp, "bomb.rmem", crafted.manifest_bomb(1 << 30)))], 2,
        "cannot load memory '{tmp}/bomb.rmem': entry 'manifest.json' is compressed (Reasmory stores every entry uncompressed)"),
    "scene.json with extents [1e5, 0, 0]": _case(
        lambda c: scene_file(c.tmp, {"extents": [1e5, 0, 0]}), 2,
        "invalid scene description '{tmp}/scene.json': objects.0.extents.0: Input should be less than or equal to 1000"),
    "scene.json with extents [1e6, 0, 0]": _case(
        lambda c: scene_file(c.tmp, {"extents": [1e6, 0, 0]}), 2,
        "invalid scene description '{tmp}/scene.json': objects.0.extents.0: Input should be less than or equal to 1000"),
    "object points count toward REASMORY_MAX_POINTS": _case(
        lambda c: (c.monkeypatch.setenv("REASMORY_MAX_POINTS", "1000"), ["memory", "info", str(c.rmem)])[1], 2,
        "memory '{rmem}' holds 53,290 points, over the limit of 1,000 (build it with fewer (reasmory build --set voxel_size=0.02), "
        "or raise the limit with REASMORY_MAX_POINTS or max_points=)"),
    "VLM reply of 9 MB": _case(
        lambda c: reply_of(c, Reply(body=b"x" * (9 << 20))), 1,
        "the VLM at {url}/chat/completions sent a reply of more than 8,388,608 bytes (is this an OpenAI-compatible chat "
        "endpoint? lower REASMORY_VLM_MAX_TOKENS)"),
    "VLM sending a byte at a time": _case(
        trickling_vlm, 1, "the VLM at {trickle}/chat/completions gave no answer after 1 try; last: it timed out (" + VLM_HINT + ")",
        within_s=1),
    ".rmem that is a symlink to /dev/zero": _case(
        lambda c: special_rmem(c.tmp, "zero"), 2, "cannot load memory '{tmp}/zero.rmem': " + NEVER_ENDS),
    ".rmem that is a FIFO": _case(lambda c: special_rmem(c.tmp, "fifo"), 2, "cannot load memory '{tmp}/fifo.rmem': " + NEVER_ENDS),
    "escape sequences in labels (run)": _case(
        lambda c: labels_with_escapes(c, "run"), 0, "chair\\x1b]0;pwned\\x07\\x1b[2J, table", shows="answer"),
    "escape sequences in labels (memory info)": _case(
        lambda c: labels_with_escapes(c, "memory", "info"), 0, "", shows="answer"),  # no raw escape anywhere in its output
    "escape sequences in labels (trace show)": _case(trace_with_escapes, 0, "", shows="answer"),
    "run --trace into a folder": _case(
        lambda c: run_program(c.tmp, c.rmem, "answer(1)\n", "--trace", str(c.tmp)), 2,
        "cannot write the trace to '{tmp}': it is a folder (give a file name)", after=lambda c: no_leftover_temporary_files(c.tmp)),
    "render -o a folder": _case(
        lambda c: ["render", str(c.rmem), "--bev", "-o", str((c.tmp / "map.png").mkdir() or c.tmp / "map.png")], 2,
        "cannot write the image to '{tmp}/map.png': it is a folder (give a file name)",
        after=lambda c: no_leftover_temporary_files(c.tmp)),
    "trace html -o under a file": _case(
        lambda c: ["trace", "html", str(write(c.tmp / "t.json", crafted.trace_json([]))), "-o", str(c.tmp / "t.json" / "r.html")], 2,
        "cannot write the report to '{tmp}/t.json/r.html': '{tmp}/t.json' is a file, not a folder (choose another path)",
        after=lambda c: no_leftover_temporary_files(c.tmp)),
    "synth -o under a file": _case(
        lambda c: ["synth", "--seed", "1", "--frames", "8", "--width", "64", "--height", "48", "-o",
                   str(write(c.tmp / "f", "x") / "scene")], 2,
        "cannot write the scene to '{tmp}/f/scene': '{tmp}/f' is a file, not a folder (choose another path)"),
    "relative --trace path": _case(
        relative_trace, 0, "two chairs", shows="answer", within_s=10, after=report_embeds_the_picture),
    "step by 1000*1000 metres": _case(
        lambda c: run_program(c.tmp, c.rmem, 'answer(step(camera(0), "forward", 1000*1000))\n'), 1,
        "error[out-of-range] line 1, column 8: meters=1e+06 is out of range for step", shows="diagnostic"),
    "deeply nested meta_info JSON": _case(
        lambda c: ["memory", "from-vsibench", "--meta", str(write(c.tmp / "meta.json", crafted.deep_json(100_000))),
                   "--scene", "x", "-o", str(c.tmp / "x.rmem")], 2,
        "cannot read VSI-Bench meta_info '{tmp}/meta.json': maximum recursion depth exceeded while decoding a JSON array from a unicode string"),
    "scene.json with negative extents": _case(
        lambda c: scene_file(c.tmp, {"extents": [1, -1, 1]}), 2,
        "invalid scene description '{tmp}/scene.json': objects.0.extents.1: Input should be greater than or equal to 0"),
    "scene.json with a rotation that is not orthonormal": _case(
        lambda c: scene_file(c.tmp, {"rotation": [[1, 0, 0], [0, 2, 0], [0, 0, 1]]}), 2,
        "invalid scene description '{tmp}/scene.json': objects.0: Value error, 'rotation' must be orthonormal (its columns are the box axes)"),
}
