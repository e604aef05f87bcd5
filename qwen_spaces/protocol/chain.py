"""Running the steps of a turn that come before the reply, the way the
browser runs a chain: an event with ``queue: false`` is one
``POST {prefix}/run/predict``; a queued one is joined and read to its end.
Both run in the turn's session, so a ``gr.State`` they set is the one the
reply step sees.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, List, Optional, Tuple

import requests

from ..errors import ProtocolError, StreamInterruptedError
from ..http import Transport, release
from . import queue
from .events import CANCELLED, DONE
from .sse import excerpt

__all__ = ["run_step"]

OpenEvents = Callable[[requests.Response], Iterator[Tuple[str, str]]]


def run_step(
    transport: Transport,
    api_base: str,
    *,
    fn_index: int,
    data: List[Any],
    session_hash: str,
    queued: bool,
    open_events: OpenEvents,
    trigger_id: Optional[int] = None,
    deadline: Optional[float] = None,
    retrying: Callable[..., Any] = lambda fn, *a, **kw: fn(*a, **kw),
) -> List[Any]:
    """Run one event to its end in ``session_hash``; return its outputs.
    ``retrying`` wraps the request that submits the event (never the reading)."""
    if not queued:
        body = {"data": data, "fn_index": fn_index, "session_hash": session_hash,
                "event_data": None, "trigger_id": trigger_id}
        answer = retrying(transport.post_json, f"{api_base}/run/predict", body, f"running event {fn_index}")
        outputs = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(outputs, list):
            raise ProtocolError(f"event {fn_index} answered without data: {excerpt(str(answer))!r}")
        return outputs
    event_id: str = retrying(
        queue.join, transport, api_base, data=data, fn_index=fn_index, trigger_id=trigger_id,
        session_hash=session_hash,
    )
    response = transport.open_stream(
        f"{api_base}/queue/data", "reading the queue", {"session_hash": session_hash}
    )
    done = False
    try:
        for kind, payload in queue.read_job(open_events(response), event_id, deadline):
            if kind is DONE:
                done = True
                return list(payload)
            if kind is CANCELLED:
                raise StreamInterruptedError(f"event {fn_index} was cancelled on the Space")
    finally:
        if done:
            # read to Gradio's close_stream: a stream dropped before the server has sent it
            # makes Gradio end every event of the session, the reply's join included
            release(response)
        else:
            response.close()
    raise StreamInterruptedError(f"event {fn_index} ended without a result")  # pragma: no cover
