"""A messages-format chatbot (``gr.Chatbot(type="messages")``, str content) on Gradio 4
and 5 as well: the reply lives at ``[i, "content"]`` and Gradio cleans its text on every
version, unlike tuples on 5.x.  (On 6.x this replica is the same as the default one.)"""

from __future__ import annotations

import time
from typing import Any, Callable

import pytest

from tests.integration.expect import collect, unique, user
from tests.servers.apps import replies

KIND = "chat-messages"
SPACE = "qwen-qwen2-5-max"


def _expected(raw: str, version: str) -> str:
    return replies.expected_text(raw, version, "messages")


@pytest.mark.replicas(KIND)
def test_messages_format_text_is_exact_and_streamed(make_client: Callable[..., Any],
                                                     version: str) -> None:
    client = make_client(SPACE, version, kind=KIND)
    prompt = unique("pace")
    started = time.monotonic()
    stream = client.stream(SPACE, user(prompt))
    got = collect(stream, started)
    assert got.text == stream.result.text == _expected(replies.raw_text(replies.plan_for(prompt)), version)
    assert len(got.deltas) >= 15 and got.arrivals[-1] - got.arrivals[0] > 2.0


@pytest.mark.replicas(KIND)
def test_messages_format_default_reply_and_system(make_client: Callable[..., Any],
                                                  version: str) -> None:
    client = make_client(SPACE, version, kind=KIND)
    prompt = unique("hello")
    assert client.chat(SPACE, user(prompt)).text == _expected(
        replies.raw_text(replies.plan_for(prompt)), version)
    prompt = unique("echo")
    result = client.chat(SPACE, user(prompt), system="Messages system.")
    assert result.text == _expected(replies.echo_text(prompt, "Messages system."), version)
