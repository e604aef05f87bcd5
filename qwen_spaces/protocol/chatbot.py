"""The reply text inside a Gradio output value, and its growth as deltas.

Gradio chat values come in three shapes: tuples ``[[user, bot], ...]`` (4.x,
5.x), messages ``[{"role", "content": str | file | component}]`` (4.38+ and
5.x) and Gradio 6's messages whose content is a list of parts
``[{"type": "text", "text": ...}]``.  A plain text output (a Textbox) is a
``str``.  The reply is the assistant text of the last turn.

:class:`ReplyText` turns full values and diffs of one output into text
deltas.  A diff that only appends to the reply's own string (the usual token
step) gives its suffix directly, without rebuilding the text; anything else
recomputes the text once and emits what was added.
"""

from __future__ import annotations

import logging
from typing import Any, List, Optional, Sequence, Tuple

from .diff import DiffError, OutputValue

__all__ = ["reply_text", "ReplyText"]

log = logging.getLogger("qwen_spaces")

Path = Tuple[Any, ...]


def _content_text(content: Any) -> Tuple[str, Optional[Path]]:
    """Text of one message's content and the path (inside the content) of
    the string that grows while streaming, if there is one."""
    if isinstance(content, str):
        return content, ()
    if isinstance(content, list):  # Gradio 6: a list of parts
        texts = []
        last: Optional[Path] = None
        for i, part in enumerate(content):
            if isinstance(part, dict) and isinstance(part.get("text"), str) and (
                part.get("type", "text") == "text"
            ):
                texts.append(part["text"])
                last = (i, "text")
        return "".join(texts), last
    if isinstance(content, dict) and isinstance(content.get("text"), str):
        return content["text"], ("text",)  # multimodal {"text", "files"}
    return "", None  # a file, a component, or None (pending)


def _locate_reply(value: Any) -> Tuple[str, Optional[Path]]:
    """The reply text of an output value, and the path of its growing string."""
    if isinstance(value, str):
        return value, ()
    if not isinstance(value, list) or not value:
        return "", None
    last = value[-1]
    if isinstance(last, (list, tuple)):  # tuples format: [user, bot]
        if len(last) < 2:
            return "", None
        text, inner = _content_text(last[1])
        return text, None if inner is None else (len(value) - 1, 1, *inner)
    return _messages_reply(value)


def _messages_reply(value: List[Any]) -> Tuple[str, Optional[Path]]:
    """Messages format: the assistant messages after the last user message,
    leaving out "thinking"/tool messages (those with a metadata title)."""
    start = len(value)
    while start > 0:
        message = value[start - 1]
        if isinstance(message, dict) and message.get("role") == "user":
            break
        start -= 1
    texts: List[str] = []
    path: Optional[Path] = None
    for index in range(start, len(value)):
        message = value[index]
        if not isinstance(message, dict) or message.get("role") != "assistant":
            continue
        metadata = message.get("metadata")
        if isinstance(metadata, dict) and metadata.get("title"):
            continue
        text, inner = _content_text(message.get("content"))
        texts.append(text)
        path = None if inner is None else (index, "content", *inner)
    return "\n\n".join(texts), path


def reply_text(value: Any) -> str:
    """The reply text held by a Gradio output value ("" if none yet)."""
    return _locate_reply(value)[0]


class ReplyText:
    """Follows one output of one event and yields the reply's new text.

    ``"".join`` of everything :meth:`full`, :meth:`edits` and :meth:`final`
    return equals the final reply, provided the Space only ever extends the
    text.  If the Space rewrites text already handed out (Gradio's clean-up
    of chat text can re-indent lines), nothing can be taken back: a warning
    is logged, ``rewritten`` is set, and the final text is still available
    from :meth:`final`'s argument.
    """

    __slots__ = ("_output", "_path", "_stale", "_blocks", "_parts", "_length", "_broken", "rewritten")

    def __init__(self) -> None:
        self._output: Optional[OutputValue] = None
        self._path: Optional[List[Any]] = None  # where appends are pure deltas
        # the text length at which the output's reply string stopped being
        # updated: token appends are kept only here, and written back into
        # the output value when another kind of edit needs it
        self._stale: Optional[int] = None
        self._blocks: List[str] = []  # text handed out: joined blocks ...
        self._parts: List[str] = []  # ... then the latest deltas
        self._length = 0
        self._broken = False  # a diff failed: wait for the final value
        self.rewritten = False

    @property
    def text(self) -> str:
        """Everything handed out so far."""
        pieces = self._blocks + self._parts
        if len(pieces) == 1:
            return pieces[0]
        text = "".join(pieces)
        self._blocks, self._parts = [text], []
        return text

    def full(self, value: Any) -> str:
        """A full value of the output (the first message of an event, or
        every message of the ``/call`` API)."""
        self._output = OutputValue(value)
        self._broken = False
        return self._from_value(value)

    def edits(self, edits: Sequence[Any]) -> str:
        """A list of diff edits for the output; ``[]`` means unchanged."""
        if not edits or self._broken:
            return ""
        output = self._output
        if output is None:
            # no full value seen for this event yet: the edits are the value
            return self.full(edits)
        if len(edits) == 1:
            edit = edits[0]
            # the token step: an append to the reply's own string is the delta
            if type(edit) is list and len(edit) == 3 and edit[0] == "append" and edit[1] == self._path:
                delta = edit[2]
                if type(delta) is str:
                    if self._stale is None:
                        self._stale = self._length
                    self._emit(delta)
                    return delta
        try:
            if self._stale is not None:
                output.apply([["append", self._path, self.text[self._stale :]]])
                self._stale = None
            output.apply(edits)
        except DiffError as exc:
            log.debug("could not apply a diff (%s); waiting for the final value", exc)
            self._broken = True
            return ""
        return self._from_value(output.value)

    def final(self, value: Any) -> str:
        """The final value (``process_completed``): the rest of the text."""
        self._output = OutputValue(value)
        return self._from_value(value)

    def _from_value(self, value: Any) -> str:
        text, path = _locate_reply(value)
        self._path = None if path is None else list(path)
        self._stale = None
        if not self._is_prefix_of(text):
            if not self.rewritten:
                log.warning(
                    "the Space rewrote reply text that was already streamed; "
                    "the final result holds the Space's text"
                )
            self.rewritten = True
            return ""
        delta = text[self._length :]
        # keep the Space's own string rather than our pieces of it
        self._blocks, self._parts, self._length = [text], [], len(text)
        return delta

    def _is_prefix_of(self, text: str) -> bool:
        """Whether everything handed out so far starts ``text`` (no copies)."""
        if len(text) < self._length:
            return False
        if len(self._parts) > 16:
            self._blocks.append("".join(self._parts))
            self._parts = []
        offset = 0
        for piece in self._blocks + self._parts:
            if not text.startswith(piece, offset):
                return False
            offset += len(piece)
        return True

    def _emit(self, delta: str) -> None:
        parts = self._parts
        parts.append(delta)
        self._length += len(delta)
        if len(parts) >= 1024:  # a few big strings, not one object per token
            self._blocks.append("".join(parts))
            self._parts = []
