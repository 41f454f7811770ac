"""OpenAI-compatible APIs over HTTP (OpenAI, Gemini's compatible endpoint, vLLM, Ollama, llama.cpp).

Retries with exponential back-off on timeouts, dropped connections, 429 and
5xx (honouring a short `Retry-After`). Images travel inline as data URLs. The
request and reply shapes, with the decoding grammar as vLLM's fields or as an
OpenAI grammar tool, are in `wire`; what is known about the server (its kind,
what it refused) in `servers`.

A 400/422 to a request that carried the grammar is asked again without it:
only when that succeeds was the grammar the problem (in `auto` mode it is then
dropped for this server; in `vllm` / `openai` mode it is an error). When the
second request is refused too, the grammar stays on and the server's own
message is the error. A 400 naming `temperature` or `max_tokens` (OpenAI's
reasoning models take neither) is answered by leaving the one out or renaming
the other, once per server.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from typing import Any, Literal

import httpx

from reasmory.answering.clients import wire
from reasmory.answering.clients.base import Completion, Message, Prices, VLMError, priced
from reasmory.answering.clients.reply import request_within
from reasmory.answering.clients.servers import ServerFacts, facts_for, kind_from_models
from reasmory.interpreter.trace import Constrained

_RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
_REFUSED = (400, 422)
_MAX_WAIT_S = 30.0
_KEY_HINT = "check REASMORY_VLM_API_KEY"
_GRAMMAR_HINT = ("serve with a grammar backend (vLLM: --structured-outputs-config.backend guidance), use a model that takes "
                 "OpenAI grammar tools (the GPT-5 family), or set REASMORY_GRAMMAR=auto or off")
_URL_HINT = "check REASMORY_VLM_BASE_URL (it usually ends in /v1) and REASMORY_VLM_MODEL"
_REQUEST_HINT = "the server's message says what it refused (e.g. a prompt longer than the model's context, an image it cannot read)"
_LENGTH_HINT = "raise REASMORY_VLM_MAX_TOKENS (reasoning models spend part of it thinking) or lower REASMORY_VLM_REASONING_EFFORT"
GrammarMode = Literal["auto", "off", "vllm", "openai"]


def _error_param(response: httpx.Response) -> str | None:
    """The request field an OpenAI-style error names (`error.param`), if any."""
    with contextlib.suppress(ValueError, AttributeError, RecursionError):
        error = response.json().get("error")
        return error.get("param") if isinstance(error, dict) else None
    return None


def _error_text(response: httpx.Response) -> str:
    try:
        data = response.json()
        error = data.get("error", data) if isinstance(data, dict) else data
        message = error.get("message", error) if isinstance(error, dict) else error
        return str(message)[:300]
    except (ValueError, RecursionError):
        return response.text[:300]


class OpenAIClient:
    """One endpoint and model; keeps its HTTP connection, and shares what it learns about the server (`servers`)."""

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
        grammar: GrammarMode = "auto",
        api: wire.Api = "chat",
        reasoning_effort: str | None = None,
        prices: Prices | None = None,
    ) -> None:
        if api == "responses" and grammar == "vllm":
            raise VLMError("vLLM's grammar fields go with chat completions, not the Responses API",
                           hint="set REASMORY_VLM_API=chat, or REASMORY_GRAMMAR=openai / auto")
        self.model = model
        self.name = f"vlm:{model}"
        self.base_url = base_url.rstrip("/")
        self.api: wire.Api = api
        self.url = f"{self.base_url}/{'chat/completions' if api == 'chat' else 'responses'}"
        self.retries, self.backoff, self.timeout = retries, backoff, timeout
        self.max_tokens, self.temperature, self.reasoning_effort = max_tokens, temperature, reasoning_effort
        self.grammar_mode, self.prices = grammar, prices
        self.facts: ServerFacts = facts_for(self.base_url, model)
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(timeout=timeout, headers=headers)

    def close(self) -> None:
        self._http.close()

    def complete(self, messages: Sequence[Message], grammar: str | None = None) -> Completion:
        """One reply; the grammar goes along unless grammar is off or this server refused it before."""
        start = time.perf_counter()
        style = self._grammar_style() if grammar is not None else None
        grammar = grammar if style is not None else None
        request = wire.body(self.api, self.model, messages, self._sampling(), grammar, style or "vllm")
        response, tries, request = self._post_adapting(request, messages, grammar, style)
        if grammar is not None and response.status_code in _REFUSED:
            response, more, dropped = self._without_grammar(request, response)
            tries += more
            grammar = None if dropped else grammar
        self._raise_for_status(response)
        reply = wire.read(self.api, self._json(response))
        if reply.truncated and not reply.text.strip():
            raise VLMError(f"the VLM's reply was cut off at {self.max_tokens} tokens before it wrote anything", hint=_LENGTH_HINT)
        return Completion(text=reply.text, model=self.model, constrained=self._constrained(grammar, style, reply), tries=tries,
                          duration_ms=(time.perf_counter() - start) * 1000, usage=priced(reply.usage, self.prices))

    def _grammar_style(self) -> wire.GrammarStyle | None:
        """How this request carries the grammar, or None when it goes without."""
        mode = self.grammar_mode
        if mode == "off" or (mode == "auto" and self.facts.grammar_refused):
            return None
        if mode == "openai" or self.api == "responses":
            return "openai"
        if mode == "auto" and self._kind() == "openai":
            return "openai"
        return "vllm"

    def _constrained(self, grammar: str | None, style: wire.GrammarStyle | None, reply: wire.Reply) -> Constrained:
        """True only where the server is known to apply the grammar; "sent, not confirmed" where it may ignore it."""
        if grammar is None:
            return False
        if style == "openai":
            return reply.tool_called
        return True if self._kind() == "vllm" else "sent, not confirmed"

    def _kind(self) -> str:
        """The server's kind, asked of `GET /models` once per endpoint (unreachable or unknown: other)."""
        if self.facts.kind is None:
            kind = "other"
            with contextlib.suppress(httpx.HTTPError, ValueError, RecursionError, VLMError):
                response = request_within(self._http, "GET", f"{self.base_url}/models", self.timeout)
                if response.status_code == 200:
                    kind = kind_from_models(response.json())
            self.facts.kind = kind  # type: ignore[assignment]
        return self.facts.kind

    def _sampling(self) -> wire.Sampling:
        openai = self.facts.kind == "openai"
        field = self.facts.token_field or ("max_completion_tokens" if openai else "max_tokens")
        temperature = None if self.facts.no_temperature else self.temperature
        return wire.Sampling(self.max_tokens, temperature, self.reasoning_effort, field)

    def _post_adapting(self, request: dict[str, Any], messages: Sequence[Message], grammar: str | None,
                       style: wire.GrammarStyle | None) -> tuple[httpx.Response, int, dict[str, Any]]:
        """POST; a refusal that names `temperature` or `max_tokens` is adapted to once and asked again.

        Returns the last response, the tries it took and the request as last sent."""
        response, tries = self._post(request)
        for _ in range(2):
            if response.status_code not in _REFUSED or not self._adapt(response):
                break
            request = wire.body(self.api, self.model, messages, self._sampling(), grammar, style or "vllm")
            response, more = self._post(request)
            tries += more
        return response, tries, request

    def _adapt(self, response: httpx.Response) -> bool:
        """Learn from a refusal of a sampling field; True when the request should be sent again."""
        param, message = _error_param(response), _error_text(response).lower()
        if (param == "temperature" or "'temperature'" in message) and not self.facts.no_temperature:
            self.facts.no_temperature = True
            return True
        if (param == "max_tokens" or "'max_tokens'" in message) and self.facts.token_field is None and self.api == "chat":
            self.facts.token_field = "max_completion_tokens"
            return True
        return False

    def _without_grammar(self, request: dict[str, Any], refusal: httpx.Response) -> tuple[httpx.Response, int, bool]:
        """Ask again without the grammar: (response, tries, whether the grammar was what the server refused)."""
        response, tries = self._post(wire.without_grammar(request))
        if response.status_code >= 400:
            return response, tries, False  # not the grammar: the server's own refusal is the error, the grammar stays on
        if self.grammar_mode != "auto":
            raise VLMError(f"the VLM at {self.url} refused the request with its grammar (HTTP {refusal.status_code}): "
                           f"{_error_text(refusal)}", hint=_GRAMMAR_HINT)
        self.facts.grammar_refused = True
        return response, tries, True

    def _json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except (ValueError, RecursionError):
            raise VLMError(f"the VLM at {self.url} answered with something other than JSON", hint=_URL_HINT) from None

    def _post(self, body: dict[str, Any]) -> tuple[httpx.Response, int]:
        """POST with retries; returns the last response (any status but a retryable one) and the number of tries."""
        last = ""
        response: httpx.Response | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self._wait(attempt, response))
            response = None
            try:
                response = request_within(self._http, "POST", self.url, self.timeout, body)  # one deadline, a size cap
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
        hint = _REQUEST_HINT if status in (*_REFUSED, 413) else _URL_HINT
        raise VLMError(f"the VLM at {self.url} refused the request (HTTP {status}): {detail}", hint=hint)
