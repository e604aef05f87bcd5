"""Events: what one event will produce (plans), its state (jobs) and its worker."""

from __future__ import annotations

import logging
import math
import queue
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Union

from .layouts import Dependency
from .records import EventRecord
from .wire import Wire, diff

log = logging.getLogger("qwen_spaces.testing")

# Runtime aliases: written for Python 3.9 (no ``X | None`` outside annotations).
ReplyFn = Callable[[str, Union[str, None], Mapping[str, Any]], str]  # noqa: UP007
#: Where a reply text is split into tokens (at word starts).
TOKEN = re.compile(r"\s*\S+|\s+")


def echo_reply(prompt: str, system: str | None, params: Mapping[str, Any]) -> str:
    """The default reply: ``"Echo: " + prompt``."""
    return f"Echo: {prompt}"


@dataclass(frozen=True)
class Settings:
    reply: str | ReplyFn
    tokens: tuple[str, ...] | None
    token_delay: float
    fail: bool
    fail_message: str | None
    fail_after: int
    queue_wait: float
    heartbeat: float
    cut_after: int | None
    cleandoc: bool
    system_state: bool


@dataclass
class Plan:
    """What one event will produce: output values per yield, then the end."""

    yields: list[list[Any]]
    final: list[Any]
    fail: bool = False
    fail_message: str | None = None
    fail_after: int = 0
    #: None: the event's function has never run (Gradio knows no duration yet: ``null`` etas).
    eta: float | None = 0.05
    #: ``changed_state_ids`` per yield (default: none), and of the final message.
    changed: Sequence[Sequence[int]] = ()
    final_changed: Sequence[int] = ()
    #: Called with i after yield i was sent (e.g. to keep a session's state as the app would).
    on_step: Callable[[int], None] | None = None

    @classmethod
    def crash(cls) -> Plan:
        """The app raised before yielding (shown as ``{"error": null}``)."""
        return cls([], [], True)


class Session:
    def __init__(self, session_hash: str) -> None:
        self.session_hash = session_hash
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.pending: set[str] = set()


class Job:
    """One event: a worker thread feeds its messages to ``sink``."""

    def __init__(self, session: Session, dep: Dependency, data: list[Any], via: str) -> None:
        self.event_id = uuid.uuid4().hex
        self.session, self.dep, self.data, self.via = session, dep, data, via
        self.sink = session.messages if via == "queue" else queue.Queue()
        self.halt = threading.Event()
        self.reason: str | None = None
        self.outcome, self.yields = "pending", 0
        self.prev: list[Any] | None = None
        self.last = time.monotonic()
        self.thread: threading.Thread | None = None

    def stop(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason
        self.halt.set()

    def emit(self, msg: dict[str, Any]) -> None:
        self.sink.put(msg)

    def record(self) -> EventRecord:
        return EventRecord(self.event_id, self.session.session_hash, self.dep.id, self.via,
                           self.data, self.outcome, self.yields)


class Runner:
    """Runs one event: estimation(s), process_starts, the yields, the end."""

    def __init__(self, settings: Settings, wire: Wire) -> None:
        self.settings, self.wire = settings, wire

    def run(self, job: Job, plan: Plan) -> None:
        job.outcome = "running"
        try:
            job.outcome = self._run(job, plan)
        except Exception:  # a bug here must not kill the server
            log.exception("LocalSpace event %s crashed", job.event_id)
            job.outcome = "crashed"

    def _run(self, job: Job, plan: Plan) -> str:
        if not self._queue_wait(job, plan.eta):
            return self._halted(job)
        job.emit(self.wire.starts(job.event_id, plan.eta))
        job.last = time.monotonic()
        for i, outputs in enumerate(plan.yields):
            if plan.fail and i == plan.fail_after:
                return self._fail(job, plan)
            if job.halt.wait(self.settings.token_delay) or job.halt.is_set():
                return self._halted(job)
            self._yield(job, outputs, plan.changed[i] if i < len(plan.changed) else ())
            if plan.on_step is not None:
                plan.on_step(i)
        if plan.fail:
            return self._fail(job, plan)
        avg = 0.05 if plan.eta is None else plan.eta
        job.emit(self.wire.done(job.event_id, plan.final, self._lap(job), avg, plan.final_changed))
        return "completed"

    @staticmethod
    def _lap(job: Job) -> float:
        """Seconds since the previous step (Gradio's ``duration``)."""
        now = time.monotonic()
        lap, job.last = now - job.last, now
        return lap

    def _queue_wait(self, job: Job, eta: float | None) -> bool:
        deadline = time.monotonic() + self.settings.queue_wait
        while True:
            left = max(0.0, deadline - time.monotonic())
            rank_eta = None if eta is None else left + eta
            job.emit(self.wire.estimation(job.event_id, math.ceil(left), rank_eta))
            if left <= 0:
                return not job.halt.is_set()
            if job.halt.wait(min(1.0, left)):
                return False

    def _yield(self, job: Job, outputs: list[Any], changed: Sequence[int]) -> None:
        data: list[Any] = outputs
        if job.via == "queue" and job.prev is not None:
            shift = self.wire.major >= 6
            data = [diff(a, b, shift) for a, b in zip(job.prev, outputs)]
        job.prev = outputs
        job.emit(self.wire.generating(job.event_id, data, self._lap(job), 0.05, changed))
        job.yields += 1

    def _fail(self, job: Job, plan: Plan) -> str:
        job.emit(self.wire.failed(job.event_id, plan.fail_message, job.yields == 0))
        return "error"

    def _halted(self, job: Job) -> str:
        if job.reason == "cancel":
            job.emit(self.wire.cancelled(job.event_id))
            return "cancelled"
        return "dropped" if job.reason == "drop" else "stopped"

