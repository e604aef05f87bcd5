"""The served app: routes, sessions, events and their plans."""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import re
import socket
import threading
import uuid
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from .faults import Script, ScriptedResponse
from .jobs import TOKEN, Job, Plan, Runner, Session, Settings
from .layouts import Dependency, Layout, Served, SpaceLayout
from .qwen3 import Qwen3Demo, Qwen3Layout
from .records import RecordedRequest, redact
from .transport import Handler, Pump, Request, StreamGone, multipart_files, unprocessable
from .wire import Wire, call_sse, queue_sse

log = logging.getLogger("qwen_spaces.testing")


class App:
    """Everything LocalSpace serves: state, routes, streams."""

    def __init__(self, spec: SpaceLayout, major: int, settings: Settings,
                 script: Mapping[str, Sequence[ScriptedResponse]]) -> None:
        self.spec, self.settings, self.wire = spec, settings, Wire(major)
        self.prefix = "" if major == 4 else "/gradio_api"
        self.classic = Layout(spec, major, settings.system_state) if spec.app == "classic" else None
        self.qwen3 = Qwen3Demo(settings, lambda: self.url) if spec.app == "qwen3-demo" else None
        self.layout: Served = self.classic or Qwen3Layout()
        self.runner = Runner(settings, self.wire)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.script = Script(script)
        self.sessions: dict[str, Session] = {}
        self.states: dict[str, str] = {}  # session_hash -> system prompt (gr.State)
        self.jobs: dict[str, Job] = {}
        self.call_jobs: dict[str, Job] = {}
        self.records: list[RecordedRequest] = []
        self.uploads: dict[str, bytes] = {}
        self.counters = {"joins": 0, "calls": 0, "cancels": 0}
        self.connections: set[socket.socket] = set()
        self.url = ""

    def track(self, conn: socket.socket, add: bool) -> None:
        with self.lock:
            (self.connections.add if add else self.connections.discard)(conn)

    # dispatch --------------------------------------------------------------
    def handle(self, h: Handler) -> None:
        req = self._read(h)
        route, args = self._route(req.method, req.path)
        scripted = self.script.next(route)
        try:
            if scripted is not None:
                h.send_scripted(scripted)
            elif route is None:
                h.send_json(404, {"detail": "Not Found"})
            else:
                getattr(self, "_r_" + route)(h, req, *args)
        except OSError as exc:
            log.debug("LocalSpace: connection error on %s %s: %s", req.method, req.path, exc)
            h.close_connection = True
        except Exception:
            log.exception("LocalSpace: error while answering %s %s", req.method, req.path)
            h.close_connection = True

    def _read(self, h: Handler) -> Request:
        parts = urlsplit(h.path)
        raw = h.read_body()
        headers = {k.lower(): v for k, v in h.headers.items()}
        try:
            body, ok = (json.loads(raw) if raw else None), True
        except ValueError:
            body, ok = None, False
        req = Request(h.command, unquote(parts.path), dict(parse_qsl(parts.query)),
                       headers, raw, body, ok)
        record = RecordedRequest(
            req.method, req.path, MappingProxyType(dict(req.query)), body,
            MappingProxyType({k: redact(k, v) for k, v in headers.items()}))
        with self.lock:
            self.records.append(record)
        return req

    def _route(self, method: str, path: str) -> tuple[str | None, tuple[str, ...]]:
        if method == "GET" and path == "/config":
            return "config", ()
        if not path.startswith(self.prefix + "/"):
            return None, ()
        rel = path[len(self.prefix):]
        simple = {("GET", "/info"): "info", ("POST", "/queue/join"): "join",
                  ("GET", "/queue/data"): "data", ("POST", "/cancel"): "cancel",
                  ("POST", "/upload"): "upload"}
        if (method, rel) in simple:
            return simple[(method, rel)], ()
        match = re.fullmatch(r"/call/([^/]+)(?:/([^/]+))?", rel)
        if match and method == "POST" and match.group(2) is None:
            return "call", (match.group(1),)
        if match and method == "GET" and match.group(2) is not None:
            return "call_data", (match.group(1), match.group(2))
        return None, ()

    # simple routes ---------------------------------------------------------
    def _r_config(self, h: Handler, req: Request) -> None:
        host = req.headers.get("host")
        h.send_json(200, self.layout.config(f"http://{host}" if host else self.url))

    def _r_info(self, h: Handler, req: Request) -> None:
        h.send_json(200, self.layout.info())

    def _r_cancel(self, h: Handler, req: Request) -> None:
        event_id = req.json.get("event_id") if isinstance(req.json, dict) else None
        with self.lock:
            self.counters["cancels"] += 1
            job = self.jobs.get(event_id) if isinstance(event_id, str) else None
        if job is not None:
            job.stop("cancel")
        h.send_json(200, {"success": True})

    def _r_upload(self, h: Handler, req: Request) -> None:
        paths = []
        for name, data in multipart_files(req.headers.get("content-type", ""), req.raw):
            # a made-up server path shaped like Gradio's; the bytes stay in memory
            path = f"/tmp/gradio/{hashlib.sha256(data).hexdigest()}/{name}"  # nosec B108
            with self.lock:
                self.uploads[path] = data
            paths.append(path)
        h.send_json(200, paths)

    # joins -----------------------------------------------------------------
    def _bad_body(self, h: Handler, req: Request) -> bool:
        """Answers 422 like FastAPI when the body is not a PredictBody."""
        body = req.json
        if not req.json_ok:
            h.send_json(422, unprocessable("json_invalid", "0", {}))
        elif not isinstance(body, dict):
            h.send_json(422, unprocessable("model_attributes_type", "0", body))
        elif "data" not in body:
            h.send_json(422, unprocessable("missing", "data", body))
        elif not isinstance(body["data"], list):
            h.send_json(422, unprocessable("list_type", "data", body["data"]))
        else:
            return False
        return True

    def _r_join(self, h: Handler, req: Request) -> None:
        if self._bad_body(h, req):
            return
        session_hash, dep = req.json.get("session_hash"), self.layout.dep(req.json.get("fn_index"))
        if not isinstance(session_hash, str):
            h.send_json(400, {"detail": "Session hash not found."})
        elif dep is None:
            h.send_text(500, "Internal Server Error")
        else:
            job = self._start_job(self._session(session_hash), dep, req.json["data"], "queue")
            h.send_json(200, {"event_id": job.event_id})

    def _r_call(self, h: Handler, req: Request, api_name: str) -> None:
        dep = self.layout.dep_by_api(api_name)
        if dep is None:
            h.send_text(500, "Internal Server Error")
        elif not self._bad_body(h, req):
            session = Session(uuid.uuid4().hex)
            job = self._start_job(session, dep, req.json["data"], "call")
            h.send_json(200, {"event_id": job.event_id})

    def _session(self, session_hash: str) -> Session:
        with self.lock:
            if session_hash not in self.sessions:
                self.sessions[session_hash] = Session(session_hash)
            return self.sessions[session_hash]

    def _start_job(self, session: Session, dep: Dependency, data: list[Any], via: str) -> Job:
        job = Job(session, dep, data, via)
        job.thread = threading.Thread(target=self._work, args=(job,), daemon=True,
                                      name=f"LocalSpace-event-{job.event_id[:8]}")
        with self.lock:
            self.jobs[job.event_id] = job
            self.counters["joins" if via == "queue" else "calls"] += 1
            if via == "queue":
                session.pending.add(job.event_id)
            else:
                self.call_jobs[job.event_id] = job
        job.thread.start()
        return job

    def _work(self, job: Job) -> None:
        try:
            plan = self.plan(job)
        except Exception:
            log.exception("LocalSpace: could not plan event %s", job.event_id)
            plan = Plan.crash()
        self.runner.run(job, plan)

    # plans -----------------------------------------------------------------
    def plan(self, job: Job) -> Plan:
        if self.qwen3 is not None:
            return self.qwen3.plan(job)
        kind = job.dep.kind
        if kind == "main":
            return self._main_plan(job)
        if kind == "clear":
            return Plan([], ["", []])
        if kind == "set_system":
            value = job.data[0] if job.data and isinstance(job.data[0], str) else ""
            with self.lock:  # gr.State lives apart from the message queue
                self.states[job.session.session_hash] = value
            return Plan([], [None, value, []])
        return Plan([], [])

    def _main_plan(self, job: Job) -> Plan:
        layout = self.classic
        assert layout is not None  # noqa: S101 (only classic layouts have a "main" event)
        slots = dict(zip(self.spec.inputs, job.data))
        prompt = slots.get("prompt", "")
        if len(job.data) != len(self.spec.inputs) or not isinstance(prompt, str):
            return Plan.crash()
        if not self._file_ok(slots.get("image")):
            return Plan.crash()
        system = slots.get("system")
        if self.settings.system_state and layout.chat:
            with self.lock:
                system = self.states.get(job.session.session_hash, self.spec.default_system)
        system = system if isinstance(system, str) else None
        params = {k: v for k, v in slots.items() if k not in ("prompt", "history", "system")}
        tokens = self._tokens(prompt, system, params)
        history = slots.get("history")
        history = list(history) if isinstance(history, list) else []
        texts = list(itertools.accumulate(tokens))
        s = self.settings
        yields = [layout.main_outputs(prompt, history, system, t, s.cleandoc) for t in texts]
        return Plan(yields, yields[-1], s.fail, s.fail_message, s.fail_after,
                     max(0.05, s.token_delay * len(yields)))

    def _tokens(self, prompt: str, system: str | None, params: dict[str, Any]) -> list[str]:
        if self.settings.tokens is not None:
            return list(self.settings.tokens) or [""]
        reply = self.settings.reply
        text = reply if isinstance(reply, str) else reply(prompt, system, MappingProxyType(params))
        if not isinstance(text, str):
            raise TypeError(f"reply must return str, not {type(text).__name__}")
        return TOKEN.findall(text) or [""]

    def _file_ok(self, value: Any) -> bool:
        """Like Gradio: a FileData must name an uploaded file (or a URL)."""
        if value is None:
            return True
        if not isinstance(value, dict) or not isinstance(value.get("path"), str):
            return False
        path = value["path"]
        with self.lock:
            return path in self.uploads or path.startswith(("http://", "https://"))

    # streams ---------------------------------------------------------------
    def _r_data(self, h: Handler, req: Request) -> None:
        with self.lock:
            session = self.sessions.get(req.query.get("session_hash", ""))
        h.start_stream()
        if session is None:
            h.chunk(queue_sse(self.wire.unexpected_error()))
            h.abort()
            return
        try:
            self._pump_session(h, session)
        except StreamGone as gone:
            log.debug("LocalSpace: /queue/data of %s ended: %s", session.session_hash, gone)
            self._drop_session(session)
            h.abort()

    def _pump_session(self, h: Handler, session: Session) -> None:
        pump = Pump(h, self, queue_sse, self.wire.heartbeat())
        while True:
            msg = pump.next(session.messages)
            pump.send(msg)
            if msg["msg"] == "process_completed" and self._last_event(session, msg["event_id"]):
                pump.send(self.wire.close_stream())
                h.end_stream()
                return

    def _last_event(self, session: Session, event_id: str) -> bool:
        with self.lock:
            session.pending.discard(event_id)
            return not session.pending

    def _drop_session(self, session: Session) -> None:
        """A dropped stream ends the session and stops its events (as Gradio does)."""
        with self.lock:
            if self.sessions.get(session.session_hash) is session:
                del self.sessions[session.session_hash]
            jobs = [self.jobs[e] for e in session.pending if e in self.jobs]
        for job in jobs:
            job.stop("drop")

    def _r_call_data(self, h: Handler, req: Request, api_name: str, event_id: str) -> None:
        with self.lock:
            job = self.call_jobs.pop(event_id, None)
        h.start_stream()
        if job is None:
            h.chunk(call_sse(("error", self.wire.not_found_text())))
            h.abort()
            return
        try:
            self._pump_call(h, job)
        except StreamGone as gone:
            log.debug("LocalSpace: /call stream of %s ended: %s", event_id, gone)
            job.stop("drop")
            h.abort()

    def _pump_call(self, h: Handler, job: Job) -> None:
        pump = Pump(h, self, call_sse, ("heartbeat", None))
        while True:
            event = self.wire.call_event(pump.next(job.sink))
            if event is None:
                continue
            pump.send(event)
            if event[0] != "generating":
                h.end_stream()
                return

    # lifecycle -------------------------------------------------------------
    def shutdown_connections(self) -> None:
        self.stopping.set()
        with self.lock:
            jobs, conns = list(self.jobs.values()), list(self.connections)
        for job in jobs:
            job.stop("stop")
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

