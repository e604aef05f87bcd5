"""``qwen_spaces.Client`` against the real replica of Qwen/Qwen3-VL-Demo (Gradio 5.27.0 +
modelscope_studio 1.6.1, tests/servers/apps/qwen3_vl_demo), by model name and by Space id.

Expected texts come from the replica's fake upstream (``fake_openai.reply_texts`` /
``reply_words``, the function the app streams from); what the model *received* comes from the
replica's YIELD_LOG, and which events the client joined from its own requests.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest
import requests

from qwen_spaces import Client, Delta, SpaceAppError
from qwen_spaces.testing import LocalSpace
from tests.servers import kinds
from tests.servers.apps import generic_replies as gen
from tests.servers.apps.qwen3_vl_demo import fake_openai
from tests.servers.images import make_png
from tests.servers.launcher import Replica
from tests.servers.record_qwen3_vl import STEPS, join_body

KIND, QWEN3 = "qwen3-vl-demo", kinds.QWEN3_VERSION
SYSTEM = "You are a helpful and harmless assistant."  # the Space sends its own system prompt
MODEL, THINKING_MODEL = "qwen3-vl-235b-a22b-instruct", "qwen3-vl-235b-a22b-thinking"
ADD_MESSAGE, TOGGLE_THINKING = 11, 1
KEYS = ("qwen3-vl", "Qwen/Qwen3-VL-Demo")  # base_urls key = the model name the test uses


def _prompt() -> str:
    return f"Hi 你好 {uuid.uuid4().hex[:8]}"


def _ask(text: str) -> List[Dict[str, str]]:
    return [{"role": "user", "content": text}]


def _user(text: str, *images: bytes) -> Dict[str, Any]:
    """A user message as the Space sends it upstream (images as data URLs, then the text)."""
    parts: List[Dict[str, Any]] = [
        {"type": "image_url", "image_url": {"url": "data:image/png;base64," + base64.b64encode(i).decode()}}
        for i in images]
    return {"role": "user", "content": parts + [{"type": "text", "text": text}]}


def _sent(*messages: Dict[str, Any]) -> List[Dict[str, Any]]:
    return [{"role": "system", "content": SYSTEM}, *messages]


def _upstream(server: Replica, tag: str) -> List[Dict[str, Any]]:
    """The replica's upstream calls whose last user message's text holds ``tag``."""
    out = []
    for line in gen.read_log(server.yield_log):
        last = line.get("messages", [{}])[-1] if "model" in line else {}
        texts = [p.get("text") for p in last.get("content", []) if isinstance(p, dict)]
        if any(isinstance(t, str) and tag in t for t in texts):
            out.append(line)
    return out


def _joins(client: Client) -> List[Dict[str, Any]]:
    """Every /queue/join body this client sends from now on."""
    seen: List[Dict[str, Any]] = []

    def hook(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        if response.request.url and response.request.url.endswith("/queue/join"):
            seen.append(json.loads(response.request.body or b"{}"))

    client._transport.session.hooks["response"].append(hook)
    return seen


def _split(deltas: List[Any]) -> Tuple[str, str, List[str]]:
    """(reasoning, answer, kinds in wire order with repeats collapsed)."""
    order: List[str] = []
    for delta in deltas:
        assert isinstance(delta, Delta) and delta.text
        if not order or order[-1] != delta.kind:
            order.append(delta.kind)
    return ("".join(d.text for d in deltas if d.kind == "reasoning"),
            "".join(d.text for d in deltas if d.kind == "text"), order)


@pytest.fixture
def server(replica: Callable[..., Replica]) -> Replica:
    return replica(KIND, QWEN3)


@pytest.fixture(params=KEYS)
def named(request: pytest.FixtureRequest, server: Replica) -> Iterator[Tuple[str, Client]]:
    """(the model name to call, a Client whose base_urls maps it to the replica)."""
    key = str(request.param)
    with Client(base_urls={key: server.url}, timeout=60.0) as client:
        yield key, client


pytestmark = [pytest.mark.replicas(KIND), pytest.mark.parametrize("version", [QWEN3])]


def test_text_only_thinking_off_by_default(server: Replica, named: Tuple[str, Client], version: str) -> None:
    model, client = named
    joins = _joins(client)
    prompt = _prompt()
    stream = client.stream(model, _ask(prompt), reasoning=True)
    with stream:
        deltas = list(stream)
    reasoning, answer, order = _split(deltas)
    expected = fake_openai.reply_texts(MODEL, _sent(_user(prompt)))
    assert (reasoning, answer, order) == ("", expected[1], ["text"]) and expected[0] == ""
    assert answer.startswith(f"Hello from {MODEL}! I received 1 user message and 0 images.")
    assert len(deltas) > 5  # streamed, not one lump
    assert stream.result is not None and (stream.result.model, stream.result.space_url) == ("qwen3-vl", server.url)
    [call] = _upstream(server, prompt)
    assert call == {"model": MODEL, "messages": _sent(_user(prompt)), "enable_thinking": False}
    # thinking is off in a new session: no toggle_thinking join, one add_message with null States
    [join] = joins
    assert (join["fn_index"], join["trigger_id"], join["data"]) == (
        ADD_MESSAGE, 31, [{"text": prompt, "files": []}, None, None])


@pytest.mark.parametrize("how", ["bytes", "path", "misnamed-path"])
def test_an_image_reaches_the_model(server: Replica, named: Tuple[str, Client], tmp_path: Path,
                                    how: str, version: str) -> None:
    model, client = named
    png = make_png(31, 17, seed=len(how)).png
    image: Any = png
    if how != "bytes":  # a misnamed file: the Space works out a file's type from its name
        image = tmp_path / ("photo.png" if how == "path" else "photo.dat")
        image.write_bytes(png)
    prompt = _prompt()
    result = client.chat(model, _ask(prompt), image=image)
    sent = _sent(_user(prompt, png))
    assert result.text == fake_openai.reply_texts(MODEL, sent)[1]
    assert f"and 1 image (image/png, {len(png)} bytes). You said: {prompt}" in result.text
    assert result.reasoning == ""
    [call] = _upstream(server, prompt)
    assert call == {"model": MODEL, "messages": sent, "enable_thinking": False}


def test_thinking_true_toggles_in_the_same_session(server: Replica, named: Tuple[str, Client],
                                                   version: str) -> None:
    model, client = named
    joins = _joins(client)
    png = make_png(seed=7).png
    prompt = _prompt()
    stream = client.stream(model, _ask(prompt), image=png, thinking=True, reasoning=True)
    with stream:
        deltas = list(stream)
    reasoning, answer, order = _split(deltas)
    sent = _sent(_user(prompt, png))
    assert (reasoning, answer) == fake_openai.reply_texts(THINKING_MODEL, sent)
    assert reasoning.startswith("This is user message 1 of the conversation, with 1 image so far.")
    assert order == ["reasoning", "text"]
    assert sum(d.kind == "reasoning" for d in deltas) > 5 and sum(d.kind == "text" for d in deltas) > 5
    assert stream.result is not None and (stream.result.text, stream.result.reasoning) == (answer, reasoning)
    [call] = _upstream(server, prompt)
    assert call == {"model": THINKING_MODEL, "messages": sent, "enable_thinking": True}
    toggle, add = joins
    assert (toggle["fn_index"], toggle["data"], add["fn_index"]) == (TOGGLE_THINKING, [None], ADD_MESSAGE)
    assert toggle["session_hash"] == add["session_hash"]

    # thinking=False is the Space's default: no toggle, and a new session starts off again
    prompt = _prompt()
    result = client.chat(model, _ask(prompt), thinking=False)
    assert (result.text, result.reasoning) == (fake_openai.reply_texts(MODEL, _sent(_user(prompt)))[1], "")
    assert [j["fn_index"] for j in joins[2:]] == [ADD_MESSAGE]
    assert joins[2]["session_hash"] != add["session_hash"]
    [call] = _upstream(server, prompt)
    assert (call["model"], call["enable_thinking"]) == (MODEL, False)


def test_chat_returns_reasoning_with_the_answer(server: Replica, named: Tuple[str, Client],
                                               version: str) -> None:
    model, client = named
    prompt = _prompt()
    result = client.chat(model, _ask(prompt), thinking=True)
    assert (result.reasoning, result.text) == fake_openai.reply_texts(THINKING_MODEL, _sent(_user(prompt)))


def test_a_system_message_is_refused_before_any_request(server: Replica, named: Tuple[str, Client],
                                                        version: str) -> None:
    model, client = named
    joins = _joins(client)
    prompt = _prompt()
    with pytest.raises(ValueError, match="qwen3-vl-demo has no system prompt input"):
        client.chat(model, [{"role": "system", "content": "Be terse."}, *_ask(prompt)])
    with pytest.raises(ValueError, match="no system prompt input"):
        client.stream(model, _ask(prompt), system="Be terse.")
    assert joins == [] and _upstream(server, prompt) == []


@pytest.mark.parametrize("thinking", [True, False])
def test_upstream_error_keeps_the_partial_reply(server: Replica, named: Tuple[str, Client],
                                                thinking: bool, version: str) -> None:
    model, client = named
    prompt = f"{_prompt()} {fake_openai.ERROR_TRIGGER}"
    stream = client.stream(model, _ask(prompt), thinking=thinking, reasoning=True)
    seen: List[Delta] = []
    with pytest.raises(SpaceAppError) as caught:
        with stream:
            for delta in stream:
                seen.append(delta)
    [call] = _upstream(server, prompt)
    reasoning, answer, error = fake_openai.reply_words(call["model"], call["messages"])
    assert call["model"] == (THINKING_MODEL if thinking else MODEL)
    assert len(answer) == 3 and len(reasoning) == (3 if thinking else 0)
    assert caught.value.message == error == fake_openai.UPSTREAM_ERROR  # the red span's text
    assert caught.value.partial_text == "".join(answer) == f"Hello from {call['model']}! "
    assert caught.value.partial_reasoning == "".join(reasoning)
    assert _split(seen)[:2] == ("".join(reasoning), "".join(answer))


def test_by_url_the_config_tells_the_client(server: Replica, version: str) -> None:
    """Without the profile (a URL): /config gives the multimodal input; the Space's own
    default (thinking off) applies, and thinking= needs the profile."""
    with Client(timeout=60.0) as client:
        contract = client.chat_contract(server.url)
        assert (contract.reply_step.fn_index, contract.reply_format, contract.version) == (11, "pro", QWEN3)
        png = make_png(seed=3).png
        prompt = _prompt()
        result = client.chat(server.url, _ask(prompt), image=png)
        assert result.text == fake_openai.reply_texts(MODEL, _sent(_user(prompt, png)))[1]
        with pytest.raises(ValueError, match="thinking switch"):
            client.stream(server.url, _ask(prompt), thinking=True)


_NULL_ETA = re.compile(rb'"(rank_eta|eta)":null')


def _stream(base: str, step: Any, session: str, upload: Callable[[str], Dict[str, Any]]) -> bytes:
    files = [upload(step.upload)] if step.upload else None
    body = join_body(step, files)
    body["session_hash"] = session
    requests.post(f"{base}/queue/join", json=body, timeout=10).raise_for_status()
    with requests.get(f"{base}/queue/data", params={"session_hash": session}, stream=True, timeout=60) as resp:
        return bytes(resp.raw.read())


def _uploader(base: str, png: bytes) -> Callable[[str], Dict[str, Any]]:
    def upload(name: str) -> Dict[str, Any]:
        answer = requests.post(f"{base}/upload", files={"files": (name, png, "image/png")}, timeout=10)
        return {"path": answer.json()[0], "orig_name": name, "meta": {"_type": "gradio.FileData"}}

    return upload


def test_localspace_streams_what_the_replica_streams(server: Replica, version: str) -> None:
    """LocalSpace("qwen3-vl-demo") against the live replica, message by message (ids, timings,
    uuids, durations, cache paths and hosts normalised; the replica's temp folder read as Gradio's
    default; null etas too, as the replica may have run each function before)."""
    from tests.unit.test_localspace_qwen3 import normalize

    png = make_png(seed=11).png
    sessions: Dict[str, str] = {}
    bodies: Dict[str, List[bytes]] = {"replica": [], "local": []}
    with LocalSpace("qwen3-vl-demo") as space:
        for where, url in (("replica", server.url), ("local", space.url)):
            base = f"{url}/gradio_api"
            for step in STEPS:
                session = sessions.setdefault(f"{where}-{step.session}", secrets.token_hex(6))
                raw = _stream(base, step, session, _uploader(base, png))
                raw = raw.replace(str(server.workdir / "gradio-tmp").encode(), b"/tmp/gradio")
                bodies[where].append(_NULL_ETA.sub(rb'"\1":0', raw))
    for step, theirs, ours in zip(STEPS, bodies["replica"], bodies["local"]):
        real, mine = normalize(theirs), normalize(ours)
        for i, (a, b) in enumerate(zip(mine, real)):
            assert a == b, f"{step.file}: message {i} differs"
        assert len(mine) == len(real), step.file
