"""OpenAI's grammar tools: the decoding grammar as a custom tool with a Lark grammar, through Chat Completions and the
Responses API, checked against the `openai` package's own request and response types on a scripted server.

OpenAI parses a tool's Lark grammar with llguidance and leaves out some of Lark (lookaround and lazy quantifiers in
regexes, terminal priorities, templates, %declare, %import other than common): the derived grammar must need none.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from reasmory.memory import SpatialMemory

from reasmory.answering import answer
from reasmory.answering.clients import servers, wire
from reasmory.answering.grammar import decoding_grammar

from .conftest import Reply, ScriptedServer
from .openai_types import problems

openai = pytest.importorskip("openai")
llguidance = pytest.importorskip("llguidance")
from openai.types.chat import ChatCompletion, completion_create_params  # noqa: E402
from openai.types.responses import Response, response_create_params  # noqa: E402

FREE = "Is the lamp closer to the sofa than to the door?"
GOOD = 'answer(distance(object("lamp"), object("sofa")) < distance(object("lamp"), object("door")))'
_UNSUPPORTED = {
    "lookaround": r"\(\?<?[=!]",
    "lazy quantifier": r"(?<!\\)[*+?}]\?",
    "terminal priority": r"^[A-Za-z_]+\.-?\d+\s*:",
    "template": r"^[a-z_]+\{",
    "%declare": r"^%declare",
    "%import other than common": r"^%import\s+(?!common\.)",
}


def sdk_chat_reply(program: str, tool: str = wire.TOOL) -> Reply:
    """A chat completion with one custom tool call, made and serialised by the SDK's own model."""
    completion = ChatCompletion.model_validate({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "gpt-5-mini",
        "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
            "role": "assistant", "content": None,
            "tool_calls": [{"id": "call_1", "type": "custom", "custom": {"name": tool, "input": program}}]}}],
        "usage": {"prompt_tokens": 4100, "completion_tokens": 260, "total_tokens": 4360,
                  "prompt_tokens_details": {"cached_tokens": 2048}, "completion_tokens_details": {"reasoning_tokens": 192}},
    })
    return Reply(body=completion.model_dump(mode="json", exclude_none=True))


def sdk_response(program: str) -> Reply:
    """A Responses API response: a reasoning item, then the custom tool call, made by the SDK's own model."""
    response = Response.model_validate({
        "id": "resp_1", "object": "response", "created_at": 0, "model": "gpt-5-mini", "status": "completed",
        "parallel_tool_calls": False, "tool_choice": {"type": "custom", "name": wire.TOOL}, "tools": [],
        "output": [{"type": "reasoning", "id": "rs_1", "summary": []},
                   {"type": "custom_tool_call", "call_id": "call_1", "name": wire.TOOL, "input": program, "id": "ctc_1"}],
        "usage": {"input_tokens": 4100, "output_tokens": 260, "total_tokens": 4360,
                  "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
                  "output_tokens_details": {"reasoning_tokens": 192}},
    })
    return Reply(body=response.model_dump(mode="json", exclude_none=True))


def test_the_derived_grammar_is_valid_lark_for_llguidance_in_openais_dialect() -> None:
    grammar = decoding_grammar()
    is_error, messages = llguidance.LLMatcher.validate_grammar_with_warnings(llguidance.grammar_from("lark", grammar))
    assert not is_error and not messages, messages
    for feature, pattern in _UNSUPPORTED.items():
        assert not re.search(pattern, grammar, re.MULTILINE), f"the grammar uses {feature}, which OpenAI does not take"


def test_the_dialect_check_would_see_each_unsupported_feature() -> None:
    """The patterns above are not vacuous: each finds its feature in a grammar that has it."""
    samples = {"lookaround": "A: /a(?=b)/", "lazy quantifier": "A: /a+?/", "terminal priority": "A.2: \"a\"",
               "template": "list{x}: x", "%declare": "%declare A", "%import other than common": "%import foo.BAR"}
    for feature, text in samples.items():
        assert re.search(_UNSUPPORTED[feature], text, re.MULTILINE), feature
    assert not re.search(_UNSUPPORTED["%import other than common"], "%import common.WS")


def test_chat_completions_carry_the_grammar_tool_as_the_sdk_types_define_it(
        living_room: SpatialMemory, server: ScriptedServer, vlm: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REASMORY_GRAMMAR", "openai")
    server.script(sdk_chat_reply(GOOD))
    result = answer(living_room, FREE, generator="vlm", vlm_input_price=0.25, vlm_output_price=2.0, vlm_cached_input_price=0.025, **vlm)
    request = server.requests[0]
    assert server.paths == ["/v1/chat/completions"]
    assert problems(request, completion_create_params.CompletionCreateParamsNonStreaming) == []
    (tool,) = request["tools"]
    assert tool == {"type": "custom", "custom": {"name": wire.TOOL, "description": wire.TOOL_DESCRIPTION,
                                                 "format": {"type": "grammar", "grammar": {"syntax": "lark", "definition": decoding_grammar()}}}}
    assert request["tool_choice"] == {"type": "custom", "custom": {"name": wire.TOOL}}
    assert "guided_grammar" not in request and "structured_outputs" not in request
    assert result.answer == "yes" and result.program == GOOD + "\n"
    (attempt,) = result.trace.attempts
    assert attempt.constrained is True and attempt.reply == GOOD
    assert (result.usage.calls, result.usage.input_tokens, result.usage.output_tokens) == (1, 4100, 260)
    assert result.usage.cost_usd == pytest.approx(((4100 - 2048) * 0.25 + 2048 * 0.025 + 260 * 2.0) / 1e6)
    assert result.trace.usage == result.usage


def test_the_responses_api_carries_the_grammar_tool_as_the_sdk_types_define_it(
        living_room: SpatialMemory, server: ScriptedServer, vlm: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REASMORY_GRAMMAR", "openai")
    monkeypatch.setenv("REASMORY_VLM_API", "responses")
    server.script(sdk_response(GOOD))
    result = answer(living_room, FREE, generator="vlm", vlm_reasoning_effort="low", **vlm)
    request = server.requests[0]
    assert server.paths == ["/v1/responses"]
    assert problems(request, response_create_params.ResponseCreateParamsNonStreaming) == []
    assert request["tools"] == [{"type": "custom", "name": wire.TOOL, "description": wire.TOOL_DESCRIPTION,
                                 "format": {"type": "grammar", "syntax": "lark", "definition": decoding_grammar()}}]
    assert request["tool_choice"] == {"type": "custom", "name": wire.TOOL} and request["reasoning"] == {"effort": "low"}
    assert [m["role"] for m in request["input"]] == ["system", "user"]
    assert result.answer == "yes" and result.trace.attempts[0].constrained is True
    assert result.usage.input_tokens == 4100 and result.usage.reasoning_tokens == 192 and result.usage.cost_usd is None


def test_repairs_and_the_reasoner_use_the_sdk_shapes_too(living_room: SpatialMemory, server: ScriptedServer, vlm: dict[str, Any],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A refused program goes back as the assistant's turn; the reasoner's pictures travel as input images; no tool without a grammar."""
    monkeypatch.setenv("REASMORY_GRAMMAR", "openai")
    monkeypatch.setenv("REASMORY_VLM_API", "responses")
    server.script(sdk_response('answer(object("couchh"))'), sdk_response('answer(bev(highlight=["lamp"]))'),
                  Reply(text="yes", usage=(900, 3)))
    result = answer(living_room, FREE, generator="vlm", **vlm)
    for request in server.requests:
        assert problems(request, response_create_params.ResponseCreateParamsNonStreaming) == []
    repair, reason = server.requests[1], server.requests[2]
    assert repair["input"][2] == {"role": "assistant", "content": 'answer(object("couchh"))\n'}
    assert "tools" not in reason and "tool_choice" not in reason
    images = [p for p in reason["input"][1]["content"] if p["type"] == "input_image"]
    assert len(images) == 1 and images[0]["image_url"].startswith("data:image/png;base64,")
    assert [a.kind for a in result.trace.attempts] == ["generate", "repair", "reason"] and result.answer == "yes"
    assert result.usage.calls == 3 and result.usage.input_tokens == 4100 + 4100 + 900


def test_auto_uses_the_grammar_tool_for_openai_and_falls_back_when_the_model_has_no_custom_tools(
        living_room: SpatialMemory, server: ScriptedServer, vlm: dict[str, Any]) -> None:
    servers.facts_for(server.url, "scripted-vlm").kind = "openai"  # what https://api.openai.com/v1 is known as
    refusal = {"error": {"message": "Custom tools are not supported with this model.", "type": "invalid_request_error",
                         "param": "tools", "code": None}}
    server.script(Reply(status=400, body=refusal), Reply(text=GOOD))
    result = answer(living_room, FREE, generator="vlm", **vlm)
    first, second = server.requests
    assert first["tools"][0]["type"] == "custom" and "guided_grammar" not in first and "max_completion_tokens" in first
    assert "tools" not in second and result.answer == "yes" and result.trace.attempts[0].constrained is False


def test_a_reply_in_prose_instead_of_the_tool_is_read_but_not_called_constrained(server: ScriptedServer) -> None:
    from reasmory.answering.clients import Message
    from reasmory.answering.clients.openai import OpenAIClient

    server.script(Reply(text="```\n" + GOOD + "\n```"))
    completion = OpenAIClient(server.url, "gpt-5-mini", grammar="openai").complete([Message(role="user", text="q")], grammar="start: x")
    assert completion.constrained is False and GOOD in completion.text


@pytest.mark.parametrize(("url", "kind"), [("https://api.openai.com/v1", "openai"), ("https://team.openai.azure.com/openai/v1", "openai"),
                                           ("https://generativelanguage.googleapis.com/v1beta/openai", None),
                                           ("http://127.0.0.1:8000/v1", None)])
def test_openai_is_known_by_its_hosts(url: str, kind: str | None) -> None:
    assert servers.host_kind(url) == kind
