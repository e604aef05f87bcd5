"""``client.chat.completions.create`` (the OpenAI-shaped facade) and ``client.chat``,
against LocalSpace over real sockets.

Expected texts are written out from what the test double is told to send (its ``tokens``,
its ``reply``, or the Qwen3-Demo fake model's documented sentences), never taken from the
code under test.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional

import pytest

from qwen_spaces import (
    ChatCompletion,
    ChatCompletionChunk,
    ChatResult,
    Client,
    CompletionStream,
    SpaceAppError,
)
from qwen_spaces.completions import Chat, Completions, openai_messages, space_params
from qwen_spaces.testing import LocalSpace

from .helpers import QWEN3_REASONING, qwen3_answer, user, wait_for

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(40))


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv("HF_TOKEN", raising=False)


@pytest.fixture
def local() -> Iterator[Callable[..., Client]]:
    """``local(layout, **LocalSpace options)`` -> a Client whose layout's Space is that LocalSpace."""
    started: List[Any] = []

    def start(layout: str = "qwen-2-5-max", **options: Any) -> Client:
        space = LocalSpace(layout, **options).start()
        space_id = "Qwen/Qwen3-Demo" if layout == "qwen3-demo" else None
        client = Client(base_urls={space_id or layout: space.url}, hf_token="", timeout=20.0)
        client.local = space  # type: ignore[attr-defined]
        started.extend([client, space])
        return client

    yield start
    for thing in reversed(started):
        thing.close() if isinstance(thing, Client) else thing.stop()


# -- client.chat keeps working --------------------------------------------------------------


def test_client_chat_is_still_a_call_that_returns_the_whole_reply(local) -> None:
    seen: List[Any] = []

    def reply(prompt: str, system: Optional[str], params: Mapping[str, Any]) -> str:
        seen.append((prompt, system, dict(params)))
        return "Fine, thanks."

    client = local("qwen-2.5", reply=reply)
    result = client.chat("qwen-2.5", user("How are you?"), system="Be brief.", model_size="7B")
    assert isinstance(result, ChatResult)
    assert result.text == "Fine, thanks." and result.model == "qwen-qwen2-5"
    assert seen == [("How are you?", "Be brief.", {"model_size": "7B"})]
    assert isinstance(client.chat, Chat) and callable(client.chat)
    assert isinstance(client.chat.completions, Completions)
    with pytest.raises(ValueError, match="does not take"):
        client.chat("qwen-2.5", user("x"), temperature=0.5)  # a plain chat keeps strict keywords


# -- non-streaming -----------------------------------------------------------------------


def test_create_returns_a_chat_completion_with_reasoning(local) -> None:
    client = local("qwen3-demo")
    before = int(time.time())
    completion = client.chat.completions.create(model="qwen3-32b", messages=user("What is 2 + 2?"))
    assert isinstance(completion, ChatCompletion)
    assert completion.object == "chat.completion"
    assert completion.id.startswith("chatcmpl-") and len(completion.id) > len("chatcmpl-")
    assert before <= completion.created <= int(time.time())
    assert completion.model == "qwen3-32b"
    assert len(completion.choices) == 1
    choice = completion.choices[0]
    assert (choice.index, choice.finish_reason, choice.logprobs) == (0, "stop", None)
    assert choice.message.role == "assistant"
    assert choice.message.content == qwen3_answer("qwen3-32b", "What is 2 + 2?")
    assert choice.message.reasoning_content == QWEN3_REASONING
    assert (choice.message.tool_calls, choice.message.function_call, choice.message.refusal) == (None, None, None)
    assert completion.usage is None


def test_reasoning_content_is_none_without_reasoning(local) -> None:
    client = local("qwen-2-5-max", reply="Plain answer.")
    message = client.chat.completions.create(model="qwen-2-5-max", messages=user("Hi")).choices[0].message
    assert (message.content, message.reasoning_content) == ("Plain answer.", None)


def test_thinking_off_and_extra_body_reach_the_space(local) -> None:
    client = local("qwen3-demo")
    completion = client.chat.completions.create(
        model="qwen3-8b", messages=user("Hi"), thinking=False, extra_body={"thinking_budget": 4})
    message = completion.choices[0].message
    assert (message.content, message.reasoning_content) == (qwen3_answer("qwen3-8b", "Hi"), None)
    request = client.local.model_requests[-1]  # type: ignore[attr-defined]
    assert (request.model, request.enable_thinking, request.thinking_budget) == ("qwen3-8b", False, 4 * 1024)


def test_to_dict_and_json_have_openais_field_names(local) -> None:
    client = local("qwen3-demo")
    completion = client.chat.completions.create(model="qwen3-4b", messages=user("Hi"))
    data = json.loads(completion.to_json())
    assert data == completion.model_dump() == json.loads(completion.model_dump_json())
    assert set(data) == {"id", "choices", "created", "model", "object", "system_fingerprint", "usage",
                         "service_tier"}
    assert data["choices"][0]["message"] == {
        "content": qwen3_answer("qwen3-4b", "Hi"), "role": "assistant", "reasoning_content": QWEN3_REASONING,
        "refusal": None, "tool_calls": None, "function_call": None, "annotations": None, "audio": None}
    assert data["choices"][0]["finish_reason"] == "stop"


# -- streaming ------------------------------------------------------------------------------


def test_stream_yields_role_then_each_token_then_stop(local) -> None:
    client = local("qwen-2-5-max", tokens=["One", " two", " three."])
    stream = client.chat.completions.create(model="qwen-2-5-max", messages=user("Count"), stream=True)
    assert isinstance(stream, CompletionStream)
    chunks = list(stream)
    assert all(isinstance(c, ChatCompletionChunk) and c.object == "chat.completion.chunk" for c in chunks)
    assert len({(c.id, c.created, c.model) for c in chunks}) == 1
    assert chunks[0].model == "qwen-qwen2-5-max" and chunks[0].id.startswith("chatcmpl-")
    deltas = [(c.choices[0].delta.role, c.choices[0].delta.content, c.choices[0].delta.reasoning_content,
               c.choices[0].finish_reason) for c in chunks]
    assert deltas == [("assistant", "", None, None), (None, "One", None, None), (None, " two", None, None),
                      (None, " three.", None, None), (None, None, None, "stop")]
    assert stream.result is not None and stream.result.text == "One two three."
    assert list(stream) == []  # exhausted


def test_stream_separates_reasoning_from_the_answer(local) -> None:
    client = local("qwen3-demo")
    with client.chat.completions.create(model="qwen3-14b", messages=user("Hello there"), stream=True) as stream:
        chunks = list(stream)
    middle = [c.choices[0].delta for c in chunks[1:-1]]
    assert all((d.content is None) != (d.reasoning_content is None) for d in middle)  # one of the two
    reasoning = "".join(d.reasoning_content or "" for d in middle)
    answer = "".join(d.content or "" for d in middle)
    assert (reasoning, answer) == (QWEN3_REASONING, qwen3_answer("qwen3-14b", "Hello there"))
    kinds = ["r" if d.reasoning_content is not None else "a" for d in middle]
    assert kinds == sorted(kinds, reverse=True)  # all reasoning first, then the answer
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert all(c.choices[0].finish_reason is None for c in chunks[:-1])


def test_closing_a_stream_early_cancels_the_job(local) -> None:
    client = local("qwen-2-5-max", tokens=[f" t{i}" for i in range(200)], token_delay=0.02)
    space = client.local  # type: ignore[attr-defined]
    stream = client.chat.completions.create(model="qwen-2-5-max", messages=user("long"), stream=True)
    first = [next(stream) for _ in range(3)]
    assert [c.choices[0].delta.content for c in first] == ["", " t0", " t1"]
    stream.close()
    assert wait_for(lambda: space.cancels == 1)
    assert stream.result is None
    assert list(stream) == []


def test_leaving_the_with_block_cancels_the_job(local) -> None:
    client = local("qwen-2-5-max", tokens=[f" t{i}" for i in range(200)], token_delay=0.02)
    with client.chat.completions.create(model="qwen-2-5-max", messages=user("long"), stream=True) as stream:
        next(stream)
        next(stream)
    assert wait_for(lambda: client.local.cancels == 1)  # type: ignore[attr-defined]


def test_a_space_failure_mid_stream_is_our_error_with_the_partial_text(local) -> None:
    client = local("qwen-2-5-max", tokens=["Half", " an", " answer"], error="GPU on fire", error_after=2)
    stream = client.chat.completions.create(model="qwen-2-5-max", messages=user("Hi"), stream=True)
    got: List[Optional[str]] = []
    with pytest.raises(SpaceAppError, match="GPU on fire") as caught:
        for chunk in stream:
            got.append(chunk.choices[0].delta.content)
    assert got == ["", "Half", " an"]
    assert caught.value.partial_text == "Half an"
    assert list(stream) == []  # no "stop" chunk after a failure


def test_a_failure_without_streaming_raises_our_error(local) -> None:
    client = local("qwen3-demo")
    with pytest.raises(SpaceAppError, match="simulated upstream failure") as caught:
        client.chat.completions.create(model="qwen3-32b", messages=user("please __error__"))
    assert caught.value.partial_text == "Hello from qwen3-32b! "
    assert caught.value.partial_reasoning == "This is user "


# -- parameters -------------------------------------------------------------------------------


@pytest.mark.parametrize("name, value", [
    ("n", 2), ("tools", [{"type": "function", "function": {"name": "f"}}]), ("tool_choice", "required"),
    ("functions", [{"name": "f"}]), ("function_call", {"name": "f"}), ("logprobs", True), ("top_logprobs", 3),
    ("logit_bias", {"50256": -100}), ("response_format", {"type": "json_object"}), ("stop", ["\n"]),
    ("audio", {"voice": "alloy"}), ("modalities", ["text", "audio"]), ("prediction", {"type": "content"}),
])
def test_what_a_space_cannot_honour_is_a_value_error_before_any_request(local, name: str, value: Any) -> None:
    client = local("qwen-2-5-max")
    with pytest.raises(ValueError, match=name):
        client.chat.completions.create(model="qwen-2-5-max", messages=user("Hi"), **{name: value})
    assert client.local.joins == 0  # type: ignore[attr-defined]


def test_neutral_values_and_bookkeeping_are_accepted(local) -> None:
    client = local("qwen-2-5-max")
    completion = client.chat.completions.create(
        model="qwen-2-5-max", messages=user("Hi"), n=1, tools=[], tool_choice="none", logprobs=False,
        top_logprobs=0, response_format={"type": "text"}, stop=None, modalities=["text"], user="u-1",
        metadata={"k": "v"}, store=False, stream_options={"include_usage": True}, seed=None)
    assert completion.choices[0].message.content == "Echo: Hi"


def test_sampling_without_a_matching_input_is_ignored_with_a_log(local, caplog) -> None:
    seen: List[Dict[str, Any]] = []

    def reply(prompt: str, system: Optional[str], params: Mapping[str, Any]) -> str:
        seen.append(dict(params))
        return "ok"

    client = local("qwen-2.5", reply=reply)
    with caplog.at_level(logging.INFO, logger="qwen_spaces"):
        completion = client.chat.completions.create(
            model="qwen-2.5", messages=user("Hi"), temperature=0.2, top_p=0.9, max_tokens=64, model_size="3B")
    assert completion.choices[0].message.content == "ok"
    assert seen == [{"model_size": "3B"}]
    infos = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO and r.name == "qwen_spaces"]
    for text in ("ignored temperature=0.2", "ignored top_p=0.9", "ignored max_tokens=64"):
        assert any(line.startswith(text) and "no input of that name" in line for line in infos), infos


def test_sampling_maps_to_the_spaces_input_of_that_name() -> None:
    asked: List[int] = []

    def keywords() -> List[str]:
        asked.append(1)
        return ["temperature", "max_new_tokens", "stop", "model"]

    params = {"temperature": 0.3, "top_p": 0.5, "max_tokens": 100, "stop": ["END"], "model": "large",
              "user": "someone", "extra_body": {"seed_value": 7}}
    assert space_params(params, keywords) == {"temperature": 0.3, "max_new_tokens": 100, "stop": ["END"],
                                              "model": "large", "seed_value": 7}
    assert asked == [1]  # the Space's keywords are read once
    assert space_params({"user": "x", "n": 1}, lambda: pytest.fail("not needed")) == {}


def test_stop_without_a_stop_input_is_refused() -> None:
    with pytest.raises(ValueError, match="stop"):
        space_params({"stop": "END"}, lambda: ["temperature"])


# -- messages ---------------------------------------------------------------------------------


def test_openai_messages_developer_parts_and_history_reach_the_space(local) -> None:
    seen: List[Any] = []

    def reply(prompt: str, system: Optional[str], params: Mapping[str, Any]) -> str:
        seen.append((prompt, system))
        return "done"

    client = local("qwen-2-5-max", reply=reply)
    earlier = client.chat.completions.create(model="qwen-2-5-max", messages=user("First")).choices[0].message
    messages = [
        {"role": "developer", "content": "Answer in French."},
        {"role": "user", "content": "First"},
        earlier,  # a message object from an earlier reply, appended as openai users do
        {"role": "user", "content": [{"type": "text", "text": "Second"}, {"type": "text", "text": "part"}]},
    ]
    client.chat.completions.create(model="qwen-2-5-max", messages=messages)
    assert seen[-1] == ("Second\npart", "Answer in French.")  # the new message; the system prompt
    # the earlier turn goes into the Space's chatbot input (Gradio 5 tuples: [user, assistant])
    assert client.local.events[-1].data == [  # type: ignore[attr-defined]
        "Second\npart", [["First", "done"]], "Answer in French."]


def test_an_image_as_a_data_url_is_uploaded(local) -> None:
    client = local("qvq-72b", reply="a picture")
    url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    messages = [{"role": "user", "content": [{"type": "text", "text": "What is this?"},
                                             {"type": "image_url", "image_url": {"url": url}}]}]
    completion = client.chat.completions.create(model="qvq-72b", messages=messages)
    assert completion.choices[0].message.content == "a picture"
    assert list(client.local.uploads.values()) == [PNG]  # type: ignore[attr-defined]


@pytest.mark.parametrize("messages, match", [
    ([{"role": "tool", "content": "42", "tool_call_id": "c1"}], "tool"),
    ([{"role": "assistant", "content": None, "tool_calls": [{"id": "c1"}]}], "tool"),
    ([{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://x/cat.png"}}]}], "data: URL"),
    ([{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,@@"}}]}],
     "base64"),
    ([{"role": "user", "content": [{"type": "input_audio", "input_audio": {}}]}], "only text and image_url"),
    ([{"role": "user", "content": 5}], "content must be"),
    ([{"role": "robot", "content": "x"}], "role"),
    ("Hi", "must be a list"),
])
def test_messages_a_space_cannot_take_are_value_errors(messages: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        openai_messages(messages)


def test_two_images_are_refused() -> None:
    url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    part = {"type": "image_url", "image_url": {"url": url}}
    with pytest.raises(ValueError, match="2 images"):
        openai_messages([{"role": "user", "content": [part]}, {"role": "user", "content": [part]}])


def test_stream_must_be_a_bool(local) -> None:
    client = local("qwen-2-5-max")
    with pytest.raises(ValueError, match="stream"):
        client.chat.completions.create(model="qwen-2-5-max", messages=user("Hi"), stream="yes")  # type: ignore[call-overload]
