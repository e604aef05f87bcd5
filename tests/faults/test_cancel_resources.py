"""Cancelling streams and releasing resources, on real sockets.

Closing a stream early, dropping it for the garbage collector, or a WSGI
server closing a streamed response when its client goes away must release
the HTTP connection and send ``POST /gradio_api/cancel`` for the job.  A soak
run checks that nothing (connections, sockets, warnings) accumulates.
"""

from __future__ import annotations

import gc
import logging
import random
import socket
import struct
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from qwen_spaces import Client, Stream

from . import fault_server as fs
from .fault_server import FaultServer, Session
from .helpers import MODEL, MSG, pool_in_use, socket_fds, timed

MakeClient = Callable[..., Client]
SLOW_TOKENS = ["Hello"] + [f" t{i}" for i in range(200)]


def _slow(session: Session) -> List[fs.Step]:
    """A long reply, 20 ms per token: still running when the client leaves."""
    return fs.chat_steps(session, SLOW_TOKENS, delay=0.02)


def _data_connection(server: FaultServer) -> fs.Conn:
    assert server.wait_for(lambda: server.data_connections(), 5.0)
    (conn,) = server.data_connections()
    return conn


def _assert_cancelled_and_released(server: FaultServer, client: Client, seconds: float = 5.0) -> None:
    assert server.wait_for(lambda: server.cancels, seconds), "no POST /cancel"
    (cancel,) = server.cancels
    job = server.jobs[0]
    assert cancel.json() == {"session_hash": job.session_hash, "fn_index": 0, "event_id": job.event_id}
    conn = _data_connection(server)
    assert server.wait_for(lambda: conn.closed_at is not None, seconds)
    assert conn.closed_by == "peer"  # the client hung up: the server did not end the reply
    # the cancel's own request may still be on its way back (it runs in a thread after gc)
    assert server.wait_for(lambda: pool_in_use(client) == 0, seconds)
    assert server.joins == 1


def test_close_early_releases_and_cancels(server: FaultServer, make_client: MakeClient, report: Any) -> None:
    server.on_data(_slow)
    client = make_client()
    stream = client.stream(MODEL, MSG)
    assert next(stream) == "Hello"
    with timed() as t:
        stream.close()
    _assert_cancelled_and_released(server, client)
    assert stream.result is None and "closed" in repr(stream)
    with pytest.raises(StopIteration):
        next(stream)
    stream.close()  # idempotent
    assert len(server.cancels) == 1
    report("connection released, POST /cancel", "released; one cancel with the job's ids", t.elapsed)


def test_leaving_the_with_block_early_cancels(server: FaultServer, make_client: MakeClient) -> None:
    server.on_data(_slow)
    client = make_client()
    with client.stream(MODEL, MSG) as stream:
        for n, _ in enumerate(stream):
            if n == 3:
                break
    _assert_cancelled_and_released(server, client)


def test_closing_after_the_last_delta_does_not_cancel(server: FaultServer, make_client: MakeClient) -> None:
    """When the final value brings the last delta, the job is finished as
    soon as that delta is out: closing then has nothing to cancel."""
    server.on_data(lambda s: [*fs.head_steps(s, fs.TOKENS[:-1]), fs.completed(s, fs.REPLY), fs.HANG])
    client = make_client()
    with client.stream(MODEL, MSG) as stream:
        deltas = [next(stream) for _ in fs.TOKENS]  # the last one comes with process_completed
    assert "".join(deltas) == fs.REPLY
    assert stream.result is not None and stream.result.text == fs.REPLY
    assert not server.cancels and pool_in_use(client) == 0
    with client.stream(MODEL, MSG) as stream:
        assert "".join(stream) == fs.REPLY
    assert not server.cancels and pool_in_use(client) == 0


@pytest.mark.parametrize("iterated", [True, False])
def test_garbage_collected_stream_cancels(
    server: FaultServer, make_client: MakeClient, iterated: bool, report: Any
) -> None:
    server.on_data(_slow)
    client = make_client()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        stream: Optional[Stream] = client.stream(MODEL, MSG)
        if iterated:
            assert next(stream) == "Hello"  # type: ignore[arg-type]
        with timed() as t:
            del stream
            gc.collect()
        _assert_cancelled_and_released(server, client)
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)], [str(w.message) for w in caught]
    report("released by the collector, POST /cancel (from a helper thread)", "released; one cancel", t.elapsed)


# -- a WSGI server streaming the reply to its own client ---------------------------------


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


class StreamingResponse:
    """A minimal ``Response``-style WSGI body (like werkzeug's or Django's
    StreamingHttpResponse): iterates the Stream, and closes it in ``close()``,
    which WSGI servers call when the response ends or the client is gone."""

    def __init__(self, stream: Stream) -> None:
        self.stream = stream
        self.closed = threading.Event()

    def __call__(self, environ: Dict[str, Any], start_response: Callable[..., Any]) -> "StreamingResponse":
        start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
        return self

    def __iter__(self) -> Iterator[bytes]:
        for delta in self.stream:
            yield delta.encode("utf-8")

    def close(self) -> None:
        self.stream.close()
        self.closed.set()


def test_wsgi_server_closing_a_streamed_response(
    server: FaultServer, make_client: MakeClient, report: Any
) -> None:
    server.on_data(_slow)
    client = make_client()
    responses: List[StreamingResponse] = []

    def app(environ: Dict[str, Any], start_response: Callable[..., Any]) -> StreamingResponse:
        response = StreamingResponse(client.stream(MODEL, MSG))
        responses.append(response)
        return response(environ, start_response)

    httpd: WSGIServer = make_server("127.0.0.1", 0, app, handler_class=_Quiet)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        browser = socket.create_connection(("127.0.0.1", httpd.server_port), timeout=5)
        browser.sendall(b"GET /chat HTTP/1.0\r\nHost: localhost\r\n\r\n")
        received = b""
        while b"Hello t0" not in received:
            data = browser.recv(4096)
            assert data, received
            received += data
        assert received.startswith(b"HTTP/1.0 200 OK")
        browser.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        browser.close()  # the user closed the tab: RST
        with timed() as t:
            assert server.wait_for(lambda: responses and responses[0].closed.is_set(), 3.0)
        _assert_cancelled_and_released(server, client)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)
    report("WSGI close() -> stream closed, POST /cancel", "released; one cancel", t.elapsed)


# -- soak ------------------------------------------------------------------------------


def _tokens_for(prompt: str) -> List[str]:
    n = 5 + sum(map(ord, prompt)) % 20
    return [f"{prompt}:"] + [f" {prompt}.{i}" for i in range(n)]


def _soak_script(session: Session) -> List[fs.Step]:
    return fs.chat_steps(session, _tokens_for(session.prompt))


def test_soak_200_streams_16_threads(
    server: FaultServer, caplog: pytest.LogCaptureFixture, report: Any
) -> None:
    server.on_data(_soak_script)
    caplog.set_level(logging.WARNING, logger="urllib3")
    caplog.set_level(logging.WARNING, logger="qwen_spaces")
    rng = random.Random(4)
    plans = []  # (prompt, abandon how or None, after how many deltas)
    for i in range(200):
        how = rng.choice(["close", "with", "gc"]) if rng.random() < 1 / 3 else None
        plans.append((f"q{i}", how, rng.randint(0, 3)))

    def run(plan: Tuple[str, Optional[str], int]) -> Tuple[str, Optional[str], str]:
        prompt, how, after = plan
        messages = [{"role": "user", "content": prompt}]
        if how is None:
            return prompt, how, client.chat(MODEL, messages).text
        got: List[str] = []
        if how == "with":
            with client.stream(MODEL, messages) as stream:
                for delta in stream:
                    if len(got) == after:
                        break
                    got.append(delta)
        else:
            stream = client.stream(MODEL, messages)
            for delta in stream:
                if len(got) == after:
                    break
                got.append(delta)
            if how == "close":
                stream.close()
            else:
                del stream  # dropped: the collector closes it
        return prompt, how, "".join(got)

    gc.collect()
    baseline = socket_fds()
    with warnings.catch_warnings(record=True) as caught, timed() as t:
        warnings.simplefilter("always")
        client = Client(base_urls={MODEL: server.url}, retry_max_wait=0.05)
        with ThreadPoolExecutor(max_workers=16) as pool:
            results = list(pool.map(run, plans))
        abandoned = sum(1 for _, how, _ in results if how is not None)
        assert server.wait_for(lambda: len(server.cancels) == abandoned, 5.0), (len(server.cancels), abandoned)
        assert pool_in_use(client) == 0
        client.close()
        gc.collect()
        assert server.wait_idle(5.0), [c.requests[-1].path for c in server.open_connections()]
        assert server.wait_for(lambda: len(socket_fds()) <= len(baseline), 5.0), (socket_fds(), baseline)
        gc.collect()

    for prompt, how, text in results:
        tokens = _tokens_for(prompt)
        if how is None:
            assert text == "".join(tokens), prompt
        else:
            assert "".join(tokens).startswith(text), prompt  # a prefix, never garbage
    assert server.joins == 200 and len(server.jobs) == 200
    assert {c.json()["session_hash"] for c in server.cancels} <= set(server.sessions)
    assert len({c.json()["event_id"] for c in server.cancels}) == abandoned
    resource = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert not resource, resource[:3]
    pool_full = [r.getMessage() for r in caplog.records if "pool is full" in r.getMessage()]
    assert not pool_full, pool_full[:3]
    assert not [r for r in caplog.records if r.name.startswith("qwen_spaces")]
    report("200 streams/16 threads, 1/3 abandoned: exact texts, cancels, no leaks/warnings",
           f"{200 - abandoned} exact, {abandoned} cancelled, sockets back to baseline", t.elapsed)
