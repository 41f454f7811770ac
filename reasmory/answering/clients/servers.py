"""What a client knows about the server behind an endpoint: which kind it is, and what it refused.

Whether a grammar constrains a reply depends on the server, not on the
request: vLLM reads `guided_grammar` / `structured_outputs` (and refuses a
grammar it cannot use), OpenAI applies a custom tool's Lark grammar, and
Ollama or llama.cpp's OpenAI endpoints accept the fields and ignore them. The
kind comes from the base URL (OpenAI's own hosts) or from `GET /models`, whose
entries vLLM marks `owned_by: "vllm"`. What a server refused (the grammar, a
sampling field) is remembered per endpoint and model for the whole process, so
a batch of questions learns it once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlparse

ServerKind = Literal["vllm", "openai", "other"]
_OPENAI_HOSTS = ("api.openai.com",)
_OPENAI_HOST_SUFFIXES = (".openai.azure.com",)


@dataclass
class ServerFacts:
    """Learnt about one (endpoint, model); shared by the clients of this process."""

    kind: ServerKind | None = None
    grammar_refused: bool = False
    token_field: str | None = None  # the reply-length field the server wants, once known
    no_temperature: bool = False  # the model takes only its default temperature (reasoning models)


_FACTS: dict[tuple[str, str], ServerFacts] = {}
_LOCK = threading.Lock()


def facts_for(base_url: str, model: str) -> ServerFacts:
    with _LOCK:
        return _FACTS.setdefault((base_url.rstrip("/"), model), ServerFacts(kind=host_kind(base_url)))


def forget() -> None:
    """Drop everything learnt (tests; a server restarted with other settings)."""
    with _LOCK:
        _FACTS.clear()


def host_kind(base_url: str) -> ServerKind | None:
    """`openai` for OpenAI's own API hosts, else None (unknown until asked)."""
    host = (urlparse(base_url).hostname or "").lower()
    return "openai" if host in _OPENAI_HOSTS or host.endswith(_OPENAI_HOST_SUFFIXES) else None


def kind_from_models(data: Any) -> ServerKind:
    """The kind a `GET /models` listing shows: vLLM names itself as every model's owner."""
    entries = data.get("data") if isinstance(data, dict) else None
    owners = {str(e.get("owned_by", "")).lower() for e in entries or [] if isinstance(e, dict)}
    return "vllm" if "vllm" in owners else "other"
