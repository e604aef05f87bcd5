"""A delay proxy on 127.0.0.1 that counts every byte, both ways, per HTTP request.

    python benchmarks/proxy.py http://127.0.0.1:7860 --latency-ms 50

prints ``{"url": "http://127.0.0.1:PORT"}`` once it listens, forwards every TCP
connection made to that port to the upstream server, and when its stdin closes prints
what went through (one JSON object: totals and one row per request).  ``wire.py`` runs
it in-process instead (:class:`DelayProxy`).

The model is a link with a fixed one-way latency L and no bandwidth limit:

- every piece of data read from one side is written to the other side L seconds after
  it was read, in order.  So a request reaches the server L after the client sent it,
  and each response chunk reaches the client L after the server wrote it; a streamed
  response stays streamed (no chunk waits for a later one), and one round trip costs 2L;
- a new connection costs ``connect_rtts`` round trips before its first byte can leave
  the client (1 = the TCP handshake; 2 adds a TLS 1.3 handshake, as https to a Space
  needs).  The client's ``connect()`` to the proxy returns at once; its first bytes are
  held back instead, which costs the same time.

Counting: bytes are counted as the proxy reads them: application bytes (request and
status lines, headers, bodies, chunk framing), no TCP/IP headers.  The proxy parses the
client's side of each connection just enough to split it into requests (request line,
``Content-Length``), and charges the server's bytes to the request most recently sent on
that connection.  That is exact for HTTP/1.1 without pipelining, where a client reads a
whole response before it sends the next request on the same connection.

Stdlib only (asyncio), so any interpreter can run it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any, Deque, Dict, List, Optional, Tuple
from urllib.parse import urlsplit

__all__ = ["DelayProxy", "Request"]

_METHODS = (b"GET ", b"POST ", b"PUT ", b"DELETE ", b"HEAD ", b"OPTIONS ", b"PATCH ")
_MAX_HEAD = 65536


@dataclass
class Request:
    """One HTTP request seen by the proxy, and the bytes charged to it."""

    id: int
    conn: int  # connection number, in order of accept
    new_conn: bool  # the first request on its connection
    method: str
    path: str  # without the query string
    at: float  # time.time() when the proxy had read its head
    up: int = 0  # client -> server bytes: request line, headers, body
    down: int = 0  # server -> client bytes: status line, headers, body


class _Meter:
    """Byte counts per request since the last :meth:`take`.  The loop thread writes,
    the caller's thread reads: hence the lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: Dict[int, Request] = {}
        self.window: Dict[int, List[int]] = {}  # request id -> [up, down] since take()
        self.unparsed = [0, 0]  # bytes before a connection's first complete request head
        self.connections = 0
        self.window_connections = 0

    def new_request(self, conn: int, new_conn: bool, method: str, path: str) -> int:
        with self.lock:
            rid = len(self.requests)
            self.requests[rid] = Request(rid, conn, new_conn, method, path, time.time())
            return rid

    def add(self, rid: Optional[int], up: int, down: int) -> None:
        with self.lock:
            if rid is None:
                self.unparsed[0] += up
                self.unparsed[1] += down
                return
            counts = self.window.setdefault(rid, [0, 0])
            counts[0] += up
            counts[1] += down

    def connected(self) -> int:
        with self.lock:
            self.connections += 1
            self.window_connections += 1
            return self.connections

    def take(self) -> Dict[str, Any]:
        """What went through since the previous take(): totals, and one row per request
        (with this window's bytes only) in the order the proxy saw their heads."""
        with self.lock:
            window, self.window = self.window, {}
            unparsed, self.unparsed = self.unparsed, [0, 0]
            connections, self.window_connections = self.window_connections, 0
            rows = []
            for rid in sorted(window):
                row = asdict(self.requests[rid])
                row["up"], row["down"] = window[rid]
                rows.append(row)
        up = sum(r["up"] for r in rows) + unparsed[0]
        down = sum(r["down"] for r in rows) + unparsed[1]
        return {"up": up, "down": down, "bytes": up + down, "connections": connections,
                "requests": rows, "unparsed": unparsed}


class _RequestSplitter:
    """Finds the request boundaries in a client's bytes (HTTP/1.1 with Content-Length
    bodies; after a chunked request body the rest of the connection is one request)."""

    def __init__(self, meter: _Meter, conn: int) -> None:
        self.meter = meter
        self.conn = conn
        self.head = b""
        self.body_left = 0
        self.opaque = False
        self.current: Optional[int] = None
        self.count = 0

    def feed(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            if self.opaque:
                self.meter.add(self.current, len(view), 0)
                return
            if self.body_left:
                take = min(self.body_left, len(view))
                self.meter.add(self.current, take, 0)
                self.body_left -= take
                view = view[take:]
            else:
                view = self._feed_head(view)

    def _feed_head(self, view: memoryview) -> memoryview:
        """Collect a request head; once complete, open its row and charge it the head."""
        start = len(self.head)
        self.head += bytes(view)
        end = self.head.find(b"\r\n\r\n")
        if end < 0:
            if len(self.head) > _MAX_HEAD:  # not HTTP as we know it: count, stop parsing
                self._open(self.head)
                self.meter.add(self.current, len(self.head), 0)
                self.opaque = True
            return view[len(view) :]
        head = self.head[: end + 4]
        self.head = b""
        self._open(head)
        self.meter.add(self.current, len(head), 0)
        self._parse_head(head)
        return view[len(head) - start :]

    def _open(self, head: bytes) -> None:
        method, path = "?", "?"
        if head.startswith(_METHODS):
            parts = head.split(b"\r\n", 1)[0].split(b" ")
            method = parts[0].decode("latin-1")
            path = parts[1].split(b"?", 1)[0].decode("latin-1") if len(parts) > 1 else "?"
        self.current = self.meter.new_request(self.conn, self.count == 0, method, path)
        self.count += 1

    def _parse_head(self, head: bytes) -> None:
        self.body_left = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                self.body_left = int(value.strip() or 0)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                self.opaque = True


class _DelayLine:
    """One direction of a connection: writes each piece of data ``delay`` seconds after
    it was read, in order.  ``None`` in the queue stands for the end of the stream."""

    def __init__(self, loop: asyncio.AbstractEventLoop, delay: float) -> None:
        self.loop = loop
        self.delay = delay
        self.queue: Deque[Tuple[float, Optional[bytes]]] = deque()
        self.sink: Optional[asyncio.Transport] = None
        self.timer: Optional[asyncio.TimerHandle] = None
        self.hold_until = 0.0  # nothing leaves before this loop time (connection set-up)

    def push(self, data: Optional[bytes]) -> None:
        due = max(self.loop.time(), self.hold_until) + self.delay
        self.queue.append((due, data))
        if self.timer is None:
            self._schedule()

    def set_sink(self, sink: asyncio.Transport) -> None:
        self.sink = sink
        if self.timer is None:
            self._schedule()

    def _schedule(self) -> None:
        if self.queue and self.sink is not None:
            self.timer = self.loop.call_at(self.queue[0][0], self._drain)

    def _drain(self) -> None:
        self.timer = None
        sink = self.sink
        if sink is None:
            return
        now = self.loop.time()
        while self.queue and self.queue[0][0] <= now + 0.0002:
            _, data = self.queue.popleft()
            if sink.is_closing():
                self.queue.clear()
                return
            if data is not None:
                sink.write(data)
                continue
            try:
                sink.write_eof()
            except (OSError, RuntimeError, NotImplementedError):  # the peer is gone already
                sink.close()
        self._schedule()


class _UpstreamSide(asyncio.Protocol):
    """The proxy's socket to the server: what it reads goes into the "down" line."""

    def __init__(self, conn: "_Connection") -> None:
        self.conn = conn

    def data_received(self, data: bytes) -> None:
        self.conn.proxy.meter.add(self.conn.splitter.current, 0, len(data))
        self.conn.down.push(data)

    def eof_received(self) -> bool:
        self.conn.down.push(None)
        return True  # the other direction may still be open

    def connection_lost(self, exc: Optional[BaseException]) -> None:
        self.conn.close()


class _ClientSide(asyncio.Protocol):
    """The client's socket: each accepted connection gets one, and a :class:`_Connection`."""

    def __init__(self, proxy: "DelayProxy") -> None:
        self.proxy = proxy
        self.conn: Optional[_Connection] = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.conn = _Connection(self.proxy, transport)  # type: ignore[arg-type]

    def data_received(self, data: bytes) -> None:
        if self.conn is not None:
            self.conn.splitter.feed(data)
            self.conn.up.push(data)

    def eof_received(self) -> bool:
        if self.conn is not None:
            self.conn.up.push(None)
        return True

    def connection_lost(self, exc: Optional[BaseException]) -> None:
        if self.conn is not None:
            self.conn.close()


class _Connection:
    """A client connection, its upstream connection, and a delay line each way."""

    def __init__(self, proxy: "DelayProxy", client: asyncio.Transport) -> None:
        loop = proxy.loop
        self.proxy = proxy
        self.splitter = _RequestSplitter(proxy.meter, proxy.meter.connected())
        self.up = _DelayLine(loop, proxy.latency)
        self.up.hold_until = loop.time() + proxy.connect_rtts * 2 * proxy.latency
        self.down = _DelayLine(loop, proxy.latency)
        self.down.set_sink(client)
        self.client = client
        self.upstream: Optional[asyncio.Transport] = None
        self.closed = False
        loop.create_task(self._connect())

    async def _connect(self) -> None:
        host, port = self.proxy.upstream
        try:
            transport, _ = await self.proxy.loop.create_connection(lambda: _UpstreamSide(self), host, port)
        except OSError:
            self.close()
            return
        self.upstream = transport
        self.up.set_sink(transport)
        if self.closed:
            self.proxy.loop.call_later(self.proxy.latency + 0.05, transport.close)

    def close(self) -> None:
        """Either side went away: let what is in flight arrive, then close both."""
        if self.closed:
            return
        self.closed = True
        for transport in (self.client, self.upstream):
            if transport is not None:
                self.proxy.loop.call_later(self.proxy.latency + 0.05, transport.close)


class DelayProxy:
    """The proxy, on its own event loop in a daemon thread::

        with DelayProxy("http://127.0.0.1:7860", latency=0.05) as proxy:
            ...  # point clients at proxy.url
            figures = proxy.take()
    """

    def __init__(self, upstream_url: str, latency: float = 0.05, connect_rtts: int = 1) -> None:
        parts = urlsplit(upstream_url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"upstream must be http://host:port, not {upstream_url!r}")
        self.upstream = (parts.hostname, parts.port or 80)
        self.latency = latency
        self.connect_rtts = connect_rtts
        self.meter = _Meter()
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._server: Optional[asyncio.AbstractServer] = None
        self._thread = threading.Thread(target=self._run, name="delay-proxy", daemon=True)
        self._ready = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "DelayProxy":
        self._thread.start()
        self._ready.wait(10)
        if not self.port:
            raise RuntimeError("the delay proxy did not start")
        return self

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self._server = self.loop.run_until_complete(
            self.loop.create_server(lambda: _ClientSide(self), "127.0.0.1", 0, backlog=256)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self.loop.run_forever()

    def take(self) -> Dict[str, Any]:
        """Totals and per-request rows since the previous take() (see _Meter.take)."""
        return self.meter.take()

    def close(self) -> None:
        if self._thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(5)
        if self._server is not None:
            self._server.close()

    def __enter__(self) -> "DelayProxy":
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("upstream", help="http://host:port of the server behind the proxy")
    p.add_argument("--latency-ms", type=float, default=50.0, help="one-way latency (default 50)")
    p.add_argument("--connect-rtts", type=int, default=1, help="round trips a new connection costs (default 1)")
    opts = p.parse_args(argv)
    with DelayProxy(opts.upstream, opts.latency_ms / 1000, opts.connect_rtts) as proxy:
        print(json.dumps({"url": proxy.url}), flush=True)
        sys.stdin.read()  # serve until stdin closes
        print(json.dumps(proxy.take()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
