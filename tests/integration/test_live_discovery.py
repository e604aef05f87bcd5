"""The client's built-in facts about a Space (API prefix, fn_index) may be stale; the
Space's /config is the truth and the client must repair itself from it."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from qwen_spaces import Client, ProtocolError, SpaceUnavailableError, get_space
from tests.integration.expect import chat_text, echo_reply, unique, user
from tests.servers.apps import replies


@pytest.mark.parametrize("space", ["qwen-qwen2-5-max", "qwen-qwen2-5", "qwen-qvq-72b-preview"])
def test_api_prefix_is_discovered(make_client: Callable[..., Any], space: str,
                                  version: str) -> None:
    """Each Space is run once with its built-in prefix wrong (e.g. qwen-2-5-max on 4.44.1)."""
    client = make_client(space, version)
    prompt = unique("hello")
    result = client.chat(space, user(prompt))
    if get_space(space).supports_vision:
        assert result.text == "".join(replies.qvq_tokens(None, prompt))
    else:
        assert result.text == chat_text(prompt, version)
    # and the second call, with what was learned, too
    assert client.chat(space, user(prompt)).text == result.text


@pytest.mark.replicas("chat-shifted")
def test_renumbered_events_are_discovered(make_client: Callable[..., Any],
                                          version: str) -> None:
    """A redeployed Space whose chat event moved from fn_index 0 to 2 (fn_index 0 is now
    another event that accepts the join): the client must find model_chat by api_name."""
    space = "qwen-qwen2-5-max"
    client = make_client(space, version, kind="chat-shifted")
    prompt = unique("hello")
    assert client.chat(space, user(prompt)).text == chat_text(prompt, version)


@pytest.mark.replicas("chat-shifted")
def test_renumbered_events_with_system_prompt(make_client: Callable[..., Any],
                                              version: str) -> None:
    space = "qwen-qwen2-5-max"
    client = make_client(space, version, kind="chat-shifted")
    prompt = unique("echo")
    result = client.chat(space, user(prompt), system="Shifted system.")
    assert result.text == echo_reply(prompt, "Shifted system.", version)


@pytest.mark.replicas("qvq")
def test_wrong_app_is_an_error_not_a_hang(space_url: Callable[..., str],
                                          version: str) -> None:
    """A chat Space pointed at the QVQ app (no model_chat event) must fail cleanly.
    On 5.x/6.x the client joins the QVQ app's fn_index 0 (an internal visibility
    update); the reply has no text, so the client checks /config, finds no model_chat
    event and says so."""
    with Client(base_urls={"qwen-2-5-max": space_url("qwen-qvq-72b-preview", version)},
                timeout=20.0) as client:
        with pytest.raises(ProtocolError, match="has no event /model_chat.*is .* really Qwen/Qwen2.5-Max-Demo"):
            client.chat("qwen-2-5-max", user(unique("hello")))


def test_unreachable_space() -> None:
    with Client(base_urls={"qwen-2-5-max": "http://127.0.0.1:9"}, max_retries=0) as client:
        with pytest.raises(SpaceUnavailableError):
            client.chat("qwen-2-5-max", user("hello"))
