"""Faults on the reply stream (``GET /gradio_api/queue/data``), on real sockets.

Every test also checks that the job was joined exactly once (errors after
the join never re-submit), and, where the client gives up on a job that may
still run, that it asked the Space to cancel it and released the connection.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple, Type

import pytest

from qwen_spaces import Client, Timeout
from qwen_spaces.errors import (
    ProtocolError,
    QuotaExceededError,
    QwenSpacesError,
    SpaceAppError,
    SpaceTimeoutError,
    StreamInterruptedError,
)
from qwen_spaces.protocol.events import HIDDEN_ERROR

from . import fault_server as fs
from .fault_server import FaultServer, Session
from .helpers import MODEL, MSG, SLACK, pool_in_use, timed

MakeClient = Callable[..., Client]


def _drain(
    client: Client, error: Type[BaseException], max_seconds: float = 4.0, **kw: Any
) -> Tuple[List[str], Any, float]:
    """Stream a reply until it fails with ``error``; return (deltas, the
    error, seconds to it).  The error must come within ``max_seconds``, and
    no connection may stay checked out of the client's pool."""
    got: List[str] = []
    started = time.monotonic()
    with pytest.raises(error) as info:
        for delta in client.stream(MODEL, MSG, **kw):
            got.append(delta)
    seconds = time.monotonic() - started
    assert seconds < max_seconds, seconds
    deadline = time.monotonic() + 5.0
    while pool_in_use(client) and time.monotonic() < deadline:
        time.sleep(0.005)
    assert pool_in_use(client) == 0
    return got, info.value, seconds


def _assert_cancelled(server: FaultServer) -> None:
    assert server.wait_for(lambda: len(server.cancels) >= 1, 5.0), "no POST /cancel"
    body = server.cancels[0].json()
    job = server.jobs[0]
    assert body == {"session_hash": job.session_hash, "fn_index": 0, "event_id": job.event_id}
    assert len(server.cancels) == 1


def _assert_released(server: FaultServer, client: Client) -> None:
    """The data stream's connection is closed (by either side) and nothing
    is checked out of the client's pool."""
    assert server.wait_for(lambda: all(c.closed_at for c in server.data_connections()), 5.0)
    assert server.wait_for(lambda: pool_in_use(client) == 0, 5.0)


# -- the stream breaks ------------------------------------------------------------------

HEAD = len(fs.chat_steps(Session("s", "e", {"data": ["Hi"]}))) - 3  # messages before the completion


def text_of(k: int) -> str:
    """The reply text in the first ``k`` messages of :func:`fs.head_steps`."""
    return "".join(fs.TOKENS[: max(0, k - 2)])


def _partial_message(session: Session) -> List[fs.Step]:
    """Half of a message, then the connection closes."""
    return [*fs.head_steps(session)[:5], fs.sse_bytes(fs.append(session, " never"))[:40], fs.CUT]


def _partial_chunk(session: Session) -> List[fs.Step]:
    """A chunk header promising more bytes than are sent."""
    data = fs.sse_bytes(fs.append(session, " never"))
    return [*fs.head_steps(session)[:5], fs.Raw(b"%x\r\n" % len(data) + data[:20]), fs.CUT]


def _bad_chunk_size(session: Session) -> List[fs.Step]:
    return [*fs.head_steps(session)[:5], fs.Raw(b"zz\r\nnot a chunk\r\n"), fs.Pause(0.05), fs.CUT]


@pytest.mark.parametrize("k", [1, 3, 4, HEAD])
@pytest.mark.parametrize("how", [fs.CUT, fs.ABORT])
def test_cut_after_k_messages(
    server: FaultServer, make_client: MakeClient, k: int, how: Any, report: Any
) -> None:
    server.on_data(lambda s: [*fs.head_steps(s)[:k], fs.Pause(0.05), how])
    client = make_client()
    got, error, seconds = _drain(client, StreamInterruptedError)
    assert error.partial_text == "".join(got)
    assert "".join(got) == text_of(k)
    assert error.url == server.url
    assert server.joins == 1
    _assert_cancelled(server)
    _assert_released(server, client)
    report(f"StreamInterruptedError, partial_text exact ({how} after {k})",
           f"StreamInterruptedError, partial {error.partial_text!r}", seconds)


@pytest.mark.parametrize("script", [_partial_message, _partial_chunk, _bad_chunk_size])
def test_body_broken_inside_a_message(
    server: FaultServer, make_client: MakeClient, script: Any, report: Any
) -> None:
    server.on_data(script)
    client = make_client()
    got, error, seconds = _drain(client, StreamInterruptedError)
    assert error.partial_text == "".join(got) == text_of(5)
    assert server.joins == 1
    _assert_cancelled(server)
    _assert_released(server, client)
    report("StreamInterruptedError", f"{type(error).__name__}: {error}", seconds)


def test_server_process_killed_mid_stream(make_client: MakeClient, report: Any) -> None:
    here = Path(__file__).resolve().parent
    proc = subprocess.Popen(
        [sys.executable, str(here / "fault_server.py"), "--scenario", "endless"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("READY "), line
        url = line.split()[1]
        client = make_client(url=url)
        got: List[str] = []
        stream = client.stream(MODEL, MSG)
        with pytest.raises(StreamInterruptedError) as info:
            for delta in stream:
                got.append(delta)
                if len(got) == 5:
                    os.kill(proc.pid, signal.SIGKILL)
                    killed = time.monotonic()
        seconds = time.monotonic() - killed
    finally:
        proc.kill()
        proc.wait(5)
        if proc.stdout:
            proc.stdout.close()
    assert len(got) >= 5
    assert info.value.partial_text == "".join(got)
    assert "".join(got).startswith("tok0 tok1 tok2 tok3 tok4")
    assert seconds < 4.0  # the cancel to a dead server fails fast, and never raises
    assert pool_in_use(client) == 0
    report("StreamInterruptedError after kill -9", f"StreamInterruptedError, {len(got)} deltas kept", seconds)


def test_close_stream_before_completion(server: FaultServer, make_client: MakeClient) -> None:
    server.on_data(lambda s: [*fs.head_steps(s)[:4], fs.CLOSE_STREAM, fs.END])
    client = make_client()
    got, error, _ = _drain(client, StreamInterruptedError)
    assert error.partial_text == "".join(got) == text_of(4)
    assert server.joins == 1
    _assert_cancelled(server)
    _assert_released(server, client)


def test_body_ends_cleanly_before_completion(server: FaultServer, make_client: MakeClient) -> None:
    server.on_data(lambda s: [*fs.head_steps(s)[:4], fs.END])  # sse_v1..v2.1 style EOF
    client = make_client()
    got, error, _ = _drain(client, StreamInterruptedError)
    assert error.partial_text == "".join(got) == text_of(4)
    assert server.joins == 1


def test_cancelled_by_someone_else(server: FaultServer, make_client: MakeClient) -> None:
    server.on_data(lambda s: [*fs.head_steps(s)[:4], fs.cancelled(s), fs.CLOSE_STREAM, fs.END])
    got, error, _ = _drain(make_client(), StreamInterruptedError)
    assert "cancelled" in str(error) and error.partial_text == "".join(got) == text_of(4)
    assert server.joins == 1


# -- garbage and unknown messages -------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        b'data: {"msg":"process_generating","event_id":\n\n',
        b"data: <html><body>502 Bad Gateway</body></html>\n\n",
        b"data: [1, 2, 3]\n\n",
        b'data: {"msg":"process_generating","event_id":"EID","output":{"data":7}}\n\n',
        b'data: {"msg":"process_completed","event_id":"EID","output":"done","success":true}\n\n',
        b"data: \xff\xfe not utf-8\n\n",
    ],
)
def test_malformed_message_is_a_protocol_error(
    server: FaultServer, make_client: MakeClient, bad: bytes, report: Any
) -> None:
    server.on_data(lambda s: [*fs.head_steps(s)[:4], bad.replace(b"EID", s.event_id.encode()), fs.HANG])
    client = make_client()
    got, error, seconds = _drain(client, ProtocolError)
    assert error.partial_text == "".join(got) == text_of(4)
    assert server.joins == 1
    _assert_cancelled(server)
    _assert_released(server, client)
    report("ProtocolError", f"ProtocolError: {error}", seconds)


def test_malformed_diff_waits_for_the_final_value(server: FaultServer, make_client: MakeClient) -> None:
    def script(s: Session) -> List[fs.Step]:
        head = fs.head_steps(s)
        bad = fs.generating(s.event_id, [[], [["append", [7, "content", 0, "text"], "?"]], []])
        return [*head[:5], bad, *head[5:], fs.completed(s, fs.REPLY), fs.CLOSE_STREAM, fs.END]

    server.on_data(script)
    stream = make_client().stream(MODEL, MSG)
    assert "".join(stream) == fs.REPLY and stream.result is not None and stream.result.text == fs.REPLY
    assert server.joins == 1 and not server.cancels


def test_unknown_message_kinds_are_ignored_and_logged_at_debug(
    server: FaultServer, make_client: MakeClient, caplog: pytest.LogCaptureFixture, report: Any
) -> None:
    def script(s: Session) -> List[fs.Step]:
        head = fs.head_steps(s)
        odd: List[fs.Step] = [
            {"msg": "process_teleported", "event_id": s.event_id, "output": {"data": 1}},
            {"msg": "send_hash"},
            {"event_id": s.event_id},  # no msg at all
            b": a comment line\n\n",
            b"event: ping\ndata: {\"msg\": \"heartbeat\"}\n\n",
            {"msg": "process_generating", "event_id": "someone-else", "output": {"data": ["", "x", ""]}},
        ]
        return [*head[:4], *odd, *head[4:], fs.completed(s, fs.REPLY), fs.CLOSE_STREAM, fs.END]

    server.on_data(script)
    caplog.set_level(logging.DEBUG, logger="qwen_spaces")
    with timed() as t:
        text = make_client().chat(MODEL, MSG).text
    assert text == fs.REPLY
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG and r.name == "qwen_spaces"]
    assert any("'process_teleported'" in m for m in debug)
    assert any("'send_hash'" in m for m in debug)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert server.joins == 1 and not server.cancels
    report("ignored, logged at DEBUG", "reply exact; DEBUG 'ignoring unknown queue message kind'", t.elapsed)


# -- time limits -------------------------------------------------------------------------


def _heartbeats_forever(session: Session) -> Iterable[fs.Step]:
    yield fs.estimation(session.event_id)
    while True:
        yield fs.Pause(0.1)
        yield fs.HEARTBEAT


def test_heartbeats_only_hit_the_total_timeout(server: FaultServer, make_client: MakeClient, report: Any) -> None:
    server.on_data(_heartbeats_forever)
    client = make_client(timeout=Timeout(connect=1.0, read=0.5, total=1.0))
    got, error, seconds = _drain(client, SpaceTimeoutError)
    assert not got and error.partial_text == ""
    assert "total" in str(error)
    assert 1.0 <= seconds < 1.0 + SLACK
    assert server.joins == 1
    _assert_cancelled(server)
    _assert_released(server, client)
    report("SpaceTimeoutError at the total timeout (1.0 s)", f"SpaceTimeoutError: {error}", seconds)


def test_silence_hits_the_read_timeout(server: FaultServer, make_client: MakeClient, report: Any) -> None:
    server.on_data(lambda s: [*fs.head_steps(s)[:3], fs.HANG])
    client = make_client(timeout=Timeout(connect=1.0, read=0.4, total=30.0))
    got, error, seconds = _drain(client, SpaceTimeoutError)
    assert error.partial_text == "".join(got) == text_of(3)
    assert 0.4 <= seconds < 0.4 + SLACK
    assert server.joins == 1
    _assert_cancelled(server)
    _assert_released(server, client)
    report("SpaceTimeoutError at the read timeout (0.4 s)", f"SpaceTimeoutError: {error}", seconds)


def test_silence_longer_than_the_total_timeout(server: FaultServer, make_client: MakeClient, report: Any) -> None:
    """The total limit holds even when the read timeout is longer."""
    server.on_data(lambda s: [*fs.head_steps(s)[:3], fs.HANG])
    client = make_client(timeout=Timeout(connect=1.0, read=10.0, total=0.8))
    got, error, seconds = _drain(client, SpaceTimeoutError)
    assert error.partial_text == "".join(got) == text_of(3)
    assert 0.8 <= seconds < 0.8 + SLACK
    assert server.joins == 1
    _assert_cancelled(server)
    report("SpaceTimeoutError at the total timeout, read timeout 10 s", f"SpaceTimeoutError: {error}", seconds)


# -- errors the Space reports --------------------------------------------------------------


@pytest.mark.parametrize(
    "error, title, expected_type, expected_message",
    [
        ("Your input is too long.", "Error", SpaceAppError, "Your input is too long."),
        ("'Your input is too long.'", None, SpaceAppError, "Your input is too long."),  # Gradio 4 repr-quotes
        (None, None, SpaceAppError, HIDDEN_ERROR),  # show_error=False
        ("You have exceeded your GPU quota (60s requested vs. 12s left). Try again in 2:05:11", "Error",
         QuotaExceededError, "exceeded your GPU quota"),
    ],
)
def test_app_errors_carry_the_message_title_and_partial_text(
    server: FaultServer, make_client: MakeClient, error: Optional[str], title: Optional[str],
    expected_type: type, expected_message: str, report: Any,
) -> None:
    server.on_data(lambda s: [*fs.head_steps(s)[:5], fs.failed(s, error, title), fs.CLOSE_STREAM, fs.END])
    client = make_client()
    got, exc, seconds = _drain(client, SpaceAppError)
    assert type(exc) is expected_type and isinstance(exc, SpaceAppError)
    assert expected_message in exc.message and expected_message in str(exc)
    assert exc.title == title
    assert exc.partial_text == "".join(got) == text_of(5)
    assert server.joins == 1
    assert not server.cancels  # the job is over on the Space: nothing to cancel
    _assert_released(server, client)
    report(f"{expected_type.__name__} with message and title", f"{type(exc).__name__}: {exc} (title {exc.title!r})",
           seconds)


@pytest.mark.parametrize(
    "message, fragment",
    [
        (fs.unexpected_error("404: Not Found"), "404: Not Found"),
        (fs.unexpected_error("Server stopped unexpectedly."), "Server stopped unexpectedly."),
        ({"msg": "server_stopped", "event_id": None}, "server_stopped"),
    ],
)
def test_unexpected_error_and_server_stopped(
    server: FaultServer, make_client: MakeClient, message: Dict[str, Any], fragment: str, report: Any
) -> None:
    server.on_data(lambda s: [*fs.head_steps(s)[:4], message, fs.CUT])  # Gradio then aborts the body
    client = make_client()
    got, error, seconds = _drain(client, StreamInterruptedError)
    assert fragment in str(error)
    assert error.partial_text == "".join(got) == text_of(4)
    assert server.joins == 1
    _assert_cancelled(server)
    _assert_released(server, client)
    report("StreamInterruptedError with the Space's message", f"StreamInterruptedError: {error}", seconds)


def test_stream_for_an_unknown_session(server: FaultServer, make_client: MakeClient) -> None:
    """What Gradio does when the session's queue is gone: unexpected_error, aborted body."""
    server.on("POST", fs.JOIN, fs.status(200, {"event_id": "not-really-joined"}))
    got, error, _ = _drain(make_client(), StreamInterruptedError)
    assert "404: Not Found" in str(error) and not got
    assert server.joins == 1


# -- sizes --------------------------------------------------------------------------------------


def test_empty_reply_is_empty_text_not_an_error(server: FaultServer, make_client: MakeClient, report: Any) -> None:
    server.on_data(lambda s: fs.chat_steps(s, [""]))
    client = make_client()
    with timed() as t:
        stream = client.stream(MODEL, MSG)
        deltas = list(stream)
    assert deltas == [] and stream.result is not None and stream.result.text == ""
    assert stream.result.timings.first_delta is None
    assert server.joins == 1 and not server.cancels
    _assert_released(server, client)
    report("empty text, no error", f"text {stream.result.text!r}", t.elapsed)


def test_empty_content_list_is_an_empty_reply(server: FaultServer, make_client: MakeClient) -> None:
    def script(s: Session) -> List[fs.Step]:
        value = fs.chat_value(s.prompt, "")
        value[1]["content"] = []
        done = fs.completed(s, "")
        done["output"]["data"][1] = value
        return [fs.estimation(s.event_id), fs.process_starts(s.event_id), done, fs.CLOSE_STREAM, fs.END]

    server.on_data(script)
    assert make_client().chat(MODEL, MSG).text == ""


def _big_reply_seconds(server: FaultServer, client: Client, size: int) -> float:
    text = ("0123456789abcdef" * (size // 16 + 1))[:size]

    def script(s: Session) -> List[fs.Step]:
        return [fs.estimation(s.event_id), fs.process_starts(s.event_id),
                fs.SmallWrites(fs.sse_bytes(fs.completed(s, text)), 4096), fs.CLOSE_STREAM, fs.END]

    server.on_data(script)
    started = time.monotonic()
    result = client.chat(MODEL, MSG)
    seconds = time.monotonic() - started
    assert result.text == text
    return seconds


def test_a_10_mb_event_is_linear(server: FaultServer, make_client: MakeClient, report: Any) -> None:
    client = make_client()
    _big_reply_seconds(server, client, 100_000)  # warm up
    one = min(_big_reply_seconds(server, client, 1_000_000) for _ in range(2))
    ten = min(_big_reply_seconds(server, client, 10_000_000) for _ in range(2))
    # linear: about 10x; quadratic would be about 100x.  Generous slack for CI noise.
    assert ten < 30 * one + 1.0, (one, ten)
    assert ten < 10.0
    assert pool_in_use(client) == 0
    report("handled, time linear in size (1 MB vs 10 MB in 4 KB writes)",
           f"1 MB {one:.3f} s, 10 MB {ten:.3f} s (x{ten / one:.1f})", ten)


def test_many_small_tokens_are_linear(server: FaultServer, make_client: MakeClient, report: Any) -> None:
    def seconds_for(n: int) -> float:
        tokens = ["t"] + [f" {i}" for i in range(n)]
        server.on_data(lambda s: fs.chat_steps(s, tokens))
        started = time.monotonic()
        text = "".join(make_client().stream(MODEL, MSG))
        assert text == "".join(tokens)
        return time.monotonic() - started

    seconds_for(200)  # warm up
    small = min(seconds_for(1_000) for _ in range(2))
    large = min(seconds_for(10_000) for _ in range(2))
    assert large < 30 * small + 1.0, (small, large)
    report("linear in the number of tokens", f"1k tokens {small:.3f} s, 10k tokens {large:.3f} s", large)


def test_errors_after_a_join_never_resubmit(server: FaultServer, make_client: MakeClient) -> None:
    """One Client, every kind of stream failure in a row: one join per call."""
    def start(s: Session) -> List[fs.Step]:
        return [fs.estimation(s.event_id), fs.process_starts(s.event_id)]

    scripts = [
        lambda s: [*start(s), fs.failed(s, None, "Error"), fs.CLOSE_STREAM, fs.END],  # before any text
        lambda s: [*start(s), b"data: {nope\n\n", fs.END],
        lambda s: [*start(s), fs.CUT],
        lambda s: [*fs.head_steps(s)[:3], fs.CUT],
        lambda s: [*fs.head_steps(s)[:3], b"data: {nope\n\n", fs.END],
        lambda s: [*fs.head_steps(s)[:3], fs.failed(s, "boom"), fs.CLOSE_STREAM, fs.END],
        lambda s: [*fs.head_steps(s)[:3], fs.unexpected_error(), fs.CUT],
        lambda s: [*fs.head_steps(s)[:3], fs.ABORT],
    ]
    client = make_client(max_retries=5)
    for n, script in enumerate(scripts, start=1):
        server.on_data(script)
        with pytest.raises(QwenSpacesError):
            list(client.stream(MODEL, MSG))
        assert server.joins == n and len(server.calls("GET", fs.DATA)) == n
    assert pool_in_use(client) == 0


def test_join_body_is_what_gradio_expects(server: FaultServer, make_client: MakeClient) -> None:
    make_client().chat(MODEL, [{"role": "user", "content": "你好 👋"}])
    (join,) = server.calls("POST", fs.JOIN)
    body = join.json()
    assert body["data"] == ["你好 👋", [], fs.SYSTEM] and body["fn_index"] == 0
    assert body["event_data"] is None and body["trigger_id"] == 11
    assert join.headers["content-type"] == "application/json"
    (data,) = server.calls("GET", fs.DATA)
    assert data.query["session_hash"] == body["session_hash"]
    assert data.headers["accept"] == "text/event-stream"
    assert json.loads(join.body) == body
