"""The bytes LocalSpace sends: messages per Gradio major version, SSE framing, diffs."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

#: The Gradio version imitated per major version.
VERSIONS = {"4": "4.44.1", "5": "5.23.3", "6": "6.31.0"}


def compact(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def queue_sse(msg: Any) -> bytes:
    return b"data: " + compact(msg) + b"\n\n"


def call_sse(event: Any) -> bytes:
    name, data = event
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode("ascii")


class Wire:
    """The /queue/data messages exactly as one Gradio major version sends them."""

    def __init__(self, major: int) -> None:
        self.major = major

    def estimation(self, eid: str, rank: int, eta: float | None) -> dict[str, Any]:
        return {"msg": "estimation", "event_id": eid, "rank": rank,
                "queue_size": rank + 1, "rank_eta": eta}

    def starts(self, eid: str, eta: float | None) -> dict[str, Any]:
        return {"msg": "process_starts", "event_id": eid, "eta": eta}

    def _output(self, data: Any, generating: bool, duration: float, avg: float,
                changed: Sequence[int] = ()) -> dict[str, Any]:
        """``changed``: Gradio's ``changed_state_ids`` (gr.State ids whose value the step changed)."""
        out = {"data": data, "is_generating": generating, "duration": duration,
               "average_duration": avg, "render_config": None, "changed_state_ids": list(changed)}
        if self.major >= 6:
            out["used_cache"] = None
        return out

    def generating(self, eid: str, data: Any, duration: float, avg: float,
                   changed: Sequence[int] = ()) -> dict[str, Any]:
        msg = {"msg": "process_generating", "event_id": eid,
               "output": self._output(data, True, duration, avg, changed), "success": True}
        if self.major >= 5:
            msg["time_limit"] = None
        return msg

    def _completed(self, eid: str, output: Any, success: bool, title: str | None = None,
                   cache_duration: float | None = None,
                   avg: float | None = None) -> dict[str, Any]:
        msg = {"msg": "process_completed", "event_id": eid, "output": output, "success": success}
        if self.major >= 5:
            msg["title"] = title
        if self.major >= 6:
            msg.update(used_cache=None, cache_duration=cache_duration, avg_time=avg)
        return msg

    def done(self, eid: str, data: Any, duration: float, avg: float,
             changed: Sequence[int] = ()) -> dict[str, Any]:
        output = self._output(data, False, duration, avg, changed)
        return self._completed(eid, output, True, None, duration, avg)

    def failed(self, eid: str, message: str | None, first: bool) -> dict[str, Any]:
        """gr.Error(message) (message None: a hidden exception, show_error=False)."""
        title = "Error" if first else None
        if message is None:
            return self._completed(eid, {"error": None}, False, title)
        output: dict[str, Any] = {"error": repr(message) if self.major == 4 else message,
                                  "duration": 10, "visible": True}
        if self.major >= 5:
            output["title"] = "Error"
        return self._completed(eid, output, False, title, 10.0)

    def cancelled(self, eid: str) -> dict[str, Any]:
        return self._completed(eid, {}, True)

    def heartbeat(self) -> dict[str, Any]:
        return {"msg": "heartbeat", "event_id": None}

    def close_stream(self) -> dict[str, Any]:
        return {"msg": "close_stream", "event_id": None}

    def not_found_text(self) -> str:
        return "404: Not Found" if self.major >= 6 else "404: Session not found."

    def unexpected_error(self) -> dict[str, Any]:
        msg: dict[str, Any] = {"msg": "unexpected_error", "event_id": None,
                               "message": self.not_found_text()}
        if self.major >= 6:
            msg["session_not_found"] = True
        msg["success"] = False
        return msg

    def call_event(self, msg: Mapping[str, Any]) -> tuple[str, Any] | None:
        """The /call stream event for a queue message (None: not sent on /call)."""
        if msg["msg"] == "process_generating":
            return ("generating", msg["output"]["data"])
        if msg["msg"] != "process_completed":
            return None
        if msg["success"]:
            return ("complete", msg["output"].get("data"))
        return ("error", msg["output"] if self.major >= 6 else None)


def diff(old: Any, new: Any, shift_deletes: bool) -> list[list[Any]]:
    """Gradio's ``utils.diff``: the edits that turn ``old`` into ``new``."""
    edits: list[list[Any]] = []
    _diff_into(old, new, [], edits, shift_deletes)
    return edits


def _diff_into(old: Any, new: Any, path: list[Any], edits: list[list[Any]], shift: bool) -> None:
    if old == new and type(old) is type(new):
        return
    if type(old) is not type(new):
        edits.append(["replace", path, new])
    elif isinstance(old, str) and new.startswith(old):
        edits.append(["append", path, new[len(old):]])
    elif isinstance(old, list):
        _diff_list(old, new, path, edits, shift)
    elif isinstance(old, dict):
        _diff_dict(old, new, path, edits, shift)
    else:
        edits.append(["replace", path, new])


def _diff_list(old: list[Any], new: list[Any], path: list[Any],
               edits: list[list[Any]], shift: bool) -> None:
    common = min(len(old), len(new))
    for i in range(common):
        _diff_into(old[i], new[i], path + [i], edits, shift)
    for i in range(common, len(old)):  # 4.x-5.29.0: original indices; later: shifted
        edits.append(["delete", path + [common if shift else i], None])
    for i in range(common, len(new)):
        edits.append(["add", path + [i], new[i]])


def _diff_dict(old: dict[str, Any], new: dict[str, Any], path: list[Any],
               edits: list[list[Any]], shift: bool) -> None:
    for key, value in old.items():
        if key in new:
            _diff_into(value, new[key], path + [key], edits, shift)
        else:
            edits.append(["delete", path + [key], None])
    for key, value in new.items():
        if key not in old:
            edits.append(["add", path + [key], value])

