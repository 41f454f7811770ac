"""Request bodies and replies of OpenAI's two APIs, with the decoding grammar in either of its forms.

Chat Completions (`/chat/completions`, every OpenAI-compatible server) and
OpenAI's Responses API (`/responses`). The grammar travels the way vLLM reads
it (`guided_grammar`, and `structured_outputs.grammar` for newer releases), or
as an OpenAI custom tool whose input format is a Lark grammar (GPT-5 family),
in which case the program comes back as the input of the call to that tool.
Field names and nesting follow the `openai` package's types
(`openai.types.chat`, `openai.types.responses`); the tests check every body
and reply against them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from reasmory.answering.clients.base import Message, VLMError
from reasmory.interpreter.trace import Usage

TOOL = "reasmory_program"
TOOL_DESCRIPTION = ("Runs one program in Reasmory's language against the scene's 3D memory. "
                    "The input is the whole program, its last statement answer(...).")
GrammarStyle = Literal["vllm", "openai"]
Api = Literal["chat", "responses"]
_NOT_CHAT = "is this an OpenAI-compatible chat endpoint?"
_NOT_RESPONSES = "is this OpenAI's Responses API (REASMORY_VLM_API=responses)?"


@dataclass(frozen=True)
class Sampling:
    """How long and how random a reply may be, spelled as the server accepts it."""

    max_tokens: int
    temperature: float | None  # None: left to the server (reasoning models take no other value)
    reasoning_effort: str | None = None
    token_field: str = "max_tokens"  # chat only: max_tokens, or max_completion_tokens (OpenAI)


@dataclass(frozen=True)
class Reply:
    text: str
    usage: Usage
    tool_called: bool  # the text is the input of a call to our grammar tool
    truncated: bool  # the reply stopped at the token limit


def body(api: Api, model: str, messages: Sequence[Message], sampling: Sampling, grammar: str | None,
         style: GrammarStyle) -> dict[str, Any]:
    """The request body; `grammar` (None: unconstrained) goes along in `style`."""
    return (_chat_body if api == "chat" else _responses_body)(model, messages, sampling, grammar, style)


def read(api: Api, data: Any) -> Reply:
    """The reply's text (the tool call's input when there is one), its usage and how it ended."""
    return _chat_reply(data) if api == "chat" else _responses_reply(data)


def without_grammar(request: dict[str, Any]) -> dict[str, Any]:
    """The same request with the grammar taken out, whichever form it travels in."""
    return {k: v for k, v in request.items() if k not in ("guided_grammar", "structured_outputs", "tools", "tool_choice")}


def _chat_body(model: str, messages: Sequence[Message], sampling: Sampling, grammar: str | None, style: GrammarStyle) -> dict[str, Any]:
    out: dict[str, Any] = {"model": model, "messages": [_chat_message(m) for m in messages], sampling.token_field: sampling.max_tokens}
    if sampling.temperature is not None:
        out["temperature"] = sampling.temperature
    if sampling.reasoning_effort is not None:
        out["reasoning_effort"] = sampling.reasoning_effort
    if grammar is not None and style == "vllm":
        out |= {"guided_grammar": grammar, "structured_outputs": {"grammar": grammar}}
    elif grammar is not None:
        grammar_format = {"type": "grammar", "grammar": {"syntax": "lark", "definition": grammar}}
        out["tools"] = [{"type": "custom", "custom": {"name": TOOL, "description": TOOL_DESCRIPTION, "format": grammar_format}}]
        out["tool_choice"] = {"type": "custom", "custom": {"name": TOOL}}
    return out


def _chat_message(message: Message) -> dict[str, Any]:
    """Plain text, or text and image parts, each image after its caption."""
    if not message.images:
        return {"role": message.role, "content": message.text}
    parts: list[dict[str, Any]] = [{"type": "text", "text": message.text}]
    for image in message.images:
        parts += [{"type": "text", "text": image.caption}, {"type": "image_url", "image_url": {"url": image.data_url()}}]
    return {"role": message.role, "content": parts}


def _responses_body(model: str, messages: Sequence[Message], sampling: Sampling, grammar: str | None,
                    style: GrammarStyle) -> dict[str, Any]:
    out: dict[str, Any] = {"model": model, "input": [_responses_message(m) for m in messages], "max_output_tokens": sampling.max_tokens}
    if sampling.temperature is not None:
        out["temperature"] = sampling.temperature
    if sampling.reasoning_effort is not None:
        out["reasoning"] = {"effort": sampling.reasoning_effort}
    if grammar is not None:
        out["tools"] = [{"type": "custom", "name": TOOL, "description": TOOL_DESCRIPTION,
                         "format": {"type": "grammar", "syntax": "lark", "definition": grammar}}]
        out["tool_choice"] = {"type": "custom", "name": TOOL}
    return out


def _responses_message(message: Message) -> dict[str, Any]:
    if not message.images or message.role == "assistant":
        return {"role": message.role, "content": message.text}
    parts: list[dict[str, Any]] = [{"type": "input_text", "text": message.text}]
    for image in message.images:
        parts += [{"type": "input_text", "text": image.caption},
                  {"type": "input_image", "image_url": image.data_url(), "detail": "auto"}]
    return {"role": message.role, "content": parts}


def _count(data: Any, *path: str) -> int:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return int(data) if isinstance(data, (int, float)) else 0


def _usage(data: Any, given: str, made: str) -> Usage:
    """Tokens from `usage` (servers that report none count zero); `given`/`made`: the API's names for input/output."""
    usage = data.get("usage") if isinstance(data, dict) else None
    return Usage(calls=1, input_tokens=_count(usage, f"{given}_tokens"), output_tokens=_count(usage, f"{made}_tokens"),
                 cached_input_tokens=_count(usage, f"{given}_tokens_details", "cached_tokens"),
                 reasoning_tokens=_count(usage, f"{made}_tokens_details", "reasoning_tokens"))


def _chat_reply(data: Any) -> Reply:
    try:
        choice = data["choices"][0]
        message = choice["message"]
    except (KeyError, IndexError, TypeError):
        raise VLMError("the VLM's reply has no choices[0].message.content", hint=_NOT_CHAT) from None
    usage = _usage(data, "prompt", "completion")
    for call in message.get("tool_calls") or []:
        custom = call.get("custom") if isinstance(call, dict) else None
        if isinstance(custom, dict) and custom.get("name") == TOOL and isinstance(custom.get("input"), str):
            return Reply(custom["input"], usage, tool_called=True, truncated=False)
    content = message.get("content")
    if isinstance(content, list):
        content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
    truncated = choice.get("finish_reason") == "length"
    if content is None and truncated:
        content = ""
    if not isinstance(content, str):
        raise VLMError("the VLM's reply has no text", hint=_NOT_CHAT)
    return Reply(content, usage, tool_called=False, truncated=truncated)


def _responses_reply(data: Any) -> Reply:
    output = data.get("output") if isinstance(data, dict) else None
    if not isinstance(output, list):
        raise VLMError("the VLM's reply has no output list", hint=_NOT_RESPONSES)
    usage = _usage(data, "input", "output")
    texts = []
    for item in output:
        if not isinstance(item, dict):
            continue
        if item.get("type") == "custom_tool_call" and item.get("name") == TOOL and isinstance(item.get("input"), str):
            return Reply(item["input"], usage, tool_called=True, truncated=False)
        if item.get("type") == "message":
            texts += [p.get("text", "") for p in item.get("content") or [] if isinstance(p, dict) and p.get("type") == "output_text"]
    truncated = data.get("status") == "incomplete" and _reason(data) == "max_output_tokens"
    return Reply("".join(texts), usage, tool_called=False, truncated=truncated)


def _reason(data: dict[str, Any]) -> str | None:
    details = data.get("incomplete_details")
    return details.get("reason") if isinstance(details, dict) else None
