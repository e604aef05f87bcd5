"""Helpers for the client tests: what a replica must have sent, and how to read a Stream
while timing every delta.  Expected texts come from the replica's plan (what the app
yields) and Gradio's own whitespace rules, never from the client under test."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional

from tests.servers.apps import replies


@dataclass
class Collected:
    deltas: List[str]
    arrivals: List[float]  # time.monotonic() of each delta
    started: float

    @property
    def text(self) -> str:
        return "".join(self.deltas)


def collect(stream: Iterable[str], started: Optional[float] = None) -> Collected:
    """Exhaust ``stream``, noting when each delta arrived."""
    began = time.monotonic() if started is None else started
    deltas, arrivals = [], []
    for delta in stream:
        assert isinstance(delta, str) and delta, f"empty or non-str delta {delta!r}"
        deltas.append(delta)
        arrivals.append(time.monotonic())
    return Collected(deltas, arrivals, began)


def user(text: str) -> List[Dict[str, str]]:
    return [{"role": "user", "content": text}]


def unique(prompt: str) -> str:
    """A prompt no other test sends (yield logs are per server, shared by tests)."""
    return f"{prompt} #{uuid.uuid4().hex[:8]}"


def chat_text(prompt: str, version: str) -> str:
    """The full reply of a chat replica to ``prompt``, as a client must see it."""
    return replies.expected_text(replies.raw_text(replies.plan_for(prompt)), version)


def echo_reply(prompt: str, system: Optional[str], version: str,
               model_size: Optional[str] = None) -> str:
    return replies.expected_text(replies.echo_text(prompt, system, model_size), version)


def partial_chat_text(prompt: str, version: str) -> str:
    """What a failing chat replica yielded before its error."""
    return replies.expected_text(replies.partial_text(replies.plan_for(prompt)), version)


def model_size_of(space: str, given: Any = None) -> Optional[str]:
    """The size the qwen2.5 replica echoes (None for Spaces without the radio)."""
    if space != "qwen-qwen2-5":
        return None
    return given or "72B"
