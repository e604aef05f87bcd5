import json

import pytest

from qwen_spaces.errors import ProtocolError
from qwen_spaces.protocol.sse import decode_json, iter_events

from .captures import VERSIONS, capture_bytes, capture_messages, chat_capture, split_every


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("size", [1, 7, 64, 100_000])
def test_events_survive_any_chunking(version: str, size: int) -> None:
    name = chat_capture(version)
    events = [json.loads(data) for _, data in iter_events(split_every(capture_bytes(name), size))]
    assert events == capture_messages(name)


def test_call_api_event_names() -> None:
    events = list(iter_events([capture_bytes("g6.31.0_call_generate.sse")]))
    names = [name for name, _ in events]
    assert names[0] == "generating" and names[-1] == "complete"
    assert names.count("complete") == 1
    assert json.loads(events[-1][1]) == json.loads(events[-2][1])  # complete repeats the last value


def test_non_ascii_split_inside_a_character() -> None:
    body = 'data: {"msg":"x","t":"你好 👋"}\n\n'.encode()
    cut = body.index("👋".encode()) + 2  # inside the 4-byte emoji
    events = list(iter_events([body[:cut], body[cut:]]))
    assert json.loads(events[0][1])["t"] == "你好 👋"


def test_huge_event_in_small_pieces_is_joined_once() -> None:
    payload = "x" * 2_000_000
    body = ("data: " + json.dumps({"msg": "big", "t": payload}) + "\n\n").encode()
    events = list(iter_events(split_every(body, 1024)))
    assert json.loads(events[0][1])["t"] == payload


def test_decode_json_rejects_garbage_with_excerpt() -> None:
    with pytest.raises(ProtocolError, match="not JSON.*<html>"):
        decode_json("<html><body>502 Bad Gateway</body></html>")
