"""Shared constants and resource probes for the fault-injection suite."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from typing import Iterator, Set, cast

from requests.adapters import HTTPAdapter

from qwen_spaces import Client, Timeout

MODEL = "qwen-2-5-max"
MSG = [{"role": "user", "content": "Hi"}]
# short, but well above what a busy CI box needs; a test that waits for a
# read timeout it should not hit takes 10 s and fails its time bound
FAST = Timeout(connect=2.0, read=10.0, total=30.0)
# scheduling slack allowed on top of an expected time (load on CI machines)
SLACK = 2.0


def pool_in_use(client: Client) -> int:
    """Connections checked out of the Client's urllib3 pools (0 = all released)."""
    total = 0
    adapters = {id(a): a for a in client._transport.session.adapters.values()}
    for adapter in adapters.values():
        manager = cast(HTTPAdapter, adapter).poolmanager
        for key in list(manager.pools.keys()):
            pool = manager.pools.get(key)
            if pool is not None and pool.pool is not None:
                total += pool.pool.maxsize - pool.pool.qsize()
    return total


def socket_fds(exclude: Set[int] = frozenset()) -> Set[int]:  # type: ignore[assignment]
    """File descriptors of this process that are sockets."""
    out = set()
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd in exclude:
            continue
        try:
            if os.readlink(f"/proc/self/fd/{name}").startswith("socket:"):
                out.add(fd)
        except OSError:
            continue  # closed meanwhile (the listdir fd itself, for one)
    return out


class Timer:
    elapsed: float = 0.0


@contextmanager
def timed() -> Iterator[Timer]:
    timer = Timer()
    start = time.monotonic()
    try:
        yield timer
    finally:
        timer.elapsed = time.monotonic() - start
