import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def _by_sseclient_only(data: bytes) -> list:
    import sseclient

    return [(e.event, e.data) for e in sseclient.SSEClient([data]).events()]


_lines = st.sampled_from(
    [
        b'data: {"msg":"x","t":"a b"}',
        b"data: \xe4\xbd\xa0\xe5\xa5\xbd",
        b"data:no-space",
        b"data: ",
        b"data:",
        b"event: generating",
        b"event: complete",
        b": a comment",
        b"id: 7",
        b"retry: 100",
        b"",
        b"data: multi",
        b"unknown: field",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_lines, max_size=30), st.integers(min_value=1, max_value=40))
def test_fast_path_gives_what_sseclient_gives(lines: list, size: int) -> None:
    data = b"\n".join(lines) + b"\n\n"
    assert list(iter_events(split_every(data, size))) == _by_sseclient_only(data)


@pytest.mark.parametrize("newline", [b"\r\n", b"\r"])
def test_cr_line_ends_go_to_sseclient(newline: bytes) -> None:
    data = newline.join([b'data: {"a":1}', b"", b"event: x", b"data: 2", b"", b""])
    assert list(iter_events(split_every(data, 5))) == [("message", '{"a":1}'), ("x", "2")]


def test_events_are_yielded_before_the_stream_ends() -> None:
    def chunks():
        yield b'data: {"first":1}\n\n'
        raise AssertionError("read past the first event")

    assert next(iter_events(chunks())) == ("message", '{"first":1}')
