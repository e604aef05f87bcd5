"""The Gradio ``/call/{api_name}`` REST flow (Gradio 4.20+): POST the data,
then read ``generating`` / ``complete`` / ``error`` events, each carrying the
full output values (no diffs)."""

from __future__ import annotations

import logging
import time
from typing import Any, Iterable, Iterator, List, Optional, Tuple

from ..errors import ProtocolError, SpaceTimeoutError, StreamInterruptedError
from ..http import Transport
from .events import DONE, FULL, app_error
from .sse import decode_json, excerpt

__all__ = ["submit", "read_call"]

log = logging.getLogger("qwen_spaces")


def submit(transport: Transport, api_base: str, api_name: str, data: List[Any]) -> str:
    """Start a call; return its event id."""
    answer = transport.post_json(
        f"{api_base}/call/{api_name}", {"data": data}, f"calling /{api_name}"
    )
    event_id = answer.get("event_id") if isinstance(answer, dict) else None
    if not isinstance(event_id, str) or not event_id:
        raise ProtocolError(f"/call answered without an event id: {excerpt(str(answer))!r}")
    return event_id


def read_call(
    events: Iterable[Tuple[str, str]], deadline: Optional[float]
) -> Iterator[Tuple[str, Any]]:
    """Yield ``(FULL, data)`` per generating event and ``(DONE, data)`` at the end."""
    for name, data in events:
        if name == "generating":
            yield FULL, _values(data)
        elif name == "complete":
            yield DONE, _values(data)
            return
        elif name == "error":
            error = decode_json(data)
            if isinstance(error, str):  # unexpected_error, e.g. "404: Session not found."
                raise StreamInterruptedError(f"the Space stopped the job: {error}")
            raise app_error(error)
        elif name != "heartbeat":
            log.debug("ignoring unknown /call event %r", name)
        if deadline is not None and time.monotonic() > deadline:
            raise SpaceTimeoutError("the reply took longer than the total timeout")
    raise StreamInterruptedError("the event stream ended before the reply completed")


def _values(data: str) -> List[Any]:
    values = decode_json(data)
    if type(values) is not list:
        raise ProtocolError(f"/call event data is not a list: {excerpt(data)!r}")
    return values
