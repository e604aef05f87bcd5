"""The fake model service behind LocalSpace's Qwen3-Demo: deterministic text, and what it received.

The real Space forwards every message to Alibaba Cloud's DashScope; the captures replace it with
``fake_dashscope.py``, and so does LocalSpace, with the same text: one word per chunk,

- reasoning (only while thinking is on): ``This is user message N of the conversation; thinking
  budget B tokens. I will greet the user and repeat their words.``;
- answer: ``Hello from MODEL! I received N user message(s). You said: `` and the last user message;
- a last user message containing ``__error__`` stops after three reasoning and three answer chunks
  with :data:`UPSTREAM_ERROR`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Optional

#: A last user message containing this makes the fake upstream fail.
ERROR_TRIGGER = "__error__"
#: The upstream failure the fake raises (DashScope's ``<status> <code>: <message>`` style).
UPSTREAM_ERROR = "<400> InternalError.Algo.InvalidParameter: simulated upstream failure"

_WORD = re.compile(r"\S+\s*")


@dataclass(frozen=True)
class ModelRequest:
    """One call the Space made to its (fake) model service.

    ``messages`` are the ``{"role", "content"}`` dicts the model was given (earlier answers
    without their thinking); ``thinking_budget`` is in tokens (the form's value times 1024);
    ``sys_prompt`` is what the settings form carried (the Space does not forward it).
    """

    session_hash: str
    model: Any
    messages: tuple[dict[str, str], ...]
    enable_thinking: bool
    thinking_budget: Any
    sys_prompt: Any


class Chunk(NamedTuple):
    """One chunk of the upstream stream: new reasoning text, new answer text."""

    reasoning: str
    answer: str


class Reply(NamedTuple):
    """The whole upstream stream for one request; ``error`` is raised after the chunks."""

    chunks: tuple[Chunk, ...]
    error: Optional[str]


def reply_to(request: ModelRequest, answer_chunks: Sequence[str] | None = None) -> Reply:
    """What the fake model service streams for ``request`` (``answer_chunks``: another answer)."""
    users = [m["content"] for m in request.messages if m.get("role") == "user"]
    last = users[-1] if users else ""
    n = len(users)
    reasoning = _WORD.findall(
        f"This is user message {n} of the conversation; thinking budget {request.thinking_budget} "
        "tokens. I will greet the user and repeat their words.")
    answer = _WORD.findall(
        f"Hello from {request.model}! I received {n} user message{'' if n == 1 else 's'}. "
        f"You said: {last}")
    if answer_chunks is not None:
        answer = list(answer_chunks)
    if not request.enable_thinking:
        reasoning = []
    error = None
    if ERROR_TRIGGER in str(last):
        reasoning, answer, error = reasoning[:3], answer[:3], UPSTREAM_ERROR
    chunks = [Chunk("", "")] + [Chunk(r, "") for r in reasoning] + [Chunk("", a) for a in answer]
    if error is None:
        chunks.append(Chunk("", ""))
    return Reply(tuple(chunks), error)
