"""RetryPolicy: what is retried, how often, the waits it reports, and that a call that
succeeds first time never loads tenacity."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Callable, List, Tuple

import pytest

from qwen_spaces.errors import (
    AuthenticationError,
    QueueFullError,
    RateLimitError,
    SpaceNotFoundError,
    SpaceUnavailableError,
)
from qwen_spaces.retry import RetryPolicy


def failing(errors: List[Exception]) -> Tuple[Callable[[str], str], List[str]]:
    """A function that raises ``errors`` in turn, then returns its argument."""
    calls: List[str] = []

    def fn(value: str) -> str:
        calls.append(value)
        if errors:
            raise errors.pop(0)
        return value

    return fn, calls


def unavailable(status: int = 503) -> SpaceUnavailableError:
    return SpaceUnavailableError(f"HTTP {status}", status_code=status)


def test_a_first_success_is_one_call() -> None:
    fn, calls = failing([])
    assert RetryPolicy(3)(fn, "x") == "x" and calls == ["x"]


def test_retries_until_success_and_reports_each_wait() -> None:
    waits: List[Tuple[str, float]] = []
    fn, calls = failing([unavailable(), QueueFullError("full", status_code=503)])
    policy = RetryPolicy(2, initial_wait=0.01, max_wait=0.05, on_retry=lambda e, d: waits.append((str(e), d)))
    assert policy(fn, "x") == "x"
    assert len(calls) == 3
    assert [w[0] for w in waits] == ["HTTP 503", "full"]
    assert all(0 < d <= 0.05 for _, d in waits)


def test_gives_up_after_max_retries_with_the_last_error() -> None:
    fn, calls = failing([unavailable(502), unavailable(503), unavailable(504), unavailable(500)])
    with pytest.raises(SpaceUnavailableError, match="HTTP 504"):
        RetryPolicy(2, initial_wait=0.01, max_wait=0.02)(fn, "x")
    assert len(calls) == 3


@pytest.mark.parametrize("error", [AuthenticationError("401"), SpaceNotFoundError("gone"), unavailable(404),
                                   ValueError("bad input")])
def test_what_waiting_cannot_fix_is_raised_at_once(error: Exception) -> None:
    fn, calls = failing([error])
    with pytest.raises(type(error)):
        RetryPolicy(3, initial_wait=0.01)(fn, "x")
    assert len(calls) == 1


def test_no_retries_means_one_call() -> None:
    fn, calls = failing([unavailable()])
    with pytest.raises(SpaceUnavailableError):
        RetryPolicy(0)(fn, "x")
    assert len(calls) == 1


def test_busy_only_retries_a_busy_space_but_not_a_down_one() -> None:
    fn, calls = failing([RateLimitError("429", retry_after=0.01, status_code=429)])
    assert RetryPolicy(2, busy_only=True)(fn, "x") == "x" and len(calls) == 2
    fn, calls = failing([unavailable(502)])
    with pytest.raises(SpaceUnavailableError):
        RetryPolicy(2, busy_only=True)(fn, "x")
    assert len(calls) == 1


def test_a_retry_after_is_honoured_up_to_the_cap() -> None:
    waits: List[float] = []
    fn, _ = failing([RateLimitError("429", retry_after=0.03, status_code=429),
                     RateLimitError("429", retry_after=100.0, status_code=429)])
    RetryPolicy(2, max_wait=0.04, on_retry=lambda e, d: waits.append(d))(fn, "x")
    assert waits == [0.03, 0.04]


def test_a_chat_that_succeeds_first_time_does_not_import_tenacity() -> None:
    script = textwrap.dedent("""
        import sys
        from qwen_spaces import Client
        from qwen_spaces.testing import LocalSpace
        with LocalSpace("qwen-2-5-max", reply="Hi there.") as space:
            with Client(base_urls={"qwen-2-5-max": space.url}) as client:
                assert client.chat("qwen-2-5-max", [{"role": "user", "content": "Hi"}]).text == "Hi there."
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("tenacity", "sseclient")))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"
