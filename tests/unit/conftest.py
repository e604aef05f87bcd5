"""Fixtures shared by the unit tests."""

from __future__ import annotations

from typing import Any, Callable, Iterator, List

import pytest

from qwen_spaces.testing import LocalSpace


@pytest.fixture
def local() -> Iterator[Callable[..., LocalSpace]]:
    """``local(layout, **LocalSpace options)`` starts a LocalSpace; all are stopped after the test."""
    started: List[LocalSpace] = []

    def start(layout: str = "qwen-2-5-max", **options: Any) -> LocalSpace:
        space = LocalSpace(layout, **options).start()
        started.append(space)
        return space

    yield start
    for space in started:
        space.stop()
