"""The generic replicas (tests/servers/kinds.py) checked with raw HTTP only (no qwen_spaces):
each starts, its chat event streams the expected reply over /queue/join + /queue/data, and
its YIELD_LOG shows what the app received.  If these fail, the servers are broken."""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from typing import Any, Callable, Dict, List, Optional

import pytest
import requests

from tests.servers import kinds
from tests.servers import raw_gradio as raw
from tests.servers.apps import generic_replies as gen
from tests.servers.apps.qwen3_demo import fake_dashscope
from tests.servers.apps.qwen3_vl_demo import fake_openai
from tests.servers.images import make_png
from tests.servers.launcher import Replica

PAIRS = [pytest.param(kind, version, id=f"{kind}-{version}") for kind, version in kinds.pairs()]


def _major(version: str) -> int:
    return int(version.split(".")[0])


def _log(replica: Replica, fn: Optional[str] = None) -> List[Dict[str, Any]]:
    return [line for line in gen.read_log(replica.yield_log) if fn is None or line.get("fn") == fn]


def _chat_dep(config: Dict[str, Any], version: str) -> Dict[str, Any]:
    """ChatInterface's public event: "chat" on 4.x/5.x, the function's name on 6.x."""
    return raw.dependency(config, "respond" if _major(version) >= 6 else "chat")


def _run(server: Replica, config: Dict[str, Any], fn_index: int, data: List[Any],
         session: Optional[str] = None) -> List[Dict[str, Any]]:
    messages = raw.queue_run(server.url, config, fn_index, data, session_hash=session)
    done = raw.completed(messages)
    assert done["success"] is True, done
    return messages


def _generating(messages: List[Dict[str, Any]]) -> int:
    return sum(1 for m in messages if m["msg"] == "process_generating")


def _text(value: Any) -> str:
    """Reply text of a ChatInterface response: a str, a message dict or a list of them."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return gen.text_of(value.get("content"))
    return "".join(_text(item) for item in value)


def _upload(server: Replica, config: Dict[str, Any], name: str, content: bytes) -> Dict[str, Any]:
    path = raw.upload(server.url, config, name, content)
    return {"path": path, "orig_name": name, "meta": {"_type": "gradio.FileData"}}


def _check_qwen3(server: Replica, config: Dict[str, Any]) -> None:
    dep = raw.dependency(config, "add_message")
    assert (dep["id"], dep["inputs"], dep["outputs"]) == (
        13, [33, 38, 60, 1], [33, 56, 22, 15, 20, 29, 1])
    assert raw.dependency(config, "toggle_thinking")["id"] == 3
    prompt = f"Hi 你好 the the {uuid.uuid4().hex[:6]}"
    form = {"model": "qwen3-32b", "sys_prompt": "x", "thinking_budget": 4}
    done = raw.completed(_run(server, config, 13, [prompt, form, None, None], secrets.token_hex(6)))
    last = done["output"]["data"][5]["value"][-1]
    parts = {part["type"]: part["content"] for part in last["content"]}
    messages = [{"role": "user", "content": prompt}]
    reasoning, answer = fake_dashscope.reply_texts("qwen3-32b", messages, True, 4 * 1024)
    assert "qwen3-32b" in parts["text"]
    assert (parts["tool"], parts["text"]) == (reasoning, answer)
    [call] = [line for line in _log(server) if line["messages"] == messages]
    assert call == {"model": "qwen3-32b", "messages": messages, "enable_thinking": True,
                    "thinking_budget": 4096}


VL_SYSTEM = "You are a helpful and harmless assistant."  # the Space's DEFAULT_SYS_PROMPT
VL_MODEL, VL_THINKING_MODEL = "qwen3-vl-235b-a22b-instruct", "qwen3-vl-235b-a22b-thinking"


def _parts(done: Dict[str, Any]) -> Dict[str, Any]:
    """The last chatbot message's parts by type (output 5: the pro.Chatbot update)."""
    return {part["type"]: part for part in done["output"]["data"][5]["value"][-1]["content"]}


def _check_qwen3_vl(server: Replica, config: Dict[str, Any]) -> None:
    dep = raw.dependency(config, "add_message")
    assert (dep["id"], dep["inputs"], dep["outputs"], dep["targets"]) == (
        11, [31, 38, 1], [31, 34, 22, 15, 20, 29, 1], [[31, "submit"]])
    toggle = raw.dependency(config, "toggle_thinking")
    assert (toggle["id"], toggle["inputs"], toggle["outputs"]) == (1, [38], [38])
    types = [raw.component_type(config, cid) for cid in (31, 38, 1, 29)]
    assert types == ["modelscopepromultimodalinput", "state", "state", "modelscopeprochatbot"]
    session, tag = secrets.token_hex(6), uuid.uuid4().hex[:6]
    png = make_png(seed=5).png
    image = _upload(server, config, "cat.png", png)
    first = f"What is in this picture? 你好 {tag}"
    # turn 1, thinking off (a new session): the instruct model, no tool part
    done = raw.completed(_run(server, config, 11, [{"text": first, "files": [image]}, None, None], session))
    user = done["output"]["data"][5]["value"][-2]
    [sent] = user["content"][0]["content"]
    assert (user["role"], user["content"][0]["type"], user["content"][1]) == (
        "user", "file", {"type": "text", "copyable": True, "editable": True, "content": first, "options": None})
    assert (sent["path"], sent["orig_name"], sent["mime_type"], sent["size"]) == (
        image["path"], "cat.png", "image/png", len(png))
    data_url = "data:image/png;base64," + base64.b64encode(png).decode()
    messages: List[Dict[str, Any]] = [
        {"role": "system", "content": VL_SYSTEM},
        {"role": "user", "content": [{"type": "image_url", "image_url": {"url": data_url}},
                                     {"type": "text", "text": first}]}]
    _, answer = fake_openai.reply_texts(VL_MODEL, messages)
    assert f"1 image (image/png, {len(png)} bytes)" in answer
    parts = _parts(done)
    assert set(parts) == {"text"} and parts["text"]["content"] == answer
    calls = [line for line in _log(server) if tag in json.dumps(line, ensure_ascii=False)]
    assert calls == [{"model": VL_MODEL, "messages": messages, "enable_thinking": False}]
    # toggle_thinking in the same session: on (its State is not on the wire)
    toggled = raw.completed(_run(server, config, 1, [None], session))
    assert (toggled["output"]["data"], toggled["output"]["changed_state_ids"]) == ([None], [38])
    # turn 2, text only: the thinking model, reasoning in a tool part; the image stays in history
    second = f"And now? {tag}"
    done = raw.completed(_run(server, config, 11, [{"text": second, "files": None}, None, None], session))
    messages += [{"role": "assistant", "content": answer},
                 {"role": "user", "content": [{"type": "text", "text": second}]}]
    reasoning, answer = fake_openai.reply_texts(VL_THINKING_MODEL, messages)
    parts = _parts(done)
    assert (parts["tool"]["content"], parts["text"]["content"]) == (reasoning, answer)
    assert parts["tool"]["options"]["status"] == "done"
    assert parts["tool"]["options"]["title"].startswith("End of Thought (")
    assert reasoning.startswith("This is user message 2 of the conversation, with 1 image so far.")
    calls = [line for line in _log(server) if tag in json.dumps(line, ensure_ascii=False)]
    assert calls[1:] == [{"model": VL_THINKING_MODEL, "messages": messages, "enable_thinking": True}]


def _check_chat_interface(server: Replica, config: Dict[str, Any], kind: str,
                          version: str) -> None:
    dep = _chat_dep(config, version)
    tag = uuid.uuid4().hex[:6]
    session = secrets.token_hex(6)
    additional: Optional[List[Any]] = None
    sizes: Optional[List[int]] = None
    message: Any = f"Hi 你好 {tag}"
    if kind == "ci-additional":
        additional = ["Be brief.", 1.5, "large"]
    if kind == "ci-multimodal":
        sizes = [123, 45]
        files = [_upload(server, config, f"f{i}.png", b"x" * size) for i, size in enumerate(sizes)]
        message = {"text": f"Hi 你好 {tag}", "files": files}
    data = [message, None] + (additional or [])
    assert len(data) == len(dep["inputs"])
    text = f"Hi 你好 {tag}"
    for turn in range(2):  # the history is server-side: a State in the session
        messages = _run(server, config, dep["id"], data, session)
        reply = gen.ci_reply(text, turn, additional, sizes)
        assert _text(raw.completed(messages)["output"]["data"][0]) == reply
        assert _generating(messages) == len(gen.words(reply))
    calls = [line for line in _log(server, "respond") if tag in json.dumps(line, ensure_ascii=False)]
    assert len(calls) == 2
    if additional:
        assert calls[0]["inputs"] == {"System prompt": "Be brief.", "Temperature": 1.5,
                                      "Model": "large"}
    if sizes:
        assert calls[0]["inputs"]["file_sizes"] == sizes
    history = calls[1]["history"]
    # 4.44.1's public "chat" event keeps its history State as tuples, whatever the type
    assert isinstance(history[0], list) == (kind == "ci-tuples" or _major(version) == 4)
    # the turn count the app saw is in its reply ("turns=1", checked above): JSON cannot tell a
    # 5.x file message's (path,) from a 6.x text part, so the logged history is not recounted


def _check_chain(server: Replica, config: Dict[str, Any], kind: str, version: str) -> None:
    user_dep, bot_dep = config["dependencies"][0], config["dependencies"][1]
    assert user_dep["queue"] is False and bot_dep["trigger_after"] == 0
    session = secrets.token_hex(6)
    prompt = f"Hi 你好 {uuid.uuid4().hex[:6]}"
    base = raw.api_base(server.url, config)
    resp = requests.post(f"{base}/run/predict", timeout=raw.TIMEOUT,
                         json={"data": [prompt, []], "fn_index": 0, "session_hash": session})
    resp.raise_for_status()
    cleared, history = resp.json()["data"]
    assert cleared == ""
    messages = _run(server, config, 1, [history], session)
    reply = gen.chain_reply(prompt, 0)
    final = raw.completed(messages)["output"]["data"][0]
    assert raw.chat_reply(final) == reply
    assert _generating(messages) == len(gen.words(reply))
    [bot_call] = [line for line in _log(server, "bot") if prompt in json.dumps(line, ensure_ascii=False)]
    assert isinstance(bot_call["history"][0], list) == (kind == "chain-tuples")


def _check_think_tags(server: Replica, config: Dict[str, Any], version: str) -> None:
    dep = _chat_dep(config, version)
    prompt = f"Hi 你好 {uuid.uuid4().hex[:6]}"
    messages = _run(server, config, dep["id"], [prompt, None])
    assert _text(raw.completed(messages)["output"]["data"][0]) == gen.think_reply(prompt, 0)
    assert _generating(messages) == len(gen.think_steps(prompt, 0))
    assert [line["message"] for line in _log(server, "respond")].count(prompt) == 1


def _check_thoughts(server: Replica, config: Dict[str, Any], version: str) -> None:
    dep = _chat_dep(config, version)
    prompt = f"Hi 你好 {uuid.uuid4().hex[:6]}"
    messages = _run(server, config, dep["id"], [prompt, None])
    final = raw.completed(messages)["output"]["data"][0]
    assert isinstance(final, list) and len(final) == 2
    thought, answer = final
    assert thought["metadata"]["title"] == gen.THOUGHTS_TITLE
    assert _text(thought) == gen.thoughts_reasoning(prompt)
    assert _text(answer) == gen.thoughts_answer(prompt, 0)
    assert not (answer.get("metadata") or {}).get("title")


def _check_two_chats(server: Replica, config: Dict[str, Any]) -> None:
    alpha, beta = raw.dependency(config, "alpha"), raw.dependency(config, "beta")
    assert alpha["types"]["generator"] and beta["types"]["generator"]
    for dep, reply_fn in ((alpha, gen.alpha_reply), (beta, gen.beta_reply)):
        prompt = f"Hi 你好 {uuid.uuid4().hex[:6]}"
        messages = _run(server, config, dep["id"], [prompt, []])
        assert raw.chat_reply(raw.completed(messages)["output"]["data"][1]) == reply_fn(prompt, 0)
    assert {line["fn"] for line in _log(server)} == {"alpha", "beta"}


def _check_no_chat(server: Replica, config: Dict[str, Any]) -> None:
    types = {c["type"] for c in config["components"]}
    assert "chatbot" not in types
    dep = config["dependencies"][0]  # api_name "predict" on 4.x/5.x, "calculator" on 6.x
    assert dep["api_name"] == ("calculator" if config["version"].startswith("6.") else "predict")
    done = raw.completed(_run(server, config, dep["id"], [3, 4, "multiply"]))
    assert done["output"]["data"] == [gen.calculate(3, 4, "multiply")]
    assert _log(server, "calculate")[-1]["inputs"] == {"x": 3, "y": 4, "op": "multiply"}


@pytest.mark.parametrize("kind, version", PAIRS)
def test_replica_streams_its_reply(replica: Callable[..., Replica], kind: str,
                                   version: str) -> None:
    server = replica(kind, version)
    config = raw.get_config(server.url)
    assert config["version"] == version
    if kind == "qwen3-demo":
        _check_qwen3(server, config)
    elif kind == "qwen3-vl-demo":
        _check_qwen3_vl(server, config)
    elif kind.startswith("ci-"):
        _check_chat_interface(server, config, kind, version)
    elif kind.startswith("chain-"):
        _check_chain(server, config, kind, version)
    elif kind == "think-tags":
        _check_think_tags(server, config, version)
    elif kind == "thoughts":
        _check_thoughts(server, config, version)
    elif kind == "two-chats":
        _check_two_chats(server, config)
    else:
        assert kind == "no-chat"
        _check_no_chat(server, config)
