"""Small helpers shared by the unit tests."""

from __future__ import annotations

import io
import time
from typing import Any, Callable, Dict, List

# What the Qwen3-Demo double reasons and answers for a first user message (thinking on).
QWEN3_REASONING = ("This is user message 1 of the conversation; thinking budget 38912 tokens. "
                   "I will greet the user and repeat their words.")


def qwen3_answer(model: str, said: str, turns: int = 1) -> str:
    plural = "" if turns == 1 else "s"
    return f"Hello from {model}! I received {turns} user message{plural}. You said: {said}"


def user(text: str) -> List[Dict[str, Any]]:
    return [{"role": "user", "content": text}]


def wait_for(check: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll ``check`` until it holds or ``timeout`` seconds pass; its last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return check()


class TTY(io.StringIO):
    """A StringIO that says it is a terminal."""

    def isatty(self) -> bool:
        return True
