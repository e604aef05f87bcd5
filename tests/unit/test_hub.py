"""The Hub conventions: the token a Hugging Face user already has, the ZeroGPU quota message,
the busy page; and a Space's lifecycle and fallbacks against LocalSpaces behind a fake Hub
(tests/servers/fake_hub.py, reached through HF_ENDPOINT)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Iterator, List

import pytest

from qwen_spaces import Client, Status
from qwen_spaces.errors import (
    AllAttemptsFailedError,
    AuthenticationError,
    QueueFullError,
    QuotaExceededError,
    SpaceBrokenError,
    SpaceNotFoundError,
    SpaceNotReadyError,
    SpacePausedError,
    SpaceUnavailableError,
)
from qwen_spaces.hub import parse_quota, resolve_token
from qwen_spaces.testing import LocalSpace
from tests.servers.fake_hub import FakeHub

USER = [{"role": "user", "content": "Hi"}]
SPACE_ID = "someone/sleepy-space"
TOKEN = "hf_filetoken0123456789"


# -- the token ---------------------------------------------------------------------------------


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ("HF_TOKEN", "HF_TOKEN_PATH", "HF_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def test_token_from_the_default_token_file(clean_env: Path) -> None:
    assert resolve_token(None) is None
    path = clean_env / ".cache" / "huggingface" / "token"
    path.parent.mkdir(parents=True)
    path.write_text(TOKEN + "\n", encoding="utf-8")
    assert resolve_token(None) == TOKEN


def test_token_order(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = clean_env / "hf-home"
    home.mkdir()
    (home / "token").write_text("from-hf-home", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(clean_env / "xdg"))
    (clean_env / "xdg" / "huggingface").mkdir(parents=True)
    (clean_env / "xdg" / "huggingface" / "token").write_text("from-xdg", encoding="utf-8")
    assert resolve_token(None) == "from-xdg"
    monkeypatch.setenv("HF_HOME", str(home))
    assert resolve_token(None) == "from-hf-home"
    explicit = clean_env / "explicit-token"
    explicit.write_text("from-token-path", encoding="utf-8")
    monkeypatch.setenv("HF_TOKEN_PATH", str(explicit))
    assert resolve_token(None) == "from-token-path"
    monkeypatch.setenv("HF_TOKEN", "from-env")
    assert resolve_token(None) == "from-env"
    assert resolve_token("given") == "given"
    assert resolve_token(False) is None and resolve_token("") is None
    with pytest.raises(ValueError):
        resolve_token(42)  # type: ignore[arg-type]


def test_the_token_file_reaches_the_space_and_false_sends_none(clean_env: Path) -> None:
    path = clean_env / ".cache" / "huggingface" / "token"
    path.parent.mkdir(parents=True)
    path.write_text(TOKEN, encoding="utf-8")
    with LocalSpace() as space:
        with Client(base_urls={space.model: space.url}) as client:
            client.chat(space.model, USER)
        with Client(base_urls={space.model: space.url}, hf_token=False) as client:
            client.chat(space.model, USER)
        joins = [r for r in space.requests if r.path.endswith("/queue/join")]
        assert [r.headers.get("authorization") for r in joins] == ["Bearer <redacted>", None]


# -- quota messages and the busy page ----------------------------------------------------------


@pytest.mark.parametrize("message, expected", [
    ("You have exceeded your GPU quota (60s requested vs. 12s left). Try again in 0:09:48",
     (60.0, 12.0, 588.0)),
    ("You have exceeded your free GPU quota (110s requested vs. 58s left). Create a free account "
     "to get more daily usage quota.", (110.0, 58.0, None)),
    ("You have exceeded your GPU quota (120s requested vs. 0s left). Try again in 1 day, 2:03:04",
     (120.0, 0.0, 93784.0)),
    ("ZeroGPU quota exceeded. Try again in 12:00:00", (None, None, 43200.0)),
    ("GPU quota exceeded", (None, None, None)),
])
def test_quota_messages(message: str, expected: Any) -> None:
    assert parse_quota(message) == expected
    error = QuotaExceededError(message)
    assert (error.requested, error.left, error.retry_after) == expected


def test_a_quota_error_from_the_space_carries_the_numbers() -> None:
    with LocalSpace(quota_error_after=0) as space, Client(base_urls={space.model: space.url}) as client:
        with pytest.raises(QuotaExceededError) as error:
            client.chat(space.model, USER)
    assert error.value.requested is not None and error.value.left is not None
    assert space.joins == 1  # never retried


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    fake = FakeHub()
    monkeypatch.setenv("HF_ENDPOINT", fake.url)
    yield fake
    fake.close()


@pytest.fixture
def space() -> Iterator[LocalSpace]:
    with LocalSpace("qwen-2-5-max", reply="All good.") as local:
        yield local


def client_for(hub: FakeHub, space: LocalSpace, **kw: Any) -> Client:
    front = hub.add_space(SPACE_ID, space.url) if SPACE_ID not in hub.spaces else hub.front_url(SPACE_ID)
    kw.setdefault("retry_max_wait", 0.05)
    return Client(base_urls={SPACE_ID: front}, **kw)


def test_busy_page_is_a_full_queue(hub: FakeHub, space: LocalSpace) -> None:
    with client_for(hub, space, max_retries=1) as client:
        hub.set_busy(SPACE_ID, True)
        with pytest.raises(QueueFullError) as error:
            client.chat(SPACE_ID, USER)
    assert "busy" in str(error.value)
    assert hub.hub_requests == []  # busy means running: no question to the Hub


# -- runtime stages ----------------------------------------------------------------------------


def test_happy_path_never_asks_the_hub(hub: FakeHub, space: LocalSpace) -> None:
    with client_for(hub, space) as client:
        assert client.chat(SPACE_ID, USER).text == "All good."
    assert hub.hub_requests == []


def test_sleeping_space_is_woken_and_answers(hub: FakeHub, space: LocalSpace) -> None:
    seen: List[Status] = []
    with client_for(hub, space, hf_token="hf_usertoken123456") as client:
        hub.set_stages(SPACE_ID, [("SLEEPING", None)], on_wake=[("APP_STARTING", 1.0), ("RUNNING", None)])
        began = time.monotonic()
        result = client.chat(SPACE_ID, USER, on_status=seen.append)
        took = time.monotonic() - began
    assert result.text == "All good."
    assert hub.spaces[SPACE_ID].wakes == 1
    assert "waking" in {s.kind for s in seen}
    assert 1.0 <= took < 10
    # the Hub lookup carries the user's token, to the Hub's runtime API only
    assert {auth for _, auth in hub.hub_requests} == {"Bearer hf_usertoken123456"}
    assert all(path == f"/api/spaces/{SPACE_ID}/runtime" for path, _ in hub.hub_requests)


def test_building_space_that_starts_in_time(hub: FakeHub, space: LocalSpace) -> None:
    seen: List[Status] = []
    with client_for(hub, space) as client:
        hub.set_stages(SPACE_ID, [("BUILDING", 1.5), ("RUNNING", None)])
        assert client.chat(SPACE_ID, USER, on_status=seen.append).text == "All good."
    assert "starting" in {s.kind for s in seen}


def test_building_space_that_does_not_start_in_time(hub: FakeHub, space: LocalSpace) -> None:
    with client_for(hub, space, wake_timeout=1.0) as client:
        hub.set_stages(SPACE_ID, [("BUILDING", None)])
        began = time.monotonic()
        with pytest.raises(SpaceNotReadyError) as error:
            client.chat(SPACE_ID, USER)
        assert time.monotonic() - began < 5
    assert error.value.stage == "BUILDING" and "wake_timeout" in str(error.value)
    assert space.joins == 0


@pytest.mark.parametrize("stage, error_type, words", [
    ("PAUSED", SpacePausedError, ["paused", "duplicate"]),
    ("RUNTIME_ERROR", SpaceBrokenError, ["RUNTIME_ERROR"]),
    ("BUILD_ERROR", SpaceBrokenError, ["BUILD_ERROR"]),
])
def test_stages_that_waiting_does_not_fix(hub: FakeHub, space: LocalSpace, stage: str,
                                          error_type: type, words: List[str]) -> None:
    with client_for(hub, space) as client:
        hub.set_stages(SPACE_ID, [(stage, None)])
        with pytest.raises(error_type) as error:
            client.chat(SPACE_ID, USER)
    for word in words:
        assert word in str(error.value)
    assert len(hub.hub_requests) == 1


def test_unknown_space(hub: FakeHub, space: LocalSpace, monkeypatch: pytest.MonkeyPatch) -> None:
    with Client(base_urls={"nobody/nothing": "http://127.0.0.1:9"}, max_retries=0) as client:
        with pytest.raises(SpaceNotFoundError) as error:
            client.chat("nobody/nothing", USER)
    assert "nobody/nothing" in str(error.value)


def test_a_url_is_never_looked_up(hub: FakeHub) -> None:
    with Client(max_retries=0) as client:
        with pytest.raises(SpaceUnavailableError) as error:
            client.chat("http://127.0.0.1:9", USER)
    assert type(error.value) is SpaceUnavailableError  # cannot connect: said as it is
    assert hub.hub_requests == []


# -- fallbacks ---------------------------------------------------------------------------------


def test_fallback_before_the_first_delta(hub: FakeHub, space: LocalSpace) -> None:
    with LocalSpace("qwen-2-5-max", reply="From the copy.") as copy:
        hub.add_space(SPACE_ID, space.url, [("PAUSED", None)])
        urls = {SPACE_ID: hub.front_url(SPACE_ID), "me/copy": copy.url}
        with Client(base_urls=urls, fallbacks={SPACE_ID: ["me/copy"]}) as client:
            result = client.chat(SPACE_ID, USER)
        assert (result.text, result.model, result.space_url) == ("From the copy.", "me/copy", copy.url)


def test_fallback_after_a_quota_error_and_a_list_of_models(space: LocalSpace) -> None:
    with LocalSpace("qwen-2-5-max", quota_error_after=0) as spent:
        urls = {"me/spent": spent.url, "me/fine": space.url}
        with Client(base_urls=urls) as client:
            with client.stream(["me/spent", "me/fine"], USER) as stream:
                text = "".join(stream)
        assert text == "All good." and stream.result is not None
        assert stream.result.model == "me/fine"
        assert spent.joins == 1 and space.joins == 1


def test_no_fallback_after_the_first_delta(space: LocalSpace) -> None:
    with LocalSpace("qwen-2-5-max", tokens=["a", "b", "c", "d"], quota_error_after=2) as spent:
        with Client(base_urls={"me/spent": spent.url, "me/fine": space.url}) as client:
            stream = client.stream(["me/spent", "me/fine"], USER)
            got = []
            with pytest.raises(QuotaExceededError) as error:
                for delta in stream:
                    got.append(delta)
        assert "".join(got) == "ab" == error.value.partial_text
        assert space.joins == 0


def test_all_attempts_failing_lists_each(hub: FakeHub, space: LocalSpace) -> None:
    hub.add_space(SPACE_ID, space.url, [("PAUSED", None)])
    with LocalSpace("qwen-2-5-max", quota_error_after=0) as spent:
        urls = {SPACE_ID: hub.front_url(SPACE_ID), "me/spent": spent.url}
        with Client(base_urls=urls) as client:
            with pytest.raises(AllAttemptsFailedError) as error:
                client.chat([SPACE_ID, "me/spent"], USER)
    attempts = error.value.attempts
    assert [name for name, _ in attempts] == [SPACE_ID, "me/spent"]
    assert isinstance(attempts[0][1], SpacePausedError) and isinstance(attempts[1][1], QuotaExceededError)
    assert SPACE_ID in str(error.value) and "me/spent" in str(error.value)


def test_errors_that_do_not_fall_back(space: LocalSpace) -> None:
    with LocalSpace("qwen-2-5-max", join_status=[(401, {"detail": "no"}, {})]) as private:
        with Client(base_urls={"me/private": private.url, "me/fine": space.url}) as client:
            with pytest.raises(AuthenticationError):
                client.chat(["me/private", "me/fine"], USER)
            with pytest.raises(ValueError):
                client.chat(["me/private", 3], USER)  # type: ignore[list-item]
            with pytest.raises(ValueError):
                Client(fallbacks={"me/private": "me/fine"})  # type: ignore[dict-item]
    assert space.joins == 0


def test_cli_says_when_to_retry_a_quota(capsys: pytest.CaptureFixture[str]) -> None:
    from qwen_spaces.cli import main

    # LocalSpace's quota message: "... (60s requested vs. 12s left). Try again in 2:05:11"
    with LocalSpace(quota_error_after=0) as spent:
        assert main(["chat", "-m", spent.model, "--base-url", spent.url, "Hi"]) != 0
    err = capsys.readouterr().err
    assert "retry in 2 h 5 min" in err and "quota" in err
