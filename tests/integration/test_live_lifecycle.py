"""Spaces that sleep, build, pause, break or run out of quota, on real Gradio replicas behind a
fake Hub (tests/servers/fake_hub.py: the runtime API through HF_ENDPOINT, and a front standing
where the Space's hf.space host would be).  The sleeping Space is a replica really stopped and
started again when the client wakes it."""

from __future__ import annotations

import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator, List, Optional

import pytest

from qwen_spaces import Client, Status
from qwen_spaces.cli import main
from qwen_spaces.errors import (
    AllAttemptsFailedError,
    QueueFullError,
    QuotaExceededError,
    SpaceBrokenError,
    SpaceNotFoundError,
    SpaceNotReadyError,
    SpacePausedError,
)
from tests.integration.conftest import spec_for
from tests.servers import launcher
from tests.servers.apps import generic_replies as gen
from tests.servers.apps import replies
from tests.servers.fake_hub import FakeHub
from tests.servers.launcher import Replica

VERSION = "6.31.0"
KIND = "ci-messages"
SPACE = "someone/chat-space"


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    fake = FakeHub()
    monkeypatch.setenv("HF_ENDPOINT", fake.url)
    yield fake
    fake.close()


def _prompt() -> str:
    return f"Hi 你好 {uuid.uuid4().hex[:8]}"


def _user(text: str) -> List[dict]:
    return [{"role": "user", "content": text}]


@pytest.mark.parametrize("version", [VERSION])
def test_sleeping_space_is_woken_then_answers(hub: FakeHub, version: str) -> None:
    """The replica is down (asleep); the client's wake-up request starts it again."""
    spec = spec_for(KIND, version)
    with tempfile.TemporaryDirectory(prefix="qwen-sleepy-") as root:
        [port] = launcher.free_ports(1)  # asleep: nothing listens on the port yet
        server: Optional[Replica] = None
        front = hub.add_space(SPACE, f"http://127.0.0.1:{port}", [("SLEEPING", None)])
        hub.spaces[SPACE].on_wake = [("APP_STARTING", None)]

        seen: List[Status] = []
        prompt = _prompt()
        outcome: List[Any] = []

        def ask() -> None:
            try:
                with Client(base_urls={SPACE: front}, wake_timeout=120, timeout=60.0) as client:
                    began = time.monotonic()
                    outcome.append(client.chat(SPACE, _user(prompt), on_status=seen.append))
                    outcome.append(time.monotonic() - began)
            except BaseException as exc:  # noqa: BLE001 (asserted below)
                outcome.append(exc)

        asking = threading.Thread(target=ask, daemon=True)
        asking.start()
        try:
            # what Hugging Face does when a request reaches a sleeping Space: start it
            deadline = time.monotonic() + 60
            while hub.spaces[SPACE].wakes == 0 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert hub.spaces[SPACE].wakes == 1
            server = launcher.spawn(spec, port, Path(root))  # from this (long-lived) thread
            launcher.wait_ready([server])
            hub.set_stages(SPACE, [("RUNNING", None)])
            asking.join(120)
            result, took = outcome
            assert result.text == gen.ci_reply(prompt, 0)
            assert ("GET", "/") in hub.spaces[SPACE].requests
            assert "waking" in {s.kind for s in seen}
            print(f"\nsleeping Space woken and answered in {took:.1f} s")
        finally:
            if server is not None:
                launcher.stop(server)


@pytest.mark.parametrize("version", [VERSION])
def test_building_space_answers_once_running(replica: Callable[..., Replica], hub: FakeHub,
                                             version: str) -> None:
    server = replica(KIND, version)
    front = hub.add_space(SPACE, server.url, [("BUILDING", 1.0), ("APP_STARTING", 1.0), ("RUNNING", None)])
    seen: List[Status] = []
    prompt = _prompt()
    with Client(base_urls={SPACE: front}, timeout=30.0) as client:
        began = time.monotonic()
        result = client.chat(SPACE, _user(prompt), on_status=seen.append)
        took = time.monotonic() - began
    assert result.text == gen.ci_reply(prompt, 0)
    assert "starting" in {s.kind for s in seen}
    assert 2.0 <= took < 30
    print(f"\nbuilding Space answered after {took:.1f} s")


@pytest.mark.parametrize("version", [VERSION])
def test_building_space_that_never_starts(replica: Callable[..., Replica], hub: FakeHub,
                                          version: str) -> None:
    server = replica(KIND, version)
    front = hub.add_space(SPACE, server.url, [("BUILDING", None)])
    with Client(base_urls={SPACE: front}, wake_timeout=3.0, timeout=30.0) as client:
        began = time.monotonic()
        with pytest.raises(SpaceNotReadyError) as error:
            client.chat(SPACE, _user(_prompt()))
        took = time.monotonic() - began
    assert error.value.stage == "BUILDING"
    assert 3.0 <= took < 10
    print(f"\nbuilding Space gave up after {took:.1f} s (wake_timeout 3 s)")


@pytest.mark.parametrize("version", [VERSION])
@pytest.mark.parametrize("stage, error_type", [
    ("PAUSED", SpacePausedError), ("RUNTIME_ERROR", SpaceBrokenError), ("NO_APP_FILE", SpaceBrokenError),
])
def test_stages_that_fail_at_once(replica: Callable[..., Replica], hub: FakeHub, version: str,
                                  stage: str, error_type: type,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    server = replica(KIND, version)
    front = hub.add_space(SPACE, server.url, [(stage, None)])
    with Client(base_urls={SPACE: front}, timeout=30.0) as client:
        began = time.monotonic()
        with pytest.raises(error_type) as error:
            client.chat(SPACE, _user(_prompt()))
        assert time.monotonic() - began < 5
    assert stage in str(error.value) or "paused" in str(error.value)
    assert main(["chat", "-m", SPACE, "--base-url", front, "Hi"]) == 1
    assert ("paused" if stage == "PAUSED" else stage) in capsys.readouterr().err


def test_unknown_space(hub: FakeHub, capsys: pytest.CaptureFixture[str]) -> None:
    with Client(base_urls={"nobody/nothing": "http://127.0.0.1:9"}, max_retries=0) as client:
        with pytest.raises(SpaceNotFoundError):
            client.chat("nobody/nothing", _user("Hi"))


@pytest.mark.parametrize("version", [VERSION])
def test_busy_page(replica: Callable[..., Replica], hub: FakeHub, version: str) -> None:
    server = replica(KIND, version)
    front = hub.add_space(SPACE, server.url)
    hub.set_busy(SPACE, True)
    with Client(base_urls={SPACE: front}, max_retries=2, retry_max_wait=0.1, timeout=30.0) as client:
        with pytest.raises(QueueFullError):
            client.chat(SPACE, _user(_prompt()))
    configs = [r for r in hub.spaces[SPACE].requests if r[1].endswith("/config")]
    assert len(configs) == 3  # retried, with backoff, as a join is
    assert hub.hub_requests == []  # busy means running: no question to the Hub
    hub.set_busy(SPACE, False)


@pytest.mark.replicas("chat-state")
@pytest.mark.parametrize("version", [VERSION])
def test_fallback_before_the_first_delta_only(replica: Callable[..., Replica], hub: FakeHub,
                                              version: str) -> None:
    seed = replica("chat-state", version)  # answers "quota" prompts with 3 tokens, then a quota error
    chat = replica(KIND, version)
    front = hub.add_space(SPACE, chat.url, [("PAUSED", None)])
    urls = {SPACE: front, "me/seed-copy": seed.url, "me/chat-copy": chat.url,
            "nobody/nothing": "http://127.0.0.1:9"}
    with Client(base_urls=urls, timeout=30.0, retry_max_wait=0.1) as client:
        prompt = _prompt()
        result = client.chat([SPACE, "me/chat-copy"], _user(prompt))
        assert (result.text, result.model, result.space_url) == (gen.ci_reply(prompt, 0), "me/chat-copy", chat.url)

        prompt = f"quota {_prompt()}"  # fails after its first deltas: never handed to the next
        stream = client.stream(["me/seed-copy", "me/chat-copy"], _user(prompt))
        got: List[Any] = []
        with pytest.raises(QuotaExceededError) as error:
            for delta in stream:
                got.append(delta)
        assert got and error.value.partial_text == "".join(got)
        assert error.value.retry_after == 2 * 3600 + 5 * 60 + 11
        assert not [line for line in gen.read_log(chat.yield_log) if prompt in str(line.get("message"))]

        with pytest.raises(AllAttemptsFailedError) as failed:
            client.chat([SPACE, "nobody/nothing"], _user(_prompt()))
        assert [name for name, _ in failed.value.attempts] == [SPACE, "nobody/nothing"]
    assert replies.QUOTA_MESSAGE in str(error.value)
