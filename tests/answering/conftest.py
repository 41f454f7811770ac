"""Fixtures for answering: a scripted OpenAI-compatible server on 127.0.0.1, memories, clean settings."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from reasmory.memory import SpatialMemory


@dataclass
class Reply:
    """One scripted reply: a chat completion with `text`, or a raw status and body; `delay` seconds first."""

    text: str | None = None
    status: int = 200
    body: Any = None
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)

    def payload(self) -> bytes:
        if self.body is not None:
            return self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()
        return json.dumps({"id": "x", "object": "chat.completion",
                           "choices": [{"index": 0, "message": {"role": "assistant", "content": self.text}}]}).encode()


def chat(text: str) -> Reply:
    return Reply(text=text)


class ScriptedServer:
    """Answers POST /v1/chat/completions with the scripted replies in order; records every request."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with server._lock:
                    server.requests.append(body)
                    server.headers.append(dict(self.headers))
                    reply = server.replies.pop(0) if server.replies else Reply(status=500, body={"error": {"message": "script exhausted"}})
                time.sleep(reply.delay)
                status = reply.status
                if self.path != "/v1/chat/completions":
                    status, reply = 404, Reply(status=404, body={"error": {"message": f"no route {self.path}"}})
                data = reply.payload()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()

    def script(self, *replies: Reply | str) -> ScriptedServer:
        self.replies.extend(chat(r) if isinstance(r, str) else r for r in replies)
        return self

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    srv = ScriptedServer()
    yield srv
    srv.close()


@pytest.fixture(autouse=True)
def clean_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user config, no REASMORY_* or proxy variables: each test sets what it needs."""
    import os

    for name in list(os.environ):
        if (name.startswith("REASMORY_") and name != "REASMORY_SHARED") or name.lower() in ("http_proxy", "https_proxy", "all_proxy"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))


@pytest.fixture
def vlm(server: ScriptedServer, tmp_path: Path) -> dict[str, Any]:
    """Settings keyword arguments pointing at the scripted server, with short back-offs."""
    return {"vlm_base_url": server.url, "vlm_model": "scripted-vlm", "vlm_backoff": 0.01, "vlm_timeout": 2.0,
            "vlm_retries": 2, "cache_dir": tmp_path / "cache"}


@pytest.fixture(scope="session")
def living_room() -> SpatialMemory:
    from reasmory.memory.oracle import from_scene

    from reasmory.cli.demo_cmd import example_scene_path

    return from_scene(example_scene_path())


@pytest.fixture(scope="session")
def living_room_rmem(living_room: SpatialMemory, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return living_room.save(tmp_path_factory.mktemp("rmem") / "living_room.rmem")
