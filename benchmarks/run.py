"""Benchmark qwen_spaces against a raw requests floor and gradio_client.

    python benchmarks/run.py              # the CPU table (5 interleaved runs), then the
                                          # latency-proxy table (wire.py): ~20-25 min
    python benchmarks/run.py --quick      # both smoke runs: smaller N, fewer runs (~4 min)
    python benchmarks/run.py --no-wire    # the CPU table only (~5-10 min)
    python benchmarks/run.py --wire-only  # the latency-proxy table only (~15 min)

Starts the replay server (``replay_server.py``), then for every run and every
measurement spawns one fresh process per client (``clients.py``), rotating the client
order from run to run.  Every reconstructed text is hashed and compared with the text the
server streamed: any mismatch (or a client error) fails the run (exit status 1).  Prints
a table of medians and writes every raw result to ``benchmarks/results/last_run.json``.
See ``benchmarks/README.md`` for what each figure means.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import workload

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# Interpreters: the project venv (qwen_spaces editable, requests) and the Gradio 6.31.0
# venv that has gradio_client; either can be overridden from the environment.
MAIN_PYTHON = os.environ.get("QWEN_BENCH_PYTHON", str(REPO / ".venv" / "bin" / "python"))
GRADIO_PYTHON = os.environ.get(
    "QWEN_BENCH_GRADIO_PYTHON", "/root/.cache/qwen-spaces-gradio/g6.31.0/bin/python"
)
CLIENTS = ("floor", "qwen_spaces", "gradio_client")
INTERPRETER = {"floor": MAIN_PYTHON, "qwen_spaces": MAIN_PYTHON, "gradio_client": GRADIO_PYTHON}


@dataclass(frozen=True)
class Plan:
    runs: int
    ns: Tuple[int, int]  # per-event CPU at these N (g6); the larger one also gives RSS
    g4_n: int
    ttfd_n: int
    ttfd_repeat: int
    concurrency: Tuple[int, ...]
    concurrent_events: int
    rss_limit_mib: int  # a client whose RSS grows past this is stopped (and reported)
    stall_seconds: float  # concurrent streams with no delta for this long count as hung
    timeout: float
    warm_up: bool = True  # one unrecorded stream per client first (byte-code caches)


FULL = Plan(
    runs=5,
    ns=(10_000, 100_000),
    g4_n=10_000,
    ttfd_n=1_000,
    ttfd_repeat=5,
    concurrency=(32, 128),
    concurrent_events=1_000,
    rss_limit_mib=2048,
    stall_seconds=10,
    timeout=600,
)
QUICK = Plan(
    runs=2,
    ns=(1_000, 4_000),
    g4_n=1_000,
    ttfd_n=200,
    ttfd_repeat=2,
    concurrency=(32,),
    concurrent_events=100,
    rss_limit_mib=1024,
    stall_seconds=1.5,
    timeout=120,
    warm_up=False,
)


@dataclass
class Task:
    """One measurement, run once per client per run."""

    key: str
    mode: str
    variant: str = "g6"
    n: int = 0
    extra: Dict[str, Any] = field(default_factory=dict)


def tasks_for(plan: Plan) -> List[Task]:
    tasks = [Task(f"stream g6 N={n}", "stream", "g6", n) for n in (0, *plan.ns)]
    tasks += [Task(f"stream g4 N={n}", "stream", "g4", n) for n in (0, plan.g4_n)]
    tasks.append(Task("ttfd", "ttfd", "g6", plan.ttfd_n, {"repeat": plan.ttfd_repeat}))
    tasks += [
        Task(f"concurrent {c}", "concurrent", "g6", plan.concurrent_events, {"streams": c})
        for c in plan.concurrency
    ]
    return tasks


# -- processes ---------------------------------------------------------------------------
class ReplayServer:
    """The replay server as a child process; closing its stdin stops it."""

    def __init__(self, specs: Sequence[str]) -> None:
        self.proc = subprocess.Popen(
            [MAIN_PYTHON, str(HERE / "replay_server.py"), *specs],
            cwd=HERE,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line:
            raise RuntimeError("replay server did not start")
        self.ports: Dict[str, int] = json.loads(line)

    def url(self, variant: str, n: int) -> str:
        return f"http://127.0.0.1:{self.ports[f'{variant}:{n}']}"

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def child_env() -> Dict[str, str]:
    env = dict(
        os.environ,
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
        GRADIO_ANALYTICS_ENABLED="False",
        HF_HUB_DISABLE_TELEMETRY="1",
    )
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        env.pop(name, None)
    # A pip-installed package has its byte code compiled at install time; the editable
    # qwen_spaces here gets it from the warm-up, which this variable would forbid (it is
    # set on some CI machines, and would make every import recompile qwen_spaces' source).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def spawn(client: str, args: Dict[str, Any], timeout: float) -> Dict[str, Any]:
    """Run one measurement in a fresh process; its stdout's last line is the result."""
    started = time.time()
    proc = subprocess.Popen(
        [INTERPRETER[client], str(HERE / "clients.py"), json.dumps(args)],
        cwd=HERE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return {"error": f"timed out after {timeout:.0f} s", "spawned_at": started}
    lines = out.strip().splitlines()
    try:
        result: Dict[str, Any] = json.loads(lines[-1])
    except (IndexError, ValueError):
        result = {"error": f"no result (exit {proc.returncode}): {err.strip()[-500:]}"}
    result["spawned_at"] = started
    return result


def client_available(client: str) -> Optional[str]:
    """None if the client can be imported, else why not."""
    probe = {
        "qwen_spaces": "from qwen_spaces import Client",
        "gradio_client": "from gradio_client import Client",
        "floor": "import requests",
    }
    proc = subprocess.run(
        [INTERPRETER[client], "-c", probe[client]], capture_output=True, text=True, cwd=HERE, env=child_env()
    )
    return None if proc.returncode == 0 else (proc.stderr.strip().splitlines() or ["?"])[-1]


# -- checking ----------------------------------------------------------------------------
def check(task: Task, client: str, result: Dict[str, Any]) -> Optional[str]:
    """A failure message, or None.  Hitting the RSS guard is a result, not a failure."""
    if "aborted" in result:
        return None
    if "error" in result:
        return f"{client} {task.key}: {result['error']}"
    want = workload.text_sha256(workload.expected_text(task.n))
    got = result.get("sha256s", [result.get("sha256")])
    if task.mode == "concurrent" and result.get("errors"):
        got = [g for g in got if g]  # failed streams are counted as errors, not text
    if any(g != want for g in got):
        return f"{client} {task.key}: text sha256 {got} != expected {want}"
    return None


def measure(
    plan: Plan, server: ReplayServer, clients: Sequence[str], log: bool = True
) -> Tuple[Dict[str, Dict[str, List[Dict[str, Any]]]], List[str]]:
    """results[task.key][client] = [one result per run]; plus failure messages."""
    results: Dict[str, Dict[str, List[Dict[str, Any]]]] = {}
    failures: List[str] = []
    tasks = tasks_for(plan)
    if plan.warm_up:
        warm_up(server, clients)
    for run in range(plan.runs):
        for task in tasks:
            order = list(clients[run % len(clients) :]) + list(clients[: run % len(clients)])
            for client in order:
                args = dict(
                    task.extra,
                    client=client,
                    mode=task.mode,
                    variant=task.variant,
                    n=task.n,
                    base_url=server.url(task.variant, task.n),
                    api_prefix=workload.VARIANTS[task.variant].api_prefix,
                    model=workload.VARIANTS[task.variant].model,
                    rss_limit_mib=plan.rss_limit_mib,
                    stall_seconds=plan.stall_seconds,
                )
                result = spawn(client, args, plan.timeout)
                results.setdefault(task.key, {}).setdefault(client, []).append(result)
                problem = check(task, client, result)
                if problem:
                    failures.append(f"run {run + 1}: {problem}")
                if log:
                    print(
                        f"  run {run + 1}/{plan.runs} {task.key:<22} {client:<14} {_brief(result)}",
                        file=sys.stderr,
                        flush=True,
                    )
        for what in ("deps", "floor", "qwen_spaces", "gradio_client"):
            client = what if what in CLIENTS else "floor"
            if client not in clients:
                continue
            result = spawn(client, {"mode": "import", "what": what}, plan.timeout)
            results.setdefault("import", {}).setdefault(what, []).append(result)
    return results, failures


def warm_up(server: ReplayServer, clients: Sequence[str]) -> None:
    """One unrecorded stream per client: byte-code caches, page cache."""
    compile_byte_code()
    variant = workload.VARIANTS["g6"]
    for client in clients:
        args = {
            "client": client,
            "mode": "stream",
            "variant": "g6",
            "model": variant.model,
            "base_url": server.url("g6", 0),
            "api_prefix": variant.api_prefix,
        }
        spawn(client, args, 120)


def compile_byte_code() -> None:
    """Compile qwen_spaces as ``pip install`` does, so no import pays for compiling source."""
    subprocess.run([MAIN_PYTHON, "-m", "compileall", "-q", str(REPO / "qwen_spaces")], env=child_env(),
                   stdout=subprocess.DEVNULL, check=False)


def _brief(result: Dict[str, Any]) -> str:
    if "error" in result:
        return "ERROR " + str(result["error"])[:100]
    if "aborted" in result:
        return f"aborted: {result['aborted']} after {result.get('deltas_seen')} deltas"
    keys = ("cpu", "wall", "first_delta", "errors", "pool_warnings")
    return " ".join(f"{k}={result[k]:.4g}" for k in keys if isinstance(result.get(k), (int, float)))


# -- figures -----------------------------------------------------------------------------
def med(values: List[Optional[float]]) -> Optional[float]:
    good = [v for v in values if v is not None and not math.isnan(v)]
    return statistics.median(good) if good else None


def field_median(runs: List[Dict[str, Any]], name: str) -> Optional[float]:
    if not runs or any("aborted" in r or "error" in r for r in runs):
        return None
    return med([r.get(name) for r in runs])


def per_event_us(results: Dict[str, Any], variant: str, n: int, client: str) -> Optional[float]:
    runs = results.get(f"stream {variant} N={n}", {}).get(client, [])
    base = field_median(results.get(f"stream {variant} N=0", {}).get(client, []), "stream_cpu")
    cpu = field_median(runs, "stream_cpu")
    if cpu is None or base is None:
        return None
    return (cpu - base) / n * 1e6


def cold_start_ms(results: Dict[str, Any], variant: str, client: str) -> Optional[float]:
    """Median over every fresh-process stream of the variant that has a first delta (each N
    takes the same path to it): two samples per run rather than one, on a noisy machine."""
    runs = [r for key, by_client in results.items() if key.startswith(f"stream {variant} N=")
            for r in by_client.get(client, [])]
    return med([(r["first_delta_abs"] - r["spawned_at"]) * 1e3 for r in runs if r.get("first_delta_abs")])


@dataclass
class Row:
    label: str
    values: Dict[str, Optional[float]]
    fmt: str = "{:.1f}"
    note: Dict[str, str] = field(default_factory=dict)
    ratios: bool = True


def aborted_note(results: Dict[str, Any], key: str, client: str) -> Optional[str]:
    runs = results.get(key, {}).get(client, [])
    aborted = [r for r in runs if "aborted" in r]
    if not aborted:
        return None
    seen = med([r.get("deltas_seen") for r in aborted]) or 0
    return f"stopped@{seen / 1000:.0f}k"


def stream_rows(results: Dict[str, Any], plan: Plan, clients: Sequence[str]) -> List[Row]:
    small, large = plan.ns
    rows = []
    for variant, n in (("g6", small), ("g6", large), ("g4", plan.g4_n)):
        row = Row(
            f"CPU µs/event, {variant}, N={n:,}", {c: per_event_us(results, variant, n, c) for c in clients}
        )
        for c in clients:
            note = aborted_note(results, f"stream {variant} N={n}", c)
            if note:
                row.note[c] = note
        rows.append(row)
    rows.append(
        Row(
            f"linearity: µs/event N={large:,} / N={small:,}",
            {
                c: _ratio(per_event_us(results, "g6", large, c), per_event_us(results, "g6", small, c))
                for c in clients
            },
            "{:.2f}",
            ratios=False,
        )
    )
    rows.append(
        Row(
            "baseline CPU ms, N=0 (start+import+1 stream)",
            {
                c: _scale(field_median(results.get("stream g6 N=0", {}).get(c, []), "cpu"), 1e3)
                for c in clients
            },
        )
    )
    return rows


def latency_rows(results: Dict[str, Any], plan: Plan, clients: Sequence[str]) -> List[Row]:
    warm = {
        c: _scale(
            med([t for r in results.get("ttfd", {}).get(c, []) for t in r.get("first_delta_warm", [])]), 1e3
        )
        for c in clients
    }
    first = {
        c: _scale(field_median(results.get(f"stream g6 N={plan.ns[0]}", {}).get(c, []), "first_delta"), 1e3)
        for c in clients
    }
    cold = {c: cold_start_ms(results, "g6", c) for c in clients}
    imports = results.get("import", {})
    imp = {
        c: _scale(field_median(imports.get("deps" if c == "floor" else c, []), "wall"), 1e3) for c in clients
    }
    return [
        Row("first delta, warm client (ms)", warm, "{:.2f}"),
        Row("first delta, first stream of a process (ms)", first, "{:.2f}"),
        Row("cold start -> first delta, new process (ms)", cold),
        Row("import (ms; floor = requests+sseclient+tenacity)", imp),
        Row(
            "import requests alone (ms)",
            {"floor": _scale(field_median(imports.get("floor", []), "wall"), 1e3)},
            ratios=False,
        ),
    ]


def concurrency_rows(results: Dict[str, Any], plan: Plan, clients: Sequence[str]) -> List[Row]:
    rows = []
    for c_count in plan.concurrency:
        runs = {c: results.get(f"concurrent {c_count}", {}).get(c, []) for c in clients}
        label = f"{c_count} streams x {plan.concurrent_events:,}"
        rows += [
            Row(f"{label}: wall s", {c: field_median(r, "wall") for c, r in runs.items()}, "{:.2f}"),
            Row(f"{label}: CPU s", {c: field_median(r, "cpu") for c, r in runs.items()}, "{:.2f}"),
            Row(
                f"{label}: errors (sum of runs)",
                {c: _total(r, "errors") for c, r in runs.items()},
                "{:.0f}",
                ratios=False,
            ),
            Row(
                f"{label}: urllib3 pool warnings (sum)",
                {c: _total(r, "pool_warnings") for c, r in runs.items()},
                "{:.0f}",
                ratios=False,
            ),
        ]
    return rows


def rss_rows(results: Dict[str, Any], plan: Plan, clients: Sequence[str]) -> List[Row]:
    n = plan.ns[1]
    key = f"stream g6 N={n}"
    growth = {
        c: _scale(field_median(results.get(key, {}).get(c, []), "rss_growth_kib"), 1 / 1024) for c in clients
    }
    reply = sys.getsizeof(workload.expected_text(n)) / 2**20
    row = Row(f"peak RSS growth, N={n:,} (MiB)", growth, "{:.2f}")
    for c in clients:
        if aborted_note(results, key, c):
            row.note[c] = f">{plan.rss_limit_mib}"
    return [
        row,
        Row(
            f"  reply text as str: {reply:.2f} MiB; growth - reply (MiB)",
            {c: None if g is None else g - reply for c, g in growth.items()},
            "{:.2f}",
            ratios=False,
        ),
    ]


def _ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    return None if a is None or b is None or b == 0 else a / b


def _scale(v: Optional[float], k: float) -> Optional[float]:
    return None if v is None else v * k


def _total(runs: List[Dict[str, Any]], name: str) -> Optional[float]:
    vals = [float(r[name]) for r in runs if isinstance(r.get(name), (int, float))]
    return sum(vals) if vals else None


def render(rows: List[Row], clients: Sequence[str]) -> str:
    head = ["figure (medians)", *clients, "qs/floor", "gc/qs"]
    lines = [head]
    for row in rows:
        cells = [row.label]
        for c in clients:
            v = row.values.get(c)
            cells.append(row.note.get(c) or ("-" if v is None else row.fmt.format(v)))
        fl, qs, gc = (row.values.get(k) for k in CLIENTS)
        if row.ratios:
            cells += [_fmt_ratio(_ratio(qs, fl)), _fmt_ratio(_ratio(gc, qs))]
        else:
            cells += ["", ""]
        lines.append(cells)
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = []
    for i, line in enumerate(lines):
        out.append(
            "  ".join(
                cell.ljust(w) if j == 0 else cell.rjust(w) for j, (cell, w) in enumerate(zip(line, widths))
            )
        )
        if i == 0:
            out.append("-" * len(out[0]))
    return "\n".join(out)


def _fmt_ratio(r: Optional[float]) -> str:
    return "-" if r is None else f"{r:.2f}x"


def targets(results: Dict[str, Any], plan: Plan) -> List[str]:
    """The goals from the issue, checked against this run (informational)."""
    small, large = plan.ns
    out = []
    for n in plan.ns:
        fl, qs, gc = (per_event_us(results, "g6", n, c) for c in CLIENTS)
        out.append(_target(f"CPU/event N={n:,}: qs <= 1.3x floor", _ratio(qs, fl), 1.3))
        out.append(_target(f"CPU/event N={n:,}: qs <= 1/3 gradio_client", _ratio(qs, gc), 1 / 3))
    lin = _ratio(
        per_event_us(results, "g6", large, "qwen_spaces"), per_event_us(results, "g6", small, "qwen_spaces")
    )
    out.append(_target("linear in N: qs µs/event ratio large/small <= 1.2", lin, 1.2))
    top = max(plan.concurrency)
    walls = {
        c: field_median(results.get(f"concurrent {top}", {}).get(c, []), "wall")
        for c in ("floor", "qwen_spaces")
    }
    out.append(
        _target(f"{top} streams wall: qs <= 1.2x floor", _ratio(walls["qwen_spaces"], walls["floor"]), 1.2)
    )
    cold = {c: cold_start_ms(results, "g6", c) for c in ("floor", "qwen_spaces")}
    out.append(_target("cold start -> first delta: qs <= 1.1x floor", _ratio(cold["qwen_spaces"], cold["floor"]), 1.1))
    imports = results.get("import", {})
    imported = {w: field_median(imports.get(w, []), "wall") for w in ("qwen_spaces", "deps")}
    out.append(_target("import qwen_spaces <= 1.1x its dependencies' import",
                       _ratio(imported["qwen_spaces"], imported["deps"]), 1.1))
    growth = field_median(results.get(f"stream g6 N={large}", {}).get("qwen_spaces", []), "rss_growth_kib")
    excess = (
        None if growth is None else (growth / 1024 - sys.getsizeof(workload.expected_text(large)) / 2**20)
    )
    out.append(_target(f"RSS growth N={large:,}: qs excess over reply < 5 MiB", excess, 5, "{:.2f} MiB"))
    return out


def _target(label: str, value: Optional[float], limit: float, fmt: str = "{:.2f}x") -> str:
    if value is None:
        return f"  [ n/a ] {label}"
    verdict = "pass" if value <= limit else "FAIL"
    return f"  [{verdict:^5}] {label}: {fmt.format(value)}"


# -- main --------------------------------------------------------------------------------
def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="smaller N, fewer runs (< 1 min)")
    p.add_argument("--runs", type=int, help="override the number of runs")
    p.add_argument(
        "--clients", default=",".join(CLIENTS), help="comma-separated subset of: " + ", ".join(CLIENTS)
    )
    p.add_argument(
        "--json",
        default=str(HERE / "results" / "last_run.json"),
        help="where to write raw results ('' to skip; the --wire results go to wire_last_run.json beside it)",
    )
    p.add_argument(
        "--wire",
        "--latency",
        action="store_true",
        help="(the default) after the CPU table, the latency-proxy table (wire.py: real Gradio "
        "replicas; ~15 min, ~3 with --quick)",
    )
    p.add_argument("--no-wire", action="store_true", help="only the CPU table")
    p.add_argument("--wire-only", action="store_true", help="only the latency-proxy table")
    wire_options = p.add_argument_group("latency proxy, see wire.py")
    # wire.py's own options, as --wire-runs, --wire-lengths, ... (importing wire starts
    # nothing: the replicas start only with --wire)
    import wire

    wire.add_options(wire_options, prefix="wire-")
    return p.parse_args(argv)


def pick_clients(wanted: Sequence[str]) -> List[str]:
    clients = []
    for client in CLIENTS:
        if client not in wanted:
            continue
        why = client_available(client)
        if why:
            print(f"skipping {client}: {why}", file=sys.stderr)
        else:
            clients.append(client)
    return clients


def run_cpu(opts: argparse.Namespace) -> int:
    """The CPU benchmark against the replay server: prints its table; 1 on a failure."""
    plan = QUICK if opts.quick else FULL
    if opts.runs:
        plan = Plan(**dict(asdict(plan), runs=opts.runs))
    clients = pick_clients(opts.clients.split(","))
    specs = sorted({f"{t.variant}:{t.n}" for t in tasks_for(plan)})
    started = time.time()
    server = ReplayServer(specs)
    try:
        results, failures = measure(plan, server, clients)
    finally:
        server.close()
    rows = (
        stream_rows(results, plan, clients)
        + latency_rows(results, plan, clients)
        + concurrency_rows(results, plan, clients)
        + rss_rows(results, plan, clients)
    )
    print(
        f"\n{plan.runs} interleaved runs, {time.time() - started:.0f} s; "
        f"client CPU from getrusage in each client process\n"
    )
    print(render(rows, clients))
    if "qwen_spaces" in clients:
        print("\ntargets:\n" + "\n".join(targets(results, plan)))
    if opts.json:
        Path(opts.json).parent.mkdir(parents=True, exist_ok=True)
        Path(opts.json).write_text(json.dumps({"plan": asdict(plan), "results": results}, indent=1))
    if failures:
        print("\nFAILED:\n" + "\n".join(failures))
        return 1
    print("\nall reconstructed texts match the streamed text (sha256)")
    return 0


def run_wire(opts: argparse.Namespace) -> int:
    """The latency-proxy benchmark (wire.py): prints its table; 1 on a failure."""
    import wire

    plan = wire.plan_from(opts, wire.QUICK if opts.quick else wire.WirePlan(), prefix="wire-")
    print(f"\nlatency proxy: starting the replay server and {len(plan.cases)} Spaces' servers", flush=True)
    results, context = wire.run_plan(plan)
    print("\n" + wire.report(results, context, plan))
    if opts.json:
        wire.write_json(str(Path(opts.json).with_name("wire_last_run.json")), results, context)
    failures = wire.check(results, plan)
    if failures:
        print("\nFAILED (latency proxy):\n" + "\n".join(failures))
        return 1
    print("\nevery latency-proxy reply ended with the expected text (sha256)")
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    opts = parse_args(argv)
    status = 0 if opts.wire_only else run_cpu(opts)
    if opts.wire_only or not opts.no_wire:
        status = max(status, run_wire(opts))
    return status


if __name__ == "__main__":
    sys.exit(main())
