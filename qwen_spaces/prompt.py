"""Chat messages in, the Space's inputs out.

The Qwen Spaces take one prompt and one system text, not a history.  System
messages (and the ``system=`` argument) become the system input, joined by
newlines; the rest is flattened the way the original providers did: a single
message is sent as its content alone, several become ``Role: content`` lines
followed by a final ``Assistant:`` line.
"""

from __future__ import annotations

from typing import Any, List, Mapping, Optional, Sequence, Tuple

__all__ = ["ROLES", "split_messages", "split_turns", "format_prompt"]

ROLES = ("system", "user", "assistant")


def _check(messages: Any) -> List[Tuple[str, str]]:
    if isinstance(messages, (str, bytes)) or not isinstance(messages, Sequence):
        raise ValueError(
            'messages must be a list of {"role": ..., "content": ...} dicts, '
            f"not {type(messages).__name__}"
        )
    if not messages:
        raise ValueError("messages is empty: give at least one user message")
    checked = []
    for index, message in enumerate(messages):
        if not isinstance(message, Mapping):
            raise ValueError(f"messages[{index}] must be a dict, not {type(message).__name__}")
        missing = [key for key in ("role", "content") if key not in message]
        if missing:
            raise ValueError(f"messages[{index}] has no {' and no '.join(missing)}")
        role, content = message["role"], message["content"]
        if role not in ROLES:
            raise ValueError(f"messages[{index}] has role {role!r}; expected one of {', '.join(ROLES)}")
        if not isinstance(content, str):
            raise ValueError(
                f"messages[{index}] content must be a str, not {type(content).__name__}"
            )
        checked.append((role, content))
    return checked


def split_messages(
    messages: Any, system: Optional[str] = None
) -> Tuple[str, Optional[str]]:
    """Validate ``messages``; return ``(prompt, system_text_or_None)``."""
    checked = _check(messages)
    if system is not None and not isinstance(system, str):
        raise ValueError(f"system must be a str, not {type(system).__name__}")
    systems = ([system] if system else []) + [c for role, c in checked if role == "system"]
    turns = [(role, c) for role, c in checked if role != "system"]
    if not turns:
        raise ValueError("messages holds only system messages: add a user message")
    prompt = format_prompt(turns)
    if not prompt.strip():
        raise ValueError("the prompt is empty: the user message has no text")
    return prompt, ("\n".join(systems) if systems else None)


def format_prompt(turns: Sequence[Tuple[str, str]]) -> str:
    """One message: its content.  Several: ``Role: content`` lines and ``Assistant:``."""
    if len(turns) == 1:
        return turns[0][1]
    lines = [f"{role.capitalize()}: {content}" for role, content in turns]
    lines.append("Assistant:")
    return "\n".join(lines)


def split_turns(
    messages: Any, system: Optional[str] = None
) -> Tuple[Optional[List[Tuple[str, str]]], str, Optional[str]]:
    """For a Space that takes history natively: ``(earlier (user, assistant)
    pairs, the last user message, system text)``.  The pairs are None when the
    messages do not alternate user, assistant, ..., user (then the prompt is
    the flattened conversation, as :func:`split_messages` gives it)."""
    prompt, system_text = split_messages(messages, system)
    turns = [(role, c) for role, c in _check(messages) if role != "system"]
    roles = [role for role, _ in turns]
    if len(turns) % 2 == 0 or roles != ["user", "assistant"] * (len(turns) // 2) + ["user"]:
        return None, prompt, system_text
    pairs = [(turns[i][1], turns[i + 1][1]) for i in range(0, len(turns) - 1, 2)]
    return pairs, turns[-1][1], system_text
