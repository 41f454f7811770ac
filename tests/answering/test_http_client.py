"""The OpenAI-compatible client against a scripted server on 127.0.0.1: replies, retries, errors, grammar, images."""

from __future__ import annotations

import base64
import socket
from pathlib import Path

import pytest

from reasmory.answering.clients import ImagePart, Message, make_client
from reasmory.answering.clients.base import VLMError
from reasmory.answering.clients.openai import OpenAIClient
from reasmory.answering.settings import Settings

from .conftest import Reply, ScriptedServer

ASK = [Message(role="system", text="be brief"), Message(role="user", text="how many chairs?")]


def client(server: ScriptedServer, **options) -> OpenAIClient:
    return OpenAIClient(server.url, "scripted-vlm", options.pop("key", None), **{"timeout": 2.0, "retries": 2, "backoff": 0.01, **options})


def test_a_reply_comes_back_with_the_request_as_openai_defines_it(server: ScriptedServer) -> None:
    server.script("answer(2)")
    completion = client(server, key="sk-test", max_tokens=64).complete(ASK)
    assert completion.text == "answer(2)" and completion.tries == 1 and not completion.constrained
    body = server.requests[0]
    assert body["model"] == "scripted-vlm" and body["max_tokens"] == 64 and body["temperature"] == 0.0
    assert body["messages"] == [{"role": "system", "content": "be brief"}, {"role": "user", "content": "how many chairs?"}]
    assert server.headers[0]["Authorization"] == "Bearer sk-test"


def test_429_and_5xx_are_retried_with_back_off(server: ScriptedServer) -> None:
    server.script(Reply(status=429, body={"error": {"message": "slow down"}}, headers={"Retry-After": "0"}),
                  Reply(status=500, body={"error": "boom"}), "answer(1)")
    completion = client(server).complete(ASK)
    assert completion.text == "answer(1)" and completion.tries == 3 and len(server.requests) == 3


def test_a_timeout_is_retried(server: ScriptedServer) -> None:
    server.script(Reply(text="late", delay=0.6), "answer(1)")
    completion = client(server, timeout=0.2).complete(ASK)
    assert completion.text == "answer(1)" and completion.tries == 2


def test_retries_run_out_with_one_clear_error(server: ScriptedServer) -> None:
    server.script(*[Reply(status=503, body={"error": {"message": "overloaded"}})] * 3)
    with pytest.raises(VLMError, match=r"gave no answer after 3 tries; last: HTTP 503: overloaded") as err:
        client(server).complete(ASK)
    assert "REASMORY_VLM_TIMEOUT" in (err.value.hint or "")


def test_an_unreachable_server_is_retried_then_reported() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(VLMError, match="the connection failed"):
        OpenAIClient(f"http://127.0.0.1:{port}/v1", "m", retries=1, backoff=0.01).complete(ASK)


@pytest.mark.parametrize(("status", "hint"), [(401, "REASMORY_VLM_API_KEY"), (403, "REASMORY_VLM_API_KEY"), (404, "REASMORY_VLM_BASE_URL")])
def test_refusals_are_not_retried_and_name_the_setting_to_check(server: ScriptedServer, status: int, hint: str) -> None:
    server.script(Reply(status=status, body={"error": {"message": "nope"}}))
    with pytest.raises(VLMError, match=f"HTTP {status}") as err:
        client(server).complete(ASK)
    assert hint in (err.value.hint or "") and len(server.requests) == 1


def test_replies_that_are_not_chat_completions_are_errors(server: ScriptedServer) -> None:
    server.script(Reply(body=b"<html>proxy</html>"), Reply(body={"choices": []}), Reply(body={"choices": [{"message": {"content": None}}]}))
    c = client(server)
    with pytest.raises(VLMError, match="other than JSON"):
        c.complete(ASK)
    with pytest.raises(VLMError, match="no choices"):
        c.complete(ASK)
    with pytest.raises(VLMError, match="no text"):
        c.complete(ASK)


def test_content_given_as_parts_is_joined(server: ScriptedServer) -> None:
    parts = [{"type": "text", "text": "answer("}, {"type": "text", "text": "1)"}]
    server.script(Reply(body={"choices": [{"message": {"content": parts}}]}))
    assert client(server).complete(ASK).text == "answer(1)"


def test_the_grammar_is_sent_as_vllm_reads_it_and_confirmed_only_by_vllm(server: ScriptedServer) -> None:
    server.owned_by = "vllm"
    server.script("answer(1)")
    completion = client(server, grammar="vllm").complete(ASK, grammar="start: NAME")
    assert completion.constrained is True
    assert server.requests[0]["guided_grammar"] == "start: NAME"
    assert server.requests[0]["structured_outputs"] == {"grammar": "start: NAME"}


@pytest.mark.parametrize("owned_by", ["library", "llamacpp", None])  # Ollama, llama.cpp, a server without /models
def test_servers_that_may_ignore_the_grammar_are_not_trusted_with_it(server: ScriptedServer, owned_by: str | None) -> None:
    server.owned_by = owned_by
    server.script("answer(1)", "answer(2)")
    c = client(server, grammar="auto")
    assert c.complete(ASK, grammar="start: NAME").constrained == "sent, not confirmed"
    assert c.complete(ASK).constrained is False
    assert c.facts.kind == "other" and server.model_lists == 1 and "guided_grammar" in server.requests[0]


def test_auto_grammar_is_dropped_once_a_server_refuses_it(server: ScriptedServer) -> None:
    refusal = Reply(status=400, body={"error": {"message": "Unrecognized request argument supplied: guided_grammar"}})
    server.script(refusal, "answer(1)", "answer(2)")
    c = client(server, grammar="auto")
    first = c.complete(ASK, grammar="start: NAME")
    assert first.text == "answer(1)" and first.constrained is False and first.tries == 2
    assert "guided_grammar" in server.requests[0] and "guided_grammar" not in server.requests[1]
    again = client(server, grammar="auto")  # what was learnt holds for the process: a batch learns it once
    assert again.complete(ASK, grammar="start: NAME").constrained is False
    assert "guided_grammar" not in server.requests[2] and len(server.requests) == 3


def test_a_refusal_that_is_not_about_the_grammar_keeps_it_and_says_what_the_server_said(server: ScriptedServer) -> None:
    """A server with a small context refuses long prompts with 400, grammar or not."""
    server.owned_by, server.max_prompt_chars = "vllm", 400
    server.script("answer(1)")
    c = client(server, grammar="auto")
    long_ask = [Message(role="user", text="how many chairs? " * 40)]
    with pytest.raises(VLMError, match=r"HTTP 400\): This model's maximum context length is 400 tokens") as err:
        c.complete(long_ask, grammar="start: NAME")
    assert "REASMORY_GRAMMAR" not in (err.value.hint or "") and "context" in (err.value.hint or "")
    assert "guided_grammar" in server.requests[0] and "guided_grammar" not in server.requests[1]
    short = c.complete(ASK, grammar="start: NAME")  # the grammar is still on
    assert short.constrained is True and server.requests[2]["guided_grammar"] == "start: NAME"


@pytest.mark.parametrize("mode", ["vllm", "openai"])
def test_explicit_grammar_modes_report_a_refusal_of_the_grammar(server: ScriptedServer, mode: str) -> None:
    server.script(Reply(status=400, body={"error": {"message": "grammar backend unavailable"}}), "answer(1)")
    with pytest.raises(VLMError, match=r"with its grammar \(HTTP 400\): grammar backend unavailable") as err:
        client(server, grammar=mode).complete(ASK, grammar="start: NAME")
    assert "REASMORY_GRAMMAR" in (err.value.hint or "")


def test_fields_a_reasoning_model_refuses_are_left_out_or_renamed_once(server: ScriptedServer) -> None:
    """OpenAI's GPT-5 family takes neither temperature 0 nor max_tokens; its errors name the field."""
    server.script(Reply(status=400, body={"error": {"message": "Unsupported value: 'temperature' does not support 0 with this model.",
                                                    "type": "invalid_request_error", "param": "temperature", "code": "unsupported_value"}}),
                  Reply(status=400, body={"error": {"message": "Unsupported parameter: 'max_tokens' is not supported with this model.",
                                                    "type": "invalid_request_error", "param": "max_tokens", "code": "unsupported_parameter"}}),
                  "answer(1)", "answer(2)")
    c = client(server, max_tokens=64)
    assert c.complete(ASK).text == "answer(1)"
    assert "temperature" in server.requests[0] and "temperature" not in server.requests[1]
    assert server.requests[2]["max_completion_tokens"] == 64 and "max_tokens" not in server.requests[2]
    c.complete(ASK)
    assert "temperature" not in server.requests[3] and server.requests[3]["max_completion_tokens"] == 64


def test_a_grammar_refused_after_a_sampling_field_is_retried_with_what_was_learnt(server: ScriptedServer) -> None:
    temperature = Reply(status=400, body={"error": {"message": "Unsupported value: 'temperature'", "param": "temperature"}})
    grammar = Reply(status=400, body={"error": {"message": "Unrecognized request argument supplied: guided_grammar"}})
    server.script(temperature, grammar, "answer(1)")
    completion = client(server, grammar="auto").complete(ASK, grammar="start: NAME")
    assert completion.text == "answer(1)" and completion.constrained is False and completion.tries == 3
    assert "temperature" not in server.requests[1] and "guided_grammar" in server.requests[1]
    assert "temperature" not in server.requests[2] and "guided_grammar" not in server.requests[2]


def test_a_reply_cut_off_before_any_text_says_to_raise_the_limit(server: ScriptedServer) -> None:
    server.script(Reply(body={"choices": [{"index": 0, "finish_reason": "length", "message": {"role": "assistant", "content": None}}]}))
    with pytest.raises(VLMError, match="cut off at 512 tokens") as err:
        client(server).complete(ASK)
    assert "REASMORY_VLM_MAX_TOKENS" in (err.value.hint or "")


def test_tokens_are_counted_and_priced(server: ScriptedServer) -> None:
    from reasmory.answering.clients import Prices

    body = {"choices": [{"index": 0, "message": {"role": "assistant", "content": "answer(1)"}}],
            "usage": {"prompt_tokens": 2000, "completion_tokens": 300, "total_tokens": 2300,
                      "prompt_tokens_details": {"cached_tokens": 1000}, "completion_tokens_details": {"reasoning_tokens": 200}}}
    server.script(Reply(body=body), "answer(2)")
    c = client(server, prices=Prices(input=0.25, output=2.0, cached_input=0.025))
    usage = c.complete(ASK).usage
    assert (usage.calls, usage.input_tokens, usage.cached_input_tokens, usage.output_tokens, usage.reasoning_tokens) == (1, 2000, 1000, 300, 200)
    assert usage.cost_usd == pytest.approx((1000 * 0.25 + 1000 * 0.025 + 300 * 2.0) / 1e6)
    unpriced = client(server).complete(ASK).usage
    assert unpriced.calls == 1 and unpriced.input_tokens == 0 and unpriced.cost_usd is None


def test_grammar_off_sends_none(server: ScriptedServer) -> None:
    server.script("answer(1)")
    assert not client(server, grammar="off").complete(ASK, grammar="start: NAME").constrained
    assert "guided_grammar" not in server.requests[0] and "structured_outputs" not in server.requests[0]


def test_images_travel_as_data_urls_after_their_captions(server: ScriptedServer, tmp_path: Path) -> None:
    from PIL import Image

    png = tmp_path / "map.png"
    Image.new("RGB", (4, 3), (255, 0, 0)).save(png)
    server.script("B")
    client(server).complete([Message(role="user", text="which?", images=[ImagePart(path=png, caption="top-down map")])])
    parts = server.requests[0]["messages"][0]["content"]
    assert [p["type"] for p in parts] == ["text", "text", "image_url"] and parts[1]["text"] == "top-down map"
    url = parts[2]["image_url"]["url"]
    assert url.startswith("data:image/png;base64,") and base64.b64decode(url.split(",", 1)[1]) == png.read_bytes()


def test_a_missing_image_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(VLMError, match="does not exist"):
        ImagePart(path=tmp_path / "gone.png", caption="x").data_url()


def test_make_client_follows_the_settings(server: ScriptedServer) -> None:
    assert make_client(Settings.load()) is None
    made = make_client(Settings.load(vlm_base_url=server.url, vlm_model="m", vlm_api_key="k", vlm_timeout=3))
    assert isinstance(made, OpenAIClient) and made.name == "vlm:m" and made.url == server.url + "/chat/completions"
    from reasmory.errors import InputError

    with pytest.raises(InputError, match="REASMORY_VLM_MODEL is not set"):
        make_client(Settings.load(vlm_base_url=server.url))
