"""Fixtures that run real Gradio replicas of the Qwen Spaces, once per session.

Every test here is marked ``integration``.  Replicas are started lazily: the
first test that asks for one starts, in parallel, every replica the selected
tests will need (read from their ``version`` / ``space`` / ``kind`` parameters
and ``replicas(...)`` markers), so ``-k 6.31.0`` only starts 6.31.0 servers.
"""

from __future__ import annotations

import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Set, Tuple

import pytest

# `tests.servers` must be importable under a plain `pytest` too (rootdir is not on sys.path).
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.servers import gradio_envs, kinds, launcher  # noqa: E402
from tests.servers.launcher import Replica, ReplicaSpec  # noqa: E402

HERE = Path(__file__).resolve().parent
VERSIONS: Tuple[str, ...] = gradio_envs.VERSIONS
TEST_TIMEOUT = 120  # seconds; a hung stream should fail one test, not the whole run

# Replica kinds: app script + env.  The two chat variants differ in how the
# system prompt reaches the app (gr.State vs hidden Textbox); "chat-shifted"
# moves the chat event to fn_index 2, as a redeployed Space might.
KINDS: Dict[str, Tuple[str, Tuple[Tuple[str, str], ...]]] = {
    "chat-state": ("qwen_chat.py", (("SYSTEM_SLOT", "state"),)),
    "chat-textbox": ("qwen_chat.py", (("SYSTEM_SLOT", "textbox"),)),
    "chat-shifted": ("qwen_chat.py", (("SYSTEM_SLOT", "state"), ("LEADING_EVENTS", "2"))),
    "chat-messages": ("qwen_chat.py", (("SYSTEM_SLOT", "textbox"), ("CHATBOT", "messages"))),
    "qwen2_5": ("qwen2_5.py", (("SYSTEM_SLOT", "state"),)),
    "qvq": ("qvq.py", ()),
}
# Generic Gradio chat apps and Qwen3-Demo (tests/servers/kinds.py): ChatInterface in each
# format, a Blocks chain, <think> tags, thought messages, two chats, no chat.  Each runs only
# on the versions in KIND_VERSIONS (pool keys are (kind, version); "5.27.0" = Qwen3-Demo's).
KINDS.update({kind: (app, env) for kind, (app, env, _) in kinds.GENERIC_KINDS.items()})
KIND_VERSIONS: Dict[str, Tuple[str, ...]] = kinds.kind_versions()
# Which replica serves each Space by default.
SPACE_KIND: Dict[str, str] = {
    "qwen-qwen2-5-max": "chat-state",
    "qwen-qwen2-72b-instruct": "chat-textbox",
    "qwen-qwen2-5": "qwen2_5",
    "qwen-qvq-72b-preview": "qvq",
}
CHAT_SPACES: Tuple[str, ...] = ("qwen-qwen2-5-max", "qwen-qwen2-5", "qwen-qwen2-72b-instruct")

Key = Tuple[str, str]  # (kind, version)
_wanted: Set[Key] = set()


def kind_of(space_or_kind: str) -> str:
    """A replica kind, given a kind or any accepted model name (aliases too)."""
    if space_or_kind in KINDS:
        return space_or_kind
    from qwen_spaces.spaces import get_space  # plain data, no client code

    return SPACE_KIND[get_space(space_or_kind).name]


def spec_for(kind: str, version: str) -> ReplicaSpec:
    app, env = KINDS[kind]
    return ReplicaSpec(app, version, env)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "replicas(*kinds): extra replica kinds a test needs")


def _keys_of(item: pytest.Item) -> Set[Key]:
    params: Dict[str, Any] = getattr(getattr(item, "callspec", None), "params", {})
    version = params.get("version")
    if version is None:
        return set()
    kinds: Set[str] = set()
    if "kind" in params:  # an explicit kind overrides the Space's default replica
        kinds.add(params["kind"])
    elif "space" in params:
        kinds.add(kind_of(params["space"]))
    for marker in item.iter_markers("replicas"):
        kinds.update(marker.args)
    return {(kind, version) for kind in kinds}


def _is_ours(item: pytest.Item) -> bool:
    return HERE in Path(str(item.fspath)).resolve().parents


def pytest_collection_modifyitems(config: pytest.Config, items: List[pytest.Item]) -> None:
    # A conftest hook sees every collected item, not only this folder's.
    for item in items:
        if _is_ours(item):
            item.add_marker(pytest.mark.integration)


def _selected_keys(session: pytest.Session) -> Set[Key]:
    # Read after deselection (-k / -m), so only servers for tests that will run start.
    return {key for item in session.items if _is_ours(item) for key in _keys_of(item)}


class ReplicaPool:
    """Starts replicas on first use (all known-needed ones at once) and stops them all."""

    def __init__(self, root: Path, wanted: Set[Key]) -> None:
        self.root = root
        self.wanted = set(wanted)
        self.running: Dict[Key, Replica] = {}
        self.startup_seconds = 0.0

    def get(self, kind: str, version: str) -> Replica:
        key = (kind, version)
        if key not in self.running:
            todo = sorted((self.wanted | {key}) - set(self.running))
            began = time.monotonic()
            armed = signal.alarm(0)  # server start-up is not the test's time (see _watchdog)
            try:
                started = launcher.start_all([spec_for(*k) for k in todo], self.root)
            finally:
                if armed:
                    signal.alarm(TEST_TIMEOUT)
            self.startup_seconds += time.monotonic() - began
            self.running.update(zip(todo, (started[spec_for(*k)] for k in todo)))
        return self.running[key]

    def stop_all(self) -> None:
        for replica in self.running.values():
            launcher.stop(replica)


@pytest.fixture(scope="session")
def replica_pool(request: pytest.FixtureRequest) -> Iterator[ReplicaPool]:
    with tempfile.TemporaryDirectory(prefix="qwen-replicas-") as root:
        pool = ReplicaPool(Path(root), _selected_keys(request.session))
        try:
            yield pool
        finally:
            pool.stop_all()
            if pool.running:
                print(f"\nreplica startup: {pool.startup_seconds:.1f}s for "
                      f"{len(pool.running)} servers")


@pytest.fixture(params=VERSIONS)
def version(request: pytest.FixtureRequest) -> str:
    """Every test taking ``version`` runs against each Gradio version."""
    return str(request.param)


@pytest.fixture
def replica(replica_pool: ReplicaPool) -> Callable[..., Replica]:
    """``replica(space_or_kind, version)`` -> the running :class:`Replica`."""

    def get(space_or_kind: str, version: str) -> Replica:
        return replica_pool.get(kind_of(space_or_kind), version)

    return get


@pytest.fixture
def space_url(replica: Callable[..., Replica]) -> Callable[..., str]:
    """``space_url(space, version, kind=None)`` -> base URL for ``Client(base_urls=...)``."""

    def url(space: str, version: str, kind: Optional[str] = None) -> str:
        return replica(kind or space, version).url

    return url


@pytest.fixture
def make_client(space_url: Callable[..., str]) -> Iterator[Callable[..., Any]]:
    """``make_client(space, version, kind=None, **client_kwargs)`` -> a Client pointed at
    the replica (closed after the test)."""
    from qwen_spaces import Client

    clients = []

    def make(space: str, version: str, kind: Optional[str] = None, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", 30.0)
        client = Client(base_urls={space: space_url(space, version, kind)}, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture(autouse=True)
def _watchdog() -> Iterator[None]:
    """Fail a test that hangs (e.g. a stream that never ends) instead of the whole run."""

    if threading.current_thread() is not threading.main_thread():
        yield  # signals only work in the main thread (e.g. under a threaded runner)
        return

    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"integration test exceeded {TEST_TIMEOUT}s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(TEST_TIMEOUT)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
