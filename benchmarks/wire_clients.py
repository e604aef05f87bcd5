"""One latency-proxy measurement in a fresh process: a cold reply, then a warm one.

    python wire_clients.py '{"client": "floor", "space": {...}}'

Run by ``wire.py`` (the project venv for qwen_spaces, floor and call; a Gradio venv for
gradio_client), with every URL pointing at the delay proxy.  The process

1. imports its client library,
2. builds the client and streams one reply: the *cold* reply (``import_start``, ``t0``
   just before the client is built: the parent times it from either; gradio_client's
   /config and /info count, and so does the first connection of every client),
3. prints ``{"phase": "cold", ...}`` and waits for a line on stdin (the parent reads the
   proxy's byte counts meanwhile),
4. streams the same prompt again on the same client: the *warm* reply, timed from the
   ``stream()`` / ``submit()`` call, and prints ``{"phase": "warm", ...}``.

Each reply reports when its first non-empty answer text arrived (``time.time()``, the
clock the proxy stamps requests with), and the sha256 of its final answer text.

Clients:
  qwen_spaces    ``Client(base_urls=...).stream(model, [{"role": "user", ...}])``
  floor          hand-written queue client (requests): POST {P}/queue/join with the
                 Space's fn_index and data known in advance, GET {P}/queue/data, apply
                 the diffs; no /config, no /info
  call           hand-written /call client (requests): POST {P}/call/{api_name}, GET
                 {P}/call/{api_name}/{event_id}; every ``generating`` event is the whole
                 output
  gradio_client  ``Client(url).submit(*args, api_name=...)``, iterating the Job; before
                 the warm reply ``reset_session()`` (a fresh conversation, as the other
                 clients start one per reply)

Stdlib only at module level, so the same file runs under every interpreter.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
import uuid
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

PROCESS_START = time.time()
PROMPT = "<PROMPT>"  # placeholder in the data templates the parent sends


# -- answer text of a Gradio output value ------------------------------------------------
def _message_text(message: Dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # 6.x parts ("text") or modelscope parts ("content")
        out = []
        for part in content:
            if isinstance(part, dict) and part.get("type") == "text":
                text = part.get("text", part.get("content"))
                out.append(text if isinstance(text, str) else "")
        return "".join(out)
    return ""


def reply_text(value: Any) -> str:
    """The answer text in an output value: a str, an update dict, a message dict, a
    tuples chatbot (last pair's bot side) or a messages chatbot (the last assistant
    message after the last user message; reasoning ("tool") parts left out)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if "value" in value:
            return reply_text(value["value"])
        return _message_text(value) if value.get("role") == "assistant" else ""
    if isinstance(value, (list, tuple)) and value:
        last = value[-1]
        if isinstance(last, (list, tuple)):
            return last[1] if len(last) > 1 and isinstance(last[1], str) else ""
        texts: List[str] = []
        for message in value:
            if isinstance(message, dict) and message.get("role") == "user":
                texts = []
            elif isinstance(message, dict) and message.get("role") == "assistant":
                texts.append(_message_text(message))
        return "".join(texts)
    return ""


def apply_edits(value: Any, edits: List[Any]) -> Any:
    """Gradio's streaming diff ops on one output value (GRADIO_PROTOCOL.md section 5).
    A run of deletes on one list truncates it at the first index."""
    deleted: Dict[int, int] = {}
    for op, path, new in edits:
        if not path:
            value = new if op == "replace" else (value + new if op == "append" else value)
            continue
        parent = value
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        if op == "replace":
            parent[key] = new
        elif op == "append":
            parent[key] = parent[key] + new
        elif op == "add":
            if isinstance(parent, list):
                parent.insert(key, new)
            else:
                parent[key] = new
        elif op == "delete":
            if isinstance(parent, list):
                first = deleted.setdefault(id(parent), key)
                del parent[first:]
            else:
                parent.pop(key, None)
    return value


def fill(template: Any, prompt: str) -> Any:
    if template == PROMPT:
        return prompt
    if isinstance(template, list):
        return [fill(item, prompt) for item in template]
    if isinstance(template, dict):
        return {k: fill(v, prompt) for k, v in template.items()}
    return template


class Reply:
    """What one reply came to: first non-empty answer text, final text."""

    def __init__(self) -> None:
        self.first_at: Optional[float] = None
        self.text = ""
        self.updates = 0

    def full(self, text: str) -> None:
        """A client that sees the whole answer text each time."""
        self.updates += 1
        if text and self.first_at is None:
            self.first_at = time.time()
        self.text = text

    def delta(self, delta: str) -> None:
        """A client that hands out deltas."""
        self.updates += 1
        if delta and self.first_at is None:
            self.first_at = time.time()
        self.text += delta

    def result(self, started: float) -> Dict[str, Any]:
        return {
            "t0": started,
            "first_delta_at": self.first_at,
            "end_at": time.time(),
            "ttfd": None if self.first_at is None else self.first_at - started,
            "sha256": hashlib.sha256(self.text.encode("utf-8")).hexdigest(),
            "chars": len(self.text),
            "updates": self.updates,
        }


# -- hand-written clients ----------------------------------------------------------------
def sse_blocks(response: Any) -> Iterator[bytes]:
    """The SSE messages of a streamed ``requests`` response, as raw blocks."""
    buf = b""
    for chunk in response.iter_content(chunk_size=None):
        buf += chunk
        if b"\n\n" not in buf:
            continue
        *blocks, buf = buf.split(b"\n\n")
        yield from blocks


def floor_reply(session: Any, space: Dict[str, Any], reply: Reply) -> None:
    base = space["url"] + space["api_prefix"]
    session_hash = uuid.uuid4().hex[:11]
    body = {
        "data": fill(space["join_data"], space["prompt"]),
        "event_data": None,
        "fn_index": space["fn_index"],
        "trigger_id": space["trigger_id"],
        "session_hash": session_hash,
    }
    resp = session.post(base + "/queue/join", json=body)
    resp.raise_for_status()
    event_id = resp.json()["event_id"]
    index = space["reply_index"]
    values: Optional[List[Any]] = None
    done = False
    with session.get(base + "/queue/data", params={"session_hash": session_hash}, stream=True) as resp:
        resp.raise_for_status()
        # read to the end of the body (close_stream follows process_completed at once), so
        # the connection goes back to the pool and the next reply needs no new one
        for block in sse_blocks(resp):
            if not block.startswith(b"data:"):
                continue
            msg = json.loads(block[5:])
            kind = msg.get("msg")
            if kind == "close_stream" and not done:
                raise RuntimeError("stream closed before process_completed")
            if msg.get("event_id") != event_id:
                continue
            if kind == "process_generating":
                data = msg["output"]["data"]
                values = data if values is None else [apply_edits(v, e) for v, e in zip(values, data)]
                reply.full(reply_text(values[index]))
            elif kind == "process_completed":
                if not msg.get("success", True) or "data" not in msg["output"]:
                    raise RuntimeError(f"job failed: {str(msg)[:200]}")
                reply.full(reply_text(msg["output"]["data"][index]))
                done = True
    if not done:
        raise RuntimeError("stream ended before process_completed")


def call_reply(session: Any, space: Dict[str, Any], reply: Reply) -> None:
    base = f"{space['url']}{space['api_prefix']}/call/{space['call_api']}"
    resp = session.post(base, json={"data": fill(space["call_data"], space["prompt"])})
    resp.raise_for_status()
    event_id = resp.json()["event_id"]
    index = space["reply_index"]
    done = False
    with session.get(f"{base}/{event_id}", stream=True) as resp:
        resp.raise_for_status()
        for block in sse_blocks(resp):
            event, data = "", b""
            for line in block.split(b"\n"):
                if line.startswith(b"event:"):
                    event = line[6:].strip().decode()
                elif line.startswith(b"data:"):
                    data = line[5:].strip()
            if event in ("generating", "complete"):
                reply.full(reply_text(json.loads(data)[index]))
                done = done or event == "complete"  # then the body ends: read to its end
            elif event == "error":
                raise RuntimeError(f"/call error: {data[:200]!r}")
    if not done:
        raise RuntimeError("stream ended before the complete event")


# -- the four clients: each returns a function that streams one reply --------------------
Runner = Callable[[Reply], None]


def make_floor(space: Dict[str, Any]) -> Runner:
    import requests

    session = requests.Session()
    return lambda reply: floor_reply(session, space, reply)


def make_call(space: Dict[str, Any]) -> Runner:
    import requests

    session = requests.Session()
    return lambda reply: call_reply(session, space, reply)


def make_qwen_spaces(space: Dict[str, Any]) -> Runner:
    from qwen_spaces import Client

    # config_cache=True: the benchmark's Spaces are on loopback, where the disk cache of a
    # Space's /config is off by default; a real Space (not on this machine) gets it by default
    client = Client(base_urls=space.get("qs_base_urls"), timeout=120, config_cache=True)
    messages = [{"role": "user", "content": space["prompt"]}]

    def run(reply: Reply) -> None:
        with client.stream(space["qs_model"], messages) as stream:
            for delta in stream:
                reply.delta(delta)

    return run


def make_gradio_client(space: Dict[str, Any]) -> Runner:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    from gradio_client import Client

    # httpx's default 5 s timeout fails on a loaded machine; 120 s, as qwen_spaces gets
    client = Client(space["url"], verbose=False, download_files=False, httpx_kwargs={"timeout": 120})
    args = fill(space["gc_args"], space["prompt"])
    index = space.get("gc_index")
    calls = [0]

    def run(reply: Reply) -> None:
        if calls[0]:
            client.reset_session()  # a fresh conversation, as the other clients have
        calls[0] += 1
        job = client.submit(*args, api_name=space["gc_api"])
        for output in job:
            reply.full(reply_text(output if index is None else output[index]))
        final = job.result()
        reply.full(reply_text(final if index is None else final[index]))

    return run


MAKERS: Dict[str, Callable[[Dict[str, Any]], Runner]] = {
    "qwen_spaces": make_qwen_spaces,
    "floor": make_floor,
    "call": make_call,
    "gradio_client": make_gradio_client,
}
MODULES = {"qwen_spaces": "qwen_spaces", "floor": "requests", "call": "requests", "gradio_client": "gradio_client"}


def emit(obj: Dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def phases(args: Dict[str, Any]) -> Iterator[Tuple[str, Dict[str, Any]]]:
    client, space = args["client"], args["space"]
    t = time.time()
    __import__(MODULES[client])
    imported = time.time() - t
    started = time.time()
    run = MAKERS[client](space)
    reply = Reply()
    run(reply)
    yield "cold", dict(reply.result(started), import_s=imported, import_start=t, process_start=PROCESS_START)
    if args.get("warm", True):
        sys.stdin.readline()  # the parent has read the proxy's counts
        started = time.time()
        reply = Reply()
        run(reply)
        yield "warm", reply.result(started)


def main() -> None:
    args = json.loads(sys.argv[1])
    done: List[str] = []
    try:
        for phase, result in phases(args):
            emit(dict(result, phase=phase))
            done.append(phase)
    except Exception as exc:  # noqa: BLE001 - reported to the parent as data
        emit({"phase": "warm" if done else "cold", "error": f"{type(exc).__name__}: {exc}"[:500]})
    os._exit(0)  # skip teardown (gradio_client's heartbeat thread, idle pools)


if __name__ == "__main__":
    main()
