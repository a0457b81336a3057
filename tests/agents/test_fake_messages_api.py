"""The fake Messages API itself, as the SDK and the Claude Code CLI will meet it."""

from __future__ import annotations

import http.client

import anthropic
import pytest
from fakes.messages_api import (
    FakeMessagesAPI,
    conversation,
    last_tool_results,
    reply,
    stream_error,
    text,
    thinking,
    tool_use,
)


def client(api: FakeMessagesAPI) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=api.url, api_key="test-key", max_retries=0)


def ask(api: FakeMessagesAPI, messages: list[dict] | None = None, **kwargs):
    messages = messages or [{"role": "user", "content": "hi"}]
    return client(api).messages.create(model="m", max_tokens=10, messages=messages, **kwargs)


def test_head_probes_are_answered(fake_api) -> None:
    host, port = fake_api.url.removeprefix("http://").split(":")
    for path, status in [("/", 200), ("/api/hello", 200), ("/nope", 404)]:
        conn = http.client.HTTPConnection(host, int(port))
        conn.request("HEAD", path)
        assert conn.getresponse().status == status
        conn.close()


def test_streamed_blocks_arrive_whole(fake_api) -> None:
    fake_api.push(reply(thinking("hmm"), text("hello"), tool_use("bash", {"command": "ls -l"})))
    with client(fake_api).messages.stream(
        model="m", max_tokens=10, messages=[{"role": "user", "content": "hi"}]
    ) as stream:
        message = stream.get_final_message()
    assert [b.type for b in message.content] == ["thinking", "text", "tool_use"]
    assert message.content[0].signature == "sig-fake" and message.content[1].text == "hello"
    assert message.content[2].input == {"command": "ls -l"}
    assert message.stop_reason == "tool_use"


def test_non_streaming_requests_get_json_and_fixed_usage(fake_api) -> None:
    fake_api.push(reply("plain", usage={"input_tokens": 7, "output_tokens": 3}))
    message = ask(fake_api)
    assert message.content[0].text == "plain" and message.stop_reason == "end_turn"
    assert (message.usage.input_tokens, message.usage.output_tokens) == (7, 3)
    assert fake_api.requests[0].body["messages"][0]["content"] == "hi"


def test_a_responder_scripts_replies_from_the_request(fake_api) -> None:
    fake_api.responder = lambda request: reply(f"{len(request.body['messages'])} messages")
    assert ask(fake_api).content[0].text == "1 messages"


def test_an_exhausted_script_fails_loudly_without_retries(fake_api) -> None:
    with pytest.raises(anthropic.InternalServerError, match="script exhausted"):
        ask(fake_api)
    assert fake_api.problems == ["script exhausted at request 1"]


def test_helpers_skip_system_role_entries() -> None:
    body = {
        "messages": [
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1"}]},
            {"role": "system", "content": "Available agent types: ..."},
        ]
    }
    assert [m["role"] for m in conversation(body)] == ["user"]
    assert last_tool_results(body) == [{"type": "tool_result", "tool_use_id": "t1"}]


def test_an_error_event_mid_stream_reaches_the_sdk_as_a_status_error(fake_api) -> None:
    fake_api.push(stream_error(after_events=3, error_type="api_error", message="Internal"))
    request = {"model": "m", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]}
    seen = []
    stream = client(fake_api).messages.stream(**request)
    with stream as events, pytest.raises(anthropic.APIStatusError) as caught:
        for event in events:
            seen.append(event.type)
    assert seen[0] == "message_start"  # the response had begun: status 200, an error event
    assert caught.value.status_code == 200
    assert caught.value.body["error"] == {"type": "api_error", "message": "Internal"}
