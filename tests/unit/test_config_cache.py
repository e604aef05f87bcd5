"""The /config of a Space known only by its URL or id, kept on disk: read once per machine,
a corrupt entry ignored, a stale one replaced after the failure it causes."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest

from qwen_spaces import Client, QwenSpacesError, config_cache
from qwen_spaces.testing import LocalSpace

USER = [{"role": "user", "content": "Hi"}]


@pytest.fixture(autouse=True)
def cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "qwen-spaces" / "configs"


@pytest.fixture
def space() -> Iterator[LocalSpace]:
    with LocalSpace("qwen-2-5-max", reply="Cached or not.") as local:
        yield local


def configs(space: LocalSpace) -> int:
    return sum(1 for r in space.requests if r.path == "/config")


def test_a_new_client_reads_config_from_disk(space: LocalSpace, cache_home: Path) -> None:
    with Client(config_cache=True) as client:
        assert client.chat(space.url, USER).text == "Cached or not."
    assert configs(space) == 1 and len(list(cache_home.glob("*.json"))) == 1
    with Client(config_cache=True) as client:  # another process would do the same
        assert client.chat(space.url, USER).text == "Cached or not."
    assert configs(space) == 1  # no /config round trip the second time
    assert space.joins == 2


def test_loopback_is_not_cached_by_default_and_false_never(space: LocalSpace, cache_home: Path) -> None:
    for setting in (None, False):
        with Client(config_cache=setting) as client:
            client.chat(space.url, USER)
    assert configs(space) == 2 and not cache_home.exists()
    with pytest.raises(ValueError):
        Client(config_cache="yes")  # type: ignore[arg-type]


def test_a_corrupt_entry_is_ignored_and_replaced(space: LocalSpace, cache_home: Path) -> None:
    with Client(config_cache=True) as client:
        client.chat(space.url, USER)
    [entry] = cache_home.glob("*.json")
    entry.write_text("{not json", encoding="utf-8")
    with Client(config_cache=True) as client:
        assert client.chat(space.url, USER).text == "Cached or not."
    assert configs(space) == 2
    assert config_cache.load(space.url) is not None  # rewritten, whole


def test_a_stale_entry_is_refreshed_after_the_failed_join(space: LocalSpace, cache_home: Path) -> None:
    with Client(config_cache=True) as client:
        client.chat(space.url, USER)
    port = urlsplit(space.url).port
    space.stop()
    # the Space was redeployed: its chat event moved to fn_index 2, behind another API prefix
    with LocalSpace("qwen-2-5-max", reply="Redeployed.", port=port, fn_index=2, gradio=4) as moved:
        with Client(config_cache=True) as client:
            assert client.chat(moved.url, USER).text == "Redeployed."
        assert configs(moved) == 1  # read again once, after the stale entry failed
        with Client(config_cache=True) as client:
            assert client.chat(moved.url, USER).text == "Redeployed."
        assert configs(moved) == 1  # and cached again


def test_entries_are_per_root(space: LocalSpace) -> None:
    with Client(config_cache=True) as client:
        client.chat(space.url, USER)
    config = config_cache.load(space.url)
    assert config is not None and config_cache.load(space.url + "/other") is None


def test_a_builtin_call_space_caches_the_config_it_reads_for_its_queue_event(cache_home: Path) -> None:
    with LocalSpace("qvq-72b", tokens=["Seen", " it."]) as qvq:
        for _ in range(2):
            with Client(base_urls={"qvq-72b": qvq.url}, config_cache=True) as client:
                assert client.chat("qvq-72b", USER).text == "Seen it."
        assert configs(qvq) == 1 and qvq.joins == 2 and qvq.calls == 0  # the queue, found once
        with Client(base_urls={"qvq-72b": qvq.url}) as client:  # loopback: not cached by default
            client.chat("qvq-72b", USER)
        assert configs(qvq) == 2


def test_queue_profiles_of_builtin_spaces_are_not_cached(space: LocalSpace, cache_home: Path) -> None:
    with Client(base_urls={"qwen-2-5-max": space.url}, config_cache=True) as client:
        client.chat("qwen-2-5-max", USER)
    assert configs(space) == 0 and not cache_home.exists()  # known facts: no /config at all


def test_a_stale_qvq_entry_is_refreshed(cache_home: Path) -> None:
    with LocalSpace("qvq-72b", tokens=["Before."]) as qvq:
        with Client(base_urls={"qvq-72b": qvq.url}, config_cache=True) as client:
            client.chat("qvq-72b", USER)
        port, fn_index = urlsplit(qvq.url).port, qvq.spec.fn_index
    with LocalSpace("qvq-72b", tokens=["After."], port=port, fn_index=fn_index + 3) as moved:
        with Client(base_urls={"qvq-72b": moved.url}, config_cache=True) as client:
            assert client.chat("qvq-72b", USER).text == "After."
        assert configs(moved) == 1 and moved.calls == 0


def test_a_conversation_turn_on_a_stale_entry_fails_once_and_the_next_reads_config(cache_home: Path) -> None:
    with LocalSpace("qvq-72b", tokens=["Before."]) as qvq:
        with Client(base_urls={"qvq-72b": qvq.url}, config_cache=True) as client:
            client.chat("qvq-72b", USER)
        port, fn_index = urlsplit(qvq.url).port, qvq.spec.fn_index
    with LocalSpace("qvq-72b", tokens=["After."], port=port, fn_index=fn_index + 3) as moved:
        with Client(base_urls={"qvq-72b": moved.url}, config_cache=True) as client:
            conversation = client.conversation("qvq-72b")
            with pytest.raises(QwenSpacesError, match="cached /config was out of date") as failed:
                conversation.chat("Hi")
            assert "the conversation is unchanged" in str(failed.value) and conversation.messages == []
            assert conversation.chat("Hi").text == "After."
        assert configs(moved) == 1 and config_cache.load(moved.url) is not None
