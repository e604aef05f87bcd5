import json

import pytest

from qwen_spaces.errors import (
    ProtocolError,
    QuotaExceededError,
    SpaceAppError,
    SpaceTimeoutError,
    StreamInterruptedError,
)
from qwen_spaces.protocol import queue
from qwen_spaces.protocol.events import CANCELLED, DIFF, DONE, FULL, STATUS
from qwen_spaces.protocol.sse import iter_events

from .captures import VERSIONS, capture_bytes, capture_messages, chat_capture


def _event_id(name: str) -> str:
    return next(m["event_id"] for m in capture_messages(name) if m.get("event_id"))


def _read(name: str, event_id: str = "", deadline: float = None) -> list:  # type: ignore[assignment]
    events = iter_events([capture_bytes(name)])
    return list(queue.read_job(events, event_id or _event_id(name), deadline))


@pytest.mark.parametrize("version", VERSIONS)
def test_chat_kinds_in_order(version: str) -> None:
    kinds = [kind for kind, _ in _read(chat_capture(version))]
    assert kinds[:2] == [STATUS, STATUS]  # estimation, process_starts
    assert kinds[2] == FULL and set(kinds[3:-1]) == {DIFF} and kinds[-1] == DONE


@pytest.mark.parametrize("version", VERSIONS)
def test_gpu_quota_error(version: str) -> None:
    with pytest.raises(QuotaExceededError) as info:
        _read(f"g{version}_queue_data_error_gpu_quota.sse")
    # Gradio 4 repr-quotes gr.Error text; the quotes are removed
    assert info.value.message == "You have exceeded your GPU quota"
    assert info.value.title == (None if version.startswith("4") else "Error")


@pytest.mark.parametrize("version", VERSIONS)
def test_hidden_exception_is_an_app_error_that_says_so(version: str) -> None:
    with pytest.raises(SpaceAppError, match="hides its message") as info:
        _read(f"g{version}_queue_data_error_exception.sse")
    assert not isinstance(info.value, QuotaExceededError)


@pytest.mark.parametrize("version", VERSIONS)
def test_two_events_on_one_stream_are_routed_by_event_id(version: str) -> None:
    name = f"g{version}_queue_data_two_events.sse"
    ids = []
    for message in capture_messages(name):
        if message.get("event_id") and message["event_id"] not in ids:
            ids.append(message["event_id"])
    finals = [
        [p for k, p in _read(name, event_id) if k == DONE][0][1] for event_id in ids
    ]
    assert len(ids) == 2 and finals[0] != finals[1]


@pytest.mark.parametrize("version", VERSIONS)
def test_cancelled_job(version: str) -> None:
    items = _read(f"g{version}_queue_data_cancel.sse")
    assert items[-1] == (CANCELLED, None)


@pytest.mark.parametrize("version", VERSIONS)
def test_log_and_progress_are_status(version: str) -> None:
    items = _read(f"g{version}_queue_data_log_progress.sse")
    kinds = {p["msg"] for k, p in items if k == STATUS}
    assert {"log", "progress"} <= kinds
    assert items[-1][0] == DONE


def _stream(*messages: str) -> list:
    return [("message", m) for m in messages]


def test_end_without_completion_is_interrupted() -> None:
    events = _stream('{"msg":"process_generating","event_id":"e","output":{"data":["a"]}}')
    with pytest.raises(StreamInterruptedError, match="ended"):
        list(queue.read_job(events, "e", None))


def test_close_stream_before_completion_is_interrupted() -> None:
    events = _stream('{"msg":"close_stream","event_id":null}')
    with pytest.raises(StreamInterruptedError):
        list(queue.read_job(events, "e", None))


@pytest.mark.parametrize("kind", ["unexpected_error", "server_stopped"])
def test_server_side_stops(kind: str) -> None:
    message = {"msg": kind, "event_id": None, "message": "Server stopped unexpectedly."}
    events = _stream(json.dumps(message))
    with pytest.raises(StreamInterruptedError, match="stopped"):
        list(queue.read_job(events, "e", None))


def test_unknown_kinds_are_ignored_and_heartbeats_hit_the_deadline() -> None:
    events = _stream('{"msg":"brand_new_kind","event_id":"e"}', '{"msg":"heartbeat","event_id":null}')
    with pytest.raises(SpaceTimeoutError):
        list(queue.read_job(events, "e", deadline=0.0))


@pytest.mark.parametrize(
    "raw",
    ["[1,2]", '{"msg":"process_generating","event_id":"e","output":{"data":5}}', "nope"],
)
def test_malformed_messages_are_protocol_errors(raw: str) -> None:
    with pytest.raises(ProtocolError):
        list(queue.read_job(_stream(raw), "e", None))
