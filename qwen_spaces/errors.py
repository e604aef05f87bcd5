"""The one exception tree of qwen_spaces.

Every error the library raises on purpose derives from :class:`QwenSpacesError`.
Errors that happen after some reply text was already produced carry it in
``partial_text`` (exactly what a stream had yielded when it failed), so nothing
the Space sent is lost.
"""

from __future__ import annotations

from typing import Optional

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


class SpaceUnavailableError(QwenSpacesError):
    """The Space cannot be reached or answers 5xx / is sleeping or building
    (raised after the retries are used up)."""


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
    """The Space reported that the (ZeroGPU) quota is exhausted."""


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
