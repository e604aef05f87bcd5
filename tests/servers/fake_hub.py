"""A fake Hugging Face Hub for the lifecycle tests: one stdlib HTTP server on 127.0.0.1 that
answers the Hub's runtime API, plus one "front" server per Space standing where
``https://owner-name.hf.space`` would (reached through ``Client(base_urls={space_id: front})``).

- ``GET /api/spaces/{owner}/{name}/runtime`` -> ``{"stage", "hardware": {...}}`` for a Space
  added with :meth:`FakeHub.add_space`, 404 otherwise.  Point the client at it with the
  ``HF_ENDPOINT`` environment variable.
- A front forwards every request to the Space's real server (a Gradio replica, a LocalSpace)
  while the stage is RUNNING, streaming responses through unbuffered; in any other stage it
  answers 503 with an HTML page, as a sleeping or starting Space does.  ``GET /`` on a
  SLEEPING or STOPPED Space is the wake-up call: it is recorded and starts the Space's
  ``on_wake`` plan.  ``busy=True`` answers every request with Hugging Face's "This application
  is currently busy" page.

Stages follow plans: ``[(stage, seconds), ..., (stage, None)]``, each held for its seconds
from when the plan starts (at :meth:`set_stages`, or at the wake-up call).
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List, Optional, Sequence, Tuple
from urllib.parse import urlsplit

Plan = Sequence[Tuple[str, Optional[float]]]
HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
       "proxy-authorization", "proxy-authenticate", "content-length"}
BUSY_PAGE = ("<!DOCTYPE html><html><head><title>Hugging Face</title></head><body><h1>This "
             "application is currently busy</h1><p>Please try again later.</p></body></html>")
ASLEEP_PAGE = "<!DOCTYPE html><html><body><h1>This Space is sleeping</h1></body></html>"


class _Space:
    def __init__(self, space_id: str, target: str, plan: Plan) -> None:
        self.space_id = space_id
        self.target = target
        self.plan: Plan = list(plan)
        self.plan_start = time.monotonic()
        self.on_wake: Plan = []
        self.wakes = 0
        self.busy = False
        self.requests: List[Tuple[str, str]] = []  # (method, path) the front received
        self.front: Optional[ThreadingHTTPServer] = None

    def stage(self) -> str:
        elapsed = time.monotonic() - self.plan_start
        for stage, seconds in self.plan:
            if seconds is None or elapsed < seconds:
                return stage
            elapsed -= seconds
        return self.plan[-1][0]


class FakeHub:
    """The Hub API at :attr:`url`; fronts at each Space's :attr:`front_url`."""

    def __init__(self) -> None:
        self.spaces: Dict[str, _Space] = {}
        self.hub_requests: List[Tuple[str, Optional[str]]] = []  # (path, Authorization)
        self.lock = threading.Lock()
        self._servers: List[ThreadingHTTPServer] = []
        self._hub = self._serve(_HubHandler)
        self.url = f"http://127.0.0.1:{self._hub.server_port}"

    def _serve(self, handler: type, space: Optional[_Space] = None) -> ThreadingHTTPServer:
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        server.hub = self  # type: ignore[attr-defined]
        server.space = space  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self._servers.append(server)
        return server

    def add_space(self, space_id: str, target: str, plan: Plan = (("RUNNING", None),)) -> str:
        """Register ``space_id`` served by ``target``; returns its front URL."""
        space = _Space(space_id, target.rstrip("/"), plan)
        space.front = self._serve(_FrontHandler, space)
        with self.lock:
            self.spaces[space_id] = space
        return self.front_url(space_id)

    def front_url(self, space_id: str) -> str:
        front = self.spaces[space_id].front
        assert front is not None
        return f"http://127.0.0.1:{front.server_port}"

    def set_stages(self, space_id: str, plan: Plan, on_wake: Plan = ()) -> None:
        with self.lock:
            space = self.spaces[space_id]
            space.plan, space.plan_start, space.on_wake = list(plan), time.monotonic(), list(on_wake)

    def set_busy(self, space_id: str, busy: bool) -> None:
        self.spaces[space_id].busy = busy

    def stage(self, space_id: str) -> str:
        return self.spaces[space_id].stage()

    def close(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection; bodies end at close

    def log_message(self, *args: object) -> None:  # quiet
        return

    @property
    def hub(self) -> FakeHub:
        return self.server.hub  # type: ignore[attr-defined,no-any-return]

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _HubHandler(_Handler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        hub = self.hub
        with hub.lock:
            hub.hub_requests.append((self.path, self.headers.get("Authorization")))
        parts = self.path.split("?")[0].strip("/").split("/")
        if len(parts) == 5 and parts[:2] == ["api", "spaces"] and parts[4] == "runtime":
            space = hub.spaces.get(f"{parts[2]}/{parts[3]}")
            if space is not None:
                body = {"stage": space.stage(), "hardware": {"current": "cpu-basic", "requested": "cpu-basic"},
                        "gcTimeout": 172800}
                self._send(200, json.dumps(body).encode(), "application/json")
                return
        self._send(404, b'{"error":"Repository not found"}', "application/json")


class _FrontHandler(_Handler):
    @property
    def space(self) -> _Space:
        return self.server.space  # type: ignore[attr-defined,no-any-return]

    def _handle(self) -> None:
        space, hub = self.space, self.hub
        with hub.lock:
            space.requests.append((self.command, self.path))
            stage = space.stage()
            if self.command == "GET" and self.path in ("/", "") and stage in ("SLEEPING", "STOPPED"):
                space.wakes += 1
                if space.on_wake:
                    space.plan, space.plan_start = list(space.on_wake), time.monotonic()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        if space.busy:
            self._send(503, BUSY_PAGE.encode(), "text/html")
        elif stage != "RUNNING":
            self._send(503, ASLEEP_PAGE.encode(), "text/html")
        else:
            self._forward(body)

    def _forward(self, body: Optional[bytes]) -> None:
        target = urlsplit(self.space.target)
        conn = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=120)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP and k.lower() != "host"}
        try:
            conn.request(self.command, self.path, body=body, headers=headers)
            response = conn.getresponse()
            self.send_response(response.status, response.reason)
            for key, value in response.getheaders():
                if key.lower() not in HOP:
                    self.send_header(key, value)
            self.end_headers()
            while True:
                chunk = response.read1(65536)
                if not chunk:
                    break
                self.wfile.write(chunk)
                self.wfile.flush()
        except (OSError, http.client.HTTPException):
            pass  # the client or the Space went away: the connection closes
        finally:
            conn.close()

    do_GET = do_POST = do_HEAD = _handle  # noqa: N815
