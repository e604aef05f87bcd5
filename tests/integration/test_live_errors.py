"""Errors raised by the Space's app reach the caller as the documented exceptions,
carrying exactly the text that had been streamed before the failure."""

from __future__ import annotations

from typing import Any, Callable, Optional

import pytest

import qwen_spaces
from qwen_spaces import QuotaExceededError, QwenSpacesError, SpaceAppError
from tests.integration.conftest import CHAT_SPACES
from tests.integration.expect import partial_chat_text, unique, user
from tests.servers.apps import replies

ERROR_NAMES = ("QwenSpacesError", "SpaceUnavailableError", "QueueFullError", "RateLimitError",
               "AuthenticationError", "SpaceAppError", "QuotaExceededError",
               "StreamInterruptedError", "ProtocolError", "SpaceTimeoutError")


def expected_title(version: str) -> Optional[str]:
    # 4.44.1 sends no title with an error; 5.x and 6.x send "Error".
    return None if version.startswith("4.") else "Error"


def test_errors_are_exported_at_top_level() -> None:
    for name in ERROR_NAMES:
        error = getattr(qwen_spaces, name)
        assert issubclass(error, QwenSpacesError) and name in qwen_spaces.__all__
    assert issubclass(QuotaExceededError, SpaceAppError)


@pytest.mark.parametrize("space", CHAT_SPACES)
def test_gpu_quota_error_keeps_the_partial_text(make_client: Callable[..., Any], space: str,
                                                version: str) -> None:
    client = make_client(space, version)
    prompt = unique("quota")
    deltas = []
    with pytest.raises(QuotaExceededError) as caught:
        for delta in client.stream(space, user(prompt)):
            deltas.append(delta)
    error = caught.value
    expected_partial = partial_chat_text(prompt, version)
    assert "".join(deltas) == expected_partial == error.partial_text
    assert error.message == replies.QUOTA_MESSAGE  # 4.44.1 repr-quotes it: must be unquoted
    assert error.title == expected_title(version)
    assert isinstance(error, SpaceAppError)


@pytest.mark.parametrize("space", CHAT_SPACES)
def test_hidden_exception_is_a_space_app_error(make_client: Callable[..., Any], space: str,
                                               version: str) -> None:
    client = make_client(space, version)
    prompt = unique("crash")
    deltas = []
    with pytest.raises(SpaceAppError) as caught:
        for delta in client.stream(space, user(prompt)):
            deltas.append(delta)
    error = caught.value
    assert not isinstance(error, QuotaExceededError)
    assert "".join(deltas) == partial_chat_text(prompt, version) == error.partial_text
    assert error.message  # the Space hides the text (show_error=False): say so, don't be blank
    assert replies.CRASH_MESSAGE not in error.message


@pytest.mark.parametrize("space", CHAT_SPACES)
def test_error_before_first_token(make_client: Callable[..., Any], space: str,
                                  version: str) -> None:
    client = make_client(space, version)
    with pytest.raises(SpaceAppError) as caught:
        client.chat(space, user(unique("early-error")))
    error = caught.value
    assert error.message == replies.EARLY_MESSAGE
    assert error.partial_text == ""
    assert error.title == expected_title(version)
    assert not isinstance(error, QuotaExceededError)


@pytest.mark.replicas("chat-state")
def test_quota_through_chat_keeps_partial_text(make_client: Callable[..., Any],
                                               version: str) -> None:
    space = "qwen-qwen2-5-max"
    client = make_client(space, version)
    prompt = unique("quota")
    with pytest.raises(QuotaExceededError) as caught:
        client.chat(space, user(prompt))
    assert caught.value.partial_text == partial_chat_text(prompt, version)


@pytest.mark.replicas("qvq")
def test_vision_space_error(make_client: Callable[..., Any], version: str) -> None:
    """The /call API loses the error text on 4.44.1 and 5.23.3 (``event: error`` with
    null data), so only 6.x can be recognised as a quota error; all must raise
    SpaceAppError with the text streamed so far."""
    space = "qwen-qvq-72b-preview"
    client = make_client(space, version)
    question = unique("quota")
    deltas = []
    with pytest.raises(SpaceAppError) as caught:
        for delta in client.stream(space, user(question)):
            deltas.append(delta)
    error = caught.value
    expected_partial = "".join(replies.qvq_tokens(None, question)[:3])
    assert "".join(deltas) == expected_partial == error.partial_text
    if version.startswith("6."):
        assert isinstance(error, QuotaExceededError)
        assert error.message == replies.QUOTA_MESSAGE
