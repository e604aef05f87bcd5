"""Chat replies end to end through the public API, on every Space x Gradio version.

The client's built-in API prefix of a Space often does not match the replica's
Gradio version (qwen-2-5-max says "/gradio_api", its 4.44.1 replica has none;
qwen-2.5 says "", its 5.x/6.x replicas need "/gradio_api"), so these tests also
exercise discovery through /config."""

from __future__ import annotations

import time
from typing import Any, Callable, List

import pytest

from qwen_spaces import ChatResult, Status, get_space
from tests.integration.conftest import CHAT_SPACES
from tests.integration.expect import chat_text, collect, echo_reply, model_size_of, unique, user
from tests.servers.apps import generic_replies as gen
from tests.servers.apps import replies
from tests.servers.launcher import Replica


@pytest.mark.parametrize("space", CHAT_SPACES)
def test_stream_text_is_exact(make_client: Callable[..., Any], space_url: Callable[..., str],
                              space: str, version: str) -> None:
    client = make_client(space, version)
    prompt = unique("hello")
    stream = client.stream(space, user(prompt))
    got = collect(stream)
    expected = chat_text(prompt, version)
    assert got.text == expected
    result = stream.result
    assert isinstance(result, ChatResult)
    assert result.text == expected and str(result) == expected
    assert stream.text_so_far == expected
    assert len(got.deltas) >= 8, f"not streamed: {got.deltas!r}"  # 14 tokens, some merged by cleandoc
    assert result.model == space
    assert result.space_url.rstrip("/") == space_url(space, version)


@pytest.mark.parametrize("space", CHAT_SPACES)
def test_chat_returns_the_same_text(make_client: Callable[..., Any], space: str,
                                    version: str) -> None:
    client = make_client(space, version)
    prompt = unique("hello")
    result = client.chat(space, user(prompt))
    assert result.text == chat_text(prompt, version)
    timings = result.timings
    assert timings.first_delta is not None and timings.total >= timings.first_delta >= 0
    assert timings.queue_wait is None or 0 <= timings.queue_wait <= timings.first_delta


@pytest.mark.parametrize("space", CHAT_SPACES)
def test_many_small_tokens(make_client: Callable[..., Any], space: str, version: str) -> None:
    client = make_client(space, version)
    prompt = unique("many 400")
    got = collect(client.stream(space, user(prompt)))
    assert got.text == chat_text(prompt, version)
    assert len(got.text) > 1500


@pytest.mark.parametrize("space", CHAT_SPACES)
def test_deltas_arrive_while_the_space_generates(make_client: Callable[..., Any], space: str,
                                                 version: str) -> None:
    """'pace' yields 20 tokens 0.15 s apart (~3 s): a real stream delivers the first
    text long before the last, not everything at completion."""
    client = make_client(space, version)
    prompt = unique("pace")
    started = time.monotonic()
    stream = client.stream(space, user(prompt))
    got = collect(stream, started)
    assert got.text == chat_text(prompt, version)
    assert len(got.deltas) >= 15
    spread = got.arrivals[-1] - got.arrivals[0]
    assert spread > 2.0, f"deltas arrived within {spread:.2f}s: buffered, not streamed"
    # Evenly spread, not in bursts: the middle delta arrives near the middle of the reply.
    middle = got.arrivals[len(got.arrivals) // 2] - got.arrivals[0]
    assert 0.25 * spread < middle < 0.75 * spread
    timings = stream.result.timings
    assert timings.first_delta is not None
    assert timings.total - timings.first_delta > 2.0


@pytest.mark.parametrize("space", CHAT_SPACES)
def test_empty_reply(make_client: Callable[..., Any], space: str, version: str) -> None:
    client = make_client(space, version)
    stream = client.stream(space, user(unique("empty")))
    got = collect(stream)
    assert got.deltas == []
    assert stream.result is not None and stream.result.text == ""
    assert stream.result.timings.first_delta is None


@pytest.mark.parametrize("space", CHAT_SPACES)
def test_history_goes_in_the_chatbot_input(make_client: Callable[..., Any],
                                           replica: Callable[..., Replica], space: str,
                                           version: str) -> None:
    client = make_client(space, version)
    last = unique("echo it back")
    messages = [
        {"role": "user", "content": "What is 2+2?"},
        {"role": "assistant", "content": "4."},
        {"role": "user", "content": last},
    ]
    result = client.chat(space, messages)
    system = get_space(space).default_system
    assert result.text == echo_reply(last, system, version, model_size_of(space))
    server = replica(space, version)
    [call] = [line for line in gen.read_log(server.yield_log)
              if line.get("fn") == "model_chat" and line.get("message") == last]
    history = call["history"]  # the earlier turn, in the Space's chatbot format
    if replies.chatbot_format(version) == "tuples":
        assert history == [["What is 2+2?", "4."]]
    else:
        assert [(m["role"], gen.text_of(m["content"])) for m in history] == [
            ("user", "What is 2+2?"), ("assistant", "4.")]


@pytest.mark.parametrize("space", CHAT_SPACES)
def test_odd_histories_are_flattened_into_the_prompt(make_client: Callable[..., Any], space: str,
                                                     version: str) -> None:
    client = make_client(space, version)
    messages = [  # two user turns in a row: no (user, assistant) pairs to send natively
        {"role": "user", "content": "What is 2+2?"},
        {"role": "user", "content": unique("echo it back")},
    ]
    flattened = "\n".join([f"User: {messages[0]['content']}", f"User: {messages[1]['content']}",
                           "Assistant:"])
    result = client.chat(space, messages)
    system = get_space(space).default_system
    assert result.text == echo_reply(flattened, system, version, model_size_of(space))


@pytest.mark.parametrize("space", CHAT_SPACES)
def test_aliases_reach_the_same_space(make_client: Callable[..., Any], space: str,
                                      version: str) -> None:
    alias = get_space(space).aliases[0]
    client = make_client(alias, version)
    prompt = unique("hello")
    result = client.chat(alias, user(prompt))
    assert result.model == space  # canonical name, whichever name was used
    assert result.text == chat_text(prompt, version)


@pytest.mark.replicas("chat-state")
def test_on_status_reports_progress(make_client: Callable[..., Any], version: str) -> None:
    space = "qwen-qwen2-5-max"
    client = make_client(space, version)
    seen: List[Status] = []
    result = client.chat(space, user(unique("hello")), on_status=seen.append)
    assert result.text
    kinds = [status.kind for status in seen]
    assert "running" in kinds, kinds
    assert set(kinds) <= {"queued", "starting", "running", "log", "progress", "retrying"}


@pytest.mark.replicas("chat-textbox")
def test_unicode_survives(make_client: Callable[..., Any], version: str) -> None:
    """Non-ASCII in both directions: the prompt is echoed back verbatim."""
    space = "qwen-qwen2-72b-instruct"
    client = make_client(space, version)
    prompt = unique("echo 你好, мир 👋 café")
    result = client.chat(space, user(prompt))
    assert result.text == echo_reply(prompt, replies.CHAT_DEFAULT_SYSTEM, version)
