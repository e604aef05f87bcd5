"""One benchmark measurement in a fresh process; prints one JSON line on stdout.

    python clients.py '{"client": "floor", "mode": "stream", "base_url": ..., ...}'

Run by ``run.py`` with the interpreter that has the client installed (gradio_client
lives in the Gradio 6.31.0 venv).  A fresh process per measurement means
``getrusage(RUSAGE_SELF)`` sees only this client, and cold start is real.  Stdlib only
at module level, so the same file runs under either interpreter.

Clients (each reduces the stream to text deltas; the consumer hashes every delta):
  floor          requests: POST join, GET stream, split on b"\\n\\n", json.loads, take
                 the first full value and then each append's suffix as the delta
  qwen_spaces    ``Client(base_urls=...).stream(model, messages)``
  gradio_client  ``Client.submit(...)`` and iterate the Job; delta = new text past the
                 previous one (every yield is a full chatbot value)
Modes:
  stream      one stream of N events: CPU, wall, time to first delta, peak-RSS growth
  ttfd        one warm-up stream, then ``repeat`` streams timed to their first delta
  concurrent  ``streams`` streams at once from one client on a ThreadPoolExecutor
  import      time to import the client's modules
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import resource
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

Opener = Callable[[], Iterator[str]]

IMPORTS = {
    "qwen_spaces": ["qwen_spaces"],
    "floor": ["requests"],
    "deps": ["requests", "sseclient", "tenacity"],
    "gradio_client": ["gradio_client"],
}


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_kib() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)


def reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0), so the peak is the stream's own."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def emit(result: Dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown (idle pool threads, heartbeat threads)


def start_rss_guard(limit_mib: float, progress: Dict[str, Any]) -> None:
    """Abort (reporting how far we got) once RSS grows past limit_mib."""
    base = rss_kib()

    def watch() -> None:
        while True:
            time.sleep(0.02)
            grown = (rss_kib() - base) / 1024
            if grown > limit_mib:
                emit(
                    {
                        "aborted": f"RSS grew past {limit_mib:.0f} MiB",
                        "rss_growth_mib": grown,
                        "deltas_seen": progress["deltas"],
                        "cpu": cpu_seconds(),
                    }
                )

    threading.Thread(target=watch, daemon=True).start()


# -- the three clients: each returns a function that opens one stream of deltas ----------
def _join_body(session_hash: str) -> Dict[str, Any]:
    return {
        "data": ["Hi", [], None],
        "event_data": None,
        "fn_index": 0,
        "trigger_id": 10,
        "session_hash": session_hash,
    }


def _reply_text(chatbot: List[Any], variant: str) -> str:
    """The assistant text of a full chatbot value (the last message or pair)."""
    last = chatbot[-1]
    if variant == "g4":
        return last[1] or ""
    return "".join(p.get("text", "") for p in last["content"] if p.get("type") == "text")


def floor_stream(session: Any, args: Dict[str, Any]) -> Iterator[str]:
    """The leanest requests + json loop that yields the same deltas."""
    base, variant = args["base_url"] + args["api_prefix"], args["variant"]
    session_hash = uuid.uuid4().hex[:11]
    resp = session.post(base + "/queue/join", json=_join_body(session_hash))
    resp.raise_for_status()
    event_id = resp.json()["event_id"]
    loads = json.loads
    seen = -1  # length of text yielded so far; -1 = no full value yet
    with session.get(base + "/queue/data", params={"session_hash": session_hash}, stream=True) as resp:
        resp.raise_for_status()
        buf = b""
        for chunk in resp.iter_content(chunk_size=None):
            if buf:
                chunk = buf + chunk
            *messages, buf = chunk.split(b"\n\n")
            for raw in messages:
                msg = loads(raw[5:])
                kind = msg["msg"]
                if kind == "process_generating" and msg["event_id"] == event_id:
                    data = msg["output"]["data"]
                    if seen < 0:
                        text = _reply_text(data[1], variant)
                        seen = len(text)
                        yield text
                    else:
                        for op, _path, value in data[1]:
                            if op != "append":
                                raise ValueError(f"floor handles appends only, got {op}")
                            seen += len(value)
                            yield value
                elif kind == "process_completed" and msg["event_id"] == event_id:
                    text = _reply_text(msg["output"]["data"][1], variant)
                    if len(text) > max(seen, 0):
                        yield text[max(seen, 0) :]
                elif kind == "close_stream":
                    return


def make_floor(args: Dict[str, Any], pool: int = 10) -> Opener:
    import requests
    from requests.adapters import HTTPAdapter

    session = requests.Session()
    session.mount("http://", HTTPAdapter(pool_connections=1, pool_maxsize=max(pool, 10)))
    return lambda: floor_stream(session, args)


def make_qwen_spaces(args: Dict[str, Any], pool: int = 10) -> Opener:
    from qwen_spaces import Client

    client = Client(base_urls={args["model"]: args["base_url"]}, timeout=60)
    messages = [{"role": "user", "content": "Hi"}]
    return lambda: iter(client.stream(args["model"], messages))


def gradio_stream(client: Any, variant: str) -> Iterator[str]:
    job = client.submit("Hi", [], api_name="/model_chat")
    seen = 0
    for output in job:
        text = _reply_text(output[1], variant)
        if len(text) > seen:
            yield text[seen:]
            seen = len(text)
    final = _reply_text(job.result()[1], variant)
    if len(final) > seen:
        yield final[seen:]


def make_gradio_client(args: Dict[str, Any], pool: int = 10) -> Opener:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    from gradio_client import Client

    client = Client(
        args["base_url"],
        verbose=False,
        download_files=False,
        analytics_enabled=False,
        max_workers=max(pool, 40),
    )
    return lambda: gradio_stream(client, args["variant"])


MAKERS: Dict[str, Callable[..., Opener]] = {
    "floor": make_floor,
    "qwen_spaces": make_qwen_spaces,
    "gradio_client": make_gradio_client,
}


# -- consumers ---------------------------------------------------------------------------
def consume(deltas: Iterator[str], progress: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """Hash every delta; note when the first one arrived."""
    h = hashlib.sha256()
    first: Optional[float] = None
    count = 0
    for delta in deltas:
        if first is None and delta:
            first = time.time()
        h.update(delta.encode("utf-8"))
        count += 1
        if progress is not None:
            progress["deltas"] = progress.get("deltas", 0) + 1
    return {"sha256": h.hexdigest(), "deltas": count, "first_delta_at": first}


def mode_stream(args: Dict[str, Any]) -> Dict[str, Any]:
    progress: Dict[str, Any] = {"deltas": 0}
    opener = MAKERS[args["client"]](args)
    start_rss_guard(args.get("rss_limit_mib", 4096), progress)
    rss_before = rss_kib()
    peak_reset = reset_peak_rss()
    cpu0, t0 = cpu_seconds(), time.time()
    result = consume(opener(), progress)
    stream_cpu, wall = cpu_seconds() - cpu0, time.time() - t0
    peak = peak_rss_kib()
    first = result.pop("first_delta_at")
    return dict(
        result,
        cpu=cpu_seconds(),
        stream_cpu=stream_cpu,
        wall=wall,
        first_delta_abs=first,
        first_delta=None if first is None else first - t0,
        rss_growth_kib=peak - rss_before if peak_reset else None,
    )


def mode_ttfd(args: Dict[str, Any]) -> Dict[str, Any]:
    opener = MAKERS[args["client"]](args)
    warm = consume(opener())
    times: List[float] = []
    for _ in range(args.get("repeat", 5)):
        t0 = time.time()
        first = consume(opener())["first_delta_at"]
        times.append(first - t0 if first else float("nan"))
    return {"sha256": warm["sha256"], "first_delta_warm": times}


class PoolWarnings(logging.Handler):
    """Counts urllib3's "Connection pool is full, discarding connection" warnings."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "pool is full" in record.getMessage():
            self.count += 1


def mode_concurrent(args: Dict[str, Any]) -> Dict[str, Any]:
    streams = args["streams"]
    warnings = PoolWarnings()
    logging.getLogger("urllib3").addHandler(warnings)
    opener = MAKERS[args["client"]](args, pool=streams)
    consume(opener())  # warm-up: connection, discovery, lazy imports
    progress: Dict[str, Any] = {"deltas": 0}
    finished: List[float] = []

    def one(_: int) -> str:
        sha: str = consume(opener(), progress)["sha256"]
        finished.append(time.time())
        return sha

    cpu0, t0 = cpu_seconds(), time.time()
    pool = ThreadPoolExecutor(max_workers=streams)
    futures = [pool.submit(one, i) for i in range(streams)]
    hung = wait_or_stall(futures, progress, args.get("stall_seconds", 10.0))
    cpu = cpu_seconds() - cpu0
    shas, errors = collect(futures)
    return {
        "wall": (max(finished) - t0) if finished else None,
        "cpu": cpu,
        "errors": len(errors) + hung,
        "hung": hung,
        "error_samples": errors[:3],
        "pool_warnings": warnings.count,
        "sha256s": sorted(set(shas)),
    }


def wait_or_stall(futures: List[Any], progress: Dict[str, Any], stall_seconds: float) -> int:
    """Wait for every stream; give up on the rest once no delta arrived for a while.
    Returns how many streams never finished (a hung client is a result, not a hang)."""
    last_count, last_change = -1, time.time()
    while True:
        done, pending = wait(futures, timeout=0.5)
        if not pending:
            return 0
        count = progress.get("deltas", 0)
        if count != last_count:
            last_count, last_change = count, time.time()
        elif time.time() - last_change > stall_seconds:
            return len(pending)


def collect(futures: List[Any]) -> Tuple[List[str], List[str]]:
    shas: List[str] = []
    errors: List[str] = []
    for fut in futures:
        if not fut.done():
            continue
        try:
            shas.append(fut.result())
        except Exception as exc:  # noqa: BLE001 - counted and reported
            errors.append(f"{type(exc).__name__}: {exc}"[:200])
    return shas, errors


def mode_import(args: Dict[str, Any]) -> Dict[str, Any]:
    cpu0, t0 = cpu_seconds(), time.perf_counter()
    for name in IMPORTS[args["what"]]:
        __import__(name)
    return {"wall": time.perf_counter() - t0, "cpu": cpu_seconds() - cpu0, "modules": len(sys.modules)}


MODES = {"stream": mode_stream, "ttfd": mode_ttfd, "concurrent": mode_concurrent, "import": mode_import}


def main() -> None:
    args = json.loads(sys.argv[1])
    try:
        result = MODES[args["mode"]](args)
    except Exception as exc:  # noqa: BLE001 - reported to the parent as data
        result = {"error": f"{type(exc).__name__}: {exc}"[:500], "cpu": cpu_seconds()}
    emit(result)


if __name__ == "__main__":
    main()
