"""Reading a VLM's reply within limits: one deadline for the whole reply and a size cap, by streaming it.

httpx's timeout bounds each wait for bytes, not the reply: a server that
sends one byte a second never times out, and one that sends 300 MB is read
whole into memory. Here the reply is streamed and reading stops when the
reply's deadline passes or its size passes the cap, whichever comes first.
The cap counts decoded bytes, so a compressed reply cannot inflate past it.
A wait for the next bytes is itself bounded by the timeout, so a reply ends
at most one timeout past its deadline: within twice REASMORY_VLM_TIMEOUT.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from reasmory.answering.clients.base import VLMError

#: The largest reply read from a VLM (a program or an answer is a few kB).
MAX_REPLY_BYTES = 8 * 1024 * 1024


def request_within(http: httpx.Client, method: str, url: str, deadline_s: float, body: dict[str, Any] | None = None,
                   max_bytes: int = MAX_REPLY_BYTES) -> httpx.Response:
    """Send and read the reply by its deadline and within `max_bytes`; raises httpx.ReadTimeout past the deadline."""
    start = time.monotonic()
    with http.stream(method, url, json=body) as response:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise VLMError(f"the VLM at {url} sent a reply of more than {max_bytes:,} bytes",
                               hint="is this an OpenAI-compatible chat endpoint? lower REASMORY_VLM_MAX_TOKENS")
            chunks.append(chunk)
            if time.monotonic() - start > deadline_s:
                raise httpx.ReadTimeout(f"the reply took longer than {deadline_s:g} s", request=response.request)
    headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-encoding", "content-length")}
    return httpx.Response(response.status_code, headers=headers, content=b"".join(chunks), request=response.request)
