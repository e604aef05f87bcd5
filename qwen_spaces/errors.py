"""The one exception tree of qwen_spaces.

Every error the library raises on purpose derives from :class:`QwenSpacesError`.
Errors that happen after some reply text was already produced carry it in
``partial_text`` (exactly what a stream had yielded when it failed), so nothing
the Space sent is lost.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

__all__ = [
    "QwenSpacesError",
    "SpaceUnavailableError",
    "QueueFullError",
    "RateLimitError",
    "AuthenticationError",
    "SpaceAppError",
    "QuotaExceededError",
    "StreamInterruptedError",
    "ProtocolError",
    "SpaceTimeoutError",
    "ConversationLostError",
    "ConversationBusyError",
    "SpaceNotFoundError",
    "SpacePausedError",
    "SpaceBrokenError",
    "SpaceNotReadyError",
    "AllAttemptsFailedError",
]


class QwenSpacesError(Exception):
    """Base class of every error raised by qwen_spaces.

    ``partial_text`` is the reply text received before the error ("" if none),
    ``partial_reasoning`` the reasoning received before it ("" if none);
    ``url`` is the Space URL involved, when known (never contains a token).
    """

    def __init__(
        self,
        message: str,
        *,
        partial_text: str = "",
        url: Optional[str] = None,
        status_code: Optional[int] = None,
        partial_reasoning: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.partial_text = partial_text
        self.partial_reasoning = partial_reasoning
        self.url = url
        self.status_code = status_code

    def __str__(self) -> str:
        return self.message


def reword(error: QwenSpacesError, message: str) -> None:
    """Give ``error`` a new message (``str(error)`` and ``error.args`` alike)."""
    error.message = message
    error.args = (message,)


class SpaceUnavailableError(QwenSpacesError):
    """The Space cannot be reached or answers 5xx / is sleeping or building
    (raised after the retries are used up)."""


class SpaceNotFoundError(SpaceUnavailableError):
    """The Hub has no Space of that id (or it is private and the token cannot see it)."""


class SpacePausedError(SpaceUnavailableError):
    """The Space's owner paused it: only they can restart it (or duplicate it to run your own)."""


class SpaceBrokenError(SpaceUnavailableError):
    """The Space cannot run: its runtime stage (``stage``) is RUNTIME_ERROR,
    BUILD_ERROR, CONFIG_ERROR, NO_APP_FILE or DELETING."""

    def __init__(self, message: str, *, stage: Optional[str] = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.stage = stage


class SpaceNotReadyError(SpaceUnavailableError):
    """The Space was asleep or starting and did not reach RUNNING within the
    Client's ``wake_timeout``; ``stage`` is the last stage the Hub reported."""

    def __init__(self, message: str, *, stage: Optional[str] = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.stage = stage


class QueueFullError(SpaceUnavailableError):
    """The Space's queue is full (HTTP 503 "Queue is full"), after retries."""


class RateLimitError(QwenSpacesError):
    """HTTP 429 from the Space or its proxy, after retries.

    ``retry_after`` holds the server's Retry-After in seconds, when it sent one.
    """

    def __init__(self, message: str, *, retry_after: Optional[float] = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.retry_after = retry_after


class AuthenticationError(QwenSpacesError):
    """HTTP 401/403: the Space is private or the token is wrong. Never retried."""


class SpaceAppError(QwenSpacesError):
    """The Space's app reported an error for this job.

    ``message`` is the Space's own message (or an explanation when the Space
    hides it), ``title`` the error title the Space sent, if any.
    """

    def __init__(self, message: str, *, title: Optional[str] = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.title = title


class QuotaExceededError(SpaceAppError):
    """The Space reported that the (ZeroGPU) quota is exhausted.  Never retried.

    ``requested`` and ``left``: GPU seconds the job asked for and the quota
    had left; ``retry_after``: seconds until the quota allows it again (from
    "Try again in H:MM:SS"); each None when the message does not say.
    """

    def __init__(self, message: str, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        from .hub import parse_quota  # a leaf module; errors stays import-free at load

        self.requested, self.left, self.retry_after = parse_quota(message)


class StreamInterruptedError(QwenSpacesError):
    """The event stream ended or broke before the job completed.

    ``partial_text`` holds exactly what the stream had yielded.
    """


class ProtocolError(QwenSpacesError):
    """The Space sent data the client cannot understand (the message shows a
    short excerpt)."""


class SpaceTimeoutError(QwenSpacesError, TimeoutError):
    """The Space stopped sending (read timeout) or the job exceeded the total
    deadline (heartbeats alone do not extend it)."""


class ConversationLostError(QwenSpacesError):
    """The Space no longer holds this conversation (it restarted, or the
    session expired): its reply shows another history than the one the
    conversation holds.  ``messages`` are the conversation's messages (as
    :attr:`Conversation.messages`), to seed a new one.  The turn was not
    recorded."""

    def __init__(self, message: str, *, messages: Optional[List[Dict[str, Any]]] = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.messages: List[Dict[str, Any]] = list(messages or [])


class ConversationBusyError(QwenSpacesError):
    """A conversation was asked for a turn while its previous turn is still
    streaming (a conversation takes one turn at a time: use one per thread)."""


class AllAttemptsFailedError(QwenSpacesError):
    """Every model or Space of a fallback list failed before streaming
    anything.  ``attempts``: ``(model, error)`` in the order tried; the
    message lists each one and why."""

    def __init__(self, attempts: List[Any]) -> None:
        lines = "; ".join(f"{model}: {type(error).__name__}: {error}" for model, error in attempts)
        super().__init__(f"no Space answered ({len(attempts)} tried): {lines}")
        self.attempts = list(attempts)
