"""The replicas themselves, checked with raw HTTP (no qwen_spaces): if these fail,
the test servers are broken and the client tests mean nothing."""

from __future__ import annotations

import uuid
from typing import Any, Callable, List

import pytest

from tests.servers import raw_gradio as raw
from tests.servers.apps import replies
from tests.servers.images import make_png
from tests.servers.launcher import Replica

CHAT_KINDS = ("chat-state", "chat-textbox", "chat-shifted", "qwen2_5")
# fn_index of the chat event and the default system prompt of each chat kind
CHAT_FN = {"chat-state": 0, "chat-textbox": 0, "chat-shifted": 2, "qwen2_5": 3}
DEFAULT_SYSTEM = {"chat-state": replies.CHAT_DEFAULT_SYSTEM,
                  "chat-textbox": replies.CHAT_DEFAULT_SYSTEM,
                  "chat-shifted": replies.CHAT_DEFAULT_SYSTEM,
                  "qwen2_5": replies.QWEN25_DEFAULT_SYSTEM}


def chat_data(kind: str, prompt: str, system: object = None, size: str = "72B") -> List[Any]:
    return [prompt, [], system] + ([size] if kind == "qwen2_5" else [])


@pytest.mark.parametrize("kind", CHAT_KINDS + ("qvq",))
def test_config_layout(replica: Callable[..., Replica], kind: str, version: str) -> None:
    config = raw.get_config(replica(kind, version).url)
    assert config["version"] == version
    assert config["protocol"] == "sse_v3"
    assert (config.get("api_prefix") or "") == ("" if version.startswith("4.") else "/gradio_api")
    if kind == "qvq":
        assert raw.dependency(config, "generate")
        return
    chat = raw.dependency(config, "model_chat")
    assert chat["id"] == CHAT_FN[kind]
    slot = "textbox" if kind == "chat-textbox" else "state"
    assert raw.component_type(config, chat["inputs"][2]) == slot
    assert raw.dependency(config, "modify_system_session")


@pytest.mark.parametrize("kind", CHAT_KINDS)
def test_default_reply_and_yield_log(replica: Callable[..., Replica], kind: str,
                                     version: str) -> None:
    server = replica(kind, version)
    config = raw.get_config(server.url)
    prompt = f"hi {uuid.uuid4().hex[:8]}"
    messages = raw.queue_run(server.url, config, CHAT_FN[kind], chat_data(kind, prompt))
    done = raw.completed(messages)
    assert done["success"] is True
    plan = replies.plan_for(prompt)
    assert raw.chat_reply(done["output"]["data"][1]) == replies.expected_text(
        replies.raw_text(plan), version)
    generating = [m for m in messages if m["msg"] == "process_generating"]
    assert len(generating) == len(plan.tokens)
    assert replies.count_yields(server.yield_log, prompt) == len(plan.tokens)


@pytest.mark.parametrize("kind", ("chat-state", "chat-textbox", "qwen2_5"))
def test_system_slot(replica: Callable[..., Replica], kind: str, version: str) -> None:
    """State: the join value is ignored, the set-system event in the session works.
    Textbox: the join value is delivered."""
    server = replica(kind, version)
    config = raw.get_config(server.url)
    sent = raw.queue_run(server.url, config, CHAT_FN[kind], chat_data(kind, "echo", "Sent."))
    seen = raw.chat_reply(raw.completed(sent)["output"]["data"][1])
    assert ("system: Sent." in seen) == (kind == "chat-textbox")
    if kind == "chat-textbox":
        return
    session = uuid.uuid4().hex[:11]
    set_fn = raw.dependency(config, "modify_system_session")["id"]
    raw.queue_run(server.url, config, set_fn, ["Be terse."], session_hash=session)
    after = raw.queue_run(server.url, config, CHAT_FN[kind], chat_data(kind, "echo"),
                          session_hash=session)
    assert "system: Be terse." in raw.chat_reply(raw.completed(after)["output"]["data"][1])
    fresh = raw.queue_run(server.url, config, CHAT_FN[kind], chat_data(kind, "echo"))
    assert f"system: {DEFAULT_SYSTEM[kind]}" in raw.chat_reply(
        raw.completed(fresh)["output"]["data"][1])


@pytest.mark.replicas("qwen2_5")
def test_model_size_radio(replica: Callable[..., Replica], version: str) -> None:
    server = replica("qwen2_5", version)
    config = raw.get_config(server.url)
    done = raw.completed(raw.queue_run(server.url, config, 3,
                                       chat_data("qwen2_5", "echo", size="7B")))
    assert raw.chat_reply(done["output"]["data"][1]).endswith("size: 7B")


@pytest.mark.replicas("chat-state")
@pytest.mark.parametrize("prompt, message", [
    ("please quota", replies.QUOTA_MESSAGE), ("early-error", replies.EARLY_MESSAGE),
    ("crash", None)])
def test_errors_in_stream(replica: Callable[..., Replica], version: str, prompt: str,
                          message: object) -> None:
    server = replica("chat-state", version)
    config = raw.get_config(server.url)
    done = raw.completed(raw.queue_run(server.url, config, 0, chat_data("chat-state", prompt)))
    assert done["success"] is False
    error = done["output"]["error"]
    if message is None:
        assert error is None  # show_error=False hides a plain exception's text
    else:
        assert error.strip("'") == message  # 4.44.1 repr-quotes gr.Error text


@pytest.mark.replicas("qvq")
def test_qvq_upload_and_call(replica: Callable[..., Replica], version: str) -> None:
    server = replica("qvq", version)
    config = raw.get_config(server.url)
    image = make_png()
    path = raw.upload(server.url, config, "pic.png", image.png)
    file_data = {"path": path, "orig_name": "pic.png", "meta": {"_type": "gradio.FileData"}}
    events = raw.call_run(server.url, config, "generate", [file_data, "what?"])
    assert events[-1][0] == "complete"
    desc = (image.width, image.height, replies.pixel_hash(image.rgb))
    assert events[-1][1] == ["".join(replies.qvq_tokens(desc, "what?"))]
    no_image = raw.call_run(server.url, config, "generate", [None, "hm"])
    assert no_image[-1][1] == ["".join(replies.qvq_tokens(None, "hm"))]
