"""One Client shared by 32 threads: every stream exact, no cross-talk, and no urllib3
"Connection pool is full" warning (the pool must hold every concurrent stream)."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, List, Tuple

import pytest

from qwen_spaces import Client, get_space
from tests.integration.conftest import CHAT_SPACES
from tests.integration.expect import echo_reply, model_size_of, unique, user

STREAMS = 32


def run_all(client: Client, jobs: List[Tuple[str, str]],
            barrier: threading.Barrier) -> List[Tuple[str, str, str]]:
    def one(job: Tuple[str, str]) -> Tuple[str, str, str]:
        space, prompt = job
        stream = client.stream(space, user(prompt))
        deltas = [next(stream)]
        # Hold every stream open at once before reading on: proves 32 live
        # connections from one pool, not 32 short ones one after another.
        barrier.wait(timeout=60)
        deltas.extend(stream)
        assert stream.result is not None
        return "".join(deltas), stream.result.text, prompt

    with ThreadPoolExecutor(max_workers=STREAMS) as pool:
        return list(pool.map(one, jobs, timeout=90))


def pool_full_warnings(caplog: pytest.LogCaptureFixture) -> List[str]:
    return [r.getMessage() for r in caplog.records if "Connection pool is full" in r.getMessage()]


@pytest.mark.replicas("chat-state")
def test_32_streams_to_one_space(space_url: Callable[..., str], caplog: pytest.LogCaptureFixture,
                                 version: str) -> None:
    caplog.set_level(logging.WARNING, logger="urllib3")
    space = "qwen-qwen2-5-max"
    jobs = [(space, unique(f"echo job {i}")) for i in range(STREAMS)]
    with Client(base_urls={space: space_url(space, version)}, timeout=60.0) as client:
        results = run_all(client, jobs, threading.Barrier(STREAMS))
    system = get_space(space).default_system
    for joined, final, prompt in results:
        expected = echo_reply(prompt, system, version)
        assert joined == final == expected
    assert pool_full_warnings(caplog) == []


@pytest.mark.replicas("chat-state", "chat-textbox", "qwen2_5")
def test_32_streams_across_spaces_with_system_prompts(space_url: Callable[..., str],
                                                      caplog: pytest.LogCaptureFixture,
                                                      version: str) -> None:
    """Mixed Spaces, each stream with its own system prompt: state-held prompts are set
    per session, so concurrent sessions must not see each other's."""
    caplog.set_level(logging.WARNING, logger="urllib3")
    urls = {space: space_url(space, version) for space in CHAT_SPACES}
    jobs = [(CHAT_SPACES[i % 3], unique(f"echo job {i}")) for i in range(STREAMS)]
    systems = {prompt: f"System of {prompt}." for _, prompt in jobs}

    def one(job: Tuple[str, str]) -> Tuple[str, str]:
        space, prompt = job
        stream = client.stream(space, user(prompt), system=systems[prompt])
        return "".join(stream), space

    with Client(base_urls=urls, timeout=60.0) as client:
        with ThreadPoolExecutor(max_workers=STREAMS) as pool:
            results = list(pool.map(one, jobs, timeout=90))
    for (space, prompt), (text, _) in zip(jobs, results):
        assert text == echo_reply(prompt, systems[prompt], version, model_size_of(space))
    assert pool_full_warnings(caplog) == []
