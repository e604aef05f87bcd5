"""Faults at submission time (``POST /gradio_api/queue/join``), on real sockets.

Each test checks the typed error, that the time to it is bounded by the
retry/timeout settings, how many joins the server saw (a job is never
created twice), and that no connection is left checked out.
"""

from __future__ import annotations

import json
import socket
from email.utils import formatdate
from pathlib import Path
from typing import Any, Callable, List

import pytest

from qwen_spaces import Client, Status, Timeout
from qwen_spaces.errors import (
    AuthenticationError,
    ProtocolError,
    QueueFullError,
    RateLimitError,
    SpaceTimeoutError,
    SpaceUnavailableError,
)

from . import fault_server as fs
from .fault_server import FaultServer
from .helpers import MODEL, MSG, SLACK, pool_in_use, timed

CAPTURES = Path(__file__).resolve().parent.parent / "captures"
QUEUE_FULL = {"detail": "Queue is full. Max size is 1 and size is 1."}

MakeClient = Callable[..., Client]


def _gaps(server: FaultServer) -> List[float]:
    """Seconds between successive joins, as the server saw them."""
    times = [r.at for r in server.calls("POST", fs.JOIN)]
    return [b - a for a, b in zip(times, times[1:])]


def test_503_twice_then_success_is_one_job(server: FaultServer, make_client: MakeClient, report: Any) -> None:
    unavailable = fs.status(503, {"detail": "Service Unavailable"})
    server.on("POST", fs.JOIN, unavailable, unavailable, fs.join_ok())
    seen: List[Status] = []
    client = make_client(max_retries=3)
    with timed() as t:
        result = client.chat(MODEL, MSG, on_status=seen.append)
    assert result.text == fs.REPLY
    assert server.joins == 3 and len(server.jobs) == 1  # three attempts, one job
    assert len(server.calls("GET", fs.DATA)) == 1
    assert [s.kind for s in seen].count("retrying") == 2
    assert t.elapsed < 2 * (0.05 + 0.05) + SLACK
    assert pool_in_use(client) == 0
    report("retried, one job created", f"reply ok after {server.joins} joins, {len(server.jobs)} job", t.elapsed)


def test_503_forever_is_unavailable_within_the_backoff_budget(
    server: FaultServer, make_client: MakeClient, report: Any
) -> None:
    server.on("POST", fs.JOIN, fs.status(503, "<html><body>Space is sleeping</body></html>",
                                         content_type="text/html"))
    waits: List[float] = []
    cap = 0.1
    client = make_client(max_retries=3, retry_max_wait=cap)
    with timed() as t, pytest.raises(SpaceUnavailableError) as info:
        client.stream(MODEL, MSG, on_status=lambda s: waits.append(-1.0 if s.eta is None else s.eta))
    assert type(info.value) is SpaceUnavailableError and info.value.status_code == 503
    assert "Space is sleeping" in str(info.value)
    assert server.joins == 4 and not server.jobs
    assert len(waits) == 3 and all(0 <= w <= cap for w in waits), waits  # retry_max_wait caps each wait
    assert all(gap < cap + 0.3 for gap in _gaps(server)), _gaps(server)
    assert t.elapsed < 3 * cap + SLACK
    assert pool_in_use(client) == 0
    report("SpaceUnavailableError after max_retries, waits <= retry_max_wait",
           f"{type(info.value).__name__} after {server.joins} joins, waits {[round(w, 3) for w in waits]}",
           t.elapsed)


@pytest.mark.parametrize(
    "retry_after, cap, low, high",
    [
        ("0.3", 5.0, 0.3, 0.3 + SLACK),  # honoured
        ("3600", 0.2, 0.2, 0.2 + SLACK),  # capped by retry_max_wait
        ("Wed, 21 Oct 2015 07:28:00 GMT", 5.0, 0.0, SLACK),  # a date in the past: no wait
        ("date+1", 0.25, 0.25, 0.25 + SLACK),  # a date 100 s ahead, capped
    ],
)
def test_429_retry_after_is_honoured_and_capped(
    server: FaultServer, make_client: MakeClient, retry_after: str, cap: float, low: float, high: float,
    report: Any,
) -> None:
    if retry_after == "date+1":
        retry_after = formatdate(__import__("time").time() + 100, usegmt=True)
    server.on("POST", fs.JOIN, fs.status(429, {"detail": "slow down"}, headers={"Retry-After": retry_after}),
              fs.join_ok())
    client = make_client(retry_max_wait=cap)
    with timed() as t:
        assert client.chat(MODEL, MSG).text == fs.REPLY
    (gap,) = _gaps(server)
    assert low - 0.02 <= gap <= high, gap
    assert server.joins == 2 and len(server.jobs) == 1
    report(f"429 Retry-After {retry_after!r}, cap {cap}: wait in [{low}, {high}]",
           f"waited {gap:.3f} s, then reply ok", t.elapsed)


def test_429_forever_is_rate_limit_error_with_retry_after(
    server: FaultServer, make_client: MakeClient, report: Any
) -> None:
    server.on("POST", fs.JOIN, fs.status(429, {"detail": "Too Many Requests"}, headers={"Retry-After": "7"}))
    client = make_client(max_retries=2, retry_max_wait=0.05)
    with timed() as t, pytest.raises(RateLimitError) as info:
        client.stream(MODEL, MSG)
    assert info.value.retry_after == 7.0 and info.value.status_code == 429
    assert server.joins == 3
    assert t.elapsed < 2 * 0.05 + SLACK
    report("RateLimitError after retries, retry_after kept", f"RateLimitError retry_after={info.value.retry_after}",
           t.elapsed)


def test_queue_full_after_retries(server: FaultServer, make_client: MakeClient, report: Any) -> None:
    server.on("POST", fs.JOIN, fs.status(503, QUEUE_FULL))
    client = make_client(max_retries=2)
    with timed() as t, pytest.raises(QueueFullError, match="Queue is full") as info:
        client.stream(MODEL, MSG)
    assert server.joins == 3 and not server.jobs
    assert info.value.url == server.url + fs.JOIN
    assert t.elapsed < 2 * 0.05 + SLACK
    assert pool_in_use(client) == 0
    report("QueueFullError after retries", f"QueueFullError after {server.joins} joins", t.elapsed)


@pytest.mark.parametrize("code", [401, 403])
def test_auth_errors_are_not_retried(server: FaultServer, make_client: MakeClient, code: int, report: Any) -> None:
    server.on("POST", fs.JOIN, fs.status(code, {"detail": {"error": "Not authenticated", "auth_message": None}}))
    client = make_client(max_retries=3, retry_max_wait=1.0, hf_token="hf_wrongtoken")
    with timed() as t, pytest.raises(AuthenticationError, match="Not authenticated") as info:
        client.stream(MODEL, MSG)
    assert info.value.status_code == code
    assert server.joins == 1 and not server.calls("GET", "/config")
    assert "hf_wrongtoken" not in str(info.value)
    assert t.elapsed < SLACK
    assert pool_in_use(client) == 0
    report("AuthenticationError, no retry", f"AuthenticationError after {server.joins} join", t.elapsed)


def test_404_names_the_url_and_tries_discovery_once(
    server: FaultServer, make_client: MakeClient, report: Any
) -> None:
    server.on("POST", fs.JOIN, fs.status(404, {"detail": "Not Found"}))
    server.on("GET", "/config", fs.status(404, {"detail": "Not Found"}))
    client = make_client(max_retries=3, retry_max_wait=1.0)
    with timed() as t, pytest.raises(SpaceUnavailableError, match="404") as info:
        client.stream(MODEL, MSG)
    join_url = server.url + fs.JOIN
    assert join_url in str(info.value) and info.value.url == join_url
    assert server.joins == 1  # a 404 is not retried ...
    assert len(server.calls("GET", "/config")) == 1  # ... but the Space's /config is read once
    assert t.elapsed < SLACK
    assert pool_in_use(client) == 0
    report("SpaceUnavailableError naming the URL, /config read once",
           f"{type(info.value).__name__}: {info.value}", t.elapsed)


def test_404_then_config_with_another_prefix_repairs_the_endpoint(
    server: FaultServer, make_client: MakeClient
) -> None:
    config = json.loads((CAPTURES / "g4.44.1_config_chat.json").read_text())  # api_prefix ""
    server.on("POST", fs.JOIN, fs.status(404, {"detail": "Not Found"}))
    server.on("GET", "/config", fs.status(200, config))
    server.on("POST", "/queue/join", fs.join_ok())
    server.on("GET", "/queue/data", fs.sse(fs.chat_steps))
    client = make_client()
    assert client.chat(MODEL, MSG).text == fs.REPLY
    assert client.chat(MODEL, MSG).text == fs.REPLY
    assert server.joins == 1 and len(server.calls("POST", "/queue/join")) == 2
    assert len(server.calls("GET", "/config")) == 1
    assert len(server.jobs) == 2


def test_connection_refused(make_client: MakeClient, report: Any) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = make_client(url=f"http://127.0.0.1:{port}", max_retries=2, retry_max_wait=0.05)
    with timed() as t, pytest.raises(SpaceUnavailableError, match="cannot reach") as info:
        client.stream(MODEL, MSG)
    assert info.value.url == f"http://127.0.0.1:{port}" + fs.JOIN
    assert t.elapsed < 2 * 0.05 + SLACK
    report("SpaceUnavailableError after retries", f"{type(info.value).__name__}: {info.value}", t.elapsed)


@pytest.mark.parametrize(
    "body, content_type, excerpt",
    [
        ("<!DOCTYPE html><html><title>Your space is building</title></html>", "text/html", "space is building"),
        ("event_id=abc", "text/plain", "event_id=abc"),
        ('{"event_id": 12', "application/json", '{"event_id": 12'),  # truncated JSON
    ],
)
def test_join_answer_that_is_not_json_is_a_protocol_error_with_excerpt(
    server: FaultServer, make_client: MakeClient, body: str, content_type: str, excerpt: str, report: Any
) -> None:
    server.on("POST", fs.JOIN, fs.status(200, body, content_type=content_type))
    client = make_client(max_retries=3)
    with timed() as t, pytest.raises(ProtocolError) as info:
        client.stream(MODEL, MSG)
    assert excerpt in str(info.value) and content_type in str(info.value)
    assert server.joins == 1  # not retried: the Space may have queued the job
    assert t.elapsed < SLACK
    assert pool_in_use(client) == 0
    report("ProtocolError with an excerpt, no retry", f"ProtocolError: {info.value}", t.elapsed)


@pytest.mark.parametrize("answer", [{"event_id": None}, {"detail": "ok"}, ["x"], "x", 42])
def test_join_json_without_event_id_is_a_protocol_error(
    server: FaultServer, make_client: MakeClient, answer: Any
) -> None:
    server.on("POST", fs.JOIN, fs.status(200, json.dumps(answer), content_type="application/json"))
    with pytest.raises(ProtocolError, match="without an event id"):
        make_client().stream(MODEL, MSG)
    assert server.joins == 1


def test_garbage_instead_of_http_is_unavailable(server: FaultServer, make_client: MakeClient, report: Any) -> None:
    server.on("POST", fs.JOIN, fs.garbage())
    client = make_client(max_retries=1)
    with timed() as t, pytest.raises(SpaceUnavailableError, match="cannot reach"):
        client.stream(MODEL, MSG)
    assert server.joins == 2 and not server.jobs
    assert t.elapsed < 1.0 + SLACK
    assert pool_in_use(client) == 0
    report("SpaceUnavailableError (no HTTP answer)", "SpaceUnavailableError", t.elapsed)


def test_connection_cut_before_an_answer_is_retried(server: FaultServer, make_client: MakeClient) -> None:
    server.on("POST", fs.JOIN, fs.cut(), fs.reset(), fs.join_ok())
    client = make_client(max_retries=2)
    assert client.chat(MODEL, MSG).text == fs.REPLY
    assert server.joins == 3 and len(server.jobs) == 1


def test_join_that_stalls_is_a_timeout_and_never_resubmitted(
    server: FaultServer, make_client: MakeClient, report: Any
) -> None:
    server.on("POST", fs.JOIN, fs.stall())
    client = make_client(max_retries=3, timeout=Timeout(connect=1.0, read=0.5, total=10.0))
    with timed() as t, pytest.raises(SpaceTimeoutError) as info:
        client.stream(MODEL, MSG)
    assert isinstance(info.value, TimeoutError)
    assert server.joins == 1  # the Space may have the job: a retry could run it twice
    assert 0.45 <= t.elapsed < 0.5 + SLACK
    report("SpaceTimeoutError after the read timeout, no re-submit", f"SpaceTimeoutError: {info.value}", t.elapsed)


def test_5xx_on_the_data_stream_after_a_join_is_not_resubmitted(
    server: FaultServer, make_client: MakeClient, report: Any
) -> None:
    server.on("GET", fs.DATA, fs.status(502, "<html>Bad Gateway</html>", content_type="text/html"))
    client = make_client(max_retries=3, retry_max_wait=1.0)
    with timed() as t, pytest.raises(SpaceUnavailableError, match="Bad Gateway"):
        client.stream(MODEL, MSG)
    assert server.joins == 1 and len(server.calls("GET", fs.DATA)) == 1
    assert server.wait_for(lambda: len(server.cancels) == 1, 5.0)  # the job was asked to stop
    assert server.cancels[0].json()["event_id"] == server.jobs[0].event_id
    assert pool_in_use(client) == 0
    report("SpaceUnavailableError, job cancelled, no second join", "as expected", t.elapsed)
