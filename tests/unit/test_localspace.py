"""LocalSpace (qwen_spaces.testing) over real sockets, checked against the
real Gradio wire captures in tests/captures with plain ``requests``."""

from __future__ import annotations

import json
import re
import threading
import time
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
import requests

from qwen_spaces.spaces import get_space
from qwen_spaces.testing import QUOTA_MESSAGE, LocalSpace, ScriptedResponse

from .captures import VERSIONS, capture_bytes, capture_messages, chat_capture

# The replica's reply, token by token (tests/captures/README.md).
CHAT_TOKENS = ["Hello", "!", " the", " the", " answer", " is", ":", "\n", "Line",
               " two", " 你好", " 👋", " done", "."]
SLOW_TOKENS = [f" tok{i}" for i in range(40)]
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(69))  # 77 bytes, like the captured cat.png

_EVENT_ID = re.compile(rb'"event_id":"[0-9a-f]{32}"')
_TIMING = re.compile(rb'"(rank_eta|eta|duration|average_duration|cache_duration|avg_time)":-?\d[\d.eE+-]*')


def _normalize(raw: bytes) -> bytes:
    """Event ids and timings differ from run to run; nothing else may."""
    raw = _EVENT_ID.sub(b'"event_id":"E"', raw)
    return _TIMING.sub(lambda m: b'"' + m.group(1) + b'":0', raw)


def _join(space: LocalSpace, data: List[Any], session: str, fn_index: int = 0,
          headers: Optional[Dict[str, str]] = None) -> requests.Response:
    body = {"data": data, "event_data": None, "fn_index": fn_index, "trigger_id": 10,
            "session_hash": session}
    return requests.post(f"{space.url}{space.api_prefix}/queue/join", json=body,
                         headers=headers, timeout=5)


def _event_id(space: LocalSpace, data: List[Any], session: str, fn_index: int = 0) -> str:
    response = _join(space, data, session, fn_index)
    assert response.status_code == 200, response.text
    return str(response.json()["event_id"])


def _body(space: LocalSpace, session: str) -> bytes:
    url = f"{space.url}{space.api_prefix}/queue/data"
    with requests.get(url, params={"session_hash": session}, stream=True, timeout=10) as r:
        assert r.headers["content-type"] == "text/event-stream; charset=utf-8"
        assert r.headers["transfer-encoding"] == "chunked"
        return bytes(r.raw.read())


def _frames(chunks: Iterator[bytes]) -> Iterator[bytes]:
    buffer = b""
    for chunk in chunks:
        buffer += chunk
        while b"\n\n" in buffer:
            frame, buffer = buffer.split(b"\n\n", 1)
            yield frame


def _messages(response: requests.Response) -> Iterator[Dict[str, Any]]:
    """The /queue/data messages, as they arrive."""
    for frame in _frames(response.iter_content(chunk_size=None)):
        assert frame.startswith(b"data: ")
        yield json.loads(frame[6:])


def _stream(space: LocalSpace, session: str) -> List[Dict[str, Any]]:
    return [json.loads(f[6:]) for f in _frames(iter([_body(space, session)]))]


def _apply(value: Any, edits: List[Any]) -> Any:
    """A minimal Gradio diff applier (the real one is qwen_spaces.protocol.diff)."""
    for op, path, arg in edits:
        if not path:
            value = value + arg if op == "append" else arg
            continue
        parent = value
        for key in path[:-1]:
            parent = parent[key]
        if op == "append":
            parent[path[-1]] += arg
        elif op == "replace" or (op == "add" and isinstance(parent, dict)):
            parent[path[-1]] = arg
        elif op == "add":
            parent.insert(path[-1], arg)
        else:
            del parent[path[-1]]
    return value


def _replay(messages: List[Dict[str, Any]], event_id: str) -> Tuple[Any, Any]:
    """(values after applying every diff, values of process_completed)."""
    values: Any = None
    for m in messages:
        if m.get("event_id") != event_id or m["msg"] != "process_generating":
            continue
        data = m["output"]["data"]
        values = data if values is None else [_apply(v, e) for v, e in zip(values, data)]
    done = next(m for m in messages if m["msg"] == "process_completed" and m["event_id"] == event_id)
    return values, done["output"].get("data")


def _bot_text(chatbot: Any) -> str:
    last = chatbot[-1]
    return str(last[1]) if isinstance(last, list) else str(last["content"][0]["text"])


def _user_text(chatbot: Any) -> str:
    first = chatbot[0]
    return str(first[0]) if isinstance(first, list) else str(first["content"][0]["text"])


def _kinds(messages: List[Dict[str, Any]]) -> List[str]:
    return [m["msg"] for m in messages]


def _collapsed(messages: List[Dict[str, Any]]) -> List[str]:
    """Message kinds with repeated estimations counted once."""
    kinds = _kinds(messages)
    return [k for i, k in enumerate(kinds) if not (k == "estimation" and i and kinds[i - 1] == k)]


# ------------------------------------------------------------ byte-compatibility


@pytest.mark.parametrize("version", VERSIONS)
def test_chat_stream_is_byte_compatible_with_capture(version: str) -> None:
    with LocalSpace("qwen-2-72b", gradio=version[0], tokens=CHAT_TOKENS) as space:
        _event_id(space, ["Hi", [], None], "s1")
        body = _body(space, "s1")
    assert _normalize(body) == _normalize(capture_bytes(chat_capture(version)))


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("kind", ["gpu_quota", "exception"])
def test_error_streams_are_byte_compatible_with_capture(version: str, kind: str) -> None:
    options: Dict[str, Any] = (
        {"error": "You have exceeded your GPU quota"} if kind == "gpu_quota" else {"error_hidden": True}
    )
    prompt = "please trigger quota" if kind == "gpu_quota" else "crash please"
    with LocalSpace("qwen-2-72b", gradio=version[0], tokens=CHAT_TOKENS, error_after=3,
                    **options) as space:
        _event_id(space, [prompt, [], None], "s1")
        body = _body(space, "s1")
        assert space.wait_idle()
        assert space.events[0].outcome == "error" and space.events[0].yields == 3
    assert _normalize(body) == _normalize(capture_bytes(f"g{version}_queue_data_error_{kind}.sse"))


@pytest.mark.parametrize("version", VERSIONS)
def test_turn_two_uses_the_history_sent_back(version: str) -> None:
    name = f"g{version}_queue_data_chat_turn2.sse"
    history = capture_messages(chat_capture(version))[-2]["output"]["data"][1]
    with LocalSpace("qwen-2-72b", gradio=version[0], tokens=CHAT_TOKENS) as space:
        _event_id(space, ["Again", history, None], "s1")
        body = _body(space, "s1")
    assert _normalize(body) == _normalize(capture_bytes(name))


@pytest.mark.parametrize("version", VERSIONS)
def test_gradio4_quotes_error_messages_others_do_not(version: str) -> None:
    with LocalSpace("qwen-2-72b", gradio=version[0], quota_error_after=2, reply="a b c") as space:
        _event_id(space, ["Hi", [], None], "s1")
        done = _stream(space, "s1")[-2]
    expected = repr(QUOTA_MESSAGE) if version.startswith("4") else QUOTA_MESSAGE
    assert done["output"]["error"] == expected and done["success"] is False


@pytest.mark.parametrize("version", VERSIONS)
def test_error_before_first_yield_has_title_on_5_and_6(version: str) -> None:
    with LocalSpace("qwen-2-72b", gradio=version[0], error="nope") as space:
        _event_id(space, ["Hi", [], None], "s1")
        messages = _stream(space, "s1")
    assert _kinds(messages) == ["estimation", "process_starts", "process_completed", "close_stream"]
    if not version.startswith("4"):
        assert messages[2]["title"] == "Error"


# ----------------------------------------------------------------- diffs, reply


@pytest.mark.parametrize("gradio", ["4", "5", "6"])
def test_diffs_applied_give_the_reply(gradio: str) -> None:
    reply = "Sure! Here is a longer answer, with 中文 and emoji 🎉 in it."
    with LocalSpace("qwen-2-5-max", gradio=gradio, reply=reply) as space:
        event_id = _event_id(space, ["Hi", [], None], "s1")
        messages = _stream(space, "s1")
    replayed, completed = _replay(messages, event_id)
    assert replayed == completed
    assert _bot_text(completed[1]) == reply
    generating = [m for m in messages if m["msg"] == "process_generating"]
    assert len(generating) == len(reply.split())
    path = [0, 1] if gradio != "6" else [1, "content", 0, "text"]
    for m in generating[1:]:
        assert m["output"]["data"][0] == [] and m["output"]["data"][2] == []
        assert [e[:2] for e in m["output"]["data"][1]] == [["append", path]]


def test_explicit_tokens_are_the_yields() -> None:
    with LocalSpace("qwen-2-5-max", tokens=["a", "bc", "", "d"], cleandoc=False) as space:
        event_id = _event_id(space, ["Hi", [], None], "s1")
        messages = _stream(space, "s1")
    diffs = [m["output"]["data"][1] for m in messages if m["msg"] == "process_generating"][1:]
    assert diffs == [[["append", [0, 1], "bc"]], [], [["append", [0, 1], "d"]]]
    assert _bot_text(_replay(messages, event_id)[1][1]) == "abcd"


def test_default_reply_echoes_the_prompt() -> None:
    with LocalSpace() as space:
        event_id = _event_id(space, ["What is 2+2?", [], None], "s1")
        _, completed = _replay(_stream(space, "s1"), event_id)
    assert _bot_text(completed[1]) == "Echo: What is 2+2?"


def test_reply_callable_gets_prompt_system_and_params() -> None:
    seen: List[Any] = []

    def reply(prompt: str, system: Optional[str], params: Any) -> str:
        seen.append((prompt, system, dict(params)))
        return f"{system} / {params['model_size']}"

    with LocalSpace("qwen-2.5", reply=reply) as space:
        assert space.gradio == "4" and space.api_prefix == ""
        event_id = _event_id(space, ["Hi", [], "Be terse.", "7B"], "s1", fn_index=3)
        _, completed = _replay(_stream(space, "s1"), event_id)
    assert seen == [("Hi", "Be terse.", {"model_size": "7B"})]
    assert _bot_text(completed[1]) == "Be terse. / 7B"
    assert completed[2] == "Be terse."


def test_system_state_is_set_by_its_own_event_in_the_session() -> None:
    seen: List[Optional[str]] = []

    def reply(prompt: str, system: Optional[str], params: Any) -> str:
        seen.append(system)
        return "ok"

    with LocalSpace("qwen-2-72b", reply=reply, system_state=True) as space:
        config = requests.get(f"{space.url}/config", timeout=5).json()
        setter = next(d["id"] for d in config["dependencies"] if d["api_name"] == "modify_system_session")
        _event_id(space, ["Be terse."], "s1", fn_index=setter)
        assert _kinds(_stream(space, "s1"))[-2:] == ["process_completed", "close_stream"]
        _event_id(space, ["Hi", [], "ignored: this slot is a gr.State"], "s1")
        _stream(space, "s1")
        _event_id(space, ["Hi", [], None], "other")
        _stream(space, "other")
    assert seen == ["Be terse.", get_space("qwen-2-72b").default_system]


# -------------------------------------------------------------- queue behaviour


@pytest.mark.parametrize("version", VERSIONS)
def test_two_events_share_one_stream(version: str) -> None:
    capture = capture_messages(f"g{version}_queue_data_two_events.sse")
    with LocalSpace("qwen-2-72b", gradio=version[0], tokens=CHAT_TOKENS, token_delay=0.01) as space:
        first = _event_id(space, ["first", [], None], "s1")
        second = _event_id(space, ["second", [], None], "s1")
        messages = _stream(space, "s1")
    assert _kinds(messages).count("close_stream") == 1 and messages[-1]["msg"] == "close_stream"
    captured_ids = list(dict.fromkeys(m["event_id"] for m in capture if m["event_id"]))
    for ours, theirs, prompt in zip((first, second), captured_ids, ("first", "second")):
        # the real queue sent the second event one more estimation (rank 1, then 0)
        assert _collapsed([m for m in messages if m["event_id"] == ours]) == \
            _collapsed([m for m in capture if m["event_id"] == theirs])
        replayed, completed = _replay(messages, ours)
        assert replayed == completed and _user_text(completed[1]) == prompt


@pytest.mark.parametrize("version", VERSIONS)
def test_cancel_stops_the_generator(version: str) -> None:
    capture = capture_messages(f"g{version}_queue_data_cancel.sse")
    url_prefix = ""
    with LocalSpace("qwen-2-72b", gradio=version[0], tokens=SLOW_TOKENS, token_delay=0.1,
                    heartbeat=0.3) as space:
        url_prefix = space.url + space.api_prefix
        event_id = _event_id(space, ["slow please", [], None], "s1")
        got = []
        with requests.get(f"{url_prefix}/queue/data", params={"session_hash": "s1"},
                          stream=True, timeout=10) as r:
            for message in _messages(r):
                got.append(message)
                if message["msg"] == "heartbeat" and not space.cancels:
                    cancel = {"session_hash": "s1", "fn_index": 0, "event_id": event_id}
                    answer = requests.post(f"{url_prefix}/cancel", json=cancel, timeout=5)
                    assert answer.json() == {"success": True}
        assert space.wait_idle()
        record = space.events[0]
        assert record.outcome == "cancelled" and 0 < record.yields < len(SLOW_TOKENS)
        assert space.cancels == 1
    norm = [json.loads(_normalize(_compact(m))) for m in got]
    norm_capture = [json.loads(_normalize(_compact(m))) for m in capture]
    assert norm[:3] == norm_capture[:3]  # estimation, process_starts, full first value
    assert norm[-2:] == norm_capture[-2:]  # process_completed {} success, close_stream
    assert set(_kinds(got)) == set(_kinds(capture))


def _compact(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def test_queue_wait_sends_estimations_before_process_starts() -> None:
    started = time.monotonic()
    with LocalSpace(queue_wait=1.2, reply="ok") as space:
        _event_id(space, ["Hi", [], None], "s1")
        messages = _stream(space, "s1")
    assert time.monotonic() - started >= 1.2
    kinds = _kinds(messages)
    waiting = messages[: kinds.index("process_starts")]
    assert len(waiting) >= 2 and {m["msg"] for m in waiting} == {"estimation"}
    ranks = [m["rank"] for m in waiting]
    assert ranks == sorted(ranks, reverse=True) and ranks[-1] == 0
    assert all(m["queue_size"] == m["rank"] + 1 for m in waiting)


def test_heartbeats_while_the_reply_is_slow() -> None:
    with LocalSpace(tokens=["a", " b", " c", " d"], token_delay=0.15, heartbeat=0.2) as space:
        _event_id(space, ["Hi", [], None], "s1")
        messages = _stream(space, "s1")
    beats = [m for m in messages if m["msg"] == "heartbeat"]
    assert beats and all(m == {"msg": "heartbeat", "event_id": None} for m in beats)


@pytest.mark.parametrize("version", VERSIONS)
def test_unknown_session_gets_unexpected_error_and_an_aborted_body(version: str) -> None:
    line = next(
        ln for ln in capture_bytes(f"g{version}_http_errors.txt").split(b"\n")
        if b"unexpected_error" in ln
    )
    with LocalSpace(gradio=version[0]) as space:
        url = f"{space.url}{space.api_prefix}/queue/data"
        received = b""
        with requests.get(url, params={"session_hash": "nobody"}, stream=True, timeout=5) as r:
            with pytest.raises(requests.exceptions.ChunkedEncodingError):
                for chunk in r.iter_content(chunk_size=None):
                    received += chunk
    assert received == line + b"\n\n"


def test_join_validation_matches_gradio() -> None:
    with LocalSpace("qwen-2-5-max") as space:
        url = f"{space.url}/gradio_api/queue/join"
        bad_fn = requests.post(url, json={"data": ["x", [], None], "fn_index": 99, "session_hash": "a"})
        assert (bad_fn.status_code, bad_fn.text) == (500, "Internal Server Error")
        assert bad_fn.headers["content-type"].startswith("text/plain")
        no_hash = requests.post(url, json={"data": ["x", [], None], "fn_index": 0})
        assert (no_hash.status_code, no_hash.json()) == (400, {"detail": "Session hash not found."})
        no_data = requests.post(url, json={"fn_index": 0, "session_hash": "a"})
        assert no_data.status_code == 422
        assert no_data.json()["detail"][0]["loc"] == ["body", "data"]
        assert requests.post(url, data=b"{nope", timeout=5).status_code == 422
        assert space.joins == 0
        few = _event_id(space, ["x"], "few")  # accepted, fails in the stream
        messages = _stream(space, "few")
    assert messages[2]["event_id"] == few and messages[2]["output"] == {"error": None}
    assert messages[2]["title"] == "Error"


# ----------------------------------------------------------- /call and uploads


def _capture_call_tokens(name: str) -> List[str]:
    values = [json.loads(f.split(b"\ndata: ", 1)[1])[0]
              for f in _frames(iter([capture_bytes(name)])) if f.startswith(b"event: generating")]
    return [b[len(a):] for a, b in zip([""] + values, values)]


def _upload(space: LocalSpace, field: str = "files", name: str = "cat.png") -> requests.Response:
    files = {field: (name, PNG, "image/png")}
    return requests.post(f"{space.url}{space.api_prefix}/upload", files=files, timeout=5)


@pytest.mark.parametrize("version", VERSIONS)
def test_call_flow_is_byte_compatible_with_capture(version: str) -> None:
    name = f"g{version}_call_generate.sse"
    with LocalSpace("qvq-72b", gradio=version[0], tokens=_capture_call_tokens(name)) as space:
        base = space.url + space.api_prefix
        path = _upload(space).json()[0]
        image = {"path": path, "meta": {"_type": "gradio.FileData"}, "orig_name": "cat.png"}
        posted = requests.post(f"{base}/call/generate", json={"data": [image, "What is in the image?"]})
        event_id = posted.json()["event_id"]
        assert re.fullmatch(r"[0-9a-f]{32}", event_id)
        with requests.get(f"{base}/call/generate/{event_id}", stream=True, timeout=10) as r:
            body = r.raw.read()
        assert space.calls == 1 and space.joins == 0
    assert body == capture_bytes(name)


@pytest.mark.parametrize("version", VERSIONS)
def test_call_error_is_byte_compatible_with_capture(version: str) -> None:
    name = f"g{version}_call_model_chat_error.sse"
    with LocalSpace("qwen-2-72b", gradio=version[0], tokens=CHAT_TOKENS, error_after=3,
                    error="You have exceeded your GPU quota") as space:
        base = space.url + space.api_prefix
        posted = requests.post(f"{base}/call/model_chat", json={"data": ["please trigger quota", [], None]})
        with requests.get(f"{base}/call/model_chat/{posted.json()['event_id']}", stream=True) as r:
            body = r.raw.read()
    assert body == capture_bytes(name)


def test_call_heartbeat_unknown_event_and_unknown_api() -> None:
    with LocalSpace("qvq-72b", tokens=["a", " b", " c"], token_delay=0.15, heartbeat=0.2) as space:
        base = space.url + space.api_prefix
        event_id = requests.post(f"{base}/call/generate", json={"data": [None, "q"]}).json()["event_id"]
        with requests.get(f"{base}/call/generate/{event_id}", stream=True, timeout=5) as r:
            body = r.raw.read()
        assert b"event: heartbeat\ndata: null\n\n" in body
        assert body.endswith(b'event: complete\ndata: ["a b c"]\n\n')
        received = b""
        with requests.get(f"{base}/call/generate/{event_id}", stream=True, timeout=5) as r:
            with pytest.raises(requests.exceptions.ChunkedEncodingError):
                for chunk in r.iter_content(chunk_size=None):
                    received += chunk
        assert received == b'event: error\ndata: "404: Session not found."\n\n'
        nope = requests.post(f"{base}/call/nope", json={"data": ["x"]})
        assert (nope.status_code, nope.text) == (500, "Internal Server Error")


def test_call_with_a_path_that_was_not_uploaded_fails() -> None:
    with LocalSpace("qvq-72b") as space:
        base = space.url + space.api_prefix
        data = [{"path": "/etc/hostname", "meta": {"_type": "gradio.FileData"}}, "q"]
        event_id = requests.post(f"{base}/call/generate", json={"data": data}).json()["event_id"]
        with requests.get(f"{base}/call/generate/{event_id}", stream=True, timeout=5) as r:
            assert r.raw.read() == b"event: error\ndata: null\n\n"


def test_upload_round_trip() -> None:
    with LocalSpace("qvq-72b") as space:
        paths = _upload(space).json()
        assert len(paths) == 1 and re.fullmatch(r"/tmp/gradio/[0-9a-f]{64}/cat\.png", paths[0])
        assert space.uploads == {paths[0]: PNG}
        assert _upload(space, field="file").json() == []  # wrong field name, as Gradio
        two = requests.post(f"{space.url}/gradio_api/upload", timeout=5, files=[
            ("files", ("a.txt", b"A", "text/plain")), ("files", ("../b.txt", b"B", "text/plain"))])
        a, b = two.json()
        assert a.endswith("/a.txt") and b.endswith("/b.txt")
        assert space.uploads[a] == b"A" and space.uploads[b] == b"B"


# ------------------------------------------------------------ /config and /info


@pytest.mark.parametrize("model,gradio,fn_index,trigger_id,n_inputs", [
    ("qwen-2-5-max", "5", 0, 11, 3),
    ("qwen-2.5", "4", 3, 25, 4),
    ("qwen-2-72b", "6", 0, 11, 3),
    ("qvq-72b", "5", 0, None, 2),
])
def test_config_lets_a_client_rediscover_the_layout(
    model: str, gradio: str, fn_index: int, trigger_id: Optional[int], n_inputs: int
) -> None:
    space_data = get_space(model)
    with LocalSpace(model, gradio=gradio) as space:
        config = requests.get(f"{space.url}/config", timeout=5).json()
        assert requests.get(f"{space.url}/gradio_api/config", timeout=5).status_code == 404
        assert space.spec.url == space.url and space.spec.fn_index == fn_index
    assert config["version"] == space.version and config["protocol"] == "sse_v3"
    assert config.get("api_prefix", "") == space.api_prefix == ("" if gradio == "4" else "/gradio_api")
    assert config["root"] == space.url
    dep = next(d for d in config["dependencies"] if d["api_name"] == space_data.api_name)
    assert dep["id"] == fn_index == config["dependencies"].index(dep)
    if trigger_id is not None:
        assert dep["targets"][0] == [trigger_id, "submit"]
    assert len(dep["inputs"]) == n_inputs and dep["types"]["generator"] is True
    types = {c["id"]: c["type"] for c in config["components"]}
    assert all(i in types for i in dep["inputs"] + dep["outputs"])
    assert types[dep["outputs"][space_data.reply_output]] == ("chatbot" if "history" in space_data.inputs
                                                               else "textbox")
    if "history" in space_data.inputs:
        assert {"chatbot", "textbox", "state"} <= set(types.values())
        assert types[dep["targets"][0][0]] == "textbox"


@pytest.mark.parametrize("version", VERSIONS)
def test_config_has_the_keys_of_the_real_one(version: str) -> None:
    real = json.loads(capture_bytes(f"g{version}_config_chat.json"))
    with LocalSpace("qwen-2-72b", gradio=version[0]) as space:
        ours = requests.get(f"{space.url}/config", timeout=5).json()
    assert set(ours) == set(real)
    real_dep_keys = set().union(*(d.keys() for d in real["dependencies"]))
    assert all(set(d) <= real_dep_keys for d in ours["dependencies"])
    real_comp_keys = set().union(*(c.keys() for c in real["components"]))
    assert all(set(c) <= real_comp_keys for c in ours["components"])
    chatbot = next(c for c in ours["components"] if c["type"] == "chatbot")
    assert chatbot["props"].get("type") == (None if version.startswith("6") else "tuples")


@pytest.mark.parametrize("version", VERSIONS)
def test_info_lists_endpoints_like_gradio(version: str) -> None:
    real = json.loads(capture_bytes(f"g{version}_info_chat.json"))["named_endpoints"]["/model_chat"]
    with LocalSpace("qwen-2-72b", gradio=version[0], system_state=True) as space:
        info = requests.get(f"{space.url}{space.api_prefix}/info", timeout=5).json()
    ours = info["named_endpoints"]["/model_chat"]
    assert set(info) == {"named_endpoints", "unnamed_endpoints"}
    assert [p["parameter_name"] for p in ours["parameters"]] == \
        [p["parameter_name"] for p in real["parameters"]]  # the gr.State is not listed
    assert [p["component"] for p in ours["returns"]] == [p["component"] for p in real["returns"]]
    assert set(ours) <= set(real)
    assert set(ours["parameters"][0]) == set(real["parameters"][0])


# ------------------------------------------------ records, hooks, lifecycle


def test_requests_are_recorded_with_credentials_redacted() -> None:
    with LocalSpace() as space:
        token = {"Authorization": "Bearer hf_secret_value"}
        _join(space, ["Hi", [], None], "s1", headers=token)
        _stream(space, "s1")
        requests.post(f"{space.url}/gradio_api/cancel", json={"event_id": "unknown"}, timeout=5)
        records = space.requests
    assert [(r.method, r.path) for r in records] == [
        ("POST", "/gradio_api/queue/join"), ("GET", "/gradio_api/queue/data"),
        ("POST", "/gradio_api/cancel")]
    join, data, _ = records
    assert join.headers["authorization"] == "Bearer <redacted>"
    assert "hf_secret_value" not in repr(records)
    assert join.json["data"] == ["Hi", [], None] and join.json["session_hash"] == "s1"
    assert dict(data.query) == {"session_hash": "s1"} and data.json is None
    assert (space.joins, space.cancels, space.calls) == (1, 1, 0)
    with pytest.raises(AttributeError):  # frozen
        join.method = "GET"  # type: ignore[misc]


def test_join_status_script_answers_before_normal_joins() -> None:
    full: ScriptedResponse = (503, {"detail": "Queue is full. Max size is 1 and size is 1."}, {})
    limited: ScriptedResponse = (429, "Too Many Requests", {"Retry-After": "7"})
    with LocalSpace(join_status=[full, limited],
                    script={"config": [(401, {"detail": "Not authenticated"}, {})]}) as space:
        first, second = _join(space, ["Hi", [], None], "s1"), _join(space, ["Hi", [], None], "s1")
        assert (first.status_code, first.json()) == (503, full[1])
        assert (second.status_code, second.text, second.headers["retry-after"]) == (429, "Too Many Requests", "7")
        assert _join(space, ["Hi", [], None], "s1").status_code == 200
        assert requests.get(f"{space.url}/config", timeout=5).status_code == 401
        assert requests.get(f"{space.url}/config", timeout=5).status_code == 200
        assert space.joins == 1


def test_cut_after_aborts_the_stream_and_drops_the_session() -> None:
    with LocalSpace(tokens=SLOW_TOKENS, token_delay=0.02, cut_after=4) as space:
        _event_id(space, ["Hi", [], None], "s1")
        url = f"{space.url}/gradio_api/queue/data"
        got = []
        with requests.get(url, params={"session_hash": "s1"}, stream=True, timeout=5) as r:
            with pytest.raises(requests.exceptions.ChunkedEncodingError):
                for message in _messages(r):
                    got.append(message)
        assert _kinds(got) == ["estimation", "process_starts", "process_generating", "process_generating"]
        assert space.wait_idle()
        assert space.events[0].outcome == "dropped" and space.events[0].yields < len(SLOW_TOKENS)
        again: List[Dict[str, Any]] = []
        with requests.get(url, params={"session_hash": "s1"}, stream=True, timeout=5) as r:
            with pytest.raises(requests.exceptions.ChunkedEncodingError):
                for message in _messages(r):
                    again.append(message)
        assert _kinds(again) == ["unexpected_error"]


def test_closing_the_stream_stops_the_generator() -> None:
    with LocalSpace(tokens=SLOW_TOKENS, token_delay=0.05) as space:
        _event_id(space, ["Hi", [], None], "s1")
        with requests.get(f"{space.url}/gradio_api/queue/data", params={"session_hash": "s1"},
                          stream=True, timeout=5) as r:
            for message in _messages(r):
                if message["msg"] == "process_generating":
                    break
        assert space.wait_idle()
        assert space.events[0].outcome == "dropped" and space.events[0].yields < 10


def test_stop_is_quick_with_open_streams() -> None:
    space = LocalSpace(tokens=SLOW_TOKENS, token_delay=1.0).start()
    _event_id(space, ["Hi", [], None], "s1")
    errors: List[BaseException] = []

    def read() -> None:
        try:
            _stream(space, "s1")
        except Exception as exc:  # urllib3's ProtocolError: raw reads are not wrapped
            errors.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    idle = requests.Session()
    idle.get(f"{space.url}/config", timeout=5)  # leaves a kept-alive connection open
    time.sleep(0.3)
    started = time.monotonic()
    space.stop()
    assert time.monotonic() - started < 1.0
    reader.join(2.0)
    idle.close()
    assert not reader.is_alive() and errors
    assert space.wait_idle(1.0) and space.events[0].outcome == "stopped"
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{space.url}/config", timeout=1)


def test_concurrent_chats_are_kept_apart() -> None:
    results: Dict[str, str] = {}

    def chat(n: int) -> None:
        session = f"s{n}"
        event_id = _event_id(space, [f"question {n}", [], None], session)
        results[session] = _bot_text(_replay(_stream(space, session), event_id)[1][1])

    with LocalSpace(token_delay=0.005) as space:
        threads = [threading.Thread(target=chat, args=(n,)) for n in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert space.joins == 16 and len(space.requests) == 32
    assert results == {f"s{n}": f"Echo: question {n}" for n in range(16)}


def test_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="unknown model"):
        LocalSpace("gpt-5")
    with pytest.raises(ValueError, match="gradio"):
        LocalSpace(gradio="3")
    with pytest.raises(ValueError, match="not both"):
        LocalSpace(error="x", quota_error_after=1)
    with pytest.raises(ValueError, match="script"):
        LocalSpace(script={"nope": []})
    with pytest.raises(RuntimeError):
        LocalSpace().url  # noqa: B018


def test_overrides_emulate_a_redeployed_space() -> None:
    with LocalSpace("qwen-2-5-max", fn_index=2, trigger_id=30, api_name="chat") as space:
        config = requests.get(f"{space.url}/config", timeout=5).json()
        assert _join(space, ["Hi", [], None], "s1", fn_index=0).status_code == 200  # other event
        assert _join(space, ["Hi", [], None], "s1", fn_index=9).status_code == 500
    dep = next(d for d in config["dependencies"] if d["api_name"] == "chat")
    assert (dep["id"], dep["targets"][0][0]) == (2, 30)
    assert (space.spec.fn_index, space.spec.trigger_id, space.spec.api_name) == (2, 30, "chat")


# ------------------------------------------------- the real Client against it


@pytest.mark.parametrize("model,gradio", [
    ("qwen-2.5", "4"),        # the Space's own layout (no prefix)
    ("qwen-2-5-max", "5"),    # the Space's own layout (/gradio_api)
    ("qwen-2-72b", "6"),      # built-in facts say Gradio 4: the client must rediscover the prefix
    ("qwen-2-5-max", "4"),    # and the other way round
])
def test_client_streams_from_localspace(model: str, gradio: str) -> None:
    from qwen_spaces import Client

    reply = "Hello there! This is LocalSpace, 你好 👋."
    with LocalSpace(model, gradio=gradio, reply=reply, token_delay=0.001) as space:
        with Client(base_urls={model: space.url}) as client:
            with client.stream(model, [{"role": "user", "content": "Hi"}]) as stream:
                deltas = list(stream)
            assert stream.result is not None
        assert "".join(deltas) == reply == stream.result.text
        assert space.events[-1].outcome == "completed"


@pytest.mark.parametrize("gradio", ["4", "5", "6"])
def test_client_sends_the_system_prompt_to_a_state_slot(gradio: str) -> None:
    from qwen_spaces import Client

    def reply(prompt: str, system: Optional[str], params: Any) -> str:
        return f"[{system}] {prompt}"

    with LocalSpace("qwen-2-72b", gradio=gradio, reply=reply, system_state=True) as space:
        with Client(base_urls={"qwen-2-72b": space.url}) as client:
            result = client.chat("qwen-2-72b", [{"role": "user", "content": "Hi"}], system="Be terse.")
    assert result.text == "[Be terse.] Hi"


@pytest.mark.parametrize("gradio", ["4", "5", "6"])
def test_client_uploads_the_image_and_uses_the_call_flow(gradio: str) -> None:
    from qwen_spaces import Client

    def reply(prompt: str, system: Optional[str], params: Any) -> str:
        return f"I see {params['image']['orig_name']}: {prompt}"

    with LocalSpace("qvq-72b", gradio=gradio, reply=reply) as space:
        with Client(base_urls={"qvq-72b": space.url}) as client:
            result = client.chat("qvq-72b", [{"role": "user", "content": "What is it?"}], image=PNG)
        assert list(space.uploads.values()) == [PNG]
        assert space.calls + space.joins == 1  # /call or the queue: the client's choice
    assert result.text.startswith("I see ") and result.text.endswith(": What is it?")


@pytest.mark.parametrize("gradio", ["4", "5", "6"])
def test_client_reports_app_errors_with_partial_text(gradio: str) -> None:
    from qwen_spaces import Client
    from qwen_spaces.errors import QuotaExceededError

    with LocalSpace("qwen-2-5-max", gradio=gradio, reply="one two three four",
                    quota_error_after=2) as space:
        with Client(base_urls={"qwen-2-5-max": space.url}) as client:
            with pytest.raises(QuotaExceededError) as caught:
                client.chat("qwen-2-5-max", [{"role": "user", "content": "Hi"}])
    assert caught.value.partial_text == "one two"
    assert QUOTA_MESSAGE in str(caught.value)


def test_client_close_cancels_the_job() -> None:
    from qwen_spaces import Client

    with LocalSpace(tokens=SLOW_TOKENS, token_delay=0.05) as space:
        with Client(base_urls={"qwen-2-5-max": space.url}) as client:
            stream = client.stream("qwen-2-5-max", [{"role": "user", "content": "Hi"}])
            next(stream)
            stream.close()
        assert space.wait_idle()
        assert space.events[0].outcome in ("cancelled", "dropped")
        assert space.events[0].yields < len(SLOW_TOKENS)
