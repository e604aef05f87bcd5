"""The OpenAI shape, ``qwen-spaces serve``, ``client.map`` and ``qwen-spaces batch`` on real
Gradio replicas.

Expected texts come from what the replica apps stream (``tests/servers/apps/replies.py`` and
``generic_replies.py``, Qwen3-Demo's ``fake_dashscope.py``) and Gradio's own whitespace rules,
never from the client.  ``serve`` runs as a subprocess and is driven by the real ``openai``
package.  One Gradio version is enough for the server and batch tests (the client below them
is tested on every version elsewhere); the facade runs on all of them.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Iterator, List, Optional, Tuple

import openai
import pytest

from qwen_spaces import ChatResult, Client, SpaceAppError
from tests.integration.expect import chat_text, echo_reply, partial_chat_text, unique, user
from tests.servers import kinds
from tests.servers.apps import generic_replies as gen
from tests.servers.apps import replies
from tests.servers.apps.qwen3_demo import fake_dashscope
from tests.servers.launcher import Replica

ROOT = Path(__file__).resolve().parents[2]
QWEN3 = kinds.QWEN3_VERSION
ONE = "5.23.3"  # the Gradio version of the server and batch tests
KEY = "sk-integration"
CHAT = "qwen-qwen2-5-max"  # served by the "chat-state" replica
CHAT_SYSTEM = replies.CHAT_DEFAULT_SYSTEM


def wait_for(check: Callable[[], bool], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def settled_yields(log: Path, prompt: str, quiet: float = 2.0, limit: float = 25.0) -> int:
    """The replica's yield count for ``prompt`` once it has stopped growing for ``quiet`` s."""
    deadline = time.monotonic() + limit
    count, since = replies.count_yields(log, prompt), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = replies.count_yields(log, prompt)
        if now != count:
            count, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
    return count


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- the facade: client.chat.completions.create --------------------------------------------------


@pytest.fixture
def qwen3(replica: Callable[..., Replica]) -> Iterator[Tuple[Replica, Client]]:
    server = replica("qwen3-demo", QWEN3)
    with Client(base_urls={"Qwen/Qwen3-Demo": server.url}, timeout=60.0) as client:
        yield server, client


@pytest.mark.replicas("qwen3-demo")
@pytest.mark.parametrize("version", [QWEN3])
def test_facade_on_qwen3_whole_and_streamed(qwen3: Tuple[Replica, Client], version: str) -> None:
    _, client = qwen3
    prompt = f"What is 6 x 7? {uuid.uuid4().hex[:8]}"
    reasoning, answer = fake_dashscope.reply_texts("qwen3-32b", user(prompt), True, 38 * 1024)

    completion = client.chat.completions.create(model="qwen3-32b", messages=user(prompt))
    message = completion.choices[0].message
    assert (message.content, message.reasoning_content) == (answer, reasoning)
    assert (completion.object, completion.model, completion.choices[0].finish_reason) == (
        "chat.completion", "qwen3-32b", "stop")

    with client.chat.completions.create(model="qwen3-32b", messages=user(prompt), stream=True) as stream:
        chunks = list(stream)
    deltas = [c.choices[0].delta for c in chunks]
    assert (deltas[0].role, deltas[0].content) == ("assistant", "")
    assert "".join(d.reasoning_content or "" for d in deltas) == reasoning
    assert "".join(d.content or "" for d in deltas) == answer
    order = ["r" if d.reasoning_content else "a" for d in deltas[1:-1]]
    assert order == sorted(order, reverse=True) and order.count("r") > 5 and order.count("a") > 5
    assert [c.choices[0].finish_reason for c in chunks] == [None] * (len(chunks) - 1) + ["stop"]


@pytest.mark.replicas("qwen3-demo")
@pytest.mark.parametrize("version", [QWEN3])
def test_facade_on_qwen3_thinking_off_and_budget(qwen3: Tuple[Replica, Client], version: str) -> None:
    _, client = qwen3
    prompt = f"Quick {uuid.uuid4().hex[:8]}"
    off = client.chat.completions.create(model="qwen3-8b", messages=user(prompt), thinking=False)
    assert off.choices[0].message.content == fake_dashscope.reply_texts("qwen3-8b", user(prompt), False)[1]
    assert off.choices[0].message.reasoning_content is None
    budget = client.chat.completions.create(model="qwen3-8b", messages=user(prompt), extra_body={"thinking_budget": 2})
    expected = fake_dashscope.reply_texts("qwen3-8b", user(prompt), True, 2 * 1024)
    assert (budget.choices[0].message.content, budget.choices[0].message.reasoning_content) == (
        expected[1], expected[0])


@pytest.mark.parametrize("space", [CHAT])
def test_facade_on_a_seed_chat_space(make_client: Callable[..., Client], space: str, version: str) -> None:
    client = make_client(space, version)
    prompt = unique("hello")
    expected = chat_text(prompt, version)
    completion = client.chat.completions.create(model=space, messages=user(prompt))
    assert completion.choices[0].message.content == expected
    assert completion.choices[0].message.reasoning_content is None
    stream = client.chat.completions.create(model=space, messages=user(prompt), stream=True)
    chunks = list(stream)
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == expected
    assert (chunks[0].choices[0].delta.role, chunks[0].choices[0].delta.content) == ("assistant", "")
    assert len(chunks) > 10  # streamed, not one final value
    assert [c.choices[0].finish_reason for c in chunks] == [None] * (len(chunks) - 1) + ["stop"]


@pytest.mark.parametrize("kind, version", [pytest.param("ci-additional", v, id=f"ci-additional-{v}")
                                           for v in kinds.kind_versions()["ci-additional"]])
def test_temperature_goes_to_the_spaces_temperature_input(replica: Callable[..., Replica], kind: str,
                                                         version: str, caplog: pytest.LogCaptureFixture) -> None:
    server = replica(kind, version)
    prompt = f"Hi {uuid.uuid4().hex[:8]}"
    with Client(timeout=30.0) as client, caplog.at_level("INFO", logger="qwen_spaces"):
        completion = client.chat.completions.create(model=server.url, messages=user(prompt), temperature=1.5,
                                                    top_p=0.5)
    assert completion.choices[0].message.content == gen.ci_reply(prompt, 0, ["You are terse.", 1.5, "small"])
    assert any(r.getMessage().startswith("ignored top_p=0.5") for r in caplog.records)


# -- client.map on a real replica ----------------------------------------------------------------


@pytest.mark.replicas("chat-state")
@pytest.mark.parametrize("version", [ONE])
def test_map_order_and_errors(make_client: Callable[..., Client], version: str) -> None:
    client = make_client(CHAT, version)
    prompts = [unique("hello"), unique("early-error"), unique("many 30"), unique("quota")]
    results = client.map(CHAT, prompts, max_workers=4)
    assert isinstance(results[0], ChatResult) and results[0].text == chat_text(prompts[0], version)
    assert isinstance(results[2], ChatResult) and results[2].text == chat_text(prompts[2], version)
    assert isinstance(results[1], SpaceAppError) and str(results[1]) == replies.EARLY_MESSAGE
    assert type(results[3]).__name__ == "QuotaExceededError"
    assert results[3].partial_text == partial_chat_text(prompts[3], version)


# -- qwen-spaces serve, driven by the openai package ---------------------------------------------


class Serve:
    def __init__(self, *args: str) -> None:
        env = dict(os.environ, NO_PROXY="127.0.0.1,localhost", PYTHONPATH=str(ROOT))
        env.pop("HF_TOKEN", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "qwen_spaces", "serve", "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert " at http://" in line, line
        self.url = line.split(" at ", 1)[1].split(" ", 1)[0]

    def openai(self, key: str = KEY) -> openai.OpenAI:
        return openai.OpenAI(base_url=self.url, api_key=key, max_retries=0, timeout=60.0)

    def stop(self) -> str:
        self.process.terminate()
        _, err = self.process.communicate(timeout=15)
        assert self.process.returncode == 0, err
        return err


@pytest.fixture
def serve() -> Iterator[Callable[..., Serve]]:
    started: List[Serve] = []

    def start(*args: str) -> Serve:
        server = Serve(*args)
        started.append(server)
        return server

    yield start
    for server in started:
        err = server.stop()
        assert "Traceback" not in err, err


@pytest.mark.replicas("qwen3-demo", "chat-state")
@pytest.mark.parametrize("version", [QWEN3])
def test_serve_whole_and_streamed_replies(replica: Callable[..., Replica], serve: Callable[..., Serve],
                                          version: str) -> None:
    qwen3, chat = replica("qwen3-demo", QWEN3), replica("chat-state", ONE)
    server = serve(f"--base-url=Qwen/Qwen3-Demo={qwen3.url}", f"--base-url={CHAT}={chat.url}", "--api-key", KEY)
    client = server.openai()
    prompt = f"Serve me {uuid.uuid4().hex[:8]}"
    reasoning, answer = fake_dashscope.reply_texts("qwen3-14b", user(prompt), True, 38 * 1024)

    completion = client.chat.completions.create(model="qwen3-14b", messages=user(prompt))
    message = completion.choices[0].message
    assert (message.content, getattr(message, "reasoning_content", None)) == (answer, reasoning)
    assert completion.choices[0].finish_reason == "stop" and completion.model == "qwen3-14b"

    chunks = list(client.chat.completions.create(model="qwen3-14b", messages=user(prompt), stream=True))
    assert "".join(getattr(c.choices[0].delta, "reasoning_content", None) or "" for c in chunks) == reasoning
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == answer
    assert chunks[-1].choices[0].finish_reason == "stop"

    seed = unique("hello")
    chunks = list(client.chat.completions.create(model=CHAT, messages=user(seed), stream=True))
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == chat_text(seed, ONE)


@pytest.mark.replicas("chat-state")
@pytest.mark.parametrize("version", [ONE])
def test_serve_error_statuses(replica: Callable[..., Replica], serve: Callable[..., Serve], version: str) -> None:
    chat = replica("chat-state", version)
    nobody = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    server = serve(f"--base-url={CHAT}={chat.url}", f"--base-url=qwen-2-72b={nobody}", "--api-key", KEY,
                   "--max-body-bytes", "100000")
    client = server.openai()
    with pytest.raises(openai.InternalServerError) as app_error:
        client.chat.completions.create(model=CHAT, messages=user(unique("early-error")))
    assert app_error.value.status_code == 502 and replies.EARLY_MESSAGE in app_error.value.message
    with pytest.raises(openai.RateLimitError) as quota:
        client.chat.completions.create(model=CHAT, messages=user(unique("quota")))
    assert quota.value.status_code == 429 and quota.value.code == "quota_exceeded"
    with pytest.raises(openai.InternalServerError) as down:
        client.chat.completions.create(model="qwen-2-72b", messages=user("Hi"))
    assert down.value.status_code == 503 and down.value.code == "space_unavailable"
    with pytest.raises(openai.AuthenticationError):
        server.openai(key="sk-nope").chat.completions.create(model=CHAT, messages=user("Hi"))
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="gpt-4o-mini", messages=user("Hi"))
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model=CHAT, messages=user("Hi"), n=3)
    with pytest.raises(openai.APIStatusError) as too_big:
        client.chat.completions.create(model=CHAT, messages=user("x" * 200_000))
    assert too_big.value.status_code == 413
    prompt = unique("echo after the errors")
    completion = client.chat.completions.create(model=CHAT, messages=user(prompt))
    assert completion.choices[0].message.content == echo_reply(prompt, CHAT_SYSTEM, version)


@pytest.mark.replicas("chat-state")
@pytest.mark.parametrize("version", [ONE])
def test_serve_timeout_is_504_and_a_failure_mid_stream_ends_it(replica: Callable[..., Replica],
                                                             serve: Callable[..., Serve], version: str) -> None:
    chat = replica("chat-state", version)
    server = serve(f"--base-url={CHAT}={chat.url}", "--timeout", "3")
    client = server.openai(key="unused")
    slow = unique("slow")
    with pytest.raises(openai.APIStatusError) as timeout:
        client.chat.completions.create(model=CHAT, messages=user(slow))
    assert timeout.value.status_code == 504 and timeout.value.code == "timeout"
    assert settled_yields(chat.yield_log, slow) < 40  # and the job was stopped on the Space

    quota = unique("quota")
    finish: List[Optional[str]] = []
    text: List[str] = []
    with pytest.raises(openai.APIError) as caught:
        for chunk in client.chat.completions.create(model=CHAT, messages=user(quota), stream=True):
            finish.append(chunk.choices[0].finish_reason)
            text.append(chunk.choices[0].delta.content or "")
    assert "".join(text) == partial_chat_text(quota, version)
    assert finish[-1] == "error" and caught.value.code == "quota_exceeded"


@pytest.mark.replicas("chat-state")
@pytest.mark.parametrize("version", [ONE])
def test_serve_disconnect_mid_stream_cancels_the_job(replica: Callable[..., Replica], serve: Callable[..., Serve],
                                                     version: str) -> None:
    chat = replica("chat-state", version)
    server = serve(f"--base-url={CHAT}={chat.url}")
    prompt = unique("slow")
    stream = server.openai(key="unused").chat.completions.create(model=CHAT, messages=user(prompt), stream=True)
    pieces = [next(stream).choices[0].delta.content for _ in range(4)]
    assert "".join(p or "" for p in pieces) == replies.expected_text(" tok0 tok1 tok2", version)
    stream.close()  # the HTTP connection to serve goes away
    yields = settled_yields(chat.yield_log, prompt)
    assert 3 <= yields <= 8, f"the replica's generator yielded {yields} of 40 times"


@pytest.mark.replicas("chat-state")
@pytest.mark.parametrize("version", [ONE])
def test_serve_32_concurrent_streams(replica: Callable[..., Replica], serve: Callable[..., Serve],
                                     version: str) -> None:
    chat = replica("chat-state", version)
    server = serve(f"--base-url={CHAT}={chat.url}")
    client = server.openai(key="unused")
    prompts = [unique(f"echo stream {n}") for n in range(32)]
    barrier = threading.Barrier(32)

    def one(prompt: str) -> str:
        with client.chat.completions.create(model=CHAT, messages=user(prompt), stream=True) as stream:
            pieces = [next(stream).choices[0].delta.content or ""]
            barrier.wait(timeout=60)  # all 32 streams open at once
            pieces.extend(c.choices[0].delta.content or "" for c in stream)
        return "".join(pieces)

    with ThreadPoolExecutor(max_workers=32) as pool:
        texts = list(pool.map(one, prompts, timeout=120))
    assert texts == [echo_reply(p, CHAT_SYSTEM, version) for p in prompts]


# -- qwen-spaces batch, killed mid-run and resumed ------------------------------------------------


def run_batch(source: Path, target: Path, url: str) -> "subprocess.Popen[str]":
    env = dict(os.environ, NO_PROXY="127.0.0.1,localhost", PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "qwen_spaces", "batch", str(source), "-o", str(target), "-m", CHAT,
         "--base-url", url, "--workers", "3", "--timeout", "60"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)


def lines_in(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


@pytest.mark.replicas("chat-state")
@pytest.mark.parametrize("version", [ONE])
def test_batch_killed_mid_run_then_resumed(replica: Callable[..., Replica], tmp_path: Path,
                                           version: str) -> None:
    chat = replica("chat-state", version)
    items = {f"q{n}": unique(f"pace item {n}") for n in range(12)}  # 20 tokens, 0.15 s apart: 3 s an item
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": i, "prompt": p}) + "\n" for i, p in items.items()), "utf-8")
    target = tmp_path / "out.jsonl"
    first = run_batch(source, target, chat.url)
    try:
        assert wait_for(lambda: lines_in(target) >= 3, timeout=60)
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=15)
    finally:
        if first.poll() is None:
            first.kill()
            first.communicate()
    written = lines_in(target)
    assert 3 <= written < len(items)
    second = run_batch(source, target, chat.url)
    _, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert err.endswith(f"batch: {len(items) - written} written to {target}; {written} were there already\n")
    out = [json.loads(line) for line in target.read_text("utf-8").splitlines()]
    assert sorted(r["id"] for r in out) == sorted(items)  # nothing lost, nothing twice
    for record in out:
        assert record == {"id": record["id"], "text": chat_text(items[record["id"]], version), "reasoning": "",
                          "error": None}
