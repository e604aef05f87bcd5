"""The /config of a Space known only by its URL or id, kept on disk: read once per machine,
a corrupt entry ignored, a stale one replaced after the failure it causes."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest

from qwen_spaces import Client, config_cache
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
