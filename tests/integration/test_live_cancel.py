"""Closing a stream early releases the connection AND stops the job on the Space.

The replica's generator logs every yield (YIELD_LOG), so we can see it stop:
"slow" plans 40 tokens 0.5 s apart; after closing at 3 deltas the log must stop
growing within a few tokens, far below 40."""

from __future__ import annotations

import gc
import time
from pathlib import Path
from typing import Any, Callable

import pytest

from tests.integration.conftest import CHAT_SPACES
from tests.integration.expect import unique, user
from tests.servers.apps import replies
from tests.servers.launcher import Replica

QUIET = 2.0  # 4 token periods without a new yield = the generator has stopped
MAX_YIELDS_AFTER_CLOSE = 8  # Gradio stops a generator after its current step (+1 on a drop)


def settled_yields(log: Path, prompt: str, limit: float = 20.0) -> int:
    """The yield count once it has not changed for QUIET seconds (or after ``limit``)."""
    deadline = time.monotonic() + limit
    count, since = replies.count_yields(log, prompt), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = replies.count_yields(log, prompt)
        if now != count:
            count, since = now, time.monotonic()
        elif time.monotonic() - since >= QUIET:
            break
    return count


def assert_generator_stopped(server: Replica, prompt: str, at_least: int = 3) -> None:
    # Quiet for 4 token periods means stopped; a still-running generator would also
    # blow through MAX_YIELDS_AFTER_CLOSE before settled_yields gives up.
    settled = settled_yields(server.yield_log, prompt)
    assert at_least <= settled <= MAX_YIELDS_AFTER_CLOSE, f"generator yielded {settled} of 40 times"


@pytest.mark.parametrize("space", CHAT_SPACES)
def test_close_after_three_deltas_cancels_the_job(make_client: Callable[..., Any],
                                                  replica: Callable[..., Replica], space: str,
                                                  version: str) -> None:
    client = make_client(space, version)
    prompt = unique("slow")
    stream = client.stream(space, user(prompt))
    deltas = [next(stream) for _ in range(3)]
    assert "".join(deltas) == replies.expected_text(" tok0 tok1 tok2", version)
    began = time.monotonic()
    stream.close()
    assert time.monotonic() - began < 5.0, "close() blocked"
    assert stream.result is None
    assert list(stream) == []  # a closed stream yields nothing more
    assert_generator_stopped(replica(space, version), prompt)


@pytest.mark.replicas("chat-state")
def test_leaving_the_with_block_cancels(make_client: Callable[..., Any],
                                        replica: Callable[..., Replica], version: str) -> None:
    space = "qwen-qwen2-5-max"
    client = make_client(space, version)
    prompt = unique("slow")
    with client.stream(space, user(prompt)) as stream:
        for count, _ in enumerate(stream, 1):
            if count == 3:
                break
    assert_generator_stopped(replica(space, version), prompt)


@pytest.mark.replicas("chat-textbox")
def test_dropping_the_stream_cancels(make_client: Callable[..., Any],
                                     replica: Callable[..., Replica], version: str) -> None:
    """A caller that just forgets the stream (no close) must not leave the job running."""
    space = "qwen-qwen2-72b-instruct"
    client = make_client(space, version)
    prompt = unique("slow")
    stream = client.stream(space, user(prompt))
    for _ in range(3):
        next(stream)
    del stream
    gc.collect()
    assert_generator_stopped(replica(space, version), prompt)


@pytest.mark.replicas("chat-state")
def test_client_still_works_after_a_cancel(make_client: Callable[..., Any],
                                           version: str) -> None:
    space = "qwen-qwen2-5-max"
    client = make_client(space, version)
    stream = client.stream(space, user(unique("slow")))
    next(stream)
    stream.close()
    prompt = unique("hello")
    assert client.chat(space, user(prompt)).text == replies.expected_text(
        replies.raw_text(replies.plan_for(prompt)), version)


@pytest.mark.replicas("chat-state")
def test_total_deadline_raises_and_cancels(make_client: Callable[..., Any],
                                           replica: Callable[..., Replica], version: str) -> None:
    """Timeout.total bounds the whole job even while tokens keep coming; the error keeps
    the text streamed so far and the job is stopped on the Space."""
    from qwen_spaces import SpaceTimeoutError, Timeout

    space = "qwen-qwen2-5-max"
    client = make_client(space, version, timeout=Timeout(connect=5, read=30, total=3.0))
    client.chat(space, user(unique("hello")))  # warm up: discovery, first-request costs
    prompt = unique("slow")
    deltas = []
    began = time.monotonic()
    with pytest.raises(SpaceTimeoutError) as caught:
        for delta in client.stream(space, user(prompt)):
            deltas.append(delta)
    elapsed = time.monotonic() - began
    assert elapsed < 8.0, f"raised after {elapsed:.1f}s"  # 3 s, plus slack for a loaded machine
    assert caught.value.partial_text == "".join(deltas)
    assert_generator_stopped(replica(space, version), prompt, at_least=len(deltas))
