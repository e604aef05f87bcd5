"""A scripted, fault-injecting HTTP/1.1 server on real sockets (stdlib only).

It speaks just enough of the Gradio queue protocol (Gradio 6 message shapes,
copied from ``tests/captures/g6.31.0_queue_data_chat_messages.sse``, sent
with chunked transfer encoding, one chunk per message, as uvicorn does) for
``qwen_spaces.Client(base_urls={"qwen-2-5-max": server.url})`` to chat with
it, and each test scripts what goes wrong: any route can answer with a status
or garbage, stall, cut the connection (FIN or RST), or abort a chunked body.

Raw sockets, one thread per connection, keep-alive like a real server.
Every request is recorded (method, path, query, headers, body, connection,
time); joins, cancels and connections can be counted per test.

Handlers are callables ``handler(conn, request)``.  :meth:`FaultServer.on`
sets the handlers for a route: they answer successive requests in order and
the last one repeats.  Stream handlers are built by :func:`sse` from a
*script*: a function ``script(session) -> iterable of steps`` where a step is
a message dict (sent as one ``data: ...`` chunk), ``bytes`` (sent as one
chunk), or one of :class:`Pause`, :class:`Raw`, :data:`END`, :data:`CUT`,
:data:`ABORT`, :data:`HANG`, :class:`SmallWrites`.

Run as a script (``python fault_server.py --scenario endless``) it serves in
a process of its own and prints ``READY <url>``: used by the test that kills
the server with SIGKILL in the middle of a stream.
"""

from __future__ import annotations

import argparse
import json
import select
import socket
import ssl
import struct
import threading
import time
import traceback
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union
from urllib.parse import parse_qs, urlsplit

PREFIX = "/gradio_api"
JOIN = PREFIX + "/queue/join"
DATA = PREFIX + "/queue/data"
CANCEL = PREFIX + "/cancel"
SYSTEM = "You are a helpful assistant."
TOKENS = ("Hello", "!", " the", " the", " answer", " is", ":", "\n", "Line", " two", " 你好", " 👋", " done", ".")
REPLY = "".join(TOKENS)

_REASONS = {
    200: "OK", 204: "No Content", 301: "Moved Permanently", 302: "Found", 307: "Temporary Redirect",
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 408: "Request Timeout",
    422: "Unprocessable Entity", 429: "Too Many Requests", 500: "Internal Server Error",
    502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
}


# -- requests and connections --------------------------------------------------


@dataclass
class Request:
    method: str
    path: str  # without the query string
    query: Dict[str, str]
    headers: Dict[str, str]  # names lower-cased
    body: bytes
    conn_id: int
    at: float  # time.monotonic() when the request was complete

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


class Conn:
    """One accepted connection, as a handler sees it."""

    def __init__(self, server: "FaultServer", sock: socket.socket, conn_id: int) -> None:
        self.server = server
        self.sock = sock
        self.id = conn_id
        self.rfile = sock.makefile("rb")
        self.opened_at = time.monotonic()
        self.closed_at: Optional[float] = None
        self.closed_by: Optional[str] = None  # "peer" (client closed it) or "server"
        self.gone = False  # the peer is gone (write failed or EOF seen)
        self.keep_alive = True
        self.requests: List[Request] = []
        self.bytes_sent = 0

    # writing ----------------------------------------------------------------

    def send(self, data: bytes) -> bool:
        """Write bytes; False if the peer is gone."""
        if self.gone or self.closed_at is not None:
            return False
        try:
            self.sock.sendall(data)
        except OSError:
            self.gone = True
            return False
        self.bytes_sent += len(data)
        return True

    def respond(
        self,
        status: int,
        body: Union[bytes, str, Any] = b"",
        *,
        content_type: Optional[str] = None,
        headers: Optional[Dict[str, str]] = None,
    ) -> bool:
        """A whole response with Content-Length (uvicorn's JSON responses)."""
        if isinstance(body, (dict, list)):
            body = json.dumps(body, separators=(",", ":")).encode()
            content_type = content_type or "application/json"
        elif isinstance(body, str):
            body = body.encode()
            content_type = content_type or "text/plain; charset=utf-8"
        head = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}", "server: uvicorn",
                f"content-length: {len(body)}"]
        if content_type:
            head.append(f"content-type: {content_type}")
        for name, value in (headers or {}).items():
            head.append(f"{name}: {value}")
        return self.send(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)

    def start_stream(
        self, status: int = 200, content_type: str = "text/event-stream; charset=utf-8"
    ) -> bool:
        head = (
            f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}\r\nserver: uvicorn\r\n"
            f"cache-control: no-cache\r\ncontent-type: {content_type}\r\n"
            "x-accel-buffering: no\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        return self.send(head.encode("latin-1"))

    def chunk(self, payload: bytes) -> bool:
        if not payload:
            return True  # an empty chunk would end the body
        return self.send(b"%x\r\n%s\r\n" % (len(payload), payload))

    def message(self, message: Any) -> bool:
        """One SSE message in one chunk, compact UTF-8 JSON like orjson."""
        return self.chunk(sse_bytes(message))

    def end_stream(self) -> bool:
        return self.send(b"0\r\n\r\n")

    # pacing and closing -------------------------------------------------------

    def pause(self, seconds: float) -> bool:
        """Wait ``seconds``; return early with False if the peer closed."""
        deadline = time.monotonic() + seconds
        while True:
            if self._peer_closed():
                return False
            left = deadline - time.monotonic()
            if left <= 0:
                return True
            if self.server.stopping.wait(min(left, 0.02)):
                return False

    def hang(self) -> None:
        """Send nothing until the peer leaves or the server stops."""
        while not self._peer_closed() and not self.server.stopping.wait(0.02):
            pass

    def _peer_closed(self) -> bool:
        if self.gone or isinstance(self.sock, ssl.SSLSocket):  # no MSG_PEEK under TLS
            return self.gone
        try:
            readable, _, _ = select.select([self.sock], [], [], 0)
            if readable and self.sock.recv(1, socket.MSG_PEEK) == b"":
                self.gone = True
        except (OSError, ValueError):
            self.gone = True
        return self.gone

    def close(self) -> None:
        """Close our side cleanly (FIN), e.g. in the middle of a chunked body."""
        self._finish("server", linger=False)

    def left_early(self) -> None:
        """The client went away in the middle of a response: close our side."""
        with self.server.lock:
            self.server.streams_left_early += 1
        self._finish("peer", linger=False)

    def abort(self) -> None:
        """Reset the connection (RST)."""
        self._finish("server", linger=True)

    def _finish(self, by: str, linger: bool) -> None:
        if self.closed_at is not None:
            return
        self.keep_alive = False
        try:
            if linger:
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        for closer in (self.rfile.close, self.sock.close):
            try:
                closer()
            except OSError:
                pass
        self.closed_by = by
        self.closed_at = time.monotonic()
        self.server._connection_closed(self)


# -- sessions ------------------------------------------------------------------


@dataclass
class Session:
    """A queue job created by a successful join."""

    session_hash: str
    event_id: str
    body: Dict[str, Any]

    @property
    def prompt(self) -> str:
        data = self.body.get("data") or [""]
        return data[0] if isinstance(data[0], str) else ""


# -- steps of a stream script ----------------------------------------------------


@dataclass(frozen=True)
class Pause:
    seconds: float


@dataclass(frozen=True)
class Raw:
    """Bytes written as they are, outside the chunked framing."""

    data: bytes


@dataclass(frozen=True)
class SmallWrites:
    """One SSE message sent as many small chunks, one TCP write each."""

    payload: bytes
    size: int = 4096


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


END = _Marker("END")  # the final zero chunk: the body ends properly
CUT = _Marker("CUT")  # close the connection (FIN) without ending the chunked body
ABORT = _Marker("ABORT")  # reset the connection (RST)
HANG = _Marker("HANG")  # send nothing more until the client leaves

Step = Union[Dict[str, Any], bytes, Pause, Raw, SmallWrites, _Marker]
Script = Callable[[Session], Iterable[Step]]
Handler = Callable[[Conn, Request], None]


# -- Gradio 6 message shapes -------------------------------------------------------


def sse_bytes(message: Any) -> bytes:
    return b"data: " + json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode() + b"\n\n"


def chat_value(prompt: str, reply: str) -> List[Dict[str, Any]]:
    return [
        {"role": "user", "metadata": None, "content": [{"text": prompt, "type": "text"}], "options": None},
        {"role": "assistant", "metadata": None, "content": [{"text": reply, "type": "text"}], "options": None},
    ]


def estimation(event_id: str, rank: int = 0, queue_size: int = 1) -> Dict[str, Any]:
    return {"msg": "estimation", "event_id": event_id, "rank": rank, "queue_size": queue_size,
            "rank_eta": 0.7569144566853842}


def process_starts(event_id: str) -> Dict[str, Any]:
    return {"msg": "process_starts", "event_id": event_id, "eta": 0.7569144566853842}


def generating(event_id: str, data: List[Any]) -> Dict[str, Any]:
    return {"msg": "process_generating", "event_id": event_id,
            "output": {"data": data, "is_generating": True, "duration": 0.0521697998046875,
                       "average_duration": 0.09038949751220973, "render_config": None,
                       "changed_state_ids": [], "used_cache": None},
            "success": True, "time_limit": None}


def full(session: Session, reply: str) -> Dict[str, Any]:
    """The first process_generating of an event: full output values."""
    return generating(session.event_id, ["", chat_value(session.prompt, reply), SYSTEM])


def append(session: Session, token: str) -> Dict[str, Any]:
    """A later process_generating: one append diff to the reply."""
    return generating(session.event_id, [[], [["append", [1, "content", 0, "text"], token]], []])


def completed(session: Session, reply: str) -> Dict[str, Any]:
    return {"msg": "process_completed", "event_id": session.event_id,
            "output": {"data": ["", chat_value(session.prompt, reply), SYSTEM], "is_generating": False,
                       "duration": 0.0006515979766845703, "average_duration": 0.08785724838574728,
                       "render_config": None, "changed_state_ids": [], "used_cache": None},
            "success": True, "title": None, "used_cache": None,
            "cache_duration": 0.0006515979766845703, "avg_time": 0.08785724838574728}


def failed(session: Session, error: Optional[str], title: Optional[str] = "Error") -> Dict[str, Any]:
    """process_completed with success false (gr.Error on Gradio 6)."""
    output: Dict[str, Any] = {"error": error}
    if error is not None:
        output.update({"duration": 10, "visible": True, "title": title})
    return {"msg": "process_completed", "event_id": session.event_id, "output": output,
            "success": False, "title": None, "used_cache": None, "cache_duration": 10.0, "avg_time": None}


def cancelled(session: Session) -> Dict[str, Any]:
    return {"msg": "process_completed", "event_id": session.event_id, "output": {}, "success": True,
            "title": None, "used_cache": None, "cache_duration": None, "avg_time": None}


HEARTBEAT: Dict[str, Any] = {"msg": "heartbeat", "event_id": None}
CLOSE_STREAM: Dict[str, Any] = {"msg": "close_stream", "event_id": None}


def unexpected_error(message: str = "404: Not Found") -> Dict[str, Any]:
    return {"msg": "unexpected_error", "event_id": None, "message": message,
            "session_not_found": True, "success": False}


def chat_steps(session: Session, tokens: Sequence[str] = TOKENS, *, delay: float = 0.0) -> List[Step]:
    """A whole successful reply, as Gradio 6 streams it."""
    steps: List[Step] = [estimation(session.event_id), process_starts(session.event_id),
                         full(session, tokens[0] if tokens else "")]
    for token in tokens[1:]:
        if delay:
            steps.append(Pause(delay))
        steps.append(append(session, token))
    steps += [completed(session, "".join(tokens)), CLOSE_STREAM, END]
    return steps


def head_steps(session: Session, tokens: Sequence[str] = TOKENS) -> List[Step]:
    """The messages of a reply up to (and with) its last token, without the
    completion: what a stream holds when it breaks."""
    return chat_steps(session, tokens)[:-3]


# -- handlers -----------------------------------------------------------------------


def status(
    code: int,
    body: Union[bytes, str, Any] = b"",
    *,
    headers: Optional[Dict[str, str]] = None,
    content_type: Optional[str] = None,
) -> Handler:
    """Answer with a fixed response (a dict/list body is sent as JSON)."""

    def handler(conn: Conn, request: Request) -> None:
        conn.respond(code, body, headers=headers, content_type=content_type)

    return handler


def join_ok(event_id: Optional[str] = None) -> Handler:
    """Accept a join: create a job for the session, answer its event id."""

    def handler(conn: Conn, request: Request) -> None:
        body = request.json()
        session = Session(str(body.get("session_hash")), event_id or uuid.uuid4().hex, body)
        conn.server.sessions[session.session_hash] = session
        conn.server.jobs.append(session)
        conn.respond(200, {"event_id": session.event_id})

    return handler


def cut() -> Handler:
    """Close the connection without answering."""
    return lambda conn, request: conn.close()


def reset() -> Handler:
    return lambda conn, request: conn.abort()


def stall(seconds: Optional[float] = None) -> Handler:
    """Answer nothing for ``seconds`` (or until the client leaves), then close."""

    def handler(conn: Conn, request: Request) -> None:
        if seconds is None:
            conn.hang()
        else:
            conn.pause(seconds)
        conn.close()

    return handler


def garbage(data: bytes = b"\x00\xffNOT HTTP AT ALL\r\n\r\n") -> Handler:
    def handler(conn: Conn, request: Request) -> None:
        conn.send(data)
        conn.close()

    return handler


def redirect(location: str, code: int = 307) -> Handler:
    return status(code, b"", headers={"location": location})


def sse(script: Script, *, status_code: int = 200) -> Handler:
    """Stream ``script(session)`` for the request's session.

    A session that never joined gets what Gradio sends: one
    ``unexpected_error`` message and an aborted body.
    """

    def handler(conn: Conn, request: Request) -> None:
        session = conn.server.sessions.get(request.query.get("session_hash", ""))
        if session is None:
            steps: Iterable[Step] = [unexpected_error(), CUT]
        else:
            steps = script(session)
        conn.start_stream(status_code)
        play(conn, steps)

    return handler


def play(conn: Conn, steps: Iterable[Step]) -> None:
    """Send the steps of a script; stop when the client leaves."""
    for step in steps:
        if isinstance(step, dict):
            ok = conn.message(step)
        elif isinstance(step, bytes):
            ok = conn.chunk(step)
        elif isinstance(step, Pause):
            ok = conn.pause(step.seconds)
        elif isinstance(step, Raw):
            ok = conn.send(step.data)
        elif isinstance(step, SmallWrites):
            ok = True
            for start in range(0, len(step.payload), step.size):
                if not conn.chunk(step.payload[start : start + step.size]):
                    ok = False
                    break
        elif step is END:
            conn.end_stream()
            return
        elif step is CUT:
            conn.close()
            return
        elif step is ABORT:
            conn.abort()
            return
        elif step is HANG:
            conn.hang()
            conn.left_early() if conn.gone else conn.close()
            return
        else:
            raise TypeError(f"unknown step {step!r}")
        if not ok:
            conn.left_early()
            return
    conn.close()  # a script without END: cut at its end


# -- the server ----------------------------------------------------------------------


class FaultServer:
    """A threaded HTTP/1.1 server whose answers each test scripts.

    Defaults (a healthy Gradio 6 Space with the layout of qwen-2-5-max):
    join -> a new job, data -> :func:`chat_steps`, cancel -> success,
    anything else -> 404 JSON.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        *,
        url_host: Optional[str] = None,
        port: int = 0,
        tls: Optional[ssl.SSLContext] = None,
    ) -> None:
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((host, port))
        self.listener.listen(256)
        self.port = self.listener.getsockname()[1]
        self.tls = tls
        self.url = f"{'https' if tls else 'http'}://{url_host or host}:{self.port}"
        self.tls_failures = 0  # handshakes the client refused
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.requests: List[Request] = []
        self.connections: List[Conn] = []
        self.sessions: Dict[str, Session] = {}
        self.jobs: List[Session] = []
        self.streams_left_early = 0
        self.errors: List[str] = []
        self._routes: Dict[Tuple[str, str], List[Handler]] = {}
        self._served: Dict[Tuple[str, str], int] = {}
        self._threads: List[threading.Thread] = []
        self.on("POST", JOIN, join_ok())
        self.on("GET", DATA, sse(chat_steps))
        self.on("POST", CANCEL, status(200, {"success": True}))
        self._acceptor = threading.Thread(target=self._accept_loop, name=f"fault-server-{self.port}", daemon=True)
        self._acceptor.start()

    def __repr__(self) -> str:
        return f"<FaultServer {self.url}>"

    def __enter__(self) -> "FaultServer":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    # scripting -----------------------------------------------------------------------

    def on(self, method: str, path: str, *handlers: Handler) -> "FaultServer":
        """Answer ``method path`` with ``handlers`` in turn (the last repeats)."""
        if not handlers:
            raise ValueError("give at least one handler")
        with self.lock:
            self._routes[(method.upper(), path)] = list(handlers)
            self._served[(method.upper(), path)] = 0
        return self

    def on_data(self, script: Script) -> "FaultServer":
        """Stream ``script(session)`` on ``GET /gradio_api/queue/data``."""
        return self.on("GET", DATA, sse(script))

    def _handler(self, request: Request) -> Handler:
        key = (request.method, request.path)
        with self.lock:
            handlers = self._routes.get(key)
            if handlers is None:
                return status(404, {"detail": "Not Found"})
            served = self._served[key]
            self._served[key] = served + 1
        return handlers[min(served, len(handlers) - 1)]

    # what happened ------------------------------------------------------------------

    def calls(self, method: str, path: str) -> List[Request]:
        with self.lock:
            return [r for r in self.requests if r.method == method and r.path == path]

    @property
    def joins(self) -> int:
        return len(self.calls("POST", JOIN))

    @property
    def cancels(self) -> List[Request]:
        return self.calls("POST", CANCEL)

    def open_connections(self) -> List[Conn]:
        with self.lock:
            return [c for c in self.connections if c.closed_at is None]

    def data_connections(self) -> List[Conn]:
        with self.lock:
            conns = list(self.connections)
        return [c for c in conns if any(r.path == DATA for r in c.requests)]

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> bool:
        """Poll ``predicate`` until it is true or ``timeout`` passes."""
        deadline = time.monotonic() + timeout
        while True:
            if predicate():
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.005)

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until every connection is closed (by either side)."""
        return self.wait_for(lambda: not self.open_connections(), timeout)

    def fds(self) -> List[int]:
        """The file descriptors of the server's own sockets."""
        out = []
        for sock in [self.listener] + [c.sock for c in self.open_connections()]:
            try:
                fd = sock.fileno()
            except OSError:
                continue
            if fd >= 0:
                out.append(fd)
        return out

    # serving ----------------------------------------------------------------------

    def _accept_loop(self) -> None:
        conn_ids = 0
        while not self.stopping.is_set():
            try:
                readable, _, _ = select.select([self.listener], [], [], 0.05)
            except (OSError, ValueError):
                return
            if not readable:
                continue
            try:
                sock, _ = self.listener.accept()
            except OSError:
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn_ids += 1
            conn = Conn(self, sock, conn_ids)
            with self.lock:
                self.connections.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), name=f"fault-conn-{conn_ids}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: Conn) -> None:
        if self.tls is not None:
            try:
                conn.rfile.close()  # made for the plain socket
                conn.sock = self.tls.wrap_socket(conn.sock, server_side=True)
                conn.rfile = conn.sock.makefile("rb")
            except (ssl.SSLError, OSError):
                self.tls_failures += 1
                conn.gone = True
                conn._finish("peer", linger=False)
                return
        try:
            while conn.keep_alive and not self.stopping.is_set():
                request = self._read_request(conn)
                if request is None:
                    conn._finish("peer", linger=False)
                    return
                with self.lock:
                    self.requests.append(request)
                conn.requests.append(request)
                if request.headers.get("connection", "").lower() == "close":
                    conn.keep_alive = False
                try:
                    self._handler(request)(conn, request)
                except Exception:  # a broken script: fail loudly, not with a hang
                    self.errors.append(traceback.format_exc())
                    traceback.print_exc()
                    conn.abort()
                    return
            conn.close()
        except Exception:
            self.errors.append(traceback.format_exc())
            conn.abort()

    def _read_request(self, conn: Conn) -> Optional[Request]:
        try:
            line = conn.rfile.readline(65537)
            if not line:
                return None
            while line in (b"\r\n", b"\n"):  # tolerate stray line breaks between requests
                line = conn.rfile.readline(65537)
                if not line:
                    return None
            method, target, _ = line.decode("latin-1").split(" ", 2)
            headers: Dict[str, str] = {}
            while True:
                header = conn.rfile.readline(65537)
                if not header:
                    return None
                if header in (b"\r\n", b"\n"):
                    break
                name, _, value = header.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length") or 0)
            body = conn.rfile.read(length) if length else b""
        except (OSError, ValueError):
            return None
        parts = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        return Request(method.upper(), parts.path, query, headers, body, conn.id, time.monotonic())

    def _connection_closed(self, conn: Conn) -> None:
        pass  # a hook for subclasses

    def close(self) -> None:
        self.stopping.set()
        self._acceptor.join(2)
        try:
            self.listener.close()
        except OSError:
            pass
        for conn in self.open_connections():
            try:
                conn.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in self._threads:
            thread.join(2)
        for conn in self.open_connections():
            conn.close()


# -- a server in a process of its own ---------------------------------------------------


def _endless(session: Session) -> Iterable[Step]:
    """A reply that never ends: one token every 20 ms."""
    yield estimation(session.event_id)
    yield process_starts(session.event_id)
    yield full(session, "tok0")
    n = 0
    while True:
        n += 1
        yield Pause(0.02)
        yield append(session, f" tok{n}")


SCENARIOS: Dict[str, Script] = {"endless": _endless, "chat": chat_steps}


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="chat")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    server = FaultServer(args.host)
    server.on_data(SCENARIOS[args.scenario])
    print(f"READY {server.url}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.close()


if __name__ == "__main__":
    main()
