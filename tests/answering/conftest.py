"""Fixtures for answering: a scripted OpenAI-compatible server on 127.0.0.1, memories, clean settings."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from reasmory.memory import SpatialMemory


@dataclass
class Reply:
    """One scripted reply: a chat completion (or Responses API response) with `text`, or a raw status and body; `delay` seconds first.

    `usage` is (input, output) tokens; `tool` makes the text the input of a call to that custom tool.
    """

    text: str | None = None
    status: int = 200
    body: Any = None
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    usage: tuple[int, int] | None = None
    tool: str | None = None

    def payload(self, path: str = "/v1/chat/completions") -> bytes:
        if self.body is not None:
            return self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()
        return json.dumps(self._responses() if path.endswith("/responses") else self._chat()).encode()

    def _chat(self) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": self.text}
        if self.tool is not None:
            message = {"role": "assistant", "content": None,
                       "tool_calls": [{"id": "call_1", "type": "custom", "custom": {"name": self.tool, "input": self.text}}]}
        out: dict[str, Any] = {"id": "x", "object": "chat.completion", "created": 0, "model": "scripted",
                               "choices": [{"index": 0, "finish_reason": "stop", "message": message}]}
        if self.usage is not None:
            out["usage"] = {"prompt_tokens": self.usage[0], "completion_tokens": self.usage[1], "total_tokens": sum(self.usage)}
        return out

    def _responses(self) -> dict[str, Any]:
        item: dict[str, Any] = {"type": "message", "id": "msg_1", "role": "assistant", "status": "completed",
                                "content": [{"type": "output_text", "text": self.text, "annotations": []}]}
        if self.tool is not None:
            item = {"type": "custom_tool_call", "call_id": "call_1", "name": self.tool, "input": self.text}
        out: dict[str, Any] = {"id": "resp_1", "object": "response", "created_at": 0, "model": "scripted", "status": "completed",
                               "output": [item], "parallel_tool_calls": False, "tool_choice": "auto", "tools": []}
        if self.usage is not None:
            out["usage"] = {"input_tokens": self.usage[0], "output_tokens": self.usage[1], "total_tokens": sum(self.usage),
                            "input_tokens_details": {"cached_tokens": 0}, "output_tokens_details": {"reasoning_tokens": 0}}
        return out


def chat(text: str) -> Reply:
    return Reply(text=text)


class ScriptedServer:
    """Answers POST /v1/chat/completions and /v1/responses with the scripted replies in order; records every request.

    GET /v1/models lists one model owned by `owned_by` (vLLM says "vllm"), or answers 404 when that is None.
    """

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.requests: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.headers: list[dict[str, str]] = []
        self.owned_by: str | None = "scripted"
        self.model_lists = 0
        #: Like a server with a small context: longer prompts are refused with 400, whatever else the request holds.
        self.max_prompt_chars: int | None = None
        #: Answers each request from its body instead of the script (a model that reads the question).
        self.responder: Callable[[dict[str, Any]], Reply | str] | None = None
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.model_lists += 1
                found = self.path == "/v1/models" and server.owned_by is not None
                body = ({"object": "list", "data": [{"id": "scripted-vlm", "object": "model", "created": 0, "owned_by": server.owned_by}]}
                        if found else {"error": {"message": f"no route {self.path}"}})
                self._send(200 if found else 404, Reply(body=body))

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with server._lock:
                    server.requests.append(body)
                    server.paths.append(self.path)
                    server.headers.append(dict(self.headers))
                    reply = server.too_long(body) or server.next_reply(body)
                time.sleep(reply.delay)
                status = reply.status
                if self.path not in ("/v1/chat/completions", "/v1/responses"):
                    status, reply = 404, Reply(status=404, body={"error": {"message": f"no route {self.path}"}})
                self._send(status, reply)

            def _send(self, status: int, reply: Reply) -> None:
                data = reply.payload(self.path)
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

    def next_reply(self, body: dict[str, Any]) -> Reply:
        if self.responder is not None:
            found = self.responder(body)
            return chat(found) if isinstance(found, str) else found
        return self.replies.pop(0) if self.replies else Reply(status=500, body={"error": {"message": "script exhausted"}})

    def too_long(self, body: dict[str, Any]) -> Reply | None:
        """vLLM's refusal of a prompt over the context, or None."""
        text = json.dumps(body.get("messages") or body.get("input") or "")
        if self.max_prompt_chars is None or len(text) <= self.max_prompt_chars:
            return None
        message = f"This model's maximum context length is {self.max_prompt_chars} tokens. However, you requested {len(text)} tokens."
        return Reply(status=400, body={"object": "error", "message": message, "type": "BadRequestError", "code": 400})

    def script(self, *replies: Reply | str) -> ScriptedServer:
        self.replies.extend(chat(r) if isinstance(r, str) else r for r in replies)
        return self

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class MaskPrompts:
    """A prompted detector that answers from a synthetic scene's instance maps: exact instances of the labels asked for."""

    name = "given-masks"

    def __init__(self, folder: Path) -> None:
        from reasmory.memory.grounding.sources import GivenMasks

        self.masks = GivenMasks.from_synthetic_scene(folder)
        self.asked: list[tuple[str, ...]] = []

    def with_labels(self, labels: Sequence[str]) -> Any:
        from reasmory.memory.grounding.sources import GivenMasks

        self.asked.append(tuple(labels))
        return GivenMasks(self.masks.id_map, {k: v for k, v in self.masks.labels.items() if v in labels})


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    srv = ScriptedServer()
    yield srv
    srv.close()


@pytest.fixture(autouse=True)
def clean_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user config, no REASMORY_* or proxy variables, nothing learnt about servers: each test sets what it needs."""
    import os

    from reasmory.answering.clients import servers

    servers.forget()

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
