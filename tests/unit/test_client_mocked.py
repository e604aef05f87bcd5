"""Client behaviour a real server cannot be made to show on demand, with
`responses` mocks fed by real captures."""

import json
import logging
import threading
from typing import Any, List

import pytest
import responses
from responses import matchers

import qwen_spaces
from qwen_spaces import Client, Timeout
from qwen_spaces.errors import (
    AuthenticationError,
    ProtocolError,
    QueueFullError,
    RateLimitError,
    SpaceUnavailableError,
    StreamInterruptedError,
)

from .captures import capture_bytes, capture_messages

ROOT = "http://127.0.0.1:9"
JOIN = f"{ROOT}/gradio_api/queue/join"
DATA = f"{ROOT}/gradio_api/queue/data"
CANCEL = f"{ROOT}/gradio_api/cancel"
CHAT6 = "g6.31.0_queue_data_chat_messages.sse"
REPLY = "Hello! the the answer is:\nLine two 你好 👋 done."
MSG = [{"role": "user", "content": "Hi"}]


class _Mock(responses.RequestsMock):
    """A RequestsMock whose recorded calls outlive the ``with`` block."""

    def reset(self) -> None:
        self.kept = list(self.calls)
        super().reset()

    @property
    def recorded(self) -> List[Any]:
        return list(self.calls) or getattr(self, "kept", [])


def _event_id(name: str) -> str:
    return next(m["event_id"] for m in capture_messages(name) if m.get("event_id"))


def _client(**kw: Any) -> Client:
    kw.setdefault("retry_max_wait", 0.01)
    return Client(base_urls={"qwen-2-5-max": ROOT}, **kw)


def _stream_ok(rsps: _Mock, name: str = CHAT6) -> None:
    rsps.add(responses.GET, DATA, body=capture_bytes(name), content_type="text/event-stream")


def _join_ok(rsps: _Mock, name: str = CHAT6) -> None:
    rsps.add(responses.POST, JOIN, json={"event_id": _event_id(name)})


def _joins(rsps: _Mock) -> List[Any]:
    return [c for c in rsps.recorded if c.request.url.endswith("/queue/join")]


def test_stream_reproduces_the_capture_exactly() -> None:
    with _Mock() as rsps:
        _join_ok(rsps)
        _stream_ok(rsps)
        with _client() as client:
            stream = client.stream("qwen-2-5-max", MSG)
            deltas = list(stream)
    assert "".join(deltas) == stream.result.text == REPLY
    assert stream.result.model == "qwen-qwen2-5-max" and stream.result.space_url == ROOT
    body = json.loads(_joins(rsps)[0].request.body)
    assert body["data"] == ["Hi", [], "You are a helpful assistant."]
    assert body["fn_index"] == 0 and body["trigger_id"] == 11
    assert len(body["session_hash"]) >= 10


def test_join_503_twice_then_success_creates_one_job() -> None:
    with _Mock() as rsps:
        rsps.add(responses.POST, JOIN, status=503, json={"detail": "Service Unavailable"})
        rsps.add(responses.POST, JOIN, status=503, json={"detail": "Service Unavailable"})
        _join_ok(rsps)
        _stream_ok(rsps)
        seen: list = []
        with _client() as client:
            text = client.chat("qwen-2-5-max", MSG, on_status=seen.append).text
    assert text == REPLY
    assert len(_joins(rsps)) == 3
    assert [s.kind for s in seen].count("retrying") == 2


def test_503_forever_gives_unavailable_after_max_retries() -> None:
    with _Mock() as rsps:
        rsps.add(responses.POST, JOIN, status=503, body="<html>sleeping</html>")
        with _client(max_retries=2) as client, pytest.raises(SpaceUnavailableError) as info:
            client.stream("qwen-2-5-max", MSG)
    assert len(_joins(rsps)) == 3 and info.value.status_code == 503
    assert "sleeping" in str(info.value)


def test_queue_full_is_its_own_error() -> None:
    with _Mock() as rsps:
        rsps.add(
            responses.POST, JOIN, status=503,
            json={"detail": "Queue is full. Max size is 1 and size is 1."},
        )
        with _client(max_retries=1) as client, pytest.raises(QueueFullError, match="Queue is full"):
            client.stream("qwen-2-5-max", MSG)
    assert len(_joins(rsps)) == 2


def test_429_retry_after_is_honoured_and_capped() -> None:
    sleeps: list = []
    with _Mock() as rsps:
        rsps.add(responses.POST, JOIN, status=429, headers={"Retry-After": "1"}, json={})
        rsps.add(responses.POST, JOIN, status=429, headers={"Retry-After": "3600"}, json={})
        _join_ok(rsps)
        _stream_ok(rsps)
        with _client(retry_max_wait=2.0) as client:
            client.chat("qwen-2-5-max", MSG, on_status=lambda s: s.kind == "retrying" and sleeps.append(s.eta))
    assert sleeps == [1.0, 2.0]


def test_429_after_retries_keeps_retry_after() -> None:
    with _Mock() as rsps:
        rsps.add(responses.POST, JOIN, status=429, headers={"Retry-After": "0"}, json={})
        with _client(max_retries=0) as client, pytest.raises(RateLimitError) as info:
            client.stream("qwen-2-5-max", MSG)
    assert info.value.retry_after == 0.0


@pytest.mark.parametrize("status", [401, 403])
def test_auth_errors_are_never_retried(status: int) -> None:
    with _Mock() as rsps:
        rsps.add(responses.POST, JOIN, status=status, json={"detail": "Not authenticated"})
        with _client() as client, pytest.raises(AuthenticationError, match="Not authenticated"):
            client.stream("qwen-2-5-max", MSG)
    assert len(_joins(rsps)) == 1


def test_html_instead_of_json_is_a_protocol_error_with_excerpt() -> None:
    with _Mock() as rsps:
        rsps.add(responses.POST, JOIN, body="<html><title>Proxy login</title></html>", content_type="text/html")
        with _client() as client, pytest.raises(ProtocolError, match="Proxy login"):
            client.stream("qwen-2-5-max", MSG)


def test_404_reads_config_once_and_uses_its_prefix_and_event() -> None:
    config = json.loads(capture_bytes("g4.44.1_config_chat.json"))
    with _Mock() as rsps:
        rsps.add(responses.POST, JOIN, status=404, json={"detail": "Not Found"})
        rsps.add(responses.GET, f"{ROOT}/config", json=config)
        rsps.add(responses.POST, f"{ROOT}/queue/join", json={"event_id": _event_id(CHAT6)})
        rsps.add(responses.GET, f"{ROOT}/queue/data", body=capture_bytes(CHAT6))
        rsps.add(responses.POST, f"{ROOT}/queue/join", json={"event_id": _event_id(CHAT6)})
        rsps.add(responses.GET, f"{ROOT}/queue/data", body=capture_bytes(CHAT6))
        with _client() as client:
            assert client.chat("qwen-2-5-max", MSG).text == REPLY
            assert client.chat("qwen-2-5-max", MSG).text == REPLY  # no second /config
    urls = [c.request.url for c in rsps.recorded]
    assert urls.count(f"{ROOT}/config") == 1 and urls.count(JOIN) == 1


def test_404_everywhere_names_the_url_after_one_discovery() -> None:
    with _Mock() as rsps:
        rsps.add(responses.POST, JOIN, status=404, json={"detail": "Not Found"})
        rsps.add(responses.GET, f"{ROOT}/config", status=404, json={"detail": "Not Found"})
        with _client() as client, pytest.raises(SpaceUnavailableError, match="404") as info:
            client.stream("qwen-2-5-max", MSG)
    assert info.value.url == JOIN
    assert len(_joins(rsps)) == 1


def test_connection_refused_is_unavailable() -> None:
    with Client(base_urls={"qwen-2-5-max": "http://127.0.0.1:9"}, max_retries=1, retry_max_wait=0.01) as c:
        with pytest.raises(SpaceUnavailableError, match="cannot reach"):
            c.stream("qwen-2-5-max", MSG)


def test_cut_stream_keeps_exactly_the_yielded_text_and_cancels() -> None:
    body = capture_bytes(CHAT6)
    cut = body.split(b"\n\n")
    partial = b"\n\n".join(cut[:6]) + b"\n\n"  # estimation, starts, 4 generating
    with _Mock() as rsps:
        _join_ok(rsps)
        rsps.add(responses.GET, DATA, body=partial)
        rsps.add(responses.POST, CANCEL, json={"success": True})
        with _client() as client:
            stream = client.stream("qwen-2-5-max", MSG)
            got = []
            with pytest.raises(StreamInterruptedError) as info:
                for delta in stream:
                    got.append(delta)
    assert info.value.partial_text == "".join(got) == "Hello! the the"
    cancel = [c for c in rsps.recorded if c.request.url == CANCEL]
    assert len(cancel) == 1
    assert json.loads(cancel[0].request.body)["event_id"] == _event_id(CHAT6)


def test_early_close_cancels_the_job() -> None:
    with _Mock() as rsps:
        _join_ok(rsps)
        _stream_ok(rsps)
        rsps.add(responses.POST, CANCEL, json={"success": True})
        with _client() as client:
            with client.stream("qwen-2-5-max", MSG) as stream:
                assert next(stream) == "Hello"
            assert stream.result is None
    assert [c.request.url for c in rsps.recorded][-1] == CANCEL


def test_token_goes_only_to_the_space_and_never_into_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with _Mock() as rsps:
        rsps.add(
            responses.POST, JOIN, json={"event_id": _event_id(CHAT6)},
            match=[matchers.header_matcher({"Authorization": "Bearer hf_secret123"})],
        )
        _stream_ok(rsps)
        with _client(hf_token="hf_secret123") as client:
            assert "hf_secret123" not in repr(client)
            client.chat("qwen-2-5-max", MSG)
    assert "hf_secret123" not in caplog.text


def test_token_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_TOKEN", "hf_env")
    with _Mock() as rsps:
        rsps.add(
            responses.POST, JOIN, status=401, json={},
            match=[matchers.header_matcher({"Authorization": "Bearer hf_env"})],
        )
        with _client() as client, pytest.raises(AuthenticationError) as info:
            client.stream("qwen-2-5-max", MSG)
    assert "hf_env" not in str(info.value)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda c: c.stream("gpt-4", MSG), "accepted names: qwen-qwen2-5-max"),
        (lambda c: c.stream("qwen-2-5-max", []), "empty"),
        (lambda c: c.stream("qwen-2-5-max", [{"role": "user"}]), "no content"),
        (lambda c: c.stream("qwen-2-5-max", [{"content": "x"}]), "no role"),
        (lambda c: c.stream("qwen-2-5-max", [{"role": "robot", "content": "x"}]), "role 'robot'"),
        (lambda c: c.stream("qwen-2-5-max", [{"role": "system", "content": "x"}]), "only system"),
        (lambda c: c.stream("qwen-2-5-max", MSG, image=b"\x89PNG\r\n\x1a\n"), "does not take images"),
        (lambda c: c.stream("qvq-72b", MSG, system="x"), "no system prompt"),
        (lambda c: c.stream("qwen-2.5", MSG, model_size="1000B"), "not one of"),
        (lambda c: c.stream("qwen-2-5-max", MSG, temperature=1), "does not take temperature"),
        (lambda c: c.stream("qvq-72b", MSG, image="/nonexistent/cat.png"), "not found"),
        (lambda c: c.stream("qvq-72b", MSG, image=b"not an image"), "not a PNG"),
    ],
)
def test_bad_input_is_a_value_error_before_any_request(call: Any, match: str) -> None:
    with _Mock() as rsps, _client() as client:
        with pytest.raises(ValueError, match=match):
            call(client)
    assert not rsps.recorded


def test_image_over_the_cap_is_refused(tmp_path: Any) -> None:
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 2000)
    with _Mock(), _client(max_image_bytes=1000) as client:
        with pytest.raises(ValueError, match="limit"):
            client.stream("qvq-72b", MSG, image=str(big))
        with pytest.raises(ValueError, match="directory"):
            client.stream("qvq-72b", MSG, image=str(tmp_path))


@pytest.mark.parametrize(
    "url",
    ["http://example.com", "ftp://127.0.0.1", "https://user:pw@example.com", "not a url"],
)
def test_unsafe_or_bad_base_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        Client(base_urls={"qwen-2-5-max": url})


def test_http_to_other_hosts_only_with_opt_in() -> None:
    Client(base_urls={"qwen-2-5-max": "http://example.com"}, allow_http=True).close()


def test_models_lists_every_name() -> None:
    assert qwen_spaces.models() == [
        "qwen-qwen2-5-max", "qwen-2-5-max", "qwen-qwen2-5", "qwen-2.5",
        "qwen-qwen2-72b-instruct", "qwen-2-72b", "qwen-qvq-72b-preview", "qvq-72b",
        "qwen3-235b-a22b", "qwen3-32b", "qwen3-30b-a3b", "qwen3-14b", "qwen3-8b", "qwen3-4b",
        "qwen3-1.7b", "qwen3-0.6b", "qwen3-vl", "qwen3-vl-demo",
        "Qwen/Qwen2.5-Max-Demo", "Qwen/Qwen2.5", "Qwen/Qwen2-72B-Instruct", "Qwen/QVQ-72B-preview",
        "Qwen/Qwen3-Demo", "Qwen/Qwen3-VL-Demo",
    ]
    assert qwen_spaces.get_space("qvq-72b").supports_vision
    assert qwen_spaces.get_space("Qwen/Qwen3-Demo") is qwen_spaces.get_space("qwen3-8b")


def test_timeout_coercion() -> None:
    assert Timeout.coerce(5).read == 5.0 and Timeout.coerce(None) == Timeout()
    with pytest.raises(ValueError):
        Timeout.coerce(-1)


def test_discovery_happens_once_under_threads() -> None:
    config = json.loads(capture_bytes("g4.44.1_config_chat.json"))
    with _Mock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(responses.POST, JOIN, status=404, json={})
        rsps.add(responses.GET, f"{ROOT}/config", json=config)
        rsps.add(responses.POST, f"{ROOT}/queue/join", json={"event_id": _event_id(CHAT6)})
        rsps.add(responses.GET, f"{ROOT}/queue/data", body=capture_bytes(CHAT6))
        texts: list = []
        with _client() as client:
            threads = [
                threading.Thread(target=lambda: texts.append(client.chat("qwen-2-5-max", MSG).text))
                for _ in range(8)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
    assert texts == [REPLY] * 8
    assert [c.request.url for c in rsps.recorded].count(f"{ROOT}/config") == 1


def test_discovery_that_needs_a_token_reports_authentication() -> None:
    with _Mock() as rsps:
        rsps.add(responses.POST, JOIN, status=404, json={"detail": "Not Found"})
        rsps.add(responses.GET, f"{ROOT}/config", status=401, json={"detail": "Not authenticated"})
        with _client() as client, pytest.raises(AuthenticationError):
            client.stream("qwen-2-5-max", MSG)
