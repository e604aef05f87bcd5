"""Bytes on the wire and time to first delta, through a delay proxy (issue 8 item 5,
issue 12 item 1).

    python benchmarks/wire.py                      # 3 runs, N = 50 and 5,000; ~15 min
    python benchmarks/wire.py --quick              # 1 run, N = 50 and 1,000
    python benchmarks/wire.py --cases builtin,call-only --clients floor,qwen_spaces
    python benchmarks/wire.py --render benchmarks/results/wire_last_run.json   # table again
    python benchmarks/run.py --wire                # the CPU table, then this one

Starts the replay server and real Gradio replicas (``tests/servers/launcher.py``), puts
one :class:`proxy.DelayProxy` in front of each (50 ms each way by default, so one round
trip = 100 ms), and for every run, Space, reply length and client spawns one fresh
process (``wire_clients.py``) that streams a cold reply and then a warm one, while the
proxy counts the bytes of each.  Prints one table of medians and writes every raw result,
with the proxy's per-request rows, to ``benchmarks/results/wire_last_run.json``.  See
``benchmarks/README.md`` for what each column means.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
for _path in (str(REPO), str(REPO / "tests" / "servers" / "apps"), str(REPO / "tests" / "servers" / "apps" / "qwen3_demo")):
    if _path not in sys.path:
        sys.path.append(_path)

import fake_dashscope  # noqa: E402  (tests/servers/apps/qwen3_demo: the Qwen3 replica's replies)
import generic_replies  # noqa: E402  (tests/servers/apps: the ChatInterface replica's replies)
import workload  # noqa: E402
from proxy import DelayProxy  # noqa: E402
from run import MAIN_PYTHON, ReplayServer, child_env, compile_byte_code  # noqa: E402

from qwen_spaces.spaces import QWEN3_DEMO  # noqa: E402
from tests.servers import gradio_envs, launcher  # noqa: E402
from tests.servers.launcher import Replica, ReplicaSpec  # noqa: E402

CLIENTS = ("floor", "qwen_spaces", "gradio_client", "call")
PROMPT = "<PROMPT>"  # filled in by wire_clients.fill()
QWEN3_SETTINGS = dict(QWEN3_DEMO.settings)


@dataclass(frozen=True)
class WirePlan:
    runs: int = 3
    lengths: Tuple[int, ...] = (50, 5000)
    latency_ms: float = 50.0
    connect_rtts: int = 1
    cases: Tuple[str, ...] = ("replay", "builtin", "qwen3", "by-url", "call-only")
    clients: Tuple[str, ...] = CLIENTS
    timeout: float = 300.0
    warm_up: bool = True  # one unrecorded reply per Space and client first (see warm_up())


QUICK = WirePlan(runs=1, lengths=(50, 1000))


# -- the Spaces --------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    """One Space: where it runs, and how each client asks it for an N-token reply."""

    key: str
    label: str
    gradio: str  # the Gradio version it runs (its venv's gradio_client talks to it)
    replica: Optional[ReplicaSpec]  # None: the replay server
    api_name: str
    reply_index: int  # the reply's output, in queue and /call data
    join_data: List[Any]
    gc_args: List[Any]
    gc_index: Optional[int]  # the reply in gradio_client's result (None: a single value)
    qs_model: str  # "" = the proxy URL itself (a Space known only by its address)
    qs_key: Optional[str]  # base_urls key, if any
    prompt: Callable[[int], str]
    expected: Callable[[int], str]  # the answer text every client must end with
    has_call: bool = True
    trigger_id: Optional[int] = None  # when not read from /config


def _words_prompt(n: int) -> str:
    return " ".join(["w"] * max(n, 1))


def _ci_words(n: int) -> int:
    return n - len(generic_replies.words(generic_replies.ci_reply("w", 0))) + 1


def _qwen3_words(n: int) -> int:
    reasoning, answer, _ = fake_dashscope.reply_words(
        QWEN3_SETTINGS["model"], [{"role": "user", "content": "w"}], True, QWEN3_SETTINGS["thinking_budget"] * 1024
    )
    return n - len(reasoning) - len(answer) + 1


def _qwen3_answer(n: int) -> str:
    messages = [{"role": "user", "content": _words_prompt(_qwen3_words(n))}]
    answer: str = fake_dashscope.reply_texts(
        QWEN3_SETTINGS["model"], messages, True, QWEN3_SETTINGS["thinking_budget"] * 1024
    )[1]
    return answer


CASES: Dict[str, Case] = {
    "replay": Case(
        key="replay",
        label="replay g6 (Qwen2.5-Max layout)",
        gradio="6.31.0",
        replica=None,
        api_name="model_chat",
        reply_index=1,
        join_data=[PROMPT, [], None],
        gc_args=[PROMPT, []],
        gc_index=1,
        qs_model="qwen-2-5-max",
        qs_key="qwen-2-5-max",
        prompt=lambda n: "Hi",
        expected=workload.expected_text,
        has_call=False,
        trigger_id=10,
    ),
    "builtin": Case(
        key="builtin",
        label="built-in Qwen2.5-Max replica",
        gradio="5.23.3",
        replica=ReplicaSpec("qwen_chat.py", "5.23.3", (("SYSTEM_SLOT", "state"),)),
        api_name="model_chat",
        reply_index=1,
        join_data=[PROMPT, [], None],
        gc_args=[PROMPT, []],
        gc_index=1,
        qs_model="qwen-2-5-max",
        qs_key="qwen-2-5-max",
        prompt=lambda n: f"many {n}",
        expected=lambda n: "".join(f" m{i}" for i in range(n)),
    ),
    "qwen3": Case(
        key="qwen3",
        label="Qwen3-Demo replica",
        gradio=gradio_envs.QWEN3_VERSION,
        replica=ReplicaSpec("qwen3_demo/app.py", gradio_envs.QWEN3_VERSION, (("DELAY", "0"),)),
        api_name="add_message",
        reply_index=5,
        join_data=[PROMPT, QWEN3_SETTINGS, None, None],
        gc_args=[PROMPT, QWEN3_SETTINGS],
        gc_index=1,
        qs_model=QWEN3_SETTINGS["model"],
        qs_key=QWEN3_DEMO.space_id,
        prompt=lambda n: _words_prompt(_qwen3_words(n)),
        expected=_qwen3_answer,
    ),
    "by-url": Case(
        key="by-url",
        label="ChatInterface by URL (/config)",
        gradio="6.31.0",
        replica=ReplicaSpec("chat_interface.py", "6.31.0", (("CI_TYPE", "messages"), ("PACE", "0"))),
        api_name="respond",
        reply_index=0,
        join_data=[PROMPT, None],
        gc_args=[PROMPT],
        gc_index=None,
        qs_model="",
        qs_key=None,
        prompt=lambda n: _words_prompt(_ci_words(n)),
        expected=lambda n: generic_replies.ci_reply(_words_prompt(_ci_words(n)), 0),
    ),
    "call-only": Case(
        key="call-only",
        label="QVQ layout (/call profile)",
        gradio="5.23.3",
        replica=ReplicaSpec(str(HERE / "apps" / "qvq_tokens.py"), "5.23.3"),
        api_name="generate",
        reply_index=0,
        join_data=[None, PROMPT],
        gc_args=[None, PROMPT],
        gc_index=None,
        qs_model="qvq-72b",
        qs_key="qvq-72b",
        prompt=lambda n: f"many {n}",
        expected=workload.expected_text,
    ),
}


def clients_of(case: Case, wanted: Sequence[str]) -> List[str]:
    return [c for c in CLIENTS if c in wanted and (c != "call" or case.has_call)]


# -- servers and proxies -----------------------------------------------------------------
class Servers:
    """The replay server, the replicas, and one delay proxy per upstream URL."""

    def __init__(self, plan: WirePlan, root: Path) -> None:
        self.plan = plan
        self.replay: Optional[ReplayServer] = None
        self.replicas: Dict[str, Replica] = {}
        self.proxies: Dict[str, DelayProxy] = {}
        self.configs: Dict[str, Dict[str, Any]] = {}
        cases = [CASES[k] for k in plan.cases]
        if any(c.replica is None for c in cases):
            self.replay = ReplayServer([f"g6:{n}" for n in plan.lengths])
        specs = {c.key: c.replica for c in cases if c.replica is not None}
        if specs:
            started = launcher.start_all(list(specs.values()), root)
            self.replicas = {key: started[spec] for key, spec in specs.items()}

    def upstream(self, case: Case, n: int) -> str:
        if case.replica is None:
            assert self.replay is not None  # noqa: S101
            return self.replay.url("g6", n)
        return self.replicas[case.key].url

    def proxy(self, upstream: str) -> DelayProxy:
        if upstream not in self.proxies:
            proxy = DelayProxy(upstream, self.plan.latency_ms / 1000, self.plan.connect_rtts)
            self.proxies[upstream] = proxy.start()
        return self.proxies[upstream]

    def config(self, upstream: str) -> Dict[str, Any]:
        """The app's /config, read directly (not through the proxy, not counted): what
        the hand-written clients know in advance."""
        if upstream not in self.configs:
            import urllib.request

            with urllib.request.urlopen(upstream + "/config", timeout=30) as resp:
                self.configs[upstream] = json.load(resp)
        return self.configs[upstream]

    def close(self) -> None:
        for proxy in self.proxies.values():
            proxy.close()
        for replica in self.replicas.values():
            launcher.stop(replica)
        if self.replay is not None:
            self.replay.close()


def space_args(case: Case, n: int, servers: Servers) -> Dict[str, Any]:
    """What wire_clients.py needs to know about the Space (URLs point at the proxy)."""
    upstream = servers.upstream(case, n)
    url = servers.proxy(upstream).url
    config = servers.config(upstream)
    dep = next(d for d in config["dependencies"] if d.get("api_name") == case.api_name)
    trigger = case.trigger_id
    if trigger is None:
        trigger = (dep.get("targets") or [[None]])[0][0]
    return {
        "url": url,
        "prompt": case.prompt(n),
        "api_prefix": (config.get("api_prefix") or "").rstrip("/"),
        "fn_index": dep["id"],
        "trigger_id": trigger,
        "join_data": case.join_data,
        "call_api": case.api_name,
        "call_data": case.join_data,
        "reply_index": case.reply_index,
        "gc_api": "/" + case.api_name,
        "gc_args": case.gc_args,
        "gc_index": case.gc_index,
        "qs_model": case.qs_model or url,
        "qs_base_urls": {case.qs_key: url} if case.qs_key else None,
    }


# -- one measurement ---------------------------------------------------------------------
def python_for(client: str, case: Case) -> str:
    if client != "gradio_client":
        return MAIN_PYTHON
    return str(gradio_envs.env_python(case.gradio))


def _lines(proc: "subprocess.Popen[str]") -> "queue.Queue[Optional[str]]":
    lines: "queue.Queue[Optional[str]]" = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None  # noqa: S101
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _next_result(lines: "queue.Queue[Optional[str]]", timeout: float) -> Dict[str, Any]:
    deadline = time.time() + timeout
    while True:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.time()))
        except queue.Empty:
            return {"error": f"timed out after {timeout:.0f} s"}
        if line is None:
            return {"error": "the client process exited without a result"}
        try:
            result: Dict[str, Any] = json.loads(line)
            return result
        except ValueError:
            continue  # a library's own print


def measure(
    client: str, case: Case, space: Dict[str, Any], proxy: DelayProxy, plan: WirePlan
) -> Dict[str, Dict[str, Any]]:
    """A cold and a warm reply in one fresh process, each with the proxy's counts."""
    settle = 2 * plan.latency_ms / 1000 + 0.1  # whatever is in flight gets counted
    proxy.take()  # drop leftovers of the previous process
    with tempfile.TemporaryFile("w+") as errors:
        spawned = time.time()
        proc = subprocess.Popen(
            [python_for(client, case), str(HERE / "wire_clients.py"), json.dumps({"client": client, "space": space})],
            cwd=HERE, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, text=True, env=child_env(),
        )
        lines = _lines(proc)
        out: Dict[str, Dict[str, Any]] = {}
        try:
            for phase in ("cold", "warm"):
                result = _next_result(lines, plan.timeout)
                time.sleep(settle)
                result["wire"] = proxy.take()
                result["spawned_at"] = spawned
                out[phase] = result
                if "error" in result:
                    break
                if phase == "cold" and proc.stdin is not None:
                    proc.stdin.write("go\n")
                    proc.stdin.flush()
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            errors.seek(0)
            tail = errors.read()[-800:]
        for result in out.values():
            if "error" in result and tail.strip():
                result["stderr"] = tail
    return out


# -- the figures -------------------------------------------------------------------------
def summary(result: Dict[str, Any], rtt: float) -> Dict[str, Any]:
    """The figures of one reply from its client result and the proxy's counts.

    The clock starts at the ``stream()``/``submit()`` call of a warm reply, and before
    ``import <client>`` for a cold one (qwen_spaces imports most of itself on first use, so
    an import-to-first-delta time compares clients fairly).  ``local_ms`` is the part
    before the client's first request reached the proxy (imports, set-up: CPU), and
    ``net_rtts`` the rest in round trips: the network's share, plus the server's own time.
    """
    wire = result.get("wire", {})
    start = result.get("import_start", result.get("t0", 0.0))
    rows = [r for r in wire.get("requests", []) if r["at"] >= start]  # not a stream left open before
    first = result.get("first_delta_at")
    before = [r for r in rows if first is None or r["at"] < first]
    first_request = min((r["at"] for r in rows), default=None)
    ttfd = None if first is None else first - start
    network = None if first is None or first_request is None else first - first_request
    return {
        "bytes": wire.get("bytes"),
        "up": wire.get("up"),
        "down": wire.get("down"),
        "requests": len(rows),
        "connections": wire.get("connections"),
        "requests_before_first": len(before),
        "connections_before_first": sum(1 for r in before if r["new_conn"]),
        "ttfd_ms": None if ttfd is None else ttfd * 1000,
        "ttfd_rtts": None if ttfd is None else ttfd / rtt,
        "local_ms": None if ttfd is None or network is None else (ttfd - network) * 1000,
        "net_rtts": None if network is None else network / rtt,
        "sequence": [f"{r['method']} {r['path']}{' (new conn)' if r['new_conn'] else ''}" for r in rows],
    }


def _median(values: Sequence[Optional[float]]) -> Optional[float]:
    good = [v for v in values if v is not None]
    return statistics.median(good) if good else None


@dataclass
class Cell:
    """Medians of one (case, N, client) over the runs."""

    case: str
    n: int
    client: str
    warm: Dict[str, Optional[float]] = field(default_factory=dict)
    cold: Dict[str, Optional[float]] = field(default_factory=dict)
    note: str = ""


FIGURES = ("bytes", "up", "down", "requests", "connections", "requests_before_first",
           "connections_before_first", "ttfd_ms", "ttfd_rtts", "local_ms", "net_rtts")


def cells(results: Dict[str, Any], plan: WirePlan) -> List[Cell]:
    out = []
    rtt = 2 * plan.latency_ms / 1000
    for key in plan.cases:
        case = CASES[key]
        for n in plan.lengths:
            for client in clients_of(case, plan.clients):
                runs = results.get(key, {}).get(str(n), {}).get(client, [])
                cell = Cell(key, n, client)
                for phase in ("warm", "cold"):
                    ok = [summary(r[phase], rtt) for r in runs if phase in r and "error" not in r[phase]]
                    setattr(cell, phase, {f: _median([s[f] for s in ok]) for f in FIGURES})
                errors = [r[p]["error"] for r in runs for p in ("cold", "warm") if p in r and "error" in r[p]]
                if errors:
                    cell.note = f"{len(errors)} error(s): {errors[0][:80]}"
                out.append(cell)
    return out


def _bytes(v: Optional[float]) -> str:
    if v is None:
        return "-"
    if v >= 1e6:
        return f"{v / 1e6:.2f} MB"
    if v >= 1e3:
        return f"{v / 1e3:.1f} kB"
    return f"{v:.0f} B"


def _count(a: Optional[float], b: Optional[float]) -> str:
    return "-" if a is None or b is None else f"{a:.0f}/{b:.0f}"


def _num(v: Optional[float], fmt: str) -> str:
    return "-" if v is None else fmt.format(v)


def _ms(ms: Optional[float], rtts: Optional[float]) -> str:
    return "-" if ms is None or rtts is None else f"{ms:.0f} ({rtts:.1f})"


def render(table: List[Cell], plan: WirePlan) -> str:
    head = ["Space", "N", "client", "warm bytes", "of it up", "x floor", "reqs", "conns", "TTFD warm ms (RTT)",
            "cold bytes", "reqs", "conns", "TTFD cold ms", "= local ms", "+ RTTs"]
    floors = {(c.case, c.n): c.warm.get("bytes") for c in table if c.client == "floor"}
    lines = [head]
    notes: List[str] = []
    for c in table:
        floor, warm = floors.get((c.case, c.n)), c.warm.get("bytes")
        ratio = "-" if not floor or warm is None else f"{warm / floor:.2f}x"
        lines.append([
            c.case, f"{c.n:,}", c.client,
            _bytes(c.warm.get("bytes")), _bytes(c.warm.get("up")), ratio,
            _count(c.warm.get("requests_before_first"), c.warm.get("requests")),
            _count(c.warm.get("connections_before_first"), c.warm.get("connections")),
            _ms(c.warm.get("ttfd_ms"), c.warm.get("ttfd_rtts")),
            _bytes(c.cold.get("bytes")),
            _count(c.cold.get("requests_before_first"), c.cold.get("requests")),
            _count(c.cold.get("connections_before_first"), c.cold.get("connections")),
            _num(c.cold.get("ttfd_ms"), "{:.0f}"),
            _num(c.cold.get("local_ms"), "{:.0f}"),
            _num(c.cold.get("net_rtts"), "{:.1f}") + (f" [{len(notes) + 1}]" if c.note else ""),
        ])
        if c.note:
            notes.append(f"[{len(notes) + 1}] {c.case} N={c.n:,} {c.client}: {c.note} (medians of the other runs)")
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = []
    for i, line in enumerate(lines):
        if i > 1 and (line[0], line[1]) != (lines[i - 1][0], lines[i - 1][1]):
            out.append("")
        out.append("  ".join(cell.ljust(w) if j < 3 else cell.rjust(w) for j, (cell, w) in enumerate(zip(line, widths))))
        if i == 0:
            out.append("-" * len(out[0]))
    return "\n".join(out + ([""] + notes if notes else []))


def sequences(results: Dict[str, Any], plan: WirePlan) -> str:
    """The requests of each client's first cold and warm reply (run 1, smallest N)."""
    out = []
    n = str(min(plan.lengths))
    rtt = 2 * plan.latency_ms / 1000
    for key in plan.cases:
        for client in clients_of(CASES[key], plan.clients):
            runs = results.get(key, {}).get(n, {}).get(client, [])
            if not runs:
                continue
            for phase in ("cold", "warm"):
                result = runs[0].get(phase)
                if not result or "error" in result:
                    continue
                seq = Counter(summary(result, rtt)["sequence"])
                text = ", ".join(f"{k}" + (f" x{v}" if v > 1 else "") for k, v in seq.items())
                out.append(f"  {key:<10} {client:<14} {phase}: {text}")
    return "\n".join(out)


def check(results: Dict[str, Any], plan: WirePlan) -> List[str]:
    """Every reply must end with the text the Space was told to stream."""
    failures = []
    for key in plan.cases:
        case = CASES[key]
        for n in plan.lengths:
            want = workload.text_sha256(case.expected(n))
            for client, runs in results.get(key, {}).get(str(n), {}).items():
                for i, run in enumerate(runs):
                    for phase, result in run.items():
                        where = f"run {i + 1} {key} N={n} {client} {phase}"
                        if "error" in result:
                            failures.append(f"{where}: {result['error'][:300]}")
                        elif result.get("sha256") != want:
                            failures.append(f"{where}: text sha256 differs ({result.get('chars')} chars)")
    return failures


# -- main --------------------------------------------------------------------------------
def client_versions(plan: WirePlan) -> Dict[str, str]:
    out = {}
    for version in sorted({CASES[k].gradio for k in plan.cases}):
        python = gradio_envs.env_python(version)
        proc = subprocess.run([str(python), "-c", "import gradio_client; print(gradio_client.__version__)"],
                              capture_output=True, text=True, env=child_env())
        out[version] = proc.stdout.strip() or "missing"
    return out


def git_state() -> str:
    """Which qwen_spaces was measured: its tree at HEAD, and any uncommitted changes
    (a commit elsewhere in the repository does not change it)."""
    def git(*args: str) -> str:
        proc = subprocess.run(["git", *args], capture_output=True, text=True, cwd=REPO)
        return proc.stdout.strip()

    tree = git("rev-parse", "--short", "HEAD:qwen_spaces")
    diff = git("diff", "HEAD", "--", "qwen_spaces") + git("status", "--porcelain", "--", "qwen_spaces")
    dirty = f" + uncommitted changes ({hashlib.sha1(diff.encode()).hexdigest()[:8]})" if diff else ""
    return f"tree {tree} (commit {git('rev-parse', '--short', 'HEAD')}){dirty}"


def _without_commit(state: str) -> str:
    return re.sub(r" \(commit \w+\)", "", state)


def jobs(plan: WirePlan) -> Iterator[Tuple[int, Case, int, List[str]]]:
    for run in range(plan.runs):
        for key in plan.cases:
            case = CASES[key]
            for n in plan.lengths:
                clients = clients_of(case, plan.clients)
                k = run % max(1, len(clients))
                yield run, case, n, clients[k:] + clients[:k]  # rotate: drifts hit all clients


def warm_up(plan: WirePlan, servers: Servers) -> None:
    """One unrecorded measurement per Space and client (smallest N) and a floor reply at
    every other N.  A fresh Gradio server is slow on its first requests (a first queue join
    on the 6.31.0 ChatInterface replica once took 15 s, and /info is built on first use);
    that belongs to the server's start, not to the client that happens to come first."""
    compile_byte_code()
    for key in plan.cases:
        case = CASES[key]
        for n in plan.lengths:
            space = space_args(case, n, servers)
            proxy = servers.proxy(servers.upstream(case, n))
            for client in clients_of(case, plan.clients) if n == min(plan.lengths) else ["floor"]:
                measure(client, case, space, proxy, plan)


def run_plan(plan: WirePlan, log: bool = True) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """Start the servers, measure everything, stop them: (results, context)."""
    started = time.time()
    context: Dict[str, Any] = {"plan": asdict(plan), "gradio_client": client_versions(plan), "git": git_state()}
    results: Dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="qwen-wire-") as root:
        servers = Servers(plan, Path(root))
        context["servers_ready_s"] = round(time.time() - started, 1)
        try:
            if plan.warm_up:
                warm_up(plan, servers)
                context["warmed_up_s"] = round(time.time() - started - context["servers_ready_s"], 1)
            for run, case, n, clients in jobs(plan):
                space = space_args(case, n, servers)
                proxy = servers.proxy(servers.upstream(case, n))
                for client in clients:
                    out = measure(client, case, space, proxy, plan)
                    results.setdefault(case.key, {}).setdefault(str(n), {}).setdefault(client, []).append(out)
                    if log:
                        print(f"  run {run + 1}/{plan.runs} {case.key:<10} N={n:<6} {client:<14} {_brief(out)}",
                              file=sys.stderr, flush=True)
        finally:
            servers.close()
    context["seconds"] = round(time.time() - started, 1)
    end = git_state()
    if _without_commit(end) != _without_commit(context["git"]):
        context["git"] += f", then {end} (qwen_spaces changed during the run)"
    return results, context


def _brief(out: Dict[str, Dict[str, Any]]) -> str:
    parts = []
    for phase, result in out.items():
        if "error" in result:
            parts.append(f"{phase} ERROR {result['error'][:120]}")
        else:
            ttfd = result.get("ttfd")
            parts.append(f"{phase} {_bytes(result['wire']['bytes'])} "
                         f"ttfd {'-' if ttfd is None else f'{ttfd * 1000:.0f} ms'}")
    return "; ".join(parts)


def report(results: Dict[str, Any], context: Dict[str, Any], plan: WirePlan) -> str:
    rtt_ms = 2 * plan.latency_ms
    versions = ", ".join(f"{k}: gradio_client {v}" for k, v in context["gradio_client"].items())
    cases = "; ".join(f"{k} = {CASES[k].label} (Gradio {CASES[k].gradio})" for k in plan.cases)
    head = (
        f"latency proxy: {plan.latency_ms:g} ms each way (RTT {rtt_ms:g} ms), a new connection costs "
        f"{plan.connect_rtts} RTT; {plan.runs} run(s), medians; {context['seconds']:.0f} s "
        f"(servers ready in {context['servers_ready_s']:.0f} s, warm-up {context.get('warmed_up_s', 0):.0f} s)\n"
        f"Spaces: {cases}\n"
        f"gradio_client per Space version: {versions}; qwen_spaces at {context.get('git', '?')}\n"
        "bytes = requests + responses, both directions, per reply; reqs and conns = before the first "
        "delta / in all; TTFD warm: from stream()/submit(), ms (ms / RTT); TTFD cold: from before "
        "`import <client>` = local ms before the first request + the rest in RTTs\n"
    )
    return head + "\n" + render(cells(results, plan), plan) + "\n\nrequests per reply (run 1, N = " \
        f"{min(plan.lengths):,}):\n" + sequences(results, plan)


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_options(p)
    p.add_argument("--quick", action="store_true", help="1 run, N = 50 and 1,000")
    p.add_argument("--render", metavar="JSON", help="print the table of an earlier run's raw results; measure nothing")
    p.add_argument("--json", default=str(HERE / "results" / "wire_last_run.json"),
                   help="where to write raw results ('' to skip)")
    return p.parse_args(argv)


def add_options(p: "argparse._ActionsContainer", prefix: str = "") -> None:
    """The plan's options (run.py adds them as --wire-*)."""
    p.add_argument(f"--{prefix}runs", type=int, help="runs (default 3)")
    p.add_argument(f"--{prefix}lengths", help="reply lengths in tokens (default 50,5000)")
    p.add_argument(f"--{prefix}latency-ms", type=float, help="one-way latency (default 50)")
    p.add_argument(f"--{prefix}connect-rtts", type=int, help="round trips per new connection (default 1)")
    p.add_argument(f"--{prefix}cases", help="comma-separated subset of: " + ", ".join(CASES))
    p.add_argument(f"--{prefix}clients", help="comma-separated subset of: " + ", ".join(CLIENTS))


def plan_from(opts: argparse.Namespace, base: WirePlan, prefix: str = "") -> WirePlan:
    def get(name: str) -> Any:
        return getattr(opts, prefix.replace("-", "_") + name)

    plan = asdict(base)
    if get("runs"):
        plan["runs"] = get("runs")
    if get("lengths"):
        plan["lengths"] = tuple(int(x) for x in get("lengths").split(","))
    if get("latency_ms") is not None:
        plan["latency_ms"] = get("latency_ms")
    if get("connect_rtts") is not None:
        plan["connect_rtts"] = get("connect_rtts")
    if get("cases"):
        unknown = set(get("cases").split(",")) - set(CASES)
        if unknown:
            raise SystemExit(f"unknown case(s) {sorted(unknown)}; known: {', '.join(CASES)}")
        plan["cases"] = tuple(k for k in CASES if k in get("cases").split(","))
    if get("clients"):
        plan["clients"] = tuple(c for c in CLIENTS if c in get("clients").split(","))
    return WirePlan(**plan)


def write_json(path: str, results: Dict[str, Any], context: Dict[str, Any]) -> None:
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps({"context": context, "results": results}, indent=1))


def main(argv: Optional[Sequence[str]] = None) -> int:
    opts = parse_args(argv)
    if opts.render:
        saved = json.loads(Path(opts.render).read_text())
        context = saved["context"]
        fields: Dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in context["plan"].items()}
        plan = WirePlan(**fields)
        print(report(saved["results"], context, plan))
        return 0
    plan = plan_from(opts, QUICK if opts.quick else WirePlan())
    results, context = run_plan(plan)
    print(report(results, context, plan))
    write_json(opts.json, results, context)
    failures = check(results, plan)
    if failures:
        print("\nFAILED:\n" + "\n".join(failures))
        return 1
    print("\nevery reply ended with the expected text (sha256)")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    sys.exit(main())
