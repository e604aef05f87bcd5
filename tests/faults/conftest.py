"""Fixtures for the fault-injection suite: a fresh :class:`FaultServer` per
test and clients pointed at it (closed at teardown)."""

from __future__ import annotations

import gc
import os
from typing import Any, Callable, Iterator, List, Tuple

import pytest

from qwen_spaces import Client

from .fault_server import FaultServer
from .helpers import FAST, MODEL


@pytest.fixture(autouse=True)
def _collect_garbage() -> Iterator[None]:
    """Collect after each test, so that a finalizer's failure (or a
    ResourceWarning) shows up in the test that left the object behind."""
    yield
    gc.collect()


@pytest.fixture
def server() -> Iterator[FaultServer]:
    srv = FaultServer()
    try:
        yield srv
    finally:
        srv.close()
    assert not srv.errors, "the fault server's script failed:\n" + "\n".join(srv.errors)


@pytest.fixture
def make_client(server: FaultServer) -> Iterator[Callable[..., Client]]:
    """``make_client(**kw)``: a Client for the fault server, closed at teardown."""
    clients: List[Client] = []

    def make(**kw: Any) -> Client:
        kw.setdefault("retry_max_wait", 0.05)
        kw.setdefault("timeout", FAST)
        client = Client(base_urls={MODEL: kw.pop("url", server.url)}, **kw)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()



# -- an optional report: QWEN_FAULT_TABLE=path writes what each fault did ------------

_ROWS: List[Tuple[str, str, str, float]] = []


@pytest.fixture
def report(request: pytest.FixtureRequest) -> Callable[..., None]:
    """``report(expected, observed, seconds)``: one row of the fault table."""

    def add(expected: str, observed: str, seconds: float) -> None:
        _ROWS.append((request.node.name, expected, observed, seconds))

    return add


def pytest_sessionfinish(session: pytest.Session) -> None:
    path = os.environ.get("QWEN_FAULT_TABLE")
    if not path or not _ROWS:
        return
    with open(path, "w", encoding="utf-8") as out:
        out.write("| test | expected | observed | time to error (s) |\n|---|---|---|---|\n")
        for name, expected, observed, seconds in _ROWS:
            out.write(f"| {name} | {expected} | {observed} | {seconds:.3f} |\n")


def pytest_collection_modifyitems(items: List[pytest.Item]) -> None:
    """A ``__del__`` or finalizer that raises (an "Exception ignored in"
    message) fails the fault test during which it ran: leaks and broken
    finalizers are what this suite looks for."""
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning"))
