"""Start and stop replica Gradio servers for the integration tests.

Each replica is one subprocess (a Gradio venv's python running an app from
``apps/``) on a free 127.0.0.1 port, with its own log file and YIELD_LOG.
Importing Gradio costs ~5 s of CPU, so :func:`start_all` spawns every server
first and then waits for all of them together.  Stdlib only.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from tests.servers import gradio_envs

APPS_DIR = Path(__file__).resolve().parent / "apps"
READY_TIMEOUT = 90.0  # per server, from its spawn; env QWEN_SPACES_REPLICA_TIMEOUT overrides
STARTING_AT_ONCE = 4  # 2 cores: more at once only splits the same CPU further
STOP_GRACE = 5.0


class ReplicaStartError(RuntimeError):
    """A replica died or did not answer /config in time (message has its log tail)."""


@dataclass(frozen=True)
class ReplicaSpec:
    """What to run: an app script from apps/, a Gradio version and extra env vars."""

    app: str
    version: str
    env: Tuple[Tuple[str, str], ...] = ()  # a tuple, so specs can be dict keys

    @property
    def label(self) -> str:
        extra = ",".join(f"{k}={v}" for k, v in self.env)
        return f"{self.app}@{self.version}" + (f"[{extra}]" if extra else "")


@dataclass
class Replica:
    spec: ReplicaSpec
    port: int
    workdir: Path
    proc: "Optional[subprocess.Popen[bytes]]" = None
    started_at: float = 0.0
    ready_after: Optional[float] = None  # seconds from spawn to the first 200 on /config

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / "server.log"

    @property
    def yield_log(self) -> Path:
        return self.workdir / "yields.log"

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def free_ports(count: int) -> List[int]:
    """Distinct free ports: all sockets stay bound until every port is picked."""
    with ExitStack() as stack:
        socks = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in socks]


def _die_with_parent() -> None:
    # Linux: SIGTERM the server if pytest dies without running teardown (e.g. kill -9).
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def spawn(spec: ReplicaSpec, port: int, workdir: Path) -> Replica:
    """Start one server process (non-blocking).  Call from a long-lived thread:
    PDEATHSIG fires when the *thread* that forked exits."""
    workdir.mkdir(parents=True, exist_ok=True)
    replica = Replica(spec, port, workdir)
    env = gradio_envs.server_env()
    env.update(dict(spec.env))
    env.update(PORT=str(port), YIELD_LOG=str(replica.yield_log),
               GRADIO_TEMP_DIR=str(workdir / "gradio-tmp"))
    python = gradio_envs.ensure_env(spec.version)
    with replica.log_path.open("wb") as log:  # the child keeps its own copy of the fd
        replica.proc = subprocess.Popen(
            [str(python), str(APPS_DIR / spec.app)], cwd=workdir, env=env,
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
    replica.started_at = time.monotonic()
    return replica


def config_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/config", timeout=2) as resp:
            return bool(resp.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _load_factor() -> float:
    """How much longer than usual a start may take right now: the Gradio import is
    CPU-bound, and on a shared 2-core box other jobs can leave us a small share."""
    try:
        load = os.getloadavg()[0]
    except OSError:
        return 1.0
    return min(5.0, max(1.0, load / (os.cpu_count() or 1)))


def _check(replica: Replica, timeout: float) -> bool:
    """True once the replica answers /config; raise if it died or ran out of time."""
    assert replica.proc is not None
    if replica.proc.poll() is not None:
        raise ReplicaStartError(
            f"{replica.spec.label} exited with {replica.proc.returncode}; "
            f"log {replica.log_path}:\n{replica.log_tail()}")
    if config_ok(replica.url):
        replica.ready_after = time.monotonic() - replica.started_at
        return True
    if time.monotonic() - replica.started_at > timeout * _load_factor():
        raise ReplicaStartError(
            f"{replica.spec.label} gave no 200 on {replica.url}/config within "
            f"{time.monotonic() - replica.started_at:.0f}s (load {os.getloadavg()[0]:.1f}); "
            f"log {replica.log_path}:\n{replica.log_tail()}")
    return False


def wait_ready(replicas: Sequence[Replica], timeout: float = READY_TIMEOUT) -> None:
    """Poll every replica's GET /config until all answer 200; raise on death or timeout."""
    pending = list(replicas)
    while pending:
        pending = [replica for replica in pending if not _check(replica, timeout)]
        if pending:
            time.sleep(0.25)


def stop(replica: Replica) -> None:
    """Terminate, then kill if it does not exit within STOP_GRACE."""
    proc = replica.proc
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(STOP_GRACE)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(STOP_GRACE)


def start_all(specs: Sequence[ReplicaSpec], root: Path, timeout: Optional[float] = None,
              parallel: int = STARTING_AT_ONCE) -> Dict[ReplicaSpec, Replica]:
    """Start every spec, ``parallel`` at a time; all are stopped again if one fails.

    Starting them all at once would not finish sooner (the Gradio import is
    CPU-bound) but would make each one's timeout depend on how many others run.
    """
    timeout = timeout or float(os.environ.get("QWEN_SPACES_REPLICA_TIMEOUT", READY_TIMEOUT))
    gradio_envs.ensure_envs(sorted({spec.version for spec in specs}))
    ports = free_ports(len(specs))
    todo = list(enumerate(zip(specs, ports)))
    replicas: Dict[ReplicaSpec, Replica] = {}
    starting: List[Replica] = []
    try:
        while todo or starting:
            while todo and len(starting) < parallel:
                index, (spec, port) = todo.pop(0)
                stem = spec.app.removesuffix('.py').replace('/', '-')  # qwen3_demo/app.py
                workdir = root / f"{index:02d}-{stem}-{spec.version}"
                replicas[spec] = spawn(spec, port, workdir)
                starting.append(replicas[spec])
            starting = [replica for replica in starting if not _check(replica, timeout)]
            if starting:
                time.sleep(0.25)
    except BaseException:
        for replica in replicas.values():
            stop(replica)
        raise
    return replicas


def _demo() -> None:
    """`python -m tests.servers.launcher`: start every replica once, print URLs, stop."""
    import tempfile

    specs = [ReplicaSpec(app, version) for version in gradio_envs.VERSIONS
             for app in ("qwen_chat.py", "qwen2_5.py", "qvq.py")]
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="qwen-replicas-") as root:
        replicas = start_all(specs, Path(root))
        try:
            for replica in replicas.values():
                print(f"{replica.spec.label:40} {replica.url}  ready in {replica.ready_after:.1f}s")
            print(f"all ready in {time.monotonic() - began:.1f}s; pid {os.getpid()}")
        finally:
            for replica in replicas.values():
                stop(replica)


if __name__ == "__main__":
    _demo()
