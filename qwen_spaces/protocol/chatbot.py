"""Where a chat reply lives inside a Gradio output value: answer, reasoning, error.

The shapes an output can have (GRADIO_PROTOCOL.md sections 6, 14 and 15):

- a plain text output (Textbox, or a ChatInterface Response): a ``str``;
- tuples ``[[user, bot], ...]`` (Gradio 4 and 5); ``bot`` may be a str, a
  multimodal ``{"text", "files"}`` dict, or a legacy modelscope ``mgr.Chatbot``
  message dict (``{"text": ...}``) or a list of them;
- messages ``[{"role", "content": str | file | component}]`` (4.38+, 5.x), where
  a message with a ``metadata.title`` is a "thought" (reasoning);
- Gradio 6 messages, content a list of parts ``{"type": "text", "text": ...}``;
- modelscope_studio ``pro.Chatbot`` messages, content a str or a list of parts
  ``{"type": "text" | "tool" | "file", "content": ...}`` (``tool`` = reasoning),
  usually wrapped in an update dict ``{"__type__": "update", "value": [...]}``;
- a single message dict or a list of them (a ChatInterface JSON Response).

The reply is what the assistant said after the last user message.  Nothing
here knows HTTP or any particular Space.
"""

from __future__ import annotations

import re
from typing import Any, List, NamedTuple, Optional, Tuple

__all__ = ["Located", "locate", "reply_text", "error_part_text"]

Path = Tuple[Any, ...]

# modelscope_studio apps (Qwen3-Demo) show an upstream failure as a red span
_ERROR_SPAN = re.compile(
    r'\s*<span\s+style="[^"]*color:\s*var\(--color-red-500\)[^"]*">(.*)</span>\s*', re.DOTALL
)


class Located(NamedTuple):
    """The reply inside one output value.

    ``text_path`` / ``reasoning_path``: where (from the value's root) the
    string that grows while streaming sits, if there is one.  ``error``: an
    error shown inside the chat (a red span), never part of the answer.
    """

    text: str
    text_path: Optional[Path]
    reasoning: str
    reasoning_path: Optional[Path]
    error: Optional[str] = None


EMPTY = Located("", None, "", None)


def error_part_text(text: str) -> Optional[str]:
    """The message of an in-chat error part (``<span style=red>...</span>``)."""
    match = _ERROR_SPAN.fullmatch(text)
    return match.group(1) if match else None


class _Turn:
    """Accumulates the pieces of one assistant turn."""

    __slots__ = ("texts", "text_path", "reasonings", "reasoning_path", "error")

    def __init__(self) -> None:
        self.texts: List[str] = []
        self.text_path: Optional[Path] = None
        self.reasonings: List[str] = []
        self.reasoning_path: Optional[Path] = None
        self.error: Optional[str] = None

    def answer(self, text: str, path: Path) -> None:
        error = error_part_text(text) if text.startswith(("<span", " ", "\n")) else None
        if error is not None:
            self.error = error
            return
        self.texts.append(text)
        self.text_path = path

    def thought(self, text: str, path: Path) -> None:
        self.reasonings.append(text)
        self.reasoning_path = path

    def located(self, text_separator: str = "") -> Located:
        return Located(
            text_separator.join(self.texts), self.text_path,
            "\n\n".join(self.reasonings), self.reasoning_path, self.error,
        )


def _content(turn: _Turn, content: Any, path: Path, thought: bool = False) -> None:
    """Add one message's content (any format) to ``turn``."""
    add = turn.thought if thought else turn.answer
    if isinstance(content, str):
        add(content, path)
    elif isinstance(content, list):
        for i, part in enumerate(content):
            if isinstance(part, dict):
                _part(turn, part, (*path, i), thought)
            elif isinstance(part, str):  # a legacy list of strings
                add(part, (*path, i))
    elif isinstance(content, dict):
        _part(turn, content, path, thought)


def _part(turn: _Turn, part: dict, path: Path, thought: bool) -> None:  # type: ignore[type-arg]
    kind = part.get("type")
    add = turn.thought if thought else turn.answer
    if kind == "tool":  # modelscope pro.Chatbot: a collapsible panel (thinking)
        if isinstance(part.get("content"), str):
            turn.thought(part["content"], (*path, "content"))
    elif kind in (None, "text"):
        if isinstance(part.get("text"), str):  # Gradio 6 part, multimodal or mgr message
            add(part["text"], (*path, "text"))
        elif kind == "text" and isinstance(part.get("content"), str):  # pro.Chatbot part
            add(part["content"], (*path, "content"))


def _is_thought(message: dict) -> bool:  # type: ignore[type-arg]
    metadata = message.get("metadata")
    return isinstance(metadata, dict) and bool(metadata.get("title"))


def _messages(value: List[Any], prefix: Path) -> Located:
    start = len(value)
    while start > 0:
        message = value[start - 1]
        if isinstance(message, dict) and message.get("role") == "user":
            break
        start -= 1
    turn = _Turn()
    for index in range(start, len(value)):
        message = value[index]
        if not isinstance(message, dict) or message.get("role", "assistant") != "assistant":
            continue
        before = len(turn.texts)
        _content(turn, message.get("content"), (*prefix, index, "content"), _is_thought(message))
        if len(turn.texts) > before + 1:  # parts of one message join with nothing
            turn.texts[before:] = ["".join(turn.texts[before:])]
    return turn.located("\n\n")


def _tuples(value: List[Any], prefix: Path) -> Located:
    last = value[-1]
    if len(last) < 2:
        return EMPTY
    turn = _Turn()
    _content(turn, last[1], (*prefix, len(value) - 1, 1))
    return turn.located()


def locate(value: Any, prefix: Path = ()) -> Optional[Located]:
    """The reply held by an output value; None when the value is an update
    that leaves the component's value unchanged (no ``value`` key)."""
    if isinstance(value, str):
        return Located(value, prefix, "", None)
    if isinstance(value, dict):
        if "role" in value or "content" in value:  # one message (a JSON Response)
            turn = _Turn()
            _content(turn, value.get("content"), (*prefix, "content"), _is_thought(value))
            return turn.located()
        if "value" in value:  # an update dict: {"__type__": "update", "value": ...}
            return locate(value["value"], (*prefix, "value"))
        if value.get("__type__") == "update":
            return None
        if isinstance(value.get("text"), str):  # a multimodal value
            return Located(value["text"], (*prefix, "text"), "", None)
        return EMPTY
    if not isinstance(value, list) or not value:
        return EMPTY
    if isinstance(value[-1], (list, tuple)):
        return _tuples(value, prefix)
    return _messages(value, prefix)


def reply_text(value: Any) -> str:
    """The answer text held by an output value ("" if none yet)."""
    located = locate(value)
    return "" if located is None else located.text
