"""Replay server: a Gradio-shaped queue API on 127.0.0.1 that never makes a client wait.

One process, one listening port per (variant, N) pair, so a client's base URL alone
selects the work (``http://127.0.0.1:PORT``, no path tricks).  Every reply is rendered
once at start-up, already framed as HTTP chunks (one chunk per SSE message, like uvicorn),
and written with large ``sendall`` calls; the only per-request work is substituting the
event id.  So the client, not the server, is the bottleneck.

Routes (``P`` = "/gradio_api" for g6, "" for g4, as in real Gradio):
  GET  /config                     the captured config, ``root`` rewritten to this server
  GET  P/info                      the captured api info (any query string)
  POST P/queue/join                -> {"event_id"}; fn_index 0/1 = the chat reply of N events
  GET  P/queue/data?session_hash=  every pending event of the session, then close_stream
  POST P/cancel, P/reset           -> {"success": true}; a streaming event is cut short
  GET  P/heartbeat/{hash}          ``data: ALIVE`` every 15 s (gradio_client keeps it open)
  GET  P/queue/status              estimation with no rank

Usage: ``python replay_server.py g6:0 g6:10000 g4:10000 ...`` prints one JSON line
``{"g6:0": port, ...}`` once every port listens, then serves until stdin closes.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Deque, Dict, List, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

import workload

HEARTBEAT_SECONDS = 15.0
STOP = threading.Event()


@dataclass
class Event:
    event_id: str
    blocks: List[bytes]
    cancelled: bool = False


@dataclass
class Session:
    pending: Deque[Event] = field(default_factory=deque)
    reading: bool = False


class Replay:
    """What one port serves: a variant's config and its pre-rendered reply."""

    def __init__(self, variant: str, n: int) -> None:
        self.variant = workload.VARIANTS[variant]
        self.chat_blocks = workload.render_blocks(variant, n)
        self.small_blocks = _small_reply_blocks()
        self.info = self.variant.info_file.read_bytes()
        self.config_template = json.loads(self.variant.config_file.read_text("utf-8"))
        self.config = b""
        self.sessions: Dict[str, Session] = {}
        self.events: Dict[str, Event] = {}
        self.lock = threading.Lock()

    def set_root(self, root: str) -> None:
        config = dict(self.config_template, root=root)
        self.config = json.dumps(config).encode("utf-8")

    def join(self, session_hash: str, fn_index: int) -> str:
        blocks = self.chat_blocks if fn_index in (0, 1) else self.small_blocks
        event = Event(uuid.uuid4().hex, blocks)
        with self.lock:
            self.sessions.setdefault(session_hash, Session()).pending.append(event)
            self.events[event.event_id] = event
        return event.event_id

    def open_reader(self, session_hash: str) -> bool:
        with self.lock:
            session = self.sessions.get(session_hash)
            if session is None or session.reading:
                return False
            session.reading = True
            return True

    def next_event(self, session_hash: str) -> Optional[Event]:
        """The session's next event, or None (and the session ends) when none is pending."""
        with self.lock:
            session = self.sessions[session_hash]
            if session.pending:
                return session.pending.popleft()
            del self.sessions[session_hash]
            return None

    def finish(self, event: Event) -> None:
        with self.lock:
            self.events.pop(event.event_id, None)

    def cancel(self, event_id: Optional[str]) -> None:
        with self.lock:
            event = self.events.get(event_id or "")
        if event is not None:
            event.cancelled = True


def _small_reply_blocks() -> List[bytes]:
    """Reply for any other fn_index (e.g. modify_system_session): one completed message."""
    msg = {
        "msg": "process_completed",
        "event_id": workload.EVENT_PLACEHOLDER,
        "output": {"data": [None, workload.SYSTEM, []], "is_generating": False},
        "success": True,
    }
    return [workload.http_chunk(workload.sse_message(msg))]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "uvicorn"
    sys_version = ""
    replay: Replay  # set per port (subclass attribute)

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    # -- plumbing ---------------------------------------------------------------------
    def _route(self) -> Tuple[str, Dict[str, List[str]]]:
        parts = urlsplit(self.path)
        path = parts.path
        prefix = self.replay.variant.api_prefix
        if path == "/config":
            return "config", {}
        if not path.startswith(prefix + "/"):
            return "", {}
        return path[len(prefix) :], parse_qs(parts.query)

    def _send(self, status: int, body: bytes, ctype: str = "application/json") -> None:
        head = (
            f"HTTP/1.1 {status} {self.responses.get(status, ('',))[0]}\r\n"
            f"server: uvicorn\r\ncontent-length: {len(body)}\r\n"
            f"content-type: {ctype}\r\n\r\n"
        )
        self.wfile.write(head.encode("latin-1") + body)

    def _send_json(self, status: int, obj: object) -> None:
        self._send(status, json.dumps(obj, separators=(",", ":")).encode("utf-8"))

    def _start_stream(self) -> None:
        head = (
            "HTTP/1.1 200 OK\r\nserver: uvicorn\r\ncache-control: no-cache\r\n"
            "content-type: text/event-stream; charset=utf-8\r\n"
            "transfer-encoding: chunked\r\n\r\n"
        )
        self.wfile.write(head.encode("latin-1"))

    def _body(self) -> Dict[str, Any]:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        return body if isinstance(body, dict) else {}

    # -- verbs ------------------------------------------------------------------------
    def do_GET(self) -> None:
        route, query = self._route()
        if route == "config":
            self._send(200, self.replay.config)
        elif route == "/info":
            self._send(200, self.replay.info)
        elif route == "/queue/data":
            self._queue_data(query.get("session_hash", [""])[0])
        elif route.startswith("/heartbeat/"):
            self._heartbeat()
        elif route == "/queue/status":
            self._send_json(
                200, {"msg": "estimation", "event_id": None, "rank": None, "queue_size": 0, "rank_eta": None}
            )
        else:
            self._send_json(404, {"detail": "Not Found"})

    def do_POST(self) -> None:
        route, _ = self._route()
        body = self._body()
        if route == "/queue/join":
            self._join(body)
        elif route in ("/cancel", "/reset"):
            self.replay.cancel(body.get("event_id"))
            self._send_json(200, {"success": True})
        else:
            self._send_json(404, {"detail": "Not Found"})

    def _join(self, body: Dict[str, Any]) -> None:
        if not body.get("session_hash"):
            self._send_json(400, {"detail": "Session hash not found."})
        elif "data" not in body or not isinstance(body.get("fn_index"), int):
            self._send_json(422, {"detail": [{"type": "missing", "loc": ["body", "data"]}]})
        else:
            event_id = self.replay.join(body["session_hash"], body["fn_index"])
            self._send_json(200, {"event_id": event_id})

    def _queue_data(self, session_hash: str) -> None:
        self._start_stream()
        if not self.replay.open_reader(session_hash):
            self._session_not_found()
            return
        while True:
            event = self.replay.next_event(session_hash)
            if event is None:
                break
            try:
                self._write_event(event)
            finally:
                self.replay.finish(event)
        self.wfile.write(workload.http_chunk(workload.CLOSE_STREAM) + b"0\r\n\r\n")

    def _session_not_found(self) -> None:
        msg = {
            "msg": "unexpected_error",
            "event_id": None,
            "message": "404: Not Found",
            "session_not_found": True,
            "success": False,
        }
        self.wfile.write(workload.http_chunk(workload.sse_message(msg)))
        self.close_connection = True  # aborted body: no final chunk, like Gradio

    def _write_event(self, event: Event) -> None:
        placeholder = workload.EVENT_PLACEHOLDER.encode()
        eid = event.event_id.encode()
        for block in event.blocks:
            if event.cancelled:
                self._write_cancelled(event)
                return
            self.wfile.write(block.replace(placeholder, eid))

    def _write_cancelled(self, event: Event) -> None:
        msg = {"msg": "process_completed", "event_id": event.event_id, "output": {}, "success": True}
        self.wfile.write(workload.http_chunk(workload.sse_message(msg)))

    def _heartbeat(self) -> None:
        self._start_stream()
        alive = workload.http_chunk(b"data: ALIVE\n\n")
        while True:
            self.wfile.write(alive)
            if STOP.wait(HEARTBEAT_SECONDS):
                self.close_connection = True
                return


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024
    allow_reuse_address = True

    def handle_error(self, request: object, client_address: object) -> None:
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def start(spec: str, host: str = "127.0.0.1") -> Tuple[Server, int]:
    variant, n = spec.split(":")
    replay = Replay(variant, int(n))
    handler = type(f"Handler_{variant}_{n}", (Handler,), {"replay": replay})
    server = Server((host, 0), handler)
    port = server.server_address[1]
    replay.set_root(f"http://{host}:{port}")
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
    return server, port


def main(argv: List[str]) -> None:
    specs = argv or ["g6:1000"]
    servers = {spec: start(spec) for spec in specs}
    print(json.dumps({spec: port for spec, (_, port) in servers.items()}), flush=True)
    sys.stdin.read()  # the parent closes our stdin to stop us
    STOP.set()
    for server, _ in servers.values():
        server.shutdown()


if __name__ == "__main__":
    main(sys.argv[1:])
