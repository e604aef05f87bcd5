"""``<think>...</think>`` at the start of an answer: reasoning, not answer.

Qwen3 and QwQ models served by plain chat apps stream their thinking inline:
``<think>\\nreasoning\\n</think>\\n\\nanswer``.  :func:`split_think` splits a
whole text; :class:`ThinkSplitter` does the same to a stream of deltas, holding
back only what it cannot decide yet (a tag cut in two, whitespace at an edge),
so that ``"".join`` of each kind's pieces equals what :func:`split_think` gives
for the joined text, however the text was cut.

The rule: after optional leading whitespace, a text that starts with
``<think>`` has its reasoning up to ``</think>`` (or to the end, if it never
closes), stripped of surrounding whitespace; the answer is what follows,
without leading whitespace.  Any other text is all answer, unchanged.
"""

from __future__ import annotations

from typing import List, Tuple

__all__ = ["split_think", "ThinkSplitter", "REASONING", "TEXT"]

OPEN, CLOSE = "<think>", "</think>"
REASONING, TEXT = "reasoning", "text"

_START, _THINK, _AFTER, _PASS = 0, 1, 2, 3


def split_think(text: str) -> Tuple[str, str]:
    """``(reasoning, answer)`` of a whole text."""
    body = text.lstrip()
    if not body.startswith(OPEN):
        return "", text
    end = body.find(CLOSE, len(OPEN))
    if end < 0:
        return body[len(OPEN):].strip(), ""
    return body[len(OPEN):end].strip(), body[end + len(CLOSE):].lstrip()


def _tag_prefix_at_end(text: str) -> int:
    """Length of the longest end of ``text`` that could begin ``</think>``."""
    for size in range(min(len(CLOSE) - 1, len(text)), 0, -1):
        if CLOSE.startswith(text[-size:]):
            return size
    return 0


class ThinkSplitter:
    """Feeds answer deltas, returns ``(kind, piece)`` pairs."""

    __slots__ = ("state", "held", "thought")

    def __init__(self) -> None:
        self.state = _START
        self.held = ""  # text not handed out yet
        self.thought = False  # some reasoning was handed out

    @property
    def passing(self) -> bool:
        """Everything from now on is answer, unchanged."""
        return self.state == _PASS

    def feed(self, delta: str) -> List[Tuple[str, str]]:
        out: List[Tuple[str, str]] = []
        text = self.held + delta
        self.held = ""
        if self.state == _START:
            body = text.lstrip()
            if not body or (len(body) < len(OPEN) and OPEN.startswith(body)):
                self.held = text
                return out
            if not body.startswith(OPEN):
                self.state = _PASS
                return [(TEXT, text)]
            self.state = _THINK
            text = body[len(OPEN):]
        if self.state == _THINK:
            text = self._think(text, out)
            if self.state != _AFTER:
                return out
        if self.state == _AFTER:
            text = text.lstrip()
            if not text:
                return out
            self.state = _PASS
        if text:
            out.append((TEXT, text))
        return out

    def _think(self, text: str, out: List[Tuple[str, str]]) -> str:
        """Hand out reasoning; return what follows ``</think>`` ("" if not yet)."""
        if not self.thought:
            text = text.lstrip()
        end = text.find(CLOSE)
        if end >= 0:
            piece = text[:end].rstrip()
            if piece:
                out.append((REASONING, piece))
            self.state = _AFTER
            return text[end + len(CLOSE):]
        cut = len(text) - _tag_prefix_at_end(text)
        while cut > 0 and text[cut - 1].isspace():
            cut -= 1
        if cut:
            out.append((REASONING, text[:cut]))
            self.thought = True
        self.held = text[cut:]
        return ""

    def finish(self) -> List[Tuple[str, str]]:
        """What was held back, at the end of the text."""
        held, self.held = self.held, ""
        if self.state == _START and held:
            return [(TEXT, held)]
        if self.state == _THINK:
            piece = held.strip() if not self.thought else held.rstrip()
            if piece:
                return [(REASONING, piece)]
        return []
