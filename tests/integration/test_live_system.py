"""System prompt delivery and Space parameters.

A Space may keep its system prompt in a gr.State (the value sent in the join
data is ignored; the client must call the Space's set-system event in the same
session first) or in a hidden Textbox (the data slot delivers it).  Both must
work for every chat Space, whichever layout the Space happens to use."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from qwen_spaces import get_space
from tests.integration.expect import echo_reply, model_size_of, unique, user

# (Space, replica kind): each chat Space against both system-slot layouts.
LAYOUTS = [
    ("qwen-qwen2-5-max", "chat-state"),
    ("qwen-qwen2-5-max", "chat-textbox"),
    ("qwen-qwen2-72b-instruct", "chat-state"),
    ("qwen-qwen2-72b-instruct", "chat-textbox"),
    ("qwen-qwen2-5", "qwen2_5"),
]


@pytest.mark.parametrize("space, kind", LAYOUTS)
def test_custom_system_argument(make_client: Callable[..., Any], space: str, kind: str,
                                version: str) -> None:
    client = make_client(space, version, kind)
    prompt = unique("echo")
    result = client.chat(space, user(prompt), system="Answer like a pirate.")
    assert result.text == echo_reply(prompt, "Answer like a pirate.", version, model_size_of(space))


@pytest.mark.parametrize("space, kind", LAYOUTS)
def test_system_messages_become_the_system_prompt(make_client: Callable[..., Any], space: str,
                                                  kind: str, version: str) -> None:
    client = make_client(space, version, kind)
    prompt = unique("echo")
    messages = [{"role": "system", "content": "Be brief."},
                {"role": "system", "content": "Use French."},
                {"role": "user", "content": prompt}]
    stream = client.stream(space, messages)
    text = "".join(stream)
    expected = echo_reply(prompt, "Be brief.\nUse French.", version, model_size_of(space))
    assert text == expected and stream.result.text == expected


@pytest.mark.parametrize("space, kind", LAYOUTS)
def test_default_system_when_none_given(make_client: Callable[..., Any], space: str, kind: str,
                                        version: str) -> None:
    """No system prompt -> the Space's default; and a custom prompt set in one call
    (through session state) must not leak into the next call of the same Client."""
    client = make_client(space, version, kind)
    client.chat(space, user(unique("echo")), system="Custom, once.")
    prompt = unique("echo")
    result = client.chat(space, user(prompt))
    default = get_space(space).default_system
    assert result.text == echo_reply(prompt, default, version, model_size_of(space))


@pytest.mark.replicas("qwen2_5")
@pytest.mark.parametrize("size", ["7B", "0.5B"])
def test_model_size_reaches_the_radio(make_client: Callable[..., Any], size: str,
                                      version: str) -> None:
    space = "qwen-qwen2-5"
    client = make_client(space, version)
    prompt = unique("echo")
    result = client.chat(space, user(prompt), model_size=size)
    assert result.text == echo_reply(prompt, get_space(space).default_system, version, size)


@pytest.mark.replicas("qwen2_5")
def test_default_model_size(make_client: Callable[..., Any], version: str) -> None:
    space = "qwen-2.5"  # alias
    client = make_client(space, version)
    prompt = unique("echo")
    result = client.chat(space, user(prompt))
    assert result.text.endswith("size: 72B")


def test_bad_params_fail_before_any_request() -> None:
    # No replica needed: a closed port proves no request is made.
    from qwen_spaces import Client

    with Client(base_urls={"qwen-2.5": "http://127.0.0.1:9"}) as client:
        with pytest.raises(ValueError, match="model_size"):
            client.chat("qwen-2.5", user("hi"), model_size="999B")
        with pytest.raises(ValueError):
            client.chat("qwen-2.5", user("hi"), temperature="0.1")
