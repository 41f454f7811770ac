"""OpenAI-compatible chat completions over HTTP (OpenAI, Gemini's compatible endpoint, vLLM, Ollama, llama.cpp).

Retries with exponential back-off on timeouts, dropped connections, 429 and
5xx (honouring a short `Retry-After`). Images travel inline as data URLs. The
decoding grammar is sent the way vLLM reads it (`guided_grammar`, and
`structured_outputs.grammar` for newer releases); in `auto` mode a server that
refuses those fields with 400/422 is asked again without them, once per client.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from typing import Any, Literal

import httpx

from reasmory.answering.clients.base import Completion, Message, VLMError
from reasmory.answering.clients.reply import post_within

_RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
_MAX_WAIT_S = 30.0
_KEY_HINT = "check REASMORY_VLM_API_KEY"
_GRAMMAR_HINT = "serve with a grammar backend (vLLM: --structured-outputs-config.backend guidance) or set REASMORY_GRAMMAR=auto or off"
_URL_HINT = "check REASMORY_VLM_BASE_URL (it usually ends in /v1) and REASMORY_VLM_MODEL"


def _content(message: Message) -> str | list[dict[str, Any]]:
    """OpenAI's message content: plain text, or text and image parts, each image after its caption."""
    if not message.images:
        return message.text
    parts: list[dict[str, Any]] = [{"type": "text", "text": message.text}]
    for image in message.images:
        parts.append({"type": "text", "text": image.caption})
        parts.append({"type": "image_url", "image_url": {"url": image.data_url()}})
    return parts


def _reply_text(data: Any) -> str:
    """The first choice's text; servers differ in whether content is a string or a list of parts."""
    try:
        content = data["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise VLMError("the VLM's reply has no choices[0].message.content", hint="is this an OpenAI-compatible chat endpoint?") from None
    if isinstance(content, list):
        content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
    if not isinstance(content, str):
        raise VLMError("the VLM's reply has no text", hint="is this an OpenAI-compatible chat endpoint?")
    return content


def _error_text(response: httpx.Response) -> str:
    try:
        data = response.json()
        error = data.get("error", data) if isinstance(data, dict) else data
        message = error.get("message", error) if isinstance(error, dict) else error
        return str(message)[:300]
    except (ValueError, RecursionError):
        return response.text[:300]


class OpenAIClient:
    """A chat-completions endpoint; one instance keeps its HTTP connection and what it learnt about the server."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        *,
        timeout: float = 60.0,
        retries: int = 3,
        backoff: float = 1.0,
        max_tokens: int = 512,
        temperature: float = 0.0,
        grammar: Literal["auto", "off", "vllm"] = "auto",
    ) -> None:
        self.model = model
        self.name = f"vlm:{model}"
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.retries, self.backoff, self.timeout = retries, backoff, timeout
        self.max_tokens, self.temperature = max_tokens, temperature
        self.grammar_mode = grammar
        self._grammar_refused = False
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(timeout=timeout, headers=headers)

    def close(self) -> None:
        self._http.close()

    def complete(self, messages: Sequence[Message], grammar: str | None = None) -> Completion:
        """One reply; the grammar goes along unless grammar is off or this server refused it before."""
        start = time.perf_counter()
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": m.role, "content": _content(m)} for m in messages],
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
        }
        send_grammar = grammar is not None and self.grammar_mode != "off" and not self._grammar_refused
        if send_grammar:
            body |= {"guided_grammar": grammar, "structured_outputs": {"grammar": grammar}}
        response, tries = self._post(body)
        if send_grammar and self.grammar_mode == "auto" and response.status_code in (400, 422):
            self._grammar_refused = True
            body.pop("guided_grammar")
            body.pop("structured_outputs")
            response, more = self._post(body)
            tries += more
            send_grammar = False
        if send_grammar and response.status_code in (400, 422):
            raise VLMError(f"the VLM at {self.url} refused the request with its grammar (HTTP {response.status_code}): "
                           f"{_error_text(response)}", hint=_GRAMMAR_HINT)
        self._raise_for_status(response)
        try:
            data = response.json()
        except (ValueError, RecursionError):
            raise VLMError(f"the VLM at {self.url} answered with something other than JSON", hint=_URL_HINT) from None
        return Completion(text=_reply_text(data), model=self.model, constrained=send_grammar, tries=tries,
                          duration_ms=(time.perf_counter() - start) * 1000)

    def _post(self, body: dict[str, Any]) -> tuple[httpx.Response, int]:
        """POST with retries; returns the last response (any status but a retryable one) and the number of tries."""
        last = ""
        response: httpx.Response | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self._wait(attempt, response))
            response = None
            try:
                response = post_within(self._http, self.url, body, self.timeout)  # one deadline and a size cap per reply
            except httpx.TimeoutException:
                last = "it timed out"
                continue
            except httpx.TransportError as exc:
                last = f"the connection failed ({type(exc).__name__}: {exc})"
                continue
            if response.status_code not in _RETRY_STATUS:
                return response, attempt + 1
            last = f"HTTP {response.status_code}: {_error_text(response)}"
        tries = "1 try" if self.retries == 0 else f"{self.retries + 1} tries"
        raise VLMError(f"the VLM at {self.url} gave no answer after {tries}; last: {last}",
                       hint="check that the server is up, or raise REASMORY_VLM_TIMEOUT / REASMORY_VLM_RETRIES")

    def _wait(self, attempt: int, response: httpx.Response | None) -> float:
        """Exponential back-off, or the server's Retry-After when it names a number of seconds."""
        wait = self.backoff * 2 ** (attempt - 1)
        if response is not None:
            with contextlib.suppress(ValueError):
                wait = float(response.headers.get("retry-after", wait))
        return min(max(wait, 0.0), _MAX_WAIT_S)

    def _raise_for_status(self, response: httpx.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        detail = _error_text(response)
        if status in (401, 403):
            raise VLMError(f"the VLM at {self.url} refused the request (HTTP {status}): {detail}", hint=_KEY_HINT)
        if status == 404:
            raise VLMError(f"the VLM at {self.url} has no such endpoint or model (HTTP 404): {detail}", hint=_URL_HINT)
        raise VLMError(f"the VLM at {self.url} refused the request (HTTP {status}): {detail}", hint=_URL_HINT)
