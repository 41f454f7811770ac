"""Inputs an adversary hands Reasmory (issue #19), written under a test's folder for the bad-input catalogue.

Each maker writes what it needs under `tmp` and returns the command line. The crafted bytes come from
reasmory.benchmarks.crafted, which the fuzzer draws from too.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from reasmory.benchmarks import crafted

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
