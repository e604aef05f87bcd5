"""What a Gradio job's messages mean: the kinds a reader hands on, and how
an error reported by the app becomes an exception."""

from __future__ import annotations

import re
from typing import Any, Optional

from ..errors import QuotaExceededError, SpaceAppError

__all__ = ["FULL", "DIFF", "DONE", "CANCELLED", "STATUS", "app_error"]

# The kinds of items job readers yield, as (kind, payload):
FULL = "full"  # payload: list of full output values
DIFF = "diff"  # payload: list of per-output edit lists ([] = unchanged)
DONE = "done"  # payload: list of final output values
CANCELLED = "cancelled"  # payload: None (the job was cancelled)
STATUS = "status"  # payload: the raw message dict (queue position, log, progress)

HIDDEN_ERROR = (
    "the Space reported an error but hides its message "
    "(its app runs with show_error=False)"
)


# the escapes repr() writes in a str (and only those)
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.DOTALL)
_NAMED = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "r": "\r", "t": "\t"}


def _unquote(message: str) -> str:
    """Gradio 4 sends gr.Error's text repr-quoted ("'X'"); undo one level.

    Decoded by hand, not with ``ast.literal_eval``: compiling text from the
    Space would print DeprecationWarning/SyntaxWarning for stray backslashes.
    Anything that is not exactly one repr'd string is returned as it is.
    """
    if len(message) < 2 or message[0] != message[-1] or message[0] not in "'\"":
        return message
    body = message[1:-1]
    rest = _ESCAPE.sub("", body)
    if message[0] in rest or "\\" in rest:
        return message

    def decode(match: "re.Match[str]") -> str:
        code = match.group(1)
        if len(code) > 1:
            point = int(code[1:], 16)
            if point > 0x10FFFF:
                raise ValueError(code)
            return chr(point)
        if code not in _NAMED:
            raise ValueError(code)
        return _NAMED[code]

    try:
        return _ESCAPE.sub(decode, body)
    except ValueError:
        return message


def is_quota_message(message: str) -> bool:
    lower = message.lower()
    return "quota" in lower and ("gpu" in lower or "exceeded" in lower)


def app_error(error: Any, title: Optional[str] = None) -> SpaceAppError:
    """The exception for an app-reported error payload.

    ``error`` is the ``error`` field Gradio sent (a str, or None when the app
    hides messages), or a whole error dict.
    """
    if isinstance(error, dict):
        title = error.get("title") or title
        error = error.get("error")
    message = _unquote(error) if isinstance(error, str) and error else HIDDEN_ERROR
    cls = QuotaExceededError if is_quota_message(message) else SpaceAppError
    return cls(message, title=title if isinstance(title, str) else None)
