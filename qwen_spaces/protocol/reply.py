"""A reply's growth, as deltas: :class:`ReplyText` follows one output of one
event (full values, diffs, the final value) and hands out what was added to
the answer and to the reasoning.

A diff that only appends to the answer's or the reasoning's own string (the
token step) gives its suffix directly, without touching the output value or
rebuilding text; any other edit first writes those appends back, applies the
edits, locates the reply again (``protocol.chatbot``) and hands out what was
added to each.
"""

from __future__ import annotations

import logging
from typing import Any, List, Optional, Sequence, Tuple

from .chatbot import Located, locate
from .diff import DiffError, OutputValue

__all__ = ["ReplyText", "NO_DELTA"]

log = logging.getLogger("qwen_spaces")

NO_DELTA: Tuple[str, str] = ("", "")


class _Channel:
    """The text handed out for one kind (answer or reasoning), kept as a few
    joined blocks plus the latest deltas (no copy per token)."""

    __slots__ = ("path", "stale", "blocks", "parts", "length", "rewritten")

    def __init__(self) -> None:
        self.path: Optional[List[Any]] = None  # where appends are pure deltas
        # the text length at which the output value stopped being updated:
        # token appends are written back into it only when another edit needs it
        self.stale: Optional[int] = None
        self.blocks: List[str] = []
        self.parts: List[str] = []
        self.length = 0
        self.rewritten = False

    @property
    def text(self) -> str:
        pieces = self.blocks + self.parts
        if len(pieces) == 1:
            return pieces[0]
        text = "".join(pieces)
        self.blocks, self.parts = [text], []
        return text

    def emit(self, delta: str) -> None:
        if self.stale is None:
            self.stale = self.length
        parts = self.parts
        parts.append(delta)
        self.length += len(delta)
        if len(parts) >= 1024:  # a few big strings, not one object per token
            self.blocks.append("".join(parts))
            self.parts = []

    def write_back(self, output: OutputValue) -> None:
        if self.stale is not None:
            output.apply([["append", self.path, self.text[self.stale :]]])
            self.stale = None

    def update(self, text: str, path: Any, kind: str) -> str:
        """The Space's current text: hand out what it adds to ours."""
        self.path = None if path is None else list(path)
        self.stale = None
        if not self._is_prefix_of(text):
            if not self.rewritten:
                log.warning(
                    "the Space rewrote %s text that was already streamed; "
                    "the final result holds the Space's text", kind,
                )
            self.rewritten = True
            return ""
        delta = text[self.length :]
        self.blocks, self.parts, self.length = [text], [], len(text)
        return delta

    def _is_prefix_of(self, text: str) -> bool:
        if len(text) < self.length:
            return False
        if len(self.parts) > 16:
            self.blocks.append("".join(self.parts))
            self.parts = []
        offset = 0
        for piece in self.blocks + self.parts:
            if not text.startswith(piece, offset):
                return False
            offset += len(piece)
        return True


class ReplyText:
    """Follows one output of one event; every method returns
    ``(reasoning_delta, answer_delta)``.

    ``"".join`` of each kind's deltas equals the final answer / reasoning,
    provided the Space only ever extends them.  If it rewrites text already
    handed out (Gradio's clean-up of chat text can re-indent lines), nothing
    can be taken back: a warning is logged, ``rewritten`` is set, and
    :attr:`final_located` holds the Space's own final value.
    """

    __slots__ = ("_output", "_answer", "_reasoning", "_broken", "error", "final_located")

    def __init__(self) -> None:
        self._output: Optional[OutputValue] = None
        self._answer = _Channel()
        self._reasoning = _Channel()
        self._broken = False  # a diff failed: wait for the final value
        self.error: Optional[str] = None  # an in-chat error part (a red span)
        self.final_located: Optional[Located] = None

    @property
    def text(self) -> str:
        """The answer handed out so far."""
        return self._answer.text

    @property
    def reasoning(self) -> str:
        """The reasoning handed out so far."""
        return self._reasoning.text

    @property
    def rewritten(self) -> bool:
        return self._answer.rewritten or self._reasoning.rewritten

    def full(self, value: Any) -> Tuple[str, str]:
        """A full value of the output (the first message of an event, or
        every message of the ``/call`` API)."""
        self._output = OutputValue(value)
        self._broken = False
        return self._from_value(value)

    def edits(self, edits: Sequence[Any]) -> Tuple[str, str]:
        """A list of diff edits for the output; ``[]`` means unchanged."""
        if not edits or self._broken:
            return NO_DELTA
        output = self._output
        if output is None:  # no full value seen for this event yet: the edits are the value
            return self.full(edits)
        if len(edits) == 1:
            edit = edits[0]
            if type(edit) is list and len(edit) == 3 and edit[0] == "append" and type(edit[2]) is str:
                path = edit[1]
                if path == self._answer.path:  # the token step
                    self._answer.emit(edit[2])
                    return "", edit[2]
                if path == self._reasoning.path:
                    self._reasoning.emit(edit[2])
                    return edit[2], ""
        try:
            self._answer.write_back(output)
            self._reasoning.write_back(output)
            output.apply(edits)
        except DiffError as exc:
            log.debug("could not apply a diff (%s); waiting for the final value", exc)
            self._broken = True
            return NO_DELTA
        return self._from_value(output.value)

    def final(self, value: Any) -> Tuple[str, str]:
        """The final value (``process_completed``): the rest of the text."""
        self._output = OutputValue(value)
        deltas = self._from_value(value)
        self.final_located = locate(value)
        return deltas

    def _from_value(self, value: Any) -> Tuple[str, str]:
        located = locate(value)
        if located is None:  # an update that leaves the value as it was
            return NO_DELTA
        if located.error is not None:
            self.error = located.error
        return (
            self._reasoning.update(located.reasoning, located.reasoning_path, "reasoning"),
            self._answer.update(located.text, located.text_path, "reply"),
        )
