"""Retrying a request to a Space that is busy or briefly down (the queue
join, an upload, a busy Space's /config): :class:`RetryPolicy`.

Retries are run by tenacity, loaded only when a first attempt fails in a
way worth retrying: a call that succeeds first time (nearly every call)
does not import it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar

import requests

from .errors import (
    QueueFullError,
    RateLimitError,
    SpaceBrokenError,
    SpaceNotFoundError,
    SpacePausedError,
    SpaceUnavailableError,
)

if TYPE_CHECKING:
    from tenacity import RetryCallState, Retrying

__all__ = ["RetryPolicy"]

log = logging.getLogger("qwen_spaces")

T = TypeVar("T")
OnRetry = Callable[[BaseException, float], None]


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, RateLimitError):
        return True
    if isinstance(exc.__cause__, requests.exceptions.SSLError):
        return False  # a certificate does not fix itself on retry
    if isinstance(exc, (SpacePausedError, SpaceBrokenError, SpaceNotFoundError)):
        return False  # the Hub said so: waiting is decided elsewhere (the lifecycle module)
    return isinstance(exc, SpaceUnavailableError) and exc.status_code != 404


def _busy(exc: BaseException) -> bool:
    return isinstance(exc, (QueueFullError, RateLimitError))


class RetryPolicy:
    """Calls ``fn(*args)``; retries connection errors, 5xx (a full queue
    included) and 429, with exponential backoff and jitter, honouring a
    429's Retry-After, each wait capped at ``max_wait``; ``max_retries``
    retries at most.  ``busy_only``: retry only a full queue, a busy page
    and 429 (a Space that answers but is busy), not a Space that may be
    down.  ``on_retry(error, delay)`` is told before each wait.  Never used
    after a job exists: a job is never submitted twice."""

    def __init__(self, max_retries: int, *, initial_wait: float = 0.5, max_wait: float = 30.0,
                 on_retry: Optional[OnRetry] = None, busy_only: bool = False) -> None:
        self.max_retries = max_retries
        self.initial_wait = initial_wait
        self.max_wait = max_wait
        self.on_retry = on_retry
        self.worth_retrying = _busy if busy_only else _retryable

    def __call__(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - sorted below
            if self.max_retries < 1 or not self.worth_retrying(exc):
                raise
            failed: Optional[BaseException] = exc

        def again(*args: Any, **kwargs: Any) -> T:
            """tenacity's first attempt is the one that just failed."""
            nonlocal failed
            if failed is not None:
                error, failed = failed, None
                raise error
            return fn(*args, **kwargs)

        result: T = self._tenacity()(again, *args, **kwargs)
        return result

    def _tenacity(self) -> "Retrying":
        from tenacity import Retrying, retry_if_exception, stop_after_attempt

        on_retry = self.on_retry

        def before_sleep(state: "RetryCallState") -> None:
            exc = state.outcome.exception() if state.outcome else None
            delay = state.next_action.sleep if state.next_action else 0.0
            log.info("retrying in %.1f s after: %s", delay, exc)
            if on_retry is not None and exc is not None:
                on_retry(exc, delay)

        return Retrying(
            stop=stop_after_attempt(self.max_retries + 1),
            wait=_wait(self.initial_wait, self.max_wait),
            retry=retry_if_exception(self.worth_retrying),
            reraise=True,
            before_sleep=before_sleep,
        )


def _wait(initial: float, cap: float) -> Callable[["RetryCallState"], float]:
    """Honour a 429's Retry-After (capped); otherwise exponential + jitter."""
    from tenacity.wait import wait_exponential, wait_random

    backoff = wait_exponential(multiplier=initial, max=cap) + wait_random(0, initial)

    def wait(retry_state: "RetryCallState") -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(exc, RateLimitError) and exc.retry_after is not None:
            return min(exc.retry_after, cap)
        return min(float(backoff(retry_state)), cap)  # the cap bounds the whole wait, jitter included

    return wait

