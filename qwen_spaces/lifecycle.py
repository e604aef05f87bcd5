"""What to do when a Space known by its Hub id fails before its job starts:
ask the Hub for its runtime stage, wake it or wait for it when that helps,
and say exactly what is going on when it does not.

Never on the happy path: only after a request to the Space failed (cannot
connect, 5xx, 404, an HTML page where JSON was due).
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable, Optional

from .errors import (
    ProtocolError,
    QueueFullError,
    QwenSpacesError,
    RateLimitError,
    SpaceBrokenError,
    SpaceNotReadyError,
    SpacePausedError,
    SpaceUnavailableError,
)
from .hub import BROKEN_STAGES, PAUSED, RUNNING, START_STAGES, WAKE_STAGES, Runtime, read_runtime
from .stream import Status, StatusCallback

__all__ = ["Lifecycle", "worth_asking"]

log = logging.getLogger("qwen_spaces")

POLL_SECONDS = 2.0


def worth_asking(error: BaseException) -> bool:
    """Whether ``error`` (before the job started) may mean the Space is not running."""
    if isinstance(error, (QueueFullError, RateLimitError)):
        return False  # it runs, it is busy
    if isinstance(error, SpaceUnavailableError):
        return True
    return isinstance(error, ProtocolError) and "expected JSON" in error.message


class Lifecycle:
    """Asks the Hub (through ``get_json``, the Client's transport) and wakes
    Spaces (``wake(root)``); waits at most ``wake_timeout`` seconds."""

    def __init__(self, get_json: Callable[[str, str], Any], wake: Callable[[str], None],
                 wake_timeout: float, poll: float = POLL_SECONDS,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._get_json = get_json
        self._wake = wake
        self.wake_timeout = wake_timeout
        self._poll = poll
        self._sleep = sleep

    def ensure_running(self, space_id: str, root: str, failure: QwenSpacesError,
                       on_status: Optional[StatusCallback]) -> None:
        """Return when the Space is RUNNING again after waking or starting (the
        caller then tries once more); raise the typed error that says why not."""
        runtime = read_runtime(self._get_json, space_id)
        log.info("%s failed (%s); the Hub says it is %s", space_id, failure, runtime.stage)
        if runtime.stage == RUNNING:
            raise failure  # it runs: the failure is the Space's own
        self._fatal(space_id, runtime, failure)
        if runtime.stage in WAKE_STAGES:
            self._report(on_status, "waking", space_id, runtime)
            try:
                self._wake(root)
            except QwenSpacesError as exc:  # a sleeping Space may refuse the wake-up request itself
                log.debug("waking %s: %s", space_id, exc)
        elif runtime.stage not in START_STAGES:
            raise failure  # a stage we do not know: say what failed
        self._wait(space_id, runtime, failure, on_status)

    def _wait(self, space_id: str, runtime: Runtime, failure: QwenSpacesError,
              on_status: Optional[StatusCallback]) -> None:
        kind = "waking" if runtime.stage in WAKE_STAGES else "starting"
        started = time.monotonic()
        deadline = started + self.wake_timeout
        while True:
            self._report(on_status, kind, space_id, runtime)
            left = deadline - time.monotonic()
            if left <= 0:
                raise SpaceNotReadyError(
                    f"Space {space_id} is still {runtime.stage} after {self.wake_timeout:g} s "
                    "(wake_timeout); try again later", stage=runtime.stage, url=failure.url,
                )
            self._sleep(min(self._poll, left))
            runtime = read_runtime(self._get_json, space_id)
            if runtime.stage == RUNNING:
                log.info("%s is running after %.1f s", space_id, time.monotonic() - started)
                return
            self._fatal(space_id, runtime, failure)

    @staticmethod
    def _fatal(space_id: str, runtime: Runtime, failure: QwenSpacesError) -> None:
        if runtime.stage == PAUSED:
            raise SpacePausedError(
                f"Space {space_id} is paused by its owner; only they can restart it (or duplicate "
                "it on the Hub and pass your copy's id)", url=failure.url,
            )
        if runtime.stage in BROKEN_STAGES:
            raise SpaceBrokenError(
                f"Space {space_id} cannot run: its stage is {runtime.stage}", stage=runtime.stage,
                url=failure.url,
            )

    @staticmethod
    def _report(on_status: Optional[StatusCallback], kind: str, space_id: str, runtime: Runtime) -> None:
        if on_status is not None:
            on_status(Status(kind, message=f"{space_id} is {runtime.stage}"))
