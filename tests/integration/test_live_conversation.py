"""Conversations on real Gradio replicas: the exact earlier turns in the Space's own history
format (tuples and messages chatbots on 4.44.1, 5.23.3 and 6.31.0), the session's State on
ChatInterface and on Qwen3-Demo, threads that do not mix, resume, and a restarted Space."""

from __future__ import annotations

import json
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, List

import pytest

from qwen_spaces import Client, Conversation, ConversationLostError
from tests.integration.conftest import spec_for
from tests.servers import kinds, launcher
from tests.servers.apps import generic_replies as gen
from tests.servers.apps.qwen3_demo import fake_dashscope
from tests.servers.launcher import Replica

QWEN3 = kinds.QWEN3_VERSION


def _pairs(*names: str) -> List[Any]:
    return [pytest.param(kind, version, id=f"{kind}-{version}")
            for kind in names for version in kinds.kind_versions()[kind]]


def _tag() -> str:
    return uuid.uuid4().hex[:8]


def _users(conversation: Conversation) -> List[str]:
    return [m["content"] for m in conversation.messages if m["role"] == "user"]


@pytest.mark.parametrize("kind, version", _pairs("chain-tuples", "chain-messages"))
def test_chatbot_input_gets_the_exact_earlier_turns(replica: Callable[..., Replica], kind: str,
                                                    version: str) -> None:
    server = replica(kind, version)
    tag = _tag()
    prompts = [f"q{i} {tag} 你好" for i in range(3)]
    with Client(timeout=30.0) as client:
        conversation = client.conversation(server.url)
        assert conversation.history_mode == "input"
        replies = [conversation.chat(prompt).text for prompt in prompts]
    assert replies == [gen.chain_reply(prompt, turn) for turn, prompt in enumerate(prompts)]
    [third] = [line for line in gen.read_log(server.yield_log)
               if line.get("fn") == "user" and line.get("message") == prompts[2]]
    history = third["history"]  # what the Space got: its own format, never flattened
    if kind == "chain-tuples":
        assert history == [[prompts[0], replies[0]], [prompts[1], replies[1]]]
    else:
        assert [(m["role"], gen.text_of(m["content"])) for m in history] == [
            ("user", prompts[0]), ("assistant", replies[0]),
            ("user", prompts[1]), ("assistant", replies[1])]
    assert conversation.messages == [
        {"role": role, "content": text} for prompt, reply in zip(prompts, replies)
        for role, text in (("user", prompt), ("assistant", reply))]


@pytest.mark.parametrize("kind, version", _pairs("ci-messages", "ci-tuples"))
def test_chat_interface_keeps_the_conversation_in_the_session(
        replica: Callable[..., Replica], kind: str, version: str) -> None:
    server = replica(kind, version)
    tag = _tag()
    prompts = [f"q{i} {tag}" for i in range(3)]
    with Client(timeout=30.0) as client:
        conversation = client.conversation(server.url)
        assert conversation.history_mode == "session"
        replies = [conversation.chat(prompt).text for prompt in prompts]
    assert replies == [gen.ci_reply(prompt, turn) for turn, prompt in enumerate(prompts)]
    calls = [line for line in gen.read_log(server.yield_log)
             if line.get("fn") == "respond" and tag in str(line.get("message"))]
    assert [line["message"] for line in calls] == prompts  # only the new message each turn


@pytest.mark.replicas("qwen3-demo")
@pytest.mark.parametrize("version", [QWEN3])
def test_qwen3_conversation_three_turns(replica: Callable[..., Replica], version: str) -> None:
    server = replica("qwen3-demo", version)
    tag = _tag()
    prompts = [f"q{i} {tag}" for i in range(3)]
    with Client(base_urls={"Qwen/Qwen3-Demo": server.url}, timeout=60.0) as client:
        conversation = client.conversation("qwen3-32b", thinking=False)
        results = [conversation.chat(prompt) for prompt in prompts]
    calls = [line for line in gen.read_log(server.yield_log)
             if line.get("messages") and tag in line["messages"][-1]["content"]]
    assert [[m["content"] for m in c["messages"] if m["role"] == "user"] for c in calls] == [
        prompts[:1], prompts[:2], prompts]  # the model sees 3 user turns on the third
    assert all(c["enable_thinking"] is False and c["model"] == "qwen3-32b" for c in calls)
    for call, result in zip(calls, results):
        assert result.text == fake_dashscope.reply_texts("qwen3-32b", call["messages"], False)[1]
        assert result.reasoning == ""
    assert "3 user messages" in results[-1].text


@pytest.mark.replicas("qwen3-demo")
@pytest.mark.parametrize("version", [QWEN3])
def test_qwen3_sixteen_threads_do_not_mix(replica: Callable[..., Replica], version: str) -> None:
    server = replica("qwen3-demo", version)
    tag = _tag()
    done: Dict[int, Conversation] = {}
    errors: List[BaseException] = []
    with Client(base_urls={"Qwen/Qwen3-Demo": server.url}, timeout=90.0) as client:

        def run(n: int) -> None:
            try:
                conversation = client.conversation("qwen3-0.6b", thinking=False)
                for turn in range(4):
                    conversation.chat(f"{tag} thread {n} turn {turn}")
                done[n] = conversation
            except BaseException as exc:  # noqa: BLE001 (asserted below)
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(n,)) for n in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(100)
    assert errors == [] and len(done) == 16
    calls = [line for line in gen.read_log(server.yield_log)
             if line.get("messages") and tag in line["messages"][-1]["content"]]
    assert len(calls) == 64
    for n in range(16):
        mine = [[m["content"] for m in c["messages"] if m["role"] == "user"] for c in calls
                if f"thread {n} " in c["messages"][-1]["content"]]
        expected = [f"{tag} thread {n} turn {t}" for t in range(4)]
        assert mine == [expected[:k + 1] for k in range(4)]
        assert _users(done[n]) == expected


@pytest.mark.replicas("qwen3-demo")
@pytest.mark.parametrize("version", [QWEN3])
def test_qwen3_saved_conversation_resumes_the_session(replica: Callable[..., Replica],
                                                      version: str) -> None:
    server = replica("qwen3-demo", version)
    tag = _tag()
    with Client(base_urls={"Qwen/Qwen3-Demo": server.url}, timeout=60.0) as client:
        conversation = client.conversation("qwen3-8b")
        conversation.chat(f"q0 {tag}")
        conversation.chat(f"q1 {tag}")
        saved = json.dumps(conversation.to_dict())
    with Client(base_urls={"Qwen/Qwen3-Demo": server.url}, timeout=60.0) as client:
        later = client.conversation(resume=json.loads(saved))
        result = later.chat(f"q2 {tag}")
    assert "3 user messages" in result.text
    assert _users(later) == [f"q{i} {tag}" for i in range(3)]
    assert len(later.messages[1]["reasoning"]) > 0


@pytest.mark.parametrize("version", [QWEN3])
def test_restarted_space_loses_the_conversation(version: str) -> None:
    spec = spec_for("qwen3-demo", version)
    with tempfile.TemporaryDirectory(prefix="qwen-restart-") as root:
        [port] = launcher.free_ports(1)
        server = launcher.spawn(spec, port, Path(root))
        try:
            launcher.wait_ready([server])
            with Client(base_urls={"Qwen/Qwen3-Demo": server.url}, timeout=60.0) as client:
                conversation = client.conversation("qwen3-4b", thinking=False)
                conversation.chat("first")
                conversation.chat("second")
                held = conversation.messages
                launcher.stop(server)
                server = launcher.spawn(spec, port, Path(root))
                launcher.wait_ready([server])
                with pytest.raises(ConversationLostError) as error:
                    conversation.chat("third")
            assert error.value.messages == held == conversation.messages
            assert len(held) == 4
        finally:
            launcher.stop(server)
