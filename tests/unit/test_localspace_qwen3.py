"""LocalSpace("qwen3-demo") against the transcripts recorded from the Qwen/Qwen3-Demo
reconstruction (captures/qwen3-demo), over real sockets, with plain ``requests``.

The streams are compared message by message after normalising what differs per run:
event ids, timings, uuid keys, the "End of Thought (X.XXs)" / footer durations and the
avatar's cache path and URL.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
import requests

from qwen_spaces.testing import LocalSpace, ModelRequest

CAPTURES: Optional[Path] = Path(__file__).resolve().parent.parent / "captures" / "qwen3-demo"

SYS_PROMPT = "You are a helpful and harmless assistant."
TURN1, TURN2 = "Hi! What is 2 + 2?", "And what is 3 + 3?"
ANSWER1 = f"Hello from qwen3-235b-a22b! I received 1 user message. You said: {TURN1}"

_EVENT_ID = re.compile(rb'"event_id":"[0-9a-f]{32}"')
_TIMING = re.compile(rb'"(rank_eta|eta|duration|average_duration)":-?\d[\d.eE+-]*')
_UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_SECONDS = re.compile(rb"\d+\.\d\ds")
_CACHE = re.compile(rb"/tmp/gradio/[0-9a-f]{64}/")
_HOST = re.compile(rb"http://127\.0\.0\.1:\d+")


def normalize(body: bytes) -> List[bytes]:
    """The stream's frames with what differs per run replaced (uuids numbered in order)."""
    uuids: Dict[bytes, bytes] = {}

    def number(match: "re.Match[bytes]") -> bytes:
        return uuids.setdefault(match.group(0), b"K%d" % len(uuids))

    body = _EVENT_ID.sub(b'"event_id":"E"', body)
    body = _TIMING.sub(lambda m: b'"' + m.group(1) + b'":0', body)
    body = _UUID.sub(number, body)
    body = _SECONDS.sub(b"Ts", body)
    body = _CACHE.sub(b"/tmp/gradio/H/", body)
    body = _HOST.sub(b"http://HOST", body)
    return [frame for frame in body.split(b"\n\n") if frame]


def capture(name: str) -> bytes:
    assert CAPTURES is not None
    return (CAPTURES / name).read_bytes()


def form(model: str = "qwen3-235b-a22b", budget: int = 38) -> Dict[str, Any]:
    return {"model": model, "sys_prompt": SYS_PROMPT, "thinking_budget": budget}


def join(space: LocalSpace, data: List[Any], session: Optional[str], fn_index: int = 13,
         trigger_id: int = 33) -> requests.Response:
    body: Dict[str, Any] = {"data": data, "event_data": None, "fn_index": fn_index,
                            "trigger_id": trigger_id}
    if session is not None:
        body["session_hash"] = session
    return requests.post(f"{space.url}/gradio_api/queue/join", json=body, timeout=5)


def run(space: LocalSpace, data: List[Any], session: str, fn_index: int = 13,
        trigger_id: int = 33) -> bytes:
    """Join, then read the session's /queue/data stream to its end."""
    answer = join(space, data, session, fn_index, trigger_id)
    assert answer.status_code == 200, answer.text
    url = f"{space.url}/gradio_api/queue/data"
    with requests.get(url, params={"session_hash": session}, stream=True, timeout=10) as r:
        assert r.status_code == 200
        assert r.headers["content-type"] == "text/event-stream; charset=utf-8"
        return bytes(r.raw.read())


@pytest.fixture(scope="module")
def recorded() -> Iterator[Dict[str, Any]]:
    """The recording script's sequence, in its order, on one LocalSpace (as on one server:
    the first event of each function has null etas, later ones numbers)."""
    with LocalSpace(space="qwen3-demo") as space:
        streams = {
            "queue_data_turn1.sse": run(space, [TURN1, form(), None, None], "x6glg3mrwc1"),
            "queue_data_turn2.sse": run(space, [TURN2, form(), None, None], "x6glg3mrwc1"),
            "queue_data_toggle_thinking.sse": run(space, [None], "zga89izkmke", 3, 61),
            "queue_data_thinking_off.sse": run(space, ["Hello without thinking", form("qwen3-8b"),
                                                       None, None], "zga89izkmke"),
            "queue_data_upstream_error.sse": run(space, ["Please fail: __error__", form("qwen3-32b"),
                                                         None, None], "pxa06vyeefa"),
        }
        assert space.wait_idle()
        yield {"space": space, "streams": streams, "requests": space.model_requests,
               "events": space.events}


@pytest.mark.parametrize("name", [
    "queue_data_turn1.sse", "queue_data_turn2.sse", "queue_data_toggle_thinking.sse",
    "queue_data_thinking_off.sse", "queue_data_upstream_error.sse",
])
def test_stream_matches_the_capture_message_by_message(recorded: Dict[str, Any], name: str) -> None:
    ours, theirs = normalize(recorded["streams"][name]), normalize(capture(name))
    for i, (mine, real) in enumerate(zip(ours, theirs)):
        assert mine == real, f"{name}: message {i} differs"
    assert len(ours) == len(theirs)


def test_the_model_received_what_the_space_forwards(recorded: Dict[str, Any]) -> None:
    first, second, off, failing = recorded["requests"]
    assert all(isinstance(r, ModelRequest) for r in recorded["requests"])
    assert first == ModelRequest("x6glg3mrwc1", "qwen3-235b-a22b", ({"role": "user", "content": TURN1},),
                                 True, 38 * 1024, SYS_PROMPT)
    assert second.messages == ({"role": "user", "content": TURN1},
                               {"role": "assistant", "content": ANSWER1},
                               {"role": "user", "content": TURN2})
    assert (off.session_hash, off.model, off.enable_thinking, off.thinking_budget) == \
        ("zga89izkmke", "qwen3-8b", False, 38912)
    assert failing.model == "qwen3-32b" and failing.enable_thinking is True
    outcomes = [(e.fn_index, e.outcome) for e in recorded["events"]]
    assert outcomes == [(13, "completed"), (13, "completed"), (3, "completed"), (13, "completed"),
                        (13, "error")]


def _apply(value: Any, edits: List[Any]) -> Any:
    """A minimal Gradio diff applier (enough for these streams)."""
    for op, path, arg in edits:
        if not path:
            value = arg if op == "replace" else value + arg
            continue
        *parents, last = path
        target = value
        for key in parents:
            target = target[key]
        if op == "replace":
            target[last] = arg
        elif op == "append":
            target[last] += arg
        elif op == "add":
            if isinstance(target, list):
                target.insert(last, arg)
            else:
                target[last] = arg
        else:
            del target[last]
    return value


def _messages(body: bytes) -> List[Dict[str, Any]]:
    return [json.loads(frame[6:]) for frame in body.split(b"\n\n") if frame.startswith(b"data: ")]


def test_diffs_rebuild_the_final_value(recorded: Dict[str, Any]) -> None:
    messages = _messages(recorded["streams"]["queue_data_turn2.sse"])
    generating = [m for m in messages if m["msg"] == "process_generating"]
    outputs = generating[0]["output"]["data"]
    for message in generating[1:]:
        outputs = [_apply(o, e) for o, e in zip(outputs, message["output"]["data"])]
    completed = next(m for m in messages if m["msg"] == "process_completed")
    assert outputs == completed["output"]["data"]
    chat = outputs[5]["value"]
    assert [m["role"] for m in chat] == ["user", "assistant", "user", "assistant"]
    thinking, answer = chat[3]["content"]
    assert thinking["type"] == "tool" and thinking["options"]["status"] == "done"
    assert thinking["content"].startswith("This is user message 2 of the conversation; thinking budget 38912")
    assert answer["content"] == f"Hello from qwen3-235b-a22b! I received 2 user messages. You said: {TURN2}"
    assert chat[3]["header"] == "Qwen3-235B-A22B" and chat[3]["status"] == "done"


def test_join_needs_a_session_hash() -> None:
    with LocalSpace("qwen3-demo") as space:
        answer = join(space, ["x", form("qwen3-32b"), None, None], None)
        assert (answer.status_code, answer.json()) == (400, {"detail": "Session hash not found."})
        assert space.model_requests == []


def test_config_is_the_captured_one() -> None:
    real = json.loads(capture("config.json"))
    with LocalSpace("Qwen/Qwen3-Demo") as space:
        config = requests.get(f"{space.url}/config", timeout=5).json()
        info = requests.get(f"{space.url}/gradio_api/info", timeout=5).json()
    assert config["root"] == space.url and config["version"] == space.version == "5.27.0"
    assert (config["api_prefix"], config["protocol"]) == ("/gradio_api", "sse_v3")
    assert config["dependencies"] == real["dependencies"]
    add = config["dependencies"][13]
    assert (add["api_name"], add["inputs"], add["outputs"]) == \
        ("add_message", [33, 38, 60, 1], [33, 56, 22, 15, 20, 29, 1])
    assert config["dependencies"][3]["api_name"] == "toggle_thinking"
    ours = {c["id"]: c for c in config["components"]}
    for comp in real["components"]:
        assert ours[comp["id"]]["type"] == comp["type"]
        props = json.dumps(comp["props"]).replace(real["root"], space.url)
        assert ours[comp["id"]]["props"] == json.loads(props)
    assert ours[38]["props"]["value"] == form()
    assert ours[29]["type"] == "modelscopeprochatbot"
    assert [p["parameter_name"] for p in info["named_endpoints"]["/add_message"]["parameters"]] == \
        ["input_value", "settings_form_value"]
    assert space.spec.fn_index == 13 and space.spec.trigger_id == 33


def test_thinking_toggles_per_session_and_budgets_reach_the_model() -> None:
    with LocalSpace("qwen3-demo") as space:
        run(space, [None], "a", 3, 61)
        run(space, [None], "a", 3, 61)  # on again
        run(space, [None], "b", 3, 61)
        run(space, ["one", form("qwen3-4b", 1), None, None], "a")
        body = run(space, ["two", form("qwen3-4b", 2), None, None], "b")
        first, second = space.model_requests
    assert (first.enable_thinking, first.thinking_budget, first.model) == (True, 1024, "qwen3-4b")
    assert (second.enable_thinking, second.thinking_budget) == (False, 2048)
    final = next(m for m in _messages(body) if m["msg"] == "process_completed")
    reply = final["output"]["data"][5]["value"][-1]
    assert reply["header"] == "Qwen3-4B"
    assert [part["type"] for part in reply["content"]] == ["text"]


def test_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="Gradio 5"):
        LocalSpace("qwen3-demo", gradio="4")
    with pytest.raises(ValueError, match="own fn_index"):
        LocalSpace("qwen3-demo", fn_index=2)
    with pytest.raises(ValueError, match="not both"):
        LocalSpace("qwen-2.5", space="qwen3-demo")
    assert LocalSpace(space="qwen3-demo").model == "qwen3-demo"


def test_call_api_sends_full_snapshots_like_the_capture() -> None:
    """/call/add_message (not what clients should use, but it works on the Space)."""
    with LocalSpace("qwen3-demo") as space:
        posted = requests.post(f"{space.url}/gradio_api/call/add_message", timeout=5,
                               json={"data": ["Hello over /call", form("qwen3-32b", 1), None, None]})
        url = f"{space.url}/gradio_api/call/add_message/{posted.json()['event_id']}"
        body = requests.get(url, timeout=10).content
        assert space.calls == 1 and space.model_requests[0].thinking_budget == 1024
    ours, theirs = normalize(body), normalize(capture("call_add_message.sse"))
    for i, (mine, real) in enumerate(zip(ours, theirs)):
        assert mine == real, f"message {i} differs"
    assert len(ours) == len(theirs)


def test_fault_hooks_apply() -> None:
    with LocalSpace("qwen3-demo", error="boom", error_after=2, token_delay=0.001) as space:
        messages = _messages(run(space, ["Hi", form(), None, None], "s1"))
    kinds = [m["msg"] for m in messages]
    assert kinds == ["estimation", "process_starts", "process_generating", "process_generating",
                     "process_completed", "close_stream"]
    assert messages[4]["success"] is False and messages[4]["output"]["error"] == "boom"


def test_reply_replaces_the_answer_and_model_names_pick_the_layout() -> None:
    seen: List[Any] = []

    def reply(prompt: str, system: Optional[str], params: Any) -> str:
        seen.append((prompt, system, dict(params)))
        return f"Echo: {prompt}"

    with LocalSpace("qwen3-8b", reply=reply) as space:
        body = run(space, ["Hi there", form("qwen3-8b", 2), None, None], "s1")
        assert space.version == "5.27.0" and space.spec.api_name == "add_message"
    final = next(m for m in _messages(body) if m["msg"] == "process_completed")
    thinking, answer = final["output"]["data"][5]["value"][-1]["content"]
    assert answer["content"] == "Echo: Hi there"
    assert thinking["content"].startswith("This is user message 1 of the conversation; thinking budget 2048")
    assert seen == [("Hi there", SYS_PROMPT,
                     {"model": "qwen3-8b", "thinking_budget": 2048, "enable_thinking": True})]
