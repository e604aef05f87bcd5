"""The Gradio queue: join an event, read its messages from ``/queue/data``,
cancel it.

Supports the ``sse_v1`` .. ``sse_v3`` protocols (Gradio 4.9 to 6.x).  One
reader per session: the server consumes a session's messages destructively.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple

from ..errors import ProtocolError, SpaceTimeoutError, StreamInterruptedError
from ..http import Transport
from .events import CANCELLED, DIFF, DONE, FULL, STATUS, app_error
from .sse import decode_json, excerpt

__all__ = ["join", "read_job", "cancel"]

log = logging.getLogger("qwen_spaces")

_STATUS_KINDS = frozenset(("estimation", "process_starts", "progress", "log"))


def join(
    transport: Transport,
    api_base: str,
    *,
    data: List[Any],
    fn_index: int,
    trigger_id: Optional[int],
    session_hash: str,
) -> str:
    """Put one event in the Space's queue; return its event id."""
    body = {
        "data": data,
        "event_data": None,
        "fn_index": fn_index,
        "trigger_id": trigger_id,
        "session_hash": session_hash,
    }
    answer = transport.post_json(f"{api_base}/queue/join", body, "joining the queue")
    event_id = answer.get("event_id") if isinstance(answer, dict) else None
    if not isinstance(event_id, str) or not event_id:
        raise ProtocolError(f"queue join answered without an event id: {excerpt(str(answer))!r}")
    return event_id


def read_job(
    events: Iterable[Tuple[str, str]], event_id: str, deadline: Optional[float]
) -> Iterator[Tuple[str, Any]]:
    """Yield ``(kind, payload)`` for one event from a session's messages.

    ``deadline`` is a ``time.monotonic()`` value after which the job has
    taken too long (checked on every message, heartbeats included).  Errors
    reported by the app are raised as :class:`SpaceAppError`; an end of the
    stream before ``process_completed`` as :class:`StreamInterruptedError`.
    """
    first = True
    for _, data in events:
        message = decode_json(data)
        if type(message) is not dict:
            raise ProtocolError(f"unexpected queue message: {excerpt(data)!r}")
        kind = message.get("msg")
        if kind == "process_generating" or kind == "process_streaming":
            if message.get("event_id") == event_id:
                output = message.get("output")
                values = output.get("data") if type(output) is dict else None
                if type(values) is not list:
                    raise ProtocolError(f"generating message without output data: {excerpt(data)!r}")
                yield (FULL if first else DIFF), values
                first = False
        elif kind == "process_completed":
            if message.get("event_id") == event_id:
                yield _completed(message, data)
                return
        elif kind in _STATUS_KINDS:
            if message.get("event_id") in (event_id, None):
                yield STATUS, message
        elif kind == "heartbeat":
            pass
        elif kind == "close_stream":
            raise StreamInterruptedError("the Space closed the stream before the reply completed")
        elif kind == "unexpected_error" or kind == "server_stopped":
            detail = message.get("message") or kind
            raise StreamInterruptedError(f"the Space stopped the job: {detail}")
        else:
            log.debug("ignoring unknown queue message kind %r", kind)
        if deadline is not None and time.monotonic() > deadline:
            raise SpaceTimeoutError("the reply took longer than the total timeout")
    raise StreamInterruptedError("the event stream ended before the reply completed")


def _output_data(message: Dict[str, Any], raw: str) -> List[Any]:
    output = message.get("output")
    data = output.get("data") if type(output) is dict else None
    if type(data) is not list:
        raise ProtocolError(f"generating message without output data: {excerpt(raw)!r}")
    return data


def _completed(message: Dict[str, Any], raw: str) -> Tuple[str, Any]:
    output = message.get("output")
    if type(output) is not dict:
        raise ProtocolError(f"completed message without output: {excerpt(raw)!r}")
    if message.get("success") is False or "error" in output:
        raise app_error(output.get("error"), output.get("title") or message.get("title"))
    if "data" not in output:
        return CANCELLED, None  # a cancelled job completes with output {}
    return DONE, _output_data(message, raw)


def cancel(
    transport: Transport, api_base: str, *, session_hash: str, fn_index: int, event_id: str
) -> None:
    """Ask the Space to stop a job; best effort, never raises.

    ``/cancel`` exists since Gradio 4.31; older servers stop a job on
    ``/reset``.  Dropping the data stream also stops it on every version.
    """
    body = {"session_hash": session_hash, "fn_index": fn_index, "event_id": event_id}
    try:
        transport.post_json(f"{api_base}/cancel", body, "cancelling the job", timeout=5.0)
        return
    except Exception as exc:  # noqa: BLE001 - cancelling is best effort
        log.debug("cancel failed (%s); trying /reset", exc)
    try:
        transport.post_json(f"{api_base}/reset", {"event_id": event_id}, "resetting the job", timeout=5.0)
    except Exception as exc:  # noqa: BLE001
        log.debug("reset failed too: %s", exc)
