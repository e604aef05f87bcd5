"""HTTP for LocalSpace: the threading server, the request handler, streamed responses."""

from __future__ import annotations

import logging
import posixpath
import queue
import select
import socket
import socketserver
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .faults import ScriptedResponse, scripted_body
from .wire import compact

if TYPE_CHECKING:
    from .server import App

log = logging.getLogger("qwen_spaces.testing")
TICK = 0.05  # how often streams look at the stop flag and the peer


class StreamGone(Exception):
    """A streaming response must end without its final chunk."""


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    raw: bytes
    json: Any
    json_ok: bool


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128  # the default 5 makes bursts of connects wait 1 s (SYN retry)

    def __init__(self, address: tuple[str, int], app: App) -> None:
        self.app = app
        super().__init__(address, Handler)

    def server_bind(self) -> None:  # skip HTTPServer's slow getfqdn()
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Log instead of printing a traceback (clients that go away are normal)."""
        # socketserver calls this inside its except block
        log.debug("LocalSpace: error serving %s", client_address, exc_info=True)  # noqa: LOG014


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _app(self) -> App:
        server = self.server
        assert isinstance(server, Server)
        return server.app

    def setup(self) -> None:
        super().setup()
        # small writes (one SSE message each) must leave at once, not wait for Nagle
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._app().track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self._app().track(self.connection, False)

    def do_GET(self) -> None:
        self._app().handle(self)

    def do_POST(self) -> None:
        self._app().handle(self)

    def version_string(self) -> str:
        return "uvicorn"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def read_body(self) -> bytes:
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send_body(self, status: int, body: bytes, ctype: str,
                  headers: Mapping[str, str] = MappingProxyType({})) -> None:
        self.send_response(status)
        self.send_header("content-length", str(len(body)))
        self.send_header("content-type", ctype)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def send_json(self, status: int, value: Any) -> None:
        self.send_body(status, compact(value), "application/json")

    def send_text(self, status: int, text: str) -> None:
        self.send_body(status, text.encode("utf-8"), "text/plain; charset=utf-8")

    def send_scripted(self, scripted: ScriptedResponse) -> None:
        status, body, headers = scripted
        ctype, raw = scripted_body(body)
        extra = dict(headers)
        for name in [k for k in extra if k.lower() == "content-type"]:
            ctype = extra.pop(name)
        self.send_body(status, raw, ctype, extra)

    def start_stream(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()

    def chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def end_stream(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def abort(self) -> None:
        """End the response without its final chunk (the client sees a broken body)."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def peer_closed(self) -> bool:
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True


class Pump:
    """Writes messages from one source to one streaming response."""

    def __init__(self, h: Handler, app: App, encode: Callable[[Any], bytes],
                 heartbeat: Any) -> None:
        self.h, self.encode, self.heartbeat = h, encode, heartbeat
        self.cut_after, self.every = app.settings.cut_after, app.settings.heartbeat
        self.stopping = app.stopping
        self.sent, self.last_beat = 0, time.monotonic()
        self.check()

    def check(self) -> None:
        if self.cut_after is not None and self.sent >= self.cut_after:
            raise StreamGone(f"cut after {self.sent} messages")

    def send(self, msg: Any) -> None:
        try:
            self.h.chunk(self.encode(msg))
        except OSError as exc:
            raise StreamGone(f"write failed: {exc}") from exc
        self.sent += 1
        self.check()

    def next(self, source: queue.Queue[Any]) -> Any:
        """The next message; sends heartbeats while waiting."""
        while True:
            if self.stopping.is_set():
                raise StreamGone("server stopping")
            try:
                return source.get(timeout=TICK)
            except queue.Empty:
                pass
            if time.monotonic() - self.last_beat >= self.every:
                self.last_beat = time.monotonic()
                self.send(self.heartbeat)
            elif self.h.peer_closed():
                raise StreamGone("client went away")


def multipart_files(ctype: str, raw: bytes) -> list[tuple[str, bytes]]:
    """``(filename, bytes)`` of each multipart part named ``files``."""
    if not ctype.lower().startswith("multipart/form-data"):
        return []
    head = b"Content-Type: " + ctype.encode("latin-1") + b"\r\n\r\n"
    message = BytesParser(policy=policy.HTTP).parsebytes(head + raw)
    files = []
    for part in message.walk():
        if part.get_param("name", header="content-disposition") == "files":
            name = posixpath.basename(part.get_filename() or "file") or "file"
            payload = part.get_payload(decode=True)
            files.append((name, payload if isinstance(payload, bytes) else b""))
    return files


def unprocessable(kind: str, field_name: str, body: Any) -> dict[str, Any]:
    msgs = {"missing": "Field required", "list_type": "Input should be a valid list",
            "json_invalid": "JSON decode error", "model_attributes_type":
            "Input should be a valid dictionary or object to extract fields from"}
    return {"detail": [{"type": kind, "loc": ["body", field_name], "msg": msgs[kind],
                        "input": body}]}

