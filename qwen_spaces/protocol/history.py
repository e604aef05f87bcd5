"""Chat history as a Gradio app takes it and shows it.

:func:`history_value` writes earlier turns in a chatbot's own input format
(the formats of ``protocol.chatbot``); :func:`user_turns` counts the user
turns a chatbot value shows, so a client that keeps a conversation on the
server can tell when the server forgot it.  Nothing here knows any Space.
"""

from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple

__all__ = ["Pair", "history_value", "user_turns"]

Pair = Tuple[str, str]  # (user text, assistant text)


def _message(role: str, text: str, fmt: str) -> Any:
    if fmt == "parts":  # Gradio 6: content is a list of typed parts
        return {"role": role, "content": [{"type": "text", "text": text}]}
    if fmt == "pro":  # modelscope_studio pro.Chatbot
        return {"role": role, "content": [{"type": "text", "content": text}]}
    return {"role": role, "content": text}


def history_value(fmt: str, pairs: Sequence[Pair]) -> List[Any]:
    """``pairs`` as the value of a chatbot input in format ``fmt``
    ("tuples", "messages", "parts", "pro", "mgr"; anything else: tuples)."""
    if fmt in ("messages", "parts", "pro"):
        out: List[Any] = []
        for user, assistant in pairs:
            out.append(_message("user", user, fmt))
            out.append(_message("assistant", assistant, fmt))
        return out
    if fmt == "mgr":  # legacy modelscope: pairs of message dicts
        return [[{"text": user}, {"text": assistant}] for user, assistant in pairs]
    return [[user, assistant] for user, assistant in pairs]


def _unwrap(value: Any) -> Any:
    while isinstance(value, dict) and value.get("__type__") == "update" and "value" in value:
        value = value["value"]
    return value


def user_turns(value: Any) -> Optional[int]:
    """How many user turns a chatbot value shows (None if ``value`` is not a
    chat history: a str, a single message, an update without a value)."""
    value = _unwrap(value)
    if not isinstance(value, list) or not value:
        return None if not isinstance(value, list) else 0
    if all(isinstance(item, (list, tuple)) for item in value):  # tuples
        # a file the user sent takes a pair of its own, reply None, before its text's pair
        last = len(value) - 1
        return sum(1 for i, item in enumerate(value)
                   if len(item) == 2 and (item[1] is not None or i == last))
    if not all(isinstance(item, dict) and "role" in item for item in value):
        return None
    count, previous = 0, None
    for item in value:
        role = item.get("role")
        if role == "user" and previous != "user":  # a message and its files are one turn
            count += 1
        previous = role
    return count
