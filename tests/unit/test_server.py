"""``qwen-spaces serve`` started as a subprocess in front of LocalSpaces, driven by the real
``openai`` package (and by plain HTTP where openai-python cannot go: bad bodies, raw SSE).

Which LocalSpace stands behind which model (``--base-url NAME=URL``):

==================  =====================================================================
model               LocalSpace
==================  =====================================================================
qwen3-* models      Qwen3-Demo (reasoning; a message with ``__error__`` fails upstream)
qwen-2-5-max        echo ("Echo: " + prompt)
qwen-2.5            400 tokens, 0.02 s apart (a disconnect must cancel the job)
qwen-2-72b          its queue join answers 503 four times (the client's retries), then works
qvq-72b             out of ZeroGPU quota
==================  =====================================================================
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import openai
import pytest
import requests

from qwen_spaces.errors import (
    AuthenticationError,
    ProtocolError,
    QueueFullError,
    QuotaExceededError,
    RateLimitError,
    SpaceAppError,
    SpaceTimeoutError,
    SpaceUnavailableError,
    StreamInterruptedError,
)
from qwen_spaces.server import space_error
from qwen_spaces.spaces import MODELS
from qwen_spaces.testing import LocalSpace

from .helpers import QWEN3_REASONING, qwen3_answer, user, wait_for

ROOT = Path(__file__).resolve().parents[2]
KEY = "sk-local-test-key"
MAX_BODY = 200_000


class Served:
    def __init__(self, process: "subprocess.Popen[str]", url: str, spaces: Dict[str, LocalSpace]) -> None:
        self.process, self.url, self.spaces = process, url, spaces
        self.host, port = url.split("//")[1].split("/")[0].split(":")
        self.port = int(port)

    def openai(self, key: str = KEY, **kw: Any) -> openai.OpenAI:
        kw.setdefault("timeout", 30.0)  # a hang fails the test, not the run
        return openai.OpenAI(base_url=self.url, api_key=key, max_retries=0, **kw)

    def post(self, body: bytes, headers: Dict[str, str], path: str = "/v1/chat/completions") -> requests.Response:
        return requests.post(self.url.rsplit("/v1", 1)[0] + path, data=body, headers=headers, timeout=10)


def start_serve(*args: str) -> Tuple["subprocess.Popen[str]", str]:
    env = dict(os.environ, NO_PROXY="127.0.0.1,localhost", PYTHONPATH=str(ROOT))
    env.pop("HF_TOKEN", None)
    env.pop("QWEN_SPACES_API_KEY", None)
    process = subprocess.Popen([sys.executable, "-m", "qwen_spaces", "serve", "--port", "0", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                               text=True, env=env, cwd=ROOT)
    assert process.stdout is not None
    line = process.stdout.readline()
    assert " at http://127.0.0.1:" in line, line + (process.stderr.read() if process.stderr else "")
    return process, line.split(" at ", 1)[1].split(" ", 1)[0]


def stop_serve(process: "subprocess.Popen[str]") -> Tuple[int, str]:
    process.terminate()
    _, err = process.communicate(timeout=10)
    return process.returncode, err


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    spaces = {
        "Qwen/Qwen3-Demo": LocalSpace("qwen3-demo"),
        "qwen-2-5-max": LocalSpace("qwen-2-5-max"),
        "qwen-2.5": LocalSpace("qwen-2.5", tokens=[f" t{i}" for i in range(400)], token_delay=0.02),
        "qwen-2-72b": LocalSpace("qwen-2-72b", join_status=[(503, "Service Unavailable", {})] * 4),
        "qvq-72b": LocalSpace("qvq-72b", quota_error_after=0),
    }
    for space in spaces.values():
        space.start()
    args = [f"--base-url={name}={space.url}" for name, space in spaces.items()]
    process, url = start_serve(*args, "--api-key", KEY, "--max-body-bytes", str(MAX_BODY), "--timeout", "30")
    try:
        yield Served(process, url, spaces)
    finally:
        code, err = stop_serve(process)
        for space in spaces.values():
            space.stop()
    assert code == 0, err
    assert "Traceback" not in err, err


# -- the openai package, unchanged ---------------------------------------------------------------


def test_models_lists_the_built_in_models(served: Served) -> None:
    client = served.openai()
    listed = client.models.list()
    assert [m.id for m in listed] == [m.name for m in MODELS]
    assert {m.object for m in listed} == {"model"}
    one = client.models.retrieve("qwen3-32b")
    assert (one.id, one.owned_by) == ("qwen3-32b", "Qwen/Qwen3-Demo")
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("gpt-4o")


def test_a_whole_reply_with_reasoning(served: Served) -> None:
    completion = served.openai().chat.completions.create(model="qwen3-32b", messages=user("What is 2 + 2?"))
    assert completion.object == "chat.completion" and completion.id.startswith("chatcmpl-")
    assert completion.model == "qwen3-32b"
    choice = completion.choices[0]
    assert choice.finish_reason == "stop" and choice.index == 0
    assert choice.message.role == "assistant"
    assert choice.message.content == qwen3_answer("qwen3-32b", "What is 2 + 2?")
    assert choice.message.reasoning_content == QWEN3_REASONING  # type: ignore[attr-defined]


def test_a_streamed_reply(served: Served) -> None:
    stream = served.openai().chat.completions.create(model="qwen3-8b", messages=user("Stream it"), stream=True)
    chunks = list(stream)
    assert chunks[0].choices[0].delta.role == "assistant"
    reasoning = "".join(getattr(c.choices[0].delta, "reasoning_content", None) or "" for c in chunks)
    answer = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert (reasoning, answer) == (QWEN3_REASONING, qwen3_answer("qwen3-8b", "Stream it"))
    assert [c.choices[0].finish_reason for c in chunks].count("stop") == 1
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert len({c.id for c in chunks}) == 1 and {c.object for c in chunks} == {"chat.completion.chunk"}


def test_extra_body_and_system_messages_reach_the_space(served: Served) -> None:
    completion = served.openai().chat.completions.create(
        model="qwen3-4b", messages=[{"role": "system", "content": "Be terse."}, *user("Hi")],
        extra_body={"thinking": False, "thinking_budget": 3})
    assert completion.choices[0].message.content == qwen3_answer("qwen3-4b", "Hi")
    assert getattr(completion.choices[0].message, "reasoning_content", None) is None
    request = served.spaces["Qwen/Qwen3-Demo"].model_requests[-1]
    assert (request.enable_thinking, request.thinking_budget, request.sys_prompt) == (False, 3 * 1024, "Be terse.")


def test_32_concurrent_streams(served: Served) -> None:
    client = served.openai()

    def ask(n: int) -> Tuple[str, int]:
        with client.chat.completions.create(model="qwen-2-5-max", messages=user(f"stream {n}"),
                                            stream=True) as stream:
            chunks = list(stream)
        return "".join(c.choices[0].delta.content or "" for c in chunks), len(chunks)

    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(ask, range(32)))
    assert [text for text, _ in results] == [f"Echo: stream {n}" for n in range(32)]
    assert {count for _, count in results} == {5}  # role, "Echo:", " stream", " N", stop


def test_a_client_that_goes_away_mid_stream_cancels_the_job(served: Served) -> None:
    space = served.spaces["qwen-2.5"]
    before = space.cancels
    stream = served.openai().chat.completions.create(model="qwen-2.5", messages=user("long"), stream=True)
    pieces = [next(stream).choices[0].delta.content for _ in range(4)]
    assert pieces == ["", "t0", " t1", " t2"]  # Gradio 4 style: cleandoc drops the first space
    stream.close()  # drops the connection
    assert wait_for(lambda: space.cancels == before + 1)
    assert space.wait_idle(5)


# -- errors, with their statuses -------------------------------------------------------------------


def test_a_wrong_or_missing_key_is_401(served: Served) -> None:
    with pytest.raises(openai.AuthenticationError) as caught:
        served.openai(key="sk-wrong").chat.completions.create(model="qwen-2-5-max", messages=user("Hi"))
    assert caught.value.status_code == 401 and caught.value.code == "invalid_api_key"
    response = requests.get(served.url + "/models", timeout=5)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"


def test_an_unknown_model_is_404(served: Served) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        served.openai().chat.completions.create(model="gpt-4o", messages=user("Hi"))
    assert caught.value.code == "model_not_found"
    with pytest.raises(openai.NotFoundError):  # URLs and arbitrary Spaces are not served
        served.openai().chat.completions.create(model="https://example.com", messages=user("Hi"))


@pytest.mark.parametrize("kw", [{"n": 2}, {"tools": [{"type": "function", "function": {"name": "f"}}]},
                                {"messages": []}, {"logprobs": True},
                                {"extra_body": {"model_size": "9000B"}}])
def test_what_cannot_be_done_is_400(served: Served, kw: Dict[str, Any]) -> None:
    request: Dict[str, Any] = {"model": "qwen-2-5-max", "messages": user("Hi"), **kw}
    with pytest.raises(openai.BadRequestError) as caught:
        served.openai().chat.completions.create(**request)
    assert caught.value.status_code == 400 and caught.value.type == "invalid_request_error"


def test_the_spaces_own_failures_map_to_statuses(served: Served) -> None:
    client = served.openai()
    with pytest.raises(openai.RateLimitError) as quota:
        client.chat.completions.create(model="qvq-72b", messages=user("Hi"))
    assert quota.value.status_code == 429 and quota.value.code == "quota_exceeded"
    assert "GPU quota" in quota.value.message
    with pytest.raises(openai.InternalServerError) as unavailable:
        client.chat.completions.create(model="qwen-2-72b", messages=user("Hi"))
    assert unavailable.value.status_code == 503 and unavailable.value.code == "space_unavailable"
    with pytest.raises(openai.InternalServerError) as failed:
        client.chat.completions.create(model="qwen3-32b", messages=user("oops __error__"))
    assert failed.value.status_code == 502 and failed.value.code == "space_error"
    assert "simulated upstream failure" in failed.value.message


def test_a_failure_mid_stream_ends_the_stream_with_an_error(served: Served) -> None:
    stream = served.openai().chat.completions.create(model="qwen3-32b", messages=user("x __error__"), stream=True)
    seen: List[Any] = []
    with pytest.raises(openai.APIError) as caught:
        for chunk in stream:
            seen.append(chunk.choices[0].finish_reason)
    assert seen[-1] == "error" and seen.count("error") == 1
    assert caught.value.code == "space_error" and "simulated upstream failure" in caught.value.message


def test_an_oversized_body_is_413(served: Served) -> None:
    with pytest.raises(openai.APIStatusError) as caught:
        served.openai().chat.completions.create(model="qwen-2-5-max", messages=user("x" * MAX_BODY))
    assert caught.value.status_code == 413 and caught.value.code == "request_too_large"
    assert served.openai().chat.completions.create(
        model="qwen-2-5-max", messages=user("small")).choices[0].message.content == "Echo: small"


def test_a_timeout_is_504(tmp_path: Path) -> None:
    with LocalSpace("qwen-2-5-max", queue_wait=10) as space:
        process, url = start_serve(f"--base-url=qwen-2-5-max={space.url}", "--timeout", "1")
        try:
            client = openai.OpenAI(base_url=url, api_key="unused", max_retries=0, timeout=30.0)
            with pytest.raises(openai.APIStatusError) as caught:
                client.chat.completions.create(model="qwen-2-5-max", messages=user("Hi"))
        finally:
            code, err = stop_serve(process)
    assert caught.value.status_code == 504 and caught.value.code == "timeout"
    assert code == 0, err


@pytest.mark.parametrize("error, status, code", [
    (RateLimitError("slow down", retry_after=2.5), 429, "rate_limit_exceeded"),
    (QueueFullError("Queue is full"), 429, "queue_full"),
    (QuotaExceededError("quota"), 429, "quota_exceeded"),
    (SpaceUnavailableError("asleep"), 503, "space_unavailable"),
    (SpaceTimeoutError("silent"), 504, "timeout"),
    (AuthenticationError("private"), 502, "space_refused_access"),
    (SpaceAppError("boom"), 502, "space_error"),
    (StreamInterruptedError("cut"), 502, "stream_interrupted"),
    (ProtocolError("nonsense"), 502, "protocol_error"),
])
def test_every_error_has_its_status(error: Exception, status: int, code: str) -> None:
    answer = space_error(error)  # type: ignore[arg-type]
    assert (answer.status, answer.code) == (status, code)
    body = answer.body()["error"]
    assert body["message"] == f"{type(error).__name__}: {error}" and body["code"] == code
    assert answer.headers == ([("Retry-After", "3")] if status == 429 and code == "rate_limit_exceeded" else [])


# -- plain HTTP: what curl sees, and requests no SDK would send --------------------------------------


AUTH = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}


def test_the_raw_event_stream(served: Served) -> None:
    body = json.dumps({"model": "qwen-2-5-max", "messages": user("raw"), "stream": True}).encode()
    response = served.post(body, AUTH)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/event-stream; charset=utf-8"
    events = response.content.decode().split("\n\n")
    assert events[-2:] == ["data: [DONE]", ""]
    chunks = [json.loads(e[len("data: "):]) for e in events[:-2]]
    assert all(e.startswith("data: {") for e in events[:-2])
    assert [c["choices"][0]["delta"].get("content") for c in chunks] == ["", "Echo:", " raw", None]
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"


@pytest.mark.parametrize("body, status, fragment", [
    (b"{not json", 400, "not valid JSON"),
    (b"[1, 2]", 400, "JSON object"),
    (b"[" * 50_000 + b"]" * 50_000, 400, "not valid JSON"),
    (b'{"messages": [{"role": "user", "content": "Hi"}]}', 400, "model is required"),
    (b'{"model": "qwen-2-5-max"}', 400, "messages is required"),
    (b'{"model": "qwen-2-5-max", "messages": [], "stream": "yes"}', 400, "stream must be"),
    (b'{"model": "qwen-2-5-max", "messages": [{"role": "user", "content": "Hi"}], "image": "/etc/passwd"}',
     400, "image cannot be set here"),
    (b'{"model": "qwen-2-5-max", "messages": "Hi"}', 400, "messages must be a list"),
])
def test_bad_requests_are_400(served: Served, body: bytes, status: int, fragment: str) -> None:
    response = served.post(body, AUTH)
    assert response.status_code == status
    error = response.json()["error"]
    assert fragment in error["message"] and error["type"] == "invalid_request_error"


def test_wrong_method_and_unknown_url(served: Served) -> None:
    response = requests.get(served.url + "/chat/completions", headers=AUTH, timeout=5)
    assert (response.status_code, response.headers["Allow"]) == (405, "POST")
    response = requests.post(served.url + "/completions", headers=AUTH, data=b"{}", timeout=5)
    assert response.status_code == 404 and response.json()["error"]["code"] == "unknown_url"


def raw_exchange(served: Served, payload: bytes, shut: bool = True) -> bytes:
    with socket.create_connection((served.host, served.port), timeout=10) as sock:
        sock.sendall(payload)
        if shut:
            sock.shutdown(socket.SHUT_WR)
        chunks = []
        while True:
            data = sock.recv(65536)
            if not data:
                return b"".join(chunks)
            chunks.append(data)


def test_no_bad_request_takes_the_server_down(served: Served) -> None:
    assert b"Error code: 400" in raw_exchange(served, b"\x00\xff garbage\r\n\r\n")  # an HTTP/0.9 answer
    assert raw_exchange(served, b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n").startswith(b"HTTP/1.0 414")
    no_length = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY.encode()
                 + b"\r\n\r\n")
    assert raw_exchange(served, no_length).split(b"\r\n")[0].endswith(b"411 Length Required")
    short = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\nAuthorization: Bearer "
             + KEY.encode() + b"\r\n\r\n{\"model\"")
    assert b"ended before its Content-Length" in raw_exchange(served, short)
    with socket.create_connection((served.host, served.port), timeout=10):
        pass  # connect and leave
    connection = http.client.HTTPConnection(served.host, served.port, timeout=10)
    connection.request("POST", "/v1/chat/completions", body=b"{", headers={
        "Authorization": f"Bearer {KEY}", "Content-Length": "100000000"})
    answer = connection.getresponse()  # larger than we would even read: refused at once
    assert answer.status == 413
    connection.close()
    threads = [threading.Thread(target=raw_exchange, args=(served, b"\r\n" * 10)) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    completion = served.openai().chat.completions.create(model="qwen-2-5-max", messages=user("still here"))
    assert completion.choices[0].message.content == "Echo: still here"
    assert served.process.poll() is None


def test_the_key_can_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with LocalSpace("qwen-2-5-max") as space:
        env = dict(os.environ, NO_PROXY="127.0.0.1,localhost", PYTHONPATH=str(ROOT),
                   QWEN_SPACES_API_KEY="sk-from-env")
        process = subprocess.Popen(
            [sys.executable, "-m", "qwen_spaces", "serve", "--port", "0", "--base-url", f"qwen-2-5-max={space.url}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
        assert process.stdout is not None
        line = process.stdout.readline()
        url = line.split(" at ", 1)[1].split(" ", 1)[0]
        try:
            assert "an API key is required" in line
            with pytest.raises(openai.AuthenticationError):
                openai.OpenAI(base_url=url, api_key="sk-other", max_retries=0, timeout=30.0).models.list()
            client = openai.OpenAI(base_url=url, api_key="sk-from-env", max_retries=0, timeout=30.0)
            assert client.chat.completions.create(
                model="qwen-2-5-max", messages=user("env")).choices[0].message.content == "Echo: env"
        finally:
            code, err = stop_serve(process)
    assert code == 0, err


def test_serve_refuses_bad_options(capsys: pytest.CaptureFixture[str]) -> None:
    from qwen_spaces.cli import main

    assert main(["serve", "--base-url", "no-equals-sign"]) == 2
    assert "expected NAME=URL" in capsys.readouterr().err
    assert main(["serve", "--port", "70000"]) == 2
    assert main(["serve", "--base-url", "not-a-model=http://127.0.0.1:9"]) == 2
    assert "unknown model" in capsys.readouterr().err


def test_the_readmes_serve_and_batch_commands_parse() -> None:
    import shlex

    from qwen_spaces.cli import build_parser

    text = (ROOT / "README.rst").read_text(encoding="utf-8")
    section = text.split("\nAn OpenAI-compatible server\n", 1)[1].split("\nA pytest fixture\n", 1)[0]
    commands = [line.strip().split("  #")[0] for line in section.splitlines()
                if line.strip().startswith("qwen-spaces ")]
    assert [c.split()[1] for c in commands] == ["serve", "serve", "serve", "batch"]
    for command in commands:
        build_parser().parse_args(shlex.split(command)[1:])


def test_serve_on_a_port_in_use_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    from qwen_spaces.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 1
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err
