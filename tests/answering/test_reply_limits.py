"""VLM replies are read under one deadline and a size cap, streamed: no server can stall or flood a question."""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Iterator

import httpx
import pytest

from reasmory.answering.clients.base import Message, VLMError
from reasmory.answering.clients.openai import OpenAIClient
from reasmory.answering.clients.reply import MAX_REPLY_BYTES

ASK = [Message(role="user", text="hi")]


def _client(handler, timeout: float = 1.0) -> OpenAIClient:
    client = OpenAIClient("http://vlm.test/v1", "m", timeout=timeout, retries=0, grammar="off")
    client._http = httpx.Client(transport=httpx.MockTransport(handler), timeout=timeout)
    return client


def _chat(text: str) -> bytes:
    return json.dumps({"choices": [{"message": {"content": text}}]}).encode()


def test_a_reply_over_the_cap_is_refused_while_it_streams() -> None:
    sent = []

    def body() -> Iterator[bytes]:
        for _ in range(1000):
            sent.append(1)
            yield b"x" * (1 << 20)

    client = _client(lambda request: httpx.Response(200, content=body()))
    with pytest.raises(VLMError, match=f"a reply of more than {MAX_REPLY_BYTES:,} bytes"):
        client.complete(ASK)
    assert len(sent) < 20  # it stopped reading, it did not take in 1 GB


def test_a_compressed_reply_cannot_inflate_past_the_cap() -> None:
    bomb = gzip.compress(b" " * (64 << 20))
    client = _client(lambda request: httpx.Response(200, content=bomb, headers={"content-encoding": "gzip"}))
    with pytest.raises(VLMError, match="a reply of more than"):
        client.complete(ASK)


def test_a_trickling_reply_ends_at_its_deadline() -> None:
    def body() -> Iterator[bytes]:
        for _ in range(100):
            time.sleep(0.1)
            yield b" "

    client = _client(lambda request: httpx.Response(200, content=body()), timeout=0.5)
    start = time.perf_counter()
    with pytest.raises(VLMError, match="it timed out"):
        client.complete(ASK)
    assert time.perf_counter() - start < 1.5


def test_a_fair_reply_reads_as_before() -> None:
    client = _client(lambda request: httpx.Response(200, content=_chat("answer(1)")))
    assert client.complete(ASK).text == "answer(1)"


def test_deeply_nested_json_is_a_reply_without_text() -> None:
    client = _client(lambda request: httpx.Response(200, content=b"[" * 100_000 + b"]" * 100_000))
    with pytest.raises(VLMError, match="answered with something other than JSON|has no choices"):
        client.complete(ASK)
