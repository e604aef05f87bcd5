"""LocalSpace("qwen3-vl-demo") against the transcripts recorded from the Qwen/Qwen3-VL-Demo
reconstruction (tests/captures/qwen3-vl-demo, recorded by tests/servers/record_qwen3_vl.py),
over real sockets with plain ``requests``, and through ``qwen_spaces.Client``.

Expected texts come from the replica's own fake upstream
(``tests/servers/apps/qwen3_vl_demo/fake_openai.py``), so LocalSpace and the replica are held to
one deterministic function.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
import requests

import qwen_spaces
from qwen_spaces.testing import LocalSpace, ModelRequest
from tests.servers.apps.qwen3_vl_demo import fake_openai
from tests.servers.images import make_png
from tests.servers.record_qwen3_vl import OUT_DIR, PNG, STEPS, join_body

from .captures import CAPTURES
from .test_localspace_qwen3 import normalize

SYSTEM = "You are a helpful and harmless assistant."
MODEL, THINKING_MODEL = "qwen3-vl-235b-a22b-instruct", "qwen3-vl-235b-a22b-thinking"
NAMES = ("qwen3-vl-demo", "qwen3-vl", "Qwen/Qwen3-VL-Demo", "qwen-qwen3-vl-demo")


def _messages(body: bytes) -> List[Dict[str, Any]]:
    return [json.loads(frame[6:]) for frame in body.split(b"\n\n") if frame.startswith(b"data: ")]


def upload(space: LocalSpace, name: str, content: bytes = PNG) -> Dict[str, Any]:
    answer = requests.post(f"{space.url}/gradio_api/upload", timeout=5,
                           files={"files": (name, content, "application/octet-stream")})
    return {"path": answer.json()[0], "orig_name": name, "meta": {"_type": "gradio.FileData"}}


def run(space: LocalSpace, data: List[Any], session: str, fn_index: int = 11) -> bytes:
    """Join, then read the session's /queue/data stream to its end."""
    body = {"data": data, "event_data": None, "fn_index": fn_index, "session_hash": session,
            "trigger_id": 31 if fn_index == 11 else 39}
    answer = requests.post(f"{space.url}/gradio_api/queue/join", json=body, timeout=5)
    assert answer.status_code == 200, answer.text
    with requests.get(f"{space.url}/gradio_api/queue/data", params={"session_hash": session},
                      stream=True, timeout=10) as resp:
        assert resp.headers["content-type"] == "text/event-stream; charset=utf-8"
        return bytes(resp.raw.read())


def completed(body: bytes) -> Dict[str, Any]:
    return next(m for m in _messages(body) if m["msg"] == "process_completed")


def data_url(content: bytes = PNG) -> str:
    return "data:image/png;base64," + base64.b64encode(content).decode()


def user(text: str, *images: bytes) -> Dict[str, Any]:
    """A user message as the Space sends it upstream."""
    parts: List[Dict[str, Any]] = [{"type": "image_url", "image_url": {"url": data_url(i)}} for i in images]
    return {"role": "user", "content": parts + [{"type": "text", "text": text}]}


@pytest.fixture(scope="module")
def recorded() -> Iterator[Dict[str, Any]]:
    """The recording script's sequence, in its order, on one LocalSpace."""
    with LocalSpace("qwen3-vl-demo") as space:
        streams = {}
        for step in STEPS:
            files = [upload(space, step.upload)] if step.upload else None
            body = join_body(step, files)
            streams[step.file] = run(space, body["data"], step.session, step.fn_index)
        assert space.wait_idle()
        yield {"space": space, "streams": streams, "requests": space.model_requests,
               "events": space.events}


@pytest.mark.parametrize("name", [step.file for step in STEPS])
def test_stream_matches_the_capture_message_by_message(recorded: Dict[str, Any], name: str) -> None:
    ours, theirs = normalize(recorded["streams"][name]), normalize((OUT_DIR / name).read_bytes())
    for i, (mine, real) in enumerate(zip(ours, theirs)):
        assert mine == real, f"{name}: message {i} differs"
    assert len(ours) == len(theirs)


def test_the_model_received_what_the_space_forwards(recorded: Dict[str, Any]) -> None:
    first, second, failing = recorded["requests"]  # the bad upload never reached the model
    turn1, turn2 = STEPS[0].text, STEPS[2].text
    assert isinstance(turn1, str) and isinstance(turn2, str)
    sent = ({"role": "system", "content": SYSTEM}, user(turn1, PNG))
    assert first == ModelRequest("k3v9xq2m7aa", MODEL, sent, False, None, SYSTEM)
    _, answer1 = fake_openai.reply_texts(MODEL, list(sent))
    assert answer1.endswith(f"1 image (image/png, {len(PNG)} bytes). You said: {turn1}")
    assert second.messages == sent + ({"role": "assistant", "content": answer1}, user(turn2))
    assert (second.model, second.enable_thinking) == (THINKING_MODEL, True)
    assert failing.messages[-1] == user("Please fail: __error__")
    outcomes = [(e.fn_index, e.outcome) for e in recorded["events"]]
    assert outcomes == [(11, "completed"), (1, "completed"), (11, "completed"), (11, "error"), (11, "error")]


def test_turn2_value_holds_both_turns(recorded: Dict[str, Any]) -> None:
    chat = completed(recorded["streams"]["queue_data_turn2.sse"])["output"]["data"][5]["value"]
    assert [m["role"] for m in chat] == ["user", "assistant", "user", "assistant"]
    first_user, reply = chat[0], chat[3]
    assert [p["type"] for p in first_user["content"]] == ["file", "text"]
    assert first_user["content"][0]["content"][0]["mime_type"] == "image/png"
    thinking, answer = reply["content"]
    request = recorded["requests"][1]
    reasoning, text = fake_openai.reply_texts(THINKING_MODEL, list(request.messages))
    assert (thinking["type"], thinking["content"], answer["content"]) == ("tool", reasoning, text)
    assert thinking["options"]["status"] == "done" and reply["header"] == "Qwen3-VL"


def test_config_is_the_recorded_one() -> None:
    real = json.loads((CAPTURES / "configs" / "qwen3-vl-demo-5.27.0.json").read_text())
    with LocalSpace("Qwen/Qwen3-VL-Demo") as space:
        config = requests.get(f"{space.url}/config", timeout=5).json()
        info = requests.get(f"{space.url}/gradio_api/info", timeout=5).json()
    assert config["root"] == space.url and config["version"] == space.version == "5.27.0"
    assert (config["api_prefix"], config["protocol"]) == ("/gradio_api", "sse_v3")
    assert config["dependencies"] == real["config"]["dependencies"]
    add = config["dependencies"][11]
    assert (add["api_name"], add["inputs"], add["outputs"]) == \
        ("add_message", [31, 38, 1], [31, 34, 22, 15, 20, 29, 1])
    assert config["dependencies"][1]["api_name"] == "toggle_thinking"
    ours = {c["id"]: c for c in config["components"]}
    stable = real["config"]["root"]
    for comp in real["config"]["components"]:
        props = json.dumps(comp["props"]).replace(stable, space.url).replace("/tmp/replica/gradio-tmp/", "/tmp/gradio/")
        assert (ours[comp["id"]]["type"], ours[comp["id"]]["props"]) == (comp["type"], json.loads(props))
    assert ours[31]["type"] == "modelscopepromultimodalinput" and ours[29]["type"] == "modelscopeprochatbot"
    assert info["named_endpoints"]["/add_message"]["parameters"] == \
        real["info"]["named_endpoints"]["/add_message"]["parameters"]
    assert set(info["named_endpoints"]) == set(real["info"]["named_endpoints"])
    assert space.spec.fn_index == 11 and space.spec.trigger_id == 31


def test_names_and_arguments() -> None:
    for name in NAMES:
        space = LocalSpace(name)
        assert (space.spec.name, space.version, space.api_prefix) == ("qwen3-vl-demo", "5.27.0", "/gradio_api")
    with pytest.raises(ValueError, match="Gradio 5"):
        LocalSpace("qwen3-vl", gradio="6")
    with pytest.raises(ValueError, match="own fn_index"):
        LocalSpace("qwen3-vl", api_name="chat")


def test_file_types_come_from_the_name() -> None:
    """A .txt upload is left out of what the model gets; a name with no MIME type breaks the
    turn, and every later turn of that session (the file stays in its history)."""
    with LocalSpace("qwen3-vl") as space:
        done = completed(run(space, [{"text": "one", "files": [upload(space, "pic.txt")]}, None, None], "a"))
        assert done["success"] is True
        [request] = space.model_requests
        assert request.messages[1] == user("one")
        shown = done["output"]["data"][5]["value"][0]["content"][0]["content"][0]
        assert (shown["orig_name"], shown["mime_type"], shown["size"]) == ("pic.txt", "text/plain", len(PNG))
        for session, text in (("b", "two"), ("b", "three")):
            files = [upload(space, "notes.dat")] if text == "two" else []
            body = run(space, [{"text": text, "files": files}, None, None], session)
            kinds = [m["msg"] for m in _messages(body)]
            assert kinds.count("process_generating") == 2
            assert completed(body) == {"msg": "process_completed", "event_id": completed(body)["event_id"],
                                       "output": {"error": None}, "success": False, "title": None}
        assert len(space.model_requests) == 1
        done = completed(run(space, [{"text": "four", "files": None}, None, None], "c"))
        assert done["success"] is True and space.model_requests[-1].messages[1] == user("four")


def test_files_must_be_uploaded_and_the_value_a_message() -> None:
    with LocalSpace("qwen3-vl") as space:
        stranger = {"path": "/etc/hostname", "orig_name": "x.png", "meta": {"_type": "gradio.FileData"}}
        for data in ([{"text": "x", "files": [stranger]}, None, None], ["plain text", None, None],
                     [{"text": "x", "files": []}, None]):
            body = run(space, data, "s")
            assert [m["msg"] for m in _messages(body)].count("process_generating") == 0
            assert completed(body)["success"] is False
        assert space.model_requests == []


def test_thinking_toggles_per_session() -> None:
    with LocalSpace("qwen3-vl") as space:
        run(space, [None], "a", 1)
        run(space, [None], "b", 1)
        run(space, [None], "b", 1)  # off again
        run(space, [{"text": "x", "files": []}, None, None], "a")
        run(space, [{"text": "y", "files": []}, None, None], "b")
        run(space, [{"text": "z", "files": []}, None, None], "c")
        models = [(r.session_hash, r.model, r.enable_thinking) for r in space.model_requests]
    assert models == [("a", THINKING_MODEL, True), ("b", MODEL, False), ("c", MODEL, False)]


def test_reply_replaces_the_answer() -> None:
    seen: List[Any] = []

    def reply(prompt: str, system: Optional[str], params: Any) -> str:
        seen.append((prompt, system, dict(params)))
        return f"I see {params['images']} image(s): {prompt}"

    with LocalSpace("qwen3-vl", reply=reply) as space:
        done = completed(run(space, [{"text": "Hi", "files": [upload(space, "a.png")]}, None, None], "s"))
    assert done["output"]["data"][5]["value"][-1]["content"][0]["content"] == "I see 1 image(s): Hi"
    assert seen == [("Hi", SYSTEM, {"model": MODEL, "enable_thinking": False, "images": 1})]


# -- through qwen_spaces.Client ----------------------------------------------------------------


def ask(text: str) -> List[Dict[str, str]]:
    return [{"role": "user", "content": text}]


@pytest.fixture
def space() -> Iterator[LocalSpace]:
    with LocalSpace("qwen3-vl-demo") as served:
        yield served


def test_client_sends_text_and_an_image_thinking_off(space: LocalSpace) -> None:
    with qwen_spaces.Client(base_urls={"qwen3-vl": space.url}) as client:
        plain = client.chat("qwen3-vl", ask("Hello VL"))
        seen = client.chat("qwen3-vl", ask("What is this?"), image=PNG)
    first, second = space.model_requests
    assert first.messages == ({"role": "system", "content": SYSTEM}, user("Hello VL"))
    assert second.messages == ({"role": "system", "content": SYSTEM}, user("What is this?", PNG))
    assert plain.text == fake_openai.reply_texts(MODEL, list(first.messages))[1]
    assert seen.text == fake_openai.reply_texts(MODEL, list(second.messages))[1]
    assert f"1 image (image/png, {len(PNG)} bytes)" in seen.text
    assert (plain.reasoning, seen.reasoning, plain.model) == ("", "", "qwen3-vl")
    assert [e.fn_index for e in space.events] == [11, 11]  # no toggle: thinking is off already
    assert first.session_hash != second.session_hash


def test_client_thinking_true_streams_reasoning_apart(space: LocalSpace) -> None:
    image = make_png(seed=9).png
    with qwen_spaces.Client(base_urls={"qwen3-vl": space.url}) as client:
        with client.stream("qwen3-vl", ask("Think first"), image=image, thinking=True, reasoning=True) as stream:
            deltas = list(stream)
        off = client.chat("qwen3-vl", ask("No thinking"), thinking=False)
    on, plain = space.model_requests
    reasoning, answer = fake_openai.reply_texts(THINKING_MODEL, list(on.messages))
    assert on.messages[1] == user("Think first", image) and on.enable_thinking is True
    assert "".join(d.text for d in deltas if d.kind == "reasoning") == reasoning
    assert "".join(d.text for d in deltas if d.kind == "text") == answer
    assert stream.result is not None and (stream.result.text, stream.result.reasoning) == (answer, reasoning)
    assert off.text == fake_openai.reply_texts(MODEL, list(plain.messages))[1] and off.reasoning == ""
    events = space.events
    assert [e.fn_index for e in events] == [1, 11, 11]
    assert events[0].session_hash == events[1].session_hash != events[2].session_hash


def test_client_rules_out_a_system_message_before_any_request(space: LocalSpace) -> None:
    with qwen_spaces.Client(base_urls={"qwen3-vl": space.url}) as client:
        with pytest.raises(ValueError, match="no system prompt input"):
            client.chat("qwen3-vl", [{"role": "system", "content": "Be terse."}, *ask("Hi")])
        with pytest.raises(ValueError, match="no system prompt input"):
            client.chat("qwen3-vl", ask("Hi"), system="Be terse.")
    assert space.requests == []


def test_client_upstream_error_keeps_partial_text(space: LocalSpace) -> None:
    with qwen_spaces.Client(base_urls={"Qwen/Qwen3-VL-Demo": space.url}) as client:
        with pytest.raises(qwen_spaces.SpaceAppError) as caught:
            client.chat("Qwen/Qwen3-VL-Demo", ask("Please fail: __error__"), thinking=True)
    [request] = space.model_requests
    reasoning, answer, error = fake_openai.reply_words(THINKING_MODEL, list(request.messages))
    assert caught.value.message == error == fake_openai.UPSTREAM_ERROR
    assert caught.value.partial_text == "".join(answer) == "Hello from qwen3-vl-235b-a22b-thinking! "
    assert caught.value.partial_reasoning == "".join(reasoning)


def test_client_renames_an_image_whose_name_says_another_type(space: LocalSpace, tmp_path: Path) -> None:
    """The Space works out the type from the name: 'scan.dat' would fail, 'scan.txt' be dropped."""
    with qwen_spaces.Client(base_urls={"qwen3-vl": space.url}) as client:
        for name in ("scan.dat", "scan.txt"):
            path = tmp_path / name
            path.write_bytes(PNG)
            client.chat("qwen3-vl", ask(f"Look at {name}"), image=path)
    assert [r.messages[1] for r in space.model_requests] == [user("Look at scan.dat", PNG),
                                                             user("Look at scan.txt", PNG)]
    assert all(path.endswith("/scan.png") for path in space.uploads)
